// The files between the distributed stages (plan, run-task, merge): the routing inputs plan
// writes once for every worker, and each task's result. Our binary format (util/binary_file):
// a header with a checksum of the payload, arrays with their lengths.
#pragma once

#include "job/pipeline.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace accessatlas::job::detail {

// What a worker needs besides the graph and the job: per scenario the closures, profiles and
// snapped points. save returns the file's checksum, which the manifest records.
std::uint64_t save_routing_inputs(const Prepared& prepared, const std::string& path);
// The same checksum without a file: the merge checks that the inputs have not changed.
std::uint64_t routing_inputs_hash(const Prepared& prepared);
// One scenario and mode of the inputs (the rest are stepped over); refuses a file whose
// checksum is not `expected_hash`.
ScenarioInputs read_routing_inputs(const std::string& path, std::uint64_t expected_hash, std::size_t scenario, std::size_t mode);

// A task's result, under `key` (the plan's key for that task).
void save_task_result(const std::string& path, std::uint64_t key, const TaskSpec& spec, const TaskResult& result);
// Refuses a damaged file or one of another kind of task, saying to run the task again.
TaskResult load_task_result(const std::string& path, const TaskSpec& spec);
// The key of a complete task file; none when it is missing or damaged.
std::optional<std::uint64_t> task_file_key(const std::string& path);

}  // namespace accessatlas::job::detail
