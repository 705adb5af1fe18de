// What a file's first bytes say it is: so that a spreadsheet, web page or zip saved under a
// .csv or .pbf name is named for what it is, instead of failing deep inside a reader.
#include <accessatlas/error.hpp>
#include <accessatlas/io/layers.hpp>

#include <fmt/format.h>

#include <cstring>
#include <fstream>

namespace accessatlas::io {

namespace {

bool starts(const std::string& s, const char* prefix) { return s.compare(0, std::strlen(prefix), prefix) == 0; }

std::string lower_start(const std::string& head) {
    std::string t;
    for (char c : head.substr(0, 256)) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto first = t.find_first_not_of(" \t\r\n\xef\xbb\xbf");
    return first == std::string::npos ? std::string() : t.substr(first);
}

// The offset of the first byte that breaks UTF-8, or npos.
std::size_t first_bad_utf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0) return i;
        if (i + n > s.size()) return s.size() - i < 4 && n > 1 ? std::string::npos : i;  // cut at the read limit
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return i;
        i += n;
    }
    return std::string::npos;
}

}  // namespace

FileSniff sniff_file(const std::string& path, std::size_t max_bytes) {
    FileSniff f;
    std::ifstream in(path, std::ios::binary);
    if (!in) return f;
    std::string head(max_bytes, '\0');
    in.read(head.data(), static_cast<std::streamsize>(max_bytes));
    head.resize(static_cast<std::size_t>(in.gcount()));
    f.empty = head.find_first_not_of(" \t\r\n\xef\xbb\xbf") == std::string::npos;
    const std::string t = lower_start(head);
    if (starts(head, "PK\x03\x04"))
        f.kind = "a zip archive (an .xlsx or .ods spreadsheet is one)";
    else if (starts(head, "\xD0\xCF\x11\xE0"))
        f.kind = "an old Excel (.xls) workbook";
    else if (starts(head, "%PDF"))
        f.kind = "a PDF document";
    else if (starts(head, "\x1f\x8b"))
        f.kind = "a gzip-compressed file";
    else if (starts(head, "SQLite format 3"))
        f.kind = "an SQLite database (a GeoPackage is one)";
    else if (starts(t, "<!doctype html") || starts(t, "<html"))
        f.kind = "an HTML web page (a download link's error page?)";
    else if (starts(t, "<?xml") || starts(t, "<"))
        f.kind = "XML";
    else if (starts(t, "{") || starts(t, "["))
        f.kind = "JSON";
    f.bad_utf8_offset = first_bad_utf8(head);
    if (f.bad_utf8_offset != std::string::npos) {
        f.bad_utf8_line = 1;
        for (std::size_t i = 0; i < f.bad_utf8_offset; ++i) f.bad_utf8_line += head[i] == '\n';
        f.bad_utf8_byte = static_cast<unsigned char>(head[f.bad_utf8_offset]);
    }
    return f;
}

void refuse_non_text_table(const std::string& path) {
    const auto f = sniff_file(path);
    if (f.empty)
        throw InputError("the table is empty (no header line, no rows)", {path, {}, {}, {}}, "check the export or download finished");
    if (!f.kind.empty() && f.kind != "XML" && f.kind != "JSON")
        throw InputError(fmt::format("this is not a text table: it looks like {}", f.kind), {path, {}, {}, {}},
                         "save or export it as CSV (comma-separated, UTF-8) from the program that made it");
    if (f.kind == "XML" || f.kind == "JSON")
        throw InputError(fmt::format("this is not a comma-separated table: it looks like {}", f.kind), {path, {}, {}, {}},
                         "give the table as CSV, or the file under its own extension (.json, .xml) if GDAL reads it as a layer");
}

std::string encoding_warning(const std::string& path) {
    const auto f = sniff_file(path);
    if (f.bad_utf8_offset == std::string::npos || !f.kind.empty()) return {};
    return fmt::format("{}: not UTF-8 at byte {} (line {}, byte 0x{:02X}): it looks like Windows-1252 / Latin-1 (Excel's CSV on Windows); "
                       "codes and numbers read as they are, but names with accents may show wrongly (save as \"CSV UTF-8\" to fix)",
                       path, f.bad_utf8_offset, f.bad_utf8_line, f.bad_utf8_byte);
}

}  // namespace accessatlas::io
