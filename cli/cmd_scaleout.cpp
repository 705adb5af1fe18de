// accessatlas plan / run-task / merge: a job spread over processes or machines
// (docs/scale-out.md). Each command is a thin call into the core's scaleout.hpp.
#include "commands.hpp"
#include "terminal_reporter.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/job/scaleout.hpp>

#include <fmt/format.h>

namespace accessatlas::cli {

std::vector<std::function<int()>> add_scaleout_commands(CLI::App& app, const GlobalOptions& global) {
    std::vector<std::function<int()>> actions;

    auto* plan = app.add_subcommand("plan", "Split a job into independent tasks (manifest, graph file, snapped inputs) for many machines");
    struct PlanArgs {
        std::string job, dir, out;
        std::uint32_t per_task = 250;
    };
    auto pa = std::make_shared<PlanArgs>();
    plan->add_option("job", pa->job, "Job file")->required()->check(CLI::ExistingFile);
    plan->add_option("--dir", pa->dir, "Folder for the manifest, graph file and task results")->required();
    plan->add_option("-o,--out", pa->out, "Output GeoPackage that merge will write (overrides [job] output)");
    plan->add_option("--facilities-per-task", pa->per_task, "Facilities per catchment/E2SFCA task (0 = one task)")->capture_default_str();
    actions.push_back([plan, pa, &global]() -> int {
        if (!plan->parsed()) return -1;
        job::Job job = job::load_job(pa->job);
        if (!pa->out.empty()) job.output = pa->out;
        if (global.threads > 0) job.threads = global.threads;
        TerminalReporter reporter(global.verbose, global.quiet);
        const auto p = job::plan_job(job, {pa->dir, pa->per_task}, reporter);
        fmt::print("{}\n", p.manifest);
        if (!global.quiet)
            fmt::print(stderr, "planned {} tasks: run each with `accessatlas run-task {} N` (N = 0..{}), then `accessatlas merge {}`\n",
                       p.tasks.size(), p.manifest, p.tasks.empty() ? 0 : p.tasks.size() - 1, p.manifest);
        return 0;
    });

    auto* task = app.add_subcommand("run-task", "Compute task(s) of a plan into their own files (complete ones are skipped)");
    struct TaskArgs {
        std::string manifest;
        std::vector<std::size_t> indices;
        bool all = false;
    };
    auto ta = std::make_shared<TaskArgs>();
    task->add_option("manifest", ta->manifest, "manifest.toml written by plan")->required()->check(CLI::ExistingFile);
    task->add_option("index", ta->indices, "Task numbers (0-based), e.g. $SLURM_ARRAY_TASK_ID");
    task->add_flag("--all", ta->all, "Every task of the plan, one after the other");
    actions.push_back([task, ta, &global]() -> int {
        if (!task->parsed()) return -1;
        TerminalReporter reporter(global.verbose, global.quiet);
        std::vector<std::size_t> todo = ta->indices;
        if (ta->all) {
            todo.clear();
            for (std::size_t i = 0; i < job::read_plan(ta->manifest).tasks.size(); ++i) todo.push_back(i);
        }
        if (todo.empty()) throw InputError("no task given", {ta->manifest, {}, {}, {}}, "pass task numbers or --all");
        std::size_t done = 0, skipped = 0;
        for (auto i : todo) (job::run_plan_task(ta->manifest, i, global.threads, reporter) ? done : skipped)++;
        if (!global.quiet) fmt::print(stderr, "tasks: {} computed, {} already complete\n", done, skipped);
        return 0;
    });

    auto* merge = app.add_subcommand("merge", "Assemble a plan's task results into the GeoPackage (same as a one-process run)");
    struct MergeArgs {
        std::string manifest, out;
    };
    auto ma = std::make_shared<MergeArgs>();
    merge->add_option("manifest", ma->manifest, "manifest.toml written by plan")->required()->check(CLI::ExistingFile);
    merge->add_option("-o,--out", ma->out, "Output GeoPackage (overrides the plan's)");
    actions.push_back([merge, ma, &global]() -> int {
        if (!merge->parsed()) return -1;
        TerminalReporter reporter(global.verbose, global.quiet);
        const auto summary = job::merge_plan(ma->manifest, ma->out, reporter);
        print_run_summary(summary, global.quiet);
        return 0;
    });
    return actions;
}

}  // namespace accessatlas::cli
