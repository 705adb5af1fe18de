// Inequality measures public health reports are written in, as pure functions over areas
// (one value and one population per area): summaries by deprivation group, the gap between
// the most and least deprived, the Slope and Relative Index of Inequality (weighted
// regression on the cumulative population rank's midpoints, after Low and Low 2004 and
// OHID's technical guidance), the concentration index (Wagstaff, van Doorslaer and Watanabe
// 1991; Kakwani, Wagstaff and van Doorslaer 1997), the Gini and Theil indices across people,
// and group-against-rest comparisons. Formulas in docs/methods/inequality.md.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace accessatlas::inequality {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Population-weighted summary of one group (a deprivation decile, a class, ...).
struct Group {
    std::size_t areas = 0;
    double population = 0;
    double mean = nan;  // population-weighted mean of the areas' values; NaN when none
};

// Groups 1..count from each area's group number (0 or out of range: in no group). Areas
// whose value or population is not finite are left out (counted in `skipped`).
std::vector<Group> by_group(const std::vector<double>& value, const std::vector<double>& population, const std::vector<int>& group,
                            int count, std::size_t* skipped = nullptr);

// A value with its 95% confidence interval.
struct Estimate {
    double value = nan;
    double lower = nan;
    double upper = nan;
    double standard_error = nan;
};

// SII and RII as OHID computes them (Fingertips; PHEindicatormethods::phe_sii, after Low and
// Low 2004): group means ordered from the MOST to the LEAST deprived (empty groups left out),
// x = cumulative population share at each group's midpoint (0 = most deprived end, 1 = least
// deprived end), weighted least squares of the mean on x with the groups' populations as
// weights. SII = fitted(1) - fitted(0): the modelled value at the least deprived end minus at
// the most deprived end (negative when the most deprived have more of the indicator: longer
// journeys give a negative SII). RII = fitted(1) / fitted(0). Intervals: OHID simulates from
// each group's own confidence interval, which computed travel times do not have; here the
// regression's standard error with Student's t on (groups - 2) degrees of freedom, and the
// delta method for RII. Fewer than 3 groups: NaN.
struct SlopeIndex {
    Estimate sii;
    Estimate rii;
    double fitted_most = nan;   // fitted value at x = 0 (most deprived end)
    double fitted_least = nan;  // at x = 1 (least deprived end)
    std::size_t groups = 0;
};
SlopeIndex slope_index(const std::vector<Group>& most_to_least);

// Concentration index of a value across people ranked from the MOST to the LEAST deprived
// (`deprivation`: higher = more deprived; ties share their mean rank): C = 2 cov_w(y, R) / mean,
// between -1 and 1, negative when the value is concentrated among the more deprived. Its
// standard error from the "convenient regression" 2 var(R) y / mean = a + b R (b = C), weighted
// by population, t on (areas - 2) degrees of freedom.
Estimate concentration_index(const std::vector<double>& value, const std::vector<double>& population,
                             const std::vector<double>& deprivation);

// Gini (0 = everyone the same, towards 1 = all of it on few people) and Theil T index of the
// value across people (each area's population at its value). Theil needs values >= 0 (NaN
// otherwise); zeros contribute nothing.
double gini(const std::vector<double>& value, const std::vector<double>& population);
double theil(const std::vector<double>& value, const std::vector<double>& population);

// A group (counts per area: people aged 65+, households without a car) against the rest:
// group-weighted and rest-weighted means of the value, and the gap (group minus rest).
struct GroupVersusRest {
    double group_count = 0, rest_count = 0;
    double group_mean = nan, rest_mean = nan, gap = nan;
};
GroupVersusRest group_versus_rest(const std::vector<double>& value, const std::vector<double>& group_count,
                                  const std::vector<double>& total_count);

}  // namespace accessatlas::inequality
