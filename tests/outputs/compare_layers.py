#!/usr/bin/env python3
"""Asserts two GeoPackages hold the same values, area by area, for the given fields of a layer.

usage: compare_layers.py A.gpkg B.gpkg LAYER FIELD [FIELD ...]"""
import sys

from osgeo import ogr


def values(path, layer, fields):
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer)
    if lyr is None:
        sys.exit(f"FAIL: {path} has no layer {layer}")
    return {f["lsoa_code"]: tuple(f[x] for x in fields) for f in lyr}


a_path, b_path, layer, *fields = sys.argv[1:]
a, b = values(a_path, layer, fields), values(b_path, layer, fields)
if a.keys() != b.keys():
    sys.exit(f"FAIL: different areas: {sorted(a.keys() ^ b.keys())[:5]}")
for code in a:
    for name, x, y in zip(fields, a[code], b[code]):
        same = x == y or (isinstance(x, float) and isinstance(y, float) and abs(x - y) <= 1e-12 * max(1.0, abs(x)))
        if not same:
            sys.exit(f"FAIL: {layer}.{name} for {code}: {x} != {y}")
print(f"{layer}: {len(a)} areas agree on {', '.join(fields)}")
