// LSOA 2011 <-> 2021 conversion for each ONS change type, worked by hand.
#include <accessatlas/indices/indices.hpp>

#include <gtest/gtest.h>

using namespace accessatlas::indices;

namespace {
// A11 unchanged; B11 split into B21a, B21b; C11 and D11 merged into CD21; E11 and F11 in a
// complex change: E11 -> E21 and F21, F11 -> F21.
const std::vector<LookupRow> lookup{
    {"A11", "A21", 'U'},  {"B11", "B21a", 'S'}, {"B11", "B21b", 'S'}, {"C11", "CD21", 'M'},
    {"D11", "CD21", 'M'}, {"E11", "E21", 'X'},  {"E11", "F21", 'X'},  {"F11", "F21", 'X'},
};
const std::map<std::string, double> pop11{{"A11", 100}, {"B11", 400}, {"C11", 100}, {"D11", 300}, {"E11", 800}, {"F11", 600}};
const std::map<std::string, double> pop21{{"A21", 100}, {"B21a", 300}, {"B21b", 100}, {"CD21", 400}, {"E21", 200}, {"F21", 1200}};
}  // namespace

TEST(Geography, CountsFrom2011To2021) {
    const std::map<std::string, double> counts{{"A11", 10}, {"B11", 40}, {"C11", 5}, {"D11", 7}, {"E11", 30}, {"F11", 12}};
    ConversionSummary s;
    const auto out = convert_geography(counts, Geography::lsoa11, Geography::lsoa21, ValueKind::count, lookup, pop11, pop21, &s);
    EXPECT_DOUBLE_EQ(out.at("A21"), 10);   // unchanged
    EXPECT_DOUBLE_EQ(out.at("B21a"), 30);  // split 300 : 100 of 40
    EXPECT_DOUBLE_EQ(out.at("B21b"), 10);
    EXPECT_DOUBLE_EQ(out.at("CD21"), 12);                  // merged: 5 + 7
    EXPECT_NEAR(out.at("E21"), 30 * 200.0 / 1400, 1e-12);  // complex: E11 shares 30 as 200 : 1200
    EXPECT_NEAR(out.at("F21"), 30 * 1200.0 / 1400 + 12, 1e-12);
    double total = 0;
    for (const auto& [k, v] : out) total += v;
    EXPECT_NEAR(total, 104, 1e-12);  // people are neither made nor lost
    EXPECT_EQ(s.unchanged, 1u);
    EXPECT_EQ(s.split, 2u);
    EXPECT_EQ(s.merged, 1u);
    EXPECT_EQ(s.complex, 2u);
    EXPECT_EQ(s.equal_shares, 0u);
}

TEST(Geography, RatesArePopulationWeighted) {
    const std::map<std::string, double> rates{{"A11", .1}, {"B11", .2}, {"C11", .5}, {"D11", .1}, {"E11", .3}, {"F11", .6}};
    const auto out = convert_geography(rates, Geography::lsoa11, Geography::lsoa21, ValueKind::rate, lookup, pop11, pop21, nullptr);
    EXPECT_DOUBLE_EQ(out.at("B21a"), .2);  // a split keeps the parent's rate
    EXPECT_DOUBLE_EQ(out.at("B21b"), .2);
    EXPECT_NEAR(out.at("CD21"), (100 * .5 + 300 * .1) / 400, 1e-15);  // merged: by people
    EXPECT_NEAR(out.at("E21"), .3, 1e-15);
    // F21: E11 sends 800 x 1200/1400 people at 0.3, F11 600 at 0.6
    const double e = 800 * 1200.0 / 1400;
    EXPECT_NEAR(out.at("F21"), (e * .3 + 600 * .6) / (e + 600), 1e-15);
}

TEST(Geography, CountsFrom2021BackTo2011) {
    const std::map<std::string, double> counts{{"A21", 10}, {"B21a", 30}, {"B21b", 10}, {"CD21", 12}, {"E21", 7}, {"F21", 28}};
    ConversionSummary s;
    const auto out = convert_geography(counts, Geography::lsoa21, Geography::lsoa11, ValueKind::count, lookup, pop21, pop11, &s);
    EXPECT_DOUBLE_EQ(out.at("B11"), 40);  // the split parts summed
    EXPECT_DOUBLE_EQ(out.at("C11"), 3);   // the merged area shared 100 : 300
    EXPECT_DOUBLE_EQ(out.at("D11"), 9);
    EXPECT_NEAR(out.at("E11"), 7 + 28 * 800.0 / 1400, 1e-12);
    EXPECT_NEAR(out.at("F11"), 28 * 600.0 / 1400, 1e-12);
}

TEST(Geography, UnknownCodesAndMissingPopulationAreReported) {
    const std::map<std::string, double> counts{{"B11", 40}, {"Z11", 1}};
    ConversionSummary s;
    const auto out = convert_geography(counts, Geography::lsoa11, Geography::lsoa21, ValueKind::count, lookup, {}, {}, &s);
    EXPECT_DOUBLE_EQ(out.at("B21a"), 20);  // no population: equal shares
    EXPECT_EQ(s.equal_shares, 2u);
    ASSERT_EQ(s.unknown_codes.size(), 1u);
    EXPECT_EQ(s.unknown_codes[0], "Z11");
    EXPECT_EQ(s.missing_source, 4u);  // A21, CD21, E21, F21 have no value
    EXPECT_EQ(out.count("A21"), 0u);
}
