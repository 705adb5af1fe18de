// Reading layers and numeric tables through GDAL/OGR, reprojected to EPSG:27700.
#include "crs/to_bng.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/io/layers.hpp>

#include <cpl_conv.h>
#include <cpl_csv.h>
#include <cpl_vsi.h>
#include <cpl_error.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <mutex>

namespace accessatlas::io {

namespace {

void quiet_handler(CPLErr, CPLErrorNum, const char*) {}

std::unique_ptr<GDALDataset> open_vector(const std::string& path, const char* const* open_options = nullptr) {
    initialise_gdal();
    std::unique_ptr<GDALDataset> ds(
        static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, open_options, nullptr)));
    if (!ds) {
        VSIStatBufL st;
        const bool exists = VSIStatL(path.c_str(), &st) == 0;
        throw InputError(exists ? "cannot be read as a vector layer or table" : "file not found", {path, {}, {}, {}},
                         exists ? "check the format (GeoPackage, GeoJSON, Shapefile, CSV ...)"
                                : "check the path (relative paths are resolved from the job file's folder)");
    }
    return ds;
}

OGRLayer* pick_layer(GDALDataset& ds, const std::string& path, const std::string& name) {
    OGRLayer* layer = name.empty() ? ds.GetLayer(0) : ds.GetLayerByName(name.c_str());
    if (!layer) {
        std::string names;
        for (int i = 0; i < ds.GetLayerCount(); ++i) names += (i ? ", " : "") + std::string(ds.GetLayer(i)->GetName());
        throw InputError(name.empty() ? "the file has no layer" : "no such layer", {path, name, {}, {}},
                         names.empty() ? std::string("give a file with data") : "layers in the file: " + names);
    }
    return layer;
}

int field_index(OGRLayer& layer, const std::string& path, const std::string& field) {
    const int i = layer.GetLayerDefn()->GetFieldIndex(field.c_str());
    if (i < 0) {
        std::string names;
        for (int k = 0; k < layer.GetLayerDefn()->GetFieldCount(); ++k)
            names += (k ? ", " : "") + std::string(layer.GetLayerDefn()->GetFieldDefn(k)->GetNameRef());
        throw InputError("no such field", {path, layer.GetName(), {}, field}, "fields in the layer: " + names);
    }
    return i;
}

const char* kind_name(GeometryKind k) {
    switch (k) {
    case GeometryKind::point: return "points";
    case GeometryKind::line: return "lines";
    case GeometryKind::polygon: return "polygons";
    case GeometryKind::none: return "no geometry";
    }
    return "?";
}

bool has_kind(OGRwkbGeometryType t, GeometryKind k) {
    t = wkbFlatten(t);
    switch (k) {
    case GeometryKind::point: return t == wkbPoint || t == wkbMultiPoint;
    case GeometryKind::line: return t == wkbLineString || t == wkbMultiLineString;
    case GeometryKind::polygon: return t == wkbPolygon || t == wkbMultiPolygon;
    case GeometryKind::none: return false;
    }
    return false;
}

}  // namespace

void initialise_gdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(quiet_handler);  // errors surface through return codes and our messages
    });
}

const std::vector<std::optional<std::string>>& Layer::field(const std::string& name) const {
    for (std::size_t i = 0; i < field_names.size(); ++i)
        if (field_names[i] == name) return values[i];
    throw InternalError("field not read: " + name);
}

