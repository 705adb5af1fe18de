#!/usr/bin/env bash
# The plugin in a real QGIS 3.22 desktop under Xvfb, installed the way an officer would:
# cmake --install into a prefix, accessatlas-qgis-enable for a fresh profile, then QGIS starts
# with the plugin enabled, shows the provider in the Processing Toolbox and runs an algorithm
# (tests/qgis_plugin/desktop_check.py). Writes qgis_desktop.png (docs/images/ with --copy).
# usage: desktop_screenshot.sh BUILD_DIR WORK_DIR [PNG_COPY]
set -euo pipefail
build=$(realpath "$1"); work=$2; copy=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"; mkdir -p "$work"
work=$(realpath "$work")
cmake --install "$build" --prefix "$work/prefix" >/dev/null
"$work/prefix/bin/accessatlas-qgis-enable" "$work/profiles/profiles/officer" >/dev/null  # QGIS keeps profiles in <profiles-path>/profiles/<name>
grep -q "libaccessatlasplugin=true" "$work/profiles/profiles/officer/QGIS/QGIS3.ini" || { echo "FAIL: the helper did not enable the plugin"; exit 1; }
source "$here/../support/qgis_desktop.sh"
quiet_profile "$work/profiles/profiles/officer/QGIS/QGIS3.ini"
start_xvfb 1400x900
export ACCESSATLAS_DESKTOP_OUT="$work" ACCESSATLAS_RUTLAND="$(realpath "$here/../../data/rutland")"
timeout 180 qgis --nologo --noversioncheck --profiles-path "$work/profiles" --profile officer \
  --code "$here/desktop_check.py" >"$work/qgis.log" 2>&1 || true
[ -s "$work/desktop_result.json" ] || { echo "FAIL: QGIS wrote no result (see $work/qgis.log)"; tail -20 "$work/qgis.log"; exit 1; }
cat "$work/desktop_result.json"
/usr/bin/python3 - "$work/desktop_result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert not r["error"], r["error"]
assert r["provider"], "no accessatlas provider in the desktop's Processing registry"
assert "accessatlas:nearest_service" in r["algorithms"] and "accessatlas:run_job" in r["algorithms"], r["algorithms"]
assert r["menu"], "no Access Atlas entry in the Plugins menu"
base = lambda name: name.split(": ")[0]
assert "lsoa_access" in [base(n) for n in r["loaded_layers"]], r["loaded_layers"]
# the legend names the indicator, mode and units; the layer's metadata is visible in QGIS
assert "gp on foot (minutes)" in r.get("headline_name", ""), r.get("headline_name")
md = r.get("metadata", {})
assert md.get("title") and "Method:" in md.get("abstract", ""), md
assert any(h.startswith("Software: Access Atlas") for h in md.get("history", [])), md
assert any("OpenStreetMap" in x for x in md.get("rights", [])), md
assert any(g.startswith("Access Atlas: ") for g in r["groups"]), r["groups"]
assert r.get("renderer") == "RuleRenderer", r.get("renderer")
# a designed map: facilities (points) above the headline area layer, both ticked; the rest in an
# unticked sub-group at the bottom
children = r.get("group_children", [])
assert [base(c[0]) for c in children[:2]] == ["facilities", "lsoa_access"], children
assert children[0][1] and children[1][1], children
assert children[-1] == ["Supporting layers", False], children
assert "lsoa_access" in [base(n) for n in r.get("layers_at_end", [])], r.get("layers_at_end")
print("desktop QGIS: provider listed, algorithm run, layers loaded styled in a group")
PY
[ -s "$work/qgis_desktop.png" ] || { echo "FAIL: no screenshot"; exit 1; }
[ -z "$copy" ] || cp "$work/qgis_desktop.png" "$copy"
