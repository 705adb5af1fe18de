// Point-in-polygon with GEOS prepared geometries and an STR-tree, and edge-effect checks.
#include "util/geos_context.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/geometry/polygons.hpp>

#include <boost/geometry.hpp>
#include <boost/geometry/geometries/multi_point.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>
#include <geos_c.h>

namespace accessatlas::geometry {

namespace {

using accessatlas::detail::geos;

// Reads a polygon and repairs it when invalid, so that point-in-polygon never fails on a
// self-intersecting ring.
GEOSGeometry* valid_from_wkb(const std::vector<unsigned char>& wkb) {
    auto h = geos();
    GEOSGeometry* g = accessatlas::detail::from_wkb(wkb);
    if (!GEOSisValid_r(h, g)) {
        GEOSGeometry* fixed = GEOSMakeValid_r(h, g);
        if (fixed) {
            GEOSGeom_destroy_r(h, g);
            g = fixed;
        }
    }
    return g;
}

}  // namespace

// GEOS handles belong to the thread's context: an AreaLocator is built, used and destroyed on
// one thread.
struct AreaLocator::Impl {
    GEOSContextHandle_t h = geos();
    std::vector<GEOSGeometry*> geoms;
    std::vector<const GEOSPreparedGeometry*> prepared;
    std::vector<std::uint32_t> ids;
    GEOSSTRtree* tree = nullptr;
    ~Impl() {
        if (tree) GEOSSTRtree_destroy_r(h, tree);
        for (auto* p : prepared) GEOSPreparedGeom_destroy_r(h, p);
        for (auto* g : geoms) GEOSGeom_destroy_r(h, g);
    }
};

AreaLocator::AreaLocator(const std::vector<std::vector<unsigned char>>& polygons_wkb) : m_impl(std::make_unique<Impl>()) {
    auto h = m_impl->h;
    m_impl->tree = GEOSSTRtree_create_r(h, 10);
    m_impl->ids.resize(polygons_wkb.size());
    for (std::uint32_t i = 0; i < polygons_wkb.size(); ++i) {
        GEOSGeometry* g = valid_from_wkb(polygons_wkb[i]);
        m_impl->geoms.push_back(g);
        m_impl->prepared.push_back(GEOSPrepare_r(h, g));
        m_impl->ids[i] = i;
        GEOSSTRtree_insert_r(h, m_impl->tree, g, &m_impl->ids[i]);
    }
}

AreaLocator::~AreaLocator() = default;

std::uint32_t AreaLocator::size() const { return static_cast<std::uint32_t>(m_impl->geoms.size()); }

std::uint32_t AreaLocator::locate(Point p) const {
    auto h = m_impl->h;
    GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(h, p.x, p.y);
    struct Query {
        const Impl* impl;
        GEOSContextHandle_t h;
        const GEOSGeometry* pt;
        std::uint32_t found;
    } q{m_impl.get(), h, pt, 0xFFFFFFFFu};
    GEOSSTRtree_query_r(
        h, m_impl->tree, pt,
        [](void* item, void* data) {
            auto* qq = static_cast<Query*>(data);
            const std::uint32_t id = *static_cast<std::uint32_t*>(item);
            // Lowest id wins when a point lies on a shared boundary: deterministic.
            if (id < qq->found && GEOSPreparedIntersects_r(qq->h, qq->impl->prepared[id], qq->pt) == 1) qq->found = id;
        },
        &q);
    GEOSGeom_destroy_r(h, pt);
    return q.found;
}

std::vector<std::uint32_t> areas_beyond_coverage(const std::vector<std::vector<unsigned char>>& polygons_wkb,
                                                 const std::vector<Point>& coverage, double buffer_m) {
    auto h = geos();
    std::vector<std::uint32_t> out;
    // Fewer than three points, or all on a line, enclose nothing: every area is beyond them.
    const auto all_beyond = [&] {
        for (std::uint32_t i = 0; i < polygons_wkb.size(); ++i) out.push_back(i);
        return out;
    };
    if (coverage.size() < 3) return all_beyond();
    // The hull by Boost.Geometry (a sort of a flat array): GEOS 3.11 first puts every point
    // in a std::set, about 1.5 s on a 2 M-node network against 0.2 s.
    namespace bg = boost::geometry;
    using BPoint = bg::model::d2::point_xy<double>;
    bg::model::multi_point<BPoint> points;
    points.reserve(coverage.size());
    for (const Point& p : coverage) points.emplace_back(p.x, p.y);
    bg::model::polygon<BPoint> hull_ring;
    bg::convex_hull(points, hull_ring);
    const auto& ring = hull_ring.outer();
    if (ring.size() < 4) return all_beyond();
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, static_cast<unsigned>(ring.size()), 2);
    for (unsigned i = 0; i < ring.size(); ++i) GEOSCoordSeq_setXY_r(h, seq, i, ring[i].x(), ring[i].y());
    GEOSGeometry* hull = GEOSGeom_createPolygon_r(h, GEOSGeom_createLinearRing_r(h, seq), nullptr, 0);
    const GEOSPreparedGeometry* prepared = GEOSPrepare_r(h, hull);
    for (std::uint32_t i = 0; i < polygons_wkb.size(); ++i) {
        GEOSGeometry* g = valid_from_wkb(polygons_wkb[i]);
        GEOSGeometry* buffered = GEOSBuffer_r(h, g, buffer_m, 8);
        if (buffered && GEOSPreparedContains_r(h, prepared, buffered) != 1) out.push_back(i);
        if (buffered) GEOSGeom_destroy_r(h, buffered);
        GEOSGeom_destroy_r(h, g);
    }
    GEOSPreparedGeom_destroy_r(h, prepared);
    GEOSGeom_destroy_r(h, hull);
    return out;
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

}  // namespace accessatlas::geometry
