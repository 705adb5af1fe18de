#!/usr/bin/env bash
# QGIS's own batch runner runs accessatlas:nearest_service through the Python bridge, in a
# throw-away profile, and its output equals the command-line tool's for the same parameters.
# usage: qgis_process_run.sh BRIDGE_PLUGINS_DIR WORK_DIR ACCESSATLAS   (run from data/rutland)
set -euo pipefail
bridge="$1"; work="$2"; cli="$3"
rm -rf "$work"; mkdir -p "$work/home"
export HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" QT_QPA_PLATFORM=offscreen QGIS_PLUGINPATH="$bridge"
qp=/usr/bin/qgis_process.bin   # Debian's qgis_process wrapper script is broken in 3.22.16
"$qp" plugins enable accessatlas_bridge >/dev/null 2>&1
"$qp" list 2>/dev/null | grep -q "accessatlas:nearest_service" || { echo "FAIL: qgis_process does not list accessatlas:nearest_service"; exit 1; }
args=(NETWORK=osm/rutland-2018-02-27.osm.pbf AREAS=boundaries/lsoa11.geojson AREA_CODE_FIELD=lsoa11_code
      POPULATION=tables/population_mid2020_lsoa11_single_year_age.csv POPULATION_CODE_FIELD=lsoa11_code POPULATION_FIELD=total_population
      FACILITIES=services/nhs_choices_2014_gp.geojson FACILITY_ID_FIELD=OrganisationID SERVICE_NAME=gp)
"$qp" --json run accessatlas:nearest_service -- "${args[@]}" OUTPUT="$work/qgis_process.gpkg" > "$work/result.json" 2> "$work/log.txt" \
  || { cat "$work/log.txt"; echo "FAIL: qgis_process run failed"; exit 1; }
grep -q '"OUTPUT"' "$work/result.json" || { echo "FAIL: no OUTPUT in the JSON result"; cat "$work/result.json"; exit 1; }
"$cli" -q nearest_service --network osm/rutland-2018-02-27.osm.pbf --areas boundaries/lsoa11.geojson --area_code_field lsoa11_code \
  --population tables/population_mid2020_lsoa11_single_year_age.csv --population_code_field lsoa11_code --population_field total_population \
  --facilities services/nhs_choices_2014_gp.geojson --facility_id_field OrganisationID --service_name gp --output "$work/cli.gpkg"
/usr/bin/python3 "$(dirname "$0")/../outputs/compare_layers.py" "$work/qgis_process.gpkg" "$work/cli.gpkg" lsoa_access \
  gp_walk_time_min gp_drive_time_min gp_walk_pct_15 gp_drive_pct_30 gp_walk_unreached_pop
echo "qgis_process run accessatlas:nearest_service: same lsoa_access as the command-line tool"
