// Private: transform from any GDAL-readable CRS to EPSG:27700 (British National Grid) with
// PROJ through OGR, in traditional GIS axis order (x = easting/longitude).
#pragma once

#include <accessatlas/geometry.hpp>

#include <memory>
#include <string>

class OGRSpatialReference;
class OGRCoordinateTransformation;
class OGRGeometry;

namespace accessatlas::crs {

class ToBng {
public:
    // Throws InputError (naming `what`) when the transform cannot be built.
    ToBng(const OGRSpatialReference& source, const std::string& what);
    static ToBng from_wgs84();
    ~ToBng();
    ToBng(ToBng&&) noexcept;
    ToBng& operator=(ToBng&&) noexcept;

    bool is_identity() const { return m_transform == nullptr; }
    // Transforms in place; false when PROJ could not transform (outside its area).
    bool transform(double* x, double* y, std::size_t count) const;
    bool transform(OGRGeometry& geometry) const;
    Point transform(Point p) const;

private:
    ToBng() = default;
    OGRCoordinateTransformation* m_transform = nullptr;
};

// The EPSG:27700 reference system, axis order traditional.
// Shared, never freed: GDAL reference-counts it when geometries point at it.
OGRSpatialReference* bng();

}  // namespace accessatlas::crs
