#include <accessatlas/error.hpp>
#include <accessatlas/io.hpp>

#include <gtest/gtest.h>

#include <cstring>
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

namespace {
// A little-endian WKB rectangle (ISO and OGC agree for 2D polygons).
std::vector<unsigned char> rectangle_wkb(double x0, double y0, double x1, double y1) {
    const unsigned char head[13] = {1, 3, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0};
    const double xy[10] = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
    std::vector<unsigned char> out(sizeof(head) + sizeof(xy));
    std::memcpy(out.data(), head, sizeof(head));
    std::memcpy(out.data() + sizeof(head), xy, sizeof(xy));
    return out;
}
} // namespace

TEST(AreasBeyondCoverage, AreasWhoseBufferLeavesTheNetworksHullAreListed) {
    // Network nodes: a 1 km square's corners and a cloud inside (which must not matter).
    std::vector<accessatlas::Point> nodes{{0, 0}, {1000, 0}, {1000, 1000}, {0, 1000}};
    for (int i = 1; i < 100; ++i) nodes.push_back({10.0 * i, 5.0 * (i % 7) + 300});
    const std::vector<std::vector<unsigned char>> areas{
        rectangle_wkb(400, 400, 600, 600),  // 100 m buffer stays inside
        rectangle_wkb(850, 400, 950, 500),  // 100 m buffer reaches x = 1050
        rectangle_wkb(-50, -50, 10, 10),    // partly outside already
    };
    EXPECT_EQ(accessatlas::io::areas_beyond_coverage(areas, nodes, 100), (std::vector<std::uint32_t>{1, 2}));
    EXPECT_EQ(accessatlas::io::areas_beyond_coverage(areas, nodes, 40), (std::vector<std::uint32_t>{2}));
    // Collinear nodes enclose nothing: every area is beyond them.
    const std::vector<accessatlas::Point> line{{0, 0}, {500, 500}, {1000, 1000}};
    EXPECT_EQ(accessatlas::io::areas_beyond_coverage(areas, line, 1), (std::vector<std::uint32_t>{0, 1, 2}));
}
