// Bounded per-facility searches (reach), E2SFCA, and service-area polygons.
#include "util/geos_context.hpp"
#include "access/seeding.hpp"
#include "util/parallel.hpp"

#include <accessatlas/access/nearest.hpp>
#include <accessatlas/access/catchments.hpp>
#include <accessatlas/error.hpp>
#include <accessatlas/routing/hierarchy.hpp>
#include <accessatlas/routing/dijkstra.hpp>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <fmt/format.h>

#ifdef __GLIBC__
#include <malloc.h>  // malloc_trim
#endif

#include <algorithm>
#include <array>
#include <chrono>
#include <atomic>
#include <cmath>
#include <optional>

namespace accessatlas::access {

using network::invalid_id;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
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
            if (s1 <= b)
                out.push_back(p[1]);
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
void edge_pieces(const network::RoadNetwork& network, const network::ModeGraph& graph, std::uint32_t e, double t_from, double t_to,
                 const OnEdge* facilities, std::size_t facility_count, double limit, std::vector<std::vector<Point>>& out) {
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
        if (iv[i].first <= cur.second)
            cur.second = std::max(cur.second, iv[i].second);
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

}  // namespace

Reach reach_origins(const network::RoadNetwork& network, const network::ModeGraph& graph, const std::vector<snapping::Snap>& facility_snaps,
                    const std::vector<snapping::Snap>& origin_snaps, double limit_s, unsigned threads, Reporter& reporter,
                    ReachMethod method, routing::HierarchyCache* hierarchy) {
    std::vector<std::vector<snapping::Snap>> groups;
    groups.reserve(facility_snaps.size());
    for (const auto& s : facility_snaps) groups.push_back({s});
    return reach_origins_grouped(network, graph, groups, origin_snaps, limit_s, threads, reporter, method, hierarchy);
}

namespace {

// Origins by the network element they touch: the two ends of their edge (CSR over nodes) and
// the edge itself (CSR over edges), for origins a facility on the same edge reaches directly.
struct OriginsOnNetwork {
    std::vector<std::uint32_t> node_first, node_origins, edge_first, edge_origins;

    OriginsOnNetwork(const network::RoadNetwork& network, const std::vector<snapping::Snap>& origin_snaps)
        : node_first(network.node_count() + 1, 0), edge_first(network.edge_count() + 1, 0) {
        for (const auto& s : origin_snaps)
            if (s.ok()) {
                ++node_first[network.edges[s.edge].from + 1];
                ++node_first[network.edges[s.edge].to + 1];
                ++edge_first[s.edge + 1];
            }
        for (std::size_t v = 0; v < network.node_count(); ++v) node_first[v + 1] += node_first[v];
        for (std::size_t e = 0; e < network.edge_count(); ++e) edge_first[e + 1] += edge_first[e];
        node_origins.resize(node_first.back());
        edge_origins.resize(edge_first.back());
        std::vector<std::uint32_t> nfill(node_first.begin(), node_first.end() - 1), efill(edge_first.begin(), edge_first.end() - 1);
        for (std::uint32_t o = 0; o < origin_snaps.size(); ++o) {
            const auto& s = origin_snaps[o];
            if (!s.ok()) continue;
            node_origins[nfill[network.edges[s.edge].from]++] = o;
            node_origins[nfill[network.edges[s.edge].to]++] = o;
            edge_origins[efill[s.edge]++] = o;
        }
    }
};

// Time from an origin to a facility entrance snapped on the same edge, along that edge only.
double same_edge_time(const network::RoadNetwork& network, const network::ModeGraph& graph, const snapping::Snap& entrance,
                      const snapping::Snap& origin) {
    const double walk = graph.profile.connector_kmh / 3.6;
    const double t = along_edge_time(network, graph, entrance.edge, origin.offset_m, entrance.offset_m);
    return entrance.distance_m / walk + t + origin.distance_m / walk;
}

// A point's place on a Z-order curve over `extent` (16 bits per axis).
std::uint32_t z_order(Point p, const Box& extent) {
    auto quantise = [](double v, double lo, double hi) {
        const double t = hi > lo ? (v - lo) / (hi - lo) : 0.0;
        return static_cast<std::uint32_t>(std::clamp(t, 0.0, 1.0) * 65535.0);
    };
    auto spread = [](std::uint32_t v) {  // 16 bits to the even bits of 32
        v = (v | (v << 8)) & 0x00FF00FFu;
        v = (v | (v << 4)) & 0x0F0F0F0Fu;
        v = (v | (v << 2)) & 0x33333333u;
        v = (v | (v << 1)) & 0x55555555u;
        return v;
    };
    return spread(quantise(p.x, extent.min_x, extent.max_x)) | (spread(quantise(p.y, extent.min_y, extent.max_y)) << 1);
}

// Which origins may lie within the time limit of a set of points: those within limit x the
// profile's top speed in a straight line, found through a grid of cells over the origins.
class SpatialBound {
public:
    SpatialBound(const network::Profile& profile, double limit_s, const std::vector<snapping::Snap>& origin_snaps, Box extent)
        : m_origin_cell(origin_snaps.size(), invalid_id) {
        double top_kmh = profile.dual_carriageway_kmh;
        for (const double kmh : profile.speed_kmh) top_kmh = std::max(top_kmh, kmh);
        // Arc times are rounded to single precision: a little slack keeps the bound safe.
        m_radius = limit_s * top_kmh / 3.6 * 1.001 + 1.0;
        for (const auto& s : origin_snaps)
            if (s.ok()) extent.expand(s.point);
        if (extent.empty()) extent.expand({0, 0});
        m_origin = {extent.min_x, extent.min_y};
        const double span = std::max({extent.max_x - extent.min_x, extent.max_y - extent.min_y, 1.0});
        m_cell = std::max({m_radius / 8, 100.0, span / 2048});
        m_columns = static_cast<std::uint32_t>((extent.max_x - extent.min_x) / m_cell) + 1;
        m_rows = static_cast<std::uint32_t>((extent.max_y - extent.min_y) / m_cell) + 1;
        for (std::size_t o = 0; o < origin_snaps.size(); ++o)
            if (origin_snaps[o].ok()) m_origin_cell[o] = cell_of(origin_snaps[o].point);
    }
    std::size_t cell_count() const { return std::size_t{m_columns} * m_rows; }

