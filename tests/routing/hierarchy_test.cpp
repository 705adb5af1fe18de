#include "support/test_network.hpp"

#include <accessatlas/network/graph.hpp>
#include <accessatlas/routing/hierarchy.hpp>
#include <accessatlas/routing/dijkstra.hpp>

#include <gtest/gtest.h>

#include <random>

using namespace accessatlas;

namespace {

// Float sums of a few hundred arcs: the hierarchy's times may differ by rounding only.
double tolerance(double t) { return 1e-5 * t + 1e-4; }

// Every node's time from each slot's source by PHAST equals a Dijkstra search from it.
void expect_equal_to_dijkstra(const network::Graph& g, const routing::Hierarchy& h, const std::vector<std::uint32_t>& sources,
                              float limit = routing::Phast::unreached) {
    routing::Phast phast(h);
    routing::Dijkstra dijkstra(g);
    for (std::size_t first = 0; first < sources.size(); first += routing::Phast::width) {
        phast.clear();
        const std::size_t count = std::min<std::size_t>(routing::Phast::width, sources.size() - first);
        for (unsigned slot = 0; slot < count; ++slot) phast.add_source(slot, sources[first + slot], 0);
        phast.run(limit);
        for (unsigned slot = 0; slot < count; ++slot) {
            dijkstra.reset();
            dijkstra.add_source(sources[first + slot], 0, 0, 0);
            dijkstra.run_until(routing::unreached);
            for (std::uint32_t v = 0; v < g.node_count(); ++v) {
                const double want = dijkstra.time(v);
                const float got = phast.times_of_node(v)[slot];
                if (!std::isfinite(want)) {
                    ASSERT_EQ(got, routing::Phast::unreached) << "source " << sources[first + slot] << " node " << v;
                } else if (want <= limit) {
                    ASSERT_NEAR(got, want, tolerance(want)) << "source " << sources[first + slot] << " node " << v;
                } else {
                    // Beyond the limit: anything above it, never below.
                    ASSERT_GT(got, limit - tolerance(limit)) << "source " << sources[first + slot] << " node " << v;
                }
            }
        }
        for (unsigned slot = static_cast<unsigned>(count); slot < routing::Phast::width; ++slot)
            for (std::uint32_t v = 0; v < g.node_count(); ++v) ASSERT_EQ(phast.times_of_node(v)[slot], routing::Phast::unreached);
    }
}

}  // namespace

TEST(Hierarchy, HandCheckedOneWayGrid) {
    // 6 - 7 - 8
    // |   |   |
    // 3 - 4 - 5
    // |   |   |
    // 0 - 1 - 2      1 -> 4 one-way north; 100 m at 3.6 km/h = 100 s.
    std::vector<Point> nodes;
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 3; ++x) nodes.push_back({x * 100.0, y * 100.0});
    const auto net = test::make_network(nodes, {{0, 1},
                                                {1, 2},
                                                {3, 4},
                                                {4, 5},
                                                {6, 7},
                                                {7, 8},
                                                {0, 3},
                                                {3, 6},
                                                {1, 4, network::RoadClass::residential, true},
                                                {4, 7},
                                                {2, 5},
                                                {5, 8}});
    const auto drive = network::build_mode_graph(net, test::uniform_profile(network::Mode::drive, 3.6, true));
    test::NullReporter quiet;
    const auto h = routing::build_hierarchy(drive.forward, quiet);
    EXPECT_EQ(h.node_count(), 9u);
    routing::Phast phast(h);
    phast.clear();
    phast.add_source(0, 4, 0);  // from the centre: 4 -> 1 must go round, 300 s
    phast.add_source(1, 1, 0);  // from 1: the one-way takes it to 4 in 100 s
    phast.add_source(2, 0, 5);  // a seed with a time of its own
    phast.add_source(2, 8, 0);  // ...and a second seed in the same slot
    phast.run();
    EXPECT_NEAR(phast.times_of_node(1)[0], 300, 1e-3);
    EXPECT_NEAR(phast.times_of_node(8)[0], 200, 1e-3);
    EXPECT_NEAR(phast.times_of_node(4)[1], 100, 1e-3);
    EXPECT_NEAR(phast.times_of_node(6)[1], 300, 1e-3);
    EXPECT_NEAR(phast.times_of_node(0)[2], 5, 1e-3);
    EXPECT_NEAR(phast.times_of_node(1)[2], 105, 1e-3);
    EXPECT_NEAR(phast.times_of_node(4)[2], 200, 1e-3);  // 8-5-4 or 8-7-4, not 0-1-4 (205)
    EXPECT_EQ(phast.times_of_node(4)[3], routing::Phast::unreached);
    // With a limit of 150 s the upward searches stop early; times within it are still exact.
    phast.run(150);
    EXPECT_NEAR(phast.times_of_node(4)[1], 100, 1e-3);
    EXPECT_NEAR(phast.times_of_node(7)[0], 100, 1e-3);
    EXPECT_GT(phast.times_of_node(1)[0], 150);
}

