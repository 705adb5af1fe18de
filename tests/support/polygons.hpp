// Polygons for tests, as little-endian WKB (what io::Layer holds).
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace accessatlas::test {

inline void put_u32(std::vector<unsigned char>& b, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<unsigned char>(v >> (8 * i)));
}
inline void put_f64(std::vector<unsigned char>& b, double v) {
    std::uint64_t u;
    std::memcpy(&u, &v, 8);
    for (int i = 0; i < 8; ++i) b.push_back(static_cast<unsigned char>(u >> (8 * i)));
}

// An axis-aligned rectangle.
inline std::vector<unsigned char> rect_wkb(double x0, double y0, double x1, double y1) {
    std::vector<unsigned char> b{1};
    put_u32(b, 3);  // polygon
    put_u32(b, 1);  // one ring
    put_u32(b, 5);
    const double xs[5]{x0, x1, x1, x0, x0}, ys[5]{y0, y0, y1, y1, y0};
    for (int i = 0; i < 5; ++i) {
        put_f64(b, xs[i]);
        put_f64(b, ys[i]);
    }
    return b;
}

// An n x n grid of unit squares of side `side`, row by row from the bottom left.
inline std::vector<std::vector<unsigned char>> grid_wkb(int n, double side = 100) {
    std::vector<std::vector<unsigned char>> out;
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) out.push_back(rect_wkb(c * side, r * side, (c + 1) * side, (r + 1) * side));
    return out;
}

}  // namespace accessatlas::test
