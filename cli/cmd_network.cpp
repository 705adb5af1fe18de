// accessatlas network: read a network, report its graph per mode, optionally export the
// routing graph (edges with geometry and cost per mode) as a GeoPackage for peers.
#include "commands.hpp"
#include "terminal_reporter.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/network/graph.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/network/network.hpp>

#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <memory>

namespace accessatlas::cli {

std::function<int()> add_network_command(CLI::App& app, const GlobalOptions& global) {
    auto* sub = app.add_subcommand("network", "Build the routing graph of a network and report it (or export it)");
    struct Args {
        std::string input, layer, exp, save;
        std::vector<std::string> modes{"walk", "cycle", "drive"};
    };
    auto a = std::make_shared<Args>();
    sub->add_option("input", a->input, "OpenStreetMap .osm.pbf or an OGR line layer")->required()->check(CLI::ExistingFile);
    sub->add_option("--layer", a->layer, "Layer name in the input");
    sub->add_option("--modes", a->modes, "Modes to build")->delimiter(',');
    sub->add_option("--export", a->exp, "Write the edges with per-mode costs to this GeoPackage");
    sub->add_option("--save-graph", a->save, "Save the network as a preprocessed graph file (.aagraph) for [network] graph");
    return [sub, a, &global]() -> int {
        if (!sub->parsed()) return -1;
        TerminalReporter reporter(global.verbose, global.quiet);
        const auto t0 = std::chrono::steady_clock::now();
        network::OgrNetworkOptions options;
        options.layer = a->layer;
        network::ReadStats stats;
        const auto net = network::read_network(a->input, options, reporter, &stats);
        const double read_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!a->save.empty()) {
            if (!network::is_graph_file(a->save)) throw InputError("a graph file must end in .aagraph", {a->save, {}, {}, {}}, "");
            if (network::is_graph_file(a->input)) throw InputError("the input is already a graph file", {a->input, {}, {}, {}}, "");
            const auto t1 = std::chrono::steady_clock::now();
            network::save_graph_file(net, network::describe_source(a->input, options), a->save);
            const auto t2 = std::chrono::steady_clock::now();
            const auto again = network::load_graph_file(a->save);
            const auto t3 = std::chrono::steady_clock::now();
            fmt::print("saved {} in {:.3f}s; it loads in {:.3f}s ({} nodes)\n", a->save, std::chrono::duration<double>(t2 - t1).count(),
                       std::chrono::duration<double>(t3 - t2).count(), again.node_count());
        }
        fmt::print("{}: {} nodes, {} edges from {} features ({} skipped) in {:.2f}s\n", a->input, net.node_count(), net.edge_count(),
                   stats.features_used, stats.features_skipped, read_s);
        std::vector<network::ModeGraph> graphs;
        for (const auto& m : a->modes) {
            const auto mode = network::mode_from_string(m);
            if (!mode) throw InputError("'" + m + "' is not a mode", {}, "use walk, cycle or drive");
            const auto t1 = std::chrono::steady_clock::now();
            graphs.push_back(network::build_mode_graph(net, network::default_profile(*mode)));
            const auto& g = graphs.back();
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
            fmt::print("{:<6} {} arcs, {} components, largest {} nodes ({:.1f}%), built in {:.3f}s\n", m, g.forward.arc_count(),
                       g.component_count, g.largest_component_nodes,
                       100.0 * g.largest_component_nodes / std::max<std::size_t>(1, net.node_count()), s);
            if (global.verbose)
                fmt::print("       memory: {:.1f} MB for both directions, {:.1f} bytes per arc\n",
                           (g.forward.memory_bytes() + g.backward.memory_bytes()) / 1e6,
                           g.forward.arc_count() ? static_cast<double>(g.forward.memory_bytes()) / g.forward.arc_count() : 0.0);
        }
        if (!a->exp.empty()) {
            io::GpkgWriter out(a->exp);
            std::vector<io::FieldDef> fields{{"edge_id", io::FieldType::integer}, {"source", io::FieldType::integer},
                                             {"target", io::FieldType::integer},  {"road_class", io::FieldType::text},
                                             {"length_m", io::FieldType::real},   {"source_id", io::FieldType::integer}};
            for (const auto& m : a->modes) {
                fields.push_back({m + "_cost_s", io::FieldType::real});
                fields.push_back({m + "_reverse_cost_s", io::FieldType::real});
            }
            auto& layer = out.create_layer("network_edges", io::GeometryKind::line, fields,
                                           "Routing graph edges with cost per mode (seconds; empty = closed)");
            for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
                const auto& edge = net.edges[e];
                std::vector<io::Value> v{std::int64_t{e},
                                         std::int64_t{edge.from},
                                         std::int64_t{edge.to},
                                         std::string(network::to_string(edge.road_class)),
                                         static_cast<double>(edge.length_m),
                                         edge.source_id};
                for (const auto& g : graphs) {
                    v.emplace_back(std::isfinite(g.edge_time_forward[e]) ? io::Value(static_cast<double>(g.edge_time_forward[e]))
                                                                         : io::Value());
                    v.emplace_back(std::isfinite(g.edge_time_backward[e]) ? io::Value(static_cast<double>(g.edge_time_backward[e]))
                                                                          : io::Value());
                }
                const auto wkb = io::multilinestring_wkb(net.edge_geometry_begin(e), net.edge_geometry_end(e));
                layer.add(v, &wkb);
            }
            out.commit();
            fmt::print("exported {} edges to {}\n", net.edge_count(), a->exp);
        }
        return 0;
    };
}

}  // namespace accessatlas::cli
