// The files between the distributed stages: a task's result and the routing inputs come back
// as written, and a damaged file, another kind of task or another plan's inputs are refused.
#include "job/task_files.hpp"
#include "support/temp_dir.hpp"

#include <accessatlas/error.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

using namespace accessatlas;
using job::detail::TaskKind;

namespace {

class TaskFiles : public test::TempDirTest {
protected:
    TaskFiles() : TempDirTest("aa_taskfiles_") {}
    std::string path(const std::string& name) const { return (dir / name).string(); }
};

snapping::Snap snap(std::uint32_t edge, double offset) { return {edge, offset, offset / 2, {offset, -offset}}; }

}  // namespace

TEST_F(TaskFiles, ANearestResultComesBackAsWritten) {
    const double inf = std::numeric_limits<double>::infinity();
    job::detail::TaskResult r;
    r.nearest.time_s = {12.5, inf, 300};
    r.nearest.length_m = {100, inf, 4000};
    r.nearest.facility = {2, network::invalid_id, 0};
    r.nearest.counts = {1, 0, 0, 0, 2, 3};
    r.nearest.threshold_count = 2;
    r.nearest.nodes_settled = 77;
    r.nearest.p50_s = {10, inf, 290};  // transit: window percentiles
    r.coverage = {{1, 2, 3}, {}, {4}};
    const job::detail::TaskSpec spec{TaskKind::nearest, 0, 1, 0, 0, 3};
    job::detail::save_task_result(path("n.aatask"), 0xABCD, spec, r);
    EXPECT_EQ(job::detail::task_file_key(path("n.aatask")), std::optional<std::uint64_t>(0xABCD));
    const auto back = job::detail::load_task_result(path("n.aatask"), spec);
    EXPECT_EQ(back.nearest.time_s, r.nearest.time_s);
    EXPECT_EQ(back.nearest.length_m, r.nearest.length_m);
    EXPECT_EQ(back.nearest.facility, r.nearest.facility);
    EXPECT_EQ(back.nearest.counts, r.nearest.counts);
    EXPECT_EQ(back.nearest.threshold_count, 2u);
    EXPECT_EQ(back.nearest.nodes_settled, 77u);
    EXPECT_EQ(back.nearest.p50_s, r.nearest.p50_s);
    EXPECT_TRUE(back.nearest.p25_s.empty());
    EXPECT_EQ(back.coverage, r.coverage);
    // Read as a reach task: refused, saying what to do.
    try {
        job::detail::load_task_result(path("n.aatask"), {TaskKind::reach, 0, 1, 0, 0, 3});
        FAIL() << "a nearest task's file was read as a reach task";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("another kind of task"), std::string::npos) << e.what();
    }
}

TEST_F(TaskFiles, AReachResultComesBackAndADamagedOneIsNotComplete) {
    job::detail::TaskResult r;
    r.reach.first = {0, 2, 2, 3};
    r.reach.origin = {4, 9, 1};
    r.reach.time_s = {60.5f, 120.f, 30.f};
    r.reach.nodes_settled = 5;
    r.polygons = {{{7, 7}, {}}, {{8}, {9, 9}}};
    const job::detail::TaskSpec spec{TaskKind::reach, 1, 0, 1, 1, 3};
    job::detail::save_task_result(path("r.aatask"), 42, spec, r);
    const auto back = job::detail::load_task_result(path("r.aatask"), spec);
    EXPECT_EQ(back.reach.first, r.reach.first);
    EXPECT_EQ(back.reach.origin, r.reach.origin);
    EXPECT_EQ(back.reach.time_s, r.reach.time_s);
    EXPECT_EQ(back.polygons, r.polygons);
    // Cut short (a worker killed while writing is prevented by the rename; a disk error is not).
    std::filesystem::resize_file(path("r.aatask"), std::filesystem::file_size(path("r.aatask")) - 8);
    EXPECT_FALSE(job::detail::task_file_key(path("r.aatask")));
    EXPECT_THROW(job::detail::load_task_result(path("r.aatask"), spec), InputError);
    EXPECT_FALSE(job::detail::task_file_key(path("missing.aatask")));
}

// Two scenarios by two modes: a worker reads back only its own scenario and mode.
TEST_F(TaskFiles, RoutingInputsGiveEachWorkerItsScenarioAndMode) {
    job::detail::Prepared p;
    for (int si = 0; si < 2; ++si) {
        job::detail::ScenarioInputs sc;
        sc.name = si == 0 ? "" : "closure";
        sc.closed_edges = si == 0 ? std::vector<std::uint32_t>{} : std::vector<std::uint32_t>{3, 8};
        sc.profiles = {network::default_profile(network::Mode::walk), network::default_profile(network::Mode::drive)};
        for (int mi = 0; mi < 2; ++mi) {
            sc.origin_snaps.push_back(std::make_shared<const job::detail::Snaps>(
                job::detail::Snaps{snap(10 * si + mi, 1.5), snap(10 * si + mi + 100, 2.5), snapping::Snap{}}));
            sc.facility_snaps.push_back({{snap(500 + 10 * si + mi, 7)}, {snap(600 + mi, 8), snap(700, 9)}});
        }
        p.scenarios.push_back(std::move(sc));
    }
    const auto sum = job::detail::save_routing_inputs(p, path("inputs.aainputs"));
    EXPECT_EQ(sum, job::detail::routing_inputs_hash(p));
    const auto sc = job::detail::read_routing_inputs(path("inputs.aainputs"), sum, 1, 1);
    EXPECT_EQ(sc.name, "closure");
    EXPECT_EQ(sc.closed_edges, (std::vector<std::uint32_t>{3, 8}));
    ASSERT_EQ(sc.profiles.size(), 2u);
    EXPECT_EQ(sc.profiles[1].mode, network::Mode::drive);
    ASSERT_TRUE(sc.origin_snaps[1]);
    EXPECT_FALSE(sc.origin_snaps[0]);  // another mode's: stepped over
    const auto& o = *sc.origin_snaps[1];
    ASSERT_EQ(o.size(), 3u);
    EXPECT_EQ(o[0].edge, 11u);
    EXPECT_EQ(o[1].offset_m, 2.5);
    EXPECT_EQ(o[1].point.y, -2.5);
    EXPECT_FALSE(o[2].ok());
    ASSERT_EQ(sc.facility_snaps[1].size(), 2u);
    EXPECT_EQ(sc.facility_snaps[1][0][0].edge, 511u);
    EXPECT_EQ(sc.facility_snaps[1][1][1].edge, 700u);
    // Another plan's inputs, a scenario or mode that is not there: refused.
    EXPECT_THROW(job::detail::read_routing_inputs(path("inputs.aainputs"), sum + 1, 1, 1), InputError);
    EXPECT_THROW(job::detail::read_routing_inputs(path("inputs.aainputs"), sum, 2, 0), InputError);
    EXPECT_THROW(job::detail::read_routing_inputs(path("inputs.aainputs"), sum, 0, 2), InputError);
    // The hash changes with the inputs: a merge notices a moved facility.
    p.scenarios[0].facility_snaps[0][0][0].offset_m += 1;
    EXPECT_NE(job::detail::routing_inputs_hash(p), sum);
}
