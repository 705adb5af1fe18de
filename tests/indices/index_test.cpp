// Weighted components and indices: GMCA DERI on six areas worked by hand from the method
// notes (../shared/data/methods/gmca_deri), and the missing-data rules.
#include "support/test_network.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/indices/indices.hpp>

#include <gtest/gtest.h>

#include <cmath>

using namespace accessatlas;
using namespace accessatlas::indices;

namespace {

const double missing = std::nan("");

// District A holds areas a1 a2 a3 with values 0..10, so a score equals its value (10 - value
// for the download speed, where lower is worse). District B holds the same pattern moved:
// b1 = a3, b2 = a1, b3 = a2, each value times 3 plus 100.
//                 pct_65 pct_75 limited  DE  no30 u10 speed noqual unemp pension imd
const double a1[]{0, 0, 10, 0, 0, 10, 10, 0, 10, 0, 0};
const double a2[]{10, 10, 0, 10, 10, 0, 0, 10, 0, 10, 10};
const double a3[]{5, 2, 4, 6, 5, 5, 8, 5, 5, 3, 7};

IndexInput six_areas() {
    IndexInput in;
    in.values.assign(11, {});
    for (int k = 0; k < 11; ++k) {
        auto& col = in.values[static_cast<std::size_t>(k)];
        col = {a1[k], a2[k], a3[k], 3 * a3[k] + 100, 3 * a1[k] + 100, 3 * a2[k] + 100};
    }
    in.groups = {0, 0, 0, 1, 1, 1};
    return in;
}

// By hand (weights normalised within each component, components 1/3 each):
//   demography  (5, 5, 2, 2)/14: a1 = 2*10/14 = 1.428571, a2 = (50+50+20)/14 = 8.571429,
//                                a3 = (25+10+8+12)/14 = 3.928571
//   broadband   (3, 3, 3)/9, speed scores 0, 10, 2:
//                                a1 = (0+10+0)/3 = 3.333333, a2 = (10+0+10)/3 = 6.666667, a3 = (5+5+2)/3 = 4
//   deprivation (4, 2, 2, 2)/10: a1 = 2*10/10 = 2, a2 = (40+0+20+20)/10 = 8, a3 = (20+10+6+14)/10 = 5
//   DERI = mean:                 a1 = 6.761905/3 = 2.253968, a2 = 23.238095/3 = 7.746032,
//                                a3 = 12.928571/3 = 4.309524
const double demography[]{20.0 / 14, 120.0 / 14, 55.0 / 14};
const double broadband[]{10.0 / 3, 20.0 / 3, 4.0};
const double deprivation[]{2.0, 8.0, 5.0};
const double deri[]{(20.0 / 14 + 10.0 / 3 + 2.0) / 3, (120.0 / 14 + 20.0 / 3 + 8.0) / 3, (55.0 / 14 + 4.0 + 5.0) / 3};

}  // namespace

TEST(Deri, SixAreasByDistrictAsTheMethodNotes) {
    IndexDef def = deri_preset();
    def.basis = Basis::group;
    test::NullReporter quiet;
    const auto r = compute_index(def, six_areas(), quiet);
    EXPECT_NEAR(deri[0], 2.253968, 1e-6);  // the hand arithmetic above
    EXPECT_NEAR(deri[1], 7.746032, 1e-6);
    EXPECT_NEAR(deri[2], 4.309524, 1e-6);
    // district B reproduces district A's pattern: b1 = a3, b2 = a1, b3 = a2
    const int same_as[]{0, 1, 2, 2, 0, 1};
    for (int a = 0; a < 6; ++a) {
        const auto i = static_cast<std::size_t>(a);
        const int h = same_as[a];
        EXPECT_NEAR(r.component_score[0][i], demography[h], 1e-12) << a;
        EXPECT_NEAR(r.component_score[1][i], broadband[h], 1e-12) << a;
        EXPECT_NEAR(r.component_score[2][i], deprivation[h], 1e-12) << a;
        EXPECT_NEAR(r.score[i], deri[h], 1e-12) << a;
        EXPECT_EQ(r.incomplete[i], 0);
    }
    // indicator scores: speed is reversed (a3's 8 Mbit/s scores 2), the others equal the value
    EXPECT_DOUBLE_EQ(r.indicator_score[6][2], 2.0);
    EXPECT_DOUBLE_EQ(r.indicator_score[6][0], 0.0);
    EXPECT_DOUBLE_EQ(r.indicator_score[1][2], 2.0);
    EXPECT_DOUBLE_EQ(r.indicator_score[1][3], 2.0);  // b1: 106 between 100 and 130
    // weights as used: demography 5/14, components 1/3
    EXPECT_NEAR(r.indicator_weight[0], 5.0 / 14, 1e-15);
    EXPECT_NEAR(r.indicator_weight[7], 0.4, 1e-15);
    EXPECT_NEAR(r.component_weight[2], 1.0 / 3, 1e-15);
    // bands: a2 and b3 share rank 1, a3 and b1 rank 3, a1 and b2 rank 5
    EXPECT_EQ(quantile_groups(r.score, 5), (std::vector<int>{4, 1, 2, 2, 4, 1}));
    EXPECT_EQ(quantile_groups(r.score, 10), (std::vector<int>{7, 1, 4, 4, 7, 1}));
}