    // The origins, in index order, whose cell meets `box` grown by the radius. `cell_on` is
    // scratch of cell_count() zeros, left zeroed.
    void candidates(Box box, std::vector<char>& cell_on, std::vector<std::uint32_t>& out) const {
        out.clear();
        if (box.empty()) return;  // no point: nothing in reach
        const auto clamp_col = [&](double x) {
            return static_cast<std::uint32_t>(std::clamp((x - m_origin.x) / m_cell, 0.0, static_cast<double>(m_columns - 1)));
        };
        const auto clamp_row = [&](double y) {
            return static_cast<std::uint32_t>(std::clamp((y - m_origin.y) / m_cell, 0.0, static_cast<double>(m_rows - 1)));
        };
        const std::uint32_t c0 = clamp_col(box.min_x - m_radius), c1 = clamp_col(box.max_x + m_radius);
        const std::uint32_t r0 = clamp_row(box.min_y - m_radius), r1 = clamp_row(box.max_y + m_radius);
        for (std::uint32_t r = r0; r <= r1; ++r)
            for (std::uint32_t c = c0; c <= c1; ++c) cell_on[std::size_t{r} * m_columns + c] = 1;
        for (std::uint32_t o = 0; o < m_origin_cell.size(); ++o)
            if (m_origin_cell[o] != invalid_id && cell_on[m_origin_cell[o]]) out.push_back(o);
        for (std::uint32_t r = r0; r <= r1; ++r)
            for (std::uint32_t c = c0; c <= c1; ++c) cell_on[std::size_t{r} * m_columns + c] = 0;
    }

private:
    std::uint32_t cell_of(Point p) const {
        const auto c = std::min(m_columns - 1, static_cast<std::uint32_t>(std::max(0.0, (p.x - m_origin.x) / m_cell)));
        const auto r = std::min(m_rows - 1, static_cast<std::uint32_t>(std::max(0.0, (p.y - m_origin.y) / m_cell)));
        return r * m_columns + c;
    }
    std::vector<std::uint32_t> m_origin_cell;
    double m_radius = 0, m_cell = 1;
    Point m_origin{};
    std::uint32_t m_columns = 1, m_rows = 1;
};

// Costs in nanoseconds of this machine class, for choosing between the two methods: a node
// settled by Dijkstra (heap, arcs, labels), a node contracted, and a node of a 16-source sweep.
constexpr double dijkstra_ns_per_settled = 250;
constexpr double contraction_ns_per_node = 15000;
constexpr double sweep_ns_per_node = 30;
constexpr std::uint32_t sample_facilities = 4;

// The choice rule: `settled` nodes per Dijkstra search, `facilities` searches to go.
bool hierarchy_cheaper(const network::ModeGraph& graph, const routing::HierarchyCache* cache, double settled, double facilities) {
    const double nodes = graph.backward.node_count();
    const double dijkstra_ns = facilities * settled * dijkstra_ns_per_settled;
    const bool built = cache && cache->built();
    const double hierarchy_ns =
        (built ? 0.0 : nodes * contraction_ns_per_node) + std::ceil(facilities / routing::Phast::width) * nodes * sweep_ns_per_node;
    return hierarchy_ns < dijkstra_ns;
}

// The lists into the CSR arrays, facility by facility. Each list is freed once copied and the
// freed memory handed back to the system every 64 MB, while the arrays are only reserved and
// fill page by page: the pairs are held about once, not twice (237 M pairs of 2 M-node drive
// catchments: 1.9 GB less at the peak).
void join_pairs(std::vector<std::vector<std::pair<std::uint32_t, float>>>& per_facility, Reach& r) {
    const std::size_t n_fac = per_facility.size();
    r.first.assign(n_fac + 1, 0);
    for (std::size_t f = 0; f < n_fac; ++f) r.first[f + 1] = r.first[f] + per_facility[f].size();
    r.origin.clear();
    r.time_s.clear();
    r.origin.reserve(r.first.back());
    r.time_s.reserve(r.first.back());
    constexpr std::size_t trim_every = std::size_t{64} << 20;
    std::size_t freed = 0;
    for (auto& list : per_facility) {
        for (const auto& [o, t] : list) {
            r.origin.push_back(o);
            r.time_s.push_back(t);
        }
        freed += list.capacity() * sizeof(list[0]);
        std::vector<std::pair<std::uint32_t, float>>().swap(list);
#ifdef __GLIBC__
        if (freed >= trim_every) {
            malloc_trim(0);
            freed = 0;
        }
#endif
    }
}

// The reach of `facilities` (indices into facility_entrances, each with an entrance on the
// network) by contraction hierarchy sweeps, 16 facilities per sweep; pairs into per_facility.
void reach_by_hierarchy(const network::RoadNetwork& network, const network::ModeGraph& graph,
                        const std::vector<std::vector<snapping::Snap>>& facility_entrances, const std::vector<snapping::Snap>& origin_snaps,
                        const OriginsOnNetwork& on, std::vector<std::uint32_t> facilities, double limit_s, unsigned threads,
                        Reporter& reporter, routing::HierarchyCache& cache,
                        std::vector<std::vector<std::pair<std::uint32_t, float>>>& per_facility, Reach& r) {
    const std::size_t origins = origin_snaps.size();
    const double walk = graph.profile.connector_kmh / 3.6;
    r.by_hierarchy = true;
    const std::string mode(network::to_string(graph.profile.mode));
    const auto th = std::chrono::steady_clock::now();
    if (!cache.built()) reporter.stage("Contraction hierarchy of the " + mode + " network, built once for many searches");
    const routing::Hierarchy& h = cache.get(reporter, threads);
    r.hierarchy_seconds = seconds_since(th);
    reporter.stage(
        fmt::format("Catchments of {} facilities by hierarchy sweeps ({}, {} at a time)", facilities.size(), mode, routing::Phast::width));
    // Each origin leaves its edge through either end: the sweep position of that end and the
    // time to it (infinite where the edge is one-way against it).
    struct Ends {
        std::uint32_t position[2] = {0, 0};
        float time[2] = {routing::Phast::unreached, routing::Phast::unreached};
    };
    std::vector<Ends> ends(origins);
    for (std::uint32_t o = 0; o < origins; ++o) {
        const auto& os = origin_snaps[o];
        if (!os.ok()) continue;
        const auto& oe = network.edges[os.edge];
        const double c = os.distance_m / walk;
        const double to_end = along_edge_time(network, graph, os.edge, os.offset_m, oe.length_m);
        const double to_start = along_edge_time(network, graph, os.edge, os.offset_m, 0.0);
        ends[o].position[0] = h.position[oe.to];
        ends[o].position[1] = h.position[oe.from];
        if (std::isfinite(to_end)) ends[o].time[0] = static_cast<float>(to_end + c);
        if (std::isfinite(to_start)) ends[o].time[1] = static_cast<float>(to_start + c);
    }
    const float limit = static_cast<float>(limit_s);
    // Nothing is reached faster than the profile's top speed in a straight line, so a batch
    // of nearby facilities only needs the origins within limit x top speed of them, and
    // the sweep only the part of the hierarchy those origins depend on. Facilities are
    // batched along a Z-order curve, so that a batch covers a small area.
    const Box extent = network.extent();
    const SpatialBound bound(graph.profile, limit_s, origin_snaps, extent);
    std::vector<std::uint32_t> order = std::move(facilities);
    std::vector<std::uint32_t> key(facility_entrances.size(), 0);
    for (const std::uint32_t f : order)
        for (const auto& s : facility_entrances[f])
            if (s.ok()) {
                key[f] = z_order(s.point, extent);
                break;
            }
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return key[a] < key[b]; });
    struct Sweeper {
        routing::Phast phast;
        // Pairs found per slot, reused from batch to batch: a facility's list is then
        // copied once at its exact size.
        std::vector<std::pair<std::uint32_t, float>> found[routing::Phast::width];
        std::vector<char> cell_on;
        std::vector<std::uint32_t> candidates, targets;
    };
    tbb::enumerable_thread_specific<Sweeper> sweepers([&] {
        return Sweeper{routing::Phast(h), {}, std::vector<char>(bound.cell_count(), 0), {}, {}};
    });
    const auto batches = static_cast<std::uint32_t>((order.size() + routing::Phast::width - 1) / routing::Phast::width);
    std::atomic<std::uint64_t> swept{0};
    accessatlas::detail::parallel_slow_items(batches, threads, reporter, [&](std::size_t batch) {
        Sweeper& sw = sweepers.local();
        const auto b = static_cast<std::uint32_t>(batch);
        const std::uint32_t first = b * routing::Phast::width;
        const auto count = static_cast<std::uint32_t>(std::min<std::size_t>(routing::Phast::width, order.size() - first));
        routing::Phast& phast = sw.phast;
        phast.clear();
        Box box;
        for (std::uint32_t slot = 0; slot < count; ++slot) {
            sw.found[slot].clear();
            for (const auto& s : facility_entrances[order[first + slot]]) {
                if (!s.ok()) continue;
                box.expand(s.point);
                detail::Seed seeds[2];
                const unsigned n = detail::facility_seeds(network, graph, s, seeds);
                for (unsigned k = 0; k < n; ++k) phast.add_source(slot, seeds[k].node, static_cast<float>(seeds[k].time_s));
            }
        }
        bound.candidates(box, sw.cell_on, sw.candidates);
        sw.targets.clear();
        for (const std::uint32_t o : sw.candidates) {
            sw.targets.push_back(ends[o].position[0]);
            sw.targets.push_back(ends[o].position[1]);
        }
        phast.restrict_to(sw.targets.data(), sw.targets.size());
        phast.run(limit);
        swept += phast.swept_count();
        // Origins in index order (so each facility's list comes out sorted); their labels
        // are fetched a few origins ahead, as they lie all over the label array.
        constexpr std::size_t ahead = 24;
        const std::size_t n_cand = sw.candidates.size();
        for (std::size_t i = 0; i < n_cand; ++i) {
            if (i + ahead < n_cand) {
                __builtin_prefetch(phast.times_at(ends[sw.candidates[i + ahead]].position[0]));
                __builtin_prefetch(phast.times_at(ends[sw.candidates[i + ahead]].position[1]));
            }
            const std::uint32_t o = sw.candidates[i];
            const Ends& e = ends[o];
            const float* a = phast.times_at(e.position[0]);
            const float* z = phast.times_at(e.position[1]);
            // All slots at once (empty ones hold unreached), then only the ones in reach:
            // a branch per slot would be mispredicted half the time.
            float t[routing::Phast::width];
            unsigned in_reach = 0;
            for (unsigned slot = 0; slot < routing::Phast::width; ++slot) {
                t[slot] = std::min(a[slot] + e.time[0], z[slot] + e.time[1]);
                in_reach |= static_cast<unsigned>(t[slot] <= limit) << slot;
            }
            for (; in_reach != 0; in_reach &= in_reach - 1) {
                const auto slot = static_cast<unsigned>(__builtin_ctz(in_reach));
                sw.found[slot].push_back({o, t[slot]});
            }
        }
        for (std::uint32_t slot = 0; slot < count; ++slot) {
            const std::uint32_t f = order[first + slot];
            auto& out = per_facility[f];
            out.assign(sw.found[slot].begin(), sw.found[slot].end());
            // Origins on a facility's own edge may reach it without leaving the edge.
            for (const auto& s : facility_entrances[f]) {
                if (!s.ok()) continue;
                for (std::uint32_t k = on.edge_first[s.edge]; k < on.edge_first[s.edge + 1]; ++k) {
                    const std::uint32_t o = on.edge_origins[k];
                    const double t = same_edge_time(network, graph, s, origin_snaps[o]);
                    if (!(t <= limit_s)) continue;
                    auto it = std::lower_bound(out.begin(), out.end(), std::make_pair(o, 0.0f),
                                               [](const auto& x, const auto& y) { return x.first < y.first; });
                    if (it != out.end() && it->first == o)
                        it->second = std::min(it->second, static_cast<float>(t));
                    else
                        out.insert(it, {o, static_cast<float>(t)});
                }
            }
        }
    });
    r.nodes_settled += swept;
    for (const Sweeper& sw : sweepers) r.nodes_settled += sw.phast.upward_settled();
}

}  // namespace

