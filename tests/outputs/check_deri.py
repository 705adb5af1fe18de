#!/usr/bin/env python3
"""Recomputes Leicester's DERI from the raw tables, independently of the engine (csv module,
its own min-max, weights and LSOA 2021->2011 conversion), and compares every area's indicator
values, scores, components and overall score with the GeoPackage the job wrote.

usage: check_deri.py DATA_DIR OUTPUT.gpkg"""
import csv
import math
import sys
from collections import defaultdict

from osgeo import ogr

data, gpkg = sys.argv[1], sys.argv[2]


def rows(name):
    with open(f"{data}/{name}", newline="") as f:
        return list(csv.DictReader(f))


pop = {r["lsoa11_code"]: r for r in rows("tables/population_mid2020_lsoa11_single_year_age.csv")}
areas = sorted(pop)
total = {a: float(pop[a]["total_population"]) for a in areas}
ind = defaultdict(dict)
for a in areas:
    ind["pct_65_plus"][a] = 100 * float(pop[a]["aged_65_plus"]) / total[a]
    old = sum(float(pop[a][str(y)]) for y in range(75, 90)) + float(pop[a]["90+"])
    ind["pct_75_plus"][a] = 100 * old / total[a]

# Census 2021 disability by LSOA 2021 -> 2011: a split 2011 area sums its 2021 parts; a
# merged 2021 area gives its rate to each 2011 part (people shared by 2011 population).
dis = {r["lsoa21_code"]: (float(r["n"]), float(r["total_residents"]))
       for r in rows("tables/disability_census2021_lsoa21.csv") if r["disability"] == "Disabled under the Equality Act"}
look = rows("boundaries/lookup_lsoa11_lsoa21.csv")
parts = defaultdict(list)
for r in look:
    parts[r["lsoa11_code"]].append(r["lsoa21_code"])
for a in areas:
    n = sum(dis[c][0] for c in parts[a])
    d = sum(dis[c][1] for c in parts[a])
    ind["pct_limited_activities"][a] = 100 * n / d

oa = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
for r in rows("tables/census2011_oa11_qualifications_unemployment.csv"):
    s = oa[r["LSOA11CD"]]
    s[0] += float(r["no_qualifications"]); s[1] += float(r["pop_16_plus"])
    s[2] += float(r["unemployed"]); s[3] += float(r["pop_16_to_74"])
for a in areas:
    ind["pct_no_qualifications"][a] = 100 * oa[a][0] / oa[a][1]
    ind["unemployment_rate"][a] = 100 * oa[a][2] / oa[a][3]
imd = {r["lsoa"]: float(r["GB_IMD_E_score"]) for r in rows("tables/mysociety_gb_imd_e_lsoa11.csv")}
for a in areas:
    ind["imd_score"][a] = imd[a]

score = {}
for k, v in ind.items():
    lo, hi = min(v.values()), max(v.values())
    score[k] = {a: 10 * (x - lo) / (hi - lo) for a, x in v.items()}
# GMCA v1.6 weights, re-normalised over the indicators present (broadband has none at all)
demo = {"pct_65_plus": 5, "pct_75_plus": 5, "pct_limited_activities": 2}
depr = {"pct_no_qualifications": 4, "unemployment_rate": 2, "imd_score": 2}
comp = {}
for name, w in (("demography", demo), ("deprivation", depr)):
    comp[name] = {a: sum(score[k][a] * wk for k, wk in w.items()) / sum(w.values()) for a in areas}
deri = {a: (comp["demography"][a] + comp["deprivation"][a]) / 2 for a in areas}

ds = ogr.Open(gpkg)
layer = ds.GetLayerByName("lsoa_digital_exclusion")
seen, worst = 0, 0.0
for f in layer:
    a = f["lsoa_code"]
    checks = [(f["deri_score"], deri[a]), (f["deri_demography"], comp["demography"][a]),
              (f["deri_deprivation"], comp["deprivation"][a])]
    for k in ind:
        checks.append((f["deri_" + k], ind[k][a]))
        checks.append((f["deri_" + k + "_score"], score[k][a]))
    for got, want in checks:
        worst = max(worst, abs(got - want))
    assert f["deri_broadband"] is None, a
    assert f["deri_band"] == min(9, math.floor(deri[a])), (a, f["deri_band"])
    assert f["deri_incomplete"] == 1
    seen += 1
assert seen == 192, seen
print(f"Leicester DERI: 192 areas, 6 indicators, largest difference {worst:.2e}")
assert worst < 1e-9, worst
