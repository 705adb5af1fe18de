#!/usr/bin/python3
"""Checks a green-space output (lsoa_greenspace, greenspace_sites): every area present, the
mode recorded, shares within 0-100, deciles 1-10 in order of the score, and the population.
Usage: check_greenspace.py GPKG AREA_COUNT POPULATION MODE"""
import sys

from osgeo import ogr


def main(gpkg, areas, population, mode):
    ds = ogr.Open(gpkg)
    layer = ds.GetLayerByName("lsoa_greenspace")
    rows = [f.items() for f in layer]
    assert len(rows) == int(areas), f"{len(rows)} areas, expected {areas}"
    total = sum(r["population"] for r in rows)
    assert abs(total - float(population)) <= 0.01 * float(population), f"population {total}, expected {population}"
    assert all(r["greenspace_mode"] == mode for r in rows), "mode not recorded"
    for r in rows:
        for k, v in r.items():
            if k.startswith("pct_") and v is not None:
                assert 0 <= v <= 100, f"{r['lsoa_code']} {k} = {v}"
        assert 0 <= r["greenspace_score"] <= 100
        assert 1 <= r["greenspace_decile"] <= 10
    ordered = sorted(rows, key=lambda r: (r["greenspace_score"], r["lsoa_code"]))
    deciles = [r["greenspace_decile"] for r in ordered]
    assert deciles == sorted(deciles), "deciles must follow the score"
    assert deciles[0] == 1 and deciles[-1] == 10
    sites = ds.GetLayerByName("greenspace_sites").GetFeatureCount()
    assert sites > 0
    print(f"{len(rows)} areas, population {total:.0f}, {sites} sites, mode {mode}: ok")


if __name__ == "__main__":
    main(*sys.argv[1:5])
