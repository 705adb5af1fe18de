#include "support/layers_match.hpp"
#include "support/test_network.hpp"
// The Rutland sample job end to end, read back through GDAL and checked for sanity.
#include <accessatlas/job/job.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using namespace accessatlas;

namespace {

// Records the stages and the one overall progress a run reports.
struct ProgressRecorder : Reporter {
    std::vector<std::string> stages;
    std::vector<double> overall_values;
    std::vector<double> overall_at_stage;  // the overall value when each stage began
    void stage(std::string_view name) override {
        stages.emplace_back(name);
        overall_at_stage.push_back(overall_values.empty() ? 0 : overall_values.back());
    }
    void overall(double f) override { overall_values.push_back(f); }
};

class RutlandJob : public testing::Test {
protected:
    static void SetUpTestSuite() {
        auto job = job::load_job(std::string(ACCESSATLAS_SAMPLE_DATA) + "/rutland/job.toml");
        job.output = testing::TempDir() + "/rutland_e2e.gpkg";
        ran = new job::Job(job);
        progress = new ProgressRecorder;
        summary = new job::RunSummary(job::run_job(job, *progress));
        GDALAllRegister();
        ds = static_cast<GDALDataset*>(GDALOpenEx(job.output.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
    }
    static void TearDownTestSuite() {
        GDALClose(ds);
        delete summary;
        delete progress;
        delete ran;
    }
    static job::RunSummary* summary;
    static GDALDataset* ds;
    static ProgressRecorder* progress;
    static job::Job* ran;
};
job::RunSummary* RutlandJob::summary = nullptr;
GDALDataset* RutlandJob::ds = nullptr;
ProgressRecorder* RutlandJob::progress = nullptr;
job::Job* RutlandJob::ran = nullptr;
}  // namespace

// One progress bar for the whole run: it never goes back, ends at 1, and the estimate of the
// stages is close enough that the bar neither stalls near the end early nor jumps at the end.
// Stages advance it by their typical cost (stage_costs.hpp): the catchment polygons, most of
// Rutland's run time, take most of the bar, a road routing stage a sliver.
TEST_F(RutlandJob, OneOverallProgressFromZeroToOne) {
    const auto& p = *progress;
    ASSERT_GT(p.stages.size(), 10u);
    ASSERT_FALSE(p.overall_values.empty());
    for (std::size_t i = 1; i < p.overall_values.size(); ++i) EXPECT_GE(p.overall_values[i], p.overall_values[i - 1]) << i;
    EXPECT_EQ(p.overall_values.back(), 1.0);
    EXPECT_EQ(p.overall_values.front() >= 0, true);
    // The writing stage is the last: the bar is nearly full, not yet stuck at its 0.99 cap.
    ASSERT_EQ(p.stages.back().rfind("Writing", 0), 0u) << p.stages.back();
    EXPECT_GT(p.overall_at_stage.back(), 0.9);
    EXPECT_LT(p.overall_at_stage.back(), 0.99);
    // How far the bar moves over a stage: from its start to the next stage's start.
    const auto share = [&](const std::string& prefix) {
        for (std::size_t i = 0; i + 1 < p.stages.size(); ++i)
            if (p.stages[i].rfind(prefix, 0) == 0) return p.overall_at_stage[i + 1] - p.overall_at_stage[i];
        ADD_FAILURE() << "no stage " << prefix;
        return 0.0;
    };
    const double polygons = share("Service-area polygons for gp (drive)");
    const double routing = share("Routing to the nearest pharmacy (walk)");
    EXPECT_GT(polygons, 0.15);
    EXPECT_GT(polygons, 20 * routing);
    EXPECT_GT(routing, 0);
    // Walking polygons reach a tenth of the streets a drive's do: a far smaller share.
    EXPECT_LT(share("Service-area polygons for gp (walk)"), polygons / 5);
}

// Access, catchments, E2SFCA, green space, DERI, the composite, clusters, inequality: every layer
// as its description says (the same descriptions give docs/layers.md).
TEST_F(RutlandJob, EveryLayerIsAsItsDescriptionSays) { test::expect_layers_as_described(ds, *ran); }

TEST_F(RutlandJob, EveryLsoaIsPresentWithPositiveFiniteTimes) {
    ASSERT_NE(ds, nullptr);
    OGRLayer* layer = ds->GetLayerByName("lsoa_access");
    ASSERT_NE(layer, nullptr);
    EXPECT_EQ(layer->GetFeatureCount(), 23);
    double population = 0;
    for (auto& f : *layer) {
        population += f->GetFieldAsDouble("population");
        for (const char* service : {"gp", "pharmacy", "hospital"})
            for (const char* mode : {"walk", "drive"}) {
                const std::string field = std::string(service) + "_" + mode + "_time_min";
                ASSERT_TRUE(f->IsFieldSetAndNotNull(f->GetFieldIndex(field.c_str()))) << field << " " << f->GetFieldAsString("lsoa_code");
                const double t = f->GetFieldAsDouble(field.c_str());
                EXPECT_GT(t, 0) << field;
                EXPECT_TRUE(std::isfinite(t)) << field;
                const double pct = f->GetFieldAsDouble((std::string(service) + "_" + mode + "_pct_60").c_str());
                EXPECT_GE(pct, 0);
                EXPECT_LE(pct, 100.0 + 1e-9);
            }
        // Walking is slower than driving, for every LSOA and service.
        for (const char* service : {"gp", "pharmacy", "hospital"})
            EXPECT_GT(f->GetFieldAsDouble((std::string(service) + "_walk_time_min").c_str()),
                      f->GetFieldAsDouble((std::string(service) + "_drive_time_min").c_str()));
    }
    // Mid-2020 estimate for Rutland's 23 LSOAs (ONS): about 40,000 people.
    EXPECT_NEAR(population, 40476, 1000);
}

TEST_F(RutlandJob, OakhamIsNearerAGpThanTheRuralLsoas) {
    OGRLayer* layer = ds->GetLayerByName("lsoa_access");
    // ONS 2011 rural-urban classification (data/rutland/tables/rural_urban_class_lsoa11.csv):
    // the six "Urban city and town" (C1) LSOAs are Oakham; E1 are "Rural village".
    const std::set<std::string> oakham{"E01013798", "E01013799", "E01013800", "E01013801", "E01013802", "E01013803"};
    const std::set<std::string> villages{"E01013787", "E01013788", "E01013789", "E01013790", "E01013794",
                                         "E01013795", "E01013796", "E01013797", "E01013809"};
    double oakham_sum = 0, village_sum = 0, oakham_worst = 0, village_best = 1e9;
    OGRPoint market_place(486150, 308700);  // Oakham's centre, EPSG:27700
    double centre_time = -1;
    for (auto& f : *layer) {
        const std::string code = f->GetFieldAsString("lsoa_code");
        const double t = f->GetFieldAsDouble("gp_walk_time_min");
        if (oakham.count(code)) {
            oakham_sum += t;
            oakham_worst = std::max(oakham_worst, t);
        }
        if (villages.count(code)) {
            village_sum += t;
            village_best = std::min(village_best, t);
        }
        if (f->GetGeometryRef()->Contains(&market_place)) centre_time = t;
    }
    EXPECT_LT(oakham_sum / 6, 0.5 * village_sum / 9) << "Oakham's mean walk to a GP is under half the villages'";
    EXPECT_LT(oakham_worst, 30.0);
    EXPECT_GT(village_best, 20.0);
    EXPECT_GT(centre_time, 0);
    EXPECT_LT(centre_time, 15.0) << "the LSOA holding Oakham's market place is within 15 min of a GP on foot";
}

TEST_F(RutlandJob, OffNetworkFacilitiesAreReportedAndFlagged) {
    bool warned = false;
    for (const auto& w : summary->warnings) warned = warned || w.find("facilities lie more than 500 m") != std::string::npos;
    EXPECT_TRUE(warned);
    OGRLayer* f = ds->GetLayerByName("facilities");
    ASSERT_NE(f, nullptr);
    f->SetAttributeFilter("service = 'gp' AND snapped = 1");
    const auto snapped = f->GetFeatureCount();
    EXPECT_GT(snapped, 3);
    EXPECT_LT(snapped, 30) << "GPs across Leicestershire must not be snapped onto Rutland's network";
    OGRLayer* o = ds->GetLayerByName("origins_nearest");
    ASSERT_NE(o, nullptr);
    EXPECT_GT(o->GetFeatureCount(), 1000);
}

TEST_F(RutlandJob, TheNetworkEdgeIsWarnedAbout) {
    bool warned = false;
    for (const auto& w : summary->warnings) warned = warned || w.find("does not reach 5.0 km beyond") != std::string::npos;
    EXPECT_TRUE(warned) << "the Rutland extract stops at the county boundary";
}

TEST_F(RutlandJob, E2sfcaConservesSupplyAcrossTheLsoas) {
    for (const char* mode : {"walk", "drive"}) {
        const std::string field = std::string("gp_") + mode + "_e2sfca_per_1000";
        OGRLayer* lsoa = ds->GetLayerByName("lsoa_access");
        double people_times_access = 0;
        for (auto& f : *lsoa) {
            const int i = f->GetFieldIndex(field.c_str());
            ASSERT_GE(i, 0) << field;
            if (f->IsFieldSetAndNotNull(i)) people_times_access += f->GetFieldAsDouble(i) / 1000.0 * f->GetFieldAsDouble("population");
        }
        OGRLayer* supply = ds->GetLayerByName((std::string("gp_") + mode + "_supply").c_str());
        ASSERT_NE(supply, nullptr);
        double total_supply = 0;
        int with_demand = 0;
        for (auto& f : *supply)
            if (f->GetFieldAsDouble("demand") > 0) {
                total_supply += f->GetFieldAsDouble("supply");
                ++with_demand;
            }
        EXPECT_GT(with_demand, 3) << mode;
        EXPECT_NEAR(people_times_access, total_supply, 1e-6 * total_supply) << mode;
    }
}

TEST_F(RutlandJob, CatchmentsAreNestedAndCoverageGrows) {
    OGRLayer* c = ds->GetLayerByName("gp_walk_catchments");
    ASSERT_NE(c, nullptr);
    std::map<std::string, std::vector<std::pair<double, double>>> within;  // facility -> (area, population) by threshold
    int bands = 0;
    for (auto& f : *c) {
        if (std::string(f->GetFieldAsString("kind")) == "within")
            within[f->GetFieldAsString("facility_id")].push_back({f->GetFieldAsDouble("area_ha"), f->GetFieldAsDouble("population")});
        else
            ++bands;
    }
    EXPECT_GE(within.size(), 4u);
    EXPECT_GT(bands, 0);
    for (const auto& [id, v] : within) {
        ASSERT_EQ(v.size(), 3u) << id;
        for (std::size_t k = 1; k < v.size(); ++k) {
            EXPECT_GT(v[k].first, v[k - 1].first) << id;
            EXPECT_GE(v[k].second, v[k - 1].second) << id;
        }
    }
    OGRLayer* cov = ds->GetLayerByName("gp_walk_coverage");
    ASSERT_NE(cov, nullptr);
    double last_pop = -1;
    for (auto& f : *cov) {
        EXPECT_GE(f->GetFieldAsDouble("population_covered"), last_pop);
        last_pop = f->GetFieldAsDouble("population_covered");
    }
    EXPECT_GT(last_pop, 0);
    ASSERT_NE(ds->GetLayerByName("gp_walk_catchment_members"), nullptr);
    EXPECT_EQ(ds->GetLayerByName("pharmacy_walk_catchments"), nullptr) << "the sample limits polygons to GPs";
}

// The inequality lens on Rutland: the decile table adds up to every person, deciles with no
// area are empty (Rutland has none in deciles 1-4), and the summary's intervals hold the SII.
TEST_F(RutlandJob, InequalityByDecileSumsToThePopulationAndIntervalsHoldTheEstimate) {
    ASSERT_NE(ds, nullptr);
    double people = 0;
    for (auto& f : *ds->GetLayerByName("lsoa_access")) people += f->GetFieldAsDouble("population");
    OGRLayer* by_decile = ds->GetLayerByName("gp_walk_time_min_by_decile");
    ASSERT_NE(by_decile, nullptr);
    double decile_people = 0, quintile_people = 0;
    int areas = 0;
    for (auto& f : *by_decile) {
        const std::string grouping = f->GetFieldAsString("grouping");
        if (grouping == "decile") {
            decile_people += f->GetFieldAsDouble("population");
            areas += f->GetFieldAsInteger("areas");
            if (f->GetFieldAsInteger("group") <= 4) {
                EXPECT_EQ(f->GetFieldAsInteger("areas"), 0);
            }
        } else {
            quintile_people += f->GetFieldAsDouble("population");
        }
    }
    EXPECT_EQ(areas, 23);
    EXPECT_NEAR(decile_people, people, 1e-6);
    EXPECT_NEAR(quintile_people, people, 1e-6);
    std::map<std::string, double> sii;
    for (auto& f : *ds->GetLayerByName("inequality_summary")) {
        if (std::string(f->GetFieldAsString("indicator")) != "gp_walk_time_min") continue;
        const std::string m = f->GetFieldAsString("measure");
        sii[m] = f->IsFieldSetAndNotNull(f->GetFieldIndex("value")) ? f->GetFieldAsDouble("value") : std::nan("");
        if (m == "sii" || m == "rii" || m == "concentration_index") {
            EXPECT_LE(f->GetFieldAsDouble("lower"), f->GetFieldAsDouble("value")) << m;
            EXPECT_GE(f->GetFieldAsDouble("upper"), f->GetFieldAsDouble("value")) << m;
        }
    }
    EXPECT_TRUE(std::isfinite(sii.at("sii")));
    EXPECT_TRUE(std::isnan(sii.at("gap_most_minus_least_deprived_fifth")));  // no area in quintile 1
    EXPECT_TRUE(std::isfinite(sii.at("group_no_car_gap")));
    // Households without a car against the rest, by % within each threshold too.
    for (const char* t : {"15", "30", "45", "60"}) {
        const double g = sii.at(std::string("group_no_car_pct_within_") + t),
                     rest = sii.at(std::string("group_no_car_rest_pct_within_") + t);
        EXPECT_GE(g, 0);
        EXPECT_LE(g, 100 + 1e-9);
        EXPECT_NEAR(sii.at(std::string("group_no_car_pct_within_") + t + "_gap"), g - rest, 1e-9);
    }
    EXPECT_TRUE(sii.count("class_Rural village_mean"));
    // Rural villages wait longer on foot than towns.
    EXPECT_GT(sii.at("class_Rural village_mean"), sii.at("class_Urban city and town_mean"));
    bool warned = false;
    for (const auto& w : summary->warnings) warned = warned || w.find("6 of 10 IMD 2019 deciles hold areas") != std::string::npos;
    EXPECT_TRUE(warned);
}

// The composite's sensitivity to its weights: every area's rank lies within its range over the
// re-weightings, the 5-95% band within the range, and the weights do move some areas.
TEST_F(RutlandJob, CompositeRanksHoldWithinTheirReweightingRange) {
    ASSERT_NE(ds, nullptr);
    OGRLayer* atlas = ds->GetLayerByName("lsoa_atlas");
    ASSERT_NE(atlas, nullptr);
    int moved = 0, areas = 0;
    for (auto& f : *atlas) {
        const int rank = f->GetFieldAsInteger("composite_rank");
        const int lo = f->GetFieldAsInteger("composite_rank_min"), hi = f->GetFieldAsInteger("composite_rank_max");
        const int p05 = f->GetFieldAsInteger("composite_rank_p05"), p95 = f->GetFieldAsInteger("composite_rank_p95");
        const double top = f->GetFieldAsDouble("composite_top_fifth_pct");
        ++areas;
        EXPECT_LE(lo, rank);
        EXPECT_GE(hi, rank);
        EXPECT_LE(lo, p05);
        EXPECT_LE(p05, p95);
        EXPECT_LE(p95, hi);
        EXPECT_GE(top, 0);
        EXPECT_LE(top, 100);
        // An area ranked far from the top fifth under every weighting is never in it.
        if (lo > 5) {
            EXPECT_EQ(top, 0);
        }
        moved += hi > lo;
    }
    EXPECT_EQ(areas, 23);
    EXPECT_GT(moved, 0);
}
