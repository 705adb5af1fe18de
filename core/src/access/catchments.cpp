// Bounded per-facility searches (reach), E2SFCA, and service-area polygons.
#include "util/geos_context.hpp"
#include "access/seeding.hpp"

#include <accessatlas/access.hpp>
#include <accessatlas/catchments.hpp>
#include <accessatlas/error.hpp>
#include <accessatlas/routing.hpp>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace accessatlas::access {

using network::invalid_id;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

unsigned thread_count(unsigned requested) {
    return requested > 0 ? requested : static_cast<unsigned>(tbb::this_task_arena::max_concurrency());
}

// Runs body(worker, facility) over all facilities in parallel, in chunks so that the
// driving thread can report progress and honour cancellation between chunks.
// `per_thread` facilities per thread and chunk: small when one facility is slow (polygons), so
// that Cancel is honoured within about a second.
template <class Worker, class Body>
void for_each_facility(std::uint32_t count, unsigned threads, std::uint32_t per_thread,
                       tbb::enumerable_thread_specific<Worker>& workers, Reporter& reporter, Body&& body) {
    tbb::task_arena arena(static_cast<int>(thread_count(threads)));
    const std::uint32_t chunk = per_thread * thread_count(threads);
    for (std::uint32_t begin = 0; begin < count; begin += chunk) {
        reporter.check_cancelled();
        reporter.progress(static_cast<double>(begin) / count);
        const std::uint32_t end = std::min(count, begin + chunk);
        arena.execute([&] {
            tbb::parallel_for(tbb::blocked_range<std::uint32_t>(begin, end), [&](const tbb::blocked_range<std::uint32_t>& r) {
                Worker& w = workers.local();
                for (std::uint32_t f = r.begin(); f != r.end(); ++f) body(w, f);
            });
        });
    }
    reporter.progress(1.0);
}

// The part of the polyline of edge e between offsets a and b (metres from edge.from).
std::vector<Point> sub_line(const network::RoadNetwork& network, std::uint32_t e, double a, double b) {
    std::vector<Point> out;
    const Point* p = network.edge_geometry_begin(e);
    const Point* end = network.edge_geometry_end(e);
    double walked = 0;
    auto at = [](Point p0, Point p1, double t) { return Point{p0.x + t * (p1.x - p0.x), p0.y + t * (p1.y - p0.y)}; };
    for (; p + 1 < end; ++p) {
        const double seg = distance(p[0], p[1]);
        const double s0 = walked, s1 = walked + seg;
        if (s1 >= a && s0 <= b && seg > 0) {
            if (out.empty()) out.push_back(at(p[0], p[1], std::clamp((a - s0) / seg, 0.0, 1.0)));
            if (s1 <= b) out.push_back(p[1]);
            else {
                out.push_back(at(p[0], p[1], std::clamp((b - s0) / seg, 0.0, 1.0)));
                break;
            }
        }
        walked = s1;
    }
    return out;
}

struct OnEdge {
    double offset;
    double connector_s;
};

// Reachable offset intervals of edge e, merged, given the node times at both ends.
void edge_pieces(const network::RoadNetwork& network, const network::ModeGraph& graph, std::uint32_t e, double t_from,
                 double t_to, const OnEdge* facilities, std::size_t facility_count, double limit,
                 std::vector<std::vector<Point>>& out) {
    const double len = network.edges[e].length_m;
    const double tf = graph.edge_time_forward[e], tb = graph.edge_time_backward[e];
    std::vector<std::pair<double, double>> iv;
    // From a point at offset x, leave towards `from` (backward) or `to` (forward).
    if (t_from <= limit && std::isfinite(tb)) iv.push_back({0.0, std::min(len, (limit - t_from) / tb * len)});
    if (t_to <= limit && std::isfinite(tf)) iv.push_back({std::max(0.0, len - (limit - t_to) / tf * len), len});
    for (std::size_t i = 0; i < facility_count; ++i) {
        const double left = limit - facilities[i].connector_s;
        if (left < 0) continue;
        const double off = facilities[i].offset;
        iv.push_back({std::isfinite(tf) ? std::max(0.0, off - left / tf * len) : off,
                      std::isfinite(tb) ? std::min(len, off + left / tb * len) : off});
    }
    if (iv.empty()) return;
    std::sort(iv.begin(), iv.end());
    std::pair<double, double> cur = iv[0];
    auto flush = [&] {
        if (cur.second - cur.first > 1e-6) out.push_back(sub_line(network, e, cur.first, cur.second));
    };
    for (std::size_t i = 1; i < iv.size(); ++i) {
        if (iv[i].first <= cur.second) cur.second = std::max(cur.second, iv[i].second);
        else {
            flush();
            cur = iv[i];
        }
    }
    flush();
}

