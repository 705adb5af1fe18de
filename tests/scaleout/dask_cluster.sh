#!/usr/bin/env bash
# A real Dask cluster on 127.0.0.1 (a scheduler and two workers, started here and stopped at
# the end) runs the Rutland plan with two scenarios. One worker is killed while tasks are still
# running: its task is rescheduled, and the merged GeoPackage must equal the one-process run
# bit for bit.
# usage: dask_cluster.sh ACCESSATLAS SOURCE_DIR WORK_DIR
set -euo pipefail
tool=$1 src=$2 work=$3
py=/usr/bin/python3
rm -rf "$work" && mkdir -p "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 -- "-$p" 2>/dev/null || true; done; }
trap cleanup EXIT

"$tool" -q run "$src/data/rutland/scenarios.toml" --out "$work/single.gpkg"
"$tool" -q plan "$src/data/rutland/scenarios.toml" --dir "$work/plan" --out "$work/merged.gpkg" --facilities-per-task 100 >/dev/null
total=$(grep -c '^\[\[tasks\]\]' "$work/plan/manifest.toml")

port=$($py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
addr="tcp://127.0.0.1:$port"
setsid dask scheduler --host 127.0.0.1 --port "$port" --dashboard-address :0 >"$work/scheduler.log" 2>&1 &
pids+=($!)
for name in worker_a worker_b; do
  setsid dask worker "$addr" --name "$name" --nthreads 1 --no-nanny --dashboard-address :0 >"$work/$name.log" 2>&1 &
  pids+=($!)
done
worker_a=${pids[1]}
for _ in $(seq 1 100); do
  grep -q "Registered to" "$work/worker_a.log" "$work/worker_b.log" 2>/dev/null &&
    [ "$(grep -l "Registered to" "$work"/worker_*.log | wc -l)" -eq 2 ] && break
  sleep 0.2
done
[ "$(grep -l "Registered to" "$work"/worker_*.log | wc -l)" -eq 2 ] || { echo "FAIL: the workers did not start"; cat "$work"/*.log; exit 1; }

# Each task is held 0.4 s on its worker, so worker A is always busy when it is killed.
$py "$src/scaleout/dask/accessatlas-dask" "$work/plan/manifest.toml" --scheduler "$addr" --accessatlas "$tool" --hold 0.4 \
  >"$work/driver.log" 2>&1 &
driver=$!
for _ in $(seq 1 300); do
  done_now=$(ls "$work/plan/tasks" | grep -c '\.aatask$' || true)
  [ "$done_now" -ge 3 ] && break
  sleep 0.1
done
kill -9 -- "-$worker_a"
wait "$worker_a" 2>/dev/null || true
echo "killed worker A after $done_now of $total tasks"
[ "$done_now" -lt "$total" ] || { echo "FAIL: every task was done before the worker was killed"; exit 1; }
wait "$driver" || { echo "FAIL: the driver failed"; cat "$work/driver.log"; exit 1; }
grep -q "all $total tasks complete" "$work/driver.log" || { echo "FAIL: not every task completed"; cat "$work/driver.log"; exit 1; }
after=$(grep -c "done on" "$work/driver.log")
[ "$after" -eq "$total" ] || { echo "FAIL: $after results for $total tasks"; exit 1; }
grep -Eq "Remove worker .*name: worker_a, .*processing: [1-9]" "$work/scheduler.log" ||
  { echo "FAIL: the scheduler did not lose worker A with a task in hand"; grep "Remove worker" "$work/scheduler.log"; exit 1; }
$py "$src/tests/outputs/same_gpkg.py" "$work/single.gpkg" "$work/merged.gpkg"
echo "the merged output equals the one-process run; the killed worker's task was rescheduled"
