// A job file (TOML) describes one batch run: inputs, services, modes, thresholds, outputs.
// run_job() is the single entry point shared by the CLI and the QGIS plugin.
#pragma once

#include <accessatlas/access/catchments.hpp>
#include <accessatlas/greenspace/greenspace.hpp>
#include <accessatlas/indices/indices.hpp>
#include <accessatlas/network/network.hpp>
#include <accessatlas/reporter.hpp>
#include <accessatlas/styles/styles.hpp>
#include <accessatlas/transit/transit_access.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace accessatlas::job {

struct LayerRef {
    std::string path;
    std::string layer;
};

struct ServiceSpec {
    std::string name;  // used in field names: <name>_<mode>_time_min
    LayerRef facilities;
    std::string id_field;      // empty = feature id
    std::string name_field;    // optional
    std::string supply_field;  // E2SFCA supply (GP FTE, headcount...); empty = 1 per facility
};

struct CatchmentSpec {
    bool enabled = false;
    std::vector<double> thresholds_min{10, 20, 30};
    double walk_off_m = 50;
    bool polygons = true;
    bool members = false;               // write every (facility, origin, time) pair as a table
    std::vector<std::string> services;  // empty = every service
    std::vector<network::Mode> modes;   // empty = every mode
    bool applies_to(const std::string& service, network::Mode mode) const {
        return enabled && (services.empty() || std::find(services.begin(), services.end(), service) != services.end()) &&
               (modes.empty() || std::find(modes.begin(), modes.end(), mode) != modes.end());
    }
    // Service-area polygons (and the area within reach) for this service and mode.
    bool polygons_for(const std::string& service, network::Mode mode) const { return polygons && applies_to(service, mode); }
};

struct E2sfcaSpec {
    bool enabled = false;
    access::Decay decay;
};

struct GreenspaceSpec {
    bool enabled = false;
    LayerRef sites;
    greenspace::SiteOptions site_options;
    LayerRef entrances;        // optional given access points
    bool network_mode = true;  // false: straight-line distances
    std::vector<greenspace::Tier> tiers = greenspace::default_tiers();
    double neighbourhood_m = 1000;  // provision: hectares within this walk
    double capacity_ha_per_1000 = 3;
};

// Where an indicator's values come from: a table keyed by area code (CSV, Nomis CSV, any OGR
// table), or a field of the areas layer when `path` is empty. value = scale x sum(numerator)
// / sum(denominator), or scale x sum(numerator) without a denominator.
struct IndicatorSource {
    std::string path;
    std::string layer;
    std::string code_field;
    std::vector<std::string> numerator;
    std::vector<std::string> denominator;
    double scale = 1;
    std::string filter_field;                            // long tables: keep rows where this field ...
    std::string filter_value;                            // ... has this value
    bool aggregate = false;                              // sum rows that share a code (e.g. output areas to LSOAs)
    std::string geography;                               // "lsoa11", "lsoa21"; empty = the areas' geography
    indices::ValueKind kind = indices::ValueKind::rate;  // without a denominator: rate or count
    bool given() const { return !numerator.empty(); }
};

struct IndexSpec {
    indices::IndexDef def;
    std::string layer;                        // output layer, default lsoa_<name>
    std::string group_field;                  // field of the areas layer for basis = group
    std::vector<IndicatorSource> sources;     // one per def.indicators; not given() = missing
    std::vector<IndicatorSource> references;  // one per def.indicators, for basis = reference
};

struct CompositeDomain {
    std::string name;
    std::string title;
    std::string field;       // an area field this run computes (e.g. gp_walk_time_min, deri_score) ...
    IndicatorSource source;  // ... or a table
    indices::Direction direction = indices::Direction::higher_is_worse;
    double weight = 1;
};

