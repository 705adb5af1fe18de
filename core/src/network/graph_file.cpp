// .aagraph: the RoadNetwork as arrays (edges split into one array per field, so no padding
// bytes reach the file and the checksum is reproducible).
#include "network/profile_io.hpp"
#include "util/binary_file.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/network/graph.hpp>
#include <accessatlas/network/network.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <filesystem>

namespace accessatlas::network {

namespace {
constexpr char magic[8] = {'A', 'A', 'G', 'R', 'A', 'P', 'H', '\0'};
}  // namespace

bool is_graph_file(const std::string& path) { return path.size() > 8 && path.compare(path.size() - 8, 8, ".aagraph") == 0; }

GraphFileSource describe_source(const std::string& network_path, const OgrNetworkOptions& options) {
    GraphFileSource s;
    s.path = std::filesystem::absolute(network_path).lexically_normal().string();
    std::error_code ec;
    s.size = std::filesystem::file_size(network_path, ec);
    if (ec) throw InputError("file not found", {network_path, {}, {}, {}}, "check the path");
    s.mtime_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::filesystem::last_write_time(network_path).time_since_epoch()).count();
    const std::string opts =
        fmt::format("{}|{}|{}|{}|{}|{}|{}", options.layer, options.class_field, options.oneway_field, options.maxspeed_field,
                    options.start_node_field, options.end_node_field, options.snap_tolerance_m);
    s.options_hash = detail::hash_bytes(opts.data(), opts.size());
    return s;
}

void save_graph_file(const RoadNetwork& net, const GraphFileSource& source, const std::string& path) {
    detail::BinaryWriter w;
    w.put_string(source.path);
    w.put(source.size);
    w.put(source.mtime_ns);
    w.put(source.options_hash);
    w.put_string(net.source);
    w.put_records(net.nodes);
    w.put_strings(net.node_refs);
    // Edges as memory images, padding zeroed first: the file loads with one copy.
    std::vector<Edge> edges(net.edges.size());
    std::memset(static_cast<void*>(edges.data()), 0, edges.size() * sizeof(Edge));
    for (std::size_t e = 0; e < edges.size(); ++e) {
        const Edge& a = net.edges[e];
        Edge& b = edges[e];
        b.from = a.from;
        b.to = a.to;
        b.length_m = a.length_m;
        b.maxspeed_kmh = a.maxspeed_kmh;
        b.road_class = a.road_class;
        b.forward_modes = a.forward_modes;
        b.backward_modes = a.backward_modes;
        b.explicit_modes = a.explicit_modes;
        b.dual_carriageway = a.dual_carriageway;
        b.source_id = a.source_id;
    }
    w.put_records(edges);
    w.put_array(net.geometry_offset);
    w.put_records(net.geometry);
    detail::write_binary_file(path, magic, graph_file_version, 0, w.bytes());
}

RoadNetwork load_graph_file(const std::string& path, GraphFileSource* source) {
    const auto file = detail::open_binary_file(path, magic, graph_file_version, "an Access Atlas graph file",
                                               "build it again with: accessatlas network NETWORK --save-graph " + path);
    auto r = file.payload();
    GraphFileSource s;
    s.path = r.get_string();
    s.size = r.get<std::uint64_t>();
    s.mtime_ns = r.get<std::int64_t>();
    s.options_hash = r.get<std::uint64_t>();
    RoadNetwork net;
    net.source = r.get_string();
    net.nodes = r.get_records<Point>();
    net.node_refs = r.get_strings();
    net.edges = r.get_records<Edge>();
    for (std::size_t e = 0; e < net.edges.size(); ++e) {
        const Edge& edge = net.edges[e];
        if (edge.from >= net.nodes.size() || edge.to >= net.nodes.size() || static_cast<std::size_t>(edge.road_class) >= road_class_count)
            throw InputError(fmt::format("edge {} refers to a node or class that does not exist", e), {path, {}, {}, {}},
                             "build the graph file again");
    }
    net.geometry_offset = r.get_array<std::uint32_t>();
    net.geometry = r.get_records<Point>();
    if (net.geometry_offset.size() != net.edges.size() + 1 || (!net.edges.empty() && net.geometry_offset.back() != net.geometry.size()))
        throw InputError("the edge geometry index does not match the edges", {path, {}, {}, {}}, "build the graph file again");
    if (source) *source = s;
    return net;
}

