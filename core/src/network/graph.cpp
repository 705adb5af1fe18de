#include <accessatlas/network/graph.hpp>

#include <algorithm>
#include <limits>
#include <numeric>

namespace accessatlas::network {

namespace {

constexpr float infinite_time = std::numeric_limits<float>::infinity();

// Speed on an edge for a profile, km/h; 0 when the mode may not use it.
double edge_speed(const Edge& e, const Profile& p) {
    const auto cls = static_cast<std::size_t>(e.road_class);
    double speed = p.speed_kmh[cls];
    if (speed <= 0) {
        // A tag that explicitly allows the mode opens a class the profile closes, at the
        // slowest open speed of the profile (e.g. foot=yes on a motorway service road).
        if (!(e.explicit_modes & mode_bit(p.mode))) return 0;
        double slowest = 0;
        for (double s : p.speed_kmh)
            if (s > 0 && (slowest == 0 || s < slowest)) slowest = s;
        speed = slowest;
    }
    if (p.dual_carriageway_kmh > 0 && e.dual_carriageway && (e.road_class == RoadClass::trunk || e.road_class == RoadClass::primary))
        speed = p.dual_carriageway_kmh;
    if (p.use_maxspeed && e.maxspeed_kmh > 0) speed = std::min(speed, static_cast<double>(e.maxspeed_kmh));
    return speed;
}

struct ArcRecord {
    std::uint32_t tail, head, edge;
    float time, length;
};

// Counting sort by tail: O(arcs), stable, so arc order within a node follows edge order.
Graph to_csr(std::uint32_t node_count, const std::vector<ArcRecord>& arcs) {
    Graph g;
    g.first_out.assign(node_count + 1, 0);
    for (const ArcRecord& a : arcs) ++g.first_out[a.tail + 1];
    std::partial_sum(g.first_out.begin(), g.first_out.end(), g.first_out.begin());
    g.arc.resize(arcs.size());
    g.edge.resize(arcs.size());
    std::vector<std::uint32_t> next(g.first_out.begin(), g.first_out.end() - 1);
    for (const ArcRecord& a : arcs) {
        const std::uint32_t i = next[a.tail]++;
        g.arc[i] = {a.head, a.time, a.length};
        g.edge[i] = a.edge;
    }
    return g;
}

std::uint32_t find_root(std::vector<std::uint32_t>& parent, std::uint32_t v) {
    while (parent[v] != v) {
        parent[v] = parent[parent[v]];
        v = parent[v];
    }
    return v;
}

}  // namespace

std::size_t Graph::memory_bytes() const {
    return first_out.size() * sizeof(std::uint32_t) + arc.size() * sizeof(Arc) + edge.size() * sizeof(std::uint32_t);
}

bool ModeGraph::edge_usable(std::uint32_t e) const { return edge_time_forward[e] < infinite_time || edge_time_backward[e] < infinite_time; }

bool ModeGraph::edge_in_largest_component(std::uint32_t e, const RoadNetwork& network) const {
    return edge_usable(e) && component[network.edges[e].from] == largest_component;
}

ModeGraph build_mode_graph(const RoadNetwork& network, const Profile& profile, const std::vector<std::uint32_t>& closed_edges,
                           bool with_backward) {
    ModeGraph mg;
    mg.profile = profile;
    const auto n = static_cast<std::uint32_t>(network.node_count());
    const std::uint8_t bit = mode_bit(profile.mode);
    mg.edge_time_forward.assign(network.edge_count(), infinite_time);
    mg.edge_time_backward.assign(network.edge_count(), infinite_time);
    std::vector<ArcRecord> forward;
    forward.reserve(network.edge_count() * 2);
    std::vector<std::uint32_t> parent(n);
    std::iota(parent.begin(), parent.end(), 0u);
    std::vector<char> touched(n, 0);
    auto closed = closed_edges.begin();
    for (std::uint32_t e = 0; e < network.edge_count(); ++e) {
        const Edge& edge = network.edges[e];
        while (closed != closed_edges.end() && *closed < e) ++closed;
        if (closed != closed_edges.end() && *closed == e) continue;
        const double speed = edge_speed(edge, profile);
        if (speed <= 0) continue;
        const bool fwd = edge.forward_modes & bit;
        const bool bwd = profile.obey_oneway ? (edge.backward_modes & bit) != 0 : ((edge.backward_modes | edge.forward_modes) & bit) != 0;
        const bool fwd_ok = profile.obey_oneway ? fwd : bwd;
        if (!fwd_ok && !bwd) continue;
        const auto t = static_cast<float>(edge.length_m / (speed / 3.6));
        if (fwd_ok) {
            mg.edge_time_forward[e] = t;
            forward.push_back({edge.from, edge.to, e, t, edge.length_m});
        }
        if (bwd) {
            mg.edge_time_backward[e] = t;
            forward.push_back({edge.to, edge.from, e, t, edge.length_m});
        }
        ++mg.usable_edges;
        touched[edge.from] = touched[edge.to] = 1;
        const std::uint32_t a = find_root(parent, edge.from), b = find_root(parent, edge.to);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
    // Component ids, and the largest one (ties: the lowest id, for determinism).
    mg.component.assign(n, invalid_id);
    std::vector<std::uint32_t> size(n, 0);
    for (std::uint32_t v = 0; v < n; ++v) {
        if (!touched[v]) continue;
        const std::uint32_t r = find_root(parent, v);
        mg.component[v] = r;
        if (size[r]++ == 0) ++mg.component_count;
    }
    for (std::uint32_t v = 0; v < n; ++v)
        if (size[v] > mg.largest_component_nodes) {
            mg.largest_component_nodes = size[v];
            mg.largest_component = v;
        }
    mg.forward = to_csr(n, forward);
    if (with_backward) {
        for (ArcRecord& a : forward) std::swap(a.tail, a.head);
        mg.backward = to_csr(n, forward);
    }
    return mg;
}

void add_backward_graph(ModeGraph& mg, const RoadNetwork& network) {
    // The arc records again, in edge order from the edge times, so the reversed graph is the
    // one build_mode_graph makes with_backward (same arc order, same tie-breaking).
    std::vector<ArcRecord> reversed;
    reversed.reserve(mg.forward.arc_count());
    for (std::uint32_t e = 0; e < network.edge_count(); ++e) {
        const Edge& edge = network.edges[e];
        if (mg.edge_time_forward[e] < infinite_time) reversed.push_back({edge.to, edge.from, e, mg.edge_time_forward[e], edge.length_m});
        if (mg.edge_time_backward[e] < infinite_time) reversed.push_back({edge.from, edge.to, e, mg.edge_time_backward[e], edge.length_m});
    }
    mg.backward = to_csr(static_cast<std::uint32_t>(network.node_count()), reversed);
}

}  // namespace accessatlas::network
