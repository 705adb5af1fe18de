// accessatlas: the command-line tool. Exit codes: 0 ok, 1 bad input, 2 internal error,
// 130 cancelled (Ctrl-C).
#include "commands.hpp"
#include "terminal_reporter.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/version.hpp>

#include <fmt/format.h>

#include <csignal>

int main(int argc, char** argv) {
    using namespace accessatlas;
    // First thing: a Ctrl-C or SIGTERM from now on cancels cleanly instead of killing the run.
    cli::TerminalReporter::install_signal_handlers();
    // A full disk or a file-size limit must fail the write (and clean up), not kill the process.
    std::signal(SIGXFSZ, SIG_IGN);
    CLI::App app{"Access Atlas: travel time to health services, green space and exclusion indices per LSOA"};
    app.set_version_flag("--version", std::string(version()));
    app.require_subcommand(1);
    cli::GlobalOptions global;
    app.add_flag("-v,--verbose", global.verbose, "Print details (graph sizes, memory, counts)");
    app.add_flag("-q,--quiet", global.quiet, "Print only errors");
    app.add_option("-j,--threads", global.threads, "Worker threads (0 = all cores)");

    std::vector<std::function<int()>> actions;
    actions.push_back(cli::add_run_command(app, global));
    actions.push_back(cli::add_network_command(app, global));
    actions.push_back(cli::add_algorithms_command(app));
    actions.push_back(cli::add_styles_command(app));
    actions.push_back(cli::add_job_keys_command(app));
    actions.push_back(cli::add_layers_command(app));
    for (auto& a : cli::add_scaleout_commands(app, global)) actions.push_back(std::move(a));
    for (auto& a : cli::add_algorithm_commands(app, global)) actions.push_back(std::move(a));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 1;
    }
    try {
        for (auto& action : actions) {
            const int rc = action();  // -1: not the chosen subcommand
            if (rc >= 0) return rc;
        }
        return 0;
    } catch (const CancelledError&) {
        fmt::print(stderr, "cancelled: no output was written (any previous output is untouched)\n");
        return 130;
    } catch (const InputError& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        fmt::print(stderr, "internal error: {}\nplease report this with the job file and the command\n", e.what());
        return 2;
    }
}
