// The route stage on its own: tasks run from RouteSettings and a Prepared made by hand (no job
// file, no GDAL), checked against the engine's searches they stand for, and assembly of reach
// tasks in chunks checked against one task over every facility.
#include "job/pipeline.hpp"
#include "support/test_network.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/snapping/edge_index.hpp>

#include <gtest/gtest.h>

#include <random>

using namespace accessatlas;
using job::detail::TaskKind;
using test::NullReporter;

namespace {

class RouteStage : public testing::Test {
protected:
    void SetUp() override {
        prepared.net = test::random_network(400, 17);
        graph = network::build_mode_graph(prepared.net, test::uniform_profile(network::Mode::drive, 36, true));
        const snapping::EdgeIndex index(prepared.net, graph, false);
        std::mt19937 rng(3);
        std::uniform_real_distribution<double> coord(0, 5000);
        job::detail::ScenarioInputs baseline;
        job::detail::Facilities gps;
        job::detail::Snaps facility_snaps, origin_snaps;
        for (int f = 0; f < 10; ++f) {
            const Point p{coord(rng), coord(rng)};
            gps.location.push_back(p);
            gps.id.push_back("gp" + std::to_string(f));
            gps.name.push_back(gps.id.back());
            gps.supply.push_back(1.0 + f % 3);
            facility_snaps.push_back(index.snap(p, 1e9));
        }
        // 200 origins in 4 areas (by x), 10 to 16 people each.
        prepared.areas.code = {"A", "B", "C", "D"};
        prepared.areas.population.assign(4, 0);
        for (int o = 0; o < 200; ++o) {
            const Point p{coord(rng), coord(rng)};
            const auto area = static_cast<std::uint32_t>(p.x / 1250);
            prepared.origins.location.push_back(p);
            prepared.origins.area.push_back(area);
            prepared.origins.population.push_back(10.0 + o % 7);
            prepared.origins.kind.emplace_back("point");
            prepared.areas.population[area] += prepared.origins.population.back();
            origin_snaps.push_back(index.snap(p, 1e9));
        }
        prepared.origins.area_served.assign(4, 1);
        baseline.facilities.push_back(gps);
        baseline.facility_snaps = {{facility_snaps}};
        baseline.origin_snaps = {std::make_shared<const job::detail::Snaps>(origin_snaps)};
        prepared.scenarios.push_back(std::move(baseline));

        settings.services = {"gp"};
        settings.modes = {network::Mode::drive};
        settings.thresholds_min = {3, 6};
        settings.threads = 2;
        settings.catchments.enabled = true;
        settings.catchments.thresholds_min = {4};
        settings.catchments.polygons = false;
        settings.e2sfca.enabled = true;
        settings.e2sfca.decay.kind = access::DecayKind::linear;
        settings.e2sfca.decay.max_time_min = 5;
    }
    const job::detail::Snaps& facility_snaps() const { return prepared.scenarios[0].facility_snaps[0][0]; }
    const job::detail::Snaps& origin_snaps() const { return *prepared.scenarios[0].origin_snaps[0]; }
    job::detail::TaskResult run(const job::detail::TaskSpec& task, routing::HierarchyCache* hierarchy = nullptr,
                                Reporter* reporter = nullptr) {
        return job::detail::run_task(settings, prepared.net, graph, prepared.scenarios[0].facility_snaps[0], origin_snaps(), task,
                                     reporter ? *reporter : quiet, nullptr, hierarchy);
    }

    job::detail::Prepared prepared;
    network::ModeGraph graph;
    job::detail::RouteSettings settings;
    NullReporter quiet;
};

}  // namespace

// A service's searches reach as far as its catchments or E2SFCA need, whichever is longer.
TEST_F(RouteStage, SettingsSayHowFarEachServiceSearches) {
    EXPECT_DOUBLE_EQ(settings.reach_limit_s("gp", network::Mode::drive), 300);  // E2SFCA's 5 min beyond catchments' 4
    settings.e2sfca.enabled = false;
    EXPECT_DOUBLE_EQ(settings.reach_limit_s("gp", network::Mode::drive), 240);
    settings.catchments.services = {"pharmacy"};  // catchments for another service only
    EXPECT_DOUBLE_EQ(settings.reach_limit_s("gp", network::Mode::drive), 0);
    EXPECT_FALSE(settings.polygons("gp", network::Mode::drive));
    settings.catchments.polygons = true;
    EXPECT_TRUE(settings.polygons("pharmacy", network::Mode::walk));
    EXPECT_FALSE(settings.polygons("gp", network::Mode::walk));
}

TEST_F(RouteStage, ANearestTaskIsOneNearestSearch) {
    const auto r = run({TaskKind::nearest, 0, 0, 0, 0, 10});
    access::NearestOptions options;
    options.thresholds_min = settings.thresholds_min;
    options.threads = 2;
    const auto direct = access::nearest_facility(prepared.net, graph, facility_snaps(), origin_snaps(), options, quiet);
    EXPECT_EQ(r.nearest.time_s, direct.time_s);
    EXPECT_EQ(r.nearest.facility, direct.facility);
    EXPECT_EQ(r.nearest.counts, direct.counts);
    EXPECT_TRUE(r.coverage.empty());  // no polygons asked for
    // Not a trivial case: some origins within 3 minutes, some not.
    const auto within = std::count_if(r.nearest.time_s.begin(), r.nearest.time_s.end(), [](double t) { return t <= 180; });
    EXPECT_GT(within, 0);
    EXPECT_LT(within, 200);
}

