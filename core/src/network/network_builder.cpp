#include "network/network_builder.hpp"
#include "util/hilbert.hpp"

#include <algorithm>
#include <numeric>

namespace accessatlas::network {

double polyline_length(const Point* begin, const Point* end) {
    double length = 0;
    for (const Point* p = begin; p + 1 < end; ++p) length += distance(p[0], p[1]);
    return length;
}

NetworkBuilder::NetworkBuilder(std::size_t node_capacity) {
    m_network.nodes.resize(node_capacity);
    m_network.geometry_offset.push_back(0);
}

std::uint32_t NetworkBuilder::add_node(Point p) {
    m_network.nodes.push_back(p);
    return static_cast<std::uint32_t>(m_network.nodes.size() - 1);
}

void NetworkBuilder::set_node(std::uint32_t node, Point p) { m_network.nodes[node] = p; }

void NetworkBuilder::add_edge(std::uint32_t from, std::uint32_t to, const std::vector<Point>& points, const EdgeAttributes& a) {
    const double length = polyline_length(points.data(), points.data() + points.size());
    if (!(length > 0.01)) {
        ++m_zero_length;
        return;
    }
    Edge e;
    e.from = from;
    e.to = to;
    e.length_m = static_cast<float>(length);
    e.maxspeed_kmh = a.maxspeed_kmh;
    e.road_class = a.road_class;
    e.forward_modes = a.forward_modes;
    e.backward_modes = a.backward_modes;
    e.explicit_modes = a.explicit_modes;
    e.dual_carriageway = a.dual_carriageway;
    e.source_id = a.source_id;
    m_network.edges.push_back(e);
    m_network.geometry.insert(m_network.geometry.end(), points.begin(), points.end());
    m_network.geometry_offset.push_back(static_cast<std::uint32_t>(m_network.geometry.size()));
}

RoadNetwork NetworkBuilder::finish(const std::string& source, std::vector<std::string> node_refs) {
    RoadNetwork& n = m_network;
    n.source = source;
    // Keep only nodes that an edge uses.
    std::vector<std::uint32_t> remap(n.nodes.size(), invalid_id);
    for (const auto& e : n.edges) remap[e.from] = remap[e.to] = 0;
    std::uint32_t next = 0;
    std::vector<Point> nodes;
    std::vector<std::string> refs;
    for (std::size_t v = 0; v < n.nodes.size(); ++v) {
        if (remap[v] == invalid_id) continue;
        remap[v] = next++;
        nodes.push_back(n.nodes[v]);
        if (!node_refs.empty()) refs.push_back(std::move(node_refs[v]));
    }
    for (auto& e : n.edges) {
        e.from = remap[e.from];
        e.to = remap[e.to];
    }
    n.nodes = std::move(nodes);
    n.node_refs = std::move(refs);
    sort_nodes_spatially(n);
    return std::move(m_network);
}

void sort_nodes_spatially(RoadNetwork& n) {
    if (n.nodes.size() < 2) return;
    const Box box = n.extent();
    const double span = std::max({box.max_x - box.min_x, box.max_y - box.min_y, 1.0});
    std::vector<std::uint64_t> key(n.nodes.size());
    for (std::size_t v = 0; v < n.nodes.size(); ++v) {
        const auto gx = static_cast<std::uint32_t>((n.nodes[v].x - box.min_x) / span * 65535.0);
        const auto gy = static_cast<std::uint32_t>((n.nodes[v].y - box.min_y) / span * 65535.0);
        key[v] = detail::hilbert_index(gx, gy);
    }
    std::vector<std::uint32_t> order(n.nodes.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return key[a] < key[b]; });
    std::vector<std::uint32_t> rank(n.nodes.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
    std::vector<Point> nodes(n.nodes.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) nodes[i] = n.nodes[order[i]];
    n.nodes = std::move(nodes);
    if (!n.node_refs.empty()) {
        std::vector<std::string> refs(n.node_refs.size());
        for (std::uint32_t i = 0; i < order.size(); ++i) refs[i] = std::move(n.node_refs[order[i]]);
        n.node_refs = std::move(refs);
    }
    for (auto& e : n.edges) {
        e.from = rank[e.from];
        e.to = rank[e.to];
    }
}

}  // namespace accessatlas::network
