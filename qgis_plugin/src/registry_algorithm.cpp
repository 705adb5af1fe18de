#include "registry_algorithm.hpp"
#include "help_pages.hpp"
#include "feedback_reporter.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/io/project.hpp>
#include <accessatlas/job/job.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <qgslayermetadata.h>
#include <qgslayertree.h>
#include <qgsmaplayerstyle.h>
#include <qgsmaplayerstylemanager.h>
#include <qgsprocessingcontext.h>
#include <qgsexception.h>
#include <qgsprocessingfeedback.h>
#include <qgsprocessingparameters.h>
#include <qgsproject.h>
#include <qgsvectorlayer.h>
#include <qgsvectordataprovider.h>
#include <qgsvectorfilewriter.h>
#include <qgsprocessingutils.h>

#include <QDateTime>
#include <QFileInfo>
#include <QIcon>
#include <QUrl>

#include <memory>
#include <utility>
#include <vector>

namespace accessatlas::qgis {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

const QString kGroupId = QStringLiteral("accessatlas");

QString group_id(const std::string& group) {
    QString id = qs(group).toLower();
    id.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("_"));
    return id;
}

// Where a layer goes in the run's group (io::map_place, the same rule as the QGIS projects the
// engine writes): the facilities on top, then the headline area layer (both visible), scenario
// differences, and everything else in a collapsed "Supporting layers" sub-group, unchecked.
using Place = io::MapPlace;

Place place_of(const QString& name, const QStringList& all) {
    std::vector<std::string> names;
    for (const auto& n : all) names.push_back(n.toStdString());
    return io::map_place(name.toStdString(), names);
}

// What the engine wrote about a layer: the title of its default style ("Time to the nearest gp
// by walk (minutes)") and its metadata items (accessatlas_what, _method, _inputs, _run_date ...).
struct LayerRecord {
    QString title;
    QMap<QString, QString> items;
    std::vector<std::pair<QString, QString>> other_styles;  // (title, QML) of the layer's other styles
};

