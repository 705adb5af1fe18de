"""Runs inside a real QGIS desktop (qgis --code): waits for start-up, checks the Access Atlas
provider is in the Processing registry and its menu exists, opens the Processing Toolbox on
Access Atlas, runs accessatlas:nearest_service on the Rutland sample with its layers loaded
into the project, grabs the main window, writes a result file and quits."""
import json
import os

from qgis.core import QgsApplication, QgsCoordinateReferenceSystem, QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QDockWidget, QLineEdit
from qgis.utils import iface

OUT = os.environ["ACCESSATLAS_DESKTOP_OUT"]
DATA = os.environ["ACCESSATLAS_RUTLAND"]
result = {"provider": False, "algorithms": [], "menu": False, "loaded_layers": [], "groups": [], "error": ""}


def finish():
    for layer in QgsProject.instance().mapLayers().values():
        if layer.name().split(": ")[0] == "lsoa_access":
            iface.mapCanvas().setExtent(layer.extent().buffered(1500))
    iface.mapCanvas().refreshAllLayers()
    iface.messageBar().clearWidgets()
    QTimer.singleShot(1500, grab)


def grab():
    # the tree as the officer sees it when the screenshot is taken
    runs = [g for g in QgsProject.instance().layerTreeRoot().findGroups() if g.name().startswith("Access Atlas: ")]
    if runs:
        result["group_children"] = [[c.name(), c.itemVisibilityChecked()] for c in runs[0].children()]
    result["layers_at_end"] = sorted(l.name() for l in QgsProject.instance().mapLayers().values())
    iface.mainWindow().grab().save(os.path.join(OUT, "qgis_desktop.png"))
    with open(os.path.join(OUT, "desktop_result.json"), "w") as f:
        json.dump(result, f, indent=1)
    QgsApplication.exit(0)


def check():
    try:
        provider = QgsApplication.processingRegistry().providerById("accessatlas")
        result["provider"] = provider is not None
        if provider:
            result["algorithms"] = sorted(a.id() for a in provider.algorithms())
        result["menu"] = any("Access Atlas" in a.text() for a in iface.pluginMenu().actions())
        # the plugin's toolbar button opens the toolbox filtered on Access Atlas
        for action in iface.mainWindow().findChildren(type(iface.pluginMenu().menuAction())):
            if action.text().startswith("Access Atlas algorithms"):
                action.trigger()
                break
        import processing
        from processing.core.Processing import Processing
        Processing.initialize()
        params = {
            "NETWORK": DATA + "/osm/rutland-2018-02-27.osm.pbf",
            "AREAS": DATA + "/boundaries/lsoa11.geojson", "AREA_CODE_FIELD": "lsoa11_code",
            "POPULATION": DATA + "/tables/population_mid2020_lsoa11_single_year_age.csv",
            "POPULATION_CODE_FIELD": "lsoa11_code", "POPULATION_FIELD": "total_population",
            "FACILITIES": DATA + "/services/nhs_choices_2014_gp.geojson", "FACILITY_ID_FIELD": "OrganisationID",
            "SERVICE_NAME": "gp", "MODES": [0], "OUTPUT": os.path.join(OUT, "desktop_nearest.gpkg"),
        }
        processing.runAndLoadResults("accessatlas:nearest_service", params)
        result["loaded_layers"] = sorted(l.name() for l in QgsProject.instance().mapLayers().values())
        result["groups"] = [g.name() for g in QgsProject.instance().layerTreeRoot().findGroups()]
        # the run's group as an officer sees it: (name, ticked) from the top
        runs = [g for g in QgsProject.instance().layerTreeRoot().findGroups() if g.name().startswith("Access Atlas: ")]
        if runs:
            result["group_children"] = [[c.name(), c.itemVisibilityChecked()] for c in runs[0].children()]
        QgsProject.instance().setCrs(QgsCoordinateReferenceSystem("EPSG:27700"))
        for layer in QgsProject.instance().mapLayers().values():
            if layer.name().split(": ")[0] == "lsoa_access":
                result["headline_name"] = layer.name()
                md = layer.metadata()
                result["metadata"] = {"title": md.title(), "abstract": md.abstract(), "history": md.history(), "rights": md.rights()}
                iface.setActiveLayer(layer)
                iface.mapCanvas().setExtent(layer.extent().buffered(1000))
                iface.mapCanvas().refresh()
                result["renderer"] = layer.renderer().type()
        iface.messageBar().clearWidgets()
    except Exception as e:  # reported in the result file, which the test reads
        result["error"] = repr(e)
    QTimer.singleShot(3000, finish)


iface.mainWindow().resize(1400, 860)
iface.initializationCompleted.connect(lambda: QTimer.singleShot(1000, check))