namespace {

// Great Britain on the National Grid, with a margin for islands: a point beyond it (or at the
// grid's false origin, where missing coordinates written as 0 land) is not a real place here.
bool in_great_britain(Point p) { return p.x >= -60000 && p.x <= 760000 && p.y >= -60000 && p.y <= 1300000; }
// Exactly at the grid's false origin: missing coordinates written as 0 (a warning by feature;
// hand-made test geometry lives near it too, so it is not a reason to refuse a layer).
bool at_false_origin(Point p) { return std::abs(p.x) < 1 && std::abs(p.y) < 1; }

// What coordinates in a layer's own units look like, to suggest the CRS they are really in.
std::string guess_crs(const OGREnvelope& e) {
    auto within = [&](double x0, double x1, double y0, double y1) { return e.MinX >= x0 && e.MaxX <= x1 && e.MinY >= y0 && e.MaxY <= y1; };
    if (within(49, 61.5, -9, 2.5)) return "latitude and longitude in degrees, in that order (axes swapped): EPSG:4326 with x = longitude";
    if (within(-9, 2.5, 49, 61.5)) return "longitude and latitude in degrees: EPSG:4326 (WGS 84)";
    if (within(-180, 180, -90, 90)) return "degrees, but not in Great Britain";
    if (within(-60000, 760000, -60000, 1300000)) return "British National Grid metres: EPSG:27700";
    if (within(-1100000, 300000, 6200000, 8800000)) return "Web Mercator metres: EPSG:3857";
    if (std::abs(e.MinX) < 1000 && std::abs(e.MaxX) < 1000 && std::abs(e.MinY) < 1000 && std::abs(e.MaxY) < 1000)
        return "zeros (the grid's false origin): missing coordinates written as 0";
    return "no CRS that covers Great Britain";
}

std::string crs_name(const OGRSpatialReference& srs) {
    const char* name = srs.GetName();
    const char* code = srs.GetAuthorityCode(nullptr);
    return fmt::format("{}{}", name ? name : "an unnamed CRS", code ? fmt::format(" (EPSG:{})", code) : std::string());
}

}  // namespace

