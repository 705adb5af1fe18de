#!/usr/bin/env bash
# The Newport sample through the command line: the README's job command, the nearest_service
# algorithm with the transit options (same numbers as the job's), and the job split into
# plan / run-task / merge, whose merged GeoPackage equals the one-process run bit for bit
# (each transit task reads the timetable and builds its walking legs itself).
# usage: newport_cli_and_scaleout.sh ACCESSATLAS SOURCE_DIR WORK_DIR
set -euo pipefail
tool=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
data="$src/data/newport"
"$tool" -q run "$data/job.toml" --out "$work/job.gpkg"

(cd "$data" && "$tool" -q nearest_service --network osm/newport-2023-06-13.osm.pbf --network_coverage osm/extract_box.geojson \
  --areas boundaries/lsoa11.geojson --area_code_field LSOA11CD --area_name_field LSOA11NM \
  --population tables/population_mid2020_lsoa11.csv --population_code_field lsoa11_code --population_field total_population \
  --origin_method centroids --origins origins/lsoa11_pop_weighted_centroids.geojson --origin_code_field lsoa11cd \
  --facilities services/gp_practices_ods_2019.geojson --facility_id_field practice_code --facility_name_field name --service_name gp \
  --modes walk,transit --gtfs gtfs/bus_bods_2024-03-05_newport.zip,gtfs/rail_2024-03-05.zip --transit_date 2024-03-05 \
  --transit_max_walk_min 20 --output "$work/cli.gpkg")
/usr/bin/python3 "$src/tests/outputs/compare_layers.py" "$work/job.gpkg" "$work/cli.gpkg" lsoa_access served \
  gp_transit_time_min gp_transit_p25_min gp_transit_p50_min gp_transit_p75_min gp_transit_best_min gp_transit_pct_15 gp_transit_pct_30 \
  gp_transit_count_15 gp_transit_unreached_pop gp_walk_time_min

# The distributed run: a smaller job (GPs, walk and transit, with catchments and E2SFCA).
/usr/bin/python3 - "$data/job.toml" "$work/small.toml" "$data" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = text.replace('modes = ["walk", "cycle", "drive", "transit"]', 'modes = ["walk", "transit"]')
# GPs only: drop the pharmacy and hospital services.
text = re.sub(r'\[\[services\]\]\nname = "pharmacy".*?(?=\n\[\[services\]\]|\n\[analysis\])', '', text, flags=re.S)
text = re.sub(r'\n\[\[services\]\]\nname = "hospital".*?(?=\n\[analysis\])', '', text, flags=re.S)
text = text.replace('output = "../../out/newport_access.gpkg"', 'output = "unused.gpkg"')
# Paths relative to the sample folder.
base = sys.argv[3]
text = re.sub(r'(path|coverage) = "(?!/)([^"]+)"', lambda m: f'{m.group(1)} = "{base}/{m.group(2)}"', text)
text = re.sub(r'feeds = \[([^\]]+)\]', lambda m: 'feeds = [' + ', '.join(f'"{base}/{p.strip().strip(chr(34))}"' for p in m.group(1).split(',')) + ']', text)
open(sys.argv[2], 'w').write(text)
PY
grep -q 'name = "pharmacy"' "$work/small.toml" && { echo "FAIL: the small job still has pharmacies"; exit 1; }
"$tool" -q run "$work/small.toml" --out "$work/single.gpkg"
"$tool" -q plan "$work/small.toml" --dir "$work/plan" --facilities-per-task 5
manifest="$work/plan/manifest.toml"
total=$(grep -c '^\[\[tasks\]\]' "$manifest")
for ((i = 0; i < total; i++)); do "$tool" -q run-task "$manifest" "$i"; done
"$tool" -q merge "$manifest" --out "$work/merged.gpkg"
/usr/bin/python3 "$src/tests/outputs/same_gpkg.py" "$work/single.gpkg" "$work/merged.gpkg"
echo "Newport: CLI algorithm = job; $total tasks merged = one process"
