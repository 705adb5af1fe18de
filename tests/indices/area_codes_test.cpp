// Kinds of ONS area code and the hint given when a table does not join the areas.
#include <accessatlas/indices/area_codes.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace accessatlas::indices;

TEST(AreaCodes, KindsFromTheOnsRanges) {
    EXPECT_EQ(code_kind("E01000001"), CodeKind::lsoa_2011_or_2021);
    EXPECT_EQ(code_kind("E01033768"), CodeKind::lsoa_2011_or_2021);  // the last 2011 code in England
    EXPECT_EQ(code_kind("E01033769"), CodeKind::lsoa_2021_new);      // the first created in 2021
    EXPECT_EQ(code_kind("W01001958"), CodeKind::lsoa_2011_or_2021);
    EXPECT_EQ(code_kind("W01001959"), CodeKind::lsoa_2021_new);
    EXPECT_EQ(code_kind("E02002345"), CodeKind::msoa);
    EXPECT_EQ(code_kind("E00012345"), CodeKind::output_area);
    EXPECT_EQ(code_kind("S01006506"), CodeKind::data_zone);
    EXPECT_EQ(code_kind("E06000017"), CodeKind::local_authority);
    EXPECT_EQ(code_kind("E01035762"), CodeKind::lsoa_2021_new);  // the last in 2021
    EXPECT_EQ(code_kind("E01999999"), CodeKind::other);          // no LSOA in any year
    EXPECT_EQ(code_kind("Rutland 001A"), CodeKind::other);
    EXPECT_EQ(code_kind("E0101234"), CodeKind::other);  // eight characters
}

TEST(AreaCodes, HintsNameTheYearOrTheKind) {
    const std::vector<std::string> areas11{"E01013787", "E01013788", "E01013789"};
    // A 2021 table: two areas were split into new codes.
    const auto year = code_mismatch_hint({"E01035001", "E01035002"}, {"E01013788"}, areas11);
    EXPECT_NE(year.find("LSOA 2021"), std::string::npos) << year;
    EXPECT_NE(year.find("areas like LSOA 2011"), std::string::npos) << year;
    // 2021 areas, a 2011 table: the areas without a row have codes created in 2021.
    const std::vector<std::string> areas21{"E01013787", "E01035001", "E01035002"};
    const auto back = code_mismatch_hint({"E01013788"}, {"E01035001", "E01035002"}, areas21);
    EXPECT_NE(back.find("table looks like LSOA 2011"), std::string::npos) << back;
    // MSOA codes where LSOAs are expected.
    const auto msoa = code_mismatch_hint({"E02002345", "E02002346", "E02002347"}, areas11, areas11);
    EXPECT_NE(msoa.find("MSOA"), std::string::npos) << msoa;
    // Nothing stands out: a typo.
    EXPECT_EQ(code_mismatch_hint({"E01013790"}, {"E01013789"}, areas11), "");
}
