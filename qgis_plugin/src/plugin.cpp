// The desktop plugin: registers the Processing provider, and adds a menu and a toolbar button
// that open the Processing Toolbox and the officer's guide.
#include "help_pages.hpp"
#include "provider.hpp"

#include <accessatlas/version.hpp>

#include <qgisinterface.h>
#include <qgisplugin.h>
#include <qgsapplication.h>
#include <qgsprocessingregistry.h>

#include <QAction>
#include <QDialog>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QMainWindow>
#include <QMessageBox>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace {

const QString kName = QStringLiteral("Access Atlas");
const QString kDescription = QStringLiteral("Access to health services, green space and digital exclusion per LSOA: Processing algorithms");
const QString kCategory = QStringLiteral("Analysis");
const QString kVersion = QStringLiteral(ACCESSATLAS_PLUGIN_VERSION);
const QString kIcon = QStringLiteral(":/accessatlas/accessatlas.svg");

// The guide (docs/qgis.md) rendered in a window; links to the other pages and images resolve
// in the same folder.
void show_guide(QWidget* parent) {
    const QString dir = accessatlas::qgis::docs_dir();
    QFile file(dir + QStringLiteral("/qgis.md"));
    if (dir.isEmpty() || !file.open(QIODevice::ReadOnly)) {
        QMessageBox::warning(parent, kName,
                             QStringLiteral("The Access Atlas guide (share/accessatlas/docs/qgis.md) is not installed "
                                            "next to the plugin. Reinstall with cmake --install."));
        return;
    }
    auto* dialog = new QDialog(parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(QStringLiteral("Access Atlas guide"));
    dialog->resize(900, 680);
    auto* browser = new QTextBrowser(dialog);
    browser->setOpenExternalLinks(true);
    browser->setSearchPaths({dir});
    browser->document()->setBaseUrl(QUrl::fromLocalFile(dir + QStringLiteral("/")));
    browser->setMarkdown(QString::fromUtf8(file.readAll()));
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(browser);
    dialog->show();
}

class AccessAtlasPlugin : public QObject, public QgisPlugin {
public:
    explicit AccessAtlasPlugin(QgisInterface* iface)
        : QgisPlugin(kName, kDescription, kCategory, kVersion, QgisPlugin::UI), m_iface(iface) {}

    void initGui() override {
        m_added_provider = accessatlas_register_provider() == 1;
        m_toolbox = new QAction(QIcon(kIcon), QStringLiteral("Access Atlas algorithms (Processing Toolbox)"), this);
        connect(m_toolbox, &QAction::triggered, this, [this] { show_toolbox(); });
        m_docs = new QAction(QIcon(kIcon), QStringLiteral("Access Atlas guide"), this);
        connect(m_docs, &QAction::triggered, this, [this] { show_guide(m_iface->mainWindow()); });
        m_iface->addPluginToMenu(QStringLiteral("&Access Atlas"), m_toolbox);
        m_iface->addPluginToMenu(QStringLiteral("&Access Atlas"), m_docs);
        m_iface->addToolBarIcon(m_toolbox);
    }

    void unload() override {
        m_iface->removePluginMenu(QStringLiteral("&Access Atlas"), m_toolbox);
        m_iface->removePluginMenu(QStringLiteral("&Access Atlas"), m_docs);
        m_iface->removeToolBarIcon(m_toolbox);
        delete m_toolbox;
        delete m_docs;
        m_toolbox = m_docs = nullptr;
        // Leave the provider when the Python bridge registered it first.
        if (m_added_provider)
            if (auto* p = QgsApplication::processingRegistry()->providerById(QStringLiteral("accessatlas")))
                QgsApplication::processingRegistry()->removeProvider(p);
    }

private:
    // The toolbox is a dock of the Processing plugin; it filters on its search box.
    void show_toolbox() {
        auto* window = qobject_cast<QMainWindow*>(m_iface->mainWindow());
        if (!window) return;
        if (auto* dock = window->findChild<QDockWidget*>(QStringLiteral("ProcessingToolbox"))) {
            dock->show();
            dock->raise();
            if (auto* search = dock->findChild<QLineEdit*>(QStringLiteral("searchBox"))) search->setText(QStringLiteral("Access Atlas"));
        }
    }

    QgisInterface* m_iface;
    QAction* m_toolbox = nullptr;
    QAction* m_docs = nullptr;
    bool m_added_provider = false;
};

}  // namespace

// The entry points QGIS looks up in a native plugin (declared first: they are exported on purpose).
QGISEXTERN QgisPlugin* classFactory(QgisInterface* iface);
QGISEXTERN const QString* name();
QGISEXTERN const QString* description();
QGISEXTERN const QString* category();
QGISEXTERN int type();
QGISEXTERN const QString* version();
QGISEXTERN const QString* icon();
QGISEXTERN void unload(QgisPlugin* plugin);

QGISEXTERN QgisPlugin* classFactory(QgisInterface* iface) { return new AccessAtlasPlugin(iface); }
QGISEXTERN const QString* name() { return &kName; }
QGISEXTERN const QString* description() { return &kDescription; }
QGISEXTERN const QString* category() { return &kCategory; }
QGISEXTERN int type() { return QgisPlugin::UI; }
QGISEXTERN const QString* version() { return &kVersion; }
QGISEXTERN const QString* icon() { return &kIcon; }
QGISEXTERN void unload(QgisPlugin* plugin) { delete plugin; }
