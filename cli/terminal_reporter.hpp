// Progress, warnings and Ctrl-C for the terminal.
#pragma once

#include <accessatlas/reporter.hpp>

#include <atomic>
#include <chrono>

namespace accessatlas::cli {

class TerminalReporter : public Reporter {
public:
    explicit TerminalReporter(bool verbose, bool quiet);
    ~TerminalReporter() override;
    void stage(std::string_view name) override;
    void progress(double fraction) override;
    void overall(double fraction) override;
    void info(std::string_view message) override;
    void warning(std::string_view message) override;
    bool cancelled() const override;
    // Installs SIGINT/SIGTERM handlers that make cancelled() true.
    static void install_signal_handlers();

private:
    void end_bar();
    void draw_bar(double fraction);
    bool m_verbose;
    bool m_quiet;
    bool m_tty;
    bool m_bar_open = false;
    int m_last_percent = -1;
    double m_overall = -1;  // the whole run's progress once run_job reports it; the bar shows it
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

}  // namespace accessatlas::cli
