// Private: the stages of a job run, shared by run_job (one process) and the distributed
// plan / run-task / merge commands, so both produce the same numbers from the same code:
//   prepare   read the inputs, apply each scenario, snap (per scenario and mode)
//   run_task  one unit of routing: nearest (one multi-source search for every origin) or
//             reach (bounded searches from a range of facilities)
//   assemble  put task results together into one column per (scenario, service, mode)
//   finish    green space, indices, and writing the GeoPackage and the report
#pragma once

#include <accessatlas/access.hpp>
#include <accessatlas/catchments.hpp>
#include <accessatlas/io.hpp>
#include <accessatlas/job.hpp>

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

// What routing needs for one scenario (index 0 is the baseline: the job as given).
struct ScenarioInputs {
    std::string name;   // empty for the baseline
    std::string title;
    std::vector<Facilities> facilities;                       // [service]
    std::vector<std::uint32_t> closed_edges;                  // sorted
    std::vector<network::Profile> profiles;                   // [mode], in job.modes order
    std::vector<std::shared_ptr<const Snaps>> origin_snaps;   // [mode]; shared when unchanged
    std::vector<std::vector<Snaps>> facility_snaps;           // [mode][service]
};

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

enum class TaskKind : std::uint32_t { nearest = 0, reach = 1 };
struct TaskSpec {
    TaskKind kind = TaskKind::nearest;
    std::uint32_t scenario = 0, service = 0, mode = 0;
    std::uint32_t first_facility = 0, end_facility = 0;  // reach: facilities [first, end)
};

// Does (service) need per-facility searches (catchments or E2SFCA), and to what time?
double reach_limit_s(const Job& job, const std::string& service);

// Every task of the job, in a fixed order: per scenario, mode, service: nearest, then reach
// chunks of at most `facilities_per_task` facilities (0 = one chunk).
std::vector<TaskSpec> plan_tasks(const Job& job, const Prepared& prepared, std::uint32_t facilities_per_task);

struct TaskResult {
    access::NearestResult nearest;                        // nearest
    std::vector<std::vector<unsigned char>> coverage;     // nearest, with catchment polygons: [threshold]
    access::Reach reach;                                  // reach: rows for every facility, empty outside the range
    std::vector<std::vector<std::vector<unsigned char>>> polygons;  // reach: [facility - first][threshold]
};

TaskResult run_task(const Job& job, const network::RoadNetwork& net, const network::ModeGraph& graph, const std::vector<Snaps>& facility_snaps,
                    const Snaps& origin_snaps, const TaskSpec& task, Reporter& reporter);

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
Column assemble(const Job& job, const Prepared& prepared, const TaskSpec& nearest_task, TaskResult&& nearest,
                std::vector<std::pair<TaskSpec, TaskResult>>&& reach_parts);

// Green space, indices, the GeoPackage (baseline layers, then each scenario's layers and its
// differences from the baseline) and the report. columns[scenario] in job order.
void finish(const Job& job, Prepared& prepared, std::vector<std::vector<Column>>& columns, CollectingReporter& reporter, RunSummary& summary);

// Throws unless the job's output can be written (a .gpkg that is not an input).
void check_output(const Job& job);

} // namespace accessatlas::job::detail
