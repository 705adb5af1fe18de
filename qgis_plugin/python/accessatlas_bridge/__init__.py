"""Registers the native Access Atlas Processing provider from Python (for qgis_process).

The provider lives in the native plugin library (libaccessatlasplugin.so), which exports
accessatlas_register_provider(). This plugin finds the library, loads it with ctypes and
calls that function inside the running QGIS, whose Processing registry it then joins."""
import ctypes
import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def _library_candidates():
    env = os.environ.get("ACCESSATLAS_QGIS_LIBRARY")
    if env:
        yield env
    recorded = os.path.join(_HERE, "library_path.txt")
    if os.path.exists(recorded):
        with open(recorded, encoding="utf-8") as f:
            yield f.read().strip()
    yield "/usr/lib/qgis/plugins/libaccessatlasplugin.so"
    yield "/usr/local/lib/qgis/plugins/libaccessatlasplugin.so"


def register():
    """Loads the library and registers the provider; returns 1 (added), 0 (already there)."""
    tried = []
    for path in _library_candidates():
        if path and os.path.exists(path):
            library = ctypes.CDLL(path)
            library.accessatlas_register_provider.restype = ctypes.c_int
            return library.accessatlas_register_provider()
        tried.append(path)
    raise RuntimeError("Access Atlas: libaccessatlasplugin.so not found (tried %s); "
                       "set ACCESSATLAS_QGIS_LIBRARY or run cmake --install" % ", ".join(tried))


class AccessAtlasBridge:
    def __init__(self, iface):
        self.iface = iface

    def initProcessing(self):
        register()

    def initGui(self):
        self.initProcessing()

    def unload(self):
        pass


def classFactory(iface):
    return AccessAtlasBridge(iface)
