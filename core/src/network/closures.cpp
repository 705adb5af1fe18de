// Road closures for what-if scenarios: edges picked by way id or by polygons (GEOS prepared
// geometry, after a bounding-box test).
#include "util/geos_context.hpp"

#include <accessatlas/network/network.hpp>

#include <algorithm>
#include <unordered_set>

namespace accessatlas::network {

std::vector<std::uint32_t> edges_of_ways(const RoadNetwork& network, const std::vector<std::int64_t>& way_ids,
                                         std::vector<std::int64_t>* not_found) {
    const std::unordered_set<std::int64_t> wanted(way_ids.begin(), way_ids.end());
    std::unordered_set<std::int64_t> seen;
    std::vector<std::uint32_t> out;
    for (std::uint32_t e = 0; e < network.edge_count(); ++e)
        if (wanted.count(network.edges[e].source_id)) {
            out.push_back(e);
            seen.insert(network.edges[e].source_id);
        }
    if (not_found)
        for (auto id : way_ids)
            if (!seen.count(id)) not_found->push_back(id);
    return out;
}

std::vector<std::uint32_t> edges_meeting(const RoadNetwork& network, const std::vector<std::vector<unsigned char>>& polygons_wkb) {
    auto h = detail::geos();
    std::vector<std::uint32_t> out;
    for (const auto& wkb : polygons_wkb) {
        GEOSGeometry* poly = detail::from_wkb(wkb);
        if (!poly) continue;
        const GEOSPreparedGeometry* prepared = GEOSPrepare_r(h, poly);
        double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        GEOSGeom_getXMin_r(h, poly, &x0);
        GEOSGeom_getYMin_r(h, poly, &y0);
        GEOSGeom_getXMax_r(h, poly, &x1);
        GEOSGeom_getYMax_r(h, poly, &y1);
        for (std::uint32_t e = 0; e < network.edge_count(); ++e) {
            Box box;
            for (const Point* p = network.edge_geometry_begin(e); p != network.edge_geometry_end(e); ++p) box.expand(*p);
            if (box.max_x < x0 || box.min_x > x1 || box.max_y < y0 || box.min_y > y1) continue;
            std::vector<std::vector<Point>> line{{network.edge_geometry_begin(e), network.edge_geometry_end(e)}};
            GEOSGeometry* g = detail::make_lines(line);
            if (GEOSPreparedIntersects_r(h, prepared, g) == 1) out.push_back(e);
            GEOSGeom_destroy_r(h, g);
        }
        GEOSPreparedGeom_destroy_r(h, prepared);
        GEOSGeom_destroy_r(h, poly);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace accessatlas::network
