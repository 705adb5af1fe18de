// A self-contained HTML report of a run (no network access needed to view it): run summary,
// one choropleth map per key indicator as inline SVG with legend, north arrow and scale bar,
// a histogram per indicator, the most excluded areas, and sources and licences.
#pragma once

#include <accessatlas/styles/styles.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace accessatlas::report {

struct Indicator {
    std::string field;
    std::string title;           // with units
    std::vector<double> values;  // per area, NaN = no data
    std::vector<styles::Class> classes;
    bool higher_is_worse = true;
};

// An indicator by deprivation decile (1 = most deprived first) with the SII line and a
// sentence in plain English: a bar chart in the report.
struct Gradient {
    std::string title;  // indicator, with units
    std::string units;
    std::vector<double> decile_mean;           // 10 values, NaN where a decile has no area
    std::vector<double> decile_population;     // 10 values
    double fitted_most = 0, fitted_least = 0;  // the SII line at the most and least deprived ends
    double sii_lower = NAN, sii_upper = NAN;   // the SII's 95% interval (NaN: none)
    std::string sentence;
};

struct Report {
    std::string title;
    std::vector<std::pair<std::string, std::string>> summary;  // label, value
    std::vector<std::string> warnings;
    std::vector<std::vector<std::string>> warning_items;  // kind, file, feature id, code, action (the run_warnings table)
    std::vector<std::string> area_code;
    std::vector<std::string> area_name;
    std::vector<double> population;
    std::vector<std::vector<unsigned char>> area_wkb;  // EPSG:27700
    std::vector<Indicator> indicators;
    std::size_t ranking_indicator = 0;  // "most excluded" = worst on this indicator
    std::vector<std::string> sources;
    std::string deprivation_name = "IMD";
    std::vector<Gradient> gradients;  // the inequality lens, when the job asks for it
};

std::string render_html(const Report& report);
// Writes atomically (temporary file, then rename).
void write_html(const Report& report, const std::string& path);

}  // namespace accessatlas::report
