#include "terminal_reporter.hpp"

#include <csignal>
#include <cstdio>
#include <fmt/format.h>
#include <unistd.h>

namespace accessatlas::cli {

namespace {
volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_signal(int) { g_stop = 1; }
}  // namespace

TerminalReporter::TerminalReporter(bool verbose, bool quiet) : m_verbose(verbose), m_quiet(quiet), m_tty(::isatty(STDERR_FILENO) != 0) {}

TerminalReporter::~TerminalReporter() { end_bar(); }

void TerminalReporter::install_signal_handlers() {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
}

void TerminalReporter::end_bar() {
    if (m_bar_open) std::fputs("\n", stderr);
    m_bar_open = false;
}

void TerminalReporter::stage(std::string_view name) {
    end_bar();
    m_last_percent = -1;
    if (m_quiet) return;
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    if (m_overall >= 0)
        fmt::print(stderr, "[{:7.2f}s {:3d}%] {}\n", t, static_cast<int>(m_overall * 100), name);
    else
        fmt::print(stderr, "[{:7.2f}s] {}\n", t, name);
}

// One bar: the whole run's progress when run_job gives it (overall()), else the stage's own
// (a scale-out task runs stages without a run around them).
void TerminalReporter::progress(double fraction) {
    if (m_overall < 0) draw_bar(fraction);
}

void TerminalReporter::overall(double fraction) {
    m_overall = fraction;
    draw_bar(fraction);
    if (fraction >= 1) end_bar();  // the run's summary starts on a line of its own
}

void TerminalReporter::draw_bar(double fraction) {
    if (m_quiet || !m_tty) return;
    const int percent = static_cast<int>(fraction * 100);
    if (percent == m_last_percent) return;
    m_last_percent = percent;
    const int width = 40;
    const int filled = percent * width / 100;
    fmt::print(stderr, "\r  [{}{}] {:3d}%", std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(width - filled), ' '), percent);
    m_bar_open = true;
}

void TerminalReporter::info(std::string_view message) {
    if (!m_verbose) return;
    end_bar();
    fmt::print(stderr, "  {}\n", message);
}

void TerminalReporter::warning(std::string_view message) {
    end_bar();
    if (!m_quiet) fmt::print(stderr, "warning: {}\n", message);
}

bool TerminalReporter::cancelled() const { return g_stop != 0; }

}  // namespace accessatlas::cli