Reach reach_origins_grouped(const network::RoadNetwork& network, const network::ModeGraph& graph,
                            const std::vector<std::vector<snapping::Snap>>& facility_entrances,
                            const std::vector<snapping::Snap>& origin_snaps, double limit_s, unsigned threads, Reporter& reporter,
                            ReachMethod method, routing::HierarchyCache* hierarchy_cache) {
    if (hierarchy_cache && &hierarchy_cache->graph() != &graph.backward)
        throw InternalError("a contraction hierarchy cache of another graph was given to a catchment search");
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t origins = origin_snaps.size();
    const double walk = graph.profile.connector_kmh / 3.6;
    const OriginsOnNetwork on(network, origin_snaps);
    const auto n_fac = static_cast<std::uint32_t>(facility_entrances.size());
    std::vector<std::vector<std::pair<std::uint32_t, float>>> per_facility(n_fac);
    std::vector<std::uint32_t> snapped;  // facilities with at least one entrance on the network
    for (std::uint32_t f = 0; f < n_fac; ++f)
        if (std::any_of(facility_entrances[f].begin(), facility_entrances[f].end(), [](const snapping::Snap& s) { return s.ok(); }))
            snapped.push_back(f);

    struct Worker {
        routing::Dijkstra search;
        std::vector<double> best;
        std::vector<std::uint32_t> stamp;
        std::uint32_t current = 0;
        std::vector<std::uint32_t> touched;
        std::uint64_t settled = 0;
    };
    tbb::enumerable_thread_specific<Worker> workers([&] {
        return Worker{routing::Dijkstra(graph.backward), std::vector<double>(origins), std::vector<std::uint32_t>(origins, 0), 0, {}, 0};
    });
    // One bounded search per facility.
    auto by_dijkstra = [&](std::uint32_t first, std::uint32_t last) {
        accessatlas::detail::parallel_slow_items(last - first, threads, reporter, [&](std::size_t i) {
            Worker& w = workers.local();
            const std::uint32_t f = snapped[first + i];
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
                for (std::uint32_t k = on.node_first[v]; k < on.node_first[v + 1]; ++k) {
                    const std::uint32_t o = on.node_origins[k];
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
                for (std::uint32_t k = on.edge_first[s.edge]; k < on.edge_first[s.edge + 1]; ++k) {
                    const std::uint32_t o = on.edge_origins[k];
                    const double t = same_edge_time(network, graph, s, origin_snaps[o]);
                    if (std::isfinite(t)) offer(o, t);
                }
            }
            auto& out = per_facility[f];
            for (std::uint32_t o : w.touched)
                if (w.best[o] <= limit_s) out.push_back({o, static_cast<float>(w.best[o])});
            std::sort(out.begin(), out.end());
        });
    };

    Reach r;
    const auto n_snapped = static_cast<std::uint32_t>(snapped.size());
    std::uint32_t done = 0;
    bool hierarchy = method == ReachMethod::hierarchy && n_snapped > 0;
    if (method == ReachMethod::automatic && n_snapped > sample_facilities) {
        // A few facilities by Dijkstra first (their results are kept): how far a search goes
        // tells whether the hierarchy would pay for itself on the rest. Counts, not clocks, so
        // the choice is the same on every run.
        done = sample_facilities;
        by_dijkstra(0, done);
        std::uint64_t settled = 0;
        for (const Worker& w : workers) settled += w.settled;
        hierarchy = hierarchy_cheaper(graph, hierarchy_cache, static_cast<double>(settled) / done, n_snapped - done);
    }
    if (!hierarchy) {
        by_dijkstra(done, n_snapped);
    } else {
        std::optional<routing::HierarchyCache> this_call;  // without the caller's cache
        routing::HierarchyCache& cache = hierarchy_cache ? *hierarchy_cache : this_call.emplace(graph.backward);
        reach_by_hierarchy(network, graph, facility_entrances, origin_snaps, on, {snapped.begin() + done, snapped.end()}, limit_s, threads,
                           reporter, cache, per_facility, r);
    }

    join_pairs(per_facility, r);
    for (const Worker& w : workers) r.nodes_settled += w.settled;
    r.seconds = seconds_since(t0);
    return r;
}

