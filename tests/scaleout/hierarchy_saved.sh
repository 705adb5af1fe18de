#!/usr/bin/env bash
# A plan whose drive catchments go by the contraction hierarchy builds it once and saves it in
# a file of its own beside the mode graph (graphs/baseline-drive.aach, its checksum in the
# manifest): the workers load it (none builds its own), and the merged output equals
# a one-process run bit for bit. The hierarchy's times agree with Dijkstra's within 1 ms of
# the nearest second; here the whole E2SFCA column is compared with a Dijkstra run.
# usage: hierarchy_saved.sh ACCESSATLAS SOURCE_DIR WORK_DIR
set -euo pipefail
tool=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
data="$src/data/rutland"
source "$src/tests/scaleout/rutland_job.sh"
job() {  # job FILE SEARCH
  { rutland_job_inputs "$data" "$work/unused.gpkg"; cat <<JOB
[analysis]
modes = ["drive"]
count_within_thresholds = false
facility_search = "$2"
[e2sfca]
max_time_min = 30
JOB
  } >"$1"
}
job "$work/job.toml" hierarchy
job "$work/job_dijkstra.toml" dijkstra
"$tool" -q run "$work/job.toml" --out "$work/single.gpkg"
"$tool" -q run "$work/job_dijkstra.toml" --out "$work/dijkstra.gpkg"

plan_log=$("$tool" plan "$work/job.toml" --dir "$work/plan" 2>&1)
echo "$plan_log" | grep -q "Contraction hierarchy of the drive network" ||
  { echo "FAIL: the plan did not build the hierarchy"; echo "$plan_log"; exit 1; }
manifest="$work/plan/manifest.toml"
[ -s "$work/plan/graphs/baseline-drive.aach" ] || { echo "FAIL: no hierarchy file in $work/plan/graphs"; ls "$work/plan/graphs"; exit 1; }
grep -q "graphs/baseline-drive.aach. = " "$manifest" || { echo "FAIL: the manifest does not record the hierarchy's checksum"; exit 1; }
total=$(grep -c '^\[\[tasks\]\]' "$manifest")
swept=0
for ((i = 0; i < total; i++)); do
  log=$("$tool" run-task "$manifest" "$i" 2>&1)
  if echo "$log" | grep -q "built once for many searches"; then
    echo "FAIL: task $i built its own hierarchy instead of loading the plan's"; echo "$log"; exit 1
  fi
  if echo "$log" | grep -q "by hierarchy sweeps"; then swept=$((swept + 1)); fi
done
[ "$swept" -gt 0 ] || { echo "FAIL: no task swept the hierarchy"; exit 1; }
"$tool" -q merge "$manifest" --out "$work/merged.gpkg"
/usr/bin/python3 "$src/tests/outputs/same_gpkg.py" "$work/single.gpkg" "$work/merged.gpkg"

# Against Dijkstra: every area's E2SFCA value within 0.01% (times differ by float rounding only).
/usr/bin/python3 - "$work/single.gpkg" "$work/dijkstra.gpkg" <<'PY'
import sys
from osgeo import ogr
def values(path):
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName("lsoa_access")
    field = [lyr.GetLayerDefn().GetFieldDefn(k).GetName() for k in range(lyr.GetLayerDefn().GetFieldCount())]
    e2 = [n for n in field if "e2sfca" in n]
    assert e2, f"no E2SFCA field in {field}"
    return {f["lsoa_code"]: f[e2[0]] for f in lyr}, e2[0]
a, name = values(sys.argv[1])
b, _ = values(sys.argv[2])
assert a.keys() == b.keys() and len(a) > 0
worst = max(abs(a[k] - b[k]) / max(abs(b[k]), 1e-12) for k in a)
nonzero = sum(1 for k in a if a[k] > 0)
assert nonzero > len(a) // 2, f"only {nonzero} of {len(a)} areas have access: not a real comparison"
assert worst < 1e-4, f"{name}: hierarchy and Dijkstra differ by {worst:.2e} (relative)"
print(f"{name}: {len(a)} areas, hierarchy and Dijkstra within {worst:.1e} (relative)")
PY
echo "hierarchy saved by the plan: $total tasks, $swept swept it without building it; merged = one process"
