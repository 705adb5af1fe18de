#include "help_pages.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTextDocument>
#include <QUrl>

#include <dlfcn.h>

namespace accessatlas::qgis {

QString docs_dir() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&docs_dir), &info) && info.dli_fname) {
        const QDir lib = QFileInfo(QString::fromLocal8Bit(info.dli_fname)).absoluteDir();
        const QString installed = QDir::cleanPath(lib.absoluteFilePath(QStringLiteral("../../../share/accessatlas/docs")));
        if (QFileInfo::exists(installed + QStringLiteral("/qgis.md"))) return installed;
    }
    for (const QString& dir : {QStringLiteral(ACCESSATLAS_DOCS_DIR), QStringLiteral(ACCESSATLAS_SOURCE_DOCS_DIR)})
        if (QFileInfo::exists(dir + QStringLiteral("/qgis.md"))) return dir;
    return {};
}

QString help_page(const QString& id, const QString& markdown) {
    const QDir dir(QStandardPaths::writableLocation(QStandardPaths::TempLocation) + QStringLiteral("/accessatlas_help"));
    if (!dir.mkpath(QStringLiteral("."))) return {};
    QTextDocument doc;
    doc.setMarkdown(markdown);
    QFile file(dir.filePath(id + QStringLiteral(".html")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) return {};
    file.write(doc.toHtml().toUtf8());
    return QUrl::fromLocalFile(file.fileName()).toString();
}

}  // namespace accessatlas::qgis
