// Processing algorithms made from the core's algorithm registry: the parameters, defaults and
// help come from the same description as the command-line options, and running one builds
// the same job the CLI builds. No algorithm lives here.
#pragma once

#include <accessatlas/algorithms/algorithms.hpp>

#include <qgsprocessingalgorithm.h>

namespace accessatlas::qgis {

class RegistryAlgorithm : public QgsProcessingAlgorithm {
public:
    explicit RegistryAlgorithm(const algorithms::Algorithm& algorithm) : m_algorithm(algorithm) {}
    QString name() const override;
    QString displayName() const override;
    QString group() const override;
    QString groupId() const override;
    QString shortDescription() const override;
    QString shortHelpString() const override;
    QString helpUrl() const override;
    QIcon icon() const override;
    QgsProcessingAlgorithm* createInstance() const override;

protected:
    void initAlgorithm(const QVariantMap& configuration) override;
    QVariantMap processAlgorithm(const QVariantMap& parameters, QgsProcessingContext& context, QgsProcessingFeedback* feedback) override;

private:
    const algorithms::Algorithm& m_algorithm;  // lives in the registry for the whole process
};

// "Run job file": a TOML job exactly as `accessatlas run` runs it.
class RunJobAlgorithm : public QgsProcessingAlgorithm {
public:
    QString name() const override { return QStringLiteral("run_job"); }
    QString displayName() const override;
    QString group() const override;
    QString groupId() const override;
    QString shortDescription() const override;
    QString shortHelpString() const override;
    QString helpUrl() const override;
    QIcon icon() const override;
    QgsProcessingAlgorithm* createInstance() const override { return new RunJobAlgorithm(); }

protected:
    void initAlgorithm(const QVariantMap& configuration) override;
    QVariantMap processAlgorithm(const QVariantMap& parameters, QgsProcessingContext& context, QgsProcessingFeedback* feedback) override;
};

// QGIS parameter name of a registry parameter: AREA_CODE_FIELD for area_code_field.
QString parameter_name(const std::string& registry_name);

}  // namespace accessatlas::qgis
