// Index stages through whole jobs on hand-made files: a Nomis download as a source, the
// composite index by the mean method with Core20, and the errors a user meets with tables.
#include "support/temp_dir.hpp"
#include "support/test_network.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/job/job.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace accessatlas;
namespace fs = std::filesystem;

namespace {

class IndicesJob : public test::TempDirTest {
protected:
    IndicesJob() : TempDirTest("aa_indices_") {}
    void SetUp() override {
        // three 100 m squares in a row, LSOA 2021 codes from Leicester
        std::ofstream(dir / "areas.geojson") << R"({"type":"FeatureCollection",
"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":[
{"type":"Feature","properties":{"code":"E01013600"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[100,0],[100,100],[0,100],[0,0]]]}},
{"type":"Feature","properties":{"code":"E01013601"},"geometry":{"type":"Polygon","coordinates":[[[100,0],[200,0],[200,100],[100,100],[100,0]]]}},
{"type":"Feature","properties":{"code":"E01013602"},"geometry":{"type":"Polygon","coordinates":[[[200,0],[300,0],[300,100],[200,100],[200,0]]]}}]})";
        write_domains("E01013600,1,30,1\nE01013601,2,25,5\nE01013602,3,10,2\n");
    }

    void write_domains(const std::string& rows) { std::ofstream(dir / "domains.csv") << "code,a,b,imd_decile\n" << rows; }

    std::string job_text(const std::string& extra = {}) const {
        return R"([job]
output = "out.gpkg"
[areas]
path = "areas.geojson"
code_field = "code"
geography = "lsoa21"
[indices.old]
[indices.old.indicators.pct_65_plus]
path = ")" + std::string(ACCESSATLAS_TEST_DATA) +
               R"(/nomis_rm121_extract.csv"
code_field = "2021 super output area - lower layer"
numerator = ["Aged 65 years", "Aged 66 to 69 years", "Aged 70 to 74 years", "Aged 75 to 79 years", "Aged 80 to 84 years", "Aged 85 years and over"]
denominator = "Total"
scale = 100
[composite]
method = "mean"
[composite.domains.a]
path = "domains.csv"
code_field = "code"
field = "a"
[composite.domains.b]
path = "domains.csv"
code_field = "code"
field = "b"
direction = "lower_is_worse"
[composite.domains.old]
field = "old_score"
[composite.core20]
path = "domains.csv"
code_field = "code"
field = "imd_decile"
)" + extra;
    }

    job::RunSummary run(const std::string& text) {
        auto j = job::parse_job(text, dir.string(), (dir / "job.toml").string());
        test::NullReporter quiet;
        return job::run_job(j, quiet);
    }

    std::string error_of(const std::string& text) {
        try {
            run(text);
        } catch (const InputError& e) {
            return e.what() + std::string(" | ") + e.hint();
        }
        return "no error";
    }
};

}  // namespace