Layer read_layer(const std::string& path, const std::string& layer_name, GeometryKind kind, const std::vector<std::string>& fields,
                 Reporter& reporter) {
    auto ds = open_vector(path);
    OGRLayer* layer = pick_layer(*ds, path, layer_name);
    Layer out;
    out.path = path;
    out.layer_name = layer->GetName();
    const OGRSpatialReference* srs = layer->GetSpatialRef();
    if (!srs)
        throw InputError("the layer has no coordinate reference system", {path, out.layer_name, {}, {}},
                         "assign one, e.g. add a .prj file or run ogr2ogr -a_srs EPSG:27700");
    if (srs->IsGeographic() == 0 && srs->IsProjected() != 0) {
        const double to_m = srs->GetLinearUnits();
        if (std::abs(to_m - 1.0) > 1e-9 && to_m > 0)
            reporter.info(fmt::format("{}: projected CRS in units of {} m; reprojected to EPSG:27700 metres", path, to_m));
    }
    const crs::ToBng to_bng(*srs, path);
    if (layer->GetFeatureCount(TRUE) == 0)
        throw InputError("the layer has no features with geometry (it is empty)", {path, out.layer_name, {}, {}},
                         "check the file is not empty");
    std::vector<int> idx;
    for (const auto& f : fields) idx.push_back(field_index(*layer, path, f));
    out.field_names = fields;
    out.values.resize(fields.size());
    std::size_t empty = 0;
    OGREnvelope raw;  // the features' extent in the layer's own CRS
    layer->ResetReading();
    for (std::unique_ptr<OGRFeature> f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
        OGRGeometry* g = f->GetGeometryRef();
        const std::string fid = std::to_string(f->GetFID());
        if (!g || g->IsEmpty()) {
            ++empty;
            continue;
        }
        if (!has_kind(g->getGeometryType(), kind))
            throw InputError(fmt::format("geometry is {}, expected {}", OGRGeometryTypeToName(g->getGeometryType()), kind_name(kind)),
                             {path, out.layer_name, fid, {}}, "give a layer of " + std::string(kind_name(kind)));
        OGREnvelope raw_env;
        g->getEnvelope(&raw_env);
        raw.Merge(raw_env);
        if (!to_bng.transform(*g))
            throw InputError(
                fmt::format("coordinates cannot be transformed to EPSG:27700 from the layer's CRS, {}: they ({:.6g}, {:.6g} to "
                            "{:.6g}, {:.6g}) look like {}",
                            crs_name(*srs), raw_env.MinX, raw_env.MinY, raw_env.MaxX, raw_env.MaxY, guess_crs(raw_env)),
                {path, out.layer_name, fid, {}}, "assign the CRS the coordinates are in (QGIS: Layer > Set CRS; ogr2ogr -a_srs EPSG:...)");
        Point p;
        if (kind == GeometryKind::point) {
            // One feature is one place: a MultiPoint of several is refused, never cut to its first part.
            if (wkbFlatten(g->getGeometryType()) == wkbMultiPoint && g->toMultiPoint()->getNumGeometries() > 1)
                throw InputError(
                    fmt::format("a MultiPoint of {} points where one point per feature is expected", g->toMultiPoint()->getNumGeometries()),
                    {path, out.layer_name, fid, {}},
                    "split it into single points (QGIS: Vector > Geometry Tools > Multipart to Singleparts; ogr2ogr -explodecollections)");
            const OGRPoint* pt = wkbFlatten(g->getGeometryType()) == wkbPoint ? g->toPoint() : g->toMultiPoint()->getGeometryRef(0);
            p = {pt->getX(), pt->getY()};
        } else {
            OGRGeometryH surface = kind == GeometryKind::polygon ? OGR_G_PointOnSurface(OGRGeometry::ToHandle(g)) : nullptr;
            if (surface) {
                p = {OGR_G_GetX(surface, 0), OGR_G_GetY(surface, 0)};
                OGR_G_DestroyGeometry(surface);
            } else {
                OGREnvelope env;
                g->getEnvelope(&env);
                p = {(env.MinX + env.MaxX) / 2, (env.MinY + env.MaxY) / 2};
            }
        }
        if (!std::isfinite(p.x) || !std::isfinite(p.y))
            throw InputError("geometry has non-finite coordinates", {path, out.layer_name, fid, {}}, "repair the geometry");
        out.fid.push_back(f->GetFID());
        out.points.push_back(p);
        if (kind != GeometryKind::point) {
            std::vector<unsigned char> wkb(static_cast<std::size_t>(g->WkbSize()));
            g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
            out.wkb.push_back(std::move(wkb));
        }
        for (std::size_t i = 0; i < idx.size(); ++i) {
            if (f->IsFieldSetAndNotNull(idx[i]))
                out.values[i].emplace_back(f->GetFieldAsString(idx[i]));
            else
                out.values[i].emplace_back(std::nullopt);
        }
    }
    if (empty > 0) reporter.warning(fmt::format("{} layer '{}': {} features without geometry were skipped", path, out.layer_name, empty));
    if (out.size() == 0)
        throw InputError("the layer has no features with geometry", {path, out.layer_name, {}, {}}, "check the file is not empty");
    // Places must be in Great Britain: a layer whose declared CRS disagrees with its coordinates
    // lands in the sea or at the false origin, and would give silently wrong numbers.
    std::vector<std::string> outside, zeros;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto label = fmt::format("feature {} at ({:.0f}, {:.0f})", out.fid[i], out.points[i].x, out.points[i].y);
        if (!in_great_britain(out.points[i]))
            outside.push_back(label);
        else if (at_false_origin(out.points[i]))
            zeros.push_back(label);
        else
            continue;
        if (kind == GeometryKind::point || !in_great_britain(out.points[i]))
            reporter.item(
                {"feature_outside_great_britain",
                 path,
                 out.layer_name,
                 std::to_string(out.fid[i]),
                 {},
                 {},
                 fmt::format("kept, at ({:.0f}, {:.0f}) in EPSG:27700: check its coordinates", out.points[i].x, out.points[i].y)});
    }
    if (!zeros.empty() && kind == GeometryKind::point)
        reporter.warning(
            fmt::format("{} layer '{}': {} of {} features lie exactly at the grid's false origin (0, 0), where missing coordinates "
                        "written as 0 land; check them: {}",
                        path, out.layer_name, zeros.size(), out.size(),
                        fmt::join(zeros.begin(), zeros.begin() + std::min<std::size_t>(zeros.size(), 10), ", ")));
    // Degrees declared as metres land within a few metres of the false origin, still "inside"
    // the grid: their own numbers (GB longitudes and latitudes) give them away.
    const bool gb_degrees = (raw.MinX >= -9 && raw.MaxX <= 2.5 && raw.MinY >= 49 && raw.MaxY <= 61.5) ||
                            (raw.MinX >= 49 && raw.MaxX <= 61.5 && raw.MinY >= -9 && raw.MaxY <= 2.5);
    if (srs->IsProjected() && gb_degrees)
        throw InputError(
            fmt::format("the layer's CRS is {}, in metres, but its coordinates ({:.6g}, {:.6g} to {:.6g}, {:.6g}) look like {}",
                        crs_name(*srs), raw.MinX, raw.MinY, raw.MaxX, raw.MaxY, guess_crs(raw)),
            {path, out.layer_name, {}, {}}, "assign the CRS the coordinates are in (QGIS: Layer > Set CRS; ogr2ogr -a_srs EPSG:4326)");
    if (!outside.empty() && outside.size() * 2 >= out.size())
        throw InputError(
            fmt::format("{} of {} features lie outside Great Britain once in EPSG:27700 (e.g. {}); the layer's CRS is {}, but its "
                        "coordinates ({:.6g}, {:.6g} to {:.6g}, {:.6g}) look like {}",
                        outside.size(), out.size(), outside.front(), crs_name(*srs), raw.MinX, raw.MinY, raw.MaxX, raw.MaxY,
                        guess_crs(raw)),
            {path, out.layer_name, {}, {}}, "assign the CRS the coordinates are in (QGIS: Layer > Set CRS; ogr2ogr -a_srs EPSG:...)");
    if (!outside.empty()) {
        std::string list;
        for (std::size_t i = 0; i < outside.size() && i < 10; ++i) list += (i ? ", " : "") + outside[i];
        if (outside.size() > 10) list += fmt::format(" and {} more", outside.size() - 10);
        reporter.warning(fmt::format("{} layer '{}': {} of {} features lie outside Great Britain (EPSG:27700 metres) and are no real place "
                                     "here; check their coordinates: {}",
                                     path, out.layer_name, outside.size(), out.size(), list));
    }
    return out;
}

