// Area indices: indicators -> normalised scores -> weighted components -> weighted index, as
// in GMCA's Digital Exclusion Risk Index (DERI), the English IMD (ranks and the exponential
// transform) and composite indices such as CDRC's AHAH. Pure computation on per-area arrays:
// reading tables and converting geographies live in indices/tables and indices/geography.
// Missing values are NaN throughout. See docs/indices.md for every formula.
#pragma once

#include <accessatlas/reporter.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace accessatlas::indices {

// Which way an indicator points. "Worse" means more risk or more need: it always maps to the
// high end of a score (10 in min-max, rank N, X = 100 in the exponential transform).
enum class Direction { higher_is_worse, lower_is_worse };

enum class Normalisation {
    minmax,       // 10 (v - min) / (max - min): 0-10, as DERI
    rank,         // rank / N in (0, 1], 1 = worst
    normal,       // rank-based normal score: inverse normal of rank / (N + 1)
    zscore,       // (v - mean) / standard deviation (n - 1)
    exponential,  // IMD: -23 ln(1 - R (1 - exp(-100/23))) on R = rank / N: 0-100
};

// Which areas the min, max, ranks or mean come from.
enum class Basis {
    area,       // every area of the study
    group,      // areas with the same group (e.g. local authority district: DERI "local")
    reference,  // a reference table (e.g. all of England: DERI "national")
};

enum class MissingRule {
    renormalise,  // weights re-normalised over the indicators (and components) present
    zero,         // GMCA's rule: a missing indicator scores 0, weights unchanged
};

// The IMD exponential transform of a rank fraction R in (0, 1]: 0 (best) to 100 (R = 1).
double exponential_transform(double rank_fraction);

// Normalises `values` (NaN = missing, stays NaN). `groups` (one id per area, basis group)
// and `reference` (basis reference: a sample of the wider population, NaN ignored) are
// used only by their basis. Rank ties take the average rank. Constant samples give 0 for
// min-max and z-score, and the middle rank for rank methods; `constant_groups` counts them.
std::vector<double> normalise(const std::vector<double>& values, Normalisation method, Direction direction, Basis basis,
                              const std::vector<std::uint32_t>& groups, const std::vector<double>& reference,
                              std::size_t* constant_groups = nullptr);

// ---- Index definitions ----------------------------------------------------------------

struct IndicatorDef {
    std::string id;     // field-name safe, e.g. pct_65_plus
    std::string title;  // for metadata and docs
    std::string component;
    double weight = 1;
    Direction direction = Direction::higher_is_worse;
};

struct ComponentDef {
    std::string id;  // e.g. demography; output field <index>_<id>
    std::string title;
    double weight = 1;
};

struct IndexDef {
    std::string name;  // field prefix, e.g. deri
    std::string title;
    Normalisation normalisation = Normalisation::minmax;
    Basis basis = Basis::area;
    MissingRule missing = MissingRule::renormalise;
    std::vector<ComponentDef> components;
    std::vector<IndicatorDef> indicators;
};

// GMCA DERI v1.6: Demography (65+ 5, 75+ 5, limited activities 2, social grade DE 2),
// Broadband (no 30 Mbit/s 3, under 10 Mbit/s 3, average download speed reversed 3),
// Deprivation (no qualifications 4, unemployment 2, Pension Credit 2, IMD score 2);
// components equally weighted; min-max 0-10.
IndexDef deri_preset();

struct IndexInput {
    std::vector<std::vector<double>> values;     // [indicator][area], NaN = missing
    std::vector<std::uint32_t> groups;           // basis group: one id per area
    std::vector<std::vector<double>> reference;  // basis reference: [indicator] sample (empty: study area)
};

struct IndexResult {
    std::vector<std::vector<double>> indicator_score;  // [indicator][area]
    std::vector<std::vector<double>> component_score;  // [component][area]
    std::vector<double> score;                         // the index
    std::vector<std::uint8_t> incomplete;              // 1: some indicator missing for the area
    std::vector<std::string> missing_list;             // per area: missing indicator ids, comma separated
    std::vector<std::size_t> missing_count;            // per indicator: areas without a value
    std::vector<double> component_weight;              // normalised, as used
    std::vector<double> indicator_weight;              // normalised within the component, as used
};

