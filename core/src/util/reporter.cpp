#include <accessatlas/reporter.hpp>

#include <algorithm>

namespace accessatlas {

void ForwardingReporter::stage(std::string_view name) {
    if (m_next) m_next->stage(name);
}
void ForwardingReporter::progress(double fraction) {
    if (m_next) m_next->progress(fraction);
}
void ForwardingReporter::overall(double fraction) {
    if (m_next) m_next->overall(fraction);
}
void ForwardingReporter::weigh_next_stage(double weight) {
    if (m_next) m_next->weigh_next_stage(weight);
}
void ForwardingReporter::info(std::string_view message) {
    if (m_next) m_next->info(message);
}
void ForwardingReporter::warning(std::string_view message) {
    if (m_next) m_next->warning(message);
}
void ForwardingReporter::item(const WarningItem& item) {
    if (m_next) m_next->item(item);
}
bool ForwardingReporter::cancelled() const { return m_next && m_next->cancelled(); }

void CollectingReporter::warning(std::string_view message) {
    m_warnings.emplace_back(message);
    ForwardingReporter::warning(message);
}
void CollectingReporter::item(const WarningItem& item) {
    m_items.push_back(item);
    ForwardingReporter::item(item);
}

void StagedProgress::stage(std::string_view name) {
    ++m_started;
    m_done += m_current;
    m_current = m_next_weight;
    m_next_weight = 1;
    ForwardingReporter::stage(name);
    publish(0);
}

void StagedProgress::progress(double fraction) {
    ForwardingReporter::progress(fraction);
    publish(fraction);
}

void StagedProgress::publish(double within) {
    if (m_started == 0) return;
    within = std::min(1.0, std::max(0.0, within));
    // Past the estimate, the bar stretches: the remaining stages share what is left below 1.
    const double total = std::max(m_expected, m_done + m_current);
    const double value = std::min(0.99, (m_done + within * m_current) / total);
    if (value <= m_last) return;
    m_last = value;
    ForwardingReporter::overall(value);
}

void StagedProgress::finish() {
    m_last = 1;
    ForwardingReporter::overall(1);
}

}  // namespace accessatlas
