// bench_engine: graph build, snapping and routing figures on the Rutland sample job and on
// synthetic networks. Prints a table; never asserts times (see docs/performance.md).
// `bench_engine --help` lists the options.
#include "bench_util.hpp"
#include "synthetic_network.hpp"

#include <filesystem>

#include <accessatlas/access/nearest.hpp>
#include <accessatlas/access/catchments.hpp>
#include <accessatlas/network/graph.hpp>
#include <accessatlas/routing/hierarchy.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/job/job.hpp>
#include <accessatlas/snapping/edge_index.hpp>

#include <tbb/task_arena.h>
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>

using namespace accessatlas;
using bench::now_s;
using bench::peak_rss_mb;

namespace {
struct Quiet : Reporter {};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    std::uint32_t nodes = 2000000, facilities = 6500, origins = 200000, runs = 5;
    unsigned threads = 0;
    std::string rutland_job;
    bool counts_too = false;
    bool polygons = false;
    std::string reach_modes = "walk,drive";
    std::string reach_method = "automatic";
    bool reach_one_thread = false;
    std::string save_synthetic;
    bool graph_file = true;
    bool hierarchy = false;  // off for peak-memory runs: it loads a second copy of the graph
    CLI::App app{"Access Atlas engine benchmark: a synthetic network (and optionally the Rutland job), each stage timed "
                 "(docs/performance.md)"};
    app.add_option("--nodes", nodes, "synthetic network size (nodes)")->capture_default_str();
    app.add_option("--facilities", facilities, "facilities on it")->capture_default_str();
    app.add_option("--origins", origins, "origins on it")->capture_default_str();
    app.add_option("--threads", threads, "threads (0: all)")->capture_default_str();
    app.add_option("--runs", runs, "runs of the nearest-facility search (median reported)")->capture_default_str();
    app.add_option("--rutland-job", rutland_job, "also time this job file end to end");
    app.add_option("--counts", counts_too, "also count facilities within the thresholds (0/1)")->capture_default_str();
    app.add_option("--polygons", polygons, "also build catchment polygons (0/1)")->capture_default_str();
    app.add_option("--reach-modes", reach_modes, "modes of the catchments + E2SFCA step: walk, drive, walk,drive or none")
        ->capture_default_str();
    app.add_option("--reach-method", reach_method, "how the catchments search")
        ->check(CLI::IsMember({"automatic", "dijkstra", "hierarchy"}))
        ->capture_default_str();
    app.add_option("--reach-one-thread", reach_one_thread, "also time the catchments on one thread (0/1)")->capture_default_str();
    app.add_option("--save-synthetic", save_synthetic, "only write the synthetic network to this graph file (for the peers runner)");
    app.add_option("--graph-file", graph_file, "time saving and loading the graph file (0/1)")->capture_default_str();
    app.add_option("--hierarchy", hierarchy, "time the contraction hierarchy's build and sweeps (0/1)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    Quiet quiet;
    if (!save_synthetic.empty()) {
        // For the peers runner: the synthetic network as a graph file every tool can be given
        // (accessatlas network FILE --export edges.gpkg turns it into a GeoPackage).
        const auto net = bench::synthetic_network(nodes, 42);
        network::GraphFileSource src;
        src.path = "synthetic:" + std::to_string(nodes);
        network::save_graph_file(net, src, save_synthetic);
        fmt::print("{}: {} nodes, {} edges\n", save_synthetic, net.node_count(), net.edge_count());
        return 0;
    }
    fmt::print("threads available: {}\n\n", tbb::this_task_arena::max_concurrency());

    if (!rutland_job.empty()) {
        std::vector<double> total, read, graph, snap, route, write;
        std::uint64_t settled = 0;
        for (std::uint32_t r = 0; r < runs; ++r) {
            auto job = job::load_job(rutland_job);
            job.output = "/tmp/accessatlas_bench_rutland.gpkg";
            job.threads = threads;
            const double t0 = now_s();
            const auto s = job::run_job(job, quiet);
            total.push_back(now_s() - t0);
            read.push_back(s.seconds.at("read"));
            graph.push_back(s.seconds.at("graph"));
            snap.push_back(s.seconds.at("snap"));
            route.push_back(s.seconds.at("route"));
            write.push_back(s.seconds.at("write"));
            settled = s.nodes_settled;
        }
        fmt::print("Rutland sample job (3 services x 2 modes, median of {} runs)\n", runs);
        fmt::print("  total {:.3f}s = read {:.3f}s + graph {:.3f}s + snap {:.3f}s + route {:.3f}s + write {:.3f}s; "
                   "{} nodes settled (route includes the job's catchment polygons and E2SFCA)\n\n",
                   median(total), median(read), median(graph), median(snap), median(route), median(write), settled);
    }

    if (!rutland_job.empty() && polygons) {
        // Service-area polygons (10/20/30 min) for every service and mode of the sample job.
        const auto job = job::load_job(rutland_job);
        const auto net = network::read_network(job.network.path, job.network_options, quiet);
        for (const auto mode : job.modes) {
            const auto g = network::build_mode_graph(net, job.profiles.at(mode));
            const snapping::EdgeIndex index(net, g);
            for (const auto& service : job.services) {
                const auto layer = io::read_layer(service.facilities.path, "", io::GeometryKind::point, {}, quiet);
                std::vector<snapping::Snap> snaps;
                std::size_t used = 0;
                for (const auto& p : layer.points) {
                    snaps.push_back(index.snap(p, job.max_snap_m));
                    used += snaps.back().ok();
                }
                access::CatchmentOptions options;
                const double t0 = now_s();
                access::catchment_polygons(net, g, snaps, options, quiet);
                const double s = now_s() - t0;
                fmt::print("  polygons 10/20/30 min, {} {}: {} facilities in {:.2f}s ({:.0f} ms per facility incl. coverage)\n",
                           service.name, network::to_string(mode), used, s, 1000 * s / std::max<std::size_t>(1, used));
            }
        }
        fmt::print("\n");
    }

    fmt::print("Synthetic network, target {} nodes, {} facilities, {} origins\n", nodes, facilities, origins);
    double t = now_s();
    const auto net = bench::synthetic_network(nodes, 42);
    const double gen_s = now_s() - t;
    t = now_s();
    // As in run_job: the reversed half is added once the snapping index is gone.
    auto g = network::build_mode_graph(net, network::default_profile(network::Mode::drive), {}, false);
    const double build_s = now_s() - t;
    t = now_s();
    auto index = std::make_unique<snapping::EdgeIndex>(net, g);
    const double index_s = now_s() - t;
    fmt::print("  network: {} nodes, {} edges (generated in {:.2f}s)\n", net.node_count(), net.edge_count(), gen_s);
    fmt::print("  drive graph: {} arcs, built in {:.2f}s; {:.1f} bytes per arc (forward CSR); largest component {:.1f}%\n",
               g.forward.arc_count(), build_s, static_cast<double>(g.forward.memory_bytes()) / g.forward.arc_count(),
               100.0 * g.largest_component_nodes / net.node_count());
    fmt::print("  edge R-tree: {} segments in {:.2f}s\n", index->indexed_segments(), index_s);

    std::mt19937 rng(7);
    const auto box = net.extent();
    std::uniform_real_distribution<double> ux(box.min_x, box.max_x), uy(box.min_y, box.max_y);
    std::vector<snapping::Snap> fac, org;
    t = now_s();
    for (std::uint32_t i = 0; i < facilities; ++i) fac.push_back(index->snap({ux(rng), uy(rng)}, 500));
    for (std::uint32_t i = 0; i < origins; ++i) org.push_back(index->snap({ux(rng), uy(rng)}, 500));
    const double snap_s = now_s() - t;
    index.reset();  // as in run_job: the R-tree is dropped once every point is placed
    t = now_s();
    network::add_backward_graph(g, net);
    fmt::print("  reversed graph added after snapping in {:.2f}s\n", now_s() - t);
    if (graph_file) {
        // A scale-out worker's start: map the .aagraph file and build the mode graph.
        const std::string path = "/tmp/accessatlas_bench.aagraph";
        network::GraphFileSource src;
        src.path = "synthetic";
        t = now_s();
        network::save_graph_file(net, src, path);
        const double save_s = now_s() - t;
        const std::string mode_path = "/tmp/accessatlas_bench.aamode";
        const std::uint64_t sum = network::save_mode_graph(g, mode_path);
        std::vector<double> load, build, start;
        for (std::uint32_t r = 0; r < runs; ++r) {
            t = now_s();
            const auto back = network::load_graph_file(path);
            load.push_back(now_s() - t);
            const double t1 = now_s();
            const auto built = network::build_mode_graph(back, network::default_profile(network::Mode::drive));
            build.push_back(now_s() - t1);
            const double t2 = now_s();
            const auto mapped = network::load_mode_graph(mode_path, sum);
            start.push_back(load.back() + now_s() - t2);
        }
        fmt::print("  graph file: {:.0f} MB saved in {:.2f}s; loaded (mapped, checksum verified) in {:.3f}s; drive graph built "
                   "from it in {:.3f}s or loaded from its {:.0f} MB file; worker start (network + drive graph files) {:.3f}s "
                   "(medians of {})\n",
                   static_cast<double>(std::filesystem::file_size(path)) / 1e6, save_s, median(load), median(build),
                   static_cast<double>(std::filesystem::file_size(mode_path)) / 1e6, median(start), runs);
        std::filesystem::remove(path);
        std::filesystem::remove(mode_path);
    }
    fmt::print("  snapped {} points in {:.2f}s ({:.0f} points/s)\n", facilities + origins, snap_s, (facilities + origins) / snap_s);

    if (hierarchy) {
        // The contraction hierarchy of the drive graph (reversed, as catchments search it) and
        // PHAST sweeps of Phast::width sources each.
        t = now_s();
        const auto h = routing::build_hierarchy(g.backward, quiet);
        fmt::print("  hierarchy (drive, reversed): built in {:.2f}s; {} shortcuts ({:.2f} per node), {} levels, {} down arcs, {:.0f} MB\n",
                   now_s() - t, h.shortcut_count, static_cast<double>(h.shortcut_count) / net.node_count(), h.level_count,
                   h.down_arc.size(), h.memory_bytes() / 1e6);
        routing::Phast phast(h);
        std::vector<double> sweeps;
        std::uint64_t up = 0;
        for (std::uint32_t b = 0; b < 8; ++b) {
            phast.clear();
            for (unsigned slot = 0; slot < routing::Phast::width; ++slot)
                phast.add_source(slot, static_cast<std::uint32_t>((b * 7919u + slot * 104729u) % net.node_count()), 0);
            const double t1 = now_s();
            phast.run(1800);
            sweeps.push_back(now_s() - t1);
            up += phast.upward_settled();
        }
        fmt::print("  PHAST batch of {} sources (limit 30 min): median {:.1f} ms ({:.2f} ms per source), {:.0f} upward nodes per source\n",
                   routing::Phast::width, 1000 * median(sweeps), 1000 * median(sweeps) / routing::Phast::width,
                   static_cast<double>(up) / (8 * routing::Phast::width));
    }

    access::NearestOptions nearest_only;
    nearest_only.count_within_thresholds = false;
    std::vector<double> times;
    std::uint64_t settled = 0;
    for (std::uint32_t r = 0; r < runs; ++r) {
        const auto res = access::nearest_facility(net, g, fac, org, nearest_only, quiet);
        times.push_back(res.nearest_seconds);
        settled = res.nodes_settled;
    }
    fmt::print("  nearest facility (one multi-source search + {} origins): median {:.3f}s over {} runs; {} nodes settled, "
               "{:.1f} M nodes/s\n",
               origins, median(times), runs, settled, settled / median(times) / 1e6);

    if (counts_too)
        for (unsigned th : {1u, threads == 0 ? static_cast<unsigned>(tbb::this_task_arena::max_concurrency()) : threads}) {
            access::NearestOptions counts;
            counts.thresholds_min = {10, 20, 30};
            counts.threads = th;
            const auto res = access::nearest_facility(net, g, fac, org, counts, quiet);
            fmt::print("  nearest + facilities within 10/20/30 min on {} thread(s): counts {:.2f}s\n", th, res.counts_seconds);
        }

    // Catchments (reach within 30 min) and E2SFCA, per mode, 1 thread and all threads.
    std::vector<double> pop(org.size(), 1.0), supply(fac.size(), 1.0);
    for (const auto& mode_name : {std::string("walk"), std::string("drive")}) {
        if (reach_modes.find(mode_name) == std::string::npos) continue;
        const auto mode = *network::mode_from_string(mode_name);
        const auto mg =
            mode == network::Mode::drive ? network::ModeGraph{} : network::build_mode_graph(net, network::default_profile(mode));
        const auto& gm = mode == network::Mode::drive ? g : mg;
        const snapping::EdgeIndex mindex(net, gm);
        std::vector<snapping::Snap> mfac, morg;
        std::mt19937 rng2(7);
        for (std::uint32_t i = 0; i < facilities; ++i) mfac.push_back(mindex.snap({ux(rng2), uy(rng2)}, 500));
        for (std::uint32_t i = 0; i < origins; ++i) morg.push_back(mindex.snap({ux(rng2), uy(rng2)}, 500));
        const unsigned all = threads == 0 ? static_cast<unsigned>(tbb::this_task_arena::max_concurrency()) : threads;
        std::vector<unsigned> thread_counts{all};
        if (reach_one_thread && all > 1) thread_counts.insert(thread_counts.begin(), 1u);
        for (const auto& [method, name] :
             {std::pair{access::ReachMethod::automatic, "automatic"}, std::pair{access::ReachMethod::dijkstra, "dijkstra"},
              std::pair{access::ReachMethod::hierarchy, "hierarchy"}}) {
            if (reach_method != name) continue;
            for (unsigned th : thread_counts) {
                const auto reach = access::reach_origins(net, gm, mfac, morg, 1800, th, quiet, method);  // builds its own hierarchy
                const double t0 = now_s();
                const auto e = access::e2sfca(reach, supply, pop, morg.size(), access::Decay{});
                const double e_s = now_s() - t0;
                fmt::print("  {} catchments 30 min + E2SFCA, {} facilities, {} origins, {} thread(s), method {} -> {}: reach {:.2f}s "
                           "({}hierarchy {:.2f}s, searches {:.2f}s; {:.2f} ms per facility), {} pairs, {:.1f} M nodes settled; "
                           "E2SFCA {:.3f}s; total {:.2f}s\n",
                           mode_name, facilities, origins, th, name, reach.by_hierarchy ? "hierarchy" : "dijkstra", reach.seconds,
                           reach.by_hierarchy ? "" : "no ", reach.hierarchy_seconds, reach.seconds - reach.hierarchy_seconds,
                           1000 * reach.seconds / facilities, reach.origin.size(), reach.nodes_settled / 1e6, e_s, reach.seconds + e_s);
                (void)e;
            }
        }
    }
    fmt::print("  peak memory: {} MB\n", peak_rss_mb());
    return 0;
}