std::size_t repair_polygons(Layer& layer, std::vector<std::size_t>* repaired_indices) {
    std::size_t repaired = 0;
    for (std::size_t index = 0; index < layer.wkb.size(); ++index) {
        auto& wkb = layer.wkb[index];
        OGRGeometry* g = nullptr;
        if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()) != OGRERR_NONE || !g) continue;
        std::unique_ptr<OGRGeometry> geom(g);
        if (geom->IsValid()) continue;
        std::unique_ptr<OGRGeometry> fixed(geom->MakeValid());
        if (!fixed) continue;
        // Keep the polygonal parts (make-valid may add lines or points along a collapsed ring).
        std::unique_ptr<OGRGeometry> polygons;
        if (wkbFlatten(fixed->getGeometryType()) == wkbGeometryCollection) {
            auto multi = std::make_unique<OGRMultiPolygon>();
            for (const auto* part : *fixed->toGeometryCollection()) {
                const auto t = wkbFlatten(part->getGeometryType());
                if (t == wkbPolygon) multi->addGeometry(part);
                if (t == wkbMultiPolygon)
                    for (const auto* p : *part->toMultiPolygon()) multi->addGeometry(p);
            }
            polygons = std::move(multi);
        } else {
            polygons = std::move(fixed);
        }
        wkb.assign(static_cast<std::size_t>(polygons->WkbSize()), 0);
        polygons->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
        ++repaired;
        if (repaired_indices) repaired_indices->push_back(index);
    }
    return repaired;
}

