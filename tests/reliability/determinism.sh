#!/usr/bin/env bash
# The same job gives identical values (attributes and geometries) on every run and with any
# thread count. Usage: determinism.sh ACCESSATLAS WORK_DIR
set -euo pipefail
tool=$1
work=$2
job="$(cd "$(dirname "$0")" && pwd)/interrupt_job.toml"
rm -rf "$work" && mkdir -p "$work"
dump() {
  local gpkg=$1 out=$2
  : >"$out"
  for layer in lsoa_access origins_nearest facilities gp_walk_catchments gp_drive_coverage gp_walk_supply; do
    ogr2ogr -f CSV /vsistdout/ "$gpkg" "$layer" -lco GEOMETRY=AS_WKT >>"$out"
  done
}
"$tool" -q -j 1 run "$job" --out "$work/one.gpkg"
"$tool" -q -j 2 run "$job" --out "$work/two.gpkg"
"$tool" -q -j 2 run "$job" --out "$work/again.gpkg"
dump "$work/one.gpkg" "$work/one.csv"
dump "$work/two.gpkg" "$work/two.csv"
dump "$work/again.gpkg" "$work/again.csv"
cmp "$work/one.csv" "$work/two.csv" || { echo "FAIL: 1 thread and 2 threads differ"; diff "$work/one.csv" "$work/two.csv" | head; exit 1; }
cmp "$work/two.csv" "$work/again.csv" || { echo "FAIL: two runs differ"; exit 1; }
echo "identical values and geometries: $(wc -l <"$work/one.csv") rows on 1 and 2 threads and across runs"
