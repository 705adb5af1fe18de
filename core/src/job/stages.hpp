// Private: what the job's stage files share. prepare.cpp reads and snaps, route.cpp runs the
// routing tasks and assembles them, finish.cpp runs the area stages and writes; the layer
// families are written by write_access_layers.cpp, greenspace_stage.cpp and
// write_scenario_layers.cpp, the report is built by report_builder.cpp.
#pragma once

#include "job/area_indices.hpp"
#include "job/inequality_stage.hpp"
#include "job/pipeline.hpp"

#include <accessatlas/geometry/polygons.hpp>
#include <accessatlas/greenspace/greenspace.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/report/report.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace accessatlas::job::detail {

class Stopwatch {
public:
    double lap() {
        const auto now = std::chrono::steady_clock::now();
        const double s = std::chrono::duration<double>(now - m_t).count();
        m_t = now;
        return s;
    }

private:
    std::chrono::steady_clock::time_point m_t = std::chrono::steady_clock::now();
};

std::string mode_name(network::Mode m);

// areas_origins.cpp: the areas with their population (checked, named when anything is left
// out), and the origins where their people are placed.
Areas read_areas(const Job& job, Reporter& reporter);
Origins make_origins(const Job& job, const Areas& areas, const network::RoadNetwork& net, const geometry::AreaLocator& locator,
                     Reporter& reporter);
// About how much work run_job will report for this job, as the sum of its stages' weights
// (stage_costs.hpp): what the one overall progress bar divides.
double expected_stage_weight(const Job& job);
std::string scenario_suffix(const ScenarioInputs& sc);

// ---- the access layer family (write_access_layers.cpp) -----------------------------------
// A layer's description, units, method, inputs, run and parameters in its metadata.
void describe(io::LayerWriter& layer, const Job& job, const std::string& what, const std::string& units, const std::string& method);
std::size_t service_index(const Job& job, const std::string& name);
// lsoa_access, origins_nearest and facilities of one scenario (prefixed by its name).
void write_service_layers(io::GpkgWriter& out, const Job& job, const Prepared& prepared, std::size_t si,
                          const std::vector<Column>& columns);
// <service>_<mode>_catchments, _coverage, _supply and _catchment_members.
void write_catchment_layers(io::GpkgWriter& out, const Job& job, const std::string& prefix, const std::string& service, network::Mode mode,
                            const Facilities& facilities, const std::vector<snapping::Snap>& snaps, const access::Reach& reach,
                            const access::CatchmentPolygons& polygons, const access::E2sfca& e2, const access::NearestResult& nearest,
                            const std::vector<double>& population);

// ---- green space (greenspace_stage.cpp) ---------------------------------------------------
struct GreenspaceResult {
    std::vector<greenspace::Site> sites;
    std::vector<std::vector<double>> tier_distance;  // [tier][origin], metres
    std::vector<double> provision;                   // per origin, ha per 1,000 (network mode)
    // Per area:
    std::vector<std::vector<double>> pct;  // [tier][area]
    std::vector<double> beyond_10min, mean_distance, ha_per_1000, score;
    std::vector<std::int64_t> decile;
};

// What the stage reads of a job: its [greenspace] section, the walk profile, how far an origin
// may be snapped and the thread count.
struct GreenspaceSettings {
    GreenspaceSpec spec;
    network::Profile walk;
    double max_snap_m = 500;
    unsigned threads = 0;
};
GreenspaceSettings greenspace_settings(const Job& job);
GreenspaceResult run_greenspace(const GreenspaceSettings& settings, const network::RoadNetwork& net, const Areas& areas,
                                const Origins& origins, Reporter& reporter);
void write_greenspace_layers(io::GpkgWriter& out, const Job& job, const Areas& areas, const GreenspaceResult& g);

// ---- scenarios against the baseline (write_scenario_layers.cpp) ----------------------------
struct ScenarioTotals {
    std::string service, mode;
    double mean_base = 0, mean_scenario = 0;
    std::vector<double> newly_beyond, newly_within;
    std::int64_t areas_slower = 0, areas_faster = 0;
};

std::vector<ScenarioTotals> write_delta_layer(io::GpkgWriter& out, const Job& job, const Prepared& prepared, std::size_t si,
                                              const std::vector<Column>& base, const std::vector<Column>& scen);
void write_scenario_summary(io::GpkgWriter& out, const Job& job, const Prepared& prepared,
                            const std::vector<std::vector<ScenarioTotals>>& totals);

// ---- the HTML report (report_builder.cpp) ----------------------------------------------------
report::Report build_report(const Job& job, const Prepared& prepared, const std::vector<Column>& columns, const GreenspaceResult& green,
                            const AreaIndicesOutcome& area_indices, const InequalityOutcome& inequality,
                            const std::vector<std::string>& warnings);

}  // namespace accessatlas::job::detail
