#!/usr/bin/env bash
# What a user meets when a plan is misused: merging before the tasks ran, a task number out
# of range, a job or input changed after planning, a damaged task file (recomputed).
# usage: plan_errors.sh ACCESSATLAS SOURCE_DIR WORK_DIR
set -euo pipefail
tool=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
data="$src/data/rutland"
cp "$data/services/nhs_choices_2014_gp.geojson" "$work/gp.geojson"
cat >"$work/job.toml" <<JOB
[job]
output = "$work/out.gpkg"
[network]
path = "$data/osm/rutland-2018-02-27.osm.pbf"
[areas]
path = "$data/boundaries/lsoa11.geojson"
code_field = "lsoa11_code"
[[services]]
name = "gp"
path = "$work/gp.geojson"
id_field = "OrganisationID"
[analysis]
modes = ["walk"]
JOB
expect_error() {  # expect_error TEXT COMMAND...: exit code 1 and TEXT in the message
  local text=$1; shift
  set +e; out=$("$@" 2>&1); rc=$?; set -e
  [ $rc -eq 1 ] || { echo "FAIL: exit $rc, not 1: $*"; echo "$out"; exit 1; }
  echo "$out" | grep -qF -- "$text" || { echo "FAIL: '$text' not in: $out"; exit 1; }
}
manifest=$("$tool" -q plan "$work/job.toml" --dir "$work/plan")
# The same job gives the same plan, byte for byte.
cp "$manifest" "$work/manifest.first"
"$tool" -q plan "$work/job.toml" --dir "$work/plan" >/dev/null
cmp -s "$manifest" "$work/manifest.first" || { echo "FAIL: planning twice gave different manifests"; diff "$manifest" "$work/manifest.first"; exit 1; }
expect_error "1 of 1 tasks are not complete: 0" "$tool" -q merge "$manifest"
expect_error "accessatlas run-task $manifest 0" "$tool" -q merge "$manifest"
expect_error "there is no task 5: the plan has 1 tasks" "$tool" -q run-task "$manifest" 5
# A damaged mode graph is refused by the worker, not used.
g="$work/plan/graphs/baseline-walk.aamode"
cp "$g" "$work/graph.bak"
printf 'X' | dd of="$g" bs=1 seek=100 conv=notrunc 2>/dev/null
expect_error "damaged (checksum mismatch)" "$tool" -q run-task "$manifest" 0
cp "$work/graph.bak" "$g"
"$tool" -q run-task "$manifest" 0
# A damaged result is computed again rather than trusted.
printf 'garbage' >>"$work/plan/tasks/00000-baseline-gp-walk-nearest.aatask"
"$tool" run-task "$manifest" 0 2>&1 | grep -q "1 computed, 0 already complete" || { echo "FAIL: a damaged task was trusted"; exit 1; }
"$tool" -q merge "$manifest"
[ -f "$work/out.gpkg" ] || { echo "FAIL: no output"; exit 1; }
# A facility moved after the plan (the routing inputs differ): refused, the output left as it
# was. (Names or supply may change: merge reads them afresh, routing does not use them.)
before=$(md5sum <"$work/out.gpkg")
/usr/bin/python3 - "$work/gp.geojson" <<'MOVE'
import json, sys
d = json.load(open(sys.argv[1]))
oakham = [f for f in d["features"] if f["properties"]["OrganisationID"] == "4732"][0]
oakham["geometry"]["coordinates"][0] += 0.003  # about 200 m east
json.dump(d, open(sys.argv[1], "w"))
MOVE
expect_error "have changed since the plan" "$tool" -q merge "$manifest"
[ "$(md5sum <"$work/out.gpkg")" = "$before" ] || { echo "FAIL: the output changed"; exit 1; }
echo "# edited" >>"$work/job.toml"
expect_error "the job file has changed since the plan" "$tool" -q run-task "$manifest" 0 --all
expect_error "the job file has changed since the plan" "$tool" -q merge "$manifest"
expect_error "not an Access Atlas manifest" "$tool" -q merge "$work/job.toml"
# A checksum edited by hand: named, not an uncaught exception.
sed 's/^inputs_hash = .*/inputs_hash = "not-a-checksum"/' "$manifest" >"$work/edited_manifest.toml"
expect_error "inputs_hash is 'not-a-checksum', not a checksum of 16 hexadecimal digits" "$tool" -q merge "$work/edited_manifest.toml"
echo "plan misuse: every case refused with what to do"
