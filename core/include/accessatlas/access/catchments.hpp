// Catchments: which origins reach each facility within a time (bounded searches, one per
// facility, in parallel), service-area polygons built from the reachable network, and the
// enhanced two-step floating catchment area (E2SFCA) accessibility measure.
#pragma once

#include <accessatlas/network/graph.hpp>
#include <accessatlas/routing/hierarchy.hpp>
#include <accessatlas/reporter.hpp>
#include <accessatlas/snapping/edge_index.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace accessatlas::access {

// Every (facility, origin) pair whose travel time origin -> facility is <= the limit. CSR over
// facilities, origins in increasing order within a facility. Memory is linear in the pairs.
struct Reach {
    std::vector<std::uint64_t> first;  // facility count + 1
    std::vector<std::uint32_t> origin;
    std::vector<float> time_s;
    std::uint64_t nodes_settled = 0;  // by the sweeps: every node once per batch
    double seconds = 0;
    bool by_hierarchy = false;     // all but the sampled facilities by hierarchy sweeps
    double hierarchy_seconds = 0;  // building (or finding) the hierarchy, within `seconds`

    std::size_t facility_count() const { return first.empty() ? 0 : first.size() - 1; }
};

// How the per-facility searches run. `dijkstra`: one bounded search per facility, in
// parallel; the cost grows with the nodes each search settles. `hierarchy`: the graph's
// contraction hierarchy (built once, kept by the caller's cache) and one sweep over all nodes per
// 16 facilities; the cost grows with the graph, not with the limit, and times are single
// precision (within milliseconds of the search's). `automatic`: a first 4 facilities by
// Dijkstra show how far each search goes, and the rest take whichever costs less (by counts,
// so the choice repeats exactly): long drive catchments of thousands of facilities on a large
// graph go by the hierarchy; walking, small graphs and few facilities by Dijkstra.
enum class ReachMethod { automatic, dijkstra, hierarchy };

// Bounded searches per facility on the reversed graph; the result does not depend on the
// thread count. `hierarchy`, when given, is the cache of graph.backward's hierarchy: a search
// that takes the hierarchy builds it there once (or finds it built) for the caller's next
// searches over the same graph; without one, a hierarchy built serves this call only.
Reach reach_origins(const network::RoadNetwork& network, const network::ModeGraph& graph, const std::vector<snapping::Snap>& facility_snaps,
                    const std::vector<snapping::Snap>& origin_snaps, double limit_s, unsigned threads, Reporter& reporter,
                    ReachMethod method = ReachMethod::automatic, routing::HierarchyCache* hierarchy = nullptr);

// Whether `automatic` would take the hierarchy for these facilities (the same sample and rule,
// counting a hierarchy as free when `hierarchy` holds one): a distributed plan builds it once
// and saves it for its workers instead of each building its own.
bool hierarchy_pays(const network::RoadNetwork& network, const network::ModeGraph& graph, const std::vector<snapping::Snap>& facility_snaps,
                    const std::vector<snapping::Snap>& origin_snaps, double limit_s, unsigned threads, Reporter& reporter,
                    const routing::HierarchyCache* hierarchy = nullptr);

// The same for facilities with several entrances (green spaces): each facility is searched
// from all its snapped entrances at once; an origin's time is to the nearest entrance.
Reach reach_origins_grouped(const network::RoadNetwork& network, const network::ModeGraph& graph,
                            const std::vector<std::vector<snapping::Snap>>& facility_entrances,
                            const std::vector<snapping::Snap>& origin_snaps, double limit_s, unsigned threads, Reporter& reporter,
                            ReachMethod method = ReachMethod::automatic, routing::HierarchyCache* hierarchy = nullptr);

// ---- E2SFCA ----------------------------------------------------------------------------

enum class DecayKind { bands, gaussian, exponential, linear, none };

