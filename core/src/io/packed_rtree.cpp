#include "io/packed_rtree.hpp"
#include "util/hilbert.hpp"

#include <accessatlas/error.hpp>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

namespace accessatlas::io::detail {

namespace {

constexpr std::size_t cell_bytes = 8 + 4 * 4;  // id, then min x, max x, min y, max y

std::string quoted_literal(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
    return q + "'";
}

std::string quoted_name(const std::string& s) {
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

// What fails here is the file being written (a full disk, an I/O error): said as such.
[[noreturn]] void failed(const std::string& sql) {
    throw InputError(fmt::format("cannot write the output's spatial index ({}...): {}", sql.substr(0, 40), CPLGetLastErrorMsg()), {},
                     "check free disk space");
}

void run(GDALDataset& ds, const std::string& sql) {
    CPLErrorReset();
    OGRLayer* result = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (result) ds.ReleaseResultSet(result);
    if (CPLGetLastErrorType() >= CE_Failure) failed(sql);
}

// Every row of a query, as text.
std::vector<std::vector<std::string>> rows_of(GDALDataset& ds, const std::string& sql) {
    CPLErrorReset();
    OGRLayer* result = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!result) failed(sql);
    std::vector<std::vector<std::string>> rows;
    result->ResetReading();
    while (OGRFeature* f = result->GetNextFeature()) {
        std::vector<std::string> row;
        for (int i = 0; i < f->GetFieldCount(); ++i) row.emplace_back(f->GetFieldAsString(i));
        rows.push_back(std::move(row));
        OGRFeature::DestroyFeature(f);
    }
    ds.ReleaseResultSet(result);
    return rows;
}

// SQLite keeps boxes as 32-bit floats that contain the true box: mins rounded down, maxes up.
float round_down(double v) {
    float f = static_cast<float>(v);
    if (static_cast<double>(f) > v) f = std::nextafter(f, -std::numeric_limits<float>::infinity());
    return f;
}
float round_up(double v) {
    float f = static_cast<float>(v);
    if (static_cast<double>(f) < v) f = std::nextafter(f, std::numeric_limits<float>::infinity());
    return f;
}

void put_u16(unsigned char* p, std::uint16_t v) {
    p[0] = static_cast<unsigned char>(v >> 8);
    p[1] = static_cast<unsigned char>(v);
}
void put_u64(unsigned char* p, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (56 - 8 * i));
}
void put_float(unsigned char* p, float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(u >> (24 - 8 * i));
}

void append_hex(std::string& out, const std::vector<unsigned char>& bytes) {
    static constexpr char digits[] = "0123456789ABCDEF";
    out += "X'";
    for (unsigned char b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    out += '\'';
}

// Multi-row INSERTs, `per_statement` rows at a time.
template <class Row>
void insert_rows(GDALDataset& ds, const std::string& table, const std::vector<Row>& rows, std::size_t per_statement,
                 void (*append)(std::string&, const Row&)) {
    for (std::size_t first = 0; first < rows.size(); first += per_statement) {
        std::string sql = "INSERT INTO " + quoted_name(table) + " VALUES ";
        for (std::size_t i = first; i < std::min(rows.size(), first + per_statement); ++i) {
            if (i > first) sql += ',';
            append(sql, rows[i]);
        }
        run(ds, sql);
    }
}

}  // namespace

std::vector<unsigned char> rtree_node(const std::vector<IndexEntry>& cells, std::uint16_t depth, std::size_t node_bytes) {
    if (4 + cells.size() * cell_bytes > node_bytes) throw InternalError("spatial index: too many cells for a node");
    std::vector<unsigned char> b(node_bytes, 0);
    put_u16(b.data(), depth);  // read from the root only
    put_u16(b.data() + 2, static_cast<std::uint16_t>(cells.size()));
    unsigned char* p = b.data() + 4;
    for (const IndexEntry& c : cells) {
        put_u64(p, static_cast<std::uint64_t>(c.fid));
        put_float(p + 8, round_down(c.min_x));
        put_float(p + 12, round_up(c.max_x));
        put_float(p + 16, round_down(c.min_y));
        put_float(p + 20, round_up(c.max_y));
        p += cell_bytes;
    }
    return b;
}

PackedRtree::PackedRtree(GDALDataset& ds, const std::string& table, const std::string& geometry_column)
    : m_rtree("rtree_" + table + "_" + geometry_column) {
    run(ds, fmt::format("SELECT CreateSpatialIndex({}, {})", quoted_literal(table), quoted_literal(geometry_column)));
    for (auto& row : rows_of(ds, fmt::format("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = {} AND "
                                             "substr(name, 1, {}) = {}",
                                             quoted_literal(table), m_rtree.size() + 1, quoted_literal(m_rtree + "_"))))
        m_triggers.emplace_back(row.at(0), row.at(1));
    const auto size = rows_of(ds, "SELECT length(data) FROM " + quoted_name(m_rtree + "_node") + " WHERE nodeno = 1");
    if (size.size() == 1) m_node_bytes = static_cast<std::size_t>(std::stoul(size[0].at(0)));
    if (m_triggers.empty() || m_node_bytes < 4 + 2 * cell_bytes)
        throw InternalError("spatial index of " + table + ": GDAL did not create the rtree table and triggers expected");
    for (const auto& [name, sql] : m_triggers) run(ds, "DROP TRIGGER " + quoted_name(name));
}

void PackedRtree::fill(GDALDataset& ds) {
    const std::size_t fan = (m_node_bytes - 4) / cell_bytes;
    // Leaves along a Hilbert curve through the boxes' centres: near boxes share nodes.
    double x0 = std::numeric_limits<double>::infinity(), y0 = x0, x1 = -x0, y1 = -x0;
    for (const IndexEntry& e : m_entries) {
        x0 = std::min(x0, e.min_x);
        y0 = std::min(y0, e.min_y);
        x1 = std::max(x1, e.max_x);
        y1 = std::max(y1, e.max_y);
    }
    const double span = std::max({x1 - x0, y1 - y0, 1e-9});
    std::vector<std::uint64_t> key(m_entries.size());
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        const IndexEntry& e = m_entries[i];
        const auto gx = static_cast<std::uint32_t>(((e.min_x + e.max_x) / 2 - x0) / span * 65535.0);
        const auto gy = static_cast<std::uint32_t>(((e.min_y + e.max_y) / 2 - y0) / span * 65535.0);
        key[i] = ::accessatlas::detail::hilbert_index(gx, gy);
    }
    std::vector<std::size_t> order(m_entries.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key[a] < key[b]; });
    std::vector<IndexEntry> level(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) level[i] = m_entries[order[i]];
    std::vector<IndexEntry>().swap(m_entries);

    // Bottom up: each level's nodes hold `fan` entries of the level below; the root is node 1.
    std::vector<std::pair<std::int64_t, std::vector<unsigned char>>> nodes;
    std::vector<std::pair<std::int64_t, std::int64_t>> rowid, parent;  // (row, leaf), (node, parent)
    std::int64_t next = 2;
    std::uint16_t depth = 0;
    while (level.size() > fan) {
        std::vector<IndexEntry> up;
        for (std::size_t first = 0; first < level.size(); first += fan) {
            const std::vector<IndexEntry> cells(level.begin() + static_cast<std::ptrdiff_t>(first),
                                                level.begin() + static_cast<std::ptrdiff_t>(std::min(level.size(), first + fan)));
            const std::int64_t no = next++;
            IndexEntry box{no, cells[0].min_x, cells[0].max_x, cells[0].min_y, cells[0].max_y};
            for (const IndexEntry& c : cells) {
                (depth == 0 ? rowid : parent).emplace_back(c.fid, no);
                box.min_x = std::min(box.min_x, c.min_x);
                box.max_x = std::max(box.max_x, c.max_x);
                box.min_y = std::min(box.min_y, c.min_y);
                box.max_y = std::max(box.max_y, c.max_y);
            }
            nodes.emplace_back(no, rtree_node(cells, 0, m_node_bytes));
            up.push_back(box);
        }
        level.swap(up);
        ++depth;
    }
    for (const IndexEntry& c : level) (depth == 0 ? rowid : parent).emplace_back(c.fid, 1);
    nodes.emplace_back(1, rtree_node(level, depth, m_node_bytes));

    for (const char* shadow : {"_node", "_rowid", "_parent"}) run(ds, "DELETE FROM " + quoted_name(m_rtree + shadow));
    using Node = std::pair<std::int64_t, std::vector<unsigned char>>;
    using Link = std::pair<std::int64_t, std::int64_t>;
    insert_rows<Node>(ds, m_rtree + "_node", nodes, 64, [](std::string& sql, const Node& n) {
        sql += fmt::format("({},", n.first);
        append_hex(sql, n.second);
        sql += ')';
    });
    auto link = [](std::string& sql, const Link& l) { sql += fmt::format("({},{})", l.first, l.second); };
    insert_rows<Link>(ds, m_rtree + "_rowid", rowid, 1000, link);
    insert_rows<Link>(ds, m_rtree + "_parent", parent, 1000, link);
    for (const auto& [name, sql] : m_triggers) run(ds, sql);
}

}  // namespace accessatlas::io::detail