std::vector<unsigned char> buffer_pieces(const std::vector<std::vector<Point>>& pieces, double walk_off_m) {
    if (pieces.empty()) return {};
    auto h = accessatlas::detail::geos();
    // Join pieces into long lines first, buffer each line on its own (3 segments per quarter
    // circle: the walk-off is a tolerance, not a shape) and dissolve with a cascaded union:
    // far faster than buffering one multi-line of thousands of overlapping pieces.
    GEOSGeometry* lines = accessatlas::detail::make_lines(pieces);
    GEOSGeometry* merged = GEOSLineMerge_r(h, lines);
    GEOSGeom_destroy_r(h, lines);
    if (!merged) throw InternalError("GEOS could not merge catchment lines");
    const int n = GEOSGetNumGeometries_r(h, merged);
    std::vector<GEOSGeometry*> parts;
    parts.reserve(static_cast<std::size_t>(n));
    // Vertices closer than a tenth of the walk-off to the simplified line change nothing visible.
    for (int i = 0; i < n; ++i) {
        GEOSGeometry* simple = GEOSSimplify_r(h, GEOSGetGeometryN_r(h, merged, i), walk_off_m / 10);
        parts.push_back(GEOSBuffer_r(h, simple, walk_off_m, 3));
        GEOSGeom_destroy_r(h, simple);
    }
    GEOSGeom_destroy_r(h, merged);
    GEOSGeometry* all = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts.data(), static_cast<unsigned>(parts.size()));
    GEOSGeometry* area = GEOSUnaryUnion_r(h, all);
    GEOSGeom_destroy_r(h, all);
    if (!area) throw InternalError("GEOS could not dissolve a catchment");
    auto wkb = accessatlas::detail::to_wkb(area);
    GEOSGeom_destroy_r(h, area);
    return wkb;
}

} // namespace

Reach reach_origins(const network::RoadNetwork& network, const network::ModeGraph& graph,
                    const std::vector<snapping::Snap>& facility_snaps, const std::vector<snapping::Snap>& origin_snaps,
                    double limit_s, unsigned threads, Reporter& reporter) {
    std::vector<std::vector<snapping::Snap>> groups;
    groups.reserve(facility_snaps.size());
    for (const auto& s : facility_snaps) groups.push_back({s});
    return reach_origins_grouped(network, graph, groups, origin_snaps, limit_s, threads, reporter);
}

