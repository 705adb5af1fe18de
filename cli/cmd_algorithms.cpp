// accessatlas algorithms: list the registry; `accessatlas <algorithm id> --options`: run one
// algorithm with options generated from its registry entry.
#include "commands.hpp"
#include "terminal_reporter.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/algorithms/algorithms.hpp>
#include <accessatlas/job/job.hpp>
#include <accessatlas/job/job_keys.hpp>
#include <accessatlas/job/layers.hpp>
#include <accessatlas/styles/styles.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

namespace accessatlas::cli {

std::function<int()> add_algorithms_command(CLI::App& app) {
    auto* sub = app.add_subcommand("algorithms", "List the algorithms (the same ones as in QGIS's Processing Toolbox)");
    auto markdown = std::make_shared<bool>(false);
    sub->add_flag("--markdown", *markdown, "Print the reference as Markdown (docs/algorithms.md)");
    return [sub, markdown]() -> int {
        if (!sub->parsed()) return -1;
        if (*markdown) {
            fmt::print("{}", algorithms::markdown_reference());
            return 0;
        }
        for (const auto& a : algorithms::all()) fmt::print("{:<20} {}\n", a.id, a.summary);
        return 0;
    };
}

std::function<int()> add_job_keys_command(CLI::App& app) {
    auto* sub = app.add_subcommand("job-keys", "List the job file's keys that have a default and a range");
    auto markdown = std::make_shared<bool>(false);
    sub->add_flag("--markdown", *markdown, "Print the table as Markdown (docs/job-keys.md)");
    return [sub, markdown]() -> int {
        if (!sub->parsed()) return -1;
        if (*markdown) {
            fmt::print("{}", job::job_keys_markdown());
            return 0;
        }
        for (const auto& k : job::job_keys()) fmt::print("{:<36} {:<14} {}\n", k.key, k.default_value, k.help);
        return 0;
    };
}

std::function<int()> add_layers_command(CLI::App& app) {
    auto* sub = app.add_subcommand("layers", "List the layers and fields a job writes, with their units and meaning");
    auto jobs = std::make_shared<std::vector<std::string>>();
    auto markdown = std::make_shared<bool>(false);
    sub->add_option("jobs", *jobs, "Job files")->required()->check(CLI::ExistingFile);
    sub->add_flag("--markdown", *markdown, "Print Markdown (docs/layers.md is this for the Rutland and Newport samples)");
    return [sub, jobs, markdown]() -> int {
        if (!sub->parsed()) return -1;
        if (*markdown)
            fmt::print("# Output layers and fields\n\nGenerated from the layer descriptions the writers use (`accessatlas layers "
                       "JOB --markdown`): what each sample job writes. Other jobs write the same families with their own services, "
                       "modes, thresholds and indices; run the command on yours.\n");
        for (const auto& path : *jobs) {
            const auto job = job::load_job(path);
            const std::string name =
                std::filesystem::path(path).parent_path().filename().string() + "/" + std::filesystem::path(path).filename().string();
            if (*markdown) {
                fmt::print("\n{}", job::output_layers_markdown(job, (job.title.empty() ? name : job.title) + " (`" + name + "`)"));
                continue;
            }
            for (const auto& l : job::output_layers(job)) {
                fmt::print("{} ({}, {}{})\n", l.name, l.family, l.geometry, l.conditional ? ", when needed" : "");
                for (const auto& f : l.fields) fmt::print("  {:<34} {:<8} {:<12} {}\n", f.name, f.type, f.units, f.description);
            }
        }
        return 0;
    };
}

std::function<int()> add_styles_command(CLI::App& app) {
    auto* sub = app.add_subcommand("styles", "Write the reference QML and SLD style files for a job's output layers");
    struct Args {
        std::string job, out = "styles";
    };
    auto a = std::make_shared<Args>();
    sub->add_option("job", a->job, "Job file whose services, modes and thresholds name the fields")->required()->check(CLI::ExistingFile);
    sub->add_option("-o,--out", a->out, "Folder to write into");
    return [sub, a]() -> int {
        if (!sub->parsed()) return -1;
        const auto job = job::load_job(a->job);
        std::filesystem::create_directories(a->out);
        const auto files = job::reference_styles(job);
        for (const auto& f : files) {
            std::ofstream(std::filesystem::path(a->out) / (f.stem + ".qml"), std::ios::binary) << f.style.qml;
            std::ofstream(std::filesystem::path(a->out) / (f.stem + ".sld"), std::ios::binary) << f.style.sld;
        }
        fmt::print("wrote {} QML and {} SLD files to {}\n", files.size(), files.size(), a->out);
        return 0;
    };
}

std::vector<std::function<int()>> add_algorithm_commands(CLI::App& app, const GlobalOptions& global) {
    std::vector<std::function<int()>> actions;
    for (const auto& algorithm : algorithms::all()) {
        auto* sub = app.add_subcommand(algorithm.id, algorithm.summary);
        sub->footer(algorithm.help);
        auto values = std::make_shared<std::map<std::string, std::string>>();
        for (const auto& p : algorithm.params) {
            std::string help = p.description;
            if (!p.help.empty()) help += ". " + p.help;
            if (!p.choices.empty()) {
                help += " [";
                for (std::size_t i = 0; i < p.choices.size(); ++i) help += (i ? "|" : "") + p.choices[i];
                help += "]";
            }
            auto* opt = sub->add_option_function<std::string>(
                "--" + p.name, [values, name = p.name](const std::string& v) { (*values)[name] = v; }, help);
            if (!p.default_value.empty()) opt->default_str(p.default_value);
            if (p.required) opt->required();
        }
        actions.push_back([sub, values, &algorithm, &global]() -> int {
            if (!sub->parsed()) return -1;
            // Messages name the options the user typed (--area_code_field), not job keys.
            const auto as_typed = [&](const std::string& message) {
                return algorithms::name_parameters(message, algorithm, algorithms::ParameterNaming::cli_option);
            };
            try {
                job::Job job = algorithms::job_from_parameters(algorithm, *values);
                if (global.threads > 0) job.threads = global.threads;
                for (auto& note : job.guessed_fields) note = as_typed(note);
                TerminalReporter reporter(global.verbose, global.quiet);
                print_run_summary(job::run_job(job, reporter), global.quiet);
            } catch (const InputError& e) {
                fmt::print(stderr, "error: {}\n", as_typed(e.what()));
                return 1;
            }
            return 0;
        });
    }
    return actions;
}

}  // namespace accessatlas::cli