// Checks the definition (weights >= 0 and not all 0 per level, every indicator in a known
// component) and computes the index. Warnings name indicators missing for some or all areas.
IndexResult compute_index(const IndexDef& def, const IndexInput& input, Reporter& reporter);

// ---- Bands ---------------------------------------------------------------------------

// Quantile group per value, 1 = the highest values (the worst, as IMD decile 1 = the most
// deprived) to `n`: floor((rank - 1) n / N) + 1, ties sharing the better rank; NaN gives 0.
std::vector<int> quantile_groups(const std::vector<double>& values, int n);
// Rank per value, 1 = the highest; NaN gives 0; ties share the lowest rank number.
std::vector<int> descending_ranks(const std::vector<double>& values);

// ---- Geography: LSOA 2011 <-> 2021 ----------------------------------------------------

// One row of the ONS LSOA 2011 to 2021 lookup. change: U unchanged, S split, M merged,
// X complex (the ONS CHGIND codes).
struct LookupRow {
    std::string lsoa11;
    std::string lsoa21;
    char change = 'U';
};

enum class Geography { lsoa11, lsoa21 };
enum class ValueKind { count, rate };

struct ConversionSummary {
    std::size_t unchanged = 0, split = 0, merged = 0, complex = 0;  // target areas by the kind of change
    std::size_t missing_source = 0;                                 // target areas with no value (no source code in the table)
    std::size_t equal_shares = 0;                                   // apportioned equally: no population for the parts
    std::vector<std::string> unknown_codes;                         // table codes not in the lookup
};

// Converts per-area values from one LSOA geography to the other. Counts: a source area's
// count is shared among its target areas in proportion to `target_population` (equal
// shares where it is missing) and summed. Rates: each target takes the mean of its source
// areas' rates weighted by the people each contributes (`source_population` apportioned
// the same way; equal weights when missing). Target codes come from the lookup.
std::map<std::string, double> convert_geography(const std::map<std::string, double>& values, Geography from, Geography to, ValueKind kind,
                                                const std::vector<LookupRow>& lookup,
                                                const std::map<std::string, double>& source_population,
                                                const std::map<std::string, double>& target_population, ConversionSummary* summary);

// ---- Spatial clustering ----------------------------------------------------------------

enum class Contiguity { queen, rook };

// Neighbour lists from polygons (WKB, metres): queen = any shared point, rook = a shared
// edge. With tolerance_m > 0, gaps and overlaps up to that width count as shared (for
// boundaries generalised one by one).
std::vector<std::vector<std::uint32_t>> contiguity(const std::vector<std::vector<unsigned char>>& polygons_wkb, Contiguity kind,
                                                   double tolerance_m);

struct MoranGlobal {
    double i = 0;
    double expected = 0;  // -1 / (n - 1)
    double z = 0;         // against the permutation distribution
    double p_value = 0;   // pseudo p: (extreme + 1) / (permutations + 1), one-sided towards the observed
    std::size_t permutations = 0;
    std::size_t areas = 0;  // with a value and at least one neighbour
};

// Global Moran's I with row-standardised weights; areas with no value or no neighbour are
// left out. Permutations are seeded: the same seed gives the same p on any machine.
MoranGlobal moran_global(const std::vector<double>& values, const std::vector<std::vector<std::uint32_t>>& neighbours,
                         std::size_t permutations, std::uint64_t seed);

enum class LisaClass : std::uint8_t { not_significant, high_high, low_low, high_low, low_high, no_neighbours, no_value };
const char* to_string(LisaClass c);

struct Lisa {
    std::vector<double> local_i;
    std::vector<double> p_value;
    std::vector<LisaClass> cls;
};

// Local Moran (Anselin 1995) with conditional permutations (the area's value held, the
// others shuffled), seeded per area so the result does not depend on the thread count.
Lisa local_moran(const std::vector<double>& values, const std::vector<std::vector<std::uint32_t>>& neighbours, std::size_t permutations,
                 std::uint64_t seed, double significance, Reporter& reporter);

}  // namespace accessatlas::indices
