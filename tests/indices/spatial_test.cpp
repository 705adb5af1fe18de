// Contiguity and Moran's I on grids whose values are known by hand.
#include "support/polygons.hpp"
#include "support/test_network.hpp"

#include <accessatlas/indices/indices.hpp>

#include <gtest/gtest.h>

#include <cmath>

using namespace accessatlas;
using namespace accessatlas::indices;

TEST(Contiguity, RookAndQueenOnAThreeByThreeGrid) {
    const auto grid = test::grid_wkb(3);
    const auto rook = contiguity(grid, Contiguity::rook, 0);
    const auto queen = contiguity(grid, Contiguity::queen, 0);
    EXPECT_EQ(rook[4], (std::vector<std::uint32_t>{1, 3, 5, 7}));  // the centre
    EXPECT_EQ(queen[4].size(), 8u);
    EXPECT_EQ(rook[0], (std::vector<std::uint32_t>{1, 3}));  // a corner
    EXPECT_EQ(queen[0], (std::vector<std::uint32_t>{1, 3, 4}));
}

TEST(Contiguity, ToleranceBridgesGeneralisedBoundaries) {
    // two squares 0.5 m apart, and a third touching the first only at a corner
    const std::vector<std::vector<unsigned char>> polys{test::rect_wkb(0, 0, 100, 100), test::rect_wkb(100.5, 0, 200, 100),
                                                        test::rect_wkb(-100, 100, 0, 200)};
    EXPECT_TRUE(contiguity(polys, Contiguity::queen, 0)[0] == (std::vector<std::uint32_t>{2}));
    EXPECT_EQ(contiguity(polys, Contiguity::queen, 1)[0], (std::vector<std::uint32_t>{1, 2}));
    EXPECT_EQ(contiguity(polys, Contiguity::rook, 1)[0], (std::vector<std::uint32_t>{1}));  // the corner is not an edge
}

TEST(Moran, CheckerboardWithRookContiguityIsMinusOne) {
    const auto grid = test::grid_wkb(4);
    const auto w = contiguity(grid, Contiguity::rook, 0);
    std::vector<double> v;
    for (int r = 0; r < 4; ++r)
        for (int c = 0; c < 4; ++c) v.push_back((r + c) % 2);
    const auto g = moran_global(v, w, 999, 42);
    EXPECT_NEAR(g.i, -1.0, 1e-12);
    EXPECT_NEAR(g.expected, -1.0 / 15, 1e-12);
    EXPECT_EQ(g.areas, 16u);
    EXPECT_LT(g.p_value, 0.01);  // no shuffle is as extreme
    EXPECT_LT(g.z, -3);
    // every area is high among lows or low among highs
    test::NullReporter quiet;
    const auto lisa = local_moran(v, w, 0, 1, 0.05, quiet);
    for (std::size_t i = 0; i < v.size(); ++i) EXPECT_EQ(lisa.cls[i], v[i] > 0.5 ? LisaClass::high_low : LisaClass::low_high) << i;
}

TEST(Moran, TwoHalvesByHand) {
    // left two columns 1, right two 0; z = +-1/2. Row-standardised lags:
    // column 0: all neighbours alike, lag 1/2, z lag = 1/4 (x4 = 1)
    // column 1: top and bottom rows lag (1/2 + 1/2 - 1/2)/3 = 1/6, middle rows (3/2 - 1/2)/4 = 1/4
    //   sum = 2 x 1/2 x 1/6 + 2 x 1/2 x 1/4 = 5/12
    // I = 2 (1 + 5/12) / (16 x 1/4) = 17/24
    const auto w = contiguity(test::grid_wkb(4), Contiguity::rook, 0);
    std::vector<double> v;
    for (int r = 0; r < 4; ++r)
        for (int c = 0; c < 4; ++c) v.push_back(c < 2 ? 1 : 0);
    const auto g = moran_global(v, w, 0, 1);
    EXPECT_NEAR(g.i, 17.0 / 24, 1e-12);
    test::NullReporter quiet;
    const auto lisa = local_moran(v, w, 0, 1, 0.05, quiet);
    EXPECT_EQ(lisa.cls[0], LisaClass::high_high);
    EXPECT_EQ(lisa.cls[3], LisaClass::low_low);
    // local I of a column-0 cell: z / m2 x lag = (1/2) / (1/4) x 1/2 = 1
    EXPECT_NEAR(lisa.local_i[0], 1.0, 1e-12);
}

TEST(Moran, SeededPermutationsRepeatAndSignificanceFilters) {
    // a 10 x 10 grid with a hot corner
    const auto w = contiguity(test::grid_wkb(10), Contiguity::queen, 0);
    std::vector<double> v;
    for (int r = 0; r < 10; ++r)
        for (int c = 0; c < 10; ++c) v.push_back((r < 3 && c < 3) ? 10.0 + r + c : static_cast<double>((r * 7 + c * 3) % 5));
    test::NullReporter quiet;
    const auto a = local_moran(v, w, 499, 7, 0.05, quiet);
    const auto b = local_moran(v, w, 499, 7, 0.05, quiet);
    EXPECT_EQ(a.p_value, b.p_value);
    EXPECT_EQ(a.cls[11], LisaClass::high_high);  // inside the hot corner
    EXPECT_LE(a.p_value[11], 0.05);
    std::size_t significant = 0;
    for (auto c : a.cls) significant += c != LisaClass::not_significant;
    EXPECT_LT(significant, 40u);
    const auto g = moran_global(v, w, 499, 7);
    EXPECT_GT(g.i, 0.2);
    EXPECT_LT(g.p_value, 0.01);
    EXPECT_EQ(moran_global(v, w, 499, 7).p_value, g.p_value);
}
