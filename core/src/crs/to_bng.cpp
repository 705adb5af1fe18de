#include "crs/to_bng.hpp"

#include <accessatlas/error.hpp>

#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include <limits>
#include <mutex>

namespace accessatlas::crs {

OGRSpatialReference* bng() {
    static OGRSpatialReference* srs = [] {
        auto* s = new OGRSpatialReference();
        s->importFromEPSG(27700);
        s->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        s->Reference();  // never dropped to zero
        return s;
    }();
    return srs;
}

ToBng::ToBng(const OGRSpatialReference& source, const std::string& what) {
    OGRSpatialReference src(source);
    src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (src.IsSame(bng())) return;  // identity: no transform needed
    m_transform = OGRCreateCoordinateTransformation(&src, bng());
    if (!m_transform)
        throw InputError("cannot transform its coordinate reference system to EPSG:27700", {what, {}, {}, {}},
                         "reproject the data to EPSG:27700 or a CRS PROJ knows");
}

ToBng ToBng::from_wgs84() {
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    return ToBng(wgs84, "EPSG:4326");
}

ToBng::~ToBng() { OGRCoordinateTransformation::DestroyCT(m_transform); }
ToBng::ToBng(ToBng&& o) noexcept : m_transform(o.m_transform) { o.m_transform = nullptr; }
ToBng& ToBng::operator=(ToBng&& o) noexcept {
    std::swap(m_transform, o.m_transform);
    return *this;
}

bool ToBng::transform(double* x, double* y, std::size_t count) const {
    if (!m_transform || count == 0) return true;
    return m_transform->Transform(static_cast<int>(count), x, y) != 0;
}

bool ToBng::transform(OGRGeometry& geometry) const {
    if (!m_transform) {
        geometry.assignSpatialReference(bng());
        return true;
    }
    return geometry.transform(m_transform) == OGRERR_NONE;
}

Point ToBng::transform(Point p) const {
    if (!transform(&p.x, &p.y, 1)) return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
    return p;
}

}  // namespace accessatlas::crs
