#!/usr/bin/env bash
# Opens the HTML report in headless Chromium (Debian's chromium): no console message, no
# blocked or failed request, and the rendered page holds every map. Skipped by CMake when
# chromium is not installed. Usage: report_in_chromium.sh REPORT.html WORK_DIR
set -euo pipefail
report=$(realpath "$1")
work=$2
mkdir -p "$work"
rm -rf "$work/profile"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/profile" --enable-logging=stderr --v=0 \
  --virtual-time-budget=3000 --dump-dom "file://$report" >"$work/dom.html" 2>"$work/chromium.log" || true
if grep -E "CONSOLE|Uncaught|Refused to|net::ERR" "$work/chromium.log"; then
  echo "FAIL: console messages or blocked requests (see $work/chromium.log)"
  exit 1
fi
maps=$(grep -o '<svg class="map"' "$work/dom.html" | wc -l)
expected=$(grep -o '<svg class="map"' "$report" | wc -l)
if [ "$maps" -eq 0 ] || [ "$maps" -ne "$expected" ]; then
  echo "FAIL: Chromium rendered $maps maps, the file has $expected"
  exit 1
fi
echo "report rendered by Chromium: $maps maps, no console message, no request"