TEST(Hierarchy, EqualsDijkstraOnRandomGraphs) {
    test::NullReporter quiet;
    for (std::uint32_t seed : {1u, 2u, 3u, 4u}) {
        const auto net = test::random_network(600, seed, 0.3);
        for (const auto mode : {network::Mode::walk, network::Mode::drive}) {
            const auto g = network::build_mode_graph(net, network::default_profile(mode));
            const auto h = routing::build_hierarchy(g.backward, quiet);
            std::mt19937 rng(seed);
            std::vector<std::uint32_t> sources;
            for (int i = 0; i < 40; ++i) sources.push_back(std::uniform_int_distribution<std::uint32_t>(0, 599)(rng));
            expect_equal_to_dijkstra(g.backward, h, sources);
            expect_equal_to_dijkstra(g.backward, h, {sources[0], sources[1], sources[2]}, 300);
        }
    }
}

TEST(Hierarchy, DisconnectedNodesStayUnreached) {
    // Two separate triangles and an isolated node.
    const auto net = test::make_network({{0, 0}, {100, 0}, {0, 100}, {1000, 0}, {1100, 0}, {1000, 100}, {5000, 5000}},
                                        {{0, 1}, {1, 2}, {2, 0}, {3, 4}, {4, 5}, {5, 3}});
    const auto g = network::build_mode_graph(net, test::uniform_profile(network::Mode::walk, 3.6, false));
    test::NullReporter quiet;
    const auto h = routing::build_hierarchy(g.forward, quiet);
    expect_equal_to_dijkstra(g.forward, h, {0, 3, 6});
}

TEST(Hierarchy, RestrictedSweepIsRightAtItsTargets) {
    test::NullReporter quiet;
    const auto net = test::random_network(1500, 9, 0.3);
    const auto g = network::build_mode_graph(net, network::default_profile(network::Mode::drive));
    const auto h = routing::build_hierarchy(g.backward, quiet);
    routing::Phast phast(h);
    routing::Dijkstra dijkstra(g.backward);
    std::mt19937 rng(4);
    std::uniform_int_distribution<std::uint32_t> node(0, 1499);
    // A full run first leaves labels behind; the restricted runs must not depend on them.
    phast.clear();
    phast.add_source(0, node(rng), 0);
    phast.run();
    for (int round = 0; round < 5; ++round) {
        std::vector<std::uint32_t> targets_nodes, targets;
        for (int i = 0; i < 20; ++i) targets_nodes.push_back(node(rng));
        for (auto v : targets_nodes) targets.push_back(h.position[v]);
        phast.restrict_to(targets.data(), targets.size());
        EXPECT_LT(phast.swept_count(), h.node_count() / 2);
        phast.clear();
        const std::uint32_t source = node(rng);
        phast.add_source(3, source, 0);
        phast.run();
        dijkstra.reset();
        dijkstra.add_source(source, 0, 0, 0);
        dijkstra.run_until(routing::unreached);
        for (auto v : targets_nodes) {
            const double want = dijkstra.time(v);
            if (std::isfinite(want))
                EXPECT_NEAR(phast.times_of_node(v)[3], want, tolerance(want)) << "node " << v;
            else
                EXPECT_EQ(phast.times_of_node(v)[3], routing::Phast::unreached);
        }
    }
    phast.restrict_to_all();
    EXPECT_EQ(phast.swept_count(), h.node_count());
}
