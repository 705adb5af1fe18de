// The "Access Atlas" Processing provider (id accessatlas): one algorithm per registry entry,
// plus "Run job file".
#pragma once

#include <qgsprocessingprovider.h>

namespace accessatlas::qgis {

class Provider : public QgsProcessingProvider {
public:
    QString id() const override;
    QString name() const override;
    QString longName() const override;
    QIcon icon() const override;
    QString helpId() const override;

protected:
    void loadAlgorithms() override;
};

// Adds the provider to the running application's Processing registry unless it is there:
// 1 when added, 0 when already present, -1 when there is no QGIS application.
int register_provider();

}  // namespace accessatlas::qgis

// For the Python bridge (ctypes): the same as register_provider().
extern "C" int accessatlas_register_provider();
