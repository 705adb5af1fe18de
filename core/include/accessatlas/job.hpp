// A job file (TOML) describes one batch run: inputs, services, modes, thresholds, outputs.
// run_job() is the single entry point shared by the CLI and the QGIS plugin.
#pragma once

#include <accessatlas/catchments.hpp>
#include <accessatlas/greenspace.hpp>
#include <accessatlas/network.hpp>
#include <accessatlas/reporter.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace accessatlas::job {

struct LayerRef {
    std::string path;
    std::string layer;
};

struct ServiceSpec {
    std::string name;        // used in field names: <name>_<mode>_time_min
    LayerRef facilities;
    std::string id_field;    // empty = feature id
    std::string name_field;  // optional
    std::string supply_field;  // E2SFCA supply (GP FTE, headcount...); empty = 1 per facility
};

struct CatchmentSpec {
    bool enabled = false;
    std::vector<double> thresholds_min{10, 20, 30};
    double walk_off_m = 50;
    bool polygons = true;
    bool members = false;  // write every (facility, origin, time) pair as a table
    std::vector<std::string> services;  // empty = every service
    bool applies_to(const std::string& service) const {
        return enabled && (services.empty() || std::find(services.begin(), services.end(), service) != services.end());
    }
};

struct E2sfcaSpec {
    bool enabled = false;
    access::Decay decay;
};

struct GreenspaceSpec {
    bool enabled = false;
    LayerRef sites;
    greenspace::SiteOptions site_options;
    LayerRef entrances;                 // optional given access points
    bool network_mode = true;           // false: straight-line distances
    std::vector<greenspace::Tier> tiers = greenspace::default_tiers();
    double neighbourhood_m = 1000;      // provision: hectares within this walk
    double capacity_ha_per_1000 = 3;
};

enum class OriginMethod { street_points, points, centroids };

struct Job {
    std::string job_file;  // empty when built from parameters
    std::string title;
    std::string output;    // .gpkg
    bool write_csv = false;
    std::string report;    // HTML report path; empty = none
    bool verbose = false;

    LayerRef network;
    network::OgrNetworkOptions network_options;

    LayerRef areas;
    std::string area_code_field;
    std::string area_name_field;

    LayerRef population;  // table; empty path = population field on the areas layer
    std::string population_code_field;
    std::string population_field;
    std::string population_filter_field;  // long tables: keep rows where this field ...
    std::string population_filter_value;  // ... has this value

    OriginMethod origin_method = OriginMethod::street_points;
    LayerRef origin_points;       // for points / centroids, or the street-points fallback
    std::string origin_code_field;   // area code on the points (else point-in-polygon)
    std::string origin_population_field;  // for method = points
    double street_spacing_m = 100;
    std::vector<network::RoadClass> street_classes;

    std::vector<ServiceSpec> services;
    std::vector<network::Mode> modes;
    std::vector<double> thresholds_min{15, 30, 45, 60};
    double max_snap_m = 500;
    double edge_buffer_m = 5000;
    bool count_within_thresholds = true;
    unsigned threads = 0;
    std::map<network::Mode, network::Profile> profiles;
    CatchmentSpec catchments;
    E2sfcaSpec e2sfca;
    GreenspaceSpec greenspace;
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
};

RunSummary run_job(const Job& job, Reporter& reporter);

} // namespace accessatlas::job
