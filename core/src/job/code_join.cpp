#include "job/code_join.hpp"

#include "job/area_indices.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/indices/area_codes.hpp>

#include <fmt/format.h>

namespace accessatlas::job::detail {

CodeJoin join_codes(const std::vector<std::string>& area_codes, const std::set<std::string>& table_codes) {
    CodeJoin j;
    std::set<std::string> used;
    for (const auto& c : area_codes) {
        if (table_codes.count(c)) {
            ++j.matched;
            used.insert(c);
        } else {
            j.areas_without_row.push_back(c);
        }
    }
    for (const auto& c : table_codes)
        if (!used.count(c)) j.rows_without_area.push_back(c);
    return j;
}

void report_join(const CodeJoin& join, const std::vector<std::string>& area_codes, const CodeJoinContext& context, Reporter& reporter) {
    const std::string hint = indices::code_mismatch_hint(join.rows_without_area, join.areas_without_row, area_codes);
    if (join.matched == 0 && !area_codes.empty())
        throw InputError(fmt::format("{}: none of the {} area codes (e.g. {}) is in the table ({} codes, e.g. {})", context.who,
                                     area_codes.size(), area_codes.front(), join.rows_without_area.size(),
                                     join.rows_without_area.empty() ? std::string("none") : join.rows_without_area.front()),
                         {context.table_path, {}, {}, context.code_field},
                         hint.empty() ? "are the codes from another LSOA year (2011 or 2021), or another kind of area? Check the "
                                        "code field; the ONS LSOA 2011 to 2021 lookup converts between the years"
                                      : hint);
    if (!join.areas_without_row.empty()) {
        std::string text = fmt::format("{}: {} of {} areas have no row in {} ({}){}", context.who, join.areas_without_row.size(),
                                       area_codes.size(), context.table_path, list_some(join.areas_without_row, 10),
                                       context.consequence.empty() ? "" : ": " + context.consequence);
        if (!join.rows_without_area.empty())
            text += fmt::format("; the table's codes that match no area: {}", list_some(join.rows_without_area, 10));
        if (!hint.empty()) text += ". Hint: " + hint;
        reporter.warning(text);
        if (!context.item_kind.empty())
            for (const auto& code : join.areas_without_row)
                reporter.item({context.item_kind,
                               context.table_path,
                               {},
                               {},
                               code,
                               context.value_field,
                               "no row in the table" + (context.consequence.empty() ? std::string() : ": " + context.consequence)});
    } else if (!join.rows_without_area.empty()) {
        reporter.info(fmt::format("{}: {} codes of {} are outside the study area (e.g. {})", context.who, join.rows_without_area.size(),
                                  context.table_path, list_some(join.rows_without_area, 3)));
    }
}

}  // namespace accessatlas::job::detail
