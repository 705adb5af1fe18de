#include <accessatlas/indices/area_codes.hpp>
#include <accessatlas/indices/field_guess.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace accessatlas::indices {

namespace {

std::string trimmed_upper(const std::string& text) {
    std::string out;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c)) && c != '"') out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

// The code in a cell: upper case, no spaces or quotes, before a Nomis " : name".
std::string code_part(const std::string& cell) {
    const auto colon = cell.find(" : ");
    return trimmed_upper(colon == std::string::npos ? cell : cell.substr(0, colon));
}

bool is_number(const std::string& text) {
    std::size_t b = 0, e = text.size();
    while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
    if (b == e) return false;
    double v = 0;
    const auto r = std::from_chars(text.data() + b, text.data() + e, v);
    return r.ec == std::errc() && r.ptr == text.data() + e;
}

// Lower-case letters and digits only: "All usual residents" -> "allusualresidents".
std::string squeezed(const std::string& name) {
    std::string out;
    for (char c : name)
        if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// 0 best; -1 not a population name.
int population_rank(const std::string& name) {
    const std::string n = squeezed(name);
    static const char* const exact[] = {"population",     "totalpopulation", "allusualresidents", "usualresidents",
                                        "totalresidents", "allpersons",      "allages",           "pop",
                                        "poptotal",       "totalpop",        "persons",           "residents"};
    for (const char* e : exact)
        if (n == e) return 0;
    static const char* const not_counts[] = {"density", "pct",  "percent", "share", "rate",  "prop",
                                             "code",    "name", "year",    "rank",  "decile"};
    for (const char* bad : not_counts)
        if (n.find(bad) != std::string::npos) return -1;
    if (n.find("population") != std::string::npos || n.rfind("pop", 0) == 0) return 1;
    if (n == "total" || n == "obsvalue") return 2;  // Nomis tables: "Total", "OBS_VALUE"
    return -1;
}

}  // namespace

bool looks_like_area_code(const std::string& cell) { return code_kind(code_part(cell)) != CodeKind::other; }

std::optional<FieldGuess> guess_code_column(const io::AttributeTable& table) {
    struct Candidate {
        std::size_t column = 0, codes = 0;
        bool lsoa = false;
        std::string example, kind;
    };
    std::optional<Candidate> best;
    for (std::size_t c = 0; c < table.header.size(); ++c) {
        Candidate k{c, 0, false, {}, {}};
        std::size_t lsoas = 0;
        for (const auto& row : table.rows) {
            if (c >= row.size()) continue;
            const std::string code = code_part(row[c]);
            const CodeKind kind = code_kind(code);
            if (kind == CodeKind::other) continue;
            ++k.codes;
            lsoas += kind == CodeKind::lsoa_2011_or_2021 || kind == CodeKind::lsoa_2021_new;
            if (k.example.empty()) k.example = code, k.kind = describe(kind);
        }
        if (k.codes * 2 <= table.rows.size() || k.codes == 0) continue;
        k.lsoa = lsoas * 2 > k.codes;
        if (k.lsoa) k.kind = "LSOA";
        if (!best || (k.lsoa && !best->lsoa) || (k.lsoa == best->lsoa && k.codes > best->codes)) best = k;
    }
    if (!best) return std::nullopt;
    return FieldGuess{table.header[best->column], fmt::format("its values are {} codes like {} ({} of {} rows)", best->kind, best->example,
                                                              best->codes, table.rows.size())};
}

std::optional<FieldGuess> guess_population_column(const io::AttributeTable& table) {
    int best_rank = -1;
    std::vector<std::size_t> at_best;
    for (std::size_t c = 0; c < table.header.size(); ++c) {
        const int rank = population_rank(table.header[c]);
        if (rank < 0 || static_cast<int>(c) == table.code_column) continue;
        std::size_t numbers = 0;
        for (const auto& row : table.rows) numbers += c < row.size() && is_number(row[c]);
        if (numbers * 2 <= table.rows.size() || numbers == 0) continue;
        if (best_rank < 0 || rank < best_rank) best_rank = rank, at_best.clear();
        if (rank == best_rank) at_best.push_back(c);
    }
    if (at_best.size() != 1) return std::nullopt;
    return FieldGuess{table.header[at_best.front()], "its name says population and it holds numbers"};
}

std::optional<FieldGuess> guess_code_field(const std::string& path, const std::string& layer) {
    return guess_code_column(io::read_attribute_table(path, layer, {}, looks_like_area_code));
}

std::optional<FieldGuess> guess_population_field(const std::string& path, const std::string& layer) {
    return guess_population_column(io::read_attribute_table(path, layer, {}, looks_like_area_code));
}

}  // namespace accessatlas::indices