// The layers of a GeoPackage the engine wrote, in order (without its style table), each with
// its record: one opening of the file for them all.
std::vector<std::pair<QString, LayerRecord>> output_layers(const QString& gpkg) {
    std::vector<std::pair<QString, LayerRecord>> out;
    std::unique_ptr<GDALDataset> ds(
        static_cast<GDALDataset*>(GDALOpenEx(gpkg.toUtf8().constData(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!ds) return out;
    for (int i = 0; i < ds->GetLayerCount(); ++i) {
        OGRLayer* layer = ds->GetLayer(i);
        const QString name = QString::fromUtf8(layer->GetName());
        if (name == QLatin1String("layer_styles")) continue;
        LayerRecord r;
        if (char** md = layer->GetMetadata())
            for (char** item = md; *item; ++item) {
                const QString text = QString::fromUtf8(*item);
                const int eq = text.indexOf(QLatin1Char('='));
                if (eq > 0) r.items.insert(text.left(eq), text.mid(eq + 1));
            }
        out.emplace_back(name, std::move(r));
    }
    if (OGRLayer* styles = ds->GetLayerByName("layer_styles"))
        for (auto& f : *styles) {
            const QString table = QString::fromUtf8(f->GetFieldAsString("f_table_name"));
            const QString title = QString::fromUtf8(f->GetFieldAsString("description"));
            for (auto& [name, record] : out) {
                if (name != table) continue;
                if (f->GetFieldAsInteger("useAsDefault") == 1)
                    record.title = title;
                else
                    record.other_styles.emplace_back(title, QString::fromUtf8(f->GetFieldAsString("styleQML")));
            }
        }
    return out;
}

// The record as QGIS's layer metadata (Layer Properties > Metadata and Information): title,
// abstract (what, units, method), keywords, licence and attribution, and the run (date,
// software, job, inputs, parameters) as its history.
QgsLayerMetadata layer_metadata(const LayerRecord& r, const QString& layer_name) {
    QgsLayerMetadata md;
    md.setIdentifier(layer_name);
    md.setTitle(r.title.isEmpty() ? r.items.value(QStringLiteral("accessatlas_what"), layer_name) : r.title);
    QStringList abstract;
    for (const auto& [key, label] :
         std::vector<std::pair<QString, QString>>{{QStringLiteral("accessatlas_what"), QString()},
                                                  {QStringLiteral("accessatlas_units"), QStringLiteral("Units: ")},
                                                  {QStringLiteral("accessatlas_method"), QStringLiteral("Method: ")}})
        if (r.items.contains(key)) abstract << label + r.items.value(key);
    md.setAbstract(abstract.join(QStringLiteral("\n\n")));
    md.setType(QStringLiteral("dataset"));
    md.setLanguage(QStringLiteral("en-GB"));
    md.addKeywords(QStringLiteral("Access Atlas"), {QStringLiteral("health access"), QStringLiteral("LSOA"), layer_name});
    if (r.items.contains(QStringLiteral("accessatlas_licence"))) md.setLicenses({r.items.value(QStringLiteral("accessatlas_licence"))});
    if (r.items.contains(QStringLiteral("accessatlas_attribution")))
        md.setRights({r.items.value(QStringLiteral("accessatlas_attribution"))});
    QStringList history;
    for (const auto& [key, label] :
         std::vector<std::pair<QString, QString>>{{QStringLiteral("accessatlas_run_date"), QStringLiteral("Run: ")},
                                                  {QStringLiteral("accessatlas_software"), QStringLiteral("Software: ")},
                                                  {QStringLiteral("accessatlas_job"), QStringLiteral("Job: ")},
                                                  {QStringLiteral("accessatlas_inputs"), QStringLiteral("Inputs: ")},
                                                  {QStringLiteral("accessatlas_parameters"), QStringLiteral("Parameters: ")}})
        if (r.items.contains(key)) history << label + r.items.value(key);
    md.setHistory(history);
    return md;
}

// Applies the layer's default style from the GeoPackage (Processing loads outputs without
// their default style), names the layer after what its style shows ("lsoa_access: Time to the
// nearest gp by walk (minutes)") so the legend says which indicator, mode and units, fills in
// its QGIS metadata, and places each output in one layer-tree group per run ("Access Atlas:
// <job title or algorithm> <time>"), at the top of the project, as place_of() says.
class GroupPostProcessor : public QgsProcessingLayerPostProcessorInterface {
public:
    GroupPostProcessor(QString group, QString name, LayerRecord record, QStringList all)
        : m_group(std::move(group)), m_name(std::move(name)), m_record(std::move(record)), m_all(std::move(all)) {}
    void postProcessLayer(QgsMapLayer* layer, QgsProcessingContext& context, QgsProcessingFeedback*) override {
        if (auto* vl = qobject_cast<QgsVectorLayer*>(layer)) {
            bool ok = false;
            vl->loadDefaultStyle(ok);
            // The layer's other styles (walk and drive, % within, E2SFCA ...) one click away in
            // the Layers panel's Styles menu, the default named after what it shows.
            QgsMapLayerStyleManager* styles = vl->styleManager();
            if (!m_record.title.isEmpty() && styles->currentStyle() != m_record.title)
                styles->renameStyle(styles->currentStyle(), m_record.title);
            for (const auto& [title, qml] : m_record.other_styles)
                if (!title.isEmpty() && !styles->styles().contains(title)) styles->addStyle(title, QgsMapLayerStyle(qml));
            vl->setMetadata(layer_metadata(m_record, m_name));
            if (!m_record.title.isEmpty()) vl->setName(QStringLiteral("%1: %2").arg(m_name, m_record.title));
            vl->triggerRepaint();
        }
        QgsProject* project = context.project();
        if (!project || !layer) return;
        QgsLayerTree* root = project->layerTreeRoot();
        QgsLayerTreeLayer* node = root->findLayer(layer->id());
        if (!node) return;
        // Placed by rank among the layers already placed (QGIS may first have put it inside this
        // very group, at its insertion point: that node is skipped when counting). The copy goes
        // in before the original leaves, or QGIS would drop the layer from the project.
        QgsLayerTreeNode* copy = node->clone();
        QgsLayerTreeGroup* group = root->findGroup(m_group);
        if (!group) group = root->insertGroup(0, m_group);
        const Place place = place_of(m_name, m_all);
        const QString key = QStringLiteral("accessatlas_place");
        QgsLayerTreeGroup* target = group;
        int index = 0;
        if (place == Place::supporting) {
            const QString sub = QStringLiteral("Supporting layers");
            target = group->findGroup(sub);
            if (!target) {
                target = group->addGroup(sub);
                target->setCustomProperty(key, static_cast<int>(Place::supporting));
                target->setExpanded(false);
                target->setItemVisibilityChecked(false);
            }
            index = target->children().size();
        } else {
            // Right after the last node placed no later than this one (the sub-group stays last).
            int position = 0;
            for (QgsLayerTreeNode* child : group->children()) {
                ++position;
                if (child != node && child->customProperty(key, static_cast<int>(Place::supporting)).toInt() <= static_cast<int>(place))
                    index = position;
            }
        }
        copy->setCustomProperty(key, static_cast<int>(place));
        copy->setItemVisibilityChecked(place == Place::facilities || place == Place::headline);
        // The headline's legend open, the supporting layers' closed.
        copy->setExpanded(place != Place::supporting);
        target->insertChildNode(index, copy);
        if (auto* parent = qobject_cast<QgsLayerTreeGroup*>(node->parent())) parent->removeChildNode(node);
        // Inserting into a group can expand it: the sub-group is closed again every time.
        if (place == Place::supporting) target->setExpanded(false);
    }

private:
    QString m_group;
    QString m_name;
    LayerRecord m_record;
    QStringList m_all;
};

// An engine message as the officer should read it: the dialog's labels for the job keys of
// `algorithm` (none for a job file, whose keys the officer wrote), layer names for temporary copies.
QString explained(const std::string& message, const algorithms::Algorithm* algorithm, const PathNames& names) {
    const std::string named =
        algorithm ? algorithms::name_parameters(message, *algorithm, algorithms::ParameterNaming::qgis_label) : message;
    return with_layer_names(QString::fromStdString(named), names);
}

// Runs a job and queues its layers to load, styled by the styles embedded in the GeoPackage.
QVariantMap run_and_load(const job::Job& job, const QString& title, QgsProcessingContext& context, QgsProcessingFeedback* feedback,
                         const PathNames& names = {}, const algorithms::Algorithm* algorithm = nullptr) {
    FeedbackReporter reporter(feedback, names);
    try {
        const auto summary = job::run_job(job, reporter);
        if (feedback)
            feedback->pushInfo(
                QStringLiteral("wrote %1: %2 areas, %3 warnings").arg(qs(summary.output)).arg(summary.areas).arg(summary.warnings.size()));
    } catch (const CancelledError&) {
        if (feedback) feedback->reportError(QStringLiteral("Cancelled: no output was written"), false);
        return {};
    } catch (const Error& e) {
        throw QgsProcessingException(explained(e.what(), algorithm, names));  // what() already ends with the hint
    } catch (const std::exception& e) {
        throw QgsProcessingException(QStringLiteral("internal error: %1").arg(QString::fromUtf8(e.what())));
    }
    const QString path = qs(job.output);
    const QString group =
        QStringLiteral("Access Atlas: %1 %2").arg(title, QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")));
    const auto records = output_layers(path);
    QStringList layers;
    for (const auto& entry : records) layers << entry.first;
    for (const auto& [layer, record] : records) {
        QgsProcessingContext::LayerDetails details(layer, context.project(), QStringLiteral("OUTPUT"),
                                                   QgsProcessingUtils::LayerHint::Vector);
        details.forceName = true;
        details.setPostProcessor(new GroupPostProcessor(group, layer, record, layers));
        context.addLayerToLoadOnCompletion(path + QStringLiteral("|layername=") + layer, details);
    }
    QVariantMap out;
    out.insert(QStringLiteral("OUTPUT"), path);
    if (!job.report.empty()) out.insert(QStringLiteral("REPORT"), qs(job.report));
    if (!job.project.empty()) out.insert(QStringLiteral("PROJECT"), qs(job.project));
    return out;
}

QString format_number(double v) { return QString::number(v, 'g', 17); }

// Whether the engine, reading the layer's file, would see something other than QGIS shows: a
// CRS set in QGIS ("Set Layer CRS", a shapefile without .prj), a subset filter, unsaved edits.
bool differs_from_its_file(const QgsVectorLayer& layer) {
    const QgsVectorDataProvider* provider = layer.dataProvider();
    const bool crs_set_in_qgis = layer.crs().isValid() && provider && layer.crs() != provider->crs();
    return crs_set_in_qgis || !layer.subsetString().isEmpty() || layer.isModified();
}

// The layer as QGIS sees it (its CRS, subset, edits; the selection when asked), written to a
// temporary GeoPackage for the engine. Empty on failure (the message goes to the feedback).
QString export_as_seen(QgsVectorLayer& layer, bool selected_only, QgsProcessingContext& context, QgsProcessingFeedback* feedback,
                       QString* layer_name) {
    const QString path = QgsProcessingUtils::generateTempFilename(QStringLiteral("accessatlas_input.gpkg"));
    QgsVectorFileWriter::SaveVectorOptions options;
    options.driverName = QStringLiteral("GPKG");
    options.layerName = QStringLiteral("input");
    options.fileEncoding = QStringLiteral("UTF-8");
    options.onlySelectedFeatures = selected_only;
    QString error;
    const auto result = QgsVectorFileWriter::writeAsVectorFormatV3(&layer, path, context.transformContext(), options, &error);
    if (result != QgsVectorFileWriter::NoError) {
        if (feedback) feedback->reportError(QStringLiteral("Could not copy the layer %1 for the engine: %2").arg(layer.name(), error));
        return {};
    }
    *layer_name = options.layerName;
    if (feedback)
        feedback->pushInfo(QStringLiteral("%1: read as QGIS shows it (%2%3%4)")
                               .arg(layer.name(), layer.crs().authid().isEmpty() ? layer.crs().description() : layer.crs().authid(),
                                    layer.subsetString().isEmpty() ? QString() : QStringLiteral(", filter ") + layer.subsetString(),
                                    layer.isModified() ? QStringLiteral(", unsaved edits") : QString()));
    return path;
}

}  // namespace

QString parameter_name(const std::string& registry_name) { return qs(registry_name).toUpper(); }

QString RegistryAlgorithm::name() const { return qs(m_algorithm.id); }
QString RegistryAlgorithm::displayName() const { return qs(m_algorithm.name); }
QString RegistryAlgorithm::group() const { return qs(m_algorithm.group); }
QString RegistryAlgorithm::groupId() const { return group_id(m_algorithm.group); }
QString RegistryAlgorithm::shortDescription() const { return qs(m_algorithm.summary); }
QString RegistryAlgorithm::shortHelpString() const {
    // Not the summary again: qgis_process help prints shortDescription() above this text.
    return qs(m_algorithm.help) +
           QStringLiteral("\n\nThe same algorithm runs from the command line: accessatlas %1 --help").arg(qs(m_algorithm.id));
}
// The dialog's Help button: this algorithm's section of docs/algorithms.md (every parameter,
// its job key and default), rendered, and where the guide is.
QString RegistryAlgorithm::helpUrl() const {
    QString md = qs(algorithms::markdown_reference(m_algorithm));
    const QString dir = docs_dir();
    if (!dir.isEmpty())
        md += QStringLiteral("\n\nThe officer's guide: [qgis.md](%1); every layer and field written: [layers.md](%2).\n")
                  .arg(QUrl::fromLocalFile(dir + QStringLiteral("/qgis.md")).toString(),
                       QUrl::fromLocalFile(dir + QStringLiteral("/layers.md")).toString());
    return help_page(qs(m_algorithm.id), md);
}
QIcon RegistryAlgorithm::icon() const { return QIcon(QStringLiteral(":/accessatlas/accessatlas.svg")); }
QgsProcessingAlgorithm* RegistryAlgorithm::createInstance() const { return new RegistryAlgorithm(m_algorithm); }

void RegistryAlgorithm::initAlgorithm(const QVariantMap&) {
    using T = algorithms::ParamType;
    for (const auto& p : m_algorithm.params) {
        const QString name = parameter_name(p.name);
        const QString desc = qs(p.description);
        const bool optional = !p.required;
        const QVariant def = p.default_value.empty() ? QVariant() : QVariant(qs(p.default_value));
        std::unique_ptr<QgsProcessingParameterDefinition> d;
        switch (p.type) {
        case T::vector_file: {
            const int type = p.geometry == "point"     ? QgsProcessing::TypeVectorPoint
                             : p.geometry == "polygon" ? QgsProcessing::TypeVectorPolygon
                             : p.geometry == "line"    ? QgsProcessing::TypeVectorLine
                                                       : QgsProcessing::TypeVectorAnyGeometry;
            d = std::make_unique<QgsProcessingParameterFeatureSource>(name, desc, QList<int>{type}, QVariant(), optional);
            break;
        }
        case T::table_file:
            d = std::make_unique<QgsProcessingParameterFeatureSource>(name, desc, QList<int>{QgsProcessing::TypeVector}, QVariant(),
                                                                      optional);
            break;
        case T::network_file:
            d = std::make_unique<QgsProcessingParameterFile>(
                name, desc, QgsProcessingParameterFile::File, QString(), QVariant(), optional,
                QStringLiteral("Road networks (*.osm.pbf *.pbf *.osm *.gpkg *.shp *.geojson);;All files (*)"));
            break;
        case T::field:
            d = std::make_unique<QgsProcessingParameterField>(name, desc, def, parameter_name(p.parent), QgsProcessingParameterField::Any,
                                                              false, optional);
            break;
        case T::enumeration:
        case T::enumeration_list: {
            QStringList options;
            for (const auto& c : p.choices) options << qs(c);
            const bool multiple = p.type == T::enumeration_list;
            QVariantList defaults;
            for (const auto& piece : qs(p.default_value).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                const int i = options.indexOf(piece.trimmed());
                if (i >= 0) defaults << i;
            }
            QVariant d_value = multiple ? QVariant(defaults) : (defaults.isEmpty() ? QVariant() : defaults.front());
            d = std::make_unique<QgsProcessingParameterEnum>(name, desc, options, multiple, d_value, optional);
            break;
        }
        case T::number: {
            auto n = std::make_unique<QgsProcessingParameterNumber>(
                name, desc, QgsProcessingParameterNumber::Double,
                p.default_value.empty() ? QVariant() : QVariant(QString::fromStdString(p.default_value).toDouble()), optional);
            if (p.minimum) n->setMinimum(*p.minimum);
            if (p.maximum) n->setMaximum(*p.maximum);
            d = std::move(n);
            break;
        }
        case T::boolean:
            d = std::make_unique<QgsProcessingParameterBoolean>(name, desc, QVariant(p.default_value == "true"), optional);
            break;
        case T::output_file:
            d = std::make_unique<QgsProcessingParameterFileDestination>(name, desc, QStringLiteral("GeoPackage (*.gpkg *.GPKG)"),
                                                                        QVariant(), optional);
            break;
        case T::project_file:
            // Not created unless asked for: the run's layers are loaded into the open project anyway.
            d = std::make_unique<QgsProcessingParameterFileDestination>(name, desc, QStringLiteral("QGIS projects (*.qgz *.qgs)"),
                                                                        QVariant(), true, false);
            break;
        case T::report_file:
            // An .html destination: QGIS lists it in the Processing Results Viewer after the run.
            d = std::make_unique<QgsProcessingParameterFileDestination>(name, desc, QStringLiteral("HTML files (*.html *.HTML)"),
                                                                        QVariant(), true);
            break;
        case T::file_list:
            d = std::make_unique<QgsProcessingParameterMultipleLayers>(name, desc, QgsProcessing::TypeFile, QVariant(), optional);
            break;
        case T::number_list:
        case T::text_list:
        case T::text: d = std::make_unique<QgsProcessingParameterString>(name, desc, def, false, optional); break;
        }
        // Only the longer text: QGIS shows the label beside it already (tooltip, qgis_process help).
        if (!p.help.empty()) d->setHelp(qs(p.help));
        addParameter(d.release());
    }
}

QVariantMap RegistryAlgorithm::processAlgorithm(const QVariantMap& parameters, QgsProcessingContext& context,
                                                QgsProcessingFeedback* feedback) {
    using T = algorithms::ParamType;
    std::map<std::string, std::string> values, layers;
    PathNames names;  // temporary copies, for messages
    for (const auto& p : m_algorithm.params) {
        const QString name = parameter_name(p.name);
        const QgsProcessingParameterDefinition* def = parameterDefinition(name);
        const QVariant raw = parameters.value(name);
        const bool given = parameters.contains(name) && raw.isValid() && !(raw.type() == QVariant::String && raw.toString().isEmpty());
        if (!given && !def->defaultValue().isValid()) continue;
        std::string value;
        switch (p.type) {
        case T::vector_file:
        case T::table_file: {
            if (!given) continue;
            // Memory layers, selections, database and web layers are written to a temporary
            // GeoPackage by QGIS; files the engine reads directly are passed as they are.
            QStringList formats{QStringLiteral("gpkg"), QStringLiteral("shp"), QStringLiteral("geojson"),
                                QStringLiteral("json"), QStringLiteral("fgb"), QStringLiteral("sqlite")};
            QString layer_name, path;
            // A layer whose CRS, filter or edits QGIS knows better than its file goes as QGIS shows it.
            const QVariant v = parameters.value(name);
            const bool selected = v.canConvert<QgsProcessingFeatureSourceDefinition>() &&
                                  v.value<QgsProcessingFeatureSourceDefinition>().selectedFeaturesOnly;
            QgsVectorLayer* vl = parameterAsVectorLayer(parameters, name, context);
            if (vl && differs_from_its_file(*vl)) {
                path = export_as_seen(*vl, selected, context, feedback, &layer_name);
            } else if (vl && p.type == T::table_file && !vl->isSpatial() && vl->providerType() == QLatin1String("delimitedtext") &&
                       !selected) {
                // A CSV table (no geometry) loaded as delimited text goes as the file the officer
                // chose (its name then appears in messages), not as a temporary copy. Point CSVs
                // (X/Y columns) go through QGIS, which knows their columns and CRS.
                const QString file = QUrl(vl->source()).toLocalFile();
                if (!file.isEmpty() && QFileInfo::exists(file)) path = file;
            }
            // A table may stay the CSV file it is (an OGR layer without geometry reads the same).
            if (p.type == T::table_file && vl && !vl->isSpatial()) formats << QStringLiteral("csv");
            if (path.isEmpty())
                path = parameterAsCompatibleSourceLayerPathAndLayerName(parameters, name, context, formats, QStringLiteral("gpkg"),
                                                                        feedback, &layer_name);
            if (path.isEmpty()) throw QgsProcessingException(invalidSourceError(parameters, name));
            // Messages name the layer as the officer sees it in QGIS: a temporary copy by the
            // layer alone (with the copy's inner layer name), a file by the layer and its file.
            if (vl && path.startsWith(QgsProcessingUtils::tempFolder())) {
                names[path] = QStringLiteral("layer '%1' in QGIS").arg(vl->name());
                if (!layer_name.isEmpty()) names[path + QStringLiteral(", layer '%1'").arg(layer_name)] = names[path];
            } else if (vl && vl->name() != QFileInfo(path).completeBaseName()) {
                names[path] = QStringLiteral("layer '%1' (%2)").arg(vl->name(), QFileInfo(path).fileName());
            }
            value = path.toStdString();
            if (!layer_name.isEmpty()) layers[p.name] = layer_name.toStdString();
            break;
        }
        case T::network_file: value = parameterAsFile(parameters, name, context).toStdString(); break;
        case T::field: {
            const QStringList f = parameterAsFields(parameters, name, context);
            if (!f.isEmpty()) value = f.front().toStdString();
            break;
        }
        case T::enumeration: {
            const int i = parameterAsEnum(parameters, name, context);
            if (i >= 0 && static_cast<std::size_t>(i) < p.choices.size()) value = p.choices[static_cast<std::size_t>(i)];
            break;
        }
        case T::enumeration_list: {
            for (int i : parameterAsEnums(parameters, name, context))
                if (i >= 0 && static_cast<std::size_t>(i) < p.choices.size())
                    value += (value.empty() ? "" : ",") + p.choices[static_cast<std::size_t>(i)];
            break;
        }
        case T::number: value = format_number(parameterAsDouble(parameters, name, context)).toStdString(); break;
        case T::boolean: value = parameterAsBoolean(parameters, name, context) ? "true" : "false"; break;
        case T::output_file:
        case T::report_file:
        case T::project_file: value = parameterAsFileOutput(parameters, name, context).toStdString(); break;
        case T::file_list:
            for (const auto& f : parameterAsFileList(parameters, name, context)) value += (value.empty() ? "" : ",") + f.toStdString();
            break;
        case T::number_list:
        case T::text_list:
        case T::text: value = parameterAsString(parameters, name, context).toStdString(); break;
        }
        if (!value.empty()) values[p.name] = value;
    }
    job::Job job;
    try {
        job = algorithms::job_from_parameters(m_algorithm, values, layers);
    } catch (const Error& e) {
        throw QgsProcessingException(explained(e.what(), &m_algorithm, names));  // what() already ends with the hint
    }
    for (auto& note : job.guessed_fields) note = algorithms::name_parameters(note, m_algorithm, algorithms::ParameterNaming::qgis_label);
    return run_and_load(job, displayName(), context, feedback, names, &m_algorithm);
}

QString RunJobAlgorithm::displayName() const { return QStringLiteral("Run job file"); }
QString RunJobAlgorithm::group() const { return QStringLiteral("Batch"); }
QString RunJobAlgorithm::groupId() const { return QStringLiteral("batch"); }
QString RunJobAlgorithm::shortDescription() const {
    return QStringLiteral("Runs a TOML job file exactly as `accessatlas run` does, and loads its layers styled.");
}
QString RunJobAlgorithm::shortHelpString() const {
    return QStringLiteral("A job file describes a whole run: network, areas, population, services, modes, thresholds, catchments, "
                          "E2SFCA, green space, indices (DERI), the composite index and clustering. See docs/job-file.md. Relative "
                          "paths are resolved from the job file's folder. Leave the output empty to use the job's own.");
}
// The job file's reference (docs/job-file.md) rendered, when the docs are installed.
QString RunJobAlgorithm::helpUrl() const {
    QFile file(docs_dir() + QStringLiteral("/job-file.md"));
    if (!file.open(QIODevice::ReadOnly)) return {};
    return help_page(QStringLiteral("run_job"), QString::fromUtf8(file.readAll()));
}
QIcon RunJobAlgorithm::icon() const { return QIcon(QStringLiteral(":/accessatlas/accessatlas.svg")); }

void RunJobAlgorithm::initAlgorithm(const QVariantMap&) {
    addParameter(new QgsProcessingParameterFile(QStringLiteral("JOB"), QStringLiteral("Job file (TOML)"), QgsProcessingParameterFile::File,
                                                QStringLiteral("toml")));
    // Not created by default: left empty, the dialog writes where the job says, as qgis_process
    // and `accessatlas run` do (a temporary file by default would differ between them).
    auto output = std::make_unique<QgsProcessingParameterFileDestination>(
        QStringLiteral("OUTPUT"), QStringLiteral("Output GeoPackage (empty: the job's)"), QStringLiteral("GeoPackage (*.gpkg *.GPKG)"),
        QVariant(), true, false);
    output->setHelp(QStringLiteral("Empty: the output the job file names ([job] output), as on the command line."));
    addParameter(output.release());
    auto report = std::make_unique<QgsProcessingParameterFileDestination>(
        QStringLiteral("REPORT"), QStringLiteral("HTML report"), QStringLiteral("HTML files (*.html *.HTML)"), QVariant(), true, false);
    report->setHelp(QStringLiteral("Optional: the maps, histograms and decile charts of the results in one page; QGIS lists it in the "
                                   "Results Viewer."));
    addParameter(report.release());
    auto project =
        std::make_unique<QgsProcessingParameterFileDestination>(QStringLiteral("PROJECT"), QStringLiteral("QGIS project (.qgz)"),
                                                                QStringLiteral("QGIS projects (*.qgz *.qgs)"), QVariant(), true, false);
    project->setHelp(QStringLiteral("Optional: a QGIS project beside the GeoPackage that opens the results as the same designed map."));
    addParameter(project.release());
}

QVariantMap RunJobAlgorithm::processAlgorithm(const QVariantMap& parameters, QgsProcessingContext& context,
                                              QgsProcessingFeedback* feedback) {
    const QString path = parameterAsFile(parameters, QStringLiteral("JOB"), context);
    job::Job job;
    try {
        job = job::load_job(path.toStdString());
    } catch (const Error& e) {
        throw QgsProcessingException(QString::fromUtf8(e.what()));  // what() already ends with the hint
    }
    const QVariant out = parameters.value(QStringLiteral("OUTPUT"));
    if (out.isValid() && !out.toString().isEmpty())
        job.output = parameterAsFileOutput(parameters, QStringLiteral("OUTPUT"), context).toStdString();
    const QVariant project = parameters.value(QStringLiteral("PROJECT"));
    if (project.isValid() && !project.toString().isEmpty())
        job.project = parameterAsFileOutput(parameters, QStringLiteral("PROJECT"), context).toStdString();
    const QVariant report = parameters.value(QStringLiteral("REPORT"));
    if (report.isValid() && !report.toString().isEmpty())
        job.report = parameterAsFileOutput(parameters, QStringLiteral("REPORT"), context).toStdString();
    return run_and_load(job, job.title.empty() ? QFileInfo(path).completeBaseName() : qs(job.title), context, feedback);
}

}  // namespace accessatlas::qgis