Reach reach_origins_grouped(const network::RoadNetwork& network, const network::ModeGraph& graph,
                            const std::vector<std::vector<snapping::Snap>>& facility_entrances,
                            const std::vector<snapping::Snap>& origin_snaps, double limit_s, unsigned threads, Reporter& reporter) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t origins = origin_snaps.size();
    const double walk = graph.profile.connector_kmh / 3.6;
    // Origins incident to each node (through the two ends of their edge), and per edge.
    std::vector<std::uint32_t> node_first(network.node_count() + 1, 0);
    std::vector<std::uint32_t> edge_first(network.edge_count() + 1, 0);
    for (const auto& s : origin_snaps)
        if (s.ok()) {
            ++node_first[network.edges[s.edge].from + 1];
            ++node_first[network.edges[s.edge].to + 1];
            ++edge_first[s.edge + 1];
        }
    for (std::size_t v = 0; v < network.node_count(); ++v) node_first[v + 1] += node_first[v];
    for (std::size_t e = 0; e < network.edge_count(); ++e) edge_first[e + 1] += edge_first[e];
    std::vector<std::uint32_t> node_origins(node_first.back()), edge_origins(edge_first.back());
    {
        std::vector<std::uint32_t> nfill(node_first.begin(), node_first.end() - 1), efill(edge_first.begin(), edge_first.end() - 1);
        for (std::uint32_t o = 0; o < origins; ++o) {
            const auto& s = origin_snaps[o];
            if (!s.ok()) continue;
            node_origins[nfill[network.edges[s.edge].from]++] = o;
            node_origins[nfill[network.edges[s.edge].to]++] = o;
            edge_origins[efill[s.edge]++] = o;
        }
    }

    struct Worker {
        routing::Dijkstra search;
        std::vector<double> best;
        std::vector<std::uint32_t> stamp;
        std::uint32_t current = 0;
        std::vector<std::uint32_t> touched;
        std::uint64_t settled = 0;
    };
    tbb::enumerable_thread_specific<Worker> workers(
        [&] { return Worker{routing::Dijkstra(graph.backward), std::vector<double>(origins), std::vector<std::uint32_t>(origins, 0), 0, {}, 0}; });
    const auto n_fac = static_cast<std::uint32_t>(facility_entrances.size());
    std::vector<std::vector<std::pair<std::uint32_t, float>>> per_facility(n_fac);

    for_each_facility(n_fac, threads, 32, workers, reporter, [&](Worker& w, std::uint32_t f) {
        bool any = false;
        for (const auto& s : facility_entrances[f]) any = any || s.ok();
        if (!any) return;
        ++w.current;
        w.touched.clear();
        auto offer = [&](std::uint32_t o, double t) {
            if (w.stamp[o] != w.current) {
                w.stamp[o] = w.current;
                w.best[o] = t;
                w.touched.push_back(o);
            } else if (t < w.best[o]) {
                w.best[o] = t;
            }
        };
        w.search.reset();
        for (const auto& s : facility_entrances[f])
            if (s.ok()) detail::seed_facility(w.search, network, graph, s, f);
        while (!w.search.finished() && w.search.next_time() <= limit_s) {
            const std::uint32_t v = w.search.settle_next();
            const double tv = w.search.time(v);
            for (std::uint32_t i = node_first[v]; i < node_first[v + 1]; ++i) {
                const std::uint32_t o = node_origins[i];
                const auto& os = origin_snaps[o];
                const auto& oe = network.edges[os.edge];
                const double c = os.distance_m / walk;
                if (oe.to == v) {
                    const double t = along_edge_time(network, graph, os.edge, os.offset_m, oe.length_m);
                    if (std::isfinite(t)) offer(o, tv + t + c);
                }
                if (oe.from == v) {
                    const double t = along_edge_time(network, graph, os.edge, os.offset_m, 0.0);
                    if (std::isfinite(t)) offer(o, tv + t + c);
                }
            }
        }
        w.settled += w.search.settled_count();
        for (const auto& s : facility_entrances[f]) {
            if (!s.ok()) continue;
            const double fc = s.distance_m / walk;
            for (std::uint32_t i = edge_first[s.edge]; i < edge_first[s.edge + 1]; ++i) {
                const std::uint32_t o = edge_origins[i];
                const double t = along_edge_time(network, graph, s.edge, origin_snaps[o].offset_m, s.offset_m);
                if (std::isfinite(t)) offer(o, fc + t + origin_snaps[o].distance_m / walk);
            }
        }
        auto& out = per_facility[f];
        for (std::uint32_t o : w.touched)
            if (w.best[o] <= limit_s) out.push_back({o, static_cast<float>(w.best[o])});
        std::sort(out.begin(), out.end());
    });

    Reach r;
    r.first.assign(n_fac + 1, 0);
    for (std::uint32_t f = 0; f < n_fac; ++f) r.first[f + 1] = r.first[f] + per_facility[f].size();
    r.origin.reserve(r.first.back());
    r.time_s.reserve(r.first.back());
    for (auto& pf : per_facility) {
        for (const auto& [o, t] : pf) {
            r.origin.push_back(o);
            r.time_s.push_back(t);
        }
        pf.clear();
        pf.shrink_to_fit();
    }
    for (const Worker& w : workers) r.nodes_settled += w.settled;
    r.seconds = seconds_since(t0);
    return r;
}

double Decay::weight(double minutes) const {
    if (!(minutes <= max_time_min)) return 0;
    switch (kind) {
    case DecayKind::none: return 1;
    case DecayKind::bands:
        for (std::size_t i = 0; i < band_upper_min.size(); ++i)
            if (minutes <= band_upper_min[i]) return band_weight[i];
        return 0;
    case DecayKind::gaussian: return std::exp(-minutes * minutes / (2 * gaussian_sigma_min * gaussian_sigma_min));
    case DecayKind::exponential: return std::exp(-exponential_per_min * minutes);
    case DecayKind::linear: return 1 - minutes / max_time_min;
    }
    return 0;
}

