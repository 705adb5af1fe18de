// The reprojection to the British National Grid, against the Ordnance Survey's own worked
// example, and the properties the readers rely on.
#include "crs/to_bng.hpp"

#include <accessatlas/error.hpp>

#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <cmath>

using namespace accessatlas;

namespace {
double dms(double d, double m, double s) { return d + m / 60 + s / 3600; }
}  // namespace

// Ordnance Survey, "A guide to coordinate systems in Great Britain" (v3.6), annex C: the
// OSGB36 point 52 39' 27.2531" N, 1 43' 4.5177" E projects to E 651409.903, N 313177.270 on the
// National Grid (the transverse Mercator projection alone, no datum shift).
TEST(ToBng, ReproducesTheOrdnanceSurveyWorkedExample) {
    OGRSpatialReference osgb36;
    ASSERT_EQ(osgb36.importFromEPSG(4277), OGRERR_NONE);
    osgb36.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const crs::ToBng to_bng(osgb36, "test");
    ASSERT_FALSE(to_bng.is_identity());
    const Point p = to_bng.transform(Point{dms(1, 43, 4.5177), dms(52, 39, 27.2531)});
    EXPECT_NEAR(p.x, 651409.903, 0.001);
    EXPECT_NEAR(p.y, 313177.270, 0.001);
}

TEST(ToBng, TheGridItselfIsLeftAloneAndWgs84RoundTrips) {
    const crs::ToBng identity(*crs::bng(), "test");
    EXPECT_TRUE(identity.is_identity());
    // WGS84 (longitude, latitude) to the grid and back within a millimetre: Oakham, Rutland.
    const auto to_bng = crs::ToBng::from_wgs84();
    double x = -0.7275, y = 52.6697;
    ASSERT_TRUE(to_bng.transform(&x, &y, 1));
    EXPECT_NEAR(x, 486000, 2000);  // the grid square Oakham is in
    EXPECT_NEAR(y, 308800, 2000);
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> back(OGRCreateCoordinateTransformation(crs::bng(), &wgs84));
    ASSERT_TRUE(back);
    ASSERT_TRUE(back->Transform(1, &x, &y));
    EXPECT_NEAR(x, -0.7275, 1e-7);  // about a centimetre
    EXPECT_NEAR(y, 52.6697, 1e-7);
}

TEST(ToBng, ACrsWithNoTransformIsRefusedNamingTheInput) {
    OGRSpatialReference engineering;
    engineering.SetLocalCS("a local engineering grid");
    try {
        const crs::ToBng t(engineering, "areas.geojson");
        FAIL() << "a local coordinate system has no transform to the grid";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("areas.geojson"), std::string::npos) << e.what();
    }
}
