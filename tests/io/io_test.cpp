#include <accessatlas/error.hpp>
#include <accessatlas/io.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace accessatlas;
namespace fs = std::filesystem;

TEST(ParseNumber, AcceptsPlainNumbersAndNamesThePlaceOtherwise) {
    EXPECT_DOUBLE_EQ(io::parse_number(" 12.5 ", "f", "l", "1", "pop"), 12.5);
    EXPECT_DOUBLE_EQ(io::parse_number("-3e2", "f", "l", "1", "pop"), -300);
    try {
        io::parse_number("1,234", "pop.csv", "pop", "row 7", "total");
        FAIL();
    } catch (const InputError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("pop.csv"), std::string::npos) << m;
        EXPECT_NE(m.find("row 7"), std::string::npos) << m;
        EXPECT_NE(m.find("field 'total'"), std::string::npos) << m;
        EXPECT_NE(m.find("thousands separator"), std::string::npos) << m;
    }
    EXPECT_THROW(io::parse_number("abc", "f", "l", "1", "x"), InputError);
    EXPECT_THROW(io::parse_number("nan", "f", "l", "1", "x"), InputError);
    EXPECT_THROW(io::parse_number("inf", "f", "l", "1", "x"), InputError);
    EXPECT_THROW(io::parse_number("", "f", "l", "1", "x"), InputError);
}

TEST(GpkgWriter, AnUncommittedWriteLeavesThePreviousOutputAndNoTemporaryFile) {
    const fs::path dir = fs::path(testing::TempDir()) / "atomic";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string out = (dir / "result.gpkg").string();
    {
        io::GpkgWriter w(out);
        auto& l = w.create_layer("t", io::GeometryKind::point, {{"v", io::FieldType::integer}});
        l.add_point({std::int64_t{1}}, {0, 0});
        w.commit();
    }
    const auto size_before = fs::file_size(out);
    {
        io::GpkgWriter w(out);
        auto& l = w.create_layer("t", io::GeometryKind::point, {{"v", io::FieldType::integer}});
        for (int i = 0; i < 1000; ++i) l.add_point({std::int64_t{i}}, {1.0 * i, 0});
        // no commit: as if the run failed
    }
    EXPECT_EQ(fs::file_size(out), size_before);
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        (void)e;
        ++files;
    }
    EXPECT_EQ(files, 1) << "no stray temporary file";
}

TEST(ReadLayer, MissingFileAndFieldAreNamed) {
    struct NullReporter : Reporter {} r;
    try {
        io::read_layer("/nonexistent/x.geojson", "", io::GeometryKind::point, {}, r);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("file not found"), std::string::npos) << e.what();
    }
    const std::string gp = std::string(ACCESSATLAS_SAMPLE_DATA) + "/rutland/services/nhs_choices_2014_gp.geojson";
    try {
        io::read_layer(gp, "", io::GeometryKind::point, {"OrganisationNam"}, r);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("field 'OrganisationNam'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("OrganisationName"), std::string::npos) << "lists the fields: " << e.what();
    }
    try {
        io::read_layer(gp, "", io::GeometryKind::polygon, {}, r);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("expected polygons"), std::string::npos) << e.what();
    }
}
