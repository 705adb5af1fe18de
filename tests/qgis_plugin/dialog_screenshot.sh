#!/usr/bin/env bash
# The Access Atlas dialog in a real QGIS 3.22 desktop under Xvfb on a 1366x768 screen, driven
# as an officer would (tests/qgis_plugin/dialog_check.py): the dialog fits the screen, offers
# typed layers and leaves the fields it can guess empty, and a run from it with areas from a
# shapefile without .prj (CRS set in QGIS) succeeds with the fields guessed and said in the log.
# Then the Newport job file run from the *Run job file* dialog opens as a designed map: one group
# named after the job, the public-transport headline first and shown, the rest in a collapsed,
# unchecked sub-group, and the canvas drawn in colour.
# Writes dialog_1366x768.png, dialog_log.png, newport_map.png and newport_window.png.
# usage: dialog_screenshot.sh BUILD_DIR WORK_DIR
set -euo pipefail
build=$(realpath "$1"); work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"; mkdir -p "$work"
work=$(realpath "$work")
cmake --install "$build" --prefix "$work/prefix" >/dev/null
"$work/prefix/bin/accessatlas-qgis-enable" "$work/profiles/profiles/officer" >/dev/null
source "$here/../support/qgis_desktop.sh"
quiet_profile "$work/profiles/profiles/officer/QGIS/QGIS3.ini"
rutland="$(realpath "$here/../../data/rutland")"
mkdir -p "$work/no_prj"
ogr2ogr -t_srs EPSG:27700 "$work/no_prj/lsoa11.shp" "$rutland/boundaries/lsoa11.geojson"
rm "$work/no_prj/lsoa11.prj"
start_xvfb 1366x768
export ACCESSATLAS_DESKTOP_OUT="$work" ACCESSATLAS_RUTLAND="$rutland" ACCESSATLAS_NO_PRJ_SHAPEFILE="$work/no_prj/lsoa11.shp"
export ACCESSATLAS_NEWPORT_JOB="$(realpath "$here/../../data/newport/job.toml")"
timeout 280 qgis --nologo --noversioncheck --profiles-path "$work/profiles" --profile officer \
  --code "$here/dialog_check.py" >"$work/qgis.log" 2>&1 || true
[ -s "$work/dialog_result.json" ] || { echo "FAIL: QGIS wrote no result (see $work/qgis.log)"; tail -20 "$work/qgis.log"; exit 1; }
/usr/bin/python3 - "$work/dialog_result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps({k: v for k, v in r.items() if k != "log"}, indent=1))
assert not r["error"], r["error"]
d, ids = r["defaults"], r["layer_ids"]
# typed pickers: never a layer of the wrong kind (QGIS 3.22 starts a picker on the active layer
# when it fits, else leaves it empty: here the points for the facilities)
assert d["AREAS"] in (None, ids["areas"]), d
assert d["FACILITIES"] == ids["gp"], d
assert d["POPULATION"] in (None, ids["population"]), d
# fields the engine guesses start empty, not on the layer's first field (lsoa11_nam)
for name in ("AREA_CODE_FIELD", "POPULATION_CODE_FIELD", "POPULATION_FIELD"):
    assert d[name] in (None, "", "NULL", []), (name, d[name])
# the dialog fits a 1366x768 screen, with no sideways scrolling and no widget past the edge
x, y, w, h = r["dialog_frame"]
assert x >= 0 and y >= 0 and x + w <= 1366 and y + h <= 768, r["dialog_frame"]
assert r["horizontal_scroll_max"] == 0, r["horizontal_scroll_max"]
assert not r["overflow"], r["overflow"]
# the run from the dialog: the layer's CRS as set in QGIS, the fields guessed and said
assert r["areas_crs_as_read"] == "", r["areas_crs_as_read"]
assert r["finished"] and r["ok"], r.get("log", "")[-2000:]
log = r["log"]
# said with the dialog's labels, the copied layer by its QGIS name
assert "\"Area code field (empty: guessed)\" left empty: using 'lsoa11_cod' of layer 'lsoa11 (no .prj)' in QGIS" in log, log[-3000:]
assert "accessatlas_input" not in log, log[-3000:]  # temporary copies are named by their layer
assert "\"Population field (empty: guessed)\" left empty: using 'total_population'" in log, log[-3000:]
assert "no coordinate reference system" not in log, log[-3000:]
assert any(n.split(": ")[0] == "lsoa_access" for n in r["loaded_layers"]), r["loaded_layers"]
print("dialog: fits 1366x768, typed layers, guessed fields said in the log, CRS set in QGIS honoured")
# The Newport job from the Run job file dialog: a designed map.
assert r.get("job_finished") and r.get("job_ok"), r.get("job_log", "")[-2000:]
assert len(r["job_groups"]) == 1, r["job_groups"]
assert r["job_groups"][0].startswith("Access Atlas: Newport: access to health services by every mode"), r["job_groups"]
tree = r["job_tree"]
# The facilities on top, then the headline area map (both shown), then the rest tucked away.
facilities, headline, last = tree[0], tree[1], tree[-1]
assert facilities["kind"] == "layer" and facilities["checked"] and facilities["name"].startswith("facilities: "), facilities
assert headline["kind"] == "layer" and headline["checked"], headline
assert headline["name"].startswith("lsoa_access: ") and "public transport" in headline["name"], headline  # Newport opens on transit
assert r["headline"]["features"] > 0 and r["headline"]["renderer"] == "RuleRenderer", r["headline"]
assert len(r["headline"]["styles"]) >= 2, r["headline"]  # its other styles in the Styles menu
assert last["kind"] == "group" and last["name"] == "Supporting layers", last
assert not last["checked"] and not last["expanded"] and last["layers_checked"] and not any(last["layers_checked"]), last
assert sum(1 for c in tree if c["kind"] == "layer" and c["checked"]) == 2, tree  # one map shown at a time
assert r["job_layer_count"] >= 10, r["job_layer_count"]
# The map drawn where the canvas was zoomed to the areas: Newport's LSOAs fill about a third of
# it (the rest is background), the served ones in the ramp's colours, the others grey.
assert r["map_drawn_share"] > 0.2 and r["map_coloured_share"] > 0.04, (r["map_drawn_share"], r["map_coloured_share"])
print(f"Newport job: one group, '{headline['name']}' shown under the facilities, {r['job_layer_count']} layers, "
      f"{r['map_drawn_share']:.0%} of the canvas drawn, {r['map_coloured_share']:.0%} in colour")
PY
[ -s "$work/dialog_1366x768.png" ] || { echo "FAIL: no screenshot"; exit 1; }