struct CompositeSpec {
    bool enabled = false;
    std::string layer = "lsoa_atlas";
    indices::Normalisation method = indices::Normalisation::exponential;  // exponential (IMD, default) or minmax (mean of 0-10)
    std::vector<CompositeDomain> domains;
    IndicatorSource imd_decile;  // Core20: IMD decile 1 or 2 (numerator = the decile field)
};

struct ClusteringSpec {
    bool enabled = false;
    std::vector<std::string> fields;
    indices::Contiguity contiguity = indices::Contiguity::queen;
    double tolerance_m = 0;
    std::size_t permutations = 999;
    std::uint64_t seed = 20221101;
    double significance = 0.05;
    std::string layer = "lsoa_clusters";
};

// The inequality lens (docs/methods/inequality.md): every chosen area indicator summarised by
// deprivation decile and quintile, with the gap, SII/RII, concentration index, Gini and Theil;
// by group (counts per area: households without a car, people aged 65+) and by class.
struct InequalityGroup {
    std::string name;  // [a-z0-9_]
    std::string title;
    IndicatorSource counts;  // numerator: the group's count per area; denominator: everyone counted
};
struct InequalitySpec {
    bool enabled = false;
    std::string deprivation_name = "IMD";
    IndicatorSource deprivation;          // decile per area, 1 = most deprived (numerator = the field)
    IndicatorSource deprivation_score;    // optional, higher = more deprived (concentration index); else the decile
    std::vector<std::string> indicators;  // empty: every time, % within, E2SFCA and index field the run computes
    std::vector<InequalityGroup> groups;
    LayerRef classes;  // a categorical classification per area (rural-urban, ICB place)
    std::string class_code_field;
    std::string class_field;
    std::string no_car_group;  // a group of households without a car: adds <service>_realistic_time_min
    std::size_t min_areas_per_decile = 5;
};

struct GeographySpec {
    std::string areas;                  // the areas' geography: "lsoa11", "lsoa21" or empty (not an LSOA set)
    std::string lookup;                 // ONS LSOA 2011 to 2021 lookup
    IndicatorSource population_lsoa11;  // people per area, to apportion (numerator = the field)
    IndicatorSource population_lsoa21;
};

// Public transport (the transit mode): GTFS feeds read for one date, and the departure window.
struct TransitSpec {
    std::vector<std::string> feeds;  // .zip or folders
    std::string date;                // YYYY-MM-DD
    transit::WindowOptions window;
    bool given() const { return !feeds.empty(); }
};

// ---- What-if scenarios ----------------------------------------------------------------
// A facility a scenario opens: a point in EPSG:27700 (job files may give lon/lat instead).
struct NewFacility {
    std::string id;
    std::string name;
    Point location;
    double supply = 1;
};

struct FacilityChanges {
    std::string service;
    std::vector<std::string> remove;       // facility ids that close
    std::vector<NewFacility> add;          // facilities that open
    LayerRef add_layer;                    // ... or a layer of them (the service's id/name/supply fields)
    std::map<std::string, double> supply;  // id -> new supply (e.g. GP FTE)
};

// Timetable changes of a scenario: routes withdrawn (route_id or short name), stops closed
// (trips pass without stopping), frequency scaled per route (0.5 = every other trip, 2 = a
// trip between each two), another window or date.
struct TransitChanges {
    std::vector<std::string> remove_routes;
    std::vector<std::string> remove_stops;
    std::map<std::string, double> route_frequency;
    std::string date;            // empty = the job's
    double window_start_s = -1;  // negative = the job's
    double window_end_s = -1;
};

struct ScenarioSpec {
    std::string name;  // [a-z0-9_]; prefixes the scenario's layers: <name>_lsoa_access ...
    std::string title;
    std::vector<FacilityChanges> services;
    std::vector<std::int64_t> close_ways;                // OSM way ids (or OGR feature ids) closed to every mode
    LayerRef close_area;                                 // polygons: every road meeting them is closed
    std::map<network::Mode, network::Profile> profiles;  // the job's profiles with this scenario's speeds
    TransitChanges transit;
    bool changes_network() const { return !close_ways.empty() || !close_area.path.empty(); }
};

