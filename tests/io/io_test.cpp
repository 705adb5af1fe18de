#include <accessatlas/error.hpp>
#include <accessatlas/io/layers.hpp>

#include <gtest/gtest.h>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <random>
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
    struct NullReporter : Reporter {
    } r;
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
}  // namespace

namespace {
// Rows of a one-column SQL query on a GeoPackage, as text.
std::vector<std::string> sql_rows(GDALDataset* ds, const std::string& sql) {
    std::vector<std::string> out;
    OGRLayer* r = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!r) return out;
    while (OGRFeature* f = r->GetNextFeature()) {
        out.emplace_back(f->GetFieldAsString(0));
        OGRFeature::DestroyFeature(f);
    }
    ds->ReleaseResultSet(r);
    return out;
}
// Features a filtered layer returns when read.
long long features_read(OGRLayer* layer) {
    long long n = 0;
    layer->ResetReading();
    while (OGRFeature* f = layer->GetNextFeature()) {
        ++n;
        OGRFeature::DestroyFeature(f);
    }
    return n;
}
}  // namespace

// The spatial index is packed by us, not filled by GDAL: it must pass SQLite's own check,
// answer every window query exactly as a scan would, and keep working for later edits.
TEST(GpkgWriter, ThePackedSpatialIndexAnswersLikeAScan) {
    const fs::path dir = fs::path(testing::TempDir()) / "rtree";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string out = (dir / "index.gpkg").string();
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> ux(430000.0, 460000.0), uy(290000.0, 320000.0), side(1.0, 800.0);
    std::vector<accessatlas::Point> points;
    for (int i = 0; i < 20000; ++i) points.push_back({ux(rng), uy(rng)});
    points.push_back({445000.123456789, 300000.987654321});  // off the float grid: rounding matters
    std::vector<std::array<double, 4>> boxes;                // polygons: x0, y0, x1, y1
    for (int i = 0; i < 300; ++i) {
        const double x = ux(rng), y = uy(rng);
        boxes.push_back({x, y, x + side(rng), y + side(rng)});
    }
    {
        io::GpkgWriter w(out);
        auto& p = w.create_layer("pts", io::GeometryKind::point, {{"v", io::FieldType::integer}});
        for (std::size_t i = 0; i < points.size(); ++i) p.add_point({static_cast<std::int64_t>(i)}, points[i]);
        auto& a = w.create_layer("areas", io::GeometryKind::polygon, {{"v", io::FieldType::integer}});
        for (std::size_t i = 0; i < boxes.size(); ++i) {
            const auto& b = boxes[i];
            const auto wkb = rectangle_wkb(b[0], b[1], b[2], b[3]);
            a.add({static_cast<std::int64_t>(i)}, &wkb);
        }
        auto& few = w.create_layer("one", io::GeometryKind::point, {{"v", io::FieldType::integer}});
        few.add_point({std::int64_t{0}}, {1, 2});
        w.create_layer("none", io::GeometryKind::point, {{"v", io::FieldType::integer}});
        w.commit();
    }
    // What GDAL itself sets up for an indexed layer: the same triggers are expected here.
    std::string gdal_triggers;
    {
        const std::string ref = (dir / "reference.gpkg").string();
        auto* r = GetGDALDriverManager()->GetDriverByName("GPKG")->Create(ref.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
        ASSERT_NE(r, nullptr);
        OGRLayer* l = r->CreateLayer("pts", nullptr, wkbPoint, nullptr);
        OGRFeature f(l->GetLayerDefn());
        f.SetGeometryDirectly(new OGRPoint(1, 1));
        ASSERT_EQ(l->CreateFeature(&f), OGRERR_NONE);
        GDALClose(r);
        r = static_cast<GDALDataset*>(GDALOpenEx(ref.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
        gdal_triggers = sql_rows(r, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree_pts_geom_%'").at(0);
        GDALClose(r);
    }
    ASSERT_NE(gdal_triggers, "0");
    auto* ds = static_cast<GDALDataset*>(GDALOpenEx(out.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr));
    ASSERT_NE(ds, nullptr);
    for (const char* t : {"pts", "areas", "one", "none"}) {
        EXPECT_EQ(sql_rows(ds, std::string("SELECT rtreecheck('rtree_") + t + "_geom')"), std::vector<std::string>{"ok"}) << t;
        EXPECT_EQ(
            sql_rows(ds, std::string("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree_") + t + "_geom_%'")
                .at(0),
            gdal_triggers)
            << t << ": the index's triggers are back";
    }
    EXPECT_EQ(sql_rows(ds, "SELECT count(*) FROM rtree_pts_geom").at(0), std::to_string(points.size()));
    std::uniform_real_distribution<double> w(10.0, 5000.0);
    for (int q = 0; q < 200; ++q) {
        const double x0 = ux(rng), y0 = uy(rng), x1 = x0 + w(rng), y1 = y0 + w(rng);
        OGRLayer* pts = ds->GetLayerByName("pts");
        pts->SetSpatialFilterRect(x0, y0, x1, y1);
        const auto scan_pts =
            std::count_if(points.begin(), points.end(), [&](const auto& p) { return p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1; });
        // Reading through the index, then GDAL's exact test: nothing may be missed.
        ASSERT_EQ(features_read(pts), scan_pts) << "window " << q;
        // Counting reads the index alone, whose float boxes hold their points with a margin
        // of a float's step (about 3 cm here): at most the points within that margin more.
        const auto widened = std::count_if(points.begin(), points.end(), [&](const auto& p) {
            return p.x >= x0 - 0.05 && p.x <= x1 + 0.05 && p.y >= y0 - 0.05 && p.y <= y1 + 0.05;
        });
        const auto counted = pts->GetFeatureCount(TRUE);
        ASSERT_GE(counted, scan_pts) << "window " << q;
        ASSERT_LE(counted, widened) << "window " << q;
        OGRLayer* areas = ds->GetLayerByName("areas");
        areas->SetSpatialFilterRect(x0, y0, x1, y1);
        const auto scan_areas =
            std::count_if(boxes.begin(), boxes.end(), [&](const auto& b) { return b[0] <= x1 && b[2] >= x0 && b[1] <= y1 && b[3] >= y0; });
        ASSERT_EQ(features_read(areas), scan_areas) << "window " << q;
    }
    // The point off the float grid is found by a window that only just holds it.
    OGRLayer* pts = ds->GetLayerByName("pts");
    pts->SetSpatialFilterRect(445000.123456789, 300000.987654321, 445000.123456789, 300000.987654321);
    EXPECT_EQ(features_read(pts), 1);
    // A feature added later is indexed by the restored triggers.
    pts->SetSpatialFilter(nullptr);
    OGRFeature f(pts->GetLayerDefn());
    f.SetGeometryDirectly(new OGRPoint(1000, 1000));
    ASSERT_EQ(pts->CreateFeature(&f), OGRERR_NONE);
    pts->SetSpatialFilterRect(999, 999, 1001, 1001);
    EXPECT_EQ(features_read(pts), 1);
    GDALClose(ds);
}

// A text field chosen as the population (the names beside the codes) is said once as the wrong
// field, not as 23 cells that are not numbers; a few bad cells are still listed one by one.
TEST(TableProblems, AFieldOfTextIsSaidOnceAsTheWrongField) {
    const std::string table = std::string(ACCESSATLAS_SAMPLE_DATA) + "/rutland/tables/population_mid2020_lsoa11_single_year_age.csv";
    CollectingReporter quiet;
    try {
        io::read_numeric_table(table, "lsoa11_code", "lsoa11_name", quiet);
        ADD_FAILURE() << "a field of names was read as numbers";
    } catch (const InputError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("field 'lsoa11_name' holds no usable numbers: 23 of 23 rows fail"), std::string::npos) << what;
        EXPECT_NE(what.find("choose the field that holds the numbers"), std::string::npos) << what;
        EXPECT_EQ(what.find("; line "), std::string::npos) << what;  // not listed row by row
    }
    io::TableProblems few("t.csv", "t");
    few.check("line 2", "population", [] { return io::parse_number("12", "t.csv", "t", "line 2", "population"); });
    few.check("line 3", "population", [] { return io::parse_number("n/a", "t.csv", "t", "line 3", "population"); });
    try {
        few.throw_if_any(2);
        ADD_FAILURE() << "a bad cell passed";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("1 problem in the table: line 3, field 'population'"), std::string::npos) << e.what();
    }
}

// One row per code: the first kept, an exact copy dropped and named, a differing row a problem
// naming both lines.
TEST(DuplicateRows, FirstKeptCopyDroppedConflictNamed) {
    io::AttributeTable t;
    t.header = {"code", "value"};
    t.rows = {{"A", "1"}, {"B", "2"}, {"A", "1"}, {"B", "3"}};
    t.row_label = {"line 2", "line 3", "line 4", "line 5"};
    io::TableProblems problems("t.csv", "t");
    io::DuplicateRows rows(t, "code", "keep one row per area");
    std::vector<bool> kept;
    for (std::size_t r = 0; r < t.rows.size(); ++r) kept.push_back(rows.first_of_its_code(t.rows[r][0], r, problems));
    EXPECT_EQ(kept, (std::vector<bool>{true, true, false, false}));
    EXPECT_EQ(rows.copies_warning(), "1 rows are exact copies of an earlier row and were dropped: A (line 4)");
    ASSERT_EQ(problems.size(), 1u);
    try {
        problems.throw_if_any(4);
        ADD_FAILURE();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("line 5, field 'code': duplicate area code B with other values than line 3"),
                  std::string::npos)
            << e.what();
    }
}