E2sfca e2sfca(const Reach& reach, const std::vector<double>& supply, const std::vector<double>& origin_population,
              std::size_t origin_count, const Decay& decay) {
    const std::size_t n_fac = reach.facility_count();
    E2sfca r;
    r.demand.assign(n_fac, 0);
    r.ratio.assign(n_fac, 0);
    r.population_within.assign(n_fac, 0);
    r.accessibility.assign(origin_count, 0);
    // Step 1: each facility's supply over the decay-weighted population around it.
    for (std::size_t f = 0; f < n_fac; ++f) {
        for (std::uint64_t i = reach.first[f]; i < reach.first[f + 1]; ++i) {
            const double w = decay.weight(reach.time_s[i] / 60.0);
            if (w <= 0) continue;
            r.demand[f] += origin_population[reach.origin[i]] * w;
            r.population_within[f] += origin_population[reach.origin[i]];
        }
        r.ratio[f] = r.demand[f] > 0 ? supply[f] / r.demand[f] : 0;
    }
    // Step 2: each origin sums the ratios of the facilities it reaches, decay-weighted.
    for (std::size_t f = 0; f < n_fac; ++f)
        for (std::uint64_t i = reach.first[f]; i < reach.first[f + 1]; ++i)
            r.accessibility[reach.origin[i]] += r.ratio[f] * decay.weight(reach.time_s[i] / 60.0);
    return r;
}

std::vector<std::vector<Point>> reachable_pieces(const network::RoadNetwork& network, const network::ModeGraph& graph,
                                                 const std::vector<double>& node_time_s,
                                                 const std::vector<snapping::Snap>& facility_snaps, double limit_s) {
    const double walk = graph.profile.connector_kmh / 3.6;
    std::vector<std::vector<OnEdge>> on_edge_lists;
    std::vector<std::uint32_t> edge_slot(network.edge_count(), invalid_id);
    for (const auto& s : facility_snaps) {
        if (!s.ok()) continue;
        if (edge_slot[s.edge] == invalid_id) {
            edge_slot[s.edge] = static_cast<std::uint32_t>(on_edge_lists.size());
            on_edge_lists.emplace_back();
        }
        on_edge_lists[edge_slot[s.edge]].push_back({s.offset_m, s.distance_m / walk});
    }
    std::vector<std::vector<Point>> out;
    for (std::uint32_t e = 0; e < network.edge_count(); ++e) {
        if (!graph.edge_usable(e)) continue;
        const auto& edge = network.edges[e];
        const OnEdge* fac = edge_slot[e] == invalid_id ? nullptr : on_edge_lists[edge_slot[e]].data();
        const std::size_t nf = edge_slot[e] == invalid_id ? 0 : on_edge_lists[edge_slot[e]].size();
        edge_pieces(network, graph, e, node_time_s[edge.from], node_time_s[edge.to], fac, nf, limit_s, out);
    }
    return out;
}

