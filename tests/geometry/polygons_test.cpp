// Polygon helpers: the area a point lies in, areas reaching beyond the data's coverage, areas
// and differences of polygons, on hand-drawn rectangles.
#include "support/polygons.hpp"

#include <accessatlas/geometry/polygons.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

using namespace accessatlas;
using test::rect_wkb;

TEST(AreaLocator, EachPointInItsPolygonAndNoneOutside) {
    const geometry::AreaLocator locate({rect_wkb(0, 0, 100, 100), rect_wkb(100, 0, 200, 100), rect_wkb(0, 200, 50, 250)});
    EXPECT_EQ(locate.size(), 3u);
    EXPECT_EQ(locate.locate({50, 50}), 0u);
    EXPECT_EQ(locate.locate({150, 50}), 1u);
    EXPECT_EQ(locate.locate({25, 225}), 2u);
    EXPECT_EQ(locate.locate({300, 300}), 0xFFFFFFFFu);
    EXPECT_EQ(locate.locate({75, 150}), 0xFFFFFFFFu);  // between them
}

TEST(AreasBeyondCoverage, AreasWhoseBufferLeavesTheNetworksHullAreListed) {
    // Network nodes: a 1 km square's corners and a cloud inside (which must not matter).
    std::vector<Point> nodes{{0, 0}, {1000, 0}, {1000, 1000}, {0, 1000}};
    for (int i = 1; i < 100; ++i) nodes.push_back({10.0 * i, 5.0 * (i % 7) + 300});
    const std::vector<std::vector<unsigned char>> areas{
        rect_wkb(400, 400, 600, 600),  // 100 m buffer stays inside
        rect_wkb(850, 400, 950, 500),  // 100 m buffer reaches x = 1050
        rect_wkb(-50, -50, 10, 10),    // partly outside already
    };
    EXPECT_EQ(geometry::areas_beyond_coverage(areas, nodes, 100), (std::vector<std::uint32_t>{1, 2}));
    EXPECT_EQ(geometry::areas_beyond_coverage(areas, nodes, 40), (std::vector<std::uint32_t>{2}));
    // Collinear nodes enclose nothing: every area is beyond them.
    const std::vector<Point> line{{0, 0}, {500, 500}, {1000, 1000}};
    EXPECT_EQ(geometry::areas_beyond_coverage(areas, line, 1), (std::vector<std::uint32_t>{0, 1, 2}));
}

TEST(Polygons, AreaAndDifferenceByHand) {
    EXPECT_DOUBLE_EQ(geometry::polygon_area_m2(rect_wkb(0, 0, 200, 50)), 10000);
    EXPECT_DOUBLE_EQ(geometry::polygon_area_m2({}), 0);
    // A 100 m square minus its left half: 5,000 m2 (a catchment band between two thresholds).
    const auto ring = geometry::polygon_difference(rect_wkb(0, 0, 100, 100), rect_wkb(-10, -10, 50, 110));
    EXPECT_NEAR(geometry::polygon_area_m2(ring), 5000, 1e-6);
    const auto whole = rect_wkb(0, 0, 10, 10);
    EXPECT_EQ(geometry::polygon_difference(whole, {}), whole);
}
