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
#include <memory>
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
// People of an area whose population is missing cannot be weighted: no origins there.
void drop_origins_without_people(const Areas& areas, Origins& origins);
// The polygon a clipped network covers (network.coverage), when the job gives one.
struct Coverage {
    std::unique_ptr<geometry::AreaLocator> locator;  // none: the network covers everything
    bool covers(Point p) const { return !locator || locator->locate(p) != network::invalid_id; }
};
Coverage read_coverage(const Job& job, Reporter& reporter);
// A clipped network covers part of the areas: people beyond it are not served by this run
// (named), rather than routed along the few roads that stick out of the extract.
void drop_origins_beyond(const Job& job, const Coverage& coverage, Origins& origins, Reporter& reporter);
// Which areas hold an origin; the others are named as not served.
void mark_served_areas(const Job& job, const Areas& areas, bool clipped, Origins& origins, Reporter& reporter);
// Areas the network does not reach edge_buffer_m beyond (`near_edge`), named: services across
// the boundary may be missed there. With a clipped network, served areas only.
void warn_areas_near_edge(const Job& job, const Areas& areas, const std::vector<std::uint32_t>& near_edge, bool clipped,
                          const Origins& origins, Reporter& reporter);
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
