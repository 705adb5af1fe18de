// Map styles for every output layer: QGIS QML and OGC SLD generated from one description
// (field, classes, colours), embedded in the GeoPackage's layer_styles table so the layers
// open styled in QGIS with no plugin, and written to styles/ for other clients.
#pragma once

#include <string>
#include <vector>

namespace accessatlas::styles {

struct Class {
    double lower;
    double upper;
    std::string label;
    std::string color;  // "#rrggbb"
};

enum class Geometry { point, polygon };

struct Style {
    std::string name;   // style name in QGIS's style manager, e.g. "gp_walk_time_min"
    std::string title;  // legend title with units
    std::string qml;
    std::string sld;
};

// Travel time in minutes: fixed bands 0-10 / 10-20 / 20-30 / 30-45 / 45-60 / 60+, ColorBrewer
// YlOrRd (darker = longer = worse).
Style time_minutes(const std::string& field, const std::string& title);
// Percentages where more is better (% within a threshold): darker = fewer people within.
Style percent_better_high(const std::string& field, const std::string& title);
// A 0-100 green-space score in greens (ColorBrewer YlGn), darker = better access.
Style green_score(const std::string& field, const std::string& title);
// A measure where higher is better (E2SFCA): quintile breaks from the data, darker = lower.
Style quantiles_better_high(const std::string& field, const std::string& title, std::vector<double> values);
// A change in minutes (scenario minus baseline): blues faster, reds slower, pale within a minute.
Style difference_minutes(const std::string& field, const std::string& title);
// A 0-10 risk score (DERI and its components): fixed bands of 2, darker = higher risk.
Style score_0_10(const std::string& field, const std::string& title);
// Deciles numbered from the highest need (1, as IMD decile 1 = most deprived): 1-2 darkest.
Style deciles_worst_first(const std::string& field, const std::string& title);
// LISA cluster classes (high-high, low-low, high-low, low-high, not significant).
Style lisa_clusters(const std::string& field, const std::string& title);
// A 0/1 flag such as Core20: 1 dark purple.
Style flag(const std::string& field, const std::string& title, const std::string& yes_label, const std::string& no_label);
// Nested catchment bands, categorised by the `band` field, translucent blues.
Style catchment_bands(const std::vector<std::string>& bands);
// Covered area per threshold: translucent outline fills.
Style coverage();
// Facilities: snapped (1) in dark blue, off-network (0) as grey crosses.
Style facilities(const std::vector<std::string>& services);
// Simple points (origins, supply): small markers.
Style points(const std::string& name, const std::string& color);

// The reference style files for a job's output layers, as written to styles/: one QML (and an
// SLD beside it) per layer and key field. Data-driven styles (E2SFCA quintiles) are made per run.
struct StyleFile {
    std::string stem;  // file name without extension, e.g. "lsoa_access.gp_walk_time_min"
    Style style;
};
// `mode_phrases[i]` is how modes[i] reads in a title ("on foot"; network::travel_phrase).
std::vector<StyleFile> reference_set(const std::vector<std::string>& services, const std::vector<std::string>& modes,
                                     const std::vector<std::string>& mode_phrases, const std::vector<double>& thresholds_min,
                                     const std::vector<double>& catchment_thresholds_min);

// The classes a graduated style uses (for reports and legends).
std::vector<Class> time_classes();
std::vector<Class> percent_classes();
std::vector<Class> score_classes();
std::vector<Class> quantile_classes(std::vector<double> values, const std::string& unit);

}  // namespace accessatlas::styles
