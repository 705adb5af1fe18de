#include "feedback_reporter.hpp"

#include <qgsprocessingfeedback.h>

namespace accessatlas::qgis {

namespace {
QString text(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<int>(s.size())); }
} // namespace

void FeedbackReporter::stage(std::string_view name) {
    if (!m_feedback) return;
    m_feedback->setProgressText(text(name));
    m_feedback->setProgress(0);
}

void FeedbackReporter::progress(double fraction) {
    if (m_feedback) m_feedback->setProgress(100.0 * fraction);
}

void FeedbackReporter::info(std::string_view message) {
    if (m_feedback) m_feedback->pushInfo(text(message));
}

void FeedbackReporter::warning(std::string_view message) {
    if (m_feedback) m_feedback->pushWarning(text(message));
}

bool FeedbackReporter::cancelled() const { return m_feedback && m_feedback->isCanceled(); }

} // namespace accessatlas::qgis
