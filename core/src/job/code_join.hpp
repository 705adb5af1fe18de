// Private: joining a table to the study's areas by area code, and saying what did not join,
// in both directions, with a hint when the codes look like another LSOA year or another kind
// of area (indices/area_codes.hpp). Every path that reads a table by area code reports
// through here, so the messages and run_warnings items are the same everywhere.
#pragma once

#include <accessatlas/reporter.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace accessatlas::job::detail {

struct CodeJoinContext {
    std::string who;  // what the table gives, e.g. "population", "inequality classes"
    std::string table_path;
    std::string code_field;   // the table's code field
    std::string value_field;  // the field read, for run_warnings items
    std::string item_kind;    // run_warnings kind for each area without a row ("" = no items)
    std::string consequence;  // what happens to an area without a row, e.g. "left out of the class summaries"
};

struct CodeJoin {
    std::vector<std::string> areas_without_row;  // in area order
    std::vector<std::string> rows_without_area;  // sorted
    std::size_t matched = 0;
};

CodeJoin join_codes(const std::vector<std::string>& area_codes, const std::set<std::string>& table_codes);

// Throws InputError when no area joins (the hint says why, when it can tell). Otherwise:
// areas without a row are a warning naming the first ten (and an item each); table codes
// without an area are named in the same warning when some areas are unmatched too (they are
// likely the same areas under other codes), else counted in an info line (a national table
// holds every area outside the study).
void report_join(const CodeJoin& join, const std::vector<std::string>& area_codes, const CodeJoinContext& context, Reporter& reporter);

// join_codes and report_join for a table read as a map keyed by area code (the usual case).
template <class Value>
void report_join(const std::vector<std::string>& area_codes, const std::map<std::string, Value>& table, const CodeJoinContext& context,
                 Reporter& reporter) {
    std::set<std::string> codes;
    for (const auto& entry : table) codes.insert(codes.end(), entry.first);
    report_join(join_codes(area_codes, codes), area_codes, context, reporter);
}

}  // namespace accessatlas::job::detail
