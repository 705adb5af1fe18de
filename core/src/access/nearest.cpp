// Nearest facility by one multi-source Dijkstra on the reversed graph from every facility
// at once; counts within thresholds by one bounded search per facility, in parallel.
#include <accessatlas/access/nearest.hpp>
#include <accessatlas/access/catchments.hpp>
#include <accessatlas/routing/dijkstra.hpp>

#include "access/seeding.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_map>

namespace accessatlas::access {

using network::invalid_id;
using routing::unreached;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Points (facilities or origins) grouped by the edge they snapped to: CSR over edges.
struct ByEdge {
    std::vector<std::uint32_t> first;
    std::vector<std::uint32_t> items;
    ByEdge(std::size_t edge_count, const std::vector<snapping::Snap>& snaps) : first(edge_count + 1, 0) {
        for (const auto& s : snaps)
            if (s.ok()) ++first[s.edge + 1];
        for (std::size_t e = 0; e < edge_count; ++e) first[e + 1] += first[e];
        items.resize(first[edge_count]);
        std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
        for (std::uint32_t i = 0; i < snaps.size(); ++i)
            if (snaps[i].ok()) items[fill[snaps[i].edge]++] = i;
    }
};

struct Candidate {
    double time = unreached;
    double length = unreached;
    std::uint32_t facility = invalid_id;
    void offer(double t, double len, std::uint32_t f) {
        if (t < time || (t == time && f < facility)) {
            time = t;
            length = len;
            facility = f;
        }
    }
};

}  // namespace

double along_edge_time(const network::RoadNetwork& network, const network::ModeGraph& graph, std::uint32_t edge, double from_offset_m,
                       double to_offset_m) {
    const double len = network.edges[edge].length_m;
    if (to_offset_m == from_offset_m) return 0;
    if (to_offset_m > from_offset_m) return graph.edge_time_forward[edge] * ((to_offset_m - from_offset_m) / len);
    return graph.edge_time_backward[edge] * ((from_offset_m - to_offset_m) / len);
}

