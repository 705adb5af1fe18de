// Inequality measures on small examples worked by hand, every step written out.
#include <accessatlas/inequality/measures.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace accessatlas::inequality;

TEST(ByGroup, PopulationWeightedMeansAndSkippedAreas) {
    // Group 1: areas of 1 and 3 people at 10 and 20 -> (10 + 60) / 4 = 17.5. Group 2: one area of
    // 2 people at 30 (the area with no value is skipped, not counted as 0).
    std::size_t skipped = 0;
    const auto g = by_group({10, 20, 30, std::nan("")}, {1, 3, 2, 5}, {1, 1, 2, 2}, 3, &skipped);
    ASSERT_EQ(g.size(), 3u);
    EXPECT_EQ(g[0].areas, 2u);
    EXPECT_DOUBLE_EQ(g[0].population, 4);
    EXPECT_DOUBLE_EQ(g[0].mean, 17.5);
    EXPECT_EQ(g[1].areas, 1u);
    EXPECT_DOUBLE_EQ(g[1].mean, 30);
    EXPECT_TRUE(std::isnan(g[2].mean));
    EXPECT_EQ(skipped, 1u);
}

// Three groups of 100 people, most deprived first, means 10, 26, 30.
//  x (population midpoints): 1/6, 1/2, 5/6; mean x = 1/2; mean y = 22.
//  Sxx = 100 (1/9 + 0 + 1/9) = 200/9;  Sxy = 100 ((-1/3)(-12) + 0 + (1/3)(8)) = 2000/9.
//  b = Sxy / Sxx = 10 x 3 = 30;  a = 22 - 30 / 2 = 7  (fitted: 12, 22, 32; residuals -2, 4, -2).
//  s^2 = 100 (4 + 16 + 4) / (3 - 2) = 2400;  var b = 2400 / (200/9) = 108;  se = 10.3923.
//  t(0.975, 1 df) = 12.7062: SII = 30 +- 132.05.
//  var a = 2400 (1/300 + 0.25 / (200/9)) = 35;  cov(a, b) = -0.5 x 2400 / (200/9) = -54.
//  RII = (a + b) / a = 37/7 = 5.2857; delta method: d/da = -30/49, d/db = 1/7:
//  var = (30/49)^2 35 + (1/7)^2 108 + 2 (-30/49)(1/7)(-54) = 24.7697; se = 4.9769.
TEST(SlopeIndex, HandWorkedThreeGroups) {
    std::vector<Group> g(3);
    const double means[3] = {10, 26, 30};
    for (int i = 0; i < 3; ++i) g[static_cast<std::size_t>(i)] = {1, 100, means[i]};
    const auto s = slope_index(g);
    EXPECT_EQ(s.groups, 3u);
    EXPECT_NEAR(s.sii.value, 30, 1e-9);
    EXPECT_NEAR(s.sii.standard_error, 10.392304845, 1e-8);
    EXPECT_NEAR(s.sii.lower, 30 - 12.7062047362 * 10.392304845, 1e-6);
    EXPECT_NEAR(s.sii.upper, 30 + 12.7062047362 * 10.392304845, 1e-6);
    EXPECT_NEAR(s.fitted_most, 7, 1e-9);
    EXPECT_NEAR(s.fitted_least, 37, 1e-9);
    EXPECT_NEAR(s.rii.value, 37.0 / 7.0, 1e-9);
    EXPECT_NEAR(s.rii.standard_error, 4.976914637, 1e-8);
    EXPECT_LT(s.sii.lower, s.sii.value);
    EXPECT_GT(s.sii.upper, s.sii.value);
}

TEST(SlopeIndex, UnequalGroupsAPerfectLineAndTooFewGroups) {
    // Populations 100, 300, 100: midpoints 0.1, 0.5, 0.9. On the line y = 5 + 10 x the SII is
    // exactly 10 with no residual (zero-width interval), whatever the weights.
    const auto s = slope_index({{1, 100, 6}, {1, 300, 10}, {1, 100, 14}});
    EXPECT_NEAR(s.sii.value, 10, 1e-9);
    EXPECT_NEAR(s.sii.standard_error, 0, 1e-9);
    EXPECT_NEAR(s.fitted_most, 5, 1e-9);
    // An empty group is left out, and two groups cannot give an interval.
    const auto two = slope_index({{1, 100, 6}, {0, 0, std::nan("")}, {1, 100, 14}});
    EXPECT_EQ(two.groups, 2u);
    EXPECT_TRUE(std::isnan(two.sii.value));
}