TEST_F(IndicesJob, NomisSourceAndMeanCompositeByHand) {
    run(job_text());
    std::unique_ptr<GDALDataset> ds(
        static_cast<GDALDataset*>(GDALOpenEx((dir / "out.gpkg").c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    ASSERT_TRUE(ds);
    auto* old = ds->GetLayerByName("lsoa_old");
    ASSERT_TRUE(old);
    // Nomis RM121: 65+ = the six age columns over Total, e.g. E01013600: 236 / 2170
    std::map<std::string, double> pct;
    for (auto& f : *old) pct[f->GetFieldAsString("lsoa_code")] = f->GetFieldAsDouble("old_pct_65_plus");
    EXPECT_NEAR(pct["E01013600"], 100.0 * 236 / 2170, 1e-9);
    EXPECT_NEAR(pct["E01013601"], 100.0 * 220 / 1885, 1e-9);
    EXPECT_NEAR(pct["E01013602"], 100.0 * 189 / 1946, 1e-9);
    // composite (mean of 0-10 scores): a = 0, 5, 10; b (lower is worse) = 0, 2.5, 10;
    // old = 10 (236/2170 - 189/1946) / (220/1885 - 189/1946) = 5.9389, 10, 0
    auto* atlas = ds->GetLayerByName("lsoa_atlas");
    ASSERT_TRUE(atlas);
    std::map<std::string, std::tuple<double, int, int, int>> got;
    for (auto& f : *atlas)
        got[f->GetFieldAsString("lsoa_code")] = {f->GetFieldAsDouble("composite_score"), f->GetFieldAsInteger("composite_rank"),
                                                 f->GetFieldAsInteger("composite_decile"), f->GetFieldAsInteger("core20")};
    EXPECT_NEAR(std::get<0>(got["E01013600"]), 5.938900249382157 / 3, 1e-9);
    EXPECT_NEAR(std::get<0>(got["E01013601"]), (5 + 2.5 + 10) / 3.0, 1e-12);
    EXPECT_NEAR(std::get<0>(got["E01013602"]), (10 + 10 + 0) / 3.0, 1e-12);
    // rank 1 = the highest need; decile = floor((rank - 1) 10 / 3) + 1; Core20 = IMD decile 1-2
    EXPECT_EQ(std::get<1>(got["E01013602"]), 1);
    EXPECT_EQ(std::get<1>(got["E01013601"]), 2);
    EXPECT_EQ(std::get<1>(got["E01013600"]), 3);
    EXPECT_EQ(std::get<2>(got["E01013602"]), 1);
    EXPECT_EQ(std::get<2>(got["E01013601"]), 4);
    EXPECT_EQ(std::get<2>(got["E01013600"]), 7);
    EXPECT_EQ(std::get<3>(got["E01013600"]), 1);
    EXPECT_EQ(std::get<3>(got["E01013601"]), 0);
    EXPECT_EQ(std::get<3>(got["E01013602"]), 1);
}

TEST_F(IndicesJob, DuplicateCodesAreRefusedUnlessSummed) {
    write_domains("E01013600,1,30,1\nE01013601,2,25,5\nE01013602,3,10,2\nE01013602,4,10,2\n");
    const auto e = error_of(job_text());
    EXPECT_NE(e.find("line 5, field 'code': duplicate area code E01013602 with other values than line 4"), std::string::npos) << e;
    EXPECT_NE(e.find("aggregate = true"), std::string::npos) << e;
    // An exact copy of a row is dropped (and named in a warning): the run goes on.
    write_domains("E01013600,1,30,1\nE01013601,2,25,5\nE01013602,3,10,2\nE01013602,3,10,2\n");
    run(job_text());
}

TEST_F(IndicesJob, NonNumericValuesNameTheLineAndField) {
    write_domains("E01013600,1,30,1\nE01013601,two,25,5\nE01013602,3,10,2\n");
    const auto e = error_of(job_text());
    EXPECT_NE(e.find("line 3"), std::string::npos) << e;
    EXPECT_NE(e.find("domains.csv"), std::string::npos) << e;
    EXPECT_NE(e.find("'two'"), std::string::npos) << e;
}

TEST_F(IndicesJob, SuppressedCellsAreMissingNotErrors) {
    write_domains("E01013600,1,30,1\nE01013601,..,25,5\nE01013602,3,10,2\n");
    run(job_text());
    std::unique_ptr<GDALDataset> ds(
        static_cast<GDALDataset*>(GDALOpenEx((dir / "out.gpkg").c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    auto* atlas = ds->GetLayerByName("lsoa_atlas");
    for (auto& f : *atlas)
        if (std::string(f->GetFieldAsString("lsoa_code")) == "E01013601") {
            EXPECT_FALSE(f->IsFieldSetAndNotNull(f->GetFieldIndex("a")));
            EXPECT_EQ(f->GetFieldAsInteger("composite_incomplete"), 1);
            // a missing: mean over b and old = (2.5 + 10) / 2
            EXPECT_NEAR(f->GetFieldAsDouble("composite_score"), 6.25, 1e-12);
        }
}

TEST_F(IndicesJob, MisspelledFieldIsCaughtBeforeAnyWork) {
    std::string text = job_text();
    text.replace(text.find("field = \"old_score\""), 19, "field = \"old_scor\"");
    const auto e = error_of(text);
    EXPECT_NE(e.find("composite.domains.old.field: this job computes no area field 'old_scor'"), std::string::npos) << e;
    EXPECT_NE(e.find("did you mean 'old_score'?"), std::string::npos) << e;
    EXPECT_FALSE(fs::exists(dir / "out.gpkg"));
}

TEST_F(IndicesJob, UnknownDeriIndicatorGetsASuggestion) {
    const auto e = error_of(job_text("[indices.deri.indicators.pct_65plus]\nfield = \"x\"\ncode_field = \"code\"\n"));
    EXPECT_NE(e.find("DERI has no indicator 'pct_65plus'"), std::string::npos) << e;
    EXPECT_NE(e.find("did you mean 'pct_65_plus'?"), std::string::npos) << e;
}

TEST_F(IndicesJob, ClusteringWritesGlobalMoran) {
    run(job_text("[clustering]\nfields = [\"composite_score\"]\ncontiguity = \"rook\"\npermutations = 99\n"));
    std::unique_ptr<GDALDataset> ds(
        static_cast<GDALDataset*>(GDALOpenEx((dir / "out.gpkg").c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    auto* g = ds->GetLayerByName("moran_global");
    ASSERT_TRUE(g);
    auto f = std::unique_ptr<OGRFeature>(g->GetNextFeature());
    ASSERT_TRUE(f);
    EXPECT_STREQ(f->GetFieldAsString("field"), "composite_score");
    // three areas in a row, scores s = 1.9796, 5.8333, 6.6667: by hand with row-standardised
    // rook weights, I = sum_i z_i lag_i / sum z^2
    const double s[]{5.938900249382157 / 3, 17.5 / 3, 20.0 / 3};
    const double m = (s[0] + s[1] + s[2]) / 3;
    const double z[]{s[0] - m, s[1] - m, s[2] - m};
    const double expect = (z[0] * z[1] + z[1] * (z[0] + z[2]) / 2 + z[2] * z[1]) / (z[0] * z[0] + z[1] * z[1] + z[2] * z[2]);
    EXPECT_NEAR(f->GetFieldAsDouble("moran_i"), expect, 1e-9);
    EXPECT_EQ(f->GetFieldAsInteger("areas"), 3);
}

TEST(AttributeTable, NomisTitleAndNotesAreSkipped) {
    const auto t = io::read_attribute_table(std::string(ACCESSATLAS_TEST_DATA) + "/nomis_rm121_extract.csv", {},
                                            "2021 super output area - lower layer");
    EXPECT_EQ(t.header_lines_skipped, 7u);
    EXPECT_EQ(t.rows.size(), 7u);
    EXPECT_EQ(t.footer_lines_skipped, 4u);
    EXPECT_EQ(t.rows[3][0], "E01013600 : Leicester 003A");
    EXPECT_EQ(t.row_label[3], "line 13");
    EXPECT_EQ(t.column("total"), 1);
    EXPECT_THROW(t.require("Aged 64 years"), InputError);
}

TEST_F(IndicesJob, ReferenceBasisScoresAgainstTheNationalRange) {
    // England's values of indicator a run from 0 to 20: scores are 10 a / 20 = 0.5, 1, 1.5
    std::ofstream(dir / "england.csv") << "lsoa,a\nE1,0\nE2,20\nE3,7\n";
    const std::string text = R"([job]
output = "out.gpkg"
[areas]
path = "areas.geojson"
code_field = "code"
[indices.national]
basis = "reference"
[indices.national.indicators.a]
path = "domains.csv"
code_field = "code"
field = "a"
[indices.national.indicators.a.reference]
path = "england.csv"
code_field = "lsoa"
field = "a"
)";
    run(text);
    std::unique_ptr<GDALDataset> ds(
        static_cast<GDALDataset*>(GDALOpenEx((dir / "out.gpkg").c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    auto* layer = ds->GetLayerByName("lsoa_national");
    ASSERT_TRUE(layer);
    std::map<std::string, double> score;
    for (auto& f : *layer) score[f->GetFieldAsString("lsoa_code")] = f->GetFieldAsDouble("national_score");
    EXPECT_DOUBLE_EQ(score["E01013600"], 0.5);
    EXPECT_DOUBLE_EQ(score["E01013601"], 1.0);
    EXPECT_DOUBLE_EQ(score["E01013602"], 1.5);
    auto* summary = ds->GetLayerByName("index_summary");
    ASSERT_TRUE(summary);
    auto f = std::unique_ptr<OGRFeature>(summary->GetNextFeature());
    EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("mean"), 1.0);
    EXPECT_EQ(f->GetFieldAsInteger("areas_highest_quintile"), 1);  // floor((rank - 1) 5 / 3) + 1 = 1 for rank 1 only
}
