// The core's Reporter on QGIS's QgsProcessingFeedback: stages and progress in the dialog,
// warnings in the log, the Cancel button polled by the engine's long loops.
#pragma once

#include <accessatlas/reporter.hpp>

class QgsProcessingFeedback;

namespace accessatlas::qgis {

class FeedbackReporter : public Reporter {
public:
    explicit FeedbackReporter(QgsProcessingFeedback* feedback) : m_feedback(feedback) {}
    void stage(std::string_view name) override;
    void overall(double fraction) override;
    void info(std::string_view message) override;
    void warning(std::string_view message) override;
    bool cancelled() const override;

private:
    QgsProcessingFeedback* m_feedback;
};

} // namespace accessatlas::qgis
