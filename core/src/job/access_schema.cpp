#include "job/access_schema.hpp"
#include "job/area_indices.hpp"

#include <fmt/format.h>

#include <cmath>

namespace accessatlas::job::detail {

std::string column_prefix(const std::string& service, network::Mode mode) {
    return service + "_" + std::string(network::to_string(mode)) + "_";
}

std::string column_title(const std::string& service, network::Mode mode) {
    return service + " " + std::string(network::travel_phrase(mode));
}

std::vector<AccessField> access_fields(const Job& job, const std::string& service, network::Mode mode) {
    const std::string p = column_prefix(service, mode);
    const bool transit = mode == network::Mode::transit;
    std::vector<AccessField> f;
    f.push_back({p + "time_min", "minutes",
                 transit
                     ? "population-weighted mean over the departure window of the time to the nearest facility (JTS average minimum time)"
                     : "population-weighted mean time to the nearest facility",
                 [](const access::AreaIndicators& a, double) { return a.mean_time_min; }});
    if (transit) {
        // The window's distribution, each origin's statistic averaged over people.
        f.push_back({p + "p25_min", "minutes", "25th percentile over the departure window (population-weighted mean)",
                     [](const access::AreaIndicators& a, double) { return a.mean_p25_min; }});
        f.push_back({p + "p50_min", "minutes", "median over the departure window (population-weighted mean)",
                     [](const access::AreaIndicators& a, double) { return a.mean_p50_min; }});
        f.push_back({p + "p75_min", "minutes", "75th percentile over the departure window (population-weighted mean)",
                     [](const access::AreaIndicators& a, double) { return a.mean_p75_min; }});
        f.push_back({p + "best_min", "minutes", "best departure in the window (population-weighted mean)",
                     [](const access::AreaIndicators& a, double) { return a.mean_best_min; }});
    } else {
        f.push_back({p + "dist_km", "km", "population-weighted mean network distance to the nearest facility",
                     [](const access::AreaIndicators& a, double) { return a.mean_length_km; }});
    }
    for (std::size_t k = 0; k < job.thresholds_min.size(); ++k)
        f.push_back({p + "pct_" + threshold_label(job.thresholds_min[k]), "% of population",
                     fmt::format("% of people within {} min", job.thresholds_min[k]),
                     [k](const access::AreaIndicators& a, double) { return a.pct_within[k]; }});
    if (job.count_within_thresholds)
        for (std::size_t k = 0; k < job.thresholds_min.size(); ++k)
            f.push_back({p + "count_" + threshold_label(job.thresholds_min[k]), "facilities",
                         fmt::format("population-weighted mean number of facilities within {} min", job.thresholds_min[k]),
                         [k](const access::AreaIndicators& a, double) { return a.mean_count[k]; }});
    f.push_back({p + "unreached_pop", "people", "people who reach no facility (off the network, on an island, or beyond the time limit)",
                 [](const access::AreaIndicators& a, double) { return a.population > 0 ? a.unreached_population : std::nan(""); }});
    if (job.e2sfca.enabled)
        f.push_back({p + "e2sfca_per_1000", "supply per 1,000 people", "E2SFCA accessibility",
                     [](const access::AreaIndicators&, double e) { return e; }});
    return f;
}

}  // namespace accessatlas::job::detail
