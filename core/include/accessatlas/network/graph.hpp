// Routing graphs as plain arrays (CSR), one per mode, built from a RoadNetwork and a Profile.
#pragma once

#include <accessatlas/util/huge_pages.hpp>
#include <accessatlas/network/network.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace accessatlas::network {

// Compressed sparse rows: the arcs leaving node v are first_out[v] .. first_out[v+1]-1.
// What a search reads per arc sits in one 12-byte record; the network edge is apart.
struct Arc {
    std::uint32_t head;
    float time_s;
    float length_m;
};
struct Graph {
    std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> first_out;  // node_count + 1
    std::vector<Arc, HugePageAllocator<Arc>> arc;
    std::vector<std::uint32_t> edge;  // the network edge an arc runs along

    std::uint32_t node_count() const { return first_out.empty() ? 0 : static_cast<std::uint32_t>(first_out.size() - 1); }
    std::uint32_t arc_count() const { return static_cast<std::uint32_t>(arc.size()); }
    std::size_t memory_bytes() const;
};

// Everything routing needs for one mode: forward arcs (travel direction) and the same arcs
// reversed (to search "time from every node to the nearest facility" from the facilities).
struct ModeGraph {
    Profile profile;
    Graph forward;
    Graph backward;
    // Per network edge: traversal time from->to and to->from (infinity when not allowed).
    std::vector<float> edge_time_forward;
    std::vector<float> edge_time_backward;
    // Weakly connected components over usable edges; component id per node (invalid_id if isolated).
    std::vector<std::uint32_t> component;
    std::uint32_t largest_component = invalid_id;
    std::uint32_t largest_component_nodes = 0;
    std::uint32_t component_count = 0;
    std::uint32_t usable_edges = 0;

    bool edge_usable(std::uint32_t e) const;
    bool edge_in_largest_component(std::uint32_t e, const RoadNetwork& network) const;
};

// `closed_edges` (sorted edge indices) are left out for every mode: road closures.
// Without `with_backward` the reversed graph is left empty, to be added by add_backward_graph
// once the snapping index is gone: on a national graph that lowers the peak memory by its size.
ModeGraph build_mode_graph(const RoadNetwork& network, const Profile& profile, const std::vector<std::uint32_t>& closed_edges = {},
                           bool with_backward = true);
void add_backward_graph(ModeGraph& graph, const RoadNetwork& network);

// A mode graph saved as arrays (format as the .aagraph file), so a scale-out worker maps it
// instead of building it. save returns the file's checksum; load refuses a file whose checksum
// is not the one expected (a graph of another plan).
inline constexpr std::uint32_t mode_graph_file_version = 3;  // 3: no contraction hierarchy (routing/ saves it)
std::uint64_t save_mode_graph(const ModeGraph& graph, const std::string& path);
ModeGraph load_mode_graph(const std::string& path, std::uint64_t checksum);

}  // namespace accessatlas::network
