// Reading layers and tables through GDAL/OGR (any format it reads, any CRS, reprojected to
// EPSG:27700 with PROJ) and writing GeoPackages atomically.
#pragma once

#include <accessatlas/error.hpp>
#include <accessatlas/geometry.hpp>
#include <accessatlas/reporter.hpp>

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace accessatlas::io {

// A layer read into memory: one geometry (WKB in EPSG:27700) and the requested fields as
// text per feature. Features with an empty geometry are skipped with a warning.
struct Layer {
    std::string path;
    std::string layer_name;
    std::vector<std::int64_t> fid;
    std::vector<std::vector<unsigned char>> wkb;
    std::vector<Point> points;  // point layers: the point; polygons: a point on the surface
    std::vector<std::string> field_names;
    std::vector<std::vector<std::optional<std::string>>> values;  // [field][feature]

    std::size_t size() const { return fid.size(); }
    const std::vector<std::optional<std::string>>& field(const std::string& name) const;
};

enum class GeometryKind { point, line, polygon, none };  // none: a table without geometry

// Reads `fields` of a layer (the first layer when `layer_name` is empty). Throws InputError
// naming file, layer and field on: unreadable file, missing layer or field, no CRS, wrong
// geometry kind. Multi-geometries of the right kind are accepted.
Layer read_layer(const std::string& path, const std::string& layer_name, GeometryKind kind, const std::vector<std::string>& fields,
                 Reporter& reporter);

// Repairs invalid polygons in place (GEOS make-valid through OGR), keeping only the polygonal
// parts; returns how many were repaired.
std::size_t repair_polygons(Layer& layer, std::vector<std::size_t>* repaired_indices = nullptr);

// Reads a table (CSV or any OGR layer) of numbers keyed by a code field. Values must parse
// as finite numbers; thousands separators are refused with a clear message.
struct NumericTable {
    std::string path;
    std::map<std::string, double> values;
};
NumericTable read_numeric_table(const std::string& path, const std::string& code_field, const std::string& value_field, Reporter& reporter,
                                const std::string& filter_field = {}, const std::string& filter_value = {});

// A table read as text, for indicator sources: any OGR table, or a CSV whose header line is
// found by the code field's name (Nomis downloads carry title lines above the header and notes
// below the data; both are skipped and counted).
struct AttributeTable {
    std::string path;
    std::string layer_name;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;  // [row][column], "" = empty
    std::vector<std::string> row_label;          // "line 12" or "feature 3", for messages
    int code_column = -1;
    std::size_t header_lines_skipped = 0;
    std::size_t footer_lines_skipped = 0;
    // Column by name, ignoring case and surrounding spaces; -1 when absent.
    int column(const std::string& name) const;
    // As column(), but throws InputError listing the fields.
    int require(const std::string& name) const;
};
// What a file's first bytes say it is (for messages): empty, a zip/spreadsheet/PDF/HTML/XML/
// JSON file (kind, empty when nothing special), and the first byte that is not UTF-8.
struct FileSniff {
    bool empty = false;
    std::string kind;
    std::size_t bad_utf8_offset = std::string::npos;
    std::size_t bad_utf8_line = 0;
    unsigned bad_utf8_byte = 0;
};
FileSniff sniff_file(const std::string& path, std::size_t max_bytes = 1 << 20);
// Throws InputError when a text table (.csv, .txt) is empty or is not text at all, naming what
// it looks like.
void refuse_non_text_table(const std::string& path);
// A warning naming the byte offset and line when a text table is not UTF-8; empty otherwise.
std::string encoding_warning(const std::string& path);

// The field names of a layer (the first when `layer_name` is empty), without reading features.
std::vector<std::string> layer_field_names(const std::string& path, const std::string& layer_name);

// With an empty `code_field` the table is read for guessing which field holds the codes:
// code_column stays -1 and, in a CSV, the header is the line just above the first line with a
// cell for which `is_code` is true (the first line when no cell is, or without `is_code`).
AttributeTable read_attribute_table(const std::string& path, const std::string& layer_name, const std::string& code_field,
                                    const std::function<bool(const std::string&)>& is_code = {});

// Strict number parsing used by every reader: names the place when the text is not a
// finite number. Spaces around the number and a leading '+' are accepted; `trimmed` (when
// given) says whether any were removed, so that the caller can name the cells it changed.
double parse_number(const std::string& text, const std::string& file, const std::string& layer, const std::string& feature,
                    const std::string& field, bool* trimmed = nullptr);

// Problems found in one table, gathered so that a single error names them all (the first 20
// with line and field, then a count) instead of stopping at the first: an officer fixes the
// file once, not once per run.
class TableProblems {
public:
    TableProblems(std::string path, std::string layer) : m_path(std::move(path)), m_layer(std::move(layer)) {}
    void add(const std::string& row, const std::string& field, const std::string& message, const std::string& hint = {});
    // Runs `parse` (which may throw InputError); on error records it and returns NaN.
    template <class Parse>
    double check(const std::string& row, const std::string& field, Parse&& parse) {
        try {
            return parse();
        } catch (const InputError& e) {
            add(row, field, e.detail(), e.hint());
            auto& [rows, first] = m_unparsed[field];
            if (rows++ == 0) first = row + ": " + e.detail();
            return std::numeric_limits<double>::quiet_NaN();
        }
    }
    std::size_t size() const { return m_count; }
    // Throws one InputError listing the problems, if any. Given the number of rows checked, a
    // field with a problem in nearly every row (text where a number belongs: the wrong field
    // chosen) is said once, as that, instead of row by row.
    void throw_if_any(std::size_t rows_checked = 0) const;

private:
    std::string m_path, m_layer;
    std::vector<std::string> m_lines;  // "line 7, field 'x': message"
    std::string m_hint;
    std::size_t m_count = 0;
    std::map<std::string, std::pair<std::size_t, std::string>> m_unparsed;  // field -> (rows not numbers, the first)
};

// One row per area code, the rule every table reader follows: a code's first row is kept, a
// later exact copy of it is dropped (named in one warning), a later row that differs is a
// problem naming both lines.
class DuplicateRows {
public:
    DuplicateRows(const AttributeTable& table, std::string code_field, std::string hint)
        : m_table(table), m_code_field(std::move(code_field)), m_hint(std::move(hint)) {}
    // Whether row `r` is the first of `code` (to use); a copy or a conflict is not (the conflict
    // goes to `problems`).
    bool first_of_its_code(const std::string& code, std::size_t r, TableProblems& problems);
    // "<N> rows are exact copies of an earlier row and were dropped: <code (line)>, ..."; "" when none.
    std::string copies_warning() const;

private:
    const AttributeTable& m_table;
    std::string m_code_field, m_hint;
    std::map<std::string, std::size_t> m_first_row;  // code -> row index
    std::vector<std::string> m_copies;               // "E01013790 (line 25)"
};

// Cells whose spaces or '+' sign were trimmed, to be named in one warning.
struct TrimmedCells {
    std::vector<std::string> where;  // "line 7 (field)"
    void add(const std::string& row, const std::string& field) { where.push_back(row + " (" + field + ")"); }
    // "" when none.
    std::string warning(const std::string& path) const;
};

// ---- Writing --------------------------------------------------------------------------

using Value = std::variant<std::monostate, std::int64_t, double, std::string>;
enum class FieldType { integer, real, text };
struct FieldDef {
    std::string name;
    FieldType type;
};

class GpkgWriter;

namespace detail {
class PackedRtree;
}

class LayerWriter {
public:
    ~LayerWriter();
    void add(const std::vector<Value>& values, const std::vector<unsigned char>* wkb);
    void add_point(const std::vector<Value>& values, Point p);
    // Stored in the GeoPackage metadata tables (gpkg_metadata), readable by any GDAL client.
    void set_metadata(const std::string& key, const std::string& value);
    const std::vector<FieldDef>& fields() const { return m_fields; }
    const std::string& name() const { return m_name; }

private:
    friend class GpkgWriter;
    LayerWriter(void* layer, std::vector<FieldDef> fields, std::string name);
    void* m_layer;  // OGRLayer*, kept opaque so GDAL headers stay private
    std::vector<FieldDef> m_fields;
    std::string m_name;
    std::unique_ptr<detail::PackedRtree> m_index;  // filled when the layer is finished
};

// Writes to a temporary file beside the target and renames it over the target in commit():
// a failed or interrupted run never leaves a half-written GeoPackage.
class GpkgWriter {
public:
    explicit GpkgWriter(const std::string& final_path);
    ~GpkgWriter();
    GpkgWriter(const GpkgWriter&) = delete;
    GpkgWriter& operator=(const GpkgWriter&) = delete;

    LayerWriter& create_layer(const std::string& name, GeometryKind kind, const std::vector<FieldDef>& fields,
                              const std::string& description = {});
    // A style row for QGIS's layer_styles table (written at commit). QGIS applies the row
    // marked default when it opens the layer; the others are listed in its style manager.
    void add_style(const std::string& layer, const std::string& style_name, const std::string& qml, const std::string& sld,
                   bool use_as_default, const std::string& description);
    void commit();
    const std::string& temp_path() const { return m_temp_path; }

private:
    std::string m_final_path;
    std::string m_temp_path;
    void finish_layer();        // the last layer's spatial index
    void* m_dataset = nullptr;  // GDALDataset*
    std::vector<std::unique_ptr<LayerWriter>> m_layers;
    struct StyleRow {
        std::string layer, name, qml, sld, description;
        bool is_default;
    };
    std::vector<StyleRow> m_styles;
    bool m_in_transaction = false;
    bool m_committed = false;
};

// ISO WKB of a one-part multi-line string, for LayerWriter::add.
std::vector<unsigned char> multilinestring_wkb(const Point* begin, const Point* end);

// Writes a layer's attributes (no geometry) as CSV, atomically.
void write_csv(const std::string& path, const std::vector<FieldDef>& fields, const std::vector<std::vector<Value>>& rows);

// Makes GDAL quiet and consistent (axis order, error handler); call once per process.
void initialise_gdal();

}  // namespace accessatlas::io
