// The Newport sample end to end with public transport (real OSM, bus and rail GTFS for
// Tuesday 5 March 2024): the baseline and three scenarios in one run, read back through GDAL.
//  - transit is never slower than walking; best <= p25 <= p50 <= p75 in every LSOA;
//  - withdrawing the busiest route in the window never makes any LSOA faster, and slows some;
//  - the early window (05:00-06:00) is slower on average than 07:00-10:00;
//  - the LSOAs beyond the extract are named, served = 0, and carry no numbers.
#include "support/layers_match.hpp"
#include "support/test_network.hpp"

#include <accessatlas/job/job.hpp>
#include <accessatlas/transit/timetable.hpp>

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <array>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

using namespace accessatlas;

namespace {

struct CollectWarnings : Reporter {
    std::vector<std::string> warnings;
    void warning(std::string_view m) override { warnings.emplace_back(m); }
};

const std::string newport = std::string(ACCESSATLAS_SAMPLE_DATA) + "/newport";

// The route (short name) with the most trips leaving within 07:00-10:00 in the bus feed.
std::string busiest_route() {
    test::NullReporter quiet;
    const auto tt = transit::read_gtfs({newport + "/gtfs/bus_bods_2024-03-05_newport.zip"}, "2024-03-05", quiet);
    std::map<std::string, int> trips;
    for (const auto& t : tt.trips) {
        const int dep = tt.events[t.first_event].departure;
        if (dep >= 7 * 3600 && dep < 10 * 3600) ++trips[tt.routes[t.route].id];
    }
    std::string best;
    for (const auto& [id, n] : trips)
        if (best.empty() || n > trips[best]) best = id;
    return best;
}

using Rows = std::map<std::string, std::map<std::string, double>>;  // lsoa -> field -> value (NaN = null)

Rows read_rows(GDALDataset* ds, const std::string& layer_name) {
    Rows rows;
    OGRLayer* layer = ds->GetLayerByName(layer_name.c_str());
    if (!layer) return rows;
    for (auto& f : *layer) {
        auto& row = rows[f->GetFieldAsString("lsoa_code")];
        for (int i = 0; i < f->GetFieldCount(); ++i)
            row[f->GetFieldDefnRef(i)->GetNameRef()] = f->IsFieldSetAndNotNull(i) ? f->GetFieldAsDouble(i) : std::nan("");
    }
    return rows;
}

class NewportJob : public testing::Test {
protected:
    static void SetUpTestSuite() {
        route = busiest_route();
        std::ifstream in(newport + "/job.toml");
        std::stringstream text;
        text << in.rdbuf();
        text << "\n[[scenarios]]\nname = \"no_busiest\"\ntransit = { remove_routes = [\"" << route << "\"] }\n"
             << "\n[[scenarios]]\nname = \"early\"\ntransit = { window_start = \"05:00\", window_end = \"06:00\" }\n";
        auto job = job::parse_job(text.str(), newport, newport + "/job.toml");
        job.output = testing::TempDir() + "/newport_e2e.gpkg";
        job.catchments.enabled = false;  // polygons are tested elsewhere; keep this quick
        summary = new job::RunSummary(job::run_job(job, reporter));
        GDALAllRegister();
        auto* ds = static_cast<GDALDataset*>(GDALOpenEx(job.output.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
        ASSERT_NE(ds, nullptr);
        base = read_rows(ds, "lsoa_access");
        if (OGRLayer* w = ds->GetLayerByName("run_warnings"))
            for (auto& f : *w)
                warning_rows.push_back({f->GetFieldAsString("kind"), f->GetFieldAsString("code"), f->GetFieldAsString("feature_id")});
        no_busiest = read_rows(ds, "no_busiest_lsoa_access");
        early = read_rows(ds, "early_lsoa_access");
        GDALClose(ds);
        ran = job;
    }
    static void TearDownTestSuite() { delete summary; }
    static inline job::Job ran;
    static inline job::RunSummary* summary = nullptr;
    static inline CollectWarnings reporter;
    static inline std::string route;
    static inline Rows base, no_busiest, early;
    static inline std::vector<std::array<std::string, 3>> warning_rows;  // kind, code, feature id
};

// The areas' code field, the population table's code field and its population field left out
// of the job: guessed from the data (said once each) and the very same results as naming them.
TEST_F(NewportJob, LeftOutFieldsAreGuessedWithTheSameResults) {
    std::ifstream in(newport + "/job.toml");
    std::stringstream text;
    text << in.rdbuf();
    std::string toml = text.str();
    for (const std::string line : {"code_field = \"LSOA11CD\"\n", "code_field = \"lsoa11_code\"\nfield = \"total_population\"\n"}) {
        const auto at = toml.find(line);
        ASSERT_NE(at, std::string::npos) << line;
        toml.erase(at, line.size());
    }
    auto job = job::parse_job(toml, newport, newport + "/job.toml");
    EXPECT_EQ(job.area_code_field, "LSOA11CD");
    EXPECT_EQ(job.population_code_field, "lsoa11_code");
    EXPECT_EQ(job.population_field, "total_population");
    EXPECT_EQ(job.guessed_fields.size(), 3u);
    job.output = testing::TempDir() + "/newport_guessed.gpkg";
    job.catchments.enabled = false;  // as the fixture's run
    CollectWarnings warnings;
    job::run_job(job, warnings);
    std::size_t said = 0;
    for (const auto& w : warnings.warnings) said += w.find(" not given") != std::string::npos;
    EXPECT_EQ(said, 3u);
    std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpenEx(job.output.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    ASSERT_NE(ds, nullptr);
    const Rows guessed = read_rows(ds.get(), "lsoa_access");
    ASSERT_EQ(guessed.size(), base.size());
    for (const auto& [code, fields] : base) {
        ASSERT_TRUE(guessed.count(code)) << code;
        for (const auto& [field, value] : fields) {
            const double other = guessed.at(code).at(field);
            EXPECT_TRUE(value == other || (std::isnan(value) && std::isnan(other)))
                << code << " " << field << ": " << value << " vs " << other;
        }
    }
}

// Transit columns, scenarios and their deltas: every layer as its description says.
TEST_F(NewportJob, EveryLayerIsAsItsDescriptionSays) {
    std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpenEx(ran.output.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    test::expect_layers_as_described(ds.get(), ran);
}

double weighted_mean(const Rows& rows, const std::string& field) {
    double sum = 0, pop = 0;
    for (const auto& [code, r] : rows)
        if (std::isfinite(r.at(field))) {
            sum += r.at("population") * r.at(field);
            pop += r.at("population");
        }
    return sum / pop;
}

}  // namespace

TEST_F(NewportJob, TransitIsNeverSlowerThanWalkingAndItsPercentilesAreOrdered) {
    ASSERT_EQ(base.size(), 95u);
    std::size_t served = 0, faster = 0;
    for (const auto& [code, r] : base) {
        if (r.at("served") == 0) continue;
        ++served;
        for (const char* s : {"gp", "pharmacy", "hospital"}) {
            const std::string p = std::string(s) + "_transit_";
            const double walk = r.at(std::string(s) + "_walk_time_min"), transit = r.at(p + "time_min");
            ASSERT_TRUE(std::isfinite(transit)) << code << " " << s;
            EXPECT_LE(transit, walk + 1e-9) << code << " " << s;
            faster += transit < walk - 0.5;
            EXPECT_LE(r.at(p + "best_min"), r.at(p + "p25_min") + 1e-9) << code;
            EXPECT_LE(r.at(p + "p25_min"), r.at(p + "p50_min") + 1e-9) << code;
            EXPECT_LE(r.at(p + "p50_min"), r.at(p + "p75_min") + 1e-9) << code;
            EXPECT_GE(r.at(p + "pct_30"), r.at(std::string(s) + "_walk_pct_30") - 1e-9) << code;
        }
    }
    EXPECT_EQ(served, 54u);  // the centroids inside the extract (shared data README)
    EXPECT_GT(faster, 20u);  // buses matter: not just walking again
}

TEST_F(NewportJob, AreasBeyondTheExtractAreNamedAndCarryNoNumbers) {
    std::size_t unserved = 0;
    for (const auto& [code, r] : base) {
        if (r.at("served") != 0) continue;
        ++unserved;
        for (const char* f : {"gp_transit_time_min", "gp_walk_time_min", "gp_drive_pct_15", "gp_transit_unreached_pop"})
            EXPECT_TRUE(std::isnan(r.at(f))) << code << " " << f;
    }
    EXPECT_EQ(unserved, 41u);
    // Each is a row of run_warnings, joinable by code; so are the 6 practices beyond the extract.
    std::size_t rows = 0, practices = 0;
    for (const auto& r : warning_rows) {
        if (r[0] == "area_not_served") {
            ++rows;
            ASSERT_TRUE(base.count(r[1])) << r[1];
            EXPECT_EQ(base.at(r[1]).at("served"), 0) << r[1];
        }
        practices += r[0] == "facility_beyond_coverage";
    }
    EXPECT_EQ(rows, 41u);
    EXPECT_EQ(practices, 6u);
    bool named = false;
    for (const auto& w : reporter.warnings)
        named = named || (w.find("41 of 95 areas are not served") != std::string::npos && w.find("W01") != std::string::npos);
    EXPECT_TRUE(named);
}

TEST_F(NewportJob, WithdrawingTheBusiestRouteNeverMakesAnyAreaFaster) {
    ASSERT_FALSE(route.empty());
    ASSERT_EQ(no_busiest.size(), base.size());
    std::size_t slower = 0;
    for (const auto& [code, r] : base) {
        if (r.at("served") == 0) continue;
        for (const char* s : {"gp", "pharmacy", "hospital"})
            for (const char* stat : {"time_min", "p25_min", "p50_min", "p75_min", "best_min"}) {
                const std::string f = std::string(s) + "_transit_" + stat;
                EXPECT_GE(no_busiest.at(code).at(f), r.at(f) - 1e-9) << code << " " << f << " without route " << route;
                slower += no_busiest.at(code).at(f) > r.at(f) + 0.01;
            }
        // Walking is untouched by a timetable change.
        EXPECT_DOUBLE_EQ(no_busiest.at(code).at("gp_walk_time_min"), r.at("gp_walk_time_min"));
    }
    EXPECT_GT(slower, 0u) << "withdrawing route " << route << " changed nothing";
}

TEST_F(NewportJob, TheMorningPeakIsQuickerThanFiveToSix) {
    for (const char* s : {"gp", "pharmacy", "hospital"}) {
        const std::string f = std::string(s) + "_transit_time_min";
        EXPECT_LT(weighted_mean(base, f), weighted_mean(early, f)) << f;
    }
}
