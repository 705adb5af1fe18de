// A synthetic road network of any size with a realistic degree and road-class mix: a
// jittered grid (100 m blocks) where about 18% of links are missing (dead ends, blocks),
// every 10th line is a B road, every 30th an A road (dual carriageway, one-way pairs not
// modelled), every 90th a motorway (drive only), and 5% of residential links are one-way.
#pragma once

#include <accessatlas/network/network.hpp>

#include <cmath>
#include <random>

namespace accessatlas::bench {

inline network::RoadNetwork synthetic_network(std::uint32_t target_nodes, std::uint32_t seed) {
    using namespace network;
    const auto side = static_cast<std::uint32_t>(std::ceil(std::sqrt(static_cast<double>(target_nodes))));
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> jitter(-20, 20);
    std::uniform_real_distribution<double> u(0, 1);
    RoadNetwork n;
    n.nodes.reserve(static_cast<std::size_t>(side) * side);
    for (std::uint32_t y = 0; y < side; ++y)
        for (std::uint32_t x = 0; x < side; ++x) n.nodes.push_back({400000 + x * 100.0 + jitter(rng), 100000 + y * 100.0 + jitter(rng)});
    n.geometry_offset.push_back(0);
    const std::uint8_t all = mode_bit(Mode::walk) | mode_bit(Mode::cycle) | mode_bit(Mode::drive);
    auto line_class = [](std::uint32_t line) {
        if (line % 90 == 0) return RoadClass::motorway;
        if (line % 30 == 0) return RoadClass::primary;
        if (line % 10 == 0) return RoadClass::secondary;
        return RoadClass::residential;
    };
    auto add = [&](std::uint32_t a, std::uint32_t b, RoadClass c) {
        if (c == RoadClass::residential && u(rng) < 0.18) return;  // missing links
        Edge e;
        e.from = a;
        e.to = b;
        e.length_m = static_cast<float>(distance(n.nodes[a], n.nodes[b]));
        e.road_class = c;
        e.forward_modes = all;
        e.backward_modes = (c == RoadClass::residential && u(rng) < 0.05) ? mode_bit(Mode::walk) : all;
        e.dual_carriageway = c == RoadClass::primary;
        n.edges.push_back(e);
        n.geometry.push_back(n.nodes[a]);
        n.geometry.push_back(n.nodes[b]);
        n.geometry_offset.push_back(static_cast<std::uint32_t>(n.geometry.size()));
    };
    for (std::uint32_t y = 0; y < side; ++y)
        for (std::uint32_t x = 0; x < side; ++x) {
            const std::uint32_t v = y * side + x;
            if (x + 1 < side) add(v, v + 1, line_class(y));
            if (y + 1 < side) add(v, v + side, line_class(x));
        }
    n.source = "synthetic";
    sort_nodes_spatially(n);
    return n;
}

}  // namespace accessatlas::bench
