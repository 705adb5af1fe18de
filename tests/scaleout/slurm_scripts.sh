#!/usr/bin/env bash
# The Slurm scripts, run by a stand-in `sbatch` that executes each array element (and then
# the merge) at once, as Slurm would on a cluster: the merged output must equal a one-process
# run, and resubmitting the array must skip every complete task. No real Slurm is involved.
# usage: slurm_scripts.sh ACCESSATLAS SOURCE_DIR WORK_DIR
set -euo pipefail
tool=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work/bin"
data="$src/data/rutland"
source "$src/tests/scaleout/rutland_job.sh"
{ rutland_job_inputs "$data" "$work/unused.gpkg"; cat <<JOB
[analysis]
modes = ["walk", "drive"]
[e2sfca]
decay = "gaussian"
[[scenarios]]
name = "oakham_closes"
  [[scenarios.services]]
  service = "gp"
  remove = ["4732"]
JOB
} >"$work/job.toml"
# Stand-in sbatch: --array=A-B%M runs the script once per element; prints a job id.
cat >"$work/bin/sbatch" <<'FAKE'
#!/usr/bin/env bash
array="" script="" args=()
while [ $# -gt 0 ]; do
  case $1 in
    --array=*) array=${1#--array=}; shift ;;
    --*) shift ;;
    *) script=$1; shift; args=("$@"); break ;;
  esac
done
echo "$script ${args[*]} array=$array" >>"$SBATCH_LOG"
if [ -n "$array" ]; then
  range=${array%%%*}
  for i in $(seq "${range%-*}" "${range#*-}"); do SLURM_ARRAY_TASK_ID=$i bash "$script" "${args[@]}" >/dev/null; done
else
  bash "$script" "${args[@]}" >/dev/null 2>&1
fi
echo $RANDOM
FAKE
chmod +x "$work/bin/sbatch"
export SBATCH_LOG="$work/sbatch.log" ACCESSATLAS="$tool" PATH="$work/bin:$PATH"
"$tool" -q run "$work/job.toml" --out "$work/single.gpkg"
bash "$src/scaleout/slurm/accessatlas-slurm" "$work/job.toml" "$work/plan" --out "$work/merged.gpkg" --max-parallel 4
grep -q "run-task.sbatch $work/plan/manifest.toml array=0-11%4" "$SBATCH_LOG" || { echo "FAIL: unexpected array"; cat "$SBATCH_LOG"; exit 1; }
/usr/bin/python3 "$src/tests/outputs/same_gpkg.py" "$work/single.gpkg" "$work/merged.gpkg"
# Resubmitting computes nothing again.
out=$(SLURM_ARRAY_TASK_ID=2 ACCESSATLAS="$tool" bash -c "\"$tool\" run-task $work/plan/manifest.toml 2" 2>&1)
echo "$out" | grep -q "0 computed, 1 already complete" || { echo "FAIL: a complete task ran again: $out"; exit 1; }
echo "Slurm scripts: array of 12 tasks and a merge equal the one-process run"