double parse_number(const std::string& text, const std::string& file, const std::string& layer, const std::string& feature,
                    const std::string& field, bool* trimmed) {
    std::string s = text;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    std::size_t start = 0;
    while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
    s = s.substr(start);
    if (!s.empty() && s[0] == '+') s = s.substr(1);
    if (trimmed) *trimmed = s.size() != text.size();
    const ErrorContext where{file, layer, feature, field};
    if (s.empty()) throw InputError("empty value where a number is needed", where, "fill in the value or remove the row");
    if (s.find(',') != std::string::npos)
        throw InputError(fmt::format("'{}' has a thousands separator or decimal comma", s), where,
                         "save the table without thousands separators, with '.' as the decimal point");
    // from_chars, not strtod: independent of the C locale (inside QGIS it is the user's, where
    // "1500.5" would stop at the point).
    double v = 0;
    const auto [end, err] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (err == std::errc::result_out_of_range) throw InputError(fmt::format("'{}' is not a finite number", s), where, "fix the value");
    if (err != std::errc() || end != s.data() + s.size()) throw InputError(fmt::format("'{}' is not a number", s), where, "fix the value");
    if (!std::isfinite(v)) throw InputError(fmt::format("'{}' is not a finite number", s), where, "fix the value");
    return v;
}

void TableProblems::add(const std::string& row, const std::string& field, const std::string& message, const std::string& hint) {
    ++m_count;
    if (m_hint.empty()) m_hint = hint;
    if (m_lines.size() < 20)
        m_lines.push_back(field.empty() ? row + ": " + message : fmt::format("{}, field '{}': {}", row, field, message));
}

void TableProblems::throw_if_any(std::size_t rows_checked) const {
    if (m_count == 0) return;
    // A field wrong in (nearly) every row was the wrong field to choose: said once.
    for (const auto& [field, problem] : m_unparsed) {
        const auto& [rows, first] = problem;
        if (rows_checked < 3 || rows * 10 < rows_checked * 9) continue;
        throw InputError(fmt::format("field '{}' holds no usable numbers: {} of {} rows fail (e.g. {})", field, rows, rows_checked, first),
                         {m_path, m_layer, {}, field},
                         "choose the field that holds the numbers (a count of people, a rate), or leave the field empty to let "
                         "the run pick the population field by its name");
    }
    std::string text = m_count == 1 ? "1 problem in the table: " : fmt::format("{} problems in the table: ", m_count);
    for (std::size_t i = 0; i < m_lines.size(); ++i) text += (i ? "; " : "") + m_lines[i];
    if (m_count > m_lines.size()) text += fmt::format("; and {} more", m_count - m_lines.size());
    throw InputError(text, {m_path, m_layer, {}, {}}, m_hint.empty() ? "fix these cells and run again" : m_hint);
}

bool DuplicateRows::first_of_its_code(const std::string& code, std::size_t r, TableProblems& problems) {
    const auto [it, fresh] = m_first_row.emplace(code, r);
    if (fresh) return true;
    if (m_table.rows[it->second] == m_table.rows[r])
        m_copies.push_back(fmt::format("{} ({})", code, m_table.row_label[r]));
    else
        problems.add(m_table.row_label[r], m_code_field,
                     fmt::format("duplicate area code {} with other values than {}", code, m_table.row_label[it->second]), m_hint);
    return false;
}

std::string DuplicateRows::copies_warning() const {
    if (m_copies.empty()) return {};
    std::string list;
    for (std::size_t i = 0; i < m_copies.size() && i < 10; ++i) list += (i ? ", " : "") + m_copies[i];
    if (m_copies.size() > 10) list += fmt::format(" and {} more", m_copies.size() - 10);
    return fmt::format("{} rows are exact copies of an earlier row and were dropped: {}", m_copies.size(), list);
}

