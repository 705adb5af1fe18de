#include "feedback_reporter.hpp"

#include <qgsprocessingfeedback.h>

#include <QStringList>

#include <algorithm>

namespace accessatlas::qgis {

namespace {
QString text(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<int>(s.size())); }
}  // namespace

QString with_layer_names(QString message, const PathNames& names) {
    // Longest first: "<path>, layer 'input'" before "<path>".
    QStringList keys = names.keys();
    std::sort(keys.begin(), keys.end(), [](const QString& a, const QString& b) { return a.size() > b.size(); });
    for (const auto& key : keys) message.replace(key, names.value(key));
    return message;
}

QString FeedbackReporter::said(std::string_view message) const { return with_layer_names(text(message), m_names); }

// The stage names the step in the dialog's text; the bar shows the whole run (overall()),
// so it moves once from 0 to 100 instead of restarting at every stage.
void FeedbackReporter::stage(std::string_view name) {
    if (m_feedback) m_feedback->setProgressText(said(name));
}

void FeedbackReporter::overall(double fraction) {
    if (m_feedback) m_feedback->setProgress(100.0 * fraction);
}

void FeedbackReporter::info(std::string_view message) {
    if (m_feedback) m_feedback->pushInfo(said(message));
}

void FeedbackReporter::warning(std::string_view message) {
    if (m_feedback) m_feedback->pushWarning(said(message));
}

bool FeedbackReporter::cancelled() const { return m_feedback && m_feedback->isCanceled(); }

}  // namespace accessatlas::qgis
