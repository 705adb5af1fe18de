// accessatlas run JOB: runs a whole job file.
#include "commands.hpp"
#include "terminal_reporter.hpp"

#include <accessatlas/job/job.hpp>

#include <fmt/format.h>

#include <filesystem>

namespace accessatlas::cli {

void print_run_summary(const job::RunSummary& s, bool quiet) {
    if (quiet) return;
    double total = 0;
    for (const auto& [k, v] : s.seconds) total += v;
    fmt::print(stderr, "wrote {}: {} areas, {} origins; network {} nodes, {} edges\n", s.output, s.areas, s.origins, s.network_nodes,
               s.network_edges);
    fmt::print(stderr,
               "time: read {:.3f}s, graph {:.3f}s, snap {:.3f}s, route {:.4f}s, write {:.3f}s (total {:.3f}s); "
               "{} nodes settled; {} warnings\n",
               s.seconds.count("read") ? s.seconds.at("read") : 0.0, s.seconds.count("graph") ? s.seconds.at("graph") : 0.0,
               s.seconds.count("snap") ? s.seconds.at("snap") : 0.0, s.seconds.count("route") ? s.seconds.at("route") : 0.0,
               s.seconds.count("write") ? s.seconds.at("write") : 0.0, total, s.nodes_settled, s.warnings.size());
}

std::function<int()> add_run_command(CLI::App& app, const GlobalOptions& global) {
    auto* sub = app.add_subcommand("run", "Run a job file (TOML): every service and mode it names");
    auto job_path = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto csv = std::make_shared<bool>(false);
    auto report = std::make_shared<std::string>();
    auto project = std::make_shared<std::string>();
    sub->add_option("job", *job_path, "Job file, e.g. data/rutland/job.toml")->required()->check(CLI::ExistingFile);
    sub->add_option("-o,--out", *out, "Output GeoPackage (overrides [job] output)");
    sub->add_flag("--csv", *csv, "Also write the area table as CSV beside the GeoPackage");
    // No default_str on these: CLI11 would store it as the value of a bare --report.
    sub->add_option("--report", *report,
                    "Write a self-contained HTML report (maps, histograms, most excluded areas); "
                    "without a file name: report.html beside the output")
        ->expected(0, 1);
    sub->add_option("--project", *project,
                    "Also write a QGIS project that opens the output as a designed map (.qgz or .qgs); "
                    "without a file name: the output's name with .qgz")
        ->expected(0, 1);
    return [sub, job_path, out, csv, report, project, &global]() -> int {
        if (!sub->parsed()) return -1;
        job::Job job = job::load_job(*job_path);
        if (!out->empty()) job.output = *out;
        if (*csv) job.write_csv = true;
        if (sub->count("--report") > 0)
            job.report = !report->empty() ? *report : (std::filesystem::path(job.output).parent_path() / "report.html").string();
        if (sub->count("--project") > 0)
            job.project = !project->empty() ? *project : std::filesystem::path(job.output).replace_extension(".qgz").string();
        if (global.threads > 0) job.threads = global.threads;
        TerminalReporter reporter(global.verbose, global.quiet);
        const auto summary = job::run_job(job, reporter);
        print_run_summary(summary, global.quiet);
        return 0;
    };
}

}  // namespace accessatlas::cli
