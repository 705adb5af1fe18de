#include "support/test_network.hpp"

#include <accessatlas/access/nearest.hpp>
#include <accessatlas/network/graph.hpp>
#include <accessatlas/routing/dijkstra.hpp>
#include <accessatlas/snapping/edge_index.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <random>

using namespace accessatlas;

namespace {
using test::NullReporter;

// A straight road 0 --1000 m-- 1 --1000 m-- 2, plus an island 3 -- 4 far away.
network::RoadNetwork line_with_island() {
    return test::make_network({{0, 0}, {1000, 0}, {2000, 0}, {0, 5000}, {100, 5000}}, {{0, 1}, {1, 2}, {3, 4}});
}
}  // namespace

TEST(Snapping, SplitsTheEdgeAndKeepsTheConnector) {
    const auto net = line_with_island();
    const auto g = network::build_mode_graph(net, test::uniform_profile(network::Mode::walk, 3.6, false));
    const snapping::EdgeIndex index(net, g);
    const auto s = index.snap({250, 30}, 500);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s.edge, 0u);
    EXPECT_NEAR(s.offset_m, 250, 1e-6);
    EXPECT_NEAR(s.distance_m, 30, 1e-6);
    EXPECT_FALSE(index.snap({250, 800}, 500).ok()) << "beyond the snap limit";
    // The island is not the largest component: points near it snap nowhere, never onto it.
    EXPECT_FALSE(index.snap({50, 5010}, 500).ok());
}

TEST(Nearest, EdgeSplitTimesIncludeConnectorsAtWalkingSpeed) {
    const auto net = line_with_island();
    // Drive at 36 km/h = 10 m/s; connectors walk at 3.6 km/h = 1 m/s.
    auto profile = test::uniform_profile(network::Mode::drive, 36, true);
    profile.connector_kmh = 3.6;
    const auto g = network::build_mode_graph(net, profile);
    const snapping::EdgeIndex index(net, g);
    // Facility 20 m off the road at x = 1800; origin 10 m off at x = 250.
    const std::vector<snapping::Snap> facilities{index.snap({1800, -20}, 500)};
    const std::vector<snapping::Snap> origins{index.snap({250, 10}, 500), index.snap({1900, 5}, 500)};
    NullReporter r;
    access::NearestOptions options;
    options.thresholds_min = {1, 10};
    const auto res = access::nearest_facility(net, g, facilities, origins, options, r);
    // Origin 0: 10 s connector + 1550 m at 10 m/s + 20 s connector = 185 s; 1580 m.
    EXPECT_NEAR(res.time_s[0], 185, 1e-3);
    EXPECT_NEAR(res.length_m[0], 1580, 1e-3);
    // Origin 1 shares the facility's edge: 5 s + 100 m / 10 + 20 s = 35 s.
    EXPECT_NEAR(res.time_s[1], 35, 1e-3);
    EXPECT_EQ(res.facility[1], 0u);
    // Counts: origin 1 within 1 min, origin 0 only within 10 min.
    EXPECT_EQ(res.counts[0 * 2 + 0], 0u);
    EXPECT_EQ(res.counts[0 * 2 + 1], 1u);
    EXPECT_EQ(res.counts[1 * 2 + 0], 1u);
}

TEST(Nearest, OneWayEdgeIsRespectedOnTheSharedEdge) {
    // 0 -> 1 one-way (drive), 1000 m; facility at x=200, origin at x=800 on the same edge.
    const auto net = test::make_network({{0, 0}, {1000, 0}, {1000, 1000}, {0, 1000}},
                                        {{0, 1, network::RoadClass::residential, true}, {1, 2}, {2, 3}, {3, 0}});
    auto profile = test::uniform_profile(network::Mode::drive, 36, true);
    const auto g = network::build_mode_graph(net, profile);
    const snapping::EdgeIndex index(net, g);
    NullReporter r;
    const auto res = access::nearest_facility(net, g, {index.snap({200, 0}, 10)}, {index.snap({800, 0}, 10)}, {}, r);
    // Must drive on to 1, round the square (3000 m) and in from 0 (200 m): 200 + 3000 + 200 = 3400 m... from 800:
    // 200 m to node 1, 1000 + 1000 + 1000 round to node 0, then 200 m: 3400 m at 10 m/s = 340 s.
    EXPECT_NEAR(res.time_s[0], 340, 1e-3);
}

