#!/usr/bin/env bash
# Every sample job's GeoPackage as its stored digest (tests/outputs/digests/): a refactoring
# that changes no result passes; a change of results fails here, naming the layers, until the
# digests are written again on purpose.
# usage: samples_unchanged.sh ACCESSATLAS SOURCE_DIR WORK_DIR [--write]
set -euo pipefail
tool=$1 src=$2 work=$3 write=${4:-}
rm -rf "$work" && mkdir -p "$work"
status=0
for job in rutland/job rutland/scenarios newport/job leicester/exclusion trafford/greenspace; do
  name=${job//\//_}
  "$tool" -q run "$src/data/$job.toml" --out "$work/$name.gpkg"
  /usr/bin/python3 "$src/tests/outputs/digest_gpkg.py" "$work/$name.gpkg" "$src/tests/outputs/digests/$name.digest" --root "$src" $write || status=1
done
exit $status
