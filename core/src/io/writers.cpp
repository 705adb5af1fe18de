// GeoPackage and CSV output, written to a temporary file beside the target and renamed
// over it only when complete.
#include "crs/to_bng.hpp"
#include "io/packed_rtree.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/io/layers.hpp>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <atomic>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace accessatlas::io {

namespace {

std::string temp_beside(const std::string& final_path, const std::string& extension) {
    static std::atomic<unsigned> counter{0};
    const fs::path p(final_path);
    const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    return (dir / fmt::format(".{}.{}-{}.tmp{}", p.filename().string(), ::getpid(), counter++, extension)).string();
}

void prepare_folder(const std::string& final_path) {
    const fs::path p(final_path);
    std::error_code ec;
    if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
    if (ec)
        throw InputError("cannot create the output folder: " + ec.message(), {final_path, {}, {}, {}}, "choose a folder you can write to");
}

void remove_quietly(const std::string& path) {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(path + suffix, ec);
}

OGRFieldType ogr_type(FieldType t) {
    switch (t) {
    case FieldType::integer: return OFTInteger64;
    case FieldType::real: return OFTReal;
    case FieldType::text: return OFTString;
    }
    return OFTString;
}

void set_values(OGRFeature& f, const std::vector<FieldDef>& fields, const std::vector<Value>& values) {
    // A writer whose values drift from its layer's fields would shift every column: refuse.
    if (values.size() != fields.size())
        throw InternalError(fmt::format("layer {}: {} values for {} fields", f.GetDefnRef()->GetName(), values.size(), fields.size()));
    for (std::size_t i = 0; i < fields.size() && i < values.size(); ++i) {
        const auto field = static_cast<int>(i);
        std::visit(
            [&](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::monostate>)
                    f.SetFieldNull(field);
                else if constexpr (std::is_same_v<T, std::int64_t>)
                    f.SetField(field, static_cast<GIntBig>(v));
                else if constexpr (std::is_same_v<T, double>) {
                    if (std::isfinite(v))
                        f.SetField(field, v);
                    else
                        f.SetFieldNull(field);
                } else
                    f.SetField(field, v.c_str());
            },
            values[i]);
    }
}

}  // namespace

void LayerWriter::add(const std::vector<Value>& values, const std::vector<unsigned char>* wkb) {
    auto* layer = static_cast<OGRLayer*>(m_layer);
    OGRFeature f(layer->GetLayerDefn());
    set_values(f, m_fields, values);
    if (wkb) {
        OGRGeometry* g = nullptr;
        if (OGRGeometryFactory::createFromWkb(wkb->data(), nullptr, &g, wkb->size()) != OGRERR_NONE || !g)
            throw InternalError("invalid geometry for layer " + m_name);
        g->assignSpatialReference(crs::bng());
        // Layers are declared multi-part: promote single parts so every row has the layer's type.
        const auto layer_type = wkbFlatten(layer->GetGeomType());
        if (layer_type == wkbMultiPolygon && wkbFlatten(g->getGeometryType()) != wkbMultiPolygon)
            g = OGRGeometryFactory::forceToMultiPolygon(g);
        else if (layer_type == wkbMultiLineString && wkbFlatten(g->getGeometryType()) != wkbMultiLineString)
            g = OGRGeometryFactory::forceToMultiLineString(g);
        f.SetGeometryDirectly(g);
    }
    if (layer->CreateFeature(&f) != OGRERR_NONE)
        throw InputError(fmt::format("cannot write a feature to layer '{}': {}", m_name, CPLGetLastErrorMsg()), {},
                         "check free disk space");
    const OGRGeometry* g = f.GetGeometryRef();
    if (m_index && g && !g->IsEmpty()) {
        OGREnvelope box;
        g->getEnvelope(&box);
        m_index->add({f.GetFID(), box.MinX, box.MaxX, box.MinY, box.MaxY});
    }
}

LayerWriter::LayerWriter(void* layer, std::vector<FieldDef> fields, std::string name)
    : m_layer(layer), m_fields(std::move(fields)), m_name(std::move(name)) {}

LayerWriter::~LayerWriter() = default;

void LayerWriter::add_point(const std::vector<Value>& values, Point p) {
    auto* layer = static_cast<OGRLayer*>(m_layer);
    OGRFeature f(layer->GetLayerDefn());
    set_values(f, m_fields, values);
    f.SetGeometryDirectly(new OGRPoint(p.x, p.y));
    if (layer->CreateFeature(&f) != OGRERR_NONE)
        throw InputError(fmt::format("cannot write a feature to layer '{}': {}", m_name, CPLGetLastErrorMsg()), {},
                         "check free disk space");
    if (m_index) m_index->add({f.GetFID(), p.x, p.x, p.y, p.y});
}

