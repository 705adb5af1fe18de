"""Opens the QGIS project the CLI wrote beside the Rutland GeoPackage (`run --project`) in QGIS
(headless) and checks it is the designed map: the project CRS, every layer valid, one group
named after the job with the facilities and the headline layer on top and ticked, the rest in a
closed, unticked "Supporting layers" sub-group, and the styles' rules applied."""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsLayerTreeGroup, QgsProject  # noqa: E402

path = sys.argv[1]
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
assert project.read(path), f"QGIS cannot read {path}"
assert project.crs().authid() == "EPSG:27700", project.crs().authid()
layers = list(project.mapLayers().values())
assert len(layers) > 10, len(layers)
assert all(layer.isValid() for layer in layers), [layer.name() for layer in layers if not layer.isValid()]
groups = [c for c in project.layerTreeRoot().children() if isinstance(c, QgsLayerTreeGroup)]
assert len(groups) == 1 and groups[0].name() == "Access Atlas: Rutland: access to health services", [g.name() for g in groups]
children = groups[0].children()
names = [c.name().split(": ")[0] for c in children]
assert names[:2] == ["facilities", "lsoa_access"], names
assert children[0].itemVisibilityChecked() and children[1].itemVisibilityChecked()
assert children[-1].name() == "Supporting layers" and not children[-1].itemVisibilityChecked() and not children[-1].isExpanded()
headline = children[1].layer()
assert headline.featureCount() == 23, headline.featureCount()
assert headline.renderer().type() == "RuleRenderer", headline.renderer().type()
assert "gp on foot (minutes)" in headline.name(), headline.name()
print(f"QGIS opens {os.path.basename(path)}: {len(layers)} layers, the designed map")
app.exitQgis()
