// .aagraph: the RoadNetwork as arrays (edges split into one array per field, so no padding
// bytes reach the file and the checksum is reproducible).
#include "util/binary_file.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/network.hpp>

#include <fmt/format.h>

#include <chrono>
#include <filesystem>

namespace accessatlas::network {

namespace {
constexpr char magic[8] = {'A', 'A', 'G', 'R', 'A', 'P', 'H', '\0'};

template <typename T, typename F>
std::vector<T> column(const std::vector<Edge>& edges, F get) {
    std::vector<T> out;
    out.reserve(edges.size());
    for (const auto& e : edges) out.push_back(static_cast<T>(get(e)));
    return out;
}
} // namespace

bool is_graph_file(const std::string& path) {
    return path.size() > 8 && path.compare(path.size() - 8, 8, ".aagraph") == 0;
}

GraphFileSource describe_source(const std::string& network_path, const OgrNetworkOptions& options) {
    GraphFileSource s;
    s.path = std::filesystem::absolute(network_path).lexically_normal().string();
    std::error_code ec;
    s.size = std::filesystem::file_size(network_path, ec);
    if (ec) throw InputError("file not found", {network_path, {}, {}, {}}, "check the path");
    s.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::filesystem::last_write_time(network_path).time_since_epoch()).count();
    const std::string opts = fmt::format("{}|{}|{}|{}|{}|{}|{}", options.layer, options.class_field, options.oneway_field,
                                         options.maxspeed_field, options.start_node_field, options.end_node_field,
                                         options.snap_tolerance_m);
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
    std::vector<double> xy;
    xy.reserve(net.nodes.size() * 2);
    for (const auto& p : net.nodes) xy.insert(xy.end(), {p.x, p.y});
    w.put_array(xy);
    w.put_strings(net.node_refs);
    w.put_array(column<std::uint32_t>(net.edges, [](const Edge& e) { return e.from; }));
    w.put_array(column<std::uint32_t>(net.edges, [](const Edge& e) { return e.to; }));
    w.put_array(column<float>(net.edges, [](const Edge& e) { return e.length_m; }));
    w.put_array(column<float>(net.edges, [](const Edge& e) { return e.maxspeed_kmh; }));
    w.put_array(column<std::uint8_t>(net.edges, [](const Edge& e) { return static_cast<std::uint8_t>(e.road_class); }));
    w.put_array(column<std::uint8_t>(net.edges, [](const Edge& e) { return e.forward_modes; }));
    w.put_array(column<std::uint8_t>(net.edges, [](const Edge& e) { return e.backward_modes; }));
    w.put_array(column<std::uint8_t>(net.edges, [](const Edge& e) { return e.explicit_modes; }));
    w.put_array(column<std::uint8_t>(net.edges, [](const Edge& e) { return e.dual_carriageway ? 1 : 0; }));
    w.put_array(column<std::int64_t>(net.edges, [](const Edge& e) { return e.source_id; }));
    w.put_array(net.geometry_offset);
    xy.clear();
    xy.reserve(net.geometry.size() * 2);
    for (const auto& p : net.geometry) xy.insert(xy.end(), {p.x, p.y});
    w.put_array(xy);
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
    auto xy = r.get_array<double>();
    net.nodes.resize(xy.size() / 2);
    for (std::size_t i = 0; i < net.nodes.size(); ++i) net.nodes[i] = {xy[2 * i], xy[2 * i + 1]};
    net.node_refs = r.get_strings();
    const auto from = r.get_array<std::uint32_t>();
    const auto to = r.get_array<std::uint32_t>();
    const auto length = r.get_array<float>();
    const auto maxspeed = r.get_array<float>();
    const auto cls = r.get_array<std::uint8_t>();
    const auto fwd = r.get_array<std::uint8_t>();
    const auto bwd = r.get_array<std::uint8_t>();
    const auto expl = r.get_array<std::uint8_t>();
    const auto dual = r.get_array<std::uint8_t>();
    const auto sid = r.get_array<std::int64_t>();
    const std::size_t m = from.size();
    if (to.size() != m || length.size() != m || maxspeed.size() != m || cls.size() != m || fwd.size() != m || bwd.size() != m ||
        expl.size() != m || dual.size() != m || sid.size() != m)
        throw InputError("the edge arrays have different lengths", {path, {}, {}, {}}, "build the graph file again");
    net.edges.resize(m);
    for (std::size_t e = 0; e < m; ++e) {
        if (from[e] >= net.nodes.size() || to[e] >= net.nodes.size() || cls[e] >= road_class_count)
            throw InputError(fmt::format("edge {} refers to a node or class that does not exist", e), {path, {}, {}, {}},
                             "build the graph file again");
        net.edges[e] = {from[e], to[e], length[e], maxspeed[e], static_cast<RoadClass>(cls[e]), fwd[e], bwd[e], expl[e], dual[e] != 0, sid[e]};
    }
    net.geometry_offset = r.get_array<std::uint32_t>();
    xy = r.get_array<double>();
    net.geometry.resize(xy.size() / 2);
    for (std::size_t i = 0; i < net.geometry.size(); ++i) net.geometry[i] = {xy[2 * i], xy[2 * i + 1]};
    if (net.geometry_offset.size() != m + 1 || (m > 0 && net.geometry_offset.back() != net.geometry.size()))
        throw InputError("the edge geometry index does not match the edges", {path, {}, {}, {}}, "build the graph file again");
    if (source) *source = s;
    return net;
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
        throw InputError("the graph file was built with other network options (layer or field names)", {graph_path, {}, {}, {}},
                         rebuild);
    return net;
}

} // namespace accessatlas::network