// A reach task over facilities [2, 6) gives their rows as one search over all would, and
// leaves every other row empty.
TEST_F(RouteStage, AReachTaskFillsItsOwnFacilitiesOnly) {
    const auto r = run({TaskKind::reach, 0, 0, 0, 2, 6});
    const auto all = access::reach_origins(prepared.net, graph, facility_snaps(), origin_snaps(), 300, 2, quiet);
    ASSERT_EQ(r.reach.facility_count(), 10u);
    std::size_t pairs = 0;
    for (std::uint32_t f = 0; f < 10; ++f) {
        const auto n = r.reach.first[f + 1] - r.reach.first[f];
        if (f < 2 || f >= 6) {
            EXPECT_EQ(n, 0u) << "facility " << f << " is outside the task";
            continue;
        }
        ASSERT_EQ(n, all.first[f + 1] - all.first[f]) << "facility " << f;
        for (std::uint64_t i = 0; i < n; ++i) {
            EXPECT_EQ(r.reach.origin[r.reach.first[f] + i], all.origin[all.first[f] + i]);
            EXPECT_EQ(r.reach.time_s[r.reach.first[f] + i], all.time_s[all.first[f] + i]);
        }
        pairs += n;
    }
    EXPECT_GT(pairs, 0u);
}

// Reach tasks of 3 facilities each, assembled, give the column one task over all 10 gives:
// the same pairs, E2SFCA per origin and per area; a gap between chunks is refused.
TEST_F(RouteStage, ChunkedTasksAssembleToTheWholeColumn) {
    const auto tasks = job::detail::plan_tasks(settings, prepared, 3);
    ASSERT_EQ(tasks.size(), 5u);  // nearest, then [0,3) [3,6) [6,9) [9,10)
    EXPECT_EQ(tasks[0].kind, TaskKind::nearest);
    EXPECT_EQ(tasks[4].first_facility, 9u);
    EXPECT_EQ(tasks[4].end_facility, 10u);

    const auto assemble = [&](std::vector<job::detail::TaskSpec> parts) {
        std::vector<std::pair<job::detail::TaskSpec, job::detail::TaskResult>> results;
        for (const auto& t : parts) results.emplace_back(t, run(t));
        return job::detail::assemble(settings, prepared, tasks[0], run(tasks[0]), std::move(results));
    };
    const auto chunked = assemble({tasks[3], tasks[1], tasks[4], tasks[2]});  // in any order
    const auto whole = assemble({{TaskKind::reach, 0, 0, 0, 0, 10}});
    EXPECT_EQ(chunked.reach.first, whole.reach.first);
    EXPECT_EQ(chunked.reach.origin, whole.reach.origin);
    EXPECT_EQ(chunked.reach.time_s, whole.reach.time_s);
    EXPECT_EQ(chunked.e2sfca.accessibility, whole.e2sfca.accessibility);
    ASSERT_EQ(chunked.area_e2sfca.size(), 4u);
    EXPECT_EQ(chunked.area_e2sfca, whole.area_e2sfca);
    EXPECT_GT(*std::max_element(whole.area_e2sfca.begin(), whole.area_e2sfca.end()), 0.0);
    ASSERT_EQ(whole.areas.size(), 4u);
    EXPECT_DOUBLE_EQ(whole.areas[0].population, prepared.areas.population[0]);

    try {
        assemble({tasks[1], tasks[3], tasks[4]});
        FAIL() << "a gap between reach tasks was assembled";
    } catch (const InternalError& e) {
        EXPECT_NE(std::string(e.what()).find("facilities 3 onwards"), std::string::npos) << e.what();
    }
}

// Tasks over one graph share the caller's hierarchy: built by the first that takes it, swept
// by the next without a build of its own; without the cache, each task builds one.
TEST_F(RouteStage, TasksShareTheCallersHierarchy) {
    settings.facility_search = access::ReachMethod::hierarchy;
    routing::HierarchyCache hierarchy(graph.backward);
    test::StageCounter shared("Contraction hierarchy"), alone("Contraction hierarchy");
    const auto first = run({TaskKind::reach, 0, 0, 0, 0, 5}, &hierarchy, &shared);
    ASSERT_TRUE(hierarchy.built());
    EXPECT_TRUE(first.reach.by_hierarchy);
    const auto second = run({TaskKind::reach, 0, 0, 0, 5, 10}, &hierarchy, &shared);
    EXPECT_TRUE(second.reach.by_hierarchy);
    EXPECT_EQ(shared.count, 1);
    run({TaskKind::reach, 0, 0, 0, 0, 5}, nullptr, &alone);
    run({TaskKind::reach, 0, 0, 0, 5, 10}, nullptr, &alone);
    EXPECT_EQ(alone.count, 2);
}
