// Private: the stages of a job run, shared by run_job (one process) and the distributed
// plan / run-task / merge commands, so both produce the same numbers from the same code:
//   prepare   read the inputs, apply each scenario, snap (per scenario and mode)
//   run_task  one unit of routing: nearest (one multi-source search for every origin) or
//             reach (bounded searches from a range of facilities)
//   assemble  put task results together into one column per (scenario, service, mode)
//   finish    green space, indices, and writing the GeoPackage and the report
#pragma once

#include <accessatlas/access/nearest.hpp>
#include <accessatlas/access/catchments.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/job/job.hpp>
#include <accessatlas/transit/transit_access.hpp>

#include <functional>
#include <memory>

namespace accessatlas::job::detail {

struct Areas {
    io::Layer layer;
    std::vector<std::string> code;
    std::vector<std::string> name;
    std::vector<double> population;
};

struct Origins {
    std::vector<char> area_served;  // per area: it holds at least one origin the network covers
    std::vector<Point> location;
    std::vector<std::uint32_t> area;
    std::vector<double> population;
    std::vector<std::string> kind;  // street_point, centroid, point
};

struct Facilities {
    std::vector<Point> location;
    std::vector<std::string> id;
    std::vector<std::string> name;
    std::vector<double> supply;
};

using Snaps = std::vector<snapping::Snap>;

// The transit mode of one scenario: its timetable and window, and the walking legs built on
// the walk graph (stops, origins).
struct TransitState {
    std::shared_ptr<const transit::Timetable> timetable;
    transit::WindowOptions window;
    transit::TransitNetwork network;
};

// What routing needs for one scenario (index 0 is the baseline: the job as given).
struct ScenarioInputs {
    std::string name;  // empty for the baseline
    std::string title;
    std::vector<Facilities> facilities;                      // [service]
    std::vector<std::uint32_t> closed_edges;                 // sorted
    std::vector<network::Profile> profiles;                  // [mode], in job.modes order
    std::vector<std::shared_ptr<const Snaps>> origin_snaps;  // [mode]; shared when unchanged
    std::vector<std::vector<Snaps>> facility_snaps;          // [mode][service]
    std::shared_ptr<const transit::Timetable> timetable;     // with a transit mode: this scenario's
    transit::WindowOptions window;
    std::shared_ptr<const TransitState> transit;  // built with the transit mode's graph
};

// The timetable and window of scenario `si` (0 = the baseline): the baseline's, read again for
// another date, edited by the scenario's changes. `baseline` may be null (it is then read).
std::shared_ptr<const transit::Timetable> scenario_timetable(const Job& job, std::size_t si,
                                                             std::shared_ptr<const transit::Timetable> baseline, Reporter& reporter);
transit::WindowOptions scenario_window(const Job& job, std::size_t si);
// The stops on the walk graph, with `index` (its snapping index); stops too far from it are named.
Snaps snap_stops(const Job& job, const transit::Timetable& timetable, const snapping::EdgeIndex& index, const std::string& scenario_label,
                 Reporter& reporter);
// The walking legs and the window's connections, built on the walk graph.
std::shared_ptr<const TransitState> build_transit(const network::RoadNetwork& net, const network::ModeGraph& graph,
                                                  std::shared_ptr<const transit::Timetable> timetable, const transit::WindowOptions& window,
                                                  Snaps stop_snaps, const Snaps& origin_snaps, Reporter& reporter);

struct Prepared {
    network::RoadNetwork net;
    Areas areas;
    Origins origins;
    std::vector<ScenarioInputs> scenarios;
};

// Called once per (scenario, mode) while that mode's graph exists, after snapping.
using WithGraph = std::function<void(const Prepared& prepared, std::size_t scenario, std::size_t mode, const network::ModeGraph& graph)>;

// Reads and checks everything, applies the scenarios and snaps. `with_graph` lets a one-process
// run route while the graph is built, instead of building it twice.
Prepared prepare(const Job& job, Reporter& reporter, RunSummary& summary, const WithGraph& with_graph);

// The graph of one (scenario, mode), as prepare built it.
network::ModeGraph scenario_graph(const network::RoadNetwork& net, const ScenarioInputs& scenario, std::size_t mode);

// What the route stage (plan_tasks, run_task, assemble) reads of a job, so that a task runs,
// and is tested, without one.
struct RouteSettings {
    std::vector<std::string> services;  // names, in job order
    std::vector<network::Mode> modes;   // in job order
    std::vector<double> thresholds_min;
    bool count_within_thresholds = true;
    access::ReachMethod facility_search = access::ReachMethod::automatic;
    unsigned threads = 0;
    CatchmentSpec catchments;
    E2sfcaSpec e2sfca;

    // Does `service` by `mode` need per-facility searches (catchments or E2SFCA), and to what
    // time? 0 when it does not.
    double reach_limit_s(const std::string& service, network::Mode mode) const;
    // Does it get service-area polygons?
    bool polygons(const std::string& service, network::Mode mode) const;
};
RouteSettings route_settings(const Job& job);

enum class TaskKind : std::uint32_t { nearest = 0, reach = 1 };
struct TaskSpec {
    TaskKind kind = TaskKind::nearest;
    std::uint32_t scenario = 0, service = 0, mode = 0;
    std::uint32_t first_facility = 0, end_facility = 0;  // reach: facilities [first, end)
};

// Every task of the job, in a fixed order: per scenario, mode, service: nearest, then reach
// chunks of at most `facilities_per_task` facilities (0 = one chunk).
std::vector<TaskSpec> plan_tasks(const RouteSettings& settings, const Prepared& prepared, std::uint32_t facilities_per_task);

struct TaskResult {
    access::NearestResult nearest;                                  // nearest
    std::vector<std::vector<unsigned char>> coverage;               // nearest, with catchment polygons: [threshold]
    access::Reach reach;                                            // reach: rows for every facility, empty outside the range
    std::vector<std::vector<std::vector<unsigned char>>> polygons;  // reach: [facility - first][threshold]
};

// `transit` is the scenario's transit state for a transit task (null otherwise); `hierarchy`
// the cache of the graph's contraction hierarchy, kept by the caller for its next tasks over
// the same graph (null: a hierarchy built serves this task only).
TaskResult run_task(const RouteSettings& settings, const network::RoadNetwork& net, const network::ModeGraph& graph,
                    const std::vector<Snaps>& facility_snaps, const Snaps& origin_snaps, const TaskSpec& task, Reporter& reporter,
                    const TransitState* transit = nullptr, routing::HierarchyCache* hierarchy = nullptr);

struct Column {
    std::string service;
    network::Mode mode{};
    access::NearestResult result;
    std::vector<access::AreaIndicators> areas;
    std::vector<snapping::Snap> facility_snaps;
    access::Reach reach;
    access::CatchmentPolygons polygons;
    access::E2sfca e2sfca;
    std::vector<double> area_e2sfca;  // per area, supply per 1,000 people
};

// One column from its nearest task and its reach tasks (in facility order).
Column assemble(const RouteSettings& settings, const Prepared& prepared, const TaskSpec& nearest_task, TaskResult&& nearest,
                std::vector<std::pair<TaskSpec, TaskResult>>&& reach_parts);

// Green space, indices, the GeoPackage (baseline layers, then each scenario's layers and its
// differences from the baseline) and the report. columns[scenario] in job order.
void finish(const Job& job, Prepared& prepared, std::vector<std::vector<Column>>& columns, CollectingReporter& reporter,
            RunSummary& summary);

// Throws unless the job's output can be written (a .gpkg that is not an input).
void check_output(const Job& job);

}  // namespace accessatlas::job::detail
