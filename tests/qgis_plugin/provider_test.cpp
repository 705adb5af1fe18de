// The QGIS plugin headless: QgsApplication offscreen, the provider registered, every algorithm
// run through the Processing registry on the sample data, outputs compared with the
// command-line tool's, a memory layer with a selection as input, cancellation, the layers
// queued for loading in a group per run, and a styled output rendered to an image.
#include "provider.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <gtest/gtest.h>
#include <qgsapplication.h>
#include <qgsfeature.h>
#include <qgsgeometry.h>
#include <qgslayertree.h>
#include <qgsmapsettings.h>
#include <qgsmaprenderersequentialjob.h>
#include <qgsprocessingalgorithm.h>
#include <qgsprocessingcontext.h>
#include <qgsprocessingfeedback.h>
#include <qgsprocessingparameters.h>
#include <qgsprocessingregistry.h>
#include <qgsprocessingutils.h>
#include <qgsmaplayerstylemanager.h>
#include <qgsproject.h>
#include <qgsrenderer.h>
#include <qgsvectordataprovider.h>
#include <qgsvectorlayer.h>

#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QUrl>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <future>
#include <map>
#include <thread>

namespace {

const QString kRutland = QStringLiteral(ACCESSATLAS_SAMPLE_DATA "/rutland/");
const QString kLeicester = QStringLiteral(ACCESSATLAS_SAMPLE_DATA "/leicester/");
QTemporaryDir* g_out = nullptr;

QString out_path(const QString& name) { return g_out->filePath(name); }

const QgsProcessingAlgorithm* algorithm(const QString& id) {
    return QgsApplication::processingRegistry()->algorithmById(QStringLiteral("accessatlas:") + id);
}

struct Run {
    QVariantMap results;
    bool ok = false;
    QStringList layers_to_load;
    std::unique_ptr<QgsProcessingContext> context;
};

Run run(const QString& id, const QVariantMap& parameters, QgsProcessingFeedback* feedback = nullptr, QgsProject* project = nullptr) {
    Run r;
    r.context = std::make_unique<QgsProcessingContext>();
    r.context->setProject(project ? project : QgsProject::instance());
    QgsProcessingFeedback local;
    const QgsProcessingAlgorithm* alg = algorithm(id);
    EXPECT_NE(alg, nullptr) << id.toStdString();
    if (!alg) return r;
    r.results = alg->run(parameters, *r.context, feedback ? feedback : &local, &r.ok);
    for (auto it = r.context->layersToLoadOnCompletion().cbegin(); it != r.context->layersToLoadOnCompletion().cend(); ++it)
        r.layers_to_load << it.value().name;
    return r;
}

// Area values of a GeoPackage layer: code -> field -> value.
std::map<std::string, std::map<std::string, double>> read_areas(const QString& path, const char* layer) {
    std::map<std::string, std::map<std::string, double>> out;
    std::unique_ptr<GDALDataset> ds(
        static_cast<GDALDataset*>(GDALOpenEx(path.toUtf8().constData(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    if (!ds) return out;
    OGRLayer* l = ds->GetLayerByName(layer);
    if (!l) return out;
    for (auto& f : *l)
        for (int i = 0; i < f->GetFieldCount(); ++i)
            if (f->GetFieldDefnRef(i)->GetType() == OFTReal || f->GetFieldDefnRef(i)->GetType() == OFTInteger64)
                out[f->GetFieldAsString("lsoa_code")][f->GetFieldDefnRef(i)->GetNameRef()] =
                    f->IsFieldSetAndNotNull(i) ? f->GetFieldAsDouble(i) : std::nan("");
    return out;
}

void expect_same(const QString& a, const QString& b, const char* layer) {
    const auto x = read_areas(a, layer), y = read_areas(b, layer);
    ASSERT_FALSE(x.empty()) << a.toStdString() << " " << layer;
    ASSERT_EQ(x.size(), y.size());
    std::size_t compared = 0;
    for (const auto& [code, fields] : x)
        for (const auto& [field, v] : fields) {
            const double w = y.at(code).at(field);
            if (std::isnan(v))
                EXPECT_TRUE(std::isnan(w)) << code << " " << field;
            else
                EXPECT_DOUBLE_EQ(v, w) << code << " " << field;
            ++compared;
        }
    EXPECT_GT(compared, x.size());
}

QVariantMap nearest_parameters(const QString& output) {
    return {{QStringLiteral("NETWORK"), kRutland + "osm/rutland-2018-02-27.osm.pbf"},
            {QStringLiteral("AREAS"), kRutland + "boundaries/lsoa11.geojson"},
            {QStringLiteral("AREA_CODE_FIELD"), QStringLiteral("lsoa11_code")},
            {QStringLiteral("AREA_NAME_FIELD"), QStringLiteral("lsoa11_name")},
            {QStringLiteral("POPULATION"), kRutland + "tables/population_mid2020_lsoa11_single_year_age.csv"},
            {QStringLiteral("POPULATION_CODE_FIELD"), QStringLiteral("lsoa11_code")},
            {QStringLiteral("POPULATION_FIELD"), QStringLiteral("total_population")},
            {QStringLiteral("FACILITIES"), kRutland + "services/nhs_choices_2014_gp.geojson"},
            {QStringLiteral("FACILITY_ID_FIELD"), QStringLiteral("OrganisationID")},
            {QStringLiteral("SERVICE_NAME"), QStringLiteral("gp")},
            {QStringLiteral("OUTPUT"), output}};
}

std::string cli_nearest(const QString& output) {
    const QString r = kRutland;
    return QStringLiteral("\"" ACCESSATLAS_CLI "\" -q nearest_service --network '%1osm/rutland-2018-02-27.osm.pbf' "
                          "--areas '%1boundaries/lsoa11.geojson' --area_code_field lsoa11_code --area_name_field lsoa11_name "
                          "--population '%1tables/population_mid2020_lsoa11_single_year_age.csv' --population_code_field lsoa11_code "
                          "--population_field total_population --facilities '%1services/nhs_choices_2014_gp.geojson' "
                          "--facility_id_field OrganisationID --service_name gp --output '%2'")
        .arg(r, output)
        .toStdString();
}

}  // namespace

TEST(Provider, EveryRegistryAlgorithmWithItsParameters) {
    auto* provider = QgsApplication::processingRegistry()->providerById(QStringLiteral("accessatlas"));
    ASSERT_NE(provider, nullptr);
    EXPECT_EQ(provider->name(), QStringLiteral("Access Atlas"));
    QStringList ids;
    for (const auto* a : provider->algorithms()) ids << a->name();
    for (const char* id : {"nearest_service", "catchments", "e2sfca", "what_if", "greenspace", "deri", "composite", "clusters", "run_job"})
        EXPECT_TRUE(ids.contains(QString::fromLatin1(id))) << id;
    const auto* nearest = algorithm(QStringLiteral("nearest_service"));
    const auto* code = dynamic_cast<const QgsProcessingParameterField*>(nearest->parameterDefinition(QStringLiteral("AREA_CODE_FIELD")));
    ASSERT_NE(code, nullptr);
    EXPECT_EQ(code->parentLayerParameterName(), QStringLiteral("AREAS"));
    const auto* modes = dynamic_cast<const QgsProcessingParameterEnum*>(nearest->parameterDefinition(QStringLiteral("MODES")));
    ASSERT_NE(modes, nullptr);
    EXPECT_TRUE(modes->allowMultiple());
    EXPECT_EQ(modes->options(), (QStringList{"walk", "cycle", "drive", "transit"}));
    // GTFS feeds: several files in one parameter.
    const auto* gtfs = dynamic_cast<const QgsProcessingParameterMultipleLayers*>(nearest->parameterDefinition(QStringLiteral("GTFS")));
    ASSERT_NE(gtfs, nullptr);
    EXPECT_EQ(gtfs->layerType(), QgsProcessing::TypeFile);
    const auto* snap = dynamic_cast<const QgsProcessingParameterNumber*>(nearest->parameterDefinition(QStringLiteral("MAX_SNAP_M")));
    ASSERT_NE(snap, nullptr);
    EXPECT_DOUBLE_EQ(snap->defaultValue().toDouble(), 500);
    EXPECT_DOUBLE_EQ(snap->maximum(), 100000);
    EXPECT_FALSE(nearest->shortHelpString().isEmpty());
    // Run job file: an empty output in the dialog means the job's own, as on the command line
    // and in qgis_process (not a temporary file by default).
    const auto* run_job = algorithm(QStringLiteral("run_job"));
    ASSERT_NE(run_job, nullptr);
    const auto* job_output = dynamic_cast<const QgsProcessingDestinationParameter*>(run_job->parameterDefinition(QStringLiteral("OUTPUT")));
    ASSERT_NE(job_output, nullptr);
    EXPECT_FALSE(job_output->createByDefault());
    // The dialog's Help button: this algorithm's parameters, rendered from the registry.
    {
        QFile help(QUrl(nearest->helpUrl()).toLocalFile());
        ASSERT_TRUE(help.open(QIODevice::ReadOnly)) << nearest->helpUrl().toStdString();
        const QString html = QString::fromUtf8(help.readAll());
        EXPECT_TRUE(html.contains(QStringLiteral("area_code_field"))) << html.left(400).toStdString();
        EXPECT_TRUE(html.contains(QStringLiteral("Nearest service travel time per LSOA")));
    }
    // qgis_process help prints the summary, then shortHelpString(), then per parameter its label
    // and help(): none of them is said twice.
    for (const auto* alg : provider->algorithms()) {
        EXPECT_FALSE(alg->shortHelpString().contains(alg->shortDescription())) << alg->id().toStdString();
        for (const auto* def : alg->parameterDefinitions()) {
            EXPECT_FALSE(def->help().startsWith(def->description())) << alg->id().toStdString() << " " << def->name().toStdString();
        }
    }
    // The icons' Qt resource is initialised with the provider.
    EXPECT_TRUE(QFile::exists(QStringLiteral(":/accessatlas/accessatlas.svg")));
    EXPECT_FALSE(provider->icon().isNull());
}

static std::string cli_for(const QString& id, const QVariantMap& parameters);

// A shapefile without .prj, given its CRS in QGIS ("Set Layer CRS"), runs as QGIS shows it (the
// engine alone refuses the file for having no CRS), and equals the CLI on the original file.
TEST(Provider, ACrsSetInQgisReachesTheEngine) {
    const QString shp = out_path(QStringLiteral("no_prj_areas.shp"));
    {
        GDALAllRegister();
        std::unique_ptr<GDALDataset> src(static_cast<GDALDataset*>(
            GDALOpenEx((kRutland + "boundaries/lsoa11.geojson").toUtf8().constData(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
        ASSERT_NE(src, nullptr);
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
        std::unique_ptr<GDALDataset> dst(drv->CreateCopy(shp.toUtf8().constData(), src.get(), FALSE, nullptr, nullptr, nullptr));
        ASSERT_NE(dst, nullptr);
    }
    QFile::remove(out_path(QStringLiteral("no_prj_areas.prj")));
    auto* layer = new QgsVectorLayer(shp, QStringLiteral("areas without prj"), QStringLiteral("ogr"));
    ASSERT_TRUE(layer->isValid());
    EXPECT_FALSE(layer->dataProvider()->crs().isValid());
    layer->setCrs(QgsCoordinateReferenceSystem(QStringLiteral("EPSG:4326")));
    QgsProject::instance()->addMapLayer(layer);
    const QString mine = out_path(QStringLiteral("plugin_crs_set.gpkg")), cli = out_path(QStringLiteral("cli_crs_set.gpkg"));
    auto p = nearest_parameters(mine);
    p[QStringLiteral("AREAS")] = layer->id();
    p[QStringLiteral("AREA_CODE_FIELD")] = QStringLiteral("lsoa11_cod");  // shapefile names stop at 10 characters
    p[QStringLiteral("AREA_NAME_FIELD")] = QStringLiteral("lsoa11_nam");
    p[QStringLiteral("MODES")] = QVariantList{0};
    QgsProcessingFeedback feedback;
    const auto r = run(QStringLiteral("nearest_service"), p, &feedback);
    ASSERT_TRUE(r.ok) << "the CRS set in QGIS did not reach the engine";
    p[QStringLiteral("AREAS")] = kRutland + "boundaries/lsoa11.geojson";
    p[QStringLiteral("AREA_CODE_FIELD")] = QStringLiteral("lsoa11_code");
    p[QStringLiteral("AREA_NAME_FIELD")] = QStringLiteral("lsoa11_name");
    p[QStringLiteral("OUTPUT")] = cli;
    ASSERT_EQ(std::system(cli_for(QStringLiteral("nearest_service"), p).c_str()), 0);
    expect_same(mine, cli, "lsoa_access");
    QgsProject::instance()->removeMapLayer(layer->id());
}

// An error points at the dialog's parameter by its label and at the layer by its QGIS name (not
// a job key, not the temporary copy's path), once.
TEST(Provider, ErrorsNameTheParameterAndTheLayerAsTheOfficerSeesThem) {
    struct Errors : QgsProcessingFeedback {
        QString text;
        void reportError(const QString& error, bool fatal) override {
            text += error + QLatin1Char('\n');
            QgsProcessingFeedback::reportError(error, fatal);
        }
    };
    auto* wards = new QgsVectorLayer(QStringLiteral("Polygon?crs=EPSG:27700&field=ward:string"), QStringLiteral("my wards"),
                                     QStringLiteral("memory"));
    QgsFeature f(wards->fields());
    f.setAttribute(0, QStringLiteral("Oakham North"));
    f.setGeometry(
        QgsGeometry::fromWkt(QStringLiteral("POLYGON((486000 308000, 487000 308000, 487000 309000, 486000 309000, 486000 308000))")));
    ASSERT_TRUE(wards->dataProvider()->addFeature(f));
    QgsProject::instance()->addMapLayer(wards);
    auto p = nearest_parameters(out_path(QStringLiteral("no_codes.gpkg")));
    p[QStringLiteral("AREAS")] = wards->id();
    p.remove(QStringLiteral("AREA_CODE_FIELD"));
    p.remove(QStringLiteral("AREA_NAME_FIELD"));
    Errors feedback;
    EXPECT_FALSE(run(QStringLiteral("nearest_service"), p, &feedback).ok);
    const QString e = feedback.text;
    EXPECT_TRUE(
        e.contains(QStringLiteral("parameter \"Area code field (empty: guessed)\": missing, and no field of layer 'my wards' in QGIS "
                                  "holds ONS area codes")))
        << e.toStdString();
    EXPECT_TRUE(e.contains(QStringLiteral("the fields are: ward"))) << e.toStdString();
    EXPECT_FALSE(e.contains(QStringLiteral("areas.code_field"))) << e.toStdString();
    EXPECT_FALSE(e.contains(QgsProcessingUtils::tempFolder())) << e.toStdString();
    EXPECT_EQ(e.count(QStringLiteral("holds ONS area codes")), 1) << e.toStdString();
    QgsProject::instance()->removeMapLayer(wards->id());
}

TEST(Provider, NearestServiceEqualsTheCommandLine) {
    const QString mine = out_path(QStringLiteral("plugin_nearest.gpkg")), cli = out_path(QStringLiteral("cli_nearest.gpkg"));
    const auto r = run(QStringLiteral("nearest_service"), nearest_parameters(mine));
    ASSERT_TRUE(r.ok);
    ASSERT_EQ(std::system(cli_nearest(cli).c_str()), 0);
    expect_same(mine, cli, "lsoa_access");
    // every layer queued for loading, named after itself
    EXPECT_TRUE(r.layers_to_load.contains(QStringLiteral("lsoa_access")));
    EXPECT_TRUE(r.layers_to_load.contains(QStringLiteral("facilities")));
    EXPECT_FALSE(r.layers_to_load.contains(QStringLiteral("layer_styles")));
}

// The command line with the same options as a Processing parameter map: file parameters as
// paths, enums by their option text, lists comma separated.
static std::string cli_for(const QString& id, const QVariantMap& parameters) {
    const auto* alg = algorithm(id);
    std::string cmd = "\"" ACCESSATLAS_CLI "\" -q " + id.toStdString();
    for (auto it = parameters.cbegin(); it != parameters.cend(); ++it) {
        const auto* def = alg->parameterDefinition(it.key());
        std::string value;
        if (const auto* e = dynamic_cast<const QgsProcessingParameterEnum*>(def)) {
            QStringList chosen;
            for (const auto& v : (it.value().type() == QVariant::List ? it.value().toList() : QVariantList{it.value()}))
                chosen << e->options().at(v.toInt());
            value = chosen.join(QLatin1Char(',')).toStdString();
        } else if (it.value().type() == QVariant::List || it.value().type() == QVariant::StringList) {
            value = it.value().toStringList().join(QLatin1Char(',')).toStdString();  // several files
        } else {
            value = it.value().toString().toStdString();
        }
        cmd += " --" + it.key().toLower().toStdString() + " '" + value + "'";
    }
    return cmd;
}

// Runs an algorithm through the Processing registry and through the CLI with the same options,
// and compares the area layer field by field.
static void expect_plugin_equals_cli(const QString& id, QVariantMap p, const char* layer) {
    const QString mine = out_path(QStringLiteral("plugin_%1.gpkg").arg(id)), cli = out_path(QStringLiteral("cli_%1.gpkg").arg(id));
    p[QStringLiteral("OUTPUT")] = mine;
    ASSERT_TRUE(run(id, p).ok) << id.toStdString();
    p[QStringLiteral("OUTPUT")] = cli;
    ASSERT_EQ(std::system(cli_for(id, p).c_str()), 0) << cli_for(id, p);
    expect_same(mine, cli, layer);
}

// Public transport through the Processing dialog's parameters: bus and rail feeds as one
// multiple-file parameter, the window options, the clipped extract's coverage.
TEST(Provider, NearestServiceByTransitEqualsTheCommandLine) {
    const QString n = QStringLiteral(ACCESSATLAS_SAMPLE_DATA "/newport/");
    QVariantMap p{{QStringLiteral("NETWORK"), n + "osm/newport-2023-06-13.osm.pbf"},
                  {QStringLiteral("NETWORK_COVERAGE"), n + "osm/extract_box.geojson"},
                  {QStringLiteral("AREAS"), n + "boundaries/lsoa11.geojson"},
                  {QStringLiteral("AREA_CODE_FIELD"), QStringLiteral("LSOA11CD")},
                  {QStringLiteral("POPULATION"), n + "tables/population_mid2020_lsoa11.csv"},
                  {QStringLiteral("POPULATION_CODE_FIELD"), QStringLiteral("lsoa11_code")},
                  {QStringLiteral("POPULATION_FIELD"), QStringLiteral("total_population")},
                  {QStringLiteral("ORIGIN_METHOD"), 2},  // centroids
                  {QStringLiteral("ORIGINS"), n + "origins/lsoa11_pop_weighted_centroids.geojson"},
                  {QStringLiteral("ORIGIN_CODE_FIELD"), QStringLiteral("lsoa11cd")},
                  {QStringLiteral("FACILITIES"), n + "services/gp_practices_ods_2019.geojson"},
                  {QStringLiteral("FACILITY_ID_FIELD"), QStringLiteral("practice_code")},
                  {QStringLiteral("SERVICE_NAME"), QStringLiteral("gp")},
                  {QStringLiteral("MODES"), QVariantList{0, 3}},  // walk, transit
                  {QStringLiteral("GTFS"), QStringList{n + "gtfs/bus_bods_2024-03-05_newport.zip", n + "gtfs/rail_2024-03-05.zip"}},
                  {QStringLiteral("TRANSIT_DATE"), QStringLiteral("2024-03-05")},
                  {QStringLiteral("TRANSIT_WINDOW_START"), QStringLiteral("08:00")},
                  {QStringLiteral("TRANSIT_WINDOW_END"), QStringLiteral("09:00")}};
    expect_plugin_equals_cli(QStringLiteral("nearest_service"), p, "lsoa_access");
    const auto areas = read_areas(out_path(QStringLiteral("plugin_nearest_service.gpkg")), "lsoa_access");
    std::size_t timed = 0;
    for (const auto& [code, f] : areas)
        if (std::isfinite(f.at("gp_transit_p50_min"))) {
            ++timed;
            EXPECT_LE(f.at("gp_transit_time_min"), f.at("gp_walk_time_min") + 1e-9) << code;
        }
    EXPECT_EQ(timed, 54u);
}

TEST(Provider, EveryOtherAlgorithmEqualsTheCommandLine) {
    auto p = nearest_parameters({});
    p[QStringLiteral("MODES")] = QVariantList{0};
    expect_plugin_equals_cli(QStringLiteral("catchments"), p, "lsoa_access");
    p[QStringLiteral("DECAY")] = 1;  // gaussian
    expect_plugin_equals_cli(QStringLiteral("e2sfca"), p, "lsoa_access");
    EXPECT_FALSE(read_areas(out_path(QStringLiteral("plugin_e2sfca.gpkg")), "lsoa_access").empty());
    p.remove(QStringLiteral("DECAY"));
    // What-if: Oakham's surgery closes, one opens in Cottesmore, Uppingham's centre is closed.
    p[QStringLiteral("SCENARIO_NAME")] = QStringLiteral("oakham");
    p[QStringLiteral("CLOSE_FACILITIES")] = QStringLiteral("4732");
    p[QStringLiteral("NEW_FACILITIES")] = kRutland + "scenarios/new_gp_cottesmore.geojson";
    p[QStringLiteral("CLOSE_AREA")] = kRutland + "scenarios/uppingham_centre_closure.geojson";
    expect_plugin_equals_cli(QStringLiteral("what_if"), p, "oakham_lsoa_delta");
    double beyond = 0;
    for (const auto& [code, f] : read_areas(out_path(QStringLiteral("plugin_what_if.gpkg")), "oakham_lsoa_delta"))
        beyond += f.at("gp_walk_newly_beyond_15");
    EXPECT_GT(beyond, 1000);  // Oakham's people now walk further than 15 min
    // What-if on supply, from the dialog: Uppingham's surgery (4822) triples, E2SFCA on.
    p.remove(QStringLiteral("CLOSE_FACILITIES"));
    p.remove(QStringLiteral("NEW_FACILITIES"));
    p.remove(QStringLiteral("CLOSE_AREA"));
    p[QStringLiteral("SCENARIO_NAME")] = QStringLiteral("uppingham");
    p[QStringLiteral("CHANGE_SUPPLY")] = QStringLiteral("4822=3");
    p[QStringLiteral("E2SFCA")] = true;
    expect_plugin_equals_cli(QStringLiteral("what_if"), p, "uppingham_lsoa_delta");
    double gained = 0;
    for (const auto& [code, f] : read_areas(out_path(QStringLiteral("plugin_what_if.gpkg")), "uppingham_lsoa_delta")) {
        EXPECT_GE(f.at("gp_walk_e2sfca_per_1000_delta"), -1e-12) << code;  // more supply takes nothing away
        gained += f.at("gp_walk_e2sfca_per_1000_delta");
        EXPECT_DOUBLE_EQ(f.at("gp_walk_time_min_delta"), 0) << code;
    }
    EXPECT_GT(gained, 0.1);

    const QVariantMap g{{QStringLiteral("NETWORK"), kRutland + "osm/rutland-2018-02-27.osm.pbf"},
                        {QStringLiteral("AREAS"), kRutland + "boundaries/lsoa11.geojson"},
                        {QStringLiteral("AREA_CODE_FIELD"), QStringLiteral("lsoa11_code")},
                        {QStringLiteral("ORIGIN_METHOD"), 2},
                        {QStringLiteral("ORIGINS"), kRutland + "origins/lsoa11_pop_weighted_centroids.geojson"},
                        {QStringLiteral("ORIGIN_CODE_FIELD"), QStringLiteral("lsoa11cd")},
                        {QStringLiteral("GREENSPACE"), kRutland + "greenspace/osm_2018_green_spaces.gpkg"},
                        {QStringLiteral("INCLUDE"), QStringLiteral("leisure=park,leisure=recreation_ground,natural=wood")},
                        {QStringLiteral("WOODLAND"), QStringLiteral("natural=wood")}};
    expect_plugin_equals_cli(QStringLiteral("greenspace"), g, "lsoa_greenspace");
    EXPECT_EQ(read_areas(out_path(QStringLiteral("plugin_greenspace.gpkg")), "lsoa_greenspace").size(), 23u);

    const QVariantMap d{{QStringLiteral("AREAS"), kRutland + "boundaries/lsoa11.geojson"},
                        {QStringLiteral("AREA_CODE_FIELD"), QStringLiteral("lsoa11_code")},
                        {QStringLiteral("TABLE"), kRutland + "tables/population_mid2020_lsoa11_single_year_age.csv"},
                        {QStringLiteral("TABLE_CODE_FIELD"), QStringLiteral("lsoa11_code")},
                        {QStringLiteral("PCT_65_PLUS_FIELD"), QStringLiteral("pct_65_plus")},
                        {QStringLiteral("MISSING"), 1}};
    expect_plugin_equals_cli(QStringLiteral("deri"), d, "lsoa_digital_exclusion");
    const auto scores = read_areas(out_path(QStringLiteral("plugin_deri.gpkg")), "lsoa_digital_exclusion");
    ASSERT_EQ(scores.size(), 23u);
    // GMCA's rule (missing = zero): one indicator of weight 5/14 in demography, components 1/3
    for (const auto& [code, f] : scores) EXPECT_NEAR(f.at("deri_score"), f.at("deri_pct_65_plus_score") * 5.0 / 14 / 3, 1e-12) << code;
}

TEST(Provider, RunJobThenCompositeAndClustersEqualTheJob) {
    // The Rutland sample job (access, catchments, E2SFCA, green space, DERI, composite, clusters)
    const QString job_out = out_path(QStringLiteral("rutland_job.gpkg"));
    const auto job = run(QStringLiteral("run_job"), {{QStringLiteral("JOB"), kRutland + "job.toml"}, {QStringLiteral("OUTPUT"), job_out}});
    ASSERT_TRUE(job.ok);
    const QString cli = out_path(QStringLiteral("rutland_cli.gpkg"));
    ASSERT_EQ(
        std::system(
            ("\"" ACCESSATLAS_CLI "\" -q run '" + (kRutland + "job.toml").toStdString() + "' --out '" + cli.toStdString() + "'").c_str()),
        0);
    for (const char* layer : {"lsoa_access", "lsoa_greenspace", "lsoa_digital_exclusion", "lsoa_atlas", "lsoa_clusters"})
        expect_same(job_out, cli, layer);
    // clusters and composite on the job's own lsoa_atlas layer give the job's values
    const QString atlas = job_out + "|layername=lsoa_atlas";
    const QString cl = out_path(QStringLiteral("clusters.gpkg"));
    ASSERT_TRUE(run(QStringLiteral("clusters"), {{QStringLiteral("AREAS"), atlas},
                                                 {QStringLiteral("AREA_CODE_FIELD"), QStringLiteral("lsoa_code")},
                                                 {QStringLiteral("FIELDS"), QStringLiteral("composite_score")},
                                                 {QStringLiteral("TOLERANCE_M"), 25},
                                                 {QStringLiteral("OUTPUT"), cl}})
                    .ok);
    const auto a = read_areas(cl, "lsoa_clusters"), b = read_areas(cli, "lsoa_clusters");
    ASSERT_EQ(a.size(), 23u);
    for (const auto& [code, f] : a) EXPECT_DOUBLE_EQ(f.at("composite_score_lisa_p"), b.at(code).at("composite_score_lisa_p")) << code;
    const QString comp = out_path(QStringLiteral("composite.gpkg"));
    ASSERT_TRUE(
        run(QStringLiteral("composite"), {{QStringLiteral("AREAS"), atlas},
                                          {QStringLiteral("AREA_CODE_FIELD"), QStringLiteral("lsoa_code")},
                                          {QStringLiteral("HEALTH_ACCESS_FIELD"), QStringLiteral("health_access")},
                                          {QStringLiteral("GREEN_SPACE_FIELD"), QStringLiteral("green_space")},
                                          {QStringLiteral("DIGITAL_EXCLUSION_FIELD"), QStringLiteral("digital_exclusion")},
                                          {QStringLiteral("IMD_TABLE"), kRutland + "tables/imd2019_lsoa11_ranks_deciles_scores.csv"},
                                          {QStringLiteral("IMD_CODE_FIELD"), QStringLiteral("lsoa11_code")},
                                          {QStringLiteral("OUTPUT"), comp}})
            .ok);
    const auto c = read_areas(comp, "lsoa_atlas"), d = read_areas(cli, "lsoa_atlas");
    ASSERT_EQ(c.size(), 23u);
    for (const auto& [code, f] : c) {
        EXPECT_DOUBLE_EQ(f.at("composite_score"), d.at(code).at("composite_score")) << code;
        EXPECT_DOUBLE_EQ(f.at("core20"), d.at(code).at("core20")) << code;
    }
}

TEST(Provider, MemoryLayerWithASelectionIsHandedToTheCore) {
    // three surgeries as a memory layer, two of them selected
    auto* layer = new QgsVectorLayer(QStringLiteral("Point?crs=EPSG:27700&field=OrganisationID:string"), QStringLiteral("my gps"),
                                     QStringLiteral("memory"));
    QgsFeatureList features;
    for (const auto& [id, x, y] : std::vector<std::tuple<const char*, double, double>>{
             {"oakham", 486180, 308720}, {"uppingham", 487030, 299830}, {"empingham", 495230, 308400}}) {
        QgsFeature f(layer->fields());
        f.setAttribute(0, QString::fromLatin1(id));
        f.setGeometry(QgsGeometry::fromPointXY(QgsPointXY(x, y)));
        features << f;
    }
    layer->dataProvider()->addFeatures(features);
    layer->selectByIds({1, 2});
    QgsProject project;
    project.addMapLayer(layer);
    auto p = nearest_parameters(out_path(QStringLiteral("memory.gpkg")));
    p[QStringLiteral("FACILITIES")] = QVariant::fromValue(QgsProcessingFeatureSourceDefinition(layer->id(), true));
    p[QStringLiteral("MODES")] = QVariantList{0};
    ASSERT_TRUE(run(QStringLiteral("nearest_service"), p, nullptr, &project).ok);
    std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(
        GDALOpenEx(out_path(QStringLiteral("memory.gpkg")).toUtf8().constData(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    ASSERT_TRUE(ds);
    OGRLayer* fac = ds->GetLayerByName("facilities");
    ASSERT_TRUE(fac);
    EXPECT_EQ(fac->GetFeatureCount(), 2);  // the selection only
    project.removeAllMapLayers();
}

// Cancel stops a long run before it finishes and leaves nothing behind. How fast it stops is
// printed, not asserted: a busy machine would make a time limit flake.
TEST(Provider, CancelStopsTheRunAndLeavesNothing) {
    auto p = nearest_parameters(out_path(QStringLiteral("cancelled.gpkg")));
    p[QStringLiteral("MODES")] = QVariantList{0, 2};
    p[QStringLiteral("CATCHMENT_THRESHOLDS_MIN")] = QStringLiteral("20,40,60");
    QgsProcessingFeedback feedback;
    using clock = std::chrono::steady_clock;
    clock::time_point cancelled_at;
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        cancelled_at = clock::now();
        feedback.cancel();
    });
    const auto r = run(QStringLiteral("catchments"), p, &feedback);
    const auto finished_at = clock::now();
    canceller.join();
    const double seconds = std::chrono::duration<double>(finished_at - cancelled_at).count();
    EXPECT_GT(finished_at, cancelled_at) << "the run ended before Cancel was pressed: lengthen it";
    EXPECT_TRUE(r.results.isEmpty());
    std::printf("stopped %.3f s after Cancel\n", seconds);
    EXPECT_FALSE(QFile::exists(out_path(QStringLiteral("cancelled.gpkg"))));
}

// The inequality algorithm on a layer the Leicester job wrote: its tables equal the command
// line's, and its chart comes back as an HTML output, which QGIS lists in the Results Viewer.
TEST(Provider, InequalityWritesItsTablesAndAChartForTheResultsViewer) {
    const QString job_out = out_path(QStringLiteral("leicester_for_inequality.gpkg"));
    ASSERT_TRUE(
        run(QStringLiteral("run_job"), {{QStringLiteral("JOB"), kLeicester + "exclusion.toml"}, {QStringLiteral("OUTPUT"), job_out}}).ok);
    const auto* alg = algorithm(QStringLiteral("inequality"));
    ASSERT_NE(alg, nullptr);
    const auto* report_output = alg->outputDefinition(QStringLiteral("REPORT"));
    ASSERT_NE(report_output, nullptr);
    EXPECT_EQ(report_output->type(), QStringLiteral("outputHtml"));
    const QString html = out_path(QStringLiteral("inequality.html"));
    const QVariantMap p{{QStringLiteral("AREAS"), job_out + QStringLiteral("|layername=lsoa_digital_exclusion")},
                        {QStringLiteral("AREA_CODE_FIELD"), QStringLiteral("lsoa_code")},
                        {QStringLiteral("POPULATION_FIELD"), QStringLiteral("population")},
                        {QStringLiteral("FIELDS"), QStringLiteral("deri_score")},
                        {QStringLiteral("DEPRIVATION"), kLeicester + "tables/imd2019_lsoa11_ranks_deciles_scores.csv"},
                        {QStringLiteral("DEPRIVATION_CODE_FIELD"), QStringLiteral("lsoa11_code")},
                        {QStringLiteral("DEPRIVATION_FIELD"), QStringLiteral("IMD_decile")},
                        {QStringLiteral("OUTPUT"), out_path(QStringLiteral("plugin_inequality.gpkg"))},
                        {QStringLiteral("REPORT"), html}};
    const auto r = run(QStringLiteral("inequality"), p);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.results.value(QStringLiteral("REPORT")).toString(), html);
    QFile f(html);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(f.readAll());
    EXPECT_TRUE(text.contains(QStringLiteral("<svg"))) << "no chart";
    EXPECT_TRUE(text.contains(QStringLiteral("Slope Index of Inequality is -2.32"))) << "no sentence";
    // The same numbers as the command line
    const std::string cli = out_path(QStringLiteral("cli_inequality.gpkg")).toStdString();
    const std::string cmd =
        "\"" ACCESSATLAS_CLI "\" -q inequality --areas '" + job_out.toStdString() +
        "' --areas_layer lsoa_digital_exclusion --area_code_field lsoa_code --population_field population --fields deri_score "
        "--deprivation '" +
        (kLeicester + "tables/imd2019_lsoa11_ranks_deciles_scores.csv").toStdString() +
        "' --deprivation_code_field lsoa11_code --deprivation_field IMD_decile --output '" + cli + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    auto values = [](const std::string& path) {
        std::map<std::string, double> v;
        std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
        if (!ds) return v;
        for (auto& feature : *ds->GetLayerByName("inequality_summary"))
            v[std::string(feature->GetFieldAsString("indicator")) + "/" + feature->GetFieldAsString("measure")] =
                feature->GetFieldAsDouble("value");
        return v;
    };
    const auto a = values(out_path(QStringLiteral("plugin_inequality.gpkg")).toStdString()), b = values(cli);
    ASSERT_FALSE(a.empty());
    EXPECT_EQ(a.size(), b.size());
    for (const auto& [key, value] : a) {
        if (std::isnan(value)) {
            EXPECT_TRUE(std::isnan(b.at(key))) << key;
        } else {
            EXPECT_DOUBLE_EQ(value, b.at(key)) << key;
        }
    }
}

TEST(Provider, OutputsLoadInAGroupWithTheirStyleAndRenderItsColours) {
    QgsProject project;
    const QString path = out_path(QStringLiteral("styled.gpkg"));
    const auto r = run(QStringLiteral("run_job"),
                       {{QStringLiteral("JOB"), kLeicester + "exclusion.toml"}, {QStringLiteral("OUTPUT"), path}}, nullptr, &project);
    ASSERT_TRUE(r.ok);
    // what QGIS does on completion: load each layer into the project, then post-process it
    QgsVectorLayer* deri = nullptr;
    for (auto it = r.context->layersToLoadOnCompletion().cbegin(); it != r.context->layersToLoadOnCompletion().cend(); ++it) {
        auto* layer = new QgsVectorLayer(it.key(), it.value().name, QStringLiteral("ogr"));
        ASSERT_TRUE(layer->isValid()) << it.key().toStdString();
        project.addMapLayer(layer);
        it.value().postProcessor()->postProcessLayer(layer, *r.context, nullptr);
        if (it.value().name == QLatin1String("lsoa_digital_exclusion")) deri = layer;
    }
    ASSERT_NE(deri, nullptr);
    const auto groups = project.layerTreeRoot()->findGroups();
    ASSERT_EQ(groups.size(), 1);
    // Named after the job's title
    EXPECT_TRUE(groups.front()->name().startsWith(QStringLiteral("Access Atlas: Digital exclusion risk, Leicester")))
        << groups.front()->name().toStdString();
    EXPECT_EQ(groups.front()->findLayers().size(), r.layers_to_load.size());
    // A designed map: the headline area layer first and visible, the rest in a collapsed,
    // unchecked sub-group.
    const auto children = groups.front()->children();
    ASSERT_GE(children.size(), 2);
    auto* first = QgsLayerTree::isLayer(children.front()) ? QgsLayerTree::toLayer(children.front()) : nullptr;
    ASSERT_NE(first, nullptr);
    // Named after what it shows, and described in QGIS's metadata.
    EXPECT_TRUE(first->name().startsWith(QStringLiteral("lsoa_digital_exclusion: "))) << first->name().toStdString();
    EXPECT_FALSE(deri->metadata().title().isEmpty());
    EXPECT_TRUE(deri->metadata().abstract().contains(QStringLiteral("Method: "))) << deri->metadata().abstract().toStdString();
    EXPECT_FALSE(deri->metadata().history().isEmpty());
    // Every style of the layer one click away in the Styles menu, the default named after it.
    {
        std::unique_ptr<GDALDataset> ds(
            static_cast<GDALDataset*>(GDALOpenEx(path.toUtf8().constData(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
        ASSERT_NE(ds, nullptr);
        OGRLayer* rows =
            ds->ExecuteSQL("SELECT description FROM layer_styles WHERE f_table_name = 'lsoa_digital_exclusion'", nullptr, nullptr);
        ASSERT_NE(rows, nullptr);
        QStringList titles;
        for (auto& f : *rows) titles << QString::fromUtf8(f->GetFieldAsString(0));
        ds->ReleaseResultSet(rows);
        ASSERT_GE(titles.size(), 2);
        auto styles = deri->styleManager()->styles();
        std::sort(styles.begin(), styles.end());
        std::sort(titles.begin(), titles.end());
        EXPECT_EQ(styles, titles);
        EXPECT_EQ(QStringLiteral("lsoa_digital_exclusion: ") + deri->styleManager()->currentStyle(), first->name());
    }
    EXPECT_TRUE(first->itemVisibilityChecked());
    auto* supporting = groups.front()->findGroup(QStringLiteral("Supporting layers"));
    ASSERT_NE(supporting, nullptr);
    EXPECT_FALSE(supporting->isExpanded());
    EXPECT_FALSE(supporting->itemVisibilityChecked());
    EXPECT_EQ(children.back(), supporting);
    EXPECT_NE(supporting->findLayers().size(), 0);
    for (auto* l : supporting->findLayers()) EXPECT_FALSE(l->itemVisibilityChecked()) << l->name().toStdString();
    // the embedded default style: graduated on deri_score
    ASSERT_NE(deri->renderer(), nullptr);
    EXPECT_EQ(deri->renderer()->type(), QStringLiteral("RuleRenderer"));
    QgsMapSettings settings;
    settings.setLayers({deri});
    settings.setDestinationCrs(deri->crs());
    settings.setExtent(deri->extent());
    settings.setOutputSize(QSize(400, 400));
    settings.setBackgroundColor(Qt::white);
    QgsMapRendererSequentialJob job(settings);
    job.start();
    job.waitForFinished();
    const QImage image = job.renderedImage();
    std::map<QRgb, int> counts;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) ++counts[image.pixel(x, y) | 0xff000000u];
    // Leicester's DERI spans 0.4 to 7.7: the 0-2, 2-4, 4-6 and 6-8 classes of YlOrRd appear
    for (const char* hex : {"#ffffb2", "#fed976", "#feb24c", "#fd8d3c"})
        EXPECT_GT(counts[QColor(QString::fromLatin1(hex)).rgb()], 200) << hex;
    EXPECT_EQ(counts[QColor(QStringLiteral("#bd0026")).rgb()], 0);  // nothing at 8-10
    project.removeAllMapLayers();
}

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QTemporaryDir profile;
    QgsApplication app(argc, argv, false, profile.path());
    QgsApplication::setPrefixPath(QStringLiteral("/usr"), true);
    QgsApplication::initQgis();
    GDALAllRegister();
    accessatlas::qgis::register_provider();
    QTemporaryDir out;
    g_out = &out;
    ::testing::InitGoogleTest(&argc, argv);
    const int rc = RUN_ALL_TESTS();
    QgsProject::instance()->removeAllMapLayers();
    QgsApplication::exitQgis();
    return rc;
}
