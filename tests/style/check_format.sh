#!/usr/bin/env bash
# Every C++ source of ours is laid out as .clang-format says (clang-format 14 from Debian 12):
# the house style is checked, not argued. To fix a failure, run from the repository root:
#   clang-format -i $(git ls-files '*.cpp' '*.hpp')
# usage: check_format.sh REPOSITORY_ROOT
set -euo pipefail
cd "$1"
mapfile -t files < <(find core cli qgis_plugin tests bench \( -name '*.cpp' -o -name '*.hpp' \) -not -path '*/fuzz/corpus/*' | sort)
[ ${#files[@]} -gt 50 ] || { echo "FAIL: found only ${#files[@]} sources"; exit 1; }
clang-format --dry-run -Werror "${files[@]}"
echo "clang-format: ${#files[@]} files as .clang-format says"
