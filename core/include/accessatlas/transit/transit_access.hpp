// Public transport as a mode: walk to a stop, ride (changing as often as it pays), walk to the
// facility; or walk the whole way, whichever is quicker at each departure minute (the DfT
// Journey Time Statistics' "public transport/walk"). Every walking leg runs on the street
// network's walk graph. One backward profile search from all facilities at once gives every
// origin's time at every minute of the departure window; the minutes are summarised as the
// mean (JTS "average minimum time"), p25/p50/p75 and the best.
#pragma once

#include <accessatlas/access/nearest.hpp>
#include <accessatlas/access/catchments.hpp>
#include <accessatlas/snapping/edge_index.hpp>
#include <accessatlas/transit/profile_search.hpp>
#include <accessatlas/transit/timetable.hpp>

#include <vector>

namespace accessatlas::transit {

struct WindowOptions {
    double start_s = 7 * 3600.0;   // first departure considered
    double end_s = 10 * 3600.0;    // departures before this
    double step_s = 60;            // every minute
    double max_time_s = 120 * 60;  // a departure minute with no journey within this is not reached
    double max_walk_s = 20 * 60;   // access (origin to stop) and egress (stop to facility) walks
    double max_transfer_walk_s = 10 * 60;
    double change_s = 60;          // minimum time between alighting and boarding again
    double reach_percentile = 50;  // the statistic catchments and E2SFCA use
    unsigned threads = 0;
    std::vector<double> departures() const;  // start, start + step, ... < end
};

// The street side of transit, built once per (scenario, timetable): walking legs and the
// window's connections.
struct TransitNetwork {
    const Timetable* timetable = nullptr;
    std::vector<snapping::Snap> stop_snaps;
    // Per origin: the stops within max_walk_s on foot (CSR).
    std::vector<std::uint32_t> access_first;
    std::vector<std::uint32_t> access_stop;
    std::vector<double> access_time_s;
    Footpaths footpaths;
    std::vector<double> change_s;  // per stop
    std::vector<Connection> connections;
    std::size_t transfer_rules_applied = 0;
};

// `stop_snaps` on the walk graph (not ok: too far from it, or no coordinate).
TransitNetwork prepare_transit(const network::RoadNetwork& network, const network::ModeGraph& walk, const Timetable& timetable,
                               std::vector<snapping::Snap> stop_snaps, const std::vector<snapping::Snap>& origin_snaps,
                               const WindowOptions& options, Reporter& reporter);

// Per-origin window statistics in seconds (infinity: not reached).
struct WindowStats {
    double mean = never, p25 = never, p50 = never, p75 = never, best = never;
    std::uint32_t facility = no_index;  // the facility reached most often over the window
};
// p-th percentile by nearest rank of values sorted ascending (infinity sorts last).
double nearest_rank(const std::vector<double>& sorted, double p);

// The profiles of every stop towards the nearest facility (one backward search from all of
// them), and the time walking the whole way from every origin.
struct NearestProfiles {
    Profiles profiles;
    access::NearestResult walk_only;
};
NearestProfiles nearest_profiles(const network::RoadNetwork& network, const network::ModeGraph& walk, const TransitNetwork& tn,
                                 const std::vector<snapping::Snap>& facility_snaps, const std::vector<snapping::Snap>& origin_snaps,
                                 const WindowOptions& options, Reporter& reporter);

// Nearest facility by transit for every origin: NearestResult::time_s is the window mean,
// `transit` carries the percentiles; length_m is not measured (NaN). Counts within the
// thresholds (by mean time) when options ask for them.
access::NearestResult transit_nearest(const network::RoadNetwork& network, const network::ModeGraph& walk, const TransitNetwork& tn,
                                      const std::vector<snapping::Snap>& facility_snaps, const std::vector<snapping::Snap>& origin_snaps,
                                      const access::NearestOptions& nearest_options, const WindowOptions& options, Reporter& reporter);

enum class Statistic { mean, percentile };
// Per facility (one profile search each, in parallel): the origins whose statistic is within
// limit_s. Facilities not snapped get no row.
access::Reach transit_reach(const network::RoadNetwork& network, const network::ModeGraph& walk, const TransitNetwork& tn,
                            const std::vector<snapping::Snap>& facility_snaps, const std::vector<snapping::Snap>& origin_snaps,
                            double limit_s, Statistic statistic, const WindowOptions& options, Reporter& reporter);

// Service-area polygons by transit: around each facility (and for the coverage, around all of
// them) every place from which the facility is reached within each threshold at the chosen
// percentile, where a stop's time is the percentile over the window of the time from the
// stop, walked to on the street network from wherever one starts. Drawn for the map: the
// waiting time of a place near a stop is the stop's, not shifted by the walk to it (the
// numbers in the tables come from the exact per-origin evaluation).
access::CatchmentPolygons transit_polygons(const network::RoadNetwork& network, const network::ModeGraph& walk, const TransitNetwork& tn,
                                           const std::vector<snapping::Snap>& facility_snaps,
                                           const access::CatchmentOptions& polygon_options, const WindowOptions& options,
                                           Reporter& reporter);

// The statistics of one origin given the profiles (for tests and the reference check):
// walk_only_s is the time walking the whole way (infinity when none).
WindowStats window_stats(const TransitNetwork& tn, const Profiles& profiles, std::uint32_t origin, double walk_only_s,
                         std::uint32_t walk_facility, const WindowOptions& options, std::vector<double>* minute_times = nullptr);

}  // namespace accessatlas::transit