void LayerWriter::set_metadata(const std::string& key, const std::string& value) {
    static_cast<OGRLayer*>(m_layer)->SetMetadataItem(key.c_str(), value.c_str());
}

void GpkgWriter::add_style(const std::string& layer, const std::string& style_name, const std::string& qml, const std::string& sld,
                           bool use_as_default, const std::string& description) {
    m_styles.push_back({layer, style_name, qml, sld, description, use_as_default});
}

GpkgWriter::GpkgWriter(const std::string& final_path) : m_final_path(final_path) {
    initialise_gdal();
    prepare_folder(final_path);
    m_temp_path = temp_beside(final_path, ".gpkg");
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!driver) throw InternalError("GDAL has no GPKG driver");
    auto* ds = driver->Create(m_temp_path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    if (!ds)
        throw InputError(fmt::format("cannot create the output: {}", CPLGetLastErrorMsg()), {final_path, {}, {}, {}},
                         "check the folder exists and is writable");
    m_dataset = ds;
}

GpkgWriter::~GpkgWriter() {
    if (m_dataset) GDALClose(static_cast<GDALDataset*>(m_dataset));
    if (!m_committed) remove_quietly(m_temp_path);
}

LayerWriter& GpkgWriter::create_layer(const std::string& name, GeometryKind kind, const std::vector<FieldDef>& fields,
                                      const std::string& description) {
    auto* ds = static_cast<GDALDataset*>(m_dataset);
    finish_layer();
    if (m_in_transaction) ds->CommitTransaction();
    m_in_transaction = false;
    const OGRwkbGeometryType type = kind == GeometryKind::point     ? wkbPoint
                                    : kind == GeometryKind::line    ? wkbMultiLineString
                                    : kind == GeometryKind::polygon ? wkbMultiPolygon
                                                                    : wkbNone;
    char** options = nullptr;
    if (!description.empty()) options = CSLSetNameValue(options, "DESCRIPTION", description.c_str());
    // The spatial index is packed when the layer is finished (packed_rtree.hpp), not filled
    // by GDAL one row at a time.
    if (type != wkbNone) options = CSLSetNameValue(options, "SPATIAL_INDEX", "NO");
    OGRLayer* layer = ds->CreateLayer(name.c_str(), type == wkbNone ? nullptr : crs::bng(), type, options);
    CSLDestroy(options);
    if (!layer) throw InputError(fmt::format("cannot create layer '{}': {}", name, CPLGetLastErrorMsg()), {m_final_path, name, {}, {}}, "");
    for (const auto& f : fields) {
        OGRFieldDefn defn(f.name.c_str(), ogr_type(f.type));
        if (layer->CreateField(&defn) != OGRERR_NONE)
            throw InternalError(fmt::format("cannot create field '{}' in layer '{}'", f.name, name));
    }
    std::unique_ptr<LayerWriter> writer(new LayerWriter(layer, fields, name));
    if (type != wkbNone) writer->m_index = std::make_unique<detail::PackedRtree>(*ds, name, layer->GetGeometryColumn());
    ds->StartTransaction();  // one transaction per layer: thousands of times faster than autocommit
    m_in_transaction = true;
    m_layers.push_back(std::move(writer));
    return *m_layers.back();
}

void GpkgWriter::finish_layer() {
    if (m_layers.empty() || !m_layers.back()->m_index) return;
    m_layers.back()->m_index->fill(*static_cast<GDALDataset*>(m_dataset));
    m_layers.back()->m_index.reset();
}

