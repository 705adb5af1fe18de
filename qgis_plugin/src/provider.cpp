#include "provider.hpp"
#include "registry_algorithm.hpp"

#include <accessatlas/algorithms/algorithms.hpp>
#include <accessatlas/version.hpp>

#include <qgsapplication.h>
#include <qgsprocessingregistry.h>

#include <QIcon>

// The icons live in a Qt resource compiled into this static library: it must be initialised by
// name before ":/accessatlas/..." resolves (Q_INIT_RESOURCE declares a global function).
static void init_icons() { Q_INIT_RESOURCE(accessatlas); }

namespace accessatlas::qgis {

QString Provider::id() const { return QStringLiteral("accessatlas"); }
QString Provider::name() const { return QStringLiteral("Access Atlas"); }
QString Provider::longName() const { return QStringLiteral("Access Atlas %1").arg(QString::fromUtf8(version())); }
QIcon Provider::icon() const { return QIcon(QStringLiteral(":/accessatlas/accessatlas.svg")); }
QString Provider::helpId() const { return QStringLiteral("accessatlas"); }

void Provider::loadAlgorithms() {
    for (const auto& a : algorithms::all()) addAlgorithm(new RegistryAlgorithm(a));
    addAlgorithm(new RunJobAlgorithm());
}

int register_provider() {
    init_icons();
    QgsProcessingRegistry* registry = QgsApplication::processingRegistry();
    if (!registry) return -1;
    if (registry->providerById(QStringLiteral("accessatlas"))) return 0;
    return registry->addProvider(new Provider()) ? 1 : -1;
}

}  // namespace accessatlas::qgis

extern "C" Q_DECL_EXPORT int accessatlas_register_provider() { return accessatlas::qgis::register_provider(); }
