"""Runs inside a real QGIS desktop (qgis --code) on a 1366x768 screen and drives the Access
Atlas dialog as an officer would: the project holds the LSOAs from a shapefile without .prj (CRS
set in QGIS, as with "Set Layer CRS"), the population CSV loaded as a delimited-text table and
the GP points. Records what the dialog offers by default and whether it fits the screen, grabs
it, fills in the layers while leaving the code and population fields empty, runs it from the
dialog's own Run button path, and records the log and the loaded layers. Then runs the Newport
job file from the *Run job file* dialog and records the map it opens as (the layer tree and a
screenshot of the canvas). The shell asserts."""
import json
import os

from qgis.core import QgsApplication, QgsCoordinateReferenceSystem, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QTimer, QUrl
from qgis.PyQt.QtWidgets import QApplication, QScrollArea, QTextEdit
from qgis.utils import iface

OUT = os.environ["ACCESSATLAS_DESKTOP_OUT"]
DATA = os.environ["ACCESSATLAS_RUTLAND"]
NO_PRJ = os.environ["ACCESSATLAS_NO_PRJ_SHAPEFILE"]
NEWPORT_JOB = os.environ["ACCESSATLAS_NEWPORT_JOB"]
result = {"error": "", "defaults": {}, "finished": False}
state = {}


def save():
    with open(os.path.join(OUT, "dialog_result.json"), "w") as f:
        json.dump(result, f, indent=1)


def fail(e):
    result["error"] = repr(e)
    save()
    QgsApplication.exit(0)


def start(dlg, params, then, seconds):
    """Runs the dialog's algorithm with `params` as its Run button does; `then(ok, outputs)`."""
    dlg.mainWidget().setParameters(params)
    dlg.algorithmFinished.connect(then)
    dlg.runAlgorithm()
    QTimer.singleShot(seconds * 1000, lambda: fail(f"{dlg.windowTitle()}: the run did not finish in {seconds} s"))


def log_of(dlg):
    return "\n".join(t.toPlainText() for t in dlg.findChildren(QTextEdit))


def value_of(wrapper):
    v = wrapper.parameterValue()
    return v if isinstance(v, (str, int, float, bool, list)) or v is None else str(v)


def open_dialog():
    try:
        import processing
        from processing.core.Processing import Processing
        Processing.initialize()
        areas = QgsVectorLayer(NO_PRJ, "lsoa11 (no .prj)", "ogr")
        result["areas_crs_as_read"] = areas.crs().authid()
        areas.setCrs(QgsCoordinateReferenceSystem("EPSG:27700"))  # what "Set Layer CRS" does
        csv = DATA + "/tables/population_mid2020_lsoa11_single_year_age.csv"
        population = QgsVectorLayer(QUrl.fromLocalFile(csv).toString() + "?type=csv&geomType=none&detectTypes=yes", "population", "delimitedtext")
        gp = QgsVectorLayer(DATA + "/services/nhs_choices_2014_gp.geojson", "gp practices", "ogr")
        # The polygons are added last, so a picker that took any layer would start on them.
        QgsProject.instance().addMapLayers([gp, population, areas])
        state.update(areas=areas, population=population, gp=gp)
        dlg = processing.createAlgorithmDialog("accessatlas:nearest_service", {})
        state["dialog"] = dlg
        screen = QApplication.primaryScreen().availableGeometry()
        result["screen"] = [screen.width(), screen.height()]
        dlg.show()
        # Opened as an officer would on a laptop screen: as large as the screen allows.
        dlg.setGeometry(screen.adjusted(0, 0, 0, -40))
        QTimer.singleShot(1500, inspect)
    except Exception as e:
        fail(e)


def inspect():
    try:
        dlg = state["dialog"]
        panel = dlg.mainWidget()
        wrappers = panel.wrappers
        for name in ("AREAS", "AREA_CODE_FIELD", "POPULATION", "POPULATION_CODE_FIELD", "POPULATION_FIELD", "FACILITIES"):
            result["defaults"][name] = value_of(wrappers[name])
        result["layer_ids"] = {k: state[k].id() for k in ("areas", "population", "gp")}
        result["areas_layer"] = [state["areas"].isValid(), state["areas"].geometryType(), state["areas"].featureCount()]
        frame = dlg.frameGeometry()
        result["dialog_frame"] = [frame.x(), frame.y(), frame.width(), frame.height()]
        scroll = [s for s in panel.findChildren(QScrollArea) if s.isVisible()]
        result["horizontal_scroll_max"] = max((s.horizontalScrollBar().maximum() for s in scroll), default=-1)
        # every parameter widget's right edge inside the visible panel
        overflow = []
        for s in scroll:
            right = s.viewport().width()
            for name, w in wrappers.items():
                widget = w.wrappedWidget() if hasattr(w, "wrappedWidget") else None
                if widget is None or not widget.isVisible():
                    continue
                x = widget.mapTo(s.viewport(), widget.rect().topRight()).x()
                if x > right + 1:
                    overflow.append([name, x, right])
        result["overflow"] = overflow
        dlg.grab().save(os.path.join(OUT, "dialog_1366x768.png"))
        # As an officer: pick the layers, leave the code and population fields empty.
        start(dlg, {
            "NETWORK": DATA + "/osm/rutland-2018-02-27.osm.pbf",
            "AREAS": state["areas"].id(), "AREA_CODE_FIELD": None,
            "POPULATION": state["population"].id(), "POPULATION_CODE_FIELD": None, "POPULATION_FIELD": None,
            "FACILITIES": state["gp"].id(), "FACILITY_ID_FIELD": "OrganisationID", "SERVICE_NAME": "gp",
            "MODES": [0], "OUTPUT": os.path.join(OUT, "dialog_run.gpkg"),
        }, finished, 120)
    except Exception as e:
        fail(e)