void GpkgWriter::commit() {
    auto* ds = static_cast<GDALDataset*>(m_dataset);
    finish_layer();
    if (!m_styles.empty()) {
        // The table QGIS itself creates (same columns), registered in gpkg_contents by OGR.
        if (m_in_transaction) ds->CommitTransaction();
        char** options = CSLSetNameValue(nullptr, "FID", "id");
        OGRLayer* table = ds->CreateLayer("layer_styles", nullptr, wkbNone, options);
        CSLDestroy(options);
        if (!table) throw InternalError("cannot create the layer_styles table");
        for (const auto& [name, width] : std::vector<std::pair<const char*, int>>{{"f_table_catalog", 256},
                                                                                  {"f_table_schema", 256},
                                                                                  {"f_table_name", 256},
                                                                                  {"f_geometry_column", 256},
                                                                                  {"styleName", 30},
                                                                                  {"styleQML", 0},
                                                                                  {"styleSLD", 0}}) {
            OGRFieldDefn f(name, OFTString);
            f.SetWidth(width);
            table->CreateField(&f);
        }
        OGRFieldDefn def("useAsDefault", OFTInteger);
        def.SetSubType(OFSTBoolean);
        table->CreateField(&def);
        for (const char* name : {"description", "owner", "ui"}) {
            OGRFieldDefn f(name, OFTString);
            table->CreateField(&f);
        }
        OGRFieldDefn time("update_time", OFTDateTime);
        table->CreateField(&time);
        ds->StartTransaction();
        m_in_transaction = true;
        for (const auto& row : m_styles) {
            OGRFeature f(table->GetLayerDefn());
            f.SetField("f_table_catalog", "");
            f.SetField("f_table_schema", "");  // empty, not NULL: QGIS matches on it
            f.SetField("f_table_name", row.layer.c_str());
            OGRLayer* target = ds->GetLayerByName(row.layer.c_str());
            f.SetField("f_geometry_column", target ? target->GetGeometryColumn() : "geom");
            f.SetField("styleName", row.name.c_str());
            f.SetField("styleQML", row.qml.c_str());
            f.SetField("styleSLD", row.sld.c_str());
            f.SetField("useAsDefault", row.is_default ? 1 : 0);
            f.SetField("description", row.description.c_str());
            f.SetField("owner", "accessatlas");
            f.SetField("ui", "");
            const std::time_t now = std::time(nullptr);
            std::tm utc{};
            gmtime_r(&now, &utc);
            f.SetField("update_time", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                       static_cast<float>(utc.tm_sec), 100);
            if (table->CreateFeature(&f) != OGRERR_NONE) throw InternalError("cannot write a style row");
        }
    }
    if (m_in_transaction && ds->CommitTransaction() != OGRERR_NONE)
        throw InputError(fmt::format("cannot finish writing: {}", CPLGetLastErrorMsg()), {m_final_path, {}, {}, {}},
                         "check free disk space");
    CPLErrorReset();
    GDALClose(ds);
    if (CPLGetLastErrorType() >= CE_Failure) {
        m_dataset = nullptr;
        throw InputError(fmt::format("cannot finish writing: {}", CPLGetLastErrorMsg()), {m_final_path, {}, {}, {}},
                         "check free disk space");
    }
    m_dataset = nullptr;
    std::error_code ec;
    fs::rename(m_temp_path, m_final_path, ec);
    if (ec)
        throw InputError("cannot move the finished output into place: " + ec.message(), {m_final_path, {}, {}, {}}, "check permissions");
    m_committed = true;
}

std::vector<unsigned char> multilinestring_wkb(const Point* begin, const Point* end) {
    OGRLineString line;
    for (const Point* p = begin; p != end; ++p) line.addPoint(p->x, p->y);
    OGRMultiLineString multi;
    multi.addGeometry(&line);
    std::vector<unsigned char> wkb(static_cast<std::size_t>(multi.WkbSize()));
    multi.exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    return wkb;
}

void write_csv(const std::string& path, const std::vector<FieldDef>& fields, const std::vector<std::vector<Value>>& rows) {
    prepare_folder(path);
    const std::string temp = temp_beside(path, ".csv");
    {
        std::ofstream out(temp, std::ios::binary);
        if (!out) throw InputError("cannot write", {path, {}, {}, {}}, "check the folder is writable");
        auto quote = [](const std::string& s) {
            if (s.find_first_of(",\"\n") == std::string::npos) return s;
            std::string q = "\"";
            for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
            return q + "\"";
        };
        for (std::size_t i = 0; i < fields.size(); ++i) out << (i ? "," : "") << quote(fields[i].name);
        out << "\n";
        for (const auto& row : rows) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                if (i) out << ",";
                std::visit(
                    [&](const auto& v) {
                        using T = std::decay_t<decltype(v)>;
                        if constexpr (std::is_same_v<T, std::int64_t>)
                            out << v;
                        else if constexpr (std::is_same_v<T, double>) {
                            if (std::isfinite(v)) out << fmt::format("{}", v);
                        } else if constexpr (std::is_same_v<T, std::string>)
                            out << quote(v);
                    },
                    row[i]);
            }
            out << "\n";
        }
        out.flush();
        if (!out) {
            out.close();
            remove_quietly(temp);
            throw InputError("cannot write (disk full?)", {path, {}, {}, {}}, "free some space and run again");
        }
    }
    std::error_code ec;
    fs::rename(temp, path, ec);
    if (ec) {
        remove_quietly(temp);
        throw InputError("cannot move the finished CSV into place: " + ec.message(), {path, {}, {}, {}}, "check permissions");
    }
}

}  // namespace accessatlas::io
