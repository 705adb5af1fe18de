// What kind of ONS area code a string is, and why two lists of codes fail to join: the
// checks a careful analyst makes by hand when a table "matches nothing" (another LSOA year,
// MSOAs instead of LSOAs, Scottish data zones). Ranges from the ONS LSOA 2011 to 2021 lookup:
// England's LSOA 2011 codes run E01000001-E01033768 and Wales's W01000001-W01001958; codes
// above them were created in 2021.
#pragma once

#include <string>
#include <vector>

namespace accessatlas::indices {

enum class CodeKind {
    lsoa_2011_or_2021,  // E01/W01 in the 2011 range: valid in 2011, and in 2021 unless split or merged
    lsoa_2021_new,      // E01/W01 above the 2011 range: only exists in LSOA 2021
    msoa,               // E02/W02
    output_area,        // E00/W00
    data_zone,          // S01 (Scotland)
    local_authority,    // E06-E09, W06
    other,
};

CodeKind code_kind(const std::string& code);
const char* describe(CodeKind kind);

// A sentence explaining why `table_only` codes (in a table, not among the areas) and
// `areas_only` codes (areas without a row) do not join, or "" when nothing stands out:
// LSOA 2021 codes on one side only, or codes of another kind (MSOA, output area, data zone).
std::string code_mismatch_hint(const std::vector<std::string>& table_only, const std::vector<std::string>& areas_only,
                               const std::vector<std::string>& all_area_codes);

}  // namespace accessatlas::indices