def finished(ok, outputs):
    try:
        result["finished"] = True
        result["ok"] = bool(ok)
        result["log"] = log_of(state["dialog"])
        result["loaded_layers"] = sorted(l.name() for l in QgsProject.instance().mapLayers().values())
        QTimer.singleShot(1000, grab)
    except Exception as e:
        fail(e)


def grab():
    try:
        state["dialog"].grab().save(os.path.join(OUT, "dialog_log.png"))
        state["dialog"].close()
        save()
        QTimer.singleShot(500, run_job)
    except Exception as e:
        fail(e)


def run_job():
    try:
        import processing
        dlg = processing.createAlgorithmDialog("accessatlas:run_job", {})
        state["job_dialog"] = dlg
        dlg.show()
        start(dlg, {"JOB": NEWPORT_JOB, "OUTPUT": os.path.join(OUT, "newport_job.gpkg")}, job_finished, 150)
    except Exception as e:
        fail(e)


def job_finished(ok, outputs):
    try:
        result["job_finished"] = True
        result["job_ok"] = bool(ok)
        result["job_log"] = log_of(state["job_dialog"])[-4000:]
        state["job_dialog"].close()
        QTimer.singleShot(2000, record_map)
    except Exception as e:
        fail(e)


def record_map():
    try:
        from qgis.core import QgsLayerTree
        root = QgsProject.instance().layerTreeRoot()
        job_groups = [g for g in root.findGroups()
                      if any("newport_job.gpkg" in l.layer().source() for l in g.findLayers() if l.layer())]
        result["job_groups"] = [g.name() for g in job_groups]
        if job_groups:
            g = job_groups[0]
            children = []
            for c in g.children():
                if QgsLayerTree.isLayer(c):
                    children.append({"kind": "layer", "name": c.name(), "checked": c.itemVisibilityChecked()})
                else:
                    children.append({"kind": "group", "name": c.name(), "checked": c.itemVisibilityChecked(),
                                     "expanded": c.isExpanded(),
                                     "layers_checked": [l.itemVisibilityChecked() for l in c.findLayers()]})
            result["job_tree"] = children
            result["job_layer_count"] = len(g.findLayers())
            areas = [c for c in g.children() if QgsLayerTree.isLayer(c) and c.name().startswith("lsoa_access: ")]
            if areas and areas[0].layer():
                layer = areas[0].layer()
                result["headline"] = {"renderer": layer.renderer().type() if layer.renderer() else "",
                                      "features": layer.featureCount(),
                                      "styles": layer.styleManager().styles()}
                # Zoom to it as an officer would (the project may be in another CRS).
                canvas = iface.mapCanvas()
                canvas.setExtent(canvas.mapSettings().layerExtentToOutputExtent(layer, layer.extent()))
                canvas.refreshAllLayers()
        QTimer.singleShot(3000, grab_map)
    except Exception as e:
        fail(e)


def grab_map():
    try:
        canvas = iface.mapCanvas()
        canvas.waitWhileRendering()
        image = canvas.grab().toImage()
        image.save(os.path.join(OUT, "newport_map.png"))
        # How much of the canvas is drawn (not the white background), and how much in a
        # colour of the headline's ramp (not the grey of areas not served)
        drawn, coloured, samples = 0, 0, 0
        for x in range(0, image.width(), 8):
            for y in range(0, image.height(), 8):
                c = image.pixelColor(x, y)
                samples += 1
                drawn += min(c.red(), c.green(), c.blue()) < 235
                coloured += (max(c.red(), c.green(), c.blue()) - min(c.red(), c.green(), c.blue())) > 30
        result["map_drawn_share"] = drawn / max(samples, 1)
        result["map_coloured_share"] = coloured / max(samples, 1)
        iface.mainWindow().grab().save(os.path.join(OUT, "newport_window.png"))
        save()
        QgsApplication.exit(0)
    except Exception as e:
        fail(e)


iface.initializationCompleted.connect(lambda: QTimer.singleShot(1000, open_dialog))
