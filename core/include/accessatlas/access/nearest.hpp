// Access to services: nearest-facility travel time by one multi-source search per
// (service, mode), counts of facilities within thresholds by bounded searches, origins
// spread over residential streets, and per-area (LSOA) indicators.
#pragma once

#include <accessatlas/access/catchments.hpp>
#include <accessatlas/network/graph.hpp>
#include <accessatlas/reporter.hpp>
#include <accessatlas/snapping/edge_index.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace accessatlas::access {

struct NearestOptions {
    std::vector<double> thresholds_min{15, 30, 45, 60};
    bool count_within_thresholds = true;                // needs one bounded search per facility
    unsigned threads = 0;                               // 0 = all hardware threads
    ReachMethod count_method = ReachMethod::automatic;  // how those searches run (catchments.hpp)
};

struct NearestResult {
    // Per origin: time (s) and network length (m) to the nearest facility including both
    // connectors; infinity when unreachable or not snapped. facility = index or invalid_id.
    std::vector<double> time_s;
    std::vector<double> length_m;
    std::vector<std::uint32_t> facility;
    // counts[o * thresholds + k]: facilities reachable from origin o within threshold k.
    std::vector<std::uint32_t> counts;
    std::size_t threshold_count = 0;
    // Transit only (empty for road modes): the window's percentiles and best time per origin;
    // time_s is then the window mean.
    std::vector<double> p25_s, p50_s, p75_s, best_s;
    std::uint64_t nodes_settled = 0;
    double nearest_seconds = 0;
    double counts_seconds = 0;
};

// Two runs over the same origins (a baseline and a what-if scenario) compared: the people who
// are newly beyond or newly within each threshold, per area and in all, and the population-
// weighted mean time over the people each run reaches (NaN when it reaches nobody).
struct NearestChange {
    std::size_t threshold_count = 0;
    std::vector<double> newly_beyond, newly_within;  // [area * threshold_count + k], people
    std::vector<double> total_beyond, total_within;  // [k], people
    double mean_time_min_base = 0, mean_time_min_scenario = 0;
};
NearestChange compare_nearest(const NearestResult& base, const NearestResult& scenario, const std::vector<std::uint32_t>& origin_area,
                              const std::vector<double>& origin_population, const std::vector<double>& thresholds_min,
                              std::size_t area_count);

// `facility_snaps` and `origin_snaps` come from the same mode's EdgeIndex; facilities not
// snapped (off the network) are ignored, origins not snapped stay unreached. `hierarchy` is
// the caller's cache for the counts' searches (reach_origins).
NearestResult nearest_facility(const network::RoadNetwork& network, const network::ModeGraph& graph,
                               const std::vector<snapping::Snap>& facility_snaps, const std::vector<snapping::Snap>& origin_snaps,
                               const NearestOptions& options, Reporter& reporter, routing::HierarchyCache* hierarchy = nullptr);

// Time and length of the stretch of edge e from offset a to offset b (metres along the
// geometry), or infinity when the mode may not travel that way.
double along_edge_time(const network::RoadNetwork& network, const network::ModeGraph& graph, std::uint32_t edge, double from_offset_m,
                       double to_offset_m);

// Per-area indicators for one (service, mode), in the spirit of DfT Journey Time Statistics.
struct AreaIndicators {
    double population = 0;
    double mean_time_min = 0;  // population-weighted over reached population; NaN if none
    double mean_length_km = 0;
    std::vector<double> pct_within;   // % of population within each threshold
    std::vector<double> mean_count;   // population-weighted mean number of facilities within
    double unreached_population = 0;  // unreachable or not snapped
    // Transit only: population-weighted means of each origin's window p25, p50, p75, best.
    double mean_p25_min = 0, mean_p50_min = 0, mean_p75_min = 0, mean_best_min = 0;
};

// `origin_area[o]` is the area index of origin o (invalid_id = outside every area).
std::vector<AreaIndicators> aggregate_to_areas(std::size_t area_count, const std::vector<std::uint32_t>& origin_area,
                                               const std::vector<double>& origin_population, const NearestResult& result,
                                               const std::vector<double>& thresholds_min);

// Dasymetric origins: points every `spacing_m` along residential streets (classes given),
// each area's population shared equally among the points inside it.
struct StreetPoint {
    Point location;
    std::uint32_t area = network::invalid_id;
};
std::vector<StreetPoint> residential_street_points(const network::RoadNetwork& network, const std::vector<network::RoadClass>& classes,
                                                   double spacing_m);

}  // namespace accessatlas::access
