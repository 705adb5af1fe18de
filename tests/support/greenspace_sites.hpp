// Hand-made green-space sites and paths shared by the green-space module's tests and the job
// stage's.
#pragma once

#include "support/test_network.hpp"

#include <accessatlas/greenspace/greenspace.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace accessatlas::test {

// Hand-made sites in EPSG:27700 metres:
//   A  park 0..100 x 0..100 (1 ha), a path crosses its southern edge at (50, 0)
//   B  wood 300..500 x 300..500 (4 ha), no path touches it
//   C  a self-intersecting "bow tie" (repaired into two triangles)
//   D  two touching halves 600..650 and 650..700 x 0..100 (dissolved into one 1 ha site)
//   E  a car park (not green space: filtered out)
inline std::string write_sites() {
    const std::string path = testing::TempDir() + "/sites.geojson";
    std::ofstream out(path);
    auto square = [](double x0, double y0, double x1, double y1) {
        return "[[[" + std::to_string(x0) + "," + std::to_string(y0) + "],[" + std::to_string(x1) + "," + std::to_string(y0) + "],[" +
               std::to_string(x1) + "," + std::to_string(y1) + "],[" + std::to_string(x0) + "," + std::to_string(y1) + "],[" +
               std::to_string(x0) + "," + std::to_string(y0) + "]]]";
    };
    auto feature = [](const std::string& leisure, const std::string& natural, const std::string& name, const std::string& coords) {
        return R"({"type":"Feature","properties":{"leisure":)" + (leisure.empty() ? std::string("null") : "\"" + leisure + "\"") +
               R"(,"natural":)" + (natural.empty() ? std::string("null") : "\"" + natural + "\"") + R"(,"name":")" + name +
               R"("},"geometry":{"type":"Polygon","coordinates":)" + coords + "}}";
    };
    out << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":[)"
        << feature("park", "", "Park A", square(0, 0, 100, 100)) << "," << feature("", "wood", "Wood B", square(300, 300, 500, 500)) << ","
        << feature("park", "", "Bow tie", "[[[1000,0],[1100,100],[1100,0],[1000,100],[1000,0]]]") << ","
        << feature("park", "", "Half D1", square(600, 0, 650, 100)) << "," << feature("park", "", "Half D2", square(650, 0, 700, 100))
        << "," << feature("parking", "", "Car park", square(2000, 0, 2100, 100)) << "]}";
    return path;
}

inline greenspace::SiteOptions site_options() {
    greenspace::SiteOptions o;
    o.include = {"leisure=park", "natural=wood"};
    o.woodland = {"natural=wood"};
    o.name_field = "name";
    return o;
}

// Paths: (50,-100) - (50,50) inside A - (50,200) - (400,200), 100 m south of wood B.
inline network::RoadNetwork site_paths() {
    return test::make_network(
        {{50, -100}, {50, 50}, {50, 200}, {400, 200}},
        {{0, 1, network::RoadClass::footway}, {1, 2, network::RoadClass::footway}, {2, 3, network::RoadClass::footway}});
}

}  // namespace accessatlas::test
