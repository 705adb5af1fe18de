// How long-running work talks to whoever drives it: progress, stages, warnings and
// cancellation. The CLI prints to the terminal; the QGIS plugin forwards to
// QgsProcessingFeedback. The core never prints.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace accessatlas {

// One item a warning is about (a facility excluded, an area not served, a stop without a
// coordinate ...), so that the output can list them one row each and an officer can join them
// to the map by code or feature id.
struct WarningItem {
    std::string kind;  // e.g. facility_excluded, area_not_served, gtfs_trip_left_out
    std::string file;
    std::string layer;
    std::string feature;  // feature id, facility id, stop or trip id
    std::string code;     // area code, when the item is an area
    std::string field;
    std::string action;  // what was done: excluded, repaired, left out, counted as not reached ...
};

class Reporter {
public:
    virtual ~Reporter() = default;
    // A named step begins; progress() then reports within it from 0 to 1.
    virtual void stage(std::string_view /*name*/) {}
    virtual void progress(double /*fraction*/) {}
    // The whole run's progress from 0 to 1, never going back: what a single progress bar shows
    // (run_job derives it from the stages through StagedProgress).
    virtual void overall(double /*fraction*/) {}
    // How much of the whole run the next stage() takes, relative to a plain step (1): what the
    // one progress bar advances by over it (routing stages weigh their typical cost). Reporters
    // that draw no overall bar ignore it.
    virtual void weigh_next_stage(double /*weight*/) {}
    virtual void info(std::string_view /*message*/) {}
    virtual void warning(std::string_view /*message*/) {}
    // The items a warning names, one call each (after or before the warning that sums them up).
    virtual void item(const WarningItem& /*item*/) {}
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
    void overall(double fraction) override;
    void weigh_next_stage(double weight) override;
    void info(std::string_view message) override;
    void warning(std::string_view message) override;
    void item(const WarningItem& item) override;
    bool cancelled() const override;
    const std::vector<std::string>& warnings() const { return m_warnings; }
    const std::vector<WarningItem>& items() const { return m_items; }

private:
    Reporter* m_next;
    std::vector<std::string> m_warnings;
    std::vector<WarningItem> m_items;
};

// One overall progress from a run's stages: each of the `expected` stages (an estimate made
// from the job before it starts) takes an equal share, and a stage's own progress moves within
// its share. The overall value never goes back, stays below 1 until finish(), and copes with
// more or fewer stages than expected. Everything else is forwarded.
// Passes a part's progress on as [from, to] of the caller's stage: a stage that runs several
// searches, each reporting 0 to 1, moves the bar once instead of filling it with the first.
class ProgressSpan : public Reporter {
public:
    ProgressSpan(Reporter& next, double from, double to) : m_next(next), m_from(from), m_to(to) {}
    void progress(double fraction) override { m_next.progress(m_from + fraction * (m_to - m_from)); }
    void info(std::string_view message) override { m_next.info(message); }
    void warning(std::string_view message) override { m_next.warning(message); }
    void item(const WarningItem& item) override { m_next.item(item); }
    bool cancelled() const override { return m_next.cancelled(); }

private:
    Reporter& m_next;
    double m_from, m_to;
};

class StagedProgress : public Reporter {
public:
    // `expected_weight`: the sum of the weights of the stages the run will start (1 each unless
    // weigh_next_stage says otherwise); past it, the bar stretches rather than stops.
    StagedProgress(Reporter& next, double expected_weight) : m_next(next), m_expected(expected_weight > 0 ? expected_weight : 1) {}
    void stage(std::string_view name) override;
    void weigh_next_stage(double weight) override { m_next_weight = weight > 0 ? weight : 1; }
    void progress(double fraction) override;
    void info(std::string_view message) override { m_next.info(message); }
    void warning(std::string_view message) override { m_next.warning(message); }
    void item(const WarningItem& item) override { m_next.item(item); }
    bool cancelled() const override { return m_next.cancelled(); }
    void finish();
    std::size_t stages() const { return m_started; }

private:
    void publish(double within);  // not "emit": a Qt macro
    Reporter& m_next;
    double m_expected;
    std::size_t m_started = 0;
    double m_done = 0;         // the weights of the stages finished
    double m_current = 0;      // the weight of the stage under way
    double m_next_weight = 1;  // the weight of the next stage to start
    double m_last = 0;
};

}  // namespace accessatlas
