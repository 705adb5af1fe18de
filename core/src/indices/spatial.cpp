// Contiguity from polygons, global Moran's I and local Moran (LISA) with seeded permutations.
#include "util/geos_context.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/indices/indices.hpp>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>
#include <random>

namespace accessatlas::indices {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using detail::geos;

const char* to_string(LisaClass c) {
    switch (c) {
    case LisaClass::high_high: return "high-high";
    case LisaClass::low_low: return "low-low";
    case LisaClass::high_low: return "high-low";
    case LisaClass::low_high: return "low-high";
    case LisaClass::no_neighbours: return "no neighbours";
    case LisaClass::no_value: return "no value";
    case LisaClass::not_significant: break;
    }
    return "not significant";
}

std::vector<std::vector<std::uint32_t>> contiguity(const std::vector<std::vector<unsigned char>>& polygons_wkb, Contiguity kind,
                                                   double tolerance_m) {
    using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
    using Box = bg::model::box<BPoint>;
    auto h = geos();
    const std::size_t n = polygons_wkb.size();
    std::vector<GEOSGeometry*> geoms(n, nullptr);
    std::vector<const GEOSPreparedGeometry*> prepared(n, nullptr);
    std::vector<GEOSGeometry*> boundaries(n, nullptr);
    struct Cleanup {
        GEOSContextHandle_t h;
        std::vector<GEOSGeometry*>& g;
        std::vector<const GEOSPreparedGeometry*>& p;
        std::vector<GEOSGeometry*>& b;
        ~Cleanup() {
            for (auto* x : p)
                if (x) GEOSPreparedGeom_destroy_r(h, x);
            for (auto* x : g)
                if (x) GEOSGeom_destroy_r(h, x);
            for (auto* x : b)
                if (x) GEOSGeom_destroy_r(h, x);
        }
    } cleanup{h, geoms, prepared, boundaries};

    std::vector<std::pair<Box, std::uint32_t>> boxes;
    for (std::uint32_t i = 0; i < n; ++i) {
        geoms[i] = detail::from_wkb(polygons_wkb[i]);
        if (!geoms[i]) throw InputError("an area polygon could not be read for contiguity", {{}, {}, std::to_string(i), {}}, "");
        if (!GEOSisValid_r(h, geoms[i])) {
            if (GEOSGeometry* fixed = GEOSMakeValid_r(h, geoms[i])) {
                GEOSGeom_destroy_r(h, geoms[i]);
                geoms[i] = fixed;
            }
        }
        prepared[i] = GEOSPrepare_r(h, geoms[i]);
        boundaries[i] = GEOSBoundary_r(h, geoms[i]);
        double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        if (GEOSisEmpty_r(h, geoms[i]) == 1) continue;
        GEOSGeom_getXMin_r(h, geoms[i], &x0);
        GEOSGeom_getYMin_r(h, geoms[i], &y0);
        GEOSGeom_getXMax_r(h, geoms[i], &x1);
        GEOSGeom_getYMax_r(h, geoms[i], &y1);
        boxes.push_back({Box(BPoint(x0 - tolerance_m, y0 - tolerance_m), BPoint(x1 + tolerance_m, y1 + tolerance_m)), i});
    }
    const bgi::rtree<std::pair<Box, std::uint32_t>, bgi::quadratic<16>> tree(boxes.begin(), boxes.end());
    std::vector<std::vector<std::uint32_t>> out(n);
    std::vector<std::pair<Box, std::uint32_t>> hits;
    for (const auto& [box, i] : boxes) {
        hits.clear();
        tree.query(bgi::intersects(box), std::back_inserter(hits));
        for (const auto& [other_box, j] : hits) {
            if (j <= i) continue;
            bool touch = false;
            if (kind == Contiguity::queen) {
                touch = tolerance_m > 0 ? GEOSPreparedDistanceWithin_r(h, prepared[i], geoms[j], tolerance_m) == 1
                                        : GEOSPreparedIntersects_r(h, prepared[i], geoms[j]) == 1;
            } else if (tolerance_m <= 0) {
                // A shared edge: the boundaries meet in a line (DE-9IM boundary/boundary = 1).
                touch = GEOSRelatePattern_r(h, geoms[i], geoms[j], "****1****") == 1 ||
                        GEOSRelatePattern_r(h, geoms[i], geoms[j], "2********") == 1;
            } else if (GEOSPreparedDistanceWithin_r(h, prepared[i], geoms[j], tolerance_m) == 1) {
                // Near a shared corner the boundary within the tolerance is at most about 2 x
                // tolerance long (both arms of the corner); a shared edge is longer.
                GEOSGeometry* zone = GEOSBuffer_r(h, boundaries[j], tolerance_m, 4);
                GEOSGeometry* shared = zone ? GEOSIntersection_r(h, boundaries[i], zone) : nullptr;
                double length = 0;
                if (shared) GEOSLength_r(h, shared, &length);
                touch = length > 4.0 * tolerance_m;
                if (shared) GEOSGeom_destroy_r(h, shared);
                if (zone) GEOSGeom_destroy_r(h, zone);
            }
            if (touch) {
                out[i].push_back(j);
                out[j].push_back(static_cast<std::uint32_t>(i));
            }
        }
    }
    for (auto& l : out) std::sort(l.begin(), l.end());
    return out;
}

namespace {

// A bounded draw that is the same with every standard library (unlike
// std::uniform_int_distribution), so seeded results match across machines.
std::uint64_t draw_below(std::mt19937_64& rng, std::uint64_t bound) {
    const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % bound;
    std::uint64_t x = rng();
    while (x >= limit) x = rng();
    return x % bound;
}

// Deviations from the mean for the areas that take part (a value and a neighbour).
struct Prepared {
    std::vector<std::uint32_t> used;  // area indexes
    std::vector<std::int64_t> slot;   // area -> position in used, -1 if not used
    std::vector<double> z;            // by position
    double m2 = 0;                    // sum z^2 / n
};

Prepared prepare(const std::vector<double>& values, const std::vector<std::vector<std::uint32_t>>& nb) {
    Prepared p;
    p.slot.assign(values.size(), -1);
    // An area takes part when it has a value and a neighbour with a value.
    for (std::uint32_t i = 0; i < values.size(); ++i) {
        if (std::isnan(values[i])) continue;
        const bool any = std::any_of(nb[i].begin(), nb[i].end(), [&](auto j) { return !std::isnan(values[j]); });
        if (!any) continue;
        p.slot[i] = static_cast<std::int64_t>(p.used.size());
        p.used.push_back(i);
    }
    double mean = 0;
    for (auto i : p.used) mean += values[i];
    mean /= std::max<std::size_t>(1, p.used.size());
    for (auto i : p.used) p.z.push_back(values[i] - mean);
    for (double x : p.z) p.m2 += x * x;
    p.m2 /= std::max<std::size_t>(1, p.used.size());
    return p;
}

// Moran's I for deviations z (by position) under row-standardised weights.
double moran_i(const std::vector<std::vector<std::uint32_t>>& nb_pos, const std::vector<double>& z) {
    double num = 0, den = 0;
    for (std::size_t k = 0; k < z.size(); ++k) {
        double lag = 0;
        for (auto j : nb_pos[k]) lag += z[j];
        num += z[k] * lag / static_cast<double>(nb_pos[k].size());
        den += z[k] * z[k];
    }
    return den > 0 ? num / den : 0.0;  // n / S0 = 1 with row-standardised weights
}

std::vector<std::vector<std::uint32_t>> positions(const Prepared& p, const std::vector<std::vector<std::uint32_t>>& nb) {
    std::vector<std::vector<std::uint32_t>> out(p.used.size());
    for (std::size_t k = 0; k < p.used.size(); ++k)
        for (auto j : nb[p.used[k]])
            if (p.slot[j] >= 0) out[k].push_back(static_cast<std::uint32_t>(p.slot[j]));
    return out;
}

double folded_p(std::size_t at_least_as_large, std::size_t permutations) {
    const std::size_t extreme = std::min(at_least_as_large, permutations - at_least_as_large);
    return static_cast<double>(extreme + 1) / static_cast<double>(permutations + 1);
}

}  // namespace

MoranGlobal moran_global(const std::vector<double>& values, const std::vector<std::vector<std::uint32_t>>& neighbours,
                         std::size_t permutations, std::uint64_t seed) {
    if (neighbours.size() != values.size()) throw InternalError("moran_global: one neighbour list per area is needed");
    const Prepared p = prepare(values, neighbours);
    const auto nb = positions(p, neighbours);
    MoranGlobal g;
    g.areas = p.used.size();
    g.permutations = permutations;
    if (g.areas < 3) return g;
    g.expected = -1.0 / static_cast<double>(g.areas - 1);
    g.i = moran_i(nb, p.z);
    if (permutations == 0) return g;
    std::mt19937_64 rng(seed);
    std::vector<double> z = p.z;
    std::size_t larger = 0;
    double s = 0, ss = 0;
    for (std::size_t r = 0; r < permutations; ++r) {
        for (std::size_t k = z.size() - 1; k > 0; --k) std::swap(z[k], z[draw_below(rng, k + 1)]);  // Fisher-Yates
        const double ip = moran_i(nb, z);
        larger += ip >= g.i;
        s += ip;
        ss += ip * ip;
    }
    const double mean = s / static_cast<double>(permutations);
    const double sd = std::sqrt(std::max(0.0, ss / static_cast<double>(permutations) - mean * mean));
    g.z = sd > 0 ? (g.i - mean) / sd : 0.0;
    g.p_value = folded_p(larger, permutations);
    return g;
}

Lisa local_moran(const std::vector<double>& values, const std::vector<std::vector<std::uint32_t>>& neighbours, std::size_t permutations,
                 std::uint64_t seed, double significance, Reporter& reporter) {
    if (neighbours.size() != values.size()) throw InternalError("local_moran: one neighbour list per area is needed");
    const std::size_t n_all = values.size();
    Lisa out;
    out.local_i.assign(n_all, std::nan(""));
    out.p_value.assign(n_all, std::nan(""));
    out.cls.assign(n_all, LisaClass::no_neighbours);
    for (std::size_t i = 0; i < n_all; ++i)
        if (std::isnan(values[i])) out.cls[i] = LisaClass::no_value;
    const Prepared p = prepare(values, neighbours);
    const auto nb = positions(p, neighbours);
    const std::size_t n = p.used.size();
    if (n < 3 || p.m2 <= 0) return out;
    std::atomic<std::size_t> done{0};
    std::atomic<bool> stop{false};
    tbb::parallel_for(std::size_t{0}, n, [&](std::size_t k) {
        if (stop.load(std::memory_order_relaxed)) return;
        const std::size_t area = p.used[k];
        double lag = 0;
        for (auto j : nb[k]) lag += p.z[j];
        const std::size_t degree = nb[k].size();
        lag /= static_cast<double>(degree);
        const double ii = p.z[k] / p.m2 * lag;
        out.local_i[area] = ii;
        LisaClass c =
            p.z[k] >= 0 ? (lag >= 0 ? LisaClass::high_high : LisaClass::high_low) : (lag >= 0 ? LisaClass::low_high : LisaClass::low_low);
        if (permutations > 0) {
            // Conditional randomisation: the area keeps its value, its neighbours are drawn
            // from the other n - 1 (partial Fisher-Yates over positions, self excluded).
            std::mt19937_64 rng(seed ^ (0x9E3779B97F4A7C15ULL * (area + 1)));
            std::vector<std::uint32_t> pool(n - 1);
            for (std::size_t q = 0, w = 0; q < n; ++q)
                if (q != k) pool[w++] = static_cast<std::uint32_t>(q);
            std::size_t larger = 0;
            for (std::size_t r = 0; r < permutations; ++r) {
                double plag = 0;
                for (std::size_t d = 0; d < degree; ++d) {
                    const std::size_t pick = d + draw_below(rng, pool.size() - d);
                    std::swap(pool[d], pool[pick]);
                    plag += p.z[pool[d]];
                }
                const double ip = p.z[k] / p.m2 * plag / static_cast<double>(degree);
                larger += ip >= ii;
            }
            out.p_value[area] = folded_p(larger, permutations);
            if (out.p_value[area] > significance) c = LisaClass::not_significant;
        }
        out.cls[area] = c;
        const std::size_t d = ++done;
        if (d % 256 == 0 && reporter.cancelled()) stop = true;
    });
    reporter.check_cancelled();
    return out;
}

}  // namespace accessatlas::indices
