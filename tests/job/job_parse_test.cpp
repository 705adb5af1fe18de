#include <accessatlas/algorithms/algorithms.hpp>
#include <accessatlas/error.hpp>
#include <accessatlas/job/job.hpp>
#include <accessatlas/job/job_keys.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

using namespace accessatlas;

namespace {
const char* minimal = R"(
[network]
path = "net.osm.pbf"
[areas]
path = "lsoa.geojson"
code_field = "code"
[[services]]
name = "gp"
path = "gp.geojson"
)";

// The parser's message for a job file with paths relative to `base`; "" when it parses.
std::string job_message_in(const std::string& base, const std::string& text) {
    try {
        job::parse_job(text, base, "job.toml");
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

std::string message_of(const std::string& text) { return job_message_in("/base", text); }
}  // namespace

TEST(JobParse, MinimalJobTakesDefaultsAndResolvesPaths) {
    const auto j = job::parse_job(minimal, "/base", "job.toml");
    EXPECT_EQ(j.network.path, "/base/net.osm.pbf");
    ASSERT_EQ(j.services.size(), 1u);
    EXPECT_EQ(j.services[0].facilities.path, "/base/gp.geojson");
    EXPECT_EQ(j.modes.size(), 2u);
    EXPECT_EQ(j.thresholds_min, (std::vector<double>{15, 30, 45, 60}));
    EXPECT_DOUBLE_EQ(j.max_snap_m, 500);
    EXPECT_EQ(j.origin_method, job::OriginMethod::street_points);
}

// The key table is the one description of a key's default and range: the parser enforces each
// range (a value just outside fails, the bounds pass), every key is one the parser knows, and
// the registry's CLI and QGIS parameters carry the table's default and range.
TEST(JobKeys, TheParserAndTheRegistryUseTheTable) {
    ASSERT_GT(job::job_keys().size(), 30u);
    for (const auto& k : job::job_keys()) {
        const auto dot = k.key.find('.');
        const std::string section = k.key.substr(0, dot), key = k.key.substr(dot + 1);
        // The minimal job with the key set in its section (and what that section needs).
        auto job_with = [&](const std::string& value) {
            std::string text = minimal;
            const std::string line = key + " = " + value + "\n";
            if (section == "network") return text.replace(text.find("[network]\n") + 10, 0, line);
            if (section == "transit")
                text += "[analysis]\nmodes = [\"walk\", \"transit\"]\n[transit]\nfeeds = [\"f.zip\"]\ndate = \"2024-01-10\"\n";
            else if (section == "greenspace")
                text += "[greenspace]\npath = \"g.gpkg\"\n";
            else if (section == "clustering")
                text += "[clustering]\nfields = [\"x\"]\n";
            else if (section == "inequality")
                text += "[inequality]\ndeprivation = { path = \"imd.csv\", code_field = \"c\", field = \"d\" }\n";
            else
                text += "[" + section + "]\n";
            return text + line;
        };
        const std::size_t list_size = static_cast<std::size_t>(std::count(k.default_value.begin(), k.default_value.end(), ',') + 1);
        // The default itself parses.
        EXPECT_EQ(message_of(job_with(k.default_value)), "") << k.key;
        if (k.type == job::KeyType::number || k.type == job::KeyType::numbers) {
            auto as = [&](double v) {
                const std::string n = fmt::format("{}", v);
                if (k.type != job::KeyType::numbers) return n;
                std::string list = "[" + n;
                for (std::size_t i = 1; i < list_size; ++i) list += ", " + n;
                return list + "]";
            };
            if (std::isfinite(k.minimum)) {
                EXPECT_EQ(message_of(job_with(as(k.minimum))), "") << k.key;
                EXPECT_NE(message_of(job_with(as(k.minimum - 1))).find("out of range"), std::string::npos) << k.key;
            }
            if (std::isfinite(k.maximum)) {
                EXPECT_NE(message_of(job_with(as(k.maximum * 2 + 1))).find("out of range"), std::string::npos) << k.key;
            }
        }
    }
    std::size_t checked = 0;
    for (const auto& a : algorithms::all())
        for (const auto& p : a.params) {
            const auto* k = job::find_job_key(p.job_key);
            if (!k || (p.type != algorithms::ParamType::number && p.type != algorithms::ParamType::number_list)) continue;
            ++checked;
            EXPECT_EQ(p.default_value, job::plain_default(*k)) << a.id << " " << p.name;
            ASSERT_TRUE(p.minimum && p.maximum) << a.id << " " << p.name;
            EXPECT_EQ(*p.minimum, k->minimum) << a.id << " " << p.name;
            EXPECT_EQ(*p.maximum, k->maximum) << a.id << " " << p.name;
        }
    EXPECT_GT(checked, 20u);
}

TEST(JobParse, UnknownKeySuggestsTheNearestValidKey) {
    const auto m = message_of(std::string(minimal) + "[analysis]\nthreshold_min = [10]\n");
    EXPECT_NE(m.find("unknown key"), std::string::npos) << m;
    EXPECT_NE(m.find("did you mean 'analysis.thresholds_min'"), std::string::npos) << m;
    EXPECT_NE(m.find("line 11"), std::string::npos) << m;
}

TEST(JobParse, WrongTypesAndValuesAreNamed) {
    EXPECT_NE(message_of(std::string(minimal) + "[analysis]\nmax_snap_m = \"far\"\n").find("must be a number"), std::string::npos);
    EXPECT_NE(message_of(std::string(minimal) + "[analysis]\nmodes = [\"bus\"]\n").find("'bus' is not a mode"), std::string::npos);
    EXPECT_NE(message_of(std::string(minimal) + "[analysis]\nthresholds_min = [-5]\n").find("out of range"), std::string::npos);
    EXPECT_NE(message_of("[network\n").find("not a valid TOML"), std::string::npos);
    EXPECT_NE(message_of("[areas]\npath='a'\ncode_field='c'\n").find("missing section"), std::string::npos);
    EXPECT_NE(message_of(std::string(minimal) + "[profiles.drive.speed_kmh]\nmotorwey = 100\n").find("did you mean 'motorway'"),
              std::string::npos);
}

TEST(JobParse, FacilitySearchIsOneOfThreeMethods) {
    EXPECT_EQ(job::parse_job(minimal, "/base", "job.toml").facility_search, access::ReachMethod::automatic);
    EXPECT_EQ(job::parse_job(std::string(minimal) + "[analysis]\nfacility_search = \"hierarchy\"\n", "/base", "job.toml").facility_search,
              access::ReachMethod::hierarchy);
    EXPECT_EQ(job::parse_job(std::string(minimal) + "[analysis]\nfacility_search = \"dijkstra\"\n", "/base", "job.toml").facility_search,
              access::ReachMethod::dijkstra);
    const auto m = message_of(std::string(minimal) + "[analysis]\nfacility_search = \"fast\"\n");
    EXPECT_NE(m.find("analysis.facility_search"), std::string::npos) << m;
    EXPECT_NE(m.find("hierarchy"), std::string::npos) << m;  // the valid values are listed
}

TEST(JobParse, ProfileOverridesApply) {
    const auto j = job::parse_job(std::string(minimal) + "[analysis]\nmodes=[\"drive\"]\n[profiles.drive]\nuse_maxspeed = false\n"
                                                         "[profiles.drive.speed_kmh]\nresidential = 20\n",
                                  "/base", "job.toml");
    const auto& p = j.profiles.at(network::Mode::drive);
    EXPECT_FALSE(p.use_maxspeed);
    EXPECT_DOUBLE_EQ(p.speed_kmh[static_cast<std::size_t>(network::RoadClass::residential)], 20);
}

TEST(Algorithms, ParametersBuildTheSameJobAsAJobFile) {
    const auto* a = algorithms::find("nearest_service");
    ASSERT_NE(a, nullptr);
    const auto from_params = algorithms::job_from_parameters(*a, {{"network", "/d/net.osm.pbf"},
                                                                  {"areas", "/d/lsoa.geojson"},
                                                                  {"area_code_field", "code"},
                                                                  {"facilities", "/d/gp.geojson"},
                                                                  {"service_name", "gp"},
                                                                  {"modes", "walk"},
                                                                  {"thresholds_min", "10, 20"},
                                                                  {"output", "/tmp/x.gpkg"}});
    const auto from_file = job::parse_job(R"(
[job]
output = "/tmp/x.gpkg"
[network]
path = "/d/net.osm.pbf"
[areas]
path = "/d/lsoa.geojson"
code_field = "code"
[[services]]
name = "gp"
path = "/d/gp.geojson"
[analysis]
modes = ["walk"]
thresholds_min = [10, 20]
)",
                                          "", "job.toml");
    EXPECT_EQ(from_params.network.path, from_file.network.path);
    EXPECT_EQ(from_params.services[0].name, from_file.services[0].name);
    EXPECT_EQ(from_params.thresholds_min, from_file.thresholds_min);
    EXPECT_EQ(from_params.modes, from_file.modes);
    EXPECT_EQ(from_params.output, from_file.output);
    EXPECT_DOUBLE_EQ(from_params.max_snap_m, from_file.max_snap_m);
    EXPECT_THROW(algorithms::job_from_parameters(*a, {{"netwrk", "x"}}), InputError);
}

