// Polygon helpers on EPSG:27700 WKB, with GEOS: which area a point lies in, areas reaching
// beyond the data's coverage, areas and differences of polygons. Shared by io (origins), access
// (catchment bands) and job (coverage, edge effects).
#pragma once

#include <accessatlas/geometry.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace accessatlas::geometry {

// Point-in-polygon assignment with GEOS prepared geometries and an STR-tree.
class AreaLocator {
public:
    explicit AreaLocator(const std::vector<std::vector<unsigned char>>& polygons_wkb);
    ~AreaLocator();
    AreaLocator(const AreaLocator&) = delete;
    AreaLocator& operator=(const AreaLocator&) = delete;
    // Index of the polygon containing p, or 0xFFFFFFFF.
    std::uint32_t locate(Point p) const;
    std::uint32_t size() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Indexes of the polygons that reach beyond the convex hull of `coverage` once buffered by
// `buffer_m`: areas where people may use services the data does not cover (edge effects).
std::vector<std::uint32_t> areas_beyond_coverage(const std::vector<std::vector<unsigned char>>& polygons_wkb,
                                                 const std::vector<Point>& coverage, double buffer_m);

// Area of a (multi)polygon in square metres; 0 for an empty one.
double polygon_area_m2(const std::vector<unsigned char>& wkb);
// a minus b (a when either is empty).
std::vector<unsigned char> polygon_difference(const std::vector<unsigned char>& a, const std::vector<unsigned char>& b);

}  // namespace accessatlas::geometry
