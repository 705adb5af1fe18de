#!/usr/bin/python3
"""Checks a GeoPackage and HTML report written by `accessatlas run ... --report`:
GDAL's GeoPackage validator finds no error; every spatial layer has exactly one default
style in layer_styles that QGIS will apply (f_table_schema '' not NULL, the right geometry
column); every layer carries its metadata; the report's maps have one path per area and a
legend, and the report references nothing on the network.
Usage: check_outputs.py GPKG REPORT AREA_COUNT"""
import re
import subprocess
import sys

from osgeo import ogr


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def main(gpkg, report, area_count):
    area_count = int(area_count)
    validator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"
    run = subprocess.run(["/usr/bin/python3", validator, gpkg], capture_output=True, text=True)
    if run.returncode != 0 or run.stdout.strip() or run.stderr.strip():
        fail(f"validate_gpkg.py: rc {run.returncode}\n{run.stdout}\n{run.stderr}")

    ds = ogr.Open(gpkg)
    spatial = [ds.GetLayer(i) for i in range(ds.GetLayerCount()) if ds.GetLayer(i).GetGeomType() != ogr.wkbNone]
    styles = ds.ExecuteSQL("SELECT f_table_name, f_table_schema, f_geometry_column, useAsDefault, styleQML FROM layer_styles")
    rows = [(f.GetField(0), f.GetField(1), f.GetField(2), f.GetField(3), f.GetField(4)) for f in styles]
    ds.ReleaseResultSet(styles)
    for layer in spatial:
        name = layer.GetName()
        defaults = [r for r in rows if r[0] == name and r[3]]
        if len(defaults) != 1:
            fail(f"layer {name}: {len(defaults)} default styles")
        _, schema, geom, _, qml = defaults[0]
        if schema != "":
            fail(f"layer {name}: f_table_schema is {schema!r}, QGIS needs ''")
        if geom != layer.GetGeometryColumn():
            fail(f"layer {name}: f_geometry_column {geom} != {layer.GetGeometryColumn()}")
        if "<renderer-v2" not in qml:
            fail(f"layer {name}: the style has no renderer")
        for field in re.findall(r'attr="([^"]+)"', qml):
            if layer.GetLayerDefn().GetFieldIndex(field) < 0:
                fail(f"layer {name}: style uses missing field {field}")
        md = layer.GetMetadata()
        for key in ("accessatlas_what", "accessatlas_units", "accessatlas_method", "accessatlas_run_date", "accessatlas_software"):
            if not md.get(key):
                fail(f"layer {name}: no metadata {key}")
    named = [r for r in rows if r[0] == "lsoa_access"]
    if len(named) < 3:
        fail("lsoa_access should offer a named style per indicator")

    html = open(report, encoding="utf-8").read()
    maps = re.findall(r'<svg class="map".*?</svg>', html, re.S)
    if not maps:
        fail("the report has no map")
    for m in maps:
        paths = m.count('<path class="area"')
        if paths != area_count:
            fail(f"a map has {paths} area paths, expected {area_count}")
        if 'class="legend"' not in m or 'class="north"' not in m or 'class="scale"' not in m:
            fail("a map lacks its legend, north arrow or scale bar")
    external = [u for u in re.findall(r'(?:src|href)="([^"]+)"', html) if not u.startswith("#")]
    if external or "<script" in html or "<link" in html:
        fail(f"the report references outside resources: {external}")
    if html.count('<svg class="histogram"') != len(maps):
        fail("one histogram per map expected")
    print(f"{len(spatial)} styled layers valid; report with {len(maps)} maps of {area_count} areas")


if __name__ == "__main__":
    main(*sys.argv[1:4])
