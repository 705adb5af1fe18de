#!/usr/bin/env bash
# Interrupts runs at several moments (SIGINT, SIGTERM, SIGKILL) and fills the "disk" (a
# file-size limit): a previous output must stay untouched and readable, and after SIGINT,
# SIGTERM or a write error no temporary file may remain. Prints how long each interrupted run
# took to stop. Usage: interrupt_and_disk_full.sh ACCESSATLAS WORK_DIR
set -uo pipefail
tool=$1
work=$2
job="$(cd "$(dirname "$0")" && pwd)/interrupt_job.toml"
rm -rf "$work" && mkdir -p "$work"
out="$work/out.gpkg"
"$tool" -q run "$job" --out "$out" || { echo "FAIL: the reference run failed"; exit 1; }
ref=$(sha256sum "$out" | cut -d' ' -f1)
fail=0
checks=0
check_intact() {
  local label=$1
  checks=$((checks + 1))
  if [ "$(sha256sum "$out" | cut -d' ' -f1)" != "$ref" ]; then
    # A run that finished before the signal replaces the output with a complete one.
    if ogrinfo -q -ro "$out" lsoa_access >/dev/null 2>&1; then
      ref=$(sha256sum "$out" | cut -d' ' -f1)
      echo "  $label: the run had finished; the new output is complete"
    else
      echo "FAIL $label: the previous output was damaged"
      fail=1
    fi
  fi
}
no_temp() {
  local label=$1
  local left
  left=$(find "$work" -maxdepth 1 -name '.*tmp*' | wc -l)
  if [ "$left" -ne 0 ]; then
    echo "FAIL $label: $left temporary files left"
    fail=1
  fi
}
for sig in INT TERM KILL; do
  for delay in 0.1 0.4 0.8 1.5 2.5; do
    "$tool" -q run "$job" --out "$out" 2>"$work/stderr.txt" &
    pid=$!
    sleep "$delay"
    t0=$(date +%s.%N)
    kill -s "$sig" "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    t1=$(date +%s.%N)
    label="SIG$sig after ${delay}s"
    printf '  %s: exit %s, stopped in %ss\n' "$label" "$rc" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
    check_intact "$label"
    if [ "$sig" != KILL ]; then
      no_temp "$label"
      # 130: cancelled cleanly. 143 (SIGTERM) is accepted only as the default action before
      # main() installs its handler (a slow start, e.g. under sanitizers); 0: it had finished.
      if [ "$rc" -ne 0 ] && [ "$rc" -ne 130 ] && { [ "$sig" != TERM ] || [ "$rc" -ne 143 ]; }; then
        echo "FAIL $label: exit code $rc"; fail=1
      fi
    else
      find "$work" -maxdepth 1 -name '.*tmp*' -delete  # SIGKILL cannot clean up; the output is what matters
    fi
  done
done
# Disk full: a 300 KB file-size limit makes the GeoPackage write fail.
( ulimit -f 300; "$tool" -q run "$job" --out "$out" 2>"$work/stderr.txt" )
rc=$?
checks=$((checks + 1))
if [ "$rc" -ne 1 ]; then echo "FAIL disk full: exit code $rc, expected 1"; cat "$work/stderr.txt"; fail=1; fi
grep -q "error:" "$work/stderr.txt" || { echo "FAIL disk full: no error message"; fail=1; }
echo "  disk full: $(head -c 200 "$work/stderr.txt")"
check_intact "disk full"
no_temp "disk full"
[ "$fail" -eq 0 ] && echo "interruptions: $checks passed, 0 failed" || { echo "interruptions: some checks failed"; exit 1; }