bool hierarchy_pays(const network::RoadNetwork& network, const network::ModeGraph& graph, const std::vector<snapping::Snap>& facility_snaps,
                    const std::vector<snapping::Snap>& origin_snaps, double limit_s, unsigned threads, Reporter& reporter,
                    const routing::HierarchyCache* hierarchy) {
    std::vector<snapping::Snap> sample(facility_snaps.size());
    std::uint32_t taken = 0, snapped = 0;
    for (std::size_t f = 0; f < facility_snaps.size(); ++f)
        if (facility_snaps[f].ok() && ++snapped <= sample_facilities) {
            sample[f] = facility_snaps[f];
            ++taken;
        }
    if (snapped <= sample_facilities) return false;
    const Reach r = reach_origins(network, graph, sample, origin_snaps, limit_s, threads, reporter, ReachMethod::dijkstra);
    return hierarchy_cheaper(graph, hierarchy, static_cast<double>(r.nodes_settled) / taken, snapped - taken);
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

namespace {

// Decay::weight for times in seconds, without branches for the band form: over hundreds of
// millions of pairs, mispredicted band tests cost more than the arithmetic.
class FastDecay {
public:
    explicit FastDecay(const Decay& decay) : m_decay(decay), m_max_s(decay.max_time_min * 60.0) {
        for (std::size_t i = 0; i < decay.band_upper_min.size() && i < m_upper_s.size(); ++i) {
            m_upper_s[i] = decay.band_upper_min[i] * 60.0;
            m_weight[i] = decay.band_weight[i];
            m_bands = i + 1;
        }
        m_fast = decay.kind == DecayKind::bands && decay.band_upper_min.size() <= m_upper_s.size();
    }
    double operator()(double seconds) const {
        if (!m_fast) return m_decay.weight(seconds / 60.0);
        double w = 0;
        for (std::size_t i = m_bands; i-- > 0;) w = seconds <= m_upper_s[i] ? m_weight[i] : w;
        return seconds <= m_max_s ? w : 0.0;
    }

private:
    const Decay& m_decay;
    double m_max_s;
    std::array<double, 8> m_upper_s{}, m_weight{};
    std::size_t m_bands = 0;
    bool m_fast = false;
};

}  // namespace

std::vector<double> area_e2sfca_per_1000(const std::vector<double>& accessibility, const std::vector<std::uint32_t>& origin_area,
                                         const std::vector<double>& origin_population, std::size_t area_count) {
    std::vector<double> sum(area_count, 0), pop(area_count, 0);
    for (std::size_t o = 0; o < accessibility.size(); ++o) {
        sum[origin_area[o]] += origin_population[o] * accessibility[o];
        pop[origin_area[o]] += origin_population[o];
    }
    std::vector<double> out(area_count);
    for (std::size_t a = 0; a < area_count; ++a) out[a] = pop[a] > 0 ? 1000.0 * sum[a] / pop[a] : std::nan("");
    return out;
}

E2sfca e2sfca(const Reach& reach, const std::vector<double>& supply, const std::vector<double>& origin_population, std::size_t origin_count,
              const Decay& decay) {
    const std::size_t n_fac = reach.facility_count();
    const FastDecay weight(decay);
    E2sfca r;
    r.demand.assign(n_fac, 0);
    r.ratio.assign(n_fac, 0);
    r.population_within.assign(n_fac, 0);
    r.accessibility.assign(origin_count, 0);
    // Step 1: each facility's supply over the decay-weighted population around it; facilities
    // are independent, so they run in parallel.
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n_fac, 8), [&](const tbb::blocked_range<std::size_t>& range) {
        for (std::size_t f = range.begin(); f != range.end(); ++f) {
            for (std::uint64_t i = reach.first[f]; i < reach.first[f + 1]; ++i) {
                const double w = weight(reach.time_s[i]);
                if (w <= 0) continue;
                r.demand[f] += origin_population[reach.origin[i]] * w;
                r.population_within[f] += origin_population[reach.origin[i]];
            }
            r.ratio[f] = r.demand[f] > 0 ? supply[f] / r.demand[f] : 0;
        }
    });
    // Step 2: each origin sums the ratios of the facilities it reaches, decay-weighted. The
    // facilities fall into a fixed number of consecutive blocks, each summed on its own (in
    // parallel) and the blocks then added in order: the same sums whatever the thread count.
    const std::size_t blocks = std::min<std::size_t>(8, std::max<std::size_t>(1, n_fac));
    std::vector<std::vector<double>> partial(blocks);
    tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t b) {
        auto& acc = partial[b];
        acc.assign(origin_count, 0.0);
        const std::size_t f0 = n_fac * b / blocks, f1 = n_fac * (b + 1) / blocks;
        for (std::size_t f = f0; f < f1; ++f) {
            const double ratio = r.ratio[f];
            if (ratio == 0) continue;
            for (std::uint64_t i = reach.first[f]; i < reach.first[f + 1]; ++i) acc[reach.origin[i]] += ratio * weight(reach.time_s[i]);
        }
    });
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, origin_count, 4096), [&](const tbb::blocked_range<std::size_t>& range) {
        for (std::size_t o = range.begin(); o != range.end(); ++o)
            for (std::size_t b = 0; b < blocks; ++b) r.accessibility[o] += partial[b][o];
    });
    return r;
}