// Three areas of 100 people, deprivation scores 3, 2, 1 (the first most deprived), values
// 30, 14, 10: ranks 1/6, 1/2, 5/6; mean 18; cov(y, R) = (1/3)(12 (-1/3) + 0 - 8 (1/3)) = -20/9;
// C = 2 (-20/9) / 18 = -0.246914 (negative: the value is concentrated among the deprived).
TEST(ConcentrationIndex, HandWorked) {
    const auto c = concentration_index({30, 14, 10}, {100, 100, 100}, {3, 2, 1});
    EXPECT_NEAR(c.value, -40.0 / 162.0, 1e-12);
    EXPECT_TRUE(std::isfinite(c.standard_error));
    EXPECT_LE(c.lower, c.value);
    // The same people in another order give the same index; on a straight line the regression fits
    // exactly: 30, 20, 10 -> C = 2 (-20/9) / 20 = -2/9, standard error 0.
    const auto line = concentration_index({10, 30, 20}, {100, 100, 100}, {1, 3, 2});
    EXPECT_NEAR(line.value, -2.0 / 9.0, 1e-12);
    EXPECT_NEAR(line.standard_error, 0, 1e-12);
    // Equal values: no inequality.
    EXPECT_NEAR(concentration_index({5, 5, 5, 5}, {1, 2, 3, 4}, {4, 3, 2, 1}).value, 0, 1e-12);
}

// A published example reproduced: WHO's healthequal package (R, version 1.0.1; reference page of
// rci(), example "OrderedSample") computes, for births attended by skilled health personnel by
// wealth quintile (quintile 1 poorest: 75.60530, 91.01997, 96.03959, 97.04223, 99.22405 % of
// 2072.436, 2112.204, 1983.059, 2052.124, 1884.510 births), a relative concentration index of
// 0.0469506 with standard error 0.01401831 (the same "convenient regression" this function
// uses) and a setting average of 91.59669. Poorest = most deprived here. Its interval uses the
// normal quantile (0.01947522 to 0.07442599); ours uses Student's t on 3 degrees of freedom,
// so it is wider and contains theirs.
TEST(ConcentrationIndex, ReproducesWhoHealthequalPublishedExample) {
    const std::vector<double> percent{75.60530, 91.01997, 96.03959, 97.04223, 99.22405};
    const std::vector<double> births{2072.436, 2112.204, 1983.059, 2052.124, 1884.510};
    const std::vector<double> deprivation{5, 4, 3, 2, 1};  // quintile 1 (poorest) most deprived
    const auto c = concentration_index(percent, births, deprivation);
    EXPECT_NEAR(c.value, 0.0469506, 5e-8);
    EXPECT_NEAR(c.standard_error, 0.01401831, 2e-8);  // inputs are printed to 7 digits
    EXPECT_LT(c.lower, 0.01947522);
    EXPECT_GT(c.upper, 0.07442599);
    // Student's t(3) 97.5% quantile is 3.182446.
    EXPECT_NEAR(c.upper - c.value, 3.182446 * 0.01401831, 1e-6);
    // The setting average is the births-weighted mean of the groups.
    const auto groups = by_group(percent, births, {1, 2, 3, 4, 5}, 5);
    double weighted = 0, total = 0;
    for (const auto& g : groups) weighted += g.mean * g.population, total += g.population;
    EXPECT_NEAR(weighted / total, 91.59669, 5e-6);
}

TEST(GiniAndTheil, HandWorked) {
    // Values 1, 2, 3, one person each: sum of |yi - yj| over ordered pairs = 8; G = 8 / (2 n^2 mean)
    // = 8 / (2 x 9 x 2) = 0.2222.
    EXPECT_NEAR(gini({3, 1, 2}, {1, 1, 1}), 8.0 / 36.0, 1e-12);
    // Population weights are people: an area of 2 at value 1 is two people at 1.
    EXPECT_NEAR(gini({1, 2}, {2, 1}), gini({1, 1, 2}, {1, 1, 1}), 1e-12);
    EXPECT_NEAR(gini({4, 4}, {1, 9}), 0, 1e-12);
    // Theil T of 1 and 3: mean 2; (1/2)(0.5 ln 0.5 + 1.5 ln 1.5) = 0.130812.
    EXPECT_NEAR(theil({1, 3}, {1, 1}), 0.5 * (0.5 * std::log(0.5) + 1.5 * std::log(1.5)), 1e-12);
    EXPECT_TRUE(std::isnan(theil({-1, 3}, {1, 1})));
}

TEST(GroupVersusRest, CountsWeightTheValues) {
    // Households without a car: 50 of 100 in an area at 10 min, 10 of 100 in one at 20 min.
    // Group: (50 x 10 + 10 x 20) / 60 = 11.667; rest: (50 x 10 + 90 x 20) / 140 = 16.429.
    const auto r = group_versus_rest({10, 20}, {50, 10}, {100, 100});
    EXPECT_NEAR(r.group_mean, 700.0 / 60.0, 1e-12);
    EXPECT_NEAR(r.rest_mean, 2300.0 / 140.0, 1e-12);
    EXPECT_NEAR(r.gap, 700.0 / 60.0 - 2300.0 / 140.0, 1e-12);
    EXPECT_DOUBLE_EQ(r.group_count, 60);
    EXPECT_DOUBLE_EQ(r.rest_count, 140);
}
