// Private: one GEOS context per thread (GEOS's reentrant API), and WKB conversions.
#pragma once

#include <accessatlas/geometry.hpp>

#include <geos_c.h>

#include <vector>

namespace accessatlas::detail {

GEOSContextHandle_t geos();
GEOSGeometry* from_wkb(const std::vector<unsigned char>& wkb);
std::vector<unsigned char> to_wkb(const GEOSGeometry* g);
GEOSGeometry* make_lines(const std::vector<std::vector<Point>>& lines);

}  // namespace accessatlas::detail