TEST(Deri, WholeAreaBasisMixesTheDistricts) {
    IndexDef def = deri_preset();  // basis: the whole study area (0 to 130)
    test::NullReporter quiet;
    const auto r = compute_index(def, six_areas(), quiet);
    EXPECT_NEAR(r.indicator_score[0][1], 10.0 * 10 / 130, 1e-12);   // a2: 10 of 0..130
    EXPECT_NEAR(r.indicator_score[0][3], 10.0 * 115 / 130, 1e-12);  // b1: 115
    EXPECT_GT(r.score[3], r.score[1]);                              // b1 now outranks a2
}

TEST(Weights, OnlyRatiosMatter) {
    IndexDef def = deri_preset();
    def.basis = Basis::group;
    for (auto& c : def.components) c.weight = 7;
    for (auto& i : def.indicators) i.weight *= 3;
    test::NullReporter quiet;
    const auto r = compute_index(def, six_areas(), quiet);
    EXPECT_NEAR(r.score[0], deri[0], 1e-12);
}

namespace {
// One component of three indicators weighted 2, 1, 1 and a second of one indicator. Area 2
// lacks indicator c; min-max over areas 0..2 gives a = {0, 10, 5}, b = {0, 10, 4}.
IndexDef small_index(MissingRule rule) {
    IndexDef def;
    def.name = "t";
    def.missing = rule;
    def.components = {{"x", "X", 1}, {"y", "Y", 1}};
    def.indicators = {{"a", "a", "x", 2, Direction::higher_is_worse},
                      {"b", "b", "x", 1, Direction::higher_is_worse},
                      {"c", "c", "x", 1, Direction::higher_is_worse},
                      {"d", "d", "y", 1, Direction::higher_is_worse}};
    return def;
}
IndexInput small_input() {
    IndexInput in;
    in.values = {{0, 10, 5}, {0, 10, 4}, {0, 10, missing}, {0, 10, missing}};
    return in;
}
}  // namespace

TEST(Missing, RenormalisesOverThePresentAndFlags) {
    CollectingReporter log;
    const auto r = compute_index(small_index(MissingRule::renormalise), small_input(), log);
    // component x for area 2: (2 * 5 + 1 * 4) / (2 + 1) = 14/3; component y missing
    EXPECT_NEAR(r.component_score[0][2], 14.0 / 3, 1e-12);
    EXPECT_TRUE(std::isnan(r.component_score[1][2]));
    // the index re-normalises over the components present: 14/3
    EXPECT_NEAR(r.score[2], 14.0 / 3, 1e-12);
    EXPECT_EQ(r.incomplete[2], 1);
    EXPECT_EQ(r.incomplete[1], 0);
    EXPECT_EQ(r.missing_list[2], "c,d");
    EXPECT_EQ(r.missing_count[2], 1u);
    ASSERT_FALSE(log.warnings().empty());
    EXPECT_NE(log.warnings()[0].find("missing for 1 of 3 areas"), std::string::npos);
}

TEST(Missing, GmcaRuleCountsMissingAsZero) {
    test::NullReporter quiet;
    const auto r = compute_index(small_index(MissingRule::zero), small_input(), quiet);
    // x = (2 * 5 + 1 * 4 + 1 * 0) / 4 = 3.5; y = 0; index = (3.5 + 0) / 2
    EXPECT_NEAR(r.component_score[0][2], 3.5, 1e-12);
    EXPECT_NEAR(r.component_score[1][2], 0.0, 1e-12);
    EXPECT_NEAR(r.score[2], 1.75, 1e-12);
    EXPECT_EQ(r.incomplete[2], 1);
}

TEST(Missing, AnIndicatorAbsentEverywhereIsReported) {
    IndexInput in = small_input();
    in.values[3] = {missing, missing, missing};
    CollectingReporter log;
    const auto r = compute_index(small_index(MissingRule::renormalise), in, log);
    EXPECT_NEAR(r.score[1], 10.0, 1e-12);  // x alone
    bool said = false;
    for (const auto& w : log.warnings()) said = said || w.find("no data for 1 of 4 indicators (d)") != std::string::npos;
    EXPECT_TRUE(said);
}

TEST(Definition, BadWeightsAndComponentsAreRefused) {
    test::NullReporter quiet;
    IndexDef def = small_index(MissingRule::renormalise);
    def.indicators[0].component = "z";
    EXPECT_THROW(compute_index(def, small_input(), quiet), InputError);
    def = small_index(MissingRule::renormalise);
    def.components[0].weight = -1;
    EXPECT_THROW(compute_index(def, small_input(), quiet), InputError);
    def = small_index(MissingRule::renormalise);
    for (auto& c : def.components) c.weight = 0;
    EXPECT_THROW(compute_index(def, small_input(), quiet), InputError);
}