// Dialog labels stay short enough for a 1366 x 768 screen (QGIS lays each on one line); the
// longer text goes to the help panel. Layers that must be points or polygons say so.
TEST(Algorithms, LabelsAreShortAndLayersNameTheirGeometry) {
    for (const auto& a : algorithms::all())
        for (const auto& p : a.params) {
            EXPECT_LE(p.description.size(), 50u) << a.id << " " << p.name << ": " << p.description;
            // QGIS adds "[optional]" itself: a label that says it too reads it twice.
            EXPECT_EQ(p.description.find("optional"), std::string::npos) << a.id << " " << p.name << ": " << p.description;
            if (p.job_key == "areas.path") {
                EXPECT_EQ(p.geometry, "polygon") << a.id;
            }
            if (p.job_key == "services.path") {
                EXPECT_EQ(p.geometry, "point") << a.id;
            }
        }
}

TEST(Algorithms, DocsPageIsGeneratedFromTheRegistry) {
    std::ifstream in(std::string(ACCESSATLAS_SOURCE_DIR) + "/docs/algorithms.md");
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), algorithms::markdown_reference())
        << "docs/algorithms.md is stale: run ./build/accessatlas algorithms --markdown > docs/algorithms.md";
}

// Fields a job leaves out are chosen from the data and noted for the log (the same results as
// naming them: NewportJob.LeftOutFieldsAreGuessedWithTheSameResults); nothing fits: the key is
// named with the layer's fields.
TEST(JobParse, LeftOutFieldsAreGuessedFromTheData) {
    const std::string newport = std::string(ACCESSATLAS_SAMPLE_DATA) + "/newport";
    const auto j = job::parse_job(R"(
[network]
path = "osm/newport-2023-06-13.osm.pbf"
[areas]
path = "boundaries/lsoa11.geojson"
[population]
path = "tables/population_mid2020_lsoa11.csv"
[[services]]
name = "gp"
path = "services/gp_practices_ods_2019.geojson"
)",
                                  newport, "job.toml");
    EXPECT_EQ(j.area_code_field, "LSOA11CD");
    EXPECT_EQ(j.population_code_field, "lsoa11_code");  // the table has no LSOA11CD
    EXPECT_EQ(j.population_field, "total_population");
    ASSERT_EQ(j.guessed_fields.size(), 3u);
    EXPECT_NE(j.guessed_fields[0].find("areas.code_field not given: using 'LSOA11CD'"), std::string::npos) << j.guessed_fields[0];
    EXPECT_NE(j.guessed_fields[1].find("the table has no field 'LSOA11CD'"), std::string::npos) << j.guessed_fields[1];
    // Named fields are taken as they are, with nothing guessed.
    const auto named = job::parse_job(R"(
[network]
path = "osm/newport-2023-06-13.osm.pbf"
[areas]
path = "boundaries/lsoa11.geojson"
code_field = "LSOA11NM"
[population]
path = "tables/population_mid2020_lsoa11.csv"
code_field = "lsoa11_name"
field = "total_population"
[[services]]
name = "gp"
path = "services/gp_practices_ods_2019.geojson"
)",
                                      newport, "job.toml");
    EXPECT_EQ(named.area_code_field, "LSOA11NM");
    EXPECT_TRUE(named.guessed_fields.empty());
    // No field holds codes: the key is named, with the fields to choose from.
    const std::string none = job_message_in(newport, R"(
[network]
path = "osm/newport-2023-06-13.osm.pbf"
[areas]
path = "services/gp_practices_ods_2019.geojson"
[[services]]
name = "gp"
path = "services/gp_practices_ods_2019.geojson"
)");
    EXPECT_NE(none.find("areas.code_field"), std::string::npos) << none;
    EXPECT_NE(none.find("practice_code"), std::string::npos) << none;
}

