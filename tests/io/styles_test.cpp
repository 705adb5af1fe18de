#include <accessatlas/io/styles.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <regex>

using namespace accessatlas;

namespace {
std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}
} // namespace

TEST(Styles, TravelTimeUsesFixedBandsDarkerForLonger) {
    const auto s = styles::time_minutes("gp_walk_time_min", "Time to the nearest GP on foot (minutes)");
    EXPECT_NE(s.qml.find(R"(attr="gp_walk_time_min")"), std::string::npos);
    EXPECT_EQ(count(s.qml, "<range "), 6u);
    EXPECT_NE(s.qml.find(R"(lower="0" upper="10")"), std::string::npos);
    EXPECT_NE(s.qml.find(R"(label="60 min or more")"), std::string::npos);
    // First class pale yellow, last dark red (ColorBrewer YlOrRd).
    EXPECT_NE(s.qml.find("255,255,178,255"), std::string::npos);
    EXPECT_NE(s.qml.find("189,0,38,255"), std::string::npos);
    EXPECT_EQ(count(s.sld, "<se:Rule>"), 6u);
    EXPECT_NE(s.sld.find("<ogc:PropertyName>gp_walk_time_min</ogc:PropertyName>"), std::string::npos);
}

TEST(Styles, QuantilesPutTheLowestAccessInTheDarkestClass) {
    std::vector<double> v;
    for (int i = 1; i <= 100; ++i) v.push_back(i);
    v.push_back(std::nan(""));
    const auto classes = styles::quantile_classes(v, "per 1,000");
    ASSERT_EQ(classes.size(), 5u);
    EXPECT_DOUBLE_EQ(classes.front().lower, 1);
    EXPECT_EQ(classes.front().color, "#bd0026");
    EXPECT_EQ(classes.back().color, "#ffffb2");
    EXPECT_GT(classes.back().upper, 100);
    for (std::size_t i = 1; i < classes.size(); ++i) EXPECT_DOUBLE_EQ(classes[i].lower, classes[i - 1].upper);
}

TEST(Styles, CategorisedStylesNameTheirField) {
    const auto b = styles::catchment_bands({"0-10", "10-20"});
    EXPECT_NE(b.qml.find(R"(type="categorizedSymbol" attr="band")"), std::string::npos);
    EXPECT_EQ(count(b.qml, "<category "), 2u);
    const auto f = styles::facilities();
    EXPECT_NE(f.qml.find(R"(attr="snapped")"), std::string::npos);
    EXPECT_NE(f.qml.find("<layerGeometryType>0</layerGeometryType>"), std::string::npos);
}

// A threshold with a fraction is written pct_7_5 in the GeoPackage: the reference style for it
// must carry that name (it said pct_7.5, which matched no field).
TEST(Styles, ReferenceStylesNameFractionalThresholdsAsTheDataDoes) {
    const auto set = accessatlas::styles::reference_set({"gp"}, {"walk"}, {7.5, 15}, {10});
    bool fractional = false, whole = false;
    for (const auto& f : set) {
        EXPECT_EQ(f.stem.find("pct_7.5"), std::string::npos) << f.stem;
        fractional = fractional || f.stem == "lsoa_access.gp_walk_pct_7_5";
        whole = whole || f.stem == "lsoa_access.gp_walk_pct_15";
    }
    EXPECT_TRUE(fractional);
    EXPECT_TRUE(whole);
}
