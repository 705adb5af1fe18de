// Fields a job or a dialog leaves out, chosen the way an officer picks them by eye: the area
// code field is the one whose values are ONS area codes (LSOAs before other kinds), the
// population field the numeric one whose name says population. A guess is always reported
// with its reason; none is made when two fields are equally likely.
#pragma once

#include <accessatlas/io/layers.hpp>

#include <optional>
#include <string>
#include <vector>

namespace accessatlas::indices {

struct FieldGuess {
    std::string field;
    std::string reason;  // "its values are LSOA codes like E01013681 (23 of 23 rows)"
};

// True when a cell holds an ONS area code (also a Nomis "E01011954 : Hartlepool 001A" cell).
bool looks_like_area_code(const std::string& cell);

// The column whose values are ONS area codes in more than half of the rows; LSOA codes win over
// other kinds, then the larger share, then the first column. nullopt when no column qualifies.
std::optional<FieldGuess> guess_code_column(const io::AttributeTable& table);

// The numeric column (numbers in more than half of the rows) named as a population count:
// "population", "total_population", "all usual residents", "pop"..., then names containing
// "population", then Nomis's "Total" and "OBS_VALUE". nullopt when none, or when two columns
// tie at the best rank (e.g. pop_16_plus and pop_16_to_74): then the user must choose.
std::optional<FieldGuess> guess_population_column(const io::AttributeTable& table);

// As above, reading the layer or table at `path` (any OGR layer, or a CSV with title lines).
std::optional<FieldGuess> guess_code_field(const std::string& path, const std::string& layer);
std::optional<FieldGuess> guess_population_field(const std::string& path, const std::string& layer);

}  // namespace accessatlas::indices