NearestResult nearest_facility(const network::RoadNetwork& network, const network::ModeGraph& graph,
                               const std::vector<snapping::Snap>& facility_snaps, const std::vector<snapping::Snap>& origin_snaps,
                               const NearestOptions& options, Reporter& reporter, routing::HierarchyCache* hierarchy) {
    const auto t0 = std::chrono::steady_clock::now();
    const double connector_speed = graph.profile.connector_kmh / 3.6;
    const auto connector = [&](const snapping::Snap& s) { return s.distance_m / connector_speed; };
    const auto along = [&](std::uint32_t e, double a, double b) { return along_edge_time(network, graph, e, a, b); };

    NearestResult r;
    const std::size_t origins = origin_snaps.size();
    r.time_s.assign(origins, unreached);
    r.length_m.assign(origins, unreached);
    r.facility.assign(origins, invalid_id);
    const ByEdge facilities_by_edge(network.edge_count(), facility_snaps);

    // 1. One search from all facilities over reversed arcs: time from every node to its nearest.
    routing::Dijkstra search(graph.backward);
    search.reset();
    for (std::uint32_t f = 0; f < facility_snaps.size(); ++f)
        if (facility_snaps[f].ok()) detail::seed_facility(search, network, graph, facility_snaps[f], f);
    reporter.progress(0.0);
    // Asking TBB for its thread count starts its scheduler: only when the work is large enough
    // to go parallel (on a county's graph that start would cost more than the search).
    constexpr std::size_t parallel_min_origins = 50000;
    const bool large = graph.backward.node_count() >= routing::Dijkstra::parallel_min_nodes || origins >= parallel_min_origins;
    const unsigned threads = !large                ? 1u
                             : options.threads > 0 ? options.threads
                                                   : static_cast<unsigned>(tbb::this_task_arena::max_concurrency());
    search.settle_all([&reporter] { reporter.check_cancelled(); }, 0, threads);
    r.nodes_settled = search.settled_count();

    // The best of leaving the origin's edge through either end, or reaching a facility on the
    // same edge directly.
    auto assign = [&](std::uint32_t o) {
        const auto& s = origin_snaps[o];
        if (!s.ok()) return;
        const auto& edge = network.edges[s.edge];
        const double c = connector(s);
        Candidate best;
        const double to_end = along(s.edge, s.offset_m, edge.length_m);
        if (std::isfinite(to_end) && search.reached(edge.to))
            best.offer(c + to_end + search.time(edge.to), s.distance_m + (edge.length_m - s.offset_m) + search.length(edge.to),
                       search.tag(edge.to));
        const double to_start = along(s.edge, s.offset_m, 0);
        if (std::isfinite(to_start) && search.reached(edge.from))
            best.offer(c + to_start + search.time(edge.from), s.distance_m + s.offset_m + search.length(edge.from), search.tag(edge.from));
        for (std::uint32_t i = facilities_by_edge.first[s.edge]; i < facilities_by_edge.first[s.edge + 1]; ++i) {
            const std::uint32_t f = facilities_by_edge.items[i];
            const auto& fs = facility_snaps[f];
            const double t = along(s.edge, s.offset_m, fs.offset_m);
            if (std::isfinite(t)) best.offer(c + t + connector(fs), s.distance_m + std::abs(fs.offset_m - s.offset_m) + fs.distance_m, f);
        }
        r.time_s[o] = best.time;
        r.length_m[o] = best.length;
        r.facility[o] = best.facility;
    };
    // Origins are independent: each one's labels fetched a few origins ahead (they lie all
    // over the graph), in parallel when there are many. A few thousand take well under a
    // millisecond, less than starting the thread pool.
    auto assign_range = [&](std::uint32_t first, std::uint32_t last) {
        constexpr std::uint32_t ahead = 16;
        for (std::uint32_t o = first; o != last; ++o) {
            if (o + ahead < last && origin_snaps[o + ahead].ok()) {
                search.prefetch(network.edges[origin_snaps[o + ahead].edge].to);
                search.prefetch(network.edges[origin_snaps[o + ahead].edge].from);
            }
            assign(o);
        }
    };
    if (threads <= 1 || origins < parallel_min_origins) {
        assign_range(0, static_cast<std::uint32_t>(origins));
    } else {
        tbb::task_arena arena(static_cast<int>(threads));
        arena.execute([&] {
            using Range = tbb::blocked_range<std::uint32_t>;
            tbb::parallel_for(Range(0, static_cast<std::uint32_t>(origins), 4096),
                              [&](const Range& range) { assign_range(range.begin(), range.end()); });
        });
    }
    r.nearest_seconds = seconds_since(t0);

    // 2. Facilities within each threshold: one bounded search per facility.
    r.threshold_count = options.thresholds_min.size();
    if (!options.count_within_thresholds || r.threshold_count == 0) return r;
    const std::size_t k_count = r.threshold_count;
    std::vector<double> limits;
    for (double m : options.thresholds_min) limits.push_back(m * 60.0);
    const Reach reach = reach_origins(network, graph, facility_snaps, origin_snaps, *std::max_element(limits.begin(), limits.end()),
                                      options.threads, reporter, options.count_method, hierarchy);
    r.counts.assign(origins * k_count, 0);
    for (std::size_t i = 0; i < reach.origin.size(); ++i)
        for (std::size_t k = 0; k < k_count; ++k)
            if (reach.time_s[i] <= limits[k]) ++r.counts[reach.origin[i] * k_count + k];
    r.nodes_settled += reach.nodes_settled;
    r.counts_seconds = reach.seconds;
    return r;
}

