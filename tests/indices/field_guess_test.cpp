// Guessing the fields a job or a dialog leaves out: the area code field from the values, the
// population field from the name, and no guess when two fields are equally likely.
#include <accessatlas/indices/field_guess.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

using namespace accessatlas;
using namespace accessatlas::indices;

namespace {

io::AttributeTable table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows) {
    io::AttributeTable t;
    t.header = std::move(header);
    t.rows = std::move(rows);
    return t;
}

std::string write_file(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() / name;
    std::ofstream(path) << text;
    return path.string();
}

}  // namespace

TEST(FieldGuess, TheCodeFieldIsTheOneHoldingLsoaCodesNotTheFirst) {
    // What the QGIS dialog used to offer first (the name) is not it; LSOAs beat the district.
    const auto t = table({"lsoa11_name", "ltla_code", "lsoa11_code", "people"}, {{"Rutland 001A", "E06000017", "E01013681", "1500"},
                                                                                 {"Rutland 001B", "E06000017", "e01013682 ", "1600"},
                                                                                 {"Rutland 002A", "E06000017", "", "1700"}});
    const auto g = guess_code_column(t);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->field, "lsoa11_code");
    EXPECT_NE(g->reason.find("LSOA codes like E01013681 (2 of 3 rows)"), std::string::npos) << g->reason;
}

TEST(FieldGuess, NoCodeFieldWhenFewValuesAreCodes) {
    EXPECT_FALSE(guess_code_column(table({"name", "code"}, {{"a", "E01013681"}, {"b", "x"}, {"c", "y"}, {"d", "E01013682"}})));
    EXPECT_FALSE(guess_code_column(table({"name"}, {})));
    // Another kind alone is still a code field (the join then names the kind).
    const auto msoa = guess_code_column(table({"msoa"}, {{"E02002345"}, {"E02002346"}}));
    ASSERT_TRUE(msoa);
    EXPECT_NE(msoa->reason.find("MSOA"), std::string::npos) << msoa->reason;
}

TEST(FieldGuess, PopulationByNameAmongNumericFields) {
    const auto t =
        table({"lsoa11_code", "population_density", "total_population", "0", "1"},
              {{"E01013681", "12.5", "1500", "10", "12"}, {"E01013682", "3.1", "1 600", "11", "9"}, {"E01013683", "2", "1700", "9", "8"}});
    const auto g = guess_population_column(t);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->field, "total_population");  // not the density, even if it holds numbers
}

TEST(FieldGuess, NoPopulationGuessWhenTwoFitEqually) {
    // Census tables hold several counts: the user must choose.
    EXPECT_FALSE(guess_population_column(table({"LSOA11CD", "pop_16_plus", "pop_16_to_74"}, {{"E01013681", "900", "800"}})));
    // A population-named field of text is no count.
    EXPECT_FALSE(guess_population_column(table({"code", "population"}, {{"E01013681", "many"}, {"E01013682", "few"}})));
    // The exact name wins over names that merely contain it.
    const auto g = guess_population_column(table({"code", "pop_16_plus", "Population"}, {{"E01013681", "900", "1200"}}));
    ASSERT_TRUE(g);
    EXPECT_EQ(g->field, "Population");
}

TEST(FieldGuess, NomisDownloadWithTitleLines) {
    // The header is found from the data (the first line holding codes), past Nomis's titles.
    const std::string path = std::string(ACCESSATLAS_TEST_DATA) + "/nomis_rm121_extract.csv";
    const auto code = guess_code_field(path, {});
    ASSERT_TRUE(code);
    EXPECT_EQ(code->field, "2021 super output area - lower layer");
    const auto pop = guess_population_field(path, {});
    ASSERT_TRUE(pop);
    EXPECT_EQ(pop->field, "Total");
}

TEST(FieldGuess, SemicolonTable) {
    const auto path = write_file("accessatlas_guess_semicolon.csv", "Name;Code;Residents\nA;W01001600;1200\nB;W01001601;1300\n");
    const auto code = guess_code_field(path, {});
    ASSERT_TRUE(code);
    EXPECT_EQ(code->field, "Code");
    const auto pop = guess_population_field(path, {});
    ASSERT_TRUE(pop);
    EXPECT_EQ(pop->field, "Residents");
    std::filesystem::remove(path);
}

TEST(FieldGuess, SampleLayersAndTables) {
    const std::string data = ACCESSATLAS_SAMPLE_DATA;
    EXPECT_EQ(guess_code_field(data + "/newport/boundaries/lsoa11.geojson", {}).value().field, "LSOA11CD");
    EXPECT_EQ(guess_code_field(data + "/rutland/boundaries/lsoa11.geojson", {}).value().field, "lsoa11_code");
    EXPECT_EQ(guess_code_field(data + "/rutland/tables/population_mid2020_lsoa11_single_year_age.csv", {}).value().field, "lsoa11_code");
    EXPECT_EQ(guess_population_field(data + "/rutland/tables/population_mid2020_lsoa11_single_year_age.csv", {}).value().field,
              "total_population");
    // OA and LSOA codes side by side: the LSOA column.
    EXPECT_EQ(guess_code_field(data + "/leicester/tables/census2011_oa11_qualifications_unemployment.csv", {}).value().field, "LSOA11CD");
}