// Distance decay W(t), zero beyond max_time_min. `bands`: stepwise weights per band (Luo & Qi
// 2009 defaults 1.00, 0.68, 0.22 for 0-10, 10-20, 20-30 min); `gaussian`: exp(-t^2 / (2
// sigma^2)); `exponential`: exp(-lambda t); `linear`: 1 - t / max; `none`: 1 (plain 2SFCA).
struct Decay {
    DecayKind kind = DecayKind::bands;
    double max_time_min = 30;
    std::vector<double> band_upper_min{10, 20, 30};
    std::vector<double> band_weight{1.0, 0.68, 0.22};
    double gaussian_sigma_min = 15;
    double exponential_per_min = 0.1;

    double weight(double minutes) const;
};

struct E2sfca {
    std::vector<double> demand;             // per facility: sum_k P_k W(t_kj)
    std::vector<double> ratio;              // per facility: R_j = S_j / demand (0 when no demand)
    std::vector<double> population_within;  // per facility: people within max_time
    std::vector<double> accessibility;      // per origin: A_i = sum_j R_j W(t_ij) (supply per person)
};

// Step 1 and step 2 over the reach pairs (no dense matrix). `reach` must cover max_time_min.
E2sfca e2sfca(const Reach& reach, const std::vector<double>& supply, const std::vector<double>& origin_population, std::size_t origin_count,
              const Decay& decay);

// Per area, the population-weighted mean of the origins' accessibility, as supply per 1,000
// people: 1000 * sum_i P_i A_i / sum_i P_i over the area's origins; NaN for an area without
// people. `origin_area[i]` is origin i's area (0 .. area_count - 1).
std::vector<double> area_e2sfca_per_1000(const std::vector<double>& accessibility, const std::vector<std::uint32_t>& origin_area,
                                         const std::vector<double>& origin_population, std::size_t area_count);

// ---- Service-area polygons ----------------------------------------------------------------

struct CatchmentOptions {
    std::vector<double> thresholds_min{10, 20, 30};
    double walk_off_m = 50;  // buffer around the reachable network
    unsigned threads = 0;
    // Either half may be skipped: a task of a distributed run makes the polygons of its own
    // facilities, and the coverage comes from the task that sees them all.
    bool facility_polygons = true;
    bool coverage = true;
};

// Polygons as ISO WKB (EPSG:27700), one per threshold; empty when nothing is reachable.
struct CatchmentPolygons {
    std::vector<std::vector<std::vector<unsigned char>>> facility;  // [facility][threshold]
    std::vector<std::vector<unsigned char>> coverage;               // [threshold]: union over facilities
};

// The reachable part of every edge (including partly reached edges, cut by interpolation
// along the geometry) within each threshold of each facility, buffered by walk_off_m and
// dissolved; coverage from one multi-source search. Facilities not snapped get no polygon.
CatchmentPolygons catchment_polygons(const network::RoadNetwork& network, const network::ModeGraph& graph,
                                     const std::vector<snapping::Snap>& facility_snaps, const CatchmentOptions& options,
                                     Reporter& reporter);

// The reachable network pieces (polylines) for a facility set and a time limit, given the
// node times of a search from those facilities over the reversed graph. Exposed for tests.
std::vector<std::vector<Point>> reachable_pieces(const network::RoadNetwork& network, const network::ModeGraph& graph,
                                                 const std::vector<double>& node_time_s, const std::vector<snapping::Snap>& facility_snaps,
                                                 double limit_s);

// The polygon of everything within limit_s given node times of a search over the reversed graph
// (the reachable network buffered by walk_off_m and dissolved); empty when nothing is.
std::vector<unsigned char> reachable_polygon(const network::RoadNetwork& network, const network::ModeGraph& graph,
                                             const std::vector<double>& node_time_s, const std::vector<snapping::Snap>& facility_snaps,
                                             double limit_s, double walk_off_m);

bool polygon_contains(const std::vector<unsigned char>& wkb, Point p);

}  // namespace accessatlas::access
