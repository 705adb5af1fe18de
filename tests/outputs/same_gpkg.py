#!/usr/bin/env python3
"""Asserts two GeoPackages hold the same layers, fields, features, values and geometries
(bit for bit, in the same order) and the same embedded styles. Run metadata (dates) is
not compared.

usage: same_gpkg.py A.gpkg B.gpkg [--data-only]
--data-only leaves out the embedded styles (for changes meant to touch only their titles)."""
import sys

from osgeo import gdal, ogr

gdal.UseExceptions()


def content(path):
    """(layer names in order, {name: (fields as (name, type), rows as (values, ISO WKB or None))}),
    the values without layer_styles' update_time. Also read by digest_gpkg.py."""
    ds = ogr.Open(path)
    if ds is None:
        sys.exit(f"FAIL: cannot open {path}")
    layers = {}
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayerByIndex(i)
        defn = lyr.GetLayerDefn()
        fields = [(defn.GetFieldDefn(k).GetName(), defn.GetFieldDefn(k).GetType()) for k in range(defn.GetFieldCount())]
        keep = [k for k, (n, _) in enumerate(fields) if n != "update_time"]  # layer_styles: when written
        rows = []
        for f in lyr:
            g = f.GetGeometryRef()
            rows.append((tuple(f.GetField(k) for k in keep), bytes(g.ExportToIsoWkb()) if g else None))
        layers[lyr.GetName()] = (fields, rows)
    order = [ds.GetLayerByIndex(i).GetName() for i in range(ds.GetLayerCount())]
    return order, layers


def main():
    data_only = "--data-only" in sys.argv[3:]
    a_order, a = content(sys.argv[1])
    b_order, b = content(sys.argv[2])
    if data_only:
        a_order = [n for n in a_order if n != "layer_styles"]
        b_order = [n for n in b_order if n != "layer_styles"]
    if a_order != b_order:
        sys.exit(f"FAIL: layers differ: {a_order} vs {b_order}")
    features = 0
    for name in a_order:
        (fa, ra), (fb, rb) = a[name], b[name]
        if fa != fb:
            sys.exit(f"FAIL: {name}: fields differ: {fa} vs {fb}")
        if len(ra) != len(rb):
            sys.exit(f"FAIL: {name}: {len(ra)} vs {len(rb)} features")
        for i, (x, y) in enumerate(zip(ra, rb)):
            if x[0] != y[0]:
                diff = [(k, p, q) for k, (p, q) in enumerate(zip(x[0], y[0])) if p != q]
                sys.exit(f"FAIL: {name} feature {i}: values differ: {diff[:5]}")
            if x[1] != y[1]:
                sys.exit(f"FAIL: {name} feature {i}: geometries differ")
        features += len(ra)
    print(f"same: {len(a_order)} layers, {features} features, every value and geometry equal")


if __name__ == "__main__":
    main()
