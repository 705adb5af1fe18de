// The core's Reporter on QGIS's QgsProcessingFeedback: stages and progress in the dialog,
// warnings in the log, the Cancel button polled by the engine's long loops.
#pragma once

#include <accessatlas/reporter.hpp>

#include <QMap>
#include <QString>

class QgsProcessingFeedback;

namespace accessatlas::qgis {

// Inputs that reach the engine as temporary copies (a layer as QGIS shows it, a memory or web
// layer) are named in every message by their QGIS layer name, not by the copy's path.
using PathNames = QMap<QString, QString>;  // temporary path -> "layer 'name' in QGIS"
QString with_layer_names(QString message, const PathNames& names);

class FeedbackReporter : public Reporter {
public:
    explicit FeedbackReporter(QgsProcessingFeedback* feedback, PathNames names = {}) : m_feedback(feedback), m_names(std::move(names)) {}
    void stage(std::string_view name) override;
    void overall(double fraction) override;
    void info(std::string_view message) override;
    void warning(std::string_view message) override;
    bool cancelled() const override;

private:
    QString said(std::string_view message) const;
    QgsProcessingFeedback* m_feedback;
    PathNames m_names;
};

}  // namespace accessatlas::qgis