void put_profile(detail::BinaryWriter& w, const Profile& p) {
    w.put<std::uint8_t>(static_cast<std::uint8_t>(p.mode));
    w.put_array(std::vector<double>(p.speed_kmh.begin(), p.speed_kmh.end()));
    w.put(p.dual_carriageway_kmh);
    w.put<std::uint8_t>(p.use_maxspeed);
    w.put<std::uint8_t>(p.obey_oneway);
    w.put(p.connector_kmh);
}

Profile get_profile(detail::BinaryReader& r) {
    Profile p;
    p.mode = static_cast<Mode>(r.get<std::uint8_t>());
    const auto speeds = r.get_array<double>();
    if (speeds.size() != p.speed_kmh.size()) r.fail("a profile of another version");
    std::copy(speeds.begin(), speeds.end(), p.speed_kmh.begin());
    p.dual_carriageway_kmh = r.get<double>();
    p.use_maxspeed = r.get<std::uint8_t>() != 0;
    p.obey_oneway = r.get<std::uint8_t>() != 0;
    p.connector_kmh = r.get<double>();
    return p;
}

namespace {
constexpr char mode_magic[8] = {'A', 'A', 'M', 'O', 'D', 'E', '\0', '\0'};

void put_graph(detail::BinaryWriter& w, const Graph& g) {
    w.put_array(g.first_out);
    w.put_records(g.arc);
    w.put_array(g.edge);
}

Graph get_graph(detail::BinaryReader& r) {
    Graph g;
    g.first_out = r.get_array<std::uint32_t, HugePageAllocator<std::uint32_t>>();
    g.arc = r.get_records<Arc, HugePageAllocator<Arc>>();
    g.edge = r.get_array<std::uint32_t>();
    return g;
}
}  // namespace

std::uint64_t save_mode_graph(const ModeGraph& g, const std::string& path) {
    static_assert(sizeof(Arc) == 12, "Arc must have no padding to be written as a memory image");
    detail::BinaryWriter w;
    put_profile(w, g.profile);
    put_graph(w, g.forward);
    put_graph(w, g.backward);
    w.put_array(g.edge_time_forward);
    w.put_array(g.edge_time_backward);
    w.put_array(g.component);
    for (std::uint32_t v : {g.largest_component, g.largest_component_nodes, g.component_count, g.usable_edges}) w.put(v);
    return detail::write_binary_file(path, mode_magic, mode_graph_file_version, 0, w.bytes());
}

ModeGraph load_mode_graph(const std::string& path, std::uint64_t checksum) {
    const auto file = detail::open_binary_file(path, mode_magic, mode_graph_file_version, "an Access Atlas mode graph file", "plan again");
    if (file.header.payload_hash != checksum)
        throw InputError("the mode graph file belongs to another plan", {path, {}, {}, {}}, "plan again");
    auto r = file.payload();
    ModeGraph g;
    g.profile = get_profile(r);
    g.forward = get_graph(r);
    g.backward = get_graph(r);
    g.edge_time_forward = r.get_array<float>();
    g.edge_time_backward = r.get_array<float>();
    g.component = r.get_array<std::uint32_t>();
    g.largest_component = r.get<std::uint32_t>();
    g.largest_component_nodes = r.get<std::uint32_t>();
    g.component_count = r.get<std::uint32_t>();
    g.usable_edges = r.get<std::uint32_t>();
    return g;
}

RoadNetwork load_graph_file_for(const std::string& graph_path, const std::string& network_path, const OgrNetworkOptions& options) {
    GraphFileSource built;
    RoadNetwork net = load_graph_file(graph_path, &built);
    const GraphFileSource now = describe_source(network_path, options);
    const std::string rebuild = fmt::format("build it again: accessatlas network {} --save-graph {}", network_path, graph_path);
    if (built.path != now.path)
        throw InputError(fmt::format("the graph file was built from {}, not from {}", built.path, now.path), {graph_path, {}, {}, {}},
                         rebuild);
    if (built.size != now.size || built.mtime_ns != now.mtime_ns)
        throw InputError(fmt::format("the graph file is stale: {} has changed since it was built", network_path), {graph_path, {}, {}, {}},
                         rebuild);
    if (built.options_hash != now.options_hash)
        throw InputError("the graph file was built with other network options (layer or field names)", {graph_path, {}, {}, {}}, rebuild);
    return net;
}

}  // namespace accessatlas::network