TEST(Nearest, OffNetworkFacilitiesAndIslandOriginsAreNeverZero) {
    const auto net = line_with_island();
    const auto g = network::build_mode_graph(net, test::uniform_profile(network::Mode::walk, 3.6, false));
    const snapping::EdgeIndex index(net, g);
    const std::vector<snapping::Snap> facilities{index.snap({20000, 0}, 500), index.snap({1000, 0}, 500)};
    EXPECT_FALSE(facilities[0].ok());
    const std::vector<snapping::Snap> origins{index.snap({50, 5000}, 500), index.snap({0, 0}, 500)};
    NullReporter r;
    const auto res = access::nearest_facility(net, g, facilities, origins, {}, r);
    EXPECT_TRUE(std::isinf(res.time_s[0])) << "an origin that cannot be snapped is unreached, never 0 minutes";
    EXPECT_EQ(res.facility[0], network::invalid_id);
    EXPECT_NEAR(res.time_s[1], 1000, 1e-3);
    EXPECT_EQ(res.facility[1], 1u);
}

// Brute force: for every origin, one Dijkstra per facility from the origin's position.
TEST(Nearest, MultiSourceEqualsBruteForceOnRandomNetworks) {
    for (std::uint32_t seed = 1; seed <= 12; ++seed) {
        const auto net = test::random_network(250, seed);
        const auto g = network::build_mode_graph(net, test::uniform_profile(network::Mode::drive, 36, true));
        const snapping::EdgeIndex index(net, g, false);
        std::mt19937 rng(seed * 31);
        std::uniform_real_distribution<double> coord(0, 5000);
        std::vector<snapping::Snap> facilities, origins;
        for (int i = 0; i < 6; ++i) facilities.push_back(index.snap({coord(rng), coord(rng)}, 1e9));
        for (int i = 0; i < 60; ++i) origins.push_back(index.snap({coord(rng), coord(rng)}, 1e9));
        NullReporter r;
        access::NearestOptions options;
        options.thresholds_min = {2, 5, 10};
        const auto res = access::nearest_facility(net, g, facilities, origins, options, r);

        routing::Dijkstra d(g.forward);
        const double walk = g.profile.connector_kmh / 3.6;
        for (std::size_t o = 0; o < origins.size(); ++o) {
            const auto& os = origins[o];
            const auto& e = net.edges[os.edge];
            d.reset();
            const double to_end = access::along_edge_time(net, g, os.edge, os.offset_m, e.length_m);
            const double to_start = access::along_edge_time(net, g, os.edge, os.offset_m, 0);
            if (std::isfinite(to_end)) d.add_source(e.to, to_end, 0, 0);
            if (std::isfinite(to_start)) d.add_source(e.from, to_start, 0, 0);
            d.run_until(routing::unreached);
            double best = routing::unreached;
            std::vector<std::uint32_t> within(options.thresholds_min.size(), 0);
            for (const auto& fs : facilities) {
                const auto& fe = net.edges[fs.edge];
                double t = routing::unreached;
                const double a = access::along_edge_time(net, g, fs.edge, 0, fs.offset_m);
                const double b = access::along_edge_time(net, g, fs.edge, fe.length_m, fs.offset_m);
                if (std::isfinite(a) && d.reached(fe.from)) t = std::min(t, d.time(fe.from) + a);
                if (std::isfinite(b) && d.reached(fe.to)) t = std::min(t, d.time(fe.to) + b);
                if (fs.edge == os.edge) t = std::min(t, access::along_edge_time(net, g, os.edge, os.offset_m, fs.offset_m));
                t += os.distance_m / walk + fs.distance_m / walk;
                best = std::min(best, t);
                for (std::size_t k = 0; k < within.size(); ++k)
                    if (t <= options.thresholds_min[k] * 60) ++within[k];
            }
            if (std::isinf(best)) {
                EXPECT_TRUE(std::isinf(res.time_s[o]));
                continue;
            }
            ASSERT_NEAR(res.time_s[o], best, 1e-6 * std::max(1.0, best)) << "seed " << seed << " origin " << o;
            for (std::size_t k = 0; k < within.size(); ++k)
                EXPECT_EQ(res.counts[o * within.size() + k], within[k]) << "seed " << seed << " origin " << o << " k " << k;
        }
    }
}