std::vector<std::vector<Point>> reachable_pieces(const network::RoadNetwork& network, const network::ModeGraph& graph,
                                                 const std::vector<double>& node_time_s, const std::vector<snapping::Snap>& facility_snaps,
                                                 double limit_s) {
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
    tbb::enumerable_thread_specific<Worker> workers([&] {
        return Worker{routing::Dijkstra(graph.backward), std::vector<std::uint32_t>(network.edge_count(), 0), 0, {}};
    });
    if (options.facility_polygons)
        accessatlas::detail::parallel_slow_items(n_fac, options.threads, reporter, [&](std::size_t fi) {
            Worker& w = workers.local();
            const auto f = static_cast<std::uint32_t>(fi);
            const auto& s = facility_snaps[f];
            if (!s.ok()) return;
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
                    edge_pieces(network, graph, e, t(edge.from), t(edge.to), e == s.edge ? &own : nullptr, e == s.edge ? 1 : 0, limits[k],
                                pieces);
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
    // The search is quick; the polygons (one per threshold, each independent) are the work:
    // in parallel, the longest threshold (the largest polygon) first.
    reporter.progress(0.1);
    ProgressSpan polygons(reporter, 0.1, 1.0);
    result.coverage.resize(limits.size());
    accessatlas::detail::parallel_slow_items(limits.size(), options.threads, polygons, [&](std::size_t i) {
        const std::size_t k = limits.size() - 1 - i;
        result.coverage[k] = buffer_pieces(reachable_pieces(network, graph, node_time, facility_snaps, limits[k]), options.walk_off_m);
    });
    return result;
}

std::vector<unsigned char> reachable_polygon(const network::RoadNetwork& network, const network::ModeGraph& graph,
                                             const std::vector<double>& node_time_s, const std::vector<snapping::Snap>& facility_snaps,
                                             double limit_s, double walk_off_m) {
    return buffer_pieces(reachable_pieces(network, graph, node_time_s, facility_snaps, limit_s), walk_off_m);
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

}  // namespace accessatlas::access
