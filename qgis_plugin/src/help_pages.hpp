// Where the installed docs are, and the algorithm help pages the dialog's Help button opens
// (rendered from the same registry text as docs/algorithms.md, so they are always current).
#pragma once

#include <QString>

namespace accessatlas::qgis {

// The installed docs folder, found from where the library holding this code was loaded (an
// install under any prefix: <prefix>/lib/qgis/plugins/libaccessatlasplugin.so ->
// <prefix>/share/accessatlas/docs), else the build's install prefix, else the source tree;
// empty when none holds qgis.md.
QString docs_dir();

// `markdown` rendered to an HTML file under the temporary folder (accessatlas_help/<id>.html);
// its file:// URL, or empty when it cannot be written.
QString help_page(const QString& id, const QString& markdown);

}  // namespace accessatlas::qgis