TEST(Nearest, ThreadCountDoesNotChangeCounts) {
    const auto net = test::random_network(400, 99);
    const auto g = network::build_mode_graph(net, test::uniform_profile(network::Mode::drive, 36, true));
    const snapping::EdgeIndex index(net, g, false);
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> coord(0, 5000);
    std::vector<snapping::Snap> facilities, origins;
    for (int i = 0; i < 40; ++i) facilities.push_back(index.snap({coord(rng), coord(rng)}, 1e9));
    for (int i = 0; i < 200; ++i) origins.push_back(index.snap({coord(rng), coord(rng)}, 1e9));
    NullReporter r;
    access::NearestOptions one, two;
    one.threads = 1;
    two.threads = 2;
    const auto a = access::nearest_facility(net, g, facilities, origins, one, r);
    const auto b = access::nearest_facility(net, g, facilities, origins, two, r);
    EXPECT_EQ(a.counts, b.counts);
    EXPECT_EQ(a.time_s, b.time_s);
    EXPECT_EQ(a.facility, b.facility);
}

TEST(Aggregate, PopulationWeightedMeansAndShares) {
    access::NearestResult r;
    r.time_s = {60, 1200, routing::unreached, 600};
    r.length_m = {1000, 8000, routing::unreached, 5000};
    r.facility = {0, 0, network::invalid_id, 1};
    r.counts = {1, 2, 0, 0, 0, 1};  // 2 thresholds x ... only first 3 origins
    r.counts.resize(8, 0);
    r.threshold_count = 2;
    const auto a = access::aggregate_to_areas(2, {0, 0, 0, 1}, {100, 300, 100, 50}, r, {5, 30});
    EXPECT_DOUBLE_EQ(a[0].population, 500);
    EXPECT_DOUBLE_EQ(a[0].unreached_population, 100);
    EXPECT_NEAR(a[0].mean_time_min, (100 * 1.0 + 300 * 20.0) / 400, 1e-9);
    EXPECT_NEAR(a[0].mean_length_km, (100 * 1.0 + 300 * 8.0) / 400, 1e-9);
    EXPECT_NEAR(a[0].pct_within[0], 20.0, 1e-9);  // 100 of 500 within 5 min
    EXPECT_NEAR(a[0].pct_within[1], 80.0, 1e-9);
    EXPECT_NEAR(a[1].mean_time_min, 10.0, 1e-9);
    EXPECT_NEAR(a[0].mean_count[0], (100 * 1.0 + 300 * 0) / 500, 1e-9);
}

// A what-if against the baseline, by hand: o0 (area 0, 10 people) goes from 5 to 15 min, o1
// (area 0, 20) from 15 to 5, o2 (area 1, 5) from unreached to 25 min; thresholds 10 and 20.
TEST(CompareNearest, PeopleNewlyBeyondOrWithinAndMeansByHand) {
    const double inf = std::numeric_limits<double>::infinity();
    access::NearestResult base, scenario;
    base.time_s = {300, 900, inf};
    scenario.time_s = {900, 300, 1500};
    const auto c = access::compare_nearest(base, scenario, {0, 0, 1}, {10, 20, 5}, {10, 20}, 2);
    EXPECT_EQ(c.newly_beyond, (std::vector<double>{10, 0, 0, 0}));  // [area * 2 + k]
    EXPECT_EQ(c.newly_within, (std::vector<double>{20, 0, 0, 0}));  // o2 reaches, but not within 20 min
    EXPECT_EQ(c.total_beyond, (std::vector<double>{10, 0}));
    EXPECT_EQ(c.total_within, (std::vector<double>{20, 0}));
    EXPECT_DOUBLE_EQ(c.mean_time_min_base, (10 * 5 + 20 * 15) / 30.0);  // over the people reached
    EXPECT_DOUBLE_EQ(c.mean_time_min_scenario, (10 * 15 + 20 * 5 + 5 * 25) / 35.0);
    const auto nobody = access::compare_nearest(base, base, {}, {}, {10}, 1);
    EXPECT_TRUE(std::isnan(nobody.mean_time_min_base));
}
