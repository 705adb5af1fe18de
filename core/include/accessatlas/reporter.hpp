// How long-running work talks to whoever drives it: progress, stages, warnings and
// cancellation. The CLI prints to the terminal; the QGIS plugin forwards to
// QgsProcessingFeedback. The core never prints.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace accessatlas {

class Reporter {
public:
    virtual ~Reporter() = default;
    // A named step begins; progress() then reports within it from 0 to 1.
    virtual void stage(std::string_view /*name*/) {}
    virtual void progress(double /*fraction*/) {}
    virtual void info(std::string_view /*message*/) {}
    virtual void warning(std::string_view /*message*/) {}
    // Polled by long loops at least every few milliseconds of work.
    virtual bool cancelled() const { return false; }

    // Throws CancelledError when cancelled(): call from the driving thread.
    void check_cancelled() const;
};

// Collects warnings (for reports and tests) and forwards everything to another reporter.
class CollectingReporter : public Reporter {
public:
    explicit CollectingReporter(Reporter* next = nullptr) : m_next(next) {}
    void stage(std::string_view name) override;
    void progress(double fraction) override;
    void info(std::string_view message) override;
    void warning(std::string_view message) override;
    bool cancelled() const override;
    const std::vector<std::string>& warnings() const { return m_warnings; }

private:
    Reporter* m_next;
    std::vector<std::string> m_warnings;
};

} // namespace accessatlas
