#include "support/test_network.hpp"

#include <accessatlas/network/graph.hpp>
#include <accessatlas/routing/dijkstra.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace accessatlas;

namespace {

// A 3x3 grid, 100 m apart, drawn as:
//   6 - 7 - 8
//   |   |   |
//   3 - 4 - 5
//   |   |   |
//   0 - 1 - 2      with 1 -> 4 one-way (north only) for driving.
network::RoadNetwork grid() {
    std::vector<Point> nodes;
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 3; ++x) nodes.push_back({x * 100.0, y * 100.0});
    return test::make_network(nodes, {{0, 1},
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
}

}  // namespace

TEST(MinIdHeap, PopsInKeyOrderWithDecreaseKey) {
    routing::MinIdHeap heap(100);
    std::mt19937 rng(7);
    std::vector<double> key(100);
    for (std::uint32_t i = 0; i < 100; ++i) {
        key[i] = std::uniform_real_distribution<double>(0, 1000)(rng);
        heap.push(i, key[i]);
    }
    for (std::uint32_t i = 0; i < 100; i += 3) {
        key[i] /= 2;
        heap.decrease_key(i, key[i]);
    }
    double last = -1;
    std::uint32_t count = 0;
    while (!heap.empty()) {
        const double k = heap.peek_key();
        const std::uint32_t id = heap.pop();
        EXPECT_DOUBLE_EQ(k, key[id]);
        EXPECT_GE(k, last);
        last = k;
        ++count;
    }
    EXPECT_EQ(count, 100u);
}

TEST(Dijkstra, HandCheckedGridWalkAndDrive) {
    const auto net = grid();
    // Walk at 3.6 km/h = 1 m/s: times equal metres.
    const auto walk = network::build_mode_graph(net, test::uniform_profile(network::Mode::walk, 3.6, false));
    routing::Dijkstra d(walk.forward);
    d.add_source(4, 0, 0, 0);
    d.run_until(routing::unreached);
    EXPECT_NEAR(d.time(1), 100, 1e-3);  // walking ignores the one-way 1 -> 4
    EXPECT_NEAR(d.time(0), 200, 1e-3);
    EXPECT_NEAR(d.time(8), 200, 1e-3);

    // Driving from 4 to 1 must go round: 4-3-0-1 or 4-5-2-1 = 300 m.
    const auto drive = network::build_mode_graph(net, test::uniform_profile(network::Mode::drive, 3.6, true));
    routing::Dijkstra dd(drive.forward);
    dd.add_source(4, 0, 0, 0);
    dd.run_until(routing::unreached);
    EXPECT_NEAR(dd.time(1), 300, 1e-3);
    EXPECT_NEAR(dd.length(1), 300, 1e-3);
    // ...and from 1 to 4 the one-way is usable: 100 m.
    dd.reset();
    dd.add_source(1, 0, 0, 0);
    dd.run_until(routing::unreached);
    EXPECT_NEAR(dd.time(4), 100, 1e-3);
}

TEST(Dijkstra, BoundedSearchStopsAtTheLimitAndResetsInConstantTime) {
    const auto net = grid();
    const auto walk = network::build_mode_graph(net, test::uniform_profile(network::Mode::walk, 3.6, false));
    routing::Dijkstra d(walk.forward);
    d.add_source(0, 0, 0, 0);
    d.run_until(150);
    EXPECT_LE(d.settled_count(), 3u);  // 0, 1, 3
    EXPECT_NEAR(d.time(1), 100, 1e-3);
    d.reset();
    EXPECT_FALSE(d.reached(0));
    EXPECT_FALSE(d.reached(1));
    d.add_source(8, 0, 0, 0);
    d.run_until(routing::unreached);
    EXPECT_NEAR(d.time(0), 400, 1e-3);
}

TEST(Dijkstra, MultiSourceEqualsMinimumOfSingleSourceSearchesOnRandomGraphs) {
    for (std::uint32_t seed = 1; seed <= 20; ++seed) {
        const auto net = test::random_network(300, seed);
        const auto g = network::build_mode_graph(net, test::uniform_profile(network::Mode::drive, 36, true));
        std::mt19937 rng(seed);
        std::vector<std::uint32_t> sources;
        for (int i = 0; i < 5; ++i) sources.push_back(std::uniform_int_distribution<std::uint32_t>(0, 299)(rng));
        routing::Dijkstra multi(g.forward);
        for (std::uint32_t i = 0; i < sources.size(); ++i) multi.add_source(sources[i], i * 7.0, 0, i);
        multi.run_until(routing::unreached);
        std::vector<double> best(300, routing::unreached);
        std::vector<std::uint32_t> best_tag(300, network::invalid_id);
        routing::Dijkstra single(g.forward);
        for (std::uint32_t i = 0; i < sources.size(); ++i) {
            single.reset();
            single.add_source(sources[i], i * 7.0, 0, i);
            single.run_until(routing::unreached);
            for (std::uint32_t v = 0; v < 300; ++v)
                if (single.time(v) < best[v] - 1e-9) {
                    best[v] = single.time(v);
                    best_tag[v] = i;
                }
        }
        for (std::uint32_t v = 0; v < 300; ++v) {
            if (std::isinf(best[v])) {
                EXPECT_FALSE(multi.reached(v));
                continue;
            }
            ASSERT_NEAR(multi.time(v), best[v], 1e-6) << "seed " << seed << " node " << v;
            { EXPECT_EQ(multi.tag(v), best_tag[v]) << "seed " << seed << " node " << v; }
        }
    }
}

TEST(Dijkstra, BucketedSettleAllEqualsHeapOrderExactly) {
    for (std::uint32_t seed = 1; seed <= 20; ++seed) {
        const auto net = test::random_network(400, seed, 0.3);
        const auto g = network::build_mode_graph(net, test::uniform_profile(network::Mode::drive, 36, true));
        std::mt19937 rng(seed + 1000);
        std::uniform_int_distribution<std::uint32_t> node(0, 399);
        routing::Dijkstra heap(g.backward), buckets(g.backward);
        for (std::uint32_t i = 0; i < 12; ++i) {
            const std::uint32_t v = node(rng);
            const double t = (i % 3) * 5.0;  // equal start times make ties between facilities
            heap.add_source(v, t, 0, i);
            buckets.add_source(v, t, 0, i);
        }
        heap.run_until(routing::unreached);
        // A narrow bucket (many passes) and a wide one (much label correcting) must agree.
        buckets.settle_all([] {}, seed % 2 ? 0.5 : 200.0);
        for (std::uint32_t v = 0; v < 400; ++v) {
            ASSERT_EQ(heap.reached(v), buckets.reached(v)) << "seed " << seed << " node " << v;
            if (!heap.reached(v)) continue;
            EXPECT_DOUBLE_EQ(heap.time(v), buckets.time(v)) << "seed " << seed << " node " << v;
            EXPECT_DOUBLE_EQ(heap.length(v), buckets.length(v)) << "seed " << seed << " node " << v;
            EXPECT_EQ(heap.tag(v), buckets.tag(v)) << "seed " << seed << " node " << v;
        }
        // Both objects are reusable afterwards, and still agree.
        heap.reset();
        buckets.reset();
        heap.add_source(7, 0, 0, 0);
        buckets.add_source(7, 0, 0, 0);
        heap.run_until(routing::unreached);
        buckets.settle_all();
        for (std::uint32_t v = 0; v < 400; ++v) {
            ASSERT_EQ(heap.reached(v), buckets.reached(v)) << "seed " << seed << " node " << v;
            if (heap.reached(v)) {
                EXPECT_DOUBLE_EQ(heap.time(v), buckets.time(v));
            }
        }
    }
}

TEST(Dijkstra, ParallelSweepEqualsOneThreadExactly) {
    // 62,500 nodes: above the size where the sweep splits the graph between threads.
    const auto net = test::grid_network(250, 3);
    const auto g = network::build_mode_graph(net, test::uniform_profile(network::Mode::drive, 36, true));
    ASSERT_GE(g.backward.node_count(), routing::Dijkstra::parallel_min_nodes);
    std::mt19937 rng(8);
    std::uniform_int_distribution<std::uint32_t> node(0, g.backward.node_count() - 1);
    std::vector<std::uint32_t> sources;
    for (int i = 0; i < 60; ++i) sources.push_back(node(rng));
    routing::Dijkstra one(g.backward);
    auto seed = [&](routing::Dijkstra& d) {
        d.reset();
        // Equal start times on purpose: ties between facilities, settled by the smaller tag.
        for (std::uint32_t i = 0; i < sources.size(); ++i) d.add_source(sources[i], (i % 3) * 10.0, 0, i);
    };
    seed(one);
    one.settle_all([] {}, 0, 1);
    for (unsigned threads : {2u, 3u, 4u}) {
        routing::Dijkstra many(g.backward);
        seed(many);
        many.settle_all([] {}, 0, threads);
        std::size_t crossing = 0;
        for (std::uint32_t v = 0; v < g.backward.node_count(); ++v) {
            ASSERT_EQ(one.reached(v), many.reached(v)) << "node " << v;
            if (!one.reached(v)) continue;
            ASSERT_EQ(one.time(v), many.time(v)) << threads << " threads, node " << v;
            ASSERT_EQ(one.tag(v), many.tag(v)) << threads << " threads, node " << v;
            ASSERT_EQ(one.length(v), many.length(v)) << threads << " threads, node " << v;
            // Labels that came from a facility in another thread's range.
            crossing += (sources[one.tag(v)] * threads / g.backward.node_count()) != (v * threads / g.backward.node_count());
        }
        EXPECT_GT(crossing, 1000u) << "the test must cross the ranges to mean anything";
    }
}
