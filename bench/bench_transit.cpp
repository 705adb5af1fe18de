// bench_transit: the transit mode's figures. (1) The Newport sample end to end (all four
// modes, real OSM and GTFS). (2) A synthetic timetable the size of England's weekday bus
// network (about 250,000 stops and 8 million stop events) on a synthetic street network of
// millions of nodes, with thousands of facilities and hundreds of thousands of origins: the
// nearest facility by transit for every origin, every minute of a 3-hour window. Each stage is
// timed and the peak memory printed; nothing is asserted (docs/performance.md).
#include "bench_util.hpp"
#include "synthetic_network.hpp"

#include <accessatlas/network/graph.hpp>
#include <accessatlas/job/job.hpp>
#include <accessatlas/snapping/edge_index.hpp>
#include <accessatlas/transit/transit_access.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>

using namespace accessatlas;
using bench::now_s;
using bench::peak_rss_mb;

namespace {

struct Quiet : Reporter {};

// Stops on a jittered lattice over the network's square; routes run along lattice rows and
// columns in pieces of `route_stops`, trips spread over 06:00-22:00 until the stop events
// reach `events` (directions alternate); 90 s between stops plus 30 s dwell.
transit::Timetable synthetic_timetable(const network::RoadNetwork& net, std::uint32_t stops, std::uint64_t events, std::uint32_t seed) {
    transit::Timetable tt;
    Box box;
    for (const auto& p : net.nodes) box.expand(p);
    const auto side = static_cast<std::uint32_t>(std::ceil(std::sqrt(double(stops))));
    const double dx = (box.max_x - box.min_x) / side, dy = (box.max_y - box.min_y) / side;
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> jitter(-0.3, 0.3);
    for (std::uint32_t y = 0; y < side; ++y)
        for (std::uint32_t x = 0; x < side; ++x) {
            transit::Stop s;
            s.id = fmt::format("s{}_{}", x, y);
            s.location = {box.min_x + (x + 0.5 + jitter(rng)) * dx, box.min_y + (y + 0.5 + jitter(rng)) * dy};
            s.located = true;
            tt.stops.push_back(std::move(s));
        }
    const std::uint32_t route_stops = 25;
    std::vector<std::vector<std::uint32_t>> routes;
    for (std::uint32_t line = 0; line < side; ++line)
        for (std::uint32_t start = 0; start + 2 <= side; start += route_stops) {
            std::vector<std::uint32_t> row, col;
            for (std::uint32_t k = start; k < std::min(side, start + route_stops); ++k) {
                row.push_back(line * side + k);
                col.push_back(k * side + line);
            }
            routes.push_back(row);
            routes.push_back(col);
        }
    tt.routes.resize(routes.size());
    std::uint64_t per_route_events = 0;
    for (const auto& r : routes) per_route_events += r.size();
    const auto trips_per_route = std::max<std::uint64_t>(1, events / per_route_events);
    std::uniform_int_distribution<int> offset(0, 3599);
    std::vector<transit::StopEvent> ev;
    for (std::uint32_t r = 0; r < routes.size(); ++r) {
        const int first = 6 * 3600 + offset(rng);
        const double headway = 16.0 * 3600 / double(trips_per_route);
        for (std::uint64_t k = 0; k < trips_per_route; ++k) {
            auto seq = routes[r];
            if (k % 2) std::reverse(seq.begin(), seq.end());
            int clock = first + static_cast<int>(double(k) * headway);
            ev.clear();
            for (auto s : seq) {
                ev.push_back({s, clock, clock + 30, true, true});
                clock += 120;
            }
            tt.add_trip(r, fmt::format("r{}t{}", r, k), ev);
        }
    }
    tt.date = "synthetic";
    return tt;
}

std::vector<snapping::Snap> random_snaps(const network::RoadNetwork& net, const snapping::EdgeIndex& index, std::uint32_t n,
                                         std::uint32_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::uint32_t> node(0, static_cast<std::uint32_t>(net.node_count() - 1));
    std::vector<snapping::Snap> out;
    out.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) out.push_back(index.snap(net.nodes[node(rng)], 500));
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint32_t nodes = 5000000, stops = 250000, facilities = 6500, origins = 500000;
    std::uint64_t events = 8000000;
    unsigned threads = 0;
    std::string newport_job;
    bool synthetic = true;
    CLI::App app{"Access Atlas transit benchmark (docs/performance.md)"};
    app.add_option("--nodes", nodes, "synthetic street network size (nodes)")->capture_default_str();
    app.add_option("--stops", stops, "synthetic stops")->capture_default_str();
    app.add_option("--events", events, "synthetic stop events over the day")->capture_default_str();
    app.add_option("--facilities", facilities, "facilities")->capture_default_str();
    app.add_option("--origins", origins, "origins")->capture_default_str();
    app.add_option("--threads", threads, "threads (0: all)")->capture_default_str();
    app.add_option("--newport-job", newport_job, "also time this job file (data/newport/job.toml) end to end, 3 runs");
    app.add_option("--synthetic", synthetic, "run the synthetic England-size search (0/1)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    Quiet quiet;

    if (!newport_job.empty()) {
        std::vector<double> times;
        job::RunSummary summary;
        for (int run = 0; run < 3; ++run) {
            auto job = job::load_job(newport_job);
            job.output = "/tmp/bench_transit_newport.gpkg";
            if (threads) job.threads = threads;
            const double t0 = now_s();
            summary = job::run_job(job, quiet);
            times.push_back(now_s() - t0);
        }
        std::sort(times.begin(), times.end());
        fmt::print("Newport job, all four modes, end to end: median {:.2f} s of 3 (min {:.2f}, max {:.2f}); {} areas, {} origins\n",
                   times[1], times[0], times[2], summary.areas, summary.origins);
        for (const auto& [stage, s] : summary.seconds) fmt::print("  {:<8} {:.3f} s\n", stage, s);
    }
    if (!synthetic) return 0;

    double t = now_s();
    const auto net = bench::synthetic_network(nodes, 7);
    fmt::print("synthetic network: {} nodes, {} edges ({:.1f} s)\n", net.node_count(), net.edge_count(), now_s() - t);
    t = now_s();
    const auto tt = synthetic_timetable(net, stops, events, 11);
    fmt::print("synthetic timetable: {} stops, {} routes, {} trips, {} stop events, {} connections ({:.1f} s)\n", tt.stops.size(),
               tt.routes.size(), tt.trips.size(), tt.events.size(), tt.connection_count(), now_s() - t);
    const double t_all = now_s();
    t = now_s();
    auto graph = network::build_mode_graph(net, network::default_profile(network::Mode::walk), {}, false);
    std::vector<snapping::Snap> stop_snaps, facility_snaps, origin_snaps;
    {
        const snapping::EdgeIndex index(net, graph, true);
        for (const auto& s : tt.stops) stop_snaps.push_back(index.snap(s.location, 500));
        facility_snaps = random_snaps(net, index, facilities, 3);
        origin_snaps = random_snaps(net, index, origins, 5);
    }
    network::add_backward_graph(graph, net);
    const double t_graph = now_s() - t;
    fmt::print("walk graph and snapping: {:.2f} s\n", t_graph);

    transit::WindowOptions w;  // 07:00-10:00 every minute, the defaults
    w.threads = threads;
    t = now_s();
    const auto tn = transit::prepare_transit(net, graph, tt, stop_snaps, origin_snaps, w, quiet);
    const double t_legs = now_s() - t;
    fmt::print(
        "walking legs (origins to stops, stop to stop) and window connections: {:.2f} s ({} connections, {} access walks, {} transfers)\n",
        t_legs, tn.connections.size(), tn.access_stop.size(), tn.footpaths.size());
    t = now_s();
    access::NearestOptions no;
    no.count_within_thresholds = false;
    const auto r = transit::transit_nearest(net, graph, tn, facility_snaps, origin_snaps, no, w, quiet);
    const double t_route = now_s() - t;
    std::size_t reached = 0;
    double sum = 0;
    for (double v : r.time_s)
        if (std::isfinite(v)) ++reached, sum += v;
    fmt::print(
        "nearest facility by transit for {} origins, {} departures (walk-only and egress searches, profile scan, window): {:.2f} s\n",
        origins, w.departures().size(), t_route);
    fmt::print("total after the timetable is built: {:.2f} s; peak memory {} MB; {} of {} origins reached, mean {:.1f} min\n",
               now_s() - t_all, peak_rss_mb(), reached, origins, reached ? sum / reached / 60 : 0.0);
    return 0;
}
