#include <accessatlas/indices/area_codes.hpp>

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>

namespace accessatlas::indices {

namespace {

// "E01033769" -> ('E', 1, 33769); false when not a nine-character ONS code.
bool split_code(const std::string& code, char& country, int& entity, long& number) {
    if (code.size() != 9 || !std::isalpha(static_cast<unsigned char>(code[0]))) return false;
    for (std::size_t i = 1; i < 9; ++i)
        if (!std::isdigit(static_cast<unsigned char>(code[i]))) return false;
    country = code[0];
    entity = std::atoi(code.substr(1, 2).c_str());
    number = std::atol(code.substr(3).c_str());
    return true;
}

// The last LSOA 2011 serial number in each country (ONS lookup, 2011 to 2021).
constexpr long last_lsoa11_england = 33768;
constexpr long last_lsoa11_wales = 1958;
// And the last LSOA 2021 serial numbers: anything above is no LSOA at all.
constexpr long last_lsoa21_england = 35762;
constexpr long last_lsoa21_wales = 2040;

struct Tally {
    std::size_t kind[7] = {};
    std::size_t total = 0;
    void add(const std::vector<std::string>& codes) {
        for (const auto& c : codes) ++kind[static_cast<int>(code_kind(c))], ++total;
    }
    std::size_t of(CodeKind k) const { return kind[static_cast<int>(k)]; }
    // The kind most codes are, when it is not LSOA.
    CodeKind main_other_kind() const {
        CodeKind best = CodeKind::other;
        std::size_t n = 0;
        for (CodeKind k : {CodeKind::msoa, CodeKind::output_area, CodeKind::data_zone, CodeKind::local_authority})
            if (of(k) > n) n = of(k), best = k;
        return n * 2 > total ? best : CodeKind::other;
    }
};

}  // namespace

CodeKind code_kind(const std::string& code) {
    char country = 0;
    int entity = 0;
    long number = 0;
    if (!split_code(code, country, entity, number)) return CodeKind::other;
    if (country == 'S' && entity == 1) return CodeKind::data_zone;
    if (country != 'E' && country != 'W') return CodeKind::other;
    if (entity == 0) return CodeKind::output_area;
    if (entity == 2) return CodeKind::msoa;
    if (entity >= 6 && entity <= 9) return CodeKind::local_authority;
    if (entity != 1) return CodeKind::other;
    const long last11 = country == 'E' ? last_lsoa11_england : last_lsoa11_wales;
    const long last21 = country == 'E' ? last_lsoa21_england : last_lsoa21_wales;
    if (number < 1 || number > last21) return CodeKind::other;
    return number > last11 ? CodeKind::lsoa_2021_new : CodeKind::lsoa_2011_or_2021;
}

const char* describe(CodeKind kind) {
    switch (kind) {
    case CodeKind::lsoa_2011_or_2021: return "LSOA";
    case CodeKind::lsoa_2021_new: return "LSOA 2021 (created in 2021)";
    case CodeKind::msoa: return "MSOA";
    case CodeKind::output_area: return "output area";
    case CodeKind::data_zone: return "Scottish data zone";
    case CodeKind::local_authority: return "local authority";
    case CodeKind::other: break;
    }
    return "not an ONS area code";
}

std::string code_mismatch_hint(const std::vector<std::string>& table_only, const std::vector<std::string>& areas_only,
                               const std::vector<std::string>& all_area_codes) {
    Tally table, areas, missing;
    table.add(table_only);
    areas.add(all_area_codes);
    missing.add(areas_only);
    if (const auto k = table.main_other_kind(); k != CodeKind::other && areas.main_other_kind() != k)
        return fmt::format("the unmatched table codes are mostly {} codes, the areas are {}: is it the right table or field?", describe(k),
                           areas.main_other_kind() == CodeKind::other ? "LSOAs" : describe(areas.main_other_kind()));
    const std::size_t table_new = table.of(CodeKind::lsoa_2021_new), areas_new = areas.of(CodeKind::lsoa_2021_new);
    if (table_new > 0 && areas_new == 0)
        return fmt::format("{} of the unmatched table codes exist only in LSOA 2021 (E01033769 to E01035762, W01001959 to W01002040) and "
                           "no area has such a code: "
                           "the table looks like LSOA 2021 and the areas like LSOA 2011. Use areas of the table's year, or convert with "
                           "the ONS LSOA 2011 to 2021 lookup (index and inequality tables do it themselves: geography = \"lsoa21\" on "
                           "the table and [geography] lookup)",
                           table_new);
    if (areas_new > 0 && table_new == 0 && missing.of(CodeKind::lsoa_2021_new) > 0)
        return fmt::format("{} of the areas without a row have LSOA 2021 codes (created in 2021) and the table has none: the table looks "
                           "like LSOA 2011 and the areas like LSOA 2021. Use areas of the table's year, or convert with the ONS LSOA "
                           "2011 to 2021 lookup (index and inequality tables do it themselves: geography = \"lsoa11\" on the table and "
                           "[geography] lookup)",
                           missing.of(CodeKind::lsoa_2021_new));
    return {};
}

}  // namespace accessatlas::indices
