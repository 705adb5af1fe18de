// Snapping points to the network, against brute force over every edge of random networks.
#include "support/test_network.hpp"

#include <accessatlas/network/graph.hpp>
#include <accessatlas/snapping/edge_index.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

using namespace accessatlas;

namespace {

// Distance from p to the segment a-b and the distance along it to the nearest point.
std::pair<double, double> to_segment(Point p, Point a, Point b) {
    const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
    const double t = len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0.0;
    const Point q{a.x + t * dx, a.y + t * dy};
    return {std::hypot(p.x - q.x, p.y - q.y), t * std::sqrt(len2)};
}

}  // namespace

TEST(EdgeIndex, TheNearestEdgeAsBruteForceFindsIt) {
    std::mt19937 rng(20261206);
    std::uniform_real_distribution<double> coord(0, 2000);
    for (int round = 0; round < 20; ++round) {
        // A connected random network: a chain through random nodes plus random extra edges.
        std::vector<Point> nodes;
        for (int i = 0; i < 40; ++i) nodes.push_back({coord(rng), coord(rng)});
        std::vector<test::EdgeSpec> edges;
        for (std::uint32_t i = 0; i + 1 < nodes.size(); ++i) edges.push_back({i, i + 1});
        std::uniform_int_distribution<std::uint32_t> pick(0, static_cast<std::uint32_t>(nodes.size() - 1));
        for (int e = 0; e < 30; ++e) {
            const auto a = pick(rng), b = pick(rng);
            if (a != b) edges.push_back({a, b});
        }
        const auto net = test::make_network(nodes, edges);
        const auto graph = network::build_mode_graph(net, network::default_profile(network::Mode::walk));
        const snapping::EdgeIndex index(net, graph);
        for (int q = 0; q < 50; ++q) {
            const Point p{coord(rng) * 1.2 - 200, coord(rng) * 1.2 - 200};
            double best = std::numeric_limits<double>::infinity();
            for (std::uint32_t e = 0; e < net.edges.size(); ++e)
                best = std::min(best, to_segment(p, nodes[net.edges[e].from], nodes[net.edges[e].to]).first);
            const auto snap = index.snap(p, 1e9);
            ASSERT_TRUE(snap.ok());
            EXPECT_NEAR(snap.distance_m, best, 1e-6) << "round " << round << " point " << q;
            // The snap point lies on its edge, offset_m from the edge's first node.
            const auto& edge = net.edges[snap.edge];
            const auto [d, along] = to_segment(snap.point, nodes[edge.from], nodes[edge.to]);
            EXPECT_NEAR(d, 0, 1e-6);
            EXPECT_NEAR(snap.offset_m, along, 1e-3);  // edge lengths are stored as float
            // Beyond the limit: nothing.
            if (best > 1) {
                EXPECT_FALSE(index.snap(p, best * 0.99).ok());
            }
        }
    }
}

TEST(EdgeIndex, AnIslandIsNotSnappedTo) {
    // A long road and a short island road right next to the point: the island is left out,
    // so that no origin is stranded where it can reach nothing.
    const std::vector<Point> nodes{{0, 0}, {1000, 0}, {2000, 0}, {500, 100}, {520, 100}};
    const auto net = test::make_network(nodes, {{0, 1}, {1, 2}, {3, 4}});
    const auto graph = network::build_mode_graph(net, network::default_profile(network::Mode::walk));
    const snapping::EdgeIndex index(net, graph, true);
    const auto snap = index.snap({510, 95}, 500);
    ASSERT_TRUE(snap.ok());
    EXPECT_NE(snap.edge, 2u);
    EXPECT_NEAR(snap.distance_m, 95, 1e-9);
    const snapping::EdgeIndex everything(net, graph, false);
    EXPECT_EQ(everything.snap({510, 95}, 500).edge, 2u);
}