CatchmentPolygons catchment_polygons(const network::RoadNetwork& network, const network::ModeGraph& graph,
                                     const std::vector<snapping::Snap>& facility_snaps, const CatchmentOptions& options,
                                     Reporter& reporter) {
    std::vector<double> limits;
    for (double m : options.thresholds_min) limits.push_back(m * 60.0);
    const double max_limit = limits.empty() ? 0 : *std::max_element(limits.begin(), limits.end());
    const auto n_fac = static_cast<std::uint32_t>(facility_snaps.size());
    const double walk = graph.profile.connector_kmh / 3.6;
    CatchmentPolygons result;
    result.facility.assign(n_fac, std::vector<std::vector<unsigned char>>(limits.size()));

    struct Worker {
        routing::Dijkstra search;
        std::vector<std::uint32_t> edge_stamp;
        std::uint32_t current = 0;
        std::vector<std::uint32_t> edges;
    };
    tbb::enumerable_thread_specific<Worker> workers(
        [&] { return Worker{routing::Dijkstra(graph.backward), std::vector<std::uint32_t>(network.edge_count(), 0), 0, {}}; });
    for_each_facility(n_fac, options.threads, 1, workers, reporter, [&](Worker& w, std::uint32_t f) {
        const auto& s = facility_snaps[f];
        if (!s.ok() || !options.facility_polygons) return;
        w.search.reset();
        detail::seed_facility(w.search, network, graph, s, f);
        ++w.current;
        w.edges.clear();
        auto touch = [&](std::uint32_t e) {
            if (w.edge_stamp[e] != w.current) {
                w.edge_stamp[e] = w.current;
                w.edges.push_back(e);
            }
        };
        touch(s.edge);
        while (!w.search.finished() && w.search.next_time() <= max_limit) {
            const std::uint32_t v = w.search.settle_next();
            // Every usable edge at v, whichever way it may be travelled.
            for (const auto* g : {&graph.forward, &graph.backward})
                for (std::uint32_t a = g->first_out[v]; a < g->first_out[v + 1]; ++a) touch(g->edge[a]);
        }
        std::sort(w.edges.begin(), w.edges.end());  // deterministic piece order
        const OnEdge own{s.offset_m, s.distance_m / walk};
        for (std::size_t k = 0; k < limits.size(); ++k) {
            if (reporter.cancelled()) return;  // a large buffer takes a second: look between them
            std::vector<std::vector<Point>> pieces;
            for (std::uint32_t e : w.edges) {
                const auto& edge = network.edges[e];
                auto t = [&](std::uint32_t v) { return w.search.time(v) <= limits[k] ? w.search.time(v) : routing::unreached; };
                edge_pieces(network, graph, e, t(edge.from), t(edge.to), e == s.edge ? &own : nullptr, e == s.edge ? 1 : 0,
                            limits[k], pieces);
            }
            result.facility[f][k] = buffer_pieces(pieces, options.walk_off_m);
        }
    });

    if (!options.coverage) return result;
    // Coverage: one multi-source search from every facility gives the union directly.
    routing::Dijkstra all(graph.backward);
    for (std::uint32_t f = 0; f < n_fac; ++f)
        if (facility_snaps[f].ok()) detail::seed_facility(all, network, graph, facility_snaps[f], f);
    all.settle_all([&reporter] { reporter.check_cancelled(); });
    std::vector<double> node_time(network.node_count());
    for (std::uint32_t v = 0; v < network.node_count(); ++v) node_time[v] = all.time(v);
    for (double limit : limits) {
        reporter.check_cancelled();
        result.coverage.push_back(buffer_pieces(reachable_pieces(network, graph, node_time, facility_snaps, limit), options.walk_off_m));
    }
    reporter.check_cancelled();
    return result;
}

double polygon_area_m2(const std::vector<unsigned char>& wkb) {
    if (wkb.empty()) return 0;
    auto h = accessatlas::detail::geos();
    GEOSGeometry* g = accessatlas::detail::from_wkb(wkb);
    double area = 0;
    GEOSArea_r(h, g, &area);
    GEOSGeom_destroy_r(h, g);
    return area;
}

std::vector<unsigned char> polygon_difference(const std::vector<unsigned char>& a, const std::vector<unsigned char>& b) {
    if (a.empty() || b.empty()) return a;
    auto h = accessatlas::detail::geos();
    GEOSGeometry* ga = accessatlas::detail::from_wkb(a);
    GEOSGeometry* gb = accessatlas::detail::from_wkb(b);
    GEOSGeometry* d = GEOSDifference_r(h, ga, gb);
    GEOSGeom_destroy_r(h, ga);
    GEOSGeom_destroy_r(h, gb);
    if (!d) throw InternalError("GEOS could not subtract catchment polygons");
    std::vector<unsigned char> out = GEOSisEmpty_r(h, d) == 1 ? std::vector<unsigned char>{} : accessatlas::detail::to_wkb(d);
    GEOSGeom_destroy_r(h, d);
    return out;
}

bool polygon_contains(const std::vector<unsigned char>& wkb, Point p) {
    if (wkb.empty()) return false;
    auto h = accessatlas::detail::geos();
    GEOSGeometry* g = accessatlas::detail::from_wkb(wkb);
    GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(h, p.x, p.y);
    const bool inside = GEOSIntersects_r(h, g, pt) == 1;
    GEOSGeom_destroy_r(h, pt);
    GEOSGeom_destroy_r(h, g);
    return inside;
}

} // namespace accessatlas::access