enum class OriginMethod { street_points, points, centroids };

struct Job {
    std::string job_file;  // empty when built from parameters
    std::string title;
    std::string output;  // .gpkg
    bool write_csv = false;
    std::string report;   // HTML report path; empty = none
    std::string project;  // QGIS project (.qgz or .qgs) opening the output as a map; empty = none
    bool verbose = false;

    LayerRef network;
    // The area the network file covers (a clipped extract's box or polygon): origins and
    // facilities beyond it are not served (named, left out) instead of routed on a cut network.
    LayerRef network_coverage;
    std::string graph_file;  // preprocessed .aagraph of `network` (refused when stale)
    network::OgrNetworkOptions network_options;

    // Fields the job left out that the parser chose from the data, each with its reason
    // (indices::field_guess); run_job says them at the start of the log.
    std::vector<std::string> guessed_fields;

    LayerRef areas;
    std::string area_code_field;
    std::string area_name_field;

    LayerRef population;  // table; empty path = population field on the areas layer
    std::string population_code_field;
    std::string population_field;
    std::string population_filter_field;  // long tables: keep rows where this field ...
    std::string population_filter_value;  // ... has this value

    OriginMethod origin_method = OriginMethod::street_points;
    LayerRef origin_points;               // for points / centroids, or the street-points fallback
    std::string origin_code_field;        // area code on the points (else point-in-polygon)
    std::string origin_population_field;  // for method = points
    double street_spacing_m = 100;
    std::vector<network::RoadClass> street_classes;

    std::vector<ServiceSpec> services;
    std::vector<network::Mode> modes;
    std::vector<double> thresholds_min{15, 30, 45, 60};
    double max_snap_m = 500;
    double edge_buffer_m = 5000;
    bool count_within_thresholds = true;
    access::ReachMethod facility_search = access::ReachMethod::automatic;
    unsigned threads = 0;
    std::map<network::Mode, network::Profile> profiles;
    CatchmentSpec catchments;
    E2sfcaSpec e2sfca;
    TransitSpec transit;
    GreenspaceSpec greenspace;
    GeographySpec geography;
    std::vector<IndexSpec> indices;
    CompositeSpec composite;
    ClusteringSpec clustering;
    InequalitySpec inequality;
    std::vector<ScenarioSpec> scenarios;  // what-ifs, each against the baseline (the job as given)
    // True when the job routes or measures green space, so it needs origins.
    bool needs_origins() const { return !services.empty() || greenspace.enabled; }
    // The job's profile for `mode`, or the default one when the job has none for it (walking
    // for green space in a job that routes only by car).
    network::Profile profile(network::Mode mode) const {
        const auto it = profiles.find(mode);
        return it != profiles.end() ? it->second : network::default_profile(mode);
    }
};

// Parses and validates a job file. Relative paths are resolved against the job file's
// folder. Unknown keys are refused with the nearest valid key suggested.
Job load_job(const std::string& path);
Job parse_job(const std::string& toml_text, const std::string& base_dir, const std::string& source_name);

struct RunSummary {
    std::string output;
    std::size_t areas = 0;
    std::size_t origins = 0;
    std::size_t network_nodes = 0;
    std::size_t network_edges = 0;
    std::vector<std::string> warnings;
    std::map<std::string, double> seconds;  // by stage: read, graph, snap, route, write
    std::uint64_t nodes_settled = 0;
    std::size_t scenarios = 0;
};

RunSummary run_job(const Job& job, Reporter& reporter);

// The reference style files (styles/) for a job's output layers: access, catchments and the
// index layers, named <layer>.<field> or <layer>.
std::vector<styles::StyleFile> reference_styles(const Job& job);

}  // namespace accessatlas::job
