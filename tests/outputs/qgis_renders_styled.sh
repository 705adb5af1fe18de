#!/usr/bin/env bash
# Opens the output GeoPackage in a real QGIS 3.22 desktop (no Access Atlas plugin) under Xvfb,
# renders lsoa_access with `qgis --snapshot`, and checks the picture shows the embedded style:
# several colours, among them the ColorBrewer YlOrRd classes. Skipped by CMake when qgis or
# Xvfb are not installed. Usage: qgis_renders_styled.sh OUTPUT.gpkg WORK_DIR [PNG_COPY]
set -euo pipefail
gpkg=$(realpath "$1")
work=$2
source "$(dirname "$0")/../support/qgis_desktop.sh"
quiet_profile "$work/profiles/profiles/test/QGIS/QGIS3.ini"
start_xvfb 1280x1024
rm -f "$work/snapshot.png"
timeout 120 qgis --nologo --noversioncheck --noplugins --profiles-path "$work/profiles" --profile test \
  --width 900 --height 700 --snapshot "$work/snapshot.png" "$gpkg|layername=lsoa_access" >"$work/qgis.log" 2>&1 || true
[ -s "$work/snapshot.png" ] || { echo "FAIL: QGIS wrote no snapshot (see $work/qgis.log)"; exit 1; }
colours=$(convert "$work/snapshot.png" -format %k info:)
# YlOrRd classes of the default style (gp_walk_time_min): the darkest and a middle one.
dark=$(convert "$work/snapshot.png" -fill black +opaque "rgb(189,0,38)" -fill white -opaque "rgb(189,0,38)" -format "%[fx:mean*w*h]" info:)
mid=$(convert "$work/snapshot.png" -fill black +opaque "rgb(240,59,32)" -fill white -opaque "rgb(240,59,32)" -format "%[fx:mean*w*h]" info:)
echo "snapshot: $colours colours; $dark px of the 60+ min class, $mid px of the 45-60 min class"
[ "$colours" -gt 8 ] || { echo "FAIL: the picture is (nearly) single-coloured"; exit 1; }
awk -v d="$dark" -v m="$mid" 'BEGIN { exit !(d > 100 && m > 100) }' || { echo "FAIL: the style's class colours are missing"; exit 1; }
[ -z "${3:-}" ] || cp "$work/snapshot.png" "$3"
echo "QGIS rendered lsoa_access styled from the GeoPackage alone"
