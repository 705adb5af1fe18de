// One function per subcommand; main.cpp wires them into CLI11.
#pragma once

#include <accessatlas/job/job.hpp>

#include <CLI/CLI.hpp>

#include <functional>

namespace accessatlas::cli {

struct GlobalOptions {
    bool verbose = false;
    bool quiet = false;
    unsigned threads = 0;
};

// Prints where the output went, the counts and the time of each stage (stderr).
void print_run_summary(const job::RunSummary& summary, bool quiet);

// Each returns an action that runs when its subcommand was chosen (else returns -1).
std::function<int()> add_run_command(CLI::App& app, const GlobalOptions& global);
std::function<int()> add_network_command(CLI::App& app, const GlobalOptions& global);
std::function<int()> add_algorithms_command(CLI::App& app);
std::function<int()> add_styles_command(CLI::App& app);
std::function<int()> add_job_keys_command(CLI::App& app);
std::function<int()> add_layers_command(CLI::App& app);
// plan, run-task and merge (scale-out).
std::vector<std::function<int()>> add_scaleout_commands(CLI::App& app, const GlobalOptions& global);
// One subcommand per registered algorithm (e.g. nearest_service), options from the registry.
std::vector<std::function<int()>> add_algorithm_commands(CLI::App& app, const GlobalOptions& global);

}  // namespace accessatlas::cli
