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

// Passes every call on to `next` (none: the call is dropped). A reporter that changes one
// thing derives from this and overrides only that, so a call added to Reporter reaches the
// driver through all of them.
class ForwardingReporter : public Reporter {
public:
    explicit ForwardingReporter(Reporter* next) : m_next(next) {}
    void stage(std::string_view name) override;
    void progress(double fraction) override;
    void overall(double fraction) override;
    void weigh_next_stage(double weight) override;
    void info(std::string_view message) override;
    void warning(std::string_view message) override;
    void item(const WarningItem& item) override;
    bool cancelled() const override;

private:
    Reporter* m_next;
};

// Keeps only the driver's cancellation: for inner searches whose stages and progress are parts
// of the caller's stage and whose findings the caller states itself.
class CancelOnly : public Reporter {
public:
    explicit CancelOnly(const Reporter& next) : m_next(next) {}
    bool cancelled() const override { return m_next.cancelled(); }

private:
    const Reporter& m_next;
};

// Collects warnings (for reports and tests) and forwards everything to another reporter.
class CollectingReporter : public ForwardingReporter {
public:
    explicit CollectingReporter(Reporter* next = nullptr) : ForwardingReporter(next) {}
    void warning(std::string_view message) override;
    void item(const WarningItem& item) override;
    const std::vector<std::string>& warnings() const { return m_warnings; }
    const std::vector<WarningItem>& items() const { return m_items; }

private:
    std::vector<std::string> m_warnings;
    std::vector<WarningItem> m_items;
};

// Passes a part's progress on as [from, to] of the caller's stage: a stage that runs several
// searches, each reporting 0 to 1, moves the bar once instead of filling it with the first.
// The part's own stages are steps within the caller's, not stages of the run: not passed on.
class ProgressSpan : public ForwardingReporter {
public:
    ProgressSpan(Reporter& next, double from, double to) : ForwardingReporter(&next), m_from(from), m_to(to) {}
    void progress(double fraction) override { ForwardingReporter::progress(m_from + fraction * (m_to - m_from)); }
    void stage(std::string_view /*name*/) override {}
    void weigh_next_stage(double /*weight*/) override {}
    void overall(double /*fraction*/) override {}

private:
    double m_from, m_to;
};

// One overall progress from a run's stages: each of the `expected` stages (an estimate made
// from the job before it starts) takes an equal share, and a stage's own progress moves within
// its share. The overall value never goes back, stays below 1 until finish(), and copes with
// more or fewer stages than expected. Everything else is forwarded.
class StagedProgress : public ForwardingReporter {
public:
    // `expected_weight`: the sum of the weights of the stages the run will start (1 each unless
    // weigh_next_stage says otherwise); past it, the bar stretches rather than stops.
    StagedProgress(Reporter& next, double expected_weight)
        : ForwardingReporter(&next), m_expected(expected_weight > 0 ? expected_weight : 1) {}
    void stage(std::string_view name) override;
    void weigh_next_stage(double weight) override { m_next_weight = weight > 0 ? weight : 1; }
    void progress(double fraction) override;
    void overall(double /*fraction*/) override {}  // the overall value is this reporter's to give
    void finish();
    std::size_t stages() const { return m_started; }

private:
    void publish(double within);  // not "emit": a Qt macro
    double m_expected;
    std::size_t m_started = 0;
    double m_done = 0;         // the weights of the stages finished
    double m_current = 0;      // the weight of the stage under way
    double m_next_weight = 1;  // the weight of the next stage to start
    double m_last = 0;
};

}  // namespace accessatlas