std::string TrimmedCells::warning(const std::string& path) const {
    if (where.empty()) return {};
    std::string text = fmt::format("{}: {} numbers had spaces or a '+' sign around them, trimmed: ", path, where.size());
    for (std::size_t i = 0; i < where.size() && i < 10; ++i) text += (i ? ", " : "") + where[i];
    if (where.size() > 10) text += fmt::format(" and {} more", where.size() - 10);
    return text;
}

namespace {
bool is_csv(const std::string& path);
}

NumericTable read_numeric_table(const std::string& path, const std::string& code_field, const std::string& value_field, Reporter& reporter,
                                const std::string& filter_field, const std::string& filter_value) {
    if (is_csv(path))
        if (const auto w = encoding_warning(path); !w.empty()) reporter.warning(w);
    // The same reader as every indicator table: Nomis title and note lines, ragged rows.
    const AttributeTable table = read_attribute_table(path, {}, code_field);
    const int vi = table.require(value_field);
    // Long tables (one row per area and indicator): keep the rows whose filter field has the
    // value, compared in code (no SQL built from user text).
    const int fi = filter_field.empty() ? -1 : table.require(filter_field);
    NumericTable t;
    t.path = path;
    TableProblems problems(path, table.layer_name);
    TrimmedCells trimmed;
    DuplicateRows duplicates(table, code_field, "each area must appear once: keep the right row, or aggregate the rows first");
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const auto& row = table.rows[r];
        if (fi >= 0 && row[static_cast<std::size_t>(fi)] != filter_value) continue;
        const std::string code = row[static_cast<std::size_t>(table.code_column)];
        if (code.empty()) continue;
        const std::string& label = table.row_label[r];
        bool was_trimmed = false;
        const double v = problems.check(label, value_field, [&] {
            return parse_number(row[static_cast<std::size_t>(vi)], path, table.layer_name, label, value_field, &was_trimmed);
        });
        if (was_trimmed) trimmed.add(label, value_field);
        if (!duplicates.first_of_its_code(code, r, problems)) continue;
        if (std::isfinite(v)) t.values.emplace(code, v);
    }
    problems.throw_if_any(table.rows.size());
    if (const auto w = duplicates.copies_warning(); !w.empty()) reporter.warning(path + ": " + w);
    if (const auto w = trimmed.warning(path); !w.empty()) reporter.warning(w);
    return t;
}

namespace {

std::string trimmed(const std::string& s) {
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

bool same_name(const std::string& a, const std::string& b) {
    const std::string x = trimmed(a), y = trimmed(b);
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(x[i])) != std::tolower(static_cast<unsigned char>(y[i]))) return false;
    return true;
}

// The separator of a header line: whichever of , ; tab | occurs most outside quotes (a comma
// when none does). Never a space: Nomis headers have spaces in their names.
char most_used_separator(const std::string& line) {
    std::size_t count[4] = {};
    const char candidates[4] = {',', ';', '\t', '|'};
    bool quoted = false;
    for (char c : line) {
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        for (int k = 0; k < 4; ++k) count[k] += c == candidates[k];
    }
    int best = 0;
    for (int k = 1; k < 4; ++k)
        if (count[k] > count[best]) best = k;
    return candidates[best];
}

bool is_csv(const std::string& path) {
    std::string ext = path.size() > 4 ? path.substr(path.size() - 4) : path;
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext == ".csv" || ext == ".txt";
}

}  // namespace

int AttributeTable::column(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
        if (same_name(header[i], name)) return static_cast<int>(i);
    return -1;
}

int AttributeTable::require(const std::string& name) const {
    const int i = column(name);
    if (i < 0) {
        std::string names;
        for (std::size_t k = 0; k < header.size() && k < 30; ++k) names += (k ? ", " : "") + header[k];
        if (header.size() > 30) names += fmt::format(" and {} more", header.size() - 30);
        throw InputError("no such field", {path, layer_name, {}, name}, "fields in the table: " + names);
    }
    return i;
}

