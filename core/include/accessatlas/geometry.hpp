// Plain planar geometry in EPSG:27700 metres, shared by every module.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace accessatlas {

struct Point {
    double x = 0;
    double y = 0;
};

inline double distance(Point a, Point b) { return std::hypot(a.x - b.x, a.y - b.y); }

struct Box {
    double min_x = std::numeric_limits<double>::infinity();
    double min_y = std::numeric_limits<double>::infinity();
    double max_x = -std::numeric_limits<double>::infinity();
    double max_y = -std::numeric_limits<double>::infinity();

    void expand(Point p) {
        min_x = std::min(min_x, p.x);
        min_y = std::min(min_y, p.y);
        max_x = std::max(max_x, p.x);
        max_y = std::max(max_y, p.y);
    }
    bool empty() const { return min_x > max_x; }
    bool contains(Point p) const { return p.x >= min_x && p.x <= max_x && p.y >= min_y && p.y <= max_y; }
};

// A polygon with holes; ring 0 is the outer ring. Multi-polygons are vectors of these.
struct Polygon {
    std::vector<std::vector<Point>> rings;
};
using MultiPolygon = std::vector<Polygon>;

}  // namespace accessatlas