namespace detail {

unsigned facility_seeds(const network::RoadNetwork& network, const network::ModeGraph& graph, const snapping::Snap& s, Seed out[2]) {
    const auto& edge = network.edges[s.edge];
    const double c = s.distance_m / (graph.profile.connector_kmh / 3.6);
    const double from_start = along_edge_time(network, graph, s.edge, 0, s.offset_m);
    const double from_end = along_edge_time(network, graph, s.edge, edge.length_m, s.offset_m);
    unsigned n = 0;
    if (std::isfinite(from_start)) out[n++] = {edge.from, c + from_start, s.distance_m + s.offset_m};
    if (std::isfinite(from_end)) out[n++] = {edge.to, c + from_end, s.distance_m + (edge.length_m - s.offset_m)};
    return n;
}

void seed_facility(routing::Dijkstra& search, const network::RoadNetwork& network, const network::ModeGraph& graph, const snapping::Snap& s,
                   std::uint32_t tag) {
    Seed seeds[2];
    const unsigned n = facility_seeds(network, graph, s, seeds);
    for (unsigned i = 0; i < n; ++i) search.add_source(seeds[i].node, seeds[i].time_s, seeds[i].length_m, tag);
}

}  // namespace detail

std::vector<AreaIndicators> aggregate_to_areas(std::size_t area_count, const std::vector<std::uint32_t>& origin_area,
                                               const std::vector<double>& origin_population, const NearestResult& result,
                                               const std::vector<double>& thresholds_min) {
    const std::size_t k_count = thresholds_min.size();
    std::vector<AreaIndicators> areas(area_count);
    std::vector<double> reached_pop(area_count, 0), time_sum(area_count, 0), length_sum(area_count, 0), length_pop(area_count, 0);
    for (auto& a : areas) {
        a.pct_within.assign(k_count, 0);
        a.mean_count.assign(k_count, 0);
    }
    for (std::size_t o = 0; o < origin_area.size(); ++o) {
        const std::uint32_t a = origin_area[o];
        if (a == invalid_id) continue;
        const double pop = origin_population[o];
        AreaIndicators& area = areas[a];
        area.population += pop;
        const double t = result.time_s[o];
        if (!std::isfinite(t)) {
            area.unreached_population += pop;
        } else {
            reached_pop[a] += pop;
            time_sum[a] += pop * t;
            if (std::isfinite(result.length_m[o])) {  // transit does not measure length
                length_sum[a] += pop * result.length_m[o];
                length_pop[a] += pop;
            }
            for (std::size_t k = 0; k < k_count; ++k)
                if (t <= thresholds_min[k] * 60.0) area.pct_within[k] += pop;
        }
        if (!result.counts.empty())
            for (std::size_t k = 0; k < k_count; ++k) area.mean_count[k] += pop * result.counts[o * k_count + k];
    }
    // Transit's window statistics, each over the people it reaches.
    const auto weighted_mean = [&](const std::vector<double>& values, double AreaIndicators::*field) {
        std::vector<double> sum(area_count, 0), pop(area_count, 0);
        for (std::size_t o = 0; o < origin_area.size(); ++o)
            if (origin_area[o] != invalid_id && std::isfinite(values[o])) {
                sum[origin_area[o]] += origin_population[o] * values[o];
                pop[origin_area[o]] += origin_population[o];
            }
        for (std::size_t a = 0; a < area_count; ++a) areas[a].*field = pop[a] > 0 ? sum[a] / pop[a] / 60.0 : std::nan("");
    };
    if (!result.p50_s.empty()) {
        weighted_mean(result.p25_s, &AreaIndicators::mean_p25_min);
        weighted_mean(result.p50_s, &AreaIndicators::mean_p50_min);
        weighted_mean(result.p75_s, &AreaIndicators::mean_p75_min);
        weighted_mean(result.best_s, &AreaIndicators::mean_best_min);
    }
    for (std::size_t a = 0; a < area_count; ++a) {
        AreaIndicators& area = areas[a];
        area.mean_time_min = reached_pop[a] > 0 ? time_sum[a] / reached_pop[a] / 60.0 : std::nan("");
        area.mean_length_km = length_pop[a] > 0 ? length_sum[a] / length_pop[a] / 1000.0 : std::nan("");
        for (std::size_t k = 0; k < k_count; ++k) {
            // Capped at 100: a sum of per-point shares can round just above it.
            area.pct_within[k] = area.population > 0 ? std::min(100.0, 100.0 * area.pct_within[k] / area.population) : std::nan("");
            area.mean_count[k] = area.population > 0 && !result.counts.empty() ? area.mean_count[k] / area.population : std::nan("");
        }
    }
    return areas;
}