// Messages name what the user set: the dialog's label in QGIS, the option on the command line;
// only whole keys the algorithm has a parameter for.
TEST(Algorithms, MessagesNameTheParameterTheUserSet) {
    const auto* nearest = algorithms::find("nearest_service");
    ASSERT_NE(nearest, nullptr);
    using N = algorithms::ParameterNaming;
    const std::string missing = "job.toml: key 'areas.code_field': missing, and no field of a.shp holds ONS area codes";
    EXPECT_EQ(algorithms::name_parameters(missing, *nearest, N::qgis_label),
              "job.toml: parameter \"Area code field (empty: guessed)\": missing, and no field of a.shp holds ONS area codes");
    EXPECT_EQ(algorithms::name_parameters(missing, *nearest, N::cli_option),
              "job.toml: option --area_code_field: missing, and no field of a.shp holds ONS area codes");
    EXPECT_EQ(algorithms::name_parameters("population.field not given: using 'total'", *nearest, N::qgis_label),
              "\"Population field (empty: guessed)\" left empty: using 'total'");
    EXPECT_EQ(algorithms::name_parameters("population.field not given: using 'total'", *nearest, N::cli_option),
              "--population_field not given: using 'total'");
    // Not inside a longer key, and keys the algorithm has no parameter for stay.
    const std::string other = "geography.population.field not given; key 'network.graph': bad";
    EXPECT_EQ(algorithms::name_parameters(other, *nearest, N::qgis_label), other);
}
