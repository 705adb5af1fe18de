#include <accessatlas/error.hpp>

#include <algorithm>
#include <accessatlas/reporter.hpp>
#include <accessatlas/version.hpp>

namespace accessatlas {

namespace {
std::string compose(const std::string& what, const ErrorContext& c, const std::string& hint) {
    std::string where;
    auto add = [&where](const std::string& label, const std::string& value) {
        if (value.empty()) return;
        where += where.empty() ? "" : ", ";
        where += label + value;
    };
    add("", c.file);
    add("layer '", c.layer.empty() ? "" : c.layer + "'");
    add("feature ", c.feature);
    add("field '", c.field.empty() ? "" : c.field + "'");
    std::string message = where.empty() ? what : where + ": " + what;
    if (!hint.empty()) message += ". " + hint;
    return message;
}
}  // namespace

Error::Error(const std::string& what, ErrorContext context, std::string hint)
    : std::runtime_error(compose(what, context, hint)), m_context(std::move(context)), m_hint(std::move(hint)), m_detail(what) {}

void Reporter::check_cancelled() const {
    if (cancelled()) throw CancelledError();
}

void CollectingReporter::stage(std::string_view name) {
    if (m_next) m_next->stage(name);
}
void CollectingReporter::progress(double fraction) {
    if (m_next) m_next->progress(fraction);
}
void CollectingReporter::info(std::string_view message) {
    if (m_next) m_next->info(message);
}
void CollectingReporter::warning(std::string_view message) {
    m_warnings.emplace_back(message);
    if (m_next) m_next->warning(message);
}
void CollectingReporter::item(const WarningItem& item) {
    m_items.push_back(item);
    if (m_next) m_next->item(item);
}
bool CollectingReporter::cancelled() const { return m_next && m_next->cancelled(); }
void CollectingReporter::weigh_next_stage(double weight) {
    if (m_next) m_next->weigh_next_stage(weight);
}
void CollectingReporter::overall(double fraction) {
    if (m_next) m_next->overall(fraction);
}

void StagedProgress::stage(std::string_view name) {
    ++m_started;
    m_done += m_current;
    m_current = m_next_weight;
    m_next_weight = 1;
    m_next.stage(name);
    publish(0);
}

void StagedProgress::progress(double fraction) {
    m_next.progress(fraction);
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
    m_next.overall(value);
}

void StagedProgress::finish() {
    m_last = 1;
    m_next.overall(1);
}

const char* version() { return ACCESSATLAS_VERSION; }

}  // namespace accessatlas