std::vector<StreetPoint> residential_street_points(const network::RoadNetwork& network, const std::vector<network::RoadClass>& classes,
                                                   double spacing_m) {
    std::vector<StreetPoint> out;
    std::array<bool, network::road_class_count> wanted{};
    for (auto c : classes) wanted[static_cast<std::size_t>(c)] = true;
    for (std::uint32_t e = 0; e < network.edge_count(); ++e) {
        const auto& edge = network.edges[e];
        if (!wanted[static_cast<std::size_t>(edge.road_class)]) continue;
        // Points at spacing/2, 3*spacing/2, ... along the edge (at least one, mid-edge).
        const double len = edge.length_m;
        const auto n = std::max<std::size_t>(1, static_cast<std::size_t>(std::floor(len / spacing_m + 0.5)));
        const double step = len / static_cast<double>(n);
        double target = step / 2, walked = 0;
        const Point* p = network.edge_geometry_begin(e);
        const Point* end = network.edge_geometry_end(e);
        for (; p + 1 < end && out.size() < out.max_size(); ++p) {
            const double seg = distance(p[0], p[1]);
            while (target <= walked + seg && target < len) {
                const double t = seg > 0 ? (target - walked) / seg : 0;
                out.push_back({{p[0].x + t * (p[1].x - p[0].x), p[0].y + t * (p[1].y - p[0].y)}, invalid_id});
                target += step;
            }
            walked += seg;
        }
    }
    return out;
}

NearestChange compare_nearest(const NearestResult& base, const NearestResult& scenario, const std::vector<std::uint32_t>& origin_area,
                              const std::vector<double>& origin_population, const std::vector<double>& thresholds_min,
                              std::size_t area_count) {
    const std::size_t k_count = thresholds_min.size();
    NearestChange c;
    c.threshold_count = k_count;
    c.newly_beyond.assign(area_count * k_count, 0);
    c.newly_within.assign(area_count * k_count, 0);
    c.total_beyond.assign(k_count, 0);
    c.total_within.assign(k_count, 0);
    double wb = 0, pb = 0, ws = 0, ps = 0;
    for (std::size_t o = 0; o < origin_area.size(); ++o) {
        const double pop = origin_population[o];
        if (std::isfinite(base.time_s[o])) wb += pop * base.time_s[o] / 60.0, pb += pop;
        if (std::isfinite(scenario.time_s[o])) ws += pop * scenario.time_s[o] / 60.0, ps += pop;
        for (std::size_t k = 0; k < k_count; ++k) {
            const double limit = thresholds_min[k] * 60.0;
            const bool in_base = base.time_s[o] <= limit, in_scenario = scenario.time_s[o] <= limit;
            if (in_base && !in_scenario) c.newly_beyond[origin_area[o] * k_count + k] += pop, c.total_beyond[k] += pop;
            if (!in_base && in_scenario) c.newly_within[origin_area[o] * k_count + k] += pop, c.total_within[k] += pop;
        }
    }
    c.mean_time_min_base = pb > 0 ? wb / pb : std::nan("");
    c.mean_time_min_scenario = ps > 0 ? ws / ps : std::nan("");
    return c;
}

}  // namespace accessatlas::access
