// A job split into independent tasks for many processes or machines, each holding the graph:
//   plan_job      prepares once (graph file, snapped inputs) and writes a manifest of tasks
//   run_plan_task computes one task into its own immutable file (skipped when already done)
//   merge_plan    assembles the tasks into the GeoPackage a one-process run would write
// Any engine that can run a command N times works (Dask, Slurm arrays, xargs -P).
#pragma once

#include <accessatlas/job/job.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace accessatlas::job {

struct PlanOptions {
    std::string dir;                          // where the manifest, graph and task files go
    std::uint32_t facilities_per_task = 250;  // per-facility searches (catchments, E2SFCA) per task; 0 = one task
};

struct PlanTask {
    std::size_t index = 0;
    std::string kind;      // "nearest" or "reach"
    std::string scenario;  // "baseline" or the scenario's name
    std::string service;
    std::string mode;
    std::uint32_t first_facility = 0, end_facility = 0;
    std::string file;  // result file, relative to the manifest's folder
};

struct Plan {
    std::string manifest;  // path of manifest.toml
    std::string job_file;
    std::string output;
    std::string graph_file;
    std::string inputs_file;
    std::uint64_t job_hash = 0;
    std::uint64_t inputs_hash = 0;
    unsigned threads = 0;
    std::map<std::string, std::uint64_t> graph_files;  // graphs/<scenario>-<mode>.aamode and .aach (hierarchy) -> checksum
    std::vector<PlanTask> tasks;
};

// Writes <dir>/manifest.toml, <dir>/network.aagraph (unless the job names a graph file),
// <dir>/inputs.aainputs and the empty <dir>/tasks/. The manifest is the same for the same job.
Plan plan_job(const Job& job, const PlanOptions& options, Reporter& reporter);

Plan read_plan(const std::string& manifest);

// True when the task was computed, false when its complete result was already there.
bool run_plan_task(const std::string& manifest, std::size_t index, unsigned threads, Reporter& reporter);

// Indices of the tasks whose result file is missing or incomplete.
std::vector<std::size_t> missing_tasks(const Plan& plan);

// Refuses (naming the missing tasks) unless every task is complete; `output` overrides the plan's.
RunSummary merge_plan(const std::string& manifest, const std::string& output, Reporter& reporter);

}  // namespace accessatlas::job
