#include <accessatlas/styles/styles.hpp>

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
}  // namespace

TEST(Styles, TravelTimeUsesFixedBandsDarkerForLonger) {
    const auto s = styles::time_minutes("gp_walk_time_min", "Time to the nearest GP on foot (minutes)");
    // Rules: six classes and one for areas without a time (not served), so none is left undrawn.
    EXPECT_NE(s.qml.find(R"(type="RuleRenderer")"), std::string::npos);
    EXPECT_EQ(count(s.qml, "<rule "), 7u);
    EXPECT_NE(s.qml.find(R"(filter="&quot;gp_walk_time_min&quot; &gt;= 0 AND &quot;gp_walk_time_min&quot; &lt; 10")"), std::string::npos);
    EXPECT_NE(s.qml.find(R"(label="60 min or more" filter="&quot;gp_walk_time_min&quot; &gt;= 60")"), std::string::npos);  // open class
    EXPECT_NE(s.qml.find(R"x(label="not served (no time)" filter="ELSE")x"), std::string::npos);
    EXPECT_EQ(s.qml.find("1e+308"), std::string::npos);
    // First class pale yellow, last dark red (ColorBrewer YlOrRd).
    EXPECT_NE(s.qml.find("255,255,178,255"), std::string::npos);
    EXPECT_NE(s.qml.find("189,0,38,255"), std::string::npos);
    EXPECT_EQ(count(s.sld, "<se:Rule>"), 7u);
    EXPECT_NE(s.sld.find("<se:ElseFilter/>"), std::string::npos);
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
    // The rings once each, not the 'within' polygons that repeat their labels.
    const auto b = styles::catchment_bands({"0-10", "10-20", "20-30", "0-10", "0-20", "0-30"});
    EXPECT_EQ(count(b.qml, "<rule "), 3u);
    EXPECT_EQ(count(b.qml, "label=\"0-10 min\""), 1u);
    EXPECT_NE(b.qml.find("&quot;kind&quot; = 'band'"), std::string::npos);
    // A colour per service, and the excluded ones drawn dark (not white on white).
    const auto f = styles::facilities({"gp", "pharmacy"});
    EXPECT_EQ(count(f.qml, "<rule "), 3u);
    EXPECT_NE(f.qml.find("&quot;service&quot; = 'pharmacy'"), std::string::npos);
    EXPECT_NE(f.qml.find("37,37,37,255"), std::string::npos);
    EXPECT_NE(f.qml.find("<layerGeometryType>0</layerGeometryType>"), std::string::npos);
}

// A threshold with a fraction is written pct_7_5 in the GeoPackage: the reference style for it
// must carry that name (it said pct_7.5, which matched no field).
TEST(Styles, ReferenceStylesNameFractionalThresholdsAsTheDataDoes) {
    const auto set = accessatlas::styles::reference_set({"gp"}, {"walk"}, {"on foot"}, {7.5, 15}, {10});
    bool fractional = false, whole = false;
    for (const auto& f : set) {
        EXPECT_EQ(f.stem.find("pct_7.5"), std::string::npos) << f.stem;
        fractional = fractional || f.stem == "lsoa_access.gp_walk_pct_7_5";
        whole = whole || f.stem == "lsoa_access.gp_walk_pct_15";
    }
    EXPECT_TRUE(fractional);
    EXPECT_TRUE(whole);
}
