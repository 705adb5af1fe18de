// What-if scenarios on a hand-made network where every time can be worked out on paper.
//
//   F1 (0,0) ---- way 1 ---- B (1000,0) ---- way 2 ---- F2 (2000,0)
//                            |
//                          way 3
//                            |
//                          (1000,1000)
//
// Residential roads, walking at 4.8 km/h: 1,000 m = 12.5 min. Origins (points with people):
// O1 at B (10 people), O2 at (1000,1000) (5), O3 at (1900,0) (1). One area holds them all.
// Baseline: O1 12.5 min, O2 25, O3 1.25 (to F2).
#include "support/temp_dir.hpp"
#include "support/test_network.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/job/job.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

using namespace accessatlas;
namespace fs = std::filesystem;

namespace {

class ScenariosJob : public test::TempDirTest {
protected:
    ScenariosJob() : TempDirTest("aa_scenarios_") {}
    void SetUp() override {
        const std::string crs = R"("crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}})";
        std::ofstream(dir / "roads.geojson") << R"({"type":"FeatureCollection",)" << crs << R"(,"features":[
{"type":"Feature","id":1,"properties":{"highway":"residential"},"geometry":{"type":"LineString","coordinates":[[0,0],[1000,0]]}},
{"type":"Feature","id":2,"properties":{"highway":"residential"},"geometry":{"type":"LineString","coordinates":[[1000,0],[2000,0]]}},
{"type":"Feature","id":3,"properties":{"highway":"residential"},"geometry":{"type":"LineString","coordinates":[[1000,0],[1000,1000]]}}]})";
        std::ofstream(dir / "gps.geojson") << R"({"type":"FeatureCollection",)" << crs << R"(,"features":[
{"type":"Feature","properties":{"code":"F1","fte":2},"geometry":{"type":"Point","coordinates":[0,0]}},
{"type":"Feature","properties":{"code":"F2","fte":1},"geometry":{"type":"Point","coordinates":[2000,0]}}]})";
        std::ofstream(dir / "origins.geojson") << R"({"type":"FeatureCollection",)" << crs << R"(,"features":[
{"type":"Feature","properties":{"pop":10},"geometry":{"type":"Point","coordinates":[1000,0]}},
{"type":"Feature","properties":{"pop":5},"geometry":{"type":"Point","coordinates":[1000,1000]}},
{"type":"Feature","properties":{"pop":1},"geometry":{"type":"Point","coordinates":[1900,0]}}]})";
        std::ofstream(dir / "areas.geojson") << R"({"type":"FeatureCollection",)" << crs << R"(,"features":[
{"type":"Feature","properties":{"code":"E01000001"},"geometry":{"type":"Polygon","coordinates":[[[-100,-100],[2100,-100],[2100,1100],[-100,1100],[-100,-100]]]}}]})";
        std::ofstream(dir / "closure.geojson") << R"({"type":"FeatureCollection",)" << crs << R"(,"features":[
{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[1400,-10],[1600,-10],[1600,10],[1400,10],[1400,-10]]]}}]})";
    }

    static std::string job_text(const std::string& scenarios) {
        return R"([job]
output = "out.gpkg"
[network]
path = "roads.geojson"
[areas]
path = "areas.geojson"
code_field = "code"
[origins]
method = "points"
path = "origins.geojson"
population_field = "pop"
[[services]]
name = "gp"
path = "gps.geojson"
id_field = "code"
supply_field = "fte"
[analysis]
modes = ["walk"]
thresholds_min = [15, 30]
max_snap_m = 500
edge_buffer_m = 0
[e2sfca]
decay = "none"
max_time_min = 30
)" + scenarios;
    }

    void run(const std::string& text) {
        auto j = job::parse_job(text, dir.string(), (dir / "job.toml").string());
        test::NullReporter quiet;
        job::run_job(j, quiet);
    }

    std::string error_of(const std::string& text) {
        try {
            run(text);
        } catch (const InputError& e) {
            return e.what();
        }
        return "no error";
    }

    // Field values of the first feature of a layer, or of every feature keyed by a field.
    std::map<std::string, double> area_row(const std::string& layer) {
        std::unique_ptr<GDALDataset> ds(
            static_cast<GDALDataset*>(GDALOpenEx((dir / "out.gpkg").c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
        EXPECT_TRUE(ds);
        std::map<std::string, double> row;
        auto* l = ds ? ds->GetLayerByName(layer.c_str()) : nullptr;
        EXPECT_TRUE(l) << layer;
        if (!l) return row;
        l->ResetReading();
        std::unique_ptr<OGRFeature> f(l->GetNextFeature());
        for (int i = 0; i < f->GetFieldCount(); ++i)
            row[f->GetFieldDefnRef(i)->GetNameRef()] = f->IsFieldSetAndNotNull(i) ? f->GetFieldAsDouble(i) : std::nan("");
        return row;
    }
    std::vector<double> origin_times(const std::string& layer) {
        std::unique_ptr<GDALDataset> ds(
            static_cast<GDALDataset*>(GDALOpenEx((dir / "out.gpkg").c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
        std::vector<double> t;
        auto* l = ds->GetLayerByName(layer.c_str());
        EXPECT_TRUE(l) << layer;
        if (!l) return t;
        for (auto& f : *l) {
            const int i = f->GetFieldIndex("gp_walk_time_min");
            t.push_back(f->IsFieldSetAndNotNull(i) ? f->GetFieldAsDouble(i) : std::nan(""));
        }
        return t;
    }
};

constexpr double base_mean = (10 * 12.5 + 5 * 25 + 1 * 1.25) / 16;

}  // namespace

TEST_F(ScenariosJob, ClosingAFacilityByHand) {
    run(job_text(R"([[scenarios]]
name = "f2_closes"
[[scenarios.services]]
service = "gp"
remove = ["F2"]
)"));
    const auto base = origin_times("origins_nearest");
    ASSERT_EQ(base.size(), 3u);
    EXPECT_NEAR(base[0], 12.5, 1e-9);
    EXPECT_NEAR(base[1], 25, 1e-9);
    EXPECT_NEAR(base[2], 1.25, 1e-9);
    const auto sc = origin_times("f2_closes_origins_nearest");
    EXPECT_NEAR(sc[0], 12.5, 1e-9);
    EXPECT_NEAR(sc[1], 25, 1e-9);
    EXPECT_NEAR(sc[2], 23.75, 1e-9);  // O3 now walks 1,900 m to F1
    auto d = area_row("f2_closes_lsoa_delta");
    EXPECT_NEAR(d["gp_walk_time_min_delta"], (10 * 12.5 + 5 * 25 + 1 * 23.75) / 16 - base_mean, 1e-9);
    EXPECT_DOUBLE_EQ(d["gp_walk_newly_beyond_15"], 1);  // O3
    EXPECT_DOUBLE_EQ(d["gp_walk_newly_beyond_30"], 0);
    EXPECT_DOUBLE_EQ(d["gp_walk_newly_within_15"], 0);
    EXPECT_DOUBLE_EQ(d["gp_walk_unreached_pop_delta"], 0);
    // E2SFCA without decay within 30 min. Baseline: F1 (2 FTE) serves all 16 people, F2 (1 FTE)
    // serves O1 and O3 (11): A = 2/16 + 1/11 per person for O1 and O3, 2/16 for O2. Scenario: 2/16.
    const double base_e2 = 1000 * (11 * (2.0 / 16 + 1.0 / 11) + 5 * (2.0 / 16)) / 16;
    EXPECT_NEAR(area_row("lsoa_access")["gp_walk_e2sfca_per_1000"], base_e2, 1e-9);
    EXPECT_NEAR(d["gp_walk_e2sfca_per_1000_delta"], 1000 * 2.0 / 16 - base_e2, 1e-9);
    auto s = area_row("scenario_summary");
    EXPECT_DOUBLE_EQ(s["facilities_baseline"], 2);
    EXPECT_DOUBLE_EQ(s["facilities_scenario"], 1);
    EXPECT_DOUBLE_EQ(s["people_newly_beyond_15"], 1);
    EXPECT_NEAR(s["mean_time_min_baseline"], base_mean, 1e-9);
}

TEST_F(ScenariosJob, OpeningAFacilityAndChangingSupply) {
    run(job_text(R"([[scenarios]]
name = "new_gp"
[[scenarios.services]]
service = "gp"
add = [{ id = "N1", name = "New surgery", x = 1000, y = 1000, supply = 3 }]
supply = { F1 = 4 }
)"));
    const auto sc = origin_times("new_gp_origins_nearest");
    EXPECT_NEAR(sc[0], 12.5, 1e-9);
    EXPECT_NEAR(sc[1], 0, 1e-9);  // O2 stands at the new surgery
    EXPECT_NEAR(sc[2], 1.25, 1e-9);
    auto d = area_row("new_gp_lsoa_delta");
    EXPECT_DOUBLE_EQ(d["gp_walk_newly_within_15"], 5);
    EXPECT_DOUBLE_EQ(d["gp_walk_newly_within_30"], 0);
    // Every origin is within 30 min of all three: A = (4 + 1... ) per person, F2 reaches O1 and
    // O3 only; N1 reaches O1 (12.5) and O2 (0) and O3 (13.75): all 16.
    const double e2 = 1000 * (11 * (4.0 / 16 + 1.0 / 11 + 3.0 / 16) + 5 * (4.0 / 16 + 3.0 / 16)) / 16;
    EXPECT_NEAR(area_row("new_gp_lsoa_access")["gp_walk_e2sfca_per_1000"], e2, 1e-9);
}

TEST_F(ScenariosJob, SupplyAsAListOfIdValueTextsAsTheCommandLineWritesIt) {
    run(job_text(R"([[scenarios]]
name = "listed"
[[scenarios.services]]
service = "gp"
supply = ["F1 = 4", "F2=0.5"]
)"));
    // Nothing moves, so times are unchanged; F1 serves all 16 people, F2 O1 and O3 (11).
    const double base_e2 = 1000 * (11 * (2.0 / 16 + 1.0 / 11) + 5 * (2.0 / 16)) / 16;
    const double e2 = 1000 * (11 * (4.0 / 16 + 0.5 / 11) + 5 * (4.0 / 16)) / 16;
    EXPECT_NEAR(area_row("listed_lsoa_access")["gp_walk_e2sfca_per_1000"], e2, 1e-9);
    EXPECT_NEAR(area_row("listed_lsoa_delta")["gp_walk_e2sfca_per_1000_delta"], e2 - base_e2, 1e-9);
    EXPECT_DOUBLE_EQ(area_row("listed_lsoa_delta")["gp_walk_time_min_delta"], 0);
    // Each malformed entry is refused, named, with the form to write.
    for (const char* bad : {"F1", "=4", "F1=", "F1=four", "F1=-2", "F1=4x"}) {
        const std::string e = error_of(job_text(std::string("[[scenarios]]\nname = \"x\"\n[[scenarios.services]]\nservice = \"gp\"\n"
                                                            "supply = [\"") +
                                                bad + "\"]\n"));
        EXPECT_NE(e.find(std::string("'") + bad + "' is not id=value"), std::string::npos) << bad << ": " << e;
        EXPECT_NE(e.find("supply = [\"G1=4\""), std::string::npos) << e;
    }
}

TEST_F(ScenariosJob, ClosingRoadsByWayIdAndByPolygonAgree) {
    // Way 2 closed: F2 is 1,000 m from any open road (excluded), O3 900 m (not snapped, unreached).
    run(job_text(R"([[scenarios]]
name = "by_id"
[scenarios.roads]
close_ways = [2]
[[scenarios]]
name = "by_area"
[scenarios.roads]
close_area = "closure.geojson"
)"));
    for (const std::string name : {"by_id", "by_area"}) {
        const auto sc = origin_times(name + "_origins_nearest");
        EXPECT_NEAR(sc[0], 12.5, 1e-9) << name;
        EXPECT_NEAR(sc[1], 25, 1e-9) << name;
        EXPECT_TRUE(std::isnan(sc[2])) << name;
        auto d = area_row(name + "_lsoa_delta");
        EXPECT_DOUBLE_EQ(d["gp_walk_unreached_pop_delta"], 1) << name;
        EXPECT_DOUBLE_EQ(d["gp_walk_newly_beyond_15"], 1) << name;
        EXPECT_DOUBLE_EQ(d["gp_walk_newly_beyond_30"], 1) << name;
    }
    EXPECT_DOUBLE_EQ(area_row("scenario_summary")["closed_edges"], 1);
}

TEST_F(ScenariosJob, FasterWalkingHalvesEveryTime) {
    run(job_text(R"([[scenarios]]
name = "brisk"
[scenarios.speeds.walk]
factor = 2
)"));
    const auto sc = origin_times("brisk_origins_nearest");
    EXPECT_NEAR(sc[0], 6.25, 1e-9);
    EXPECT_NEAR(sc[1], 12.5, 1e-9);
    EXPECT_NEAR(sc[2], 0.625, 1e-9);
    EXPECT_DOUBLE_EQ(area_row("brisk_lsoa_delta")["gp_walk_newly_within_15"], 5);
}

TEST_F(ScenariosJob, MistakesNameTheScenarioAndWhatToFix) {
    EXPECT_NE(error_of(job_text("[[scenarios]]\nname = \"x\"\n[[scenarios.services]]\nservice = \"gp\"\nremove = [\"F9\"]\n"))
                  .find("scenario 'x': there is no gp facility with id 'F9'"),
              std::string::npos);
    EXPECT_NE(error_of(job_text("[[scenarios]]\nname = \"x\"\n[scenarios.roads]\nclose_ways = [77]\n")).find("not in the network: 77"),
              std::string::npos);
    EXPECT_NE(error_of(job_text("[[scenarios]]\nname = \"x\"\n[[scenarios.services]]\nservice = \"gq\"\n")).find("did you mean 'gp'"),
              std::string::npos);
    EXPECT_NE(error_of(job_text("[[scenarios]]\nname = \"Bad Name\"\n")).find("lower-case"), std::string::npos);
    EXPECT_NE(error_of(job_text("[[scenarios]]\nname = \"x\"\n[[scenarios.services]]\nservice = \"gp\"\nremove = [\"F1\", \"F2\"]\n"))
                  .find("leaves no gp facility"),
              std::string::npos);
    EXPECT_NE(error_of(job_text("[[scenarios]]\nname = \"x\"\n[scenarios.speeds.drive]\nfactor = 2\n")).find("not a mode of this job"),
              std::string::npos);
}
