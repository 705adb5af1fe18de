// Small hand-made networks for tests: straight edges between given nodes.
#pragma once

#include <accessatlas/network/network.hpp>
#include <accessatlas/reporter.hpp>

#include <random>
#include <string>
#include <string_view>

namespace accessatlas::test {

// A reporter that ignores everything: for tests that check results, not messages.
struct NullReporter : Reporter {};

// Counts the stages whose name starts with `prefix` (how often a search built its hierarchy).
struct StageCounter : Reporter {
    explicit StageCounter(std::string p) : prefix(std::move(p)) {}
    void stage(std::string_view name) override { count += name.rfind(prefix, 0) == 0; }
    std::string prefix;
    int count = 0;
};

struct EdgeSpec {
    std::uint32_t from, to;
    network::RoadClass road_class = network::RoadClass::residential;
    bool oneway = false;  // closes to -> from for cycle and drive
};

inline network::RoadNetwork make_network(const std::vector<Point>& nodes, const std::vector<EdgeSpec>& edges) {
    using namespace network;
    RoadNetwork n;
    n.nodes = nodes;
    n.geometry_offset.push_back(0);
    const std::uint8_t all = mode_bit(Mode::walk) | mode_bit(Mode::cycle) | mode_bit(Mode::drive);
    for (const auto& s : edges) {
        Edge e;
        e.from = s.from;
        e.to = s.to;
        e.length_m = static_cast<float>(distance(nodes[s.from], nodes[s.to]));
        e.road_class = s.road_class;
        e.forward_modes = all;
        e.backward_modes = s.oneway ? mode_bit(Mode::walk) : all;
        n.edges.push_back(e);
        n.geometry.push_back(nodes[s.from]);
        n.geometry.push_back(nodes[s.to]);
        n.geometry_offset.push_back(static_cast<std::uint32_t>(n.geometry.size()));
    }
    return n;
}

// A profile where every class is open at `kmh` (so times are length / speed).
inline network::Profile uniform_profile(network::Mode mode, double kmh, bool oneway) {
    network::Profile p = network::default_profile(mode);
    p.speed_kmh.fill(kmh);
    p.use_maxspeed = false;
    p.obey_oneway = oneway;
    p.dual_carriageway_kmh = 0;
    return p;
}

// A random connected-ish geometric network: n nodes in a square, each joined to a few
// near neighbours; some edges one-way.
inline network::RoadNetwork random_network(std::uint32_t n, std::uint32_t seed, double oneway_share = 0.2) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> coord(0, 5000);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<Point> nodes;
    for (std::uint32_t i = 0; i < n; ++i) nodes.push_back({coord(rng), coord(rng)});
    std::vector<EdgeSpec> edges;
    for (std::uint32_t i = 0; i < n; ++i) {
        // join to the 3 nearest by brute force (small n)
        std::vector<std::pair<double, std::uint32_t>> d;
        for (std::uint32_t j = 0; j < n; ++j)
            if (j != i) d.push_back({distance(nodes[i], nodes[j]), j});
        std::partial_sort(d.begin(), d.begin() + 3, d.end());
        for (int k = 0; k < 3; ++k)
            if (i < d[static_cast<std::size_t>(k)].second || u(rng) < 0.3)
                edges.push_back({i, d[static_cast<std::size_t>(k)].second, network::RoadClass::residential, u(rng) < oneway_share});
    }
    return make_network(nodes, edges);
}

// A jittered square grid (100 m blocks, side x side nodes, row by row) with a share of links
// missing and some one-way: large graphs without the brute force above.
inline network::RoadNetwork grid_network(std::uint32_t side, std::uint32_t seed, double missing = 0.15, double oneway_share = 0.1) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> jitter(-20, 20), u(0, 1);
    std::vector<Point> nodes;
    for (std::uint32_t y = 0; y < side; ++y)
        for (std::uint32_t x = 0; x < side; ++x) nodes.push_back({x * 100.0 + jitter(rng), y * 100.0 + jitter(rng)});
    std::vector<EdgeSpec> edges;
    for (std::uint32_t y = 0; y < side; ++y)
        for (std::uint32_t x = 0; x < side; ++x) {
            const std::uint32_t v = y * side + x;
            if (x + 1 < side && u(rng) >= missing) edges.push_back({v, v + 1, network::RoadClass::residential, u(rng) < oneway_share});
            if (y + 1 < side && u(rng) >= missing) edges.push_back({v, v + side, network::RoadClass::residential, u(rng) < oneway_share});
        }
    return make_network(nodes, edges);
}

}  // namespace accessatlas::test
