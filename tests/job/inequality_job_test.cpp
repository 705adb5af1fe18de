// The inequality lens end to end on Leicester (192 LSOAs in every IMD decile): the decile table
// sums back to the population, the gap's sign follows the quintile means, every interval holds
// its estimate, and the SII's interval widens when half the areas are left out.
#include "support/layers_match.hpp"
#include "support/test_network.hpp"

#include <accessatlas/inequality/measures.hpp>
#include <accessatlas/job/job.hpp>

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <ogrsf_frmts.h>

#include <cmath>
#include <fstream>
#include <map>

using namespace accessatlas;

namespace {

struct Rows {
    std::map<std::string, std::map<std::string, double>> summary;  // measure -> value, lower, upper
    std::vector<std::map<std::string, double>> decile, quintile;
    double population = 0;
    std::vector<double> score, pop, decile_of;
};

Rows run_leicester() {
    auto job = job::load_job(std::string(ACCESSATLAS_SAMPLE_DATA) + "/leicester/exclusion.toml");
    job.output = testing::TempDir() + "/leicester_inequality.gpkg";
    test::NullReporter quiet;
    job::run_job(job, quiet);
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpenEx(job.output.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    test::expect_layers_as_described(ds.get(), job);  // indices and inequality tables as described
    Rows r;
    if (!ds) return r;
    auto num = [](OGRFeature& f, const char* field) {
        const int i = f.GetFieldIndex(field);
        return f.IsFieldSetAndNotNull(i) ? f.GetFieldAsDouble(i) : std::nan("");
    };
    for (auto& f : *ds->GetLayerByName("inequality_summary"))
        if (std::string(f->GetFieldAsString("indicator")) == "deri_score")
            r.summary[f->GetFieldAsString("measure")] = {
                {"value", num(*f, "value")}, {"lower", num(*f, "lower")}, {"upper", num(*f, "upper")}};
    for (auto& f : *ds->GetLayerByName("deri_score_by_decile")) {
        std::map<std::string, double> row{
            {"group", num(*f, "group")}, {"population", num(*f, "population")}, {"mean", num(*f, "mean")}, {"areas", num(*f, "areas")}};
        (std::string(f->GetFieldAsString("grouping")) == "decile" ? r.decile : r.quintile).push_back(row);
    }
    std::map<std::string, double> decile_by_code;
    {
        std::ifstream in(std::string(ACCESSATLAS_SAMPLE_DATA) + "/leicester/tables/imd2019_lsoa11_ranks_deciles_scores.csv");
        std::string line;
        std::getline(in, line);
        while (std::getline(in, line)) {
            const auto comma = line.find(',');
            std::string code = line.substr(1, comma - 2);
            decile_by_code[code] = std::stod(line.substr(comma + 1, line.find(',', comma + 1) - comma - 1));
        }
    }
    for (auto& f : *ds->GetLayerByName("lsoa_digital_exclusion")) {
        r.population += num(*f, "population");
        r.score.push_back(num(*f, "deri_score"));
        r.pop.push_back(num(*f, "population"));
        r.decile_of.push_back(decile_by_code[f->GetFieldAsString("lsoa_code")]);
    }
    return r;
}

}  // namespace

TEST(InequalityJob, LeicesterDecilesSumGapSignIntervalsAndFewerAreas) {
    const Rows r = run_leicester();
    ASSERT_EQ(r.decile.size(), 10u);
    ASSERT_EQ(r.quintile.size(), 5u);
    double decile_people = 0, quintile_people = 0, areas = 0;
    for (const auto& d : r.decile) decile_people += d.at("population"), areas += d.at("areas");
    for (const auto& q : r.quintile) quintile_people += q.at("population");
    EXPECT_EQ(areas, 192);
    EXPECT_NEAR(decile_people, r.population, 1e-6);
    EXPECT_NEAR(quintile_people, r.population, 1e-6);
    // The gap is quintile 1 minus quintile 5, with the sign of their means.
    const double gap = r.summary.at("gap_most_minus_least_deprived_fifth").at("value");
    EXPECT_NEAR(gap, r.quintile[0].at("mean") - r.quintile[4].at("mean"), 1e-9);
    EXPECT_GT(gap, 0);                              // digital exclusion risk is higher in the most deprived fifth
    EXPECT_LT(r.summary.at("sii").at("value"), 0);  // least minus most deprived end
    EXPECT_LT(r.summary.at("concentration_index").at("value"), 0);
    for (const char* m : {"sii", "rii", "concentration_index"}) {
        EXPECT_LE(r.summary.at(m).at("lower"), r.summary.at(m).at("value")) << m;
        EXPECT_GE(r.summary.at(m).at("upper"), r.summary.at(m).at("value")) << m;
        EXPECT_LT(r.summary.at(m).at("lower"), r.summary.at(m).at("upper")) << m;
    }
    // The same measure from the areas gives the job's SII; with every other area left out, wider.
    std::vector<int> decile(r.decile_of.begin(), r.decile_of.end());
    const auto full = inequality::slope_index(inequality::by_group(r.score, r.pop, decile, 10));
    EXPECT_NEAR(full.sii.value, r.summary.at("sii").at("value"), 1e-9);
    std::vector<double> half_score, half_pop;
    std::vector<int> half_decile;
    for (std::size_t a = 0; a < r.score.size(); a += 2) {
        half_score.push_back(r.score[a]);
        half_pop.push_back(r.pop[a]);
        half_decile.push_back(decile[a]);
    }
    const auto half = inequality::slope_index(inequality::by_group(half_score, half_pop, half_decile, 10));
    EXPECT_GT(half.sii.upper - half.sii.lower, full.sii.upper - full.sii.lower);
}