std::vector<std::string> layer_field_names(const std::string& path, const std::string& layer_name) {
    auto ds = open_vector(path);
    OGRLayer* layer = pick_layer(*ds, path, layer_name);
    std::vector<std::string> out;
    for (int k = 0; k < layer->GetLayerDefn()->GetFieldCount(); ++k) out.emplace_back(layer->GetLayerDefn()->GetFieldDefn(k)->GetNameRef());
    return out;
}

AttributeTable read_attribute_table(const std::string& path, const std::string& layer_name, const std::string& code_field,
                                    const std::function<bool(const std::string&)>& is_code) {
    AttributeTable t;
    t.path = path;
    if (is_csv(path)) refuse_non_text_table(path);
    if (!is_csv(path)) {
        auto ds = open_vector(path);
        OGRLayer* layer = pick_layer(*ds, path, layer_name);
        t.layer_name = layer->GetName();
        auto* defn = layer->GetLayerDefn();
        for (int k = 0; k < defn->GetFieldCount(); ++k) t.header.emplace_back(defn->GetFieldDefn(k)->GetNameRef());
        if (!code_field.empty()) t.code_column = t.require(code_field);
        layer->ResetReading();
        for (std::unique_ptr<OGRFeature> f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
            std::vector<std::string> row;
            for (int k = 0; k < defn->GetFieldCount(); ++k) row.emplace_back(f->IsFieldSetAndNotNull(k) ? f->GetFieldAsString(k) : "");
            t.rows.push_back(std::move(row));
            t.row_label.push_back(fmt::format("feature {}", f->GetFID()));
        }
        return t;
    }
    // CSV: every record split by GDAL's CSV tokenizer (quotes, doubled quotes, line breaks in
    // quotes, a UTF-8 BOM) with the separator of the header line, found as the first line that
    // names the code field. Lines above it (Nomis titles) and below the data (Nomis notes, blank
    // lines) are skipped and counted; a data row with fewer cells than the header, or extra
    // cells with something in them, is a problem named by line.
    t.layer_name = std::filesystem::path(path).stem().string();
    VSILFILE* fp = VSIFOpenL(path.c_str(), "rb");
    if (!fp) throw InputError("cannot open the file", {path, {}, {}, {}}, "check the path and that you may read it");
    char separator[2] = {',', '\0'};
    {
        std::string head(1 << 20, '\0');
        head.resize(VSIFReadL(head.data(), 1, head.size(), fp));
        std::string wanted = trimmed(code_field);
        for (char& c : wanted) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (wanted.empty()) separator[0] = most_used_separator(head.substr(0, 1 << 16));  // guessing: the file's own
        std::size_t begin = head.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;                   // past a UTF-8 byte-order mark
        while (begin < head.size()) {
            std::size_t stop = head.find('\n', begin);
            if (stop == std::string::npos) stop = head.size();
            std::string line = head.substr(begin, stop - begin);
            std::string lower = line;
            for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            // The header: a line where the code field's name is a whole cell for the separator
            // the line uses (a title that merely mentions it does not count).
            if (!wanted.empty() && lower.find(wanted) != std::string::npos) {
                const char candidate = most_used_separator(line);
                bool whole_cell = false;
                std::size_t from = 0;
                while (!whole_cell && from <= lower.size()) {
                    const std::size_t to = std::min(lower.find(candidate, from), lower.size());
                    std::string cell = lower.substr(from, to - from);
                    cell.erase(std::remove(cell.begin(), cell.end(), '"'), cell.end());
                    whole_cell = trimmed(cell) == wanted;
                    from = to + 1;
                }
                if (whole_cell) {
                    separator[0] = candidate;
                    break;
                }
            }
            begin = stop + 1;
        }
        VSIFSeekL(fp, 0, SEEK_SET);
    }
    std::vector<std::vector<std::string>> lines;
    for (;;) {
        char** cells = CSVReadParseLine3L(fp, 0, separator, true, false, false, true);
        if (!cells) break;
        std::vector<std::string> row;
        for (char** c = cells; *c; ++c) row.emplace_back(*c);
        CSLDestroy(cells);
        lines.push_back(std::move(row));
    }
    VSIFCloseL(fp);
    std::size_t h = 0;
    if (code_field.empty()) {
        // For guessing: the header sits just above the first line holding a code.
        auto data = std::find_if(lines.begin(), lines.end(), [&](const std::vector<std::string>& line) {
            return is_code && std::any_of(line.begin(), line.end(), is_code);
        });
        if (lines.empty()) throw InputError("the table is empty", {path, {}, {}, {}}, "give a table with a header line and a row per area");
        const auto blank = [](const std::vector<std::string>& line) {
            return std::all_of(line.begin(), line.end(), [](const std::string& c) { return trimmed(c).empty(); });
        };
        h = data == lines.end() ? 0 : static_cast<std::size_t>(data - lines.begin());
        while (h > 0 && (h == static_cast<std::size_t>(data - lines.begin()) || blank(lines[h]))) --h;  // the last named line above
        t.header = lines[h];
        t.header_lines_skipped = h;
        for (std::size_t i = h + 1; i < lines.size(); ++i) {
            if (blank(lines[i])) continue;
            lines[i].resize(t.header.size());
            t.rows.push_back(std::move(lines[i]));
            t.row_label.push_back(fmt::format("line {}", i + 1));
        }
        return t;
    }
    for (; h < lines.size(); ++h) {
        const bool found = std::any_of(lines[h].begin(), lines[h].end(), [&](const std::string& c) { return same_name(c, code_field); });
        if (found) break;
    }
    if (h == lines.size()) {
        std::string first = lines.empty() ? std::string("(empty file)") : std::string();
        for (std::size_t k = 0; !lines.empty() && k < lines[0].size() && k < 12; ++k) first += (k ? ", " : "") + lines[0][k];
        throw InputError("no line names the code field", {path, {}, {}, code_field},
                         "give the column that holds the area codes; the first line has: " + first);
    }
    t.header = lines[h];
    t.header_lines_skipped = h;
    t.code_column = t.require(code_field);
    std::size_t named = t.header.size();  // header cells up to the last with a name
    while (named > 0 && trimmed(t.header[named - 1]).empty()) --named;
    const auto cc = static_cast<std::size_t>(t.code_column);
    TableProblems ragged(path, t.layer_name);
    bool started = false;
    for (std::size_t i = h + 1; i < lines.size(); ++i) {
        auto& row = lines[i];
        const bool has_code = cc < row.size() && !trimmed(row[cc]).empty();
        if (!has_code) {
            const bool blank = std::all_of(row.begin(), row.end(), [](const std::string& c) { return trimmed(c).empty(); });
            if (started && !blank) ++t.footer_lines_skipped;
            continue;
        }
        started = true;
        const std::string label = fmt::format("line {}", i + 1);
        const bool extra = row.size() > t.header.size() && std::any_of(row.begin() + static_cast<std::ptrdiff_t>(t.header.size()),
                                                                       row.end(), [](const std::string& c) { return !trimmed(c).empty(); });
        if (row.size() < named || extra)
            ragged.add(label, {}, fmt::format("{} cells where the header (line {}) has {}", row.size(), h + 1, named),
                       "a cell is missing or a separator too many on those lines (an unquoted comma in a name?); quote text "
                       "that holds the separator");
        row.resize(t.header.size());
        t.rows.push_back(std::move(row));
        t.row_label.push_back(label);
    }
    ragged.throw_if_any();
    return t;
}

}  // namespace accessatlas::io
