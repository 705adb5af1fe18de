#!/usr/bin/python3
"""Runs every case of the bad-input corpus (tests/data/bad/cases/*) through the command-line
tool and checks: the exit code, the expected message fragment, no crash (no signal), and no
file left behind in the output folder (no temporary file, no half-written output).
Usage: run_bad_inputs.py ACCESSATLAS CASES_DIR WORK_DIR"""
import os
import shutil
import subprocess
import sys


def main(tool, cases_dir, work):
    passed, failed = 0, []
    for name in sorted(os.listdir(cases_dir)):
        folder = os.path.join(cases_dir, name)
        expect = dict(line.strip().split("=", 1) for line in open(os.path.join(folder, "expect.txt")) if "=" in line)
        out_dir = os.path.join(work, name)
        shutil.rmtree(out_dir, ignore_errors=True)
        os.makedirs(out_dir)
        output = expect.get("output") or os.path.join(out_dir, "out.gpkg")
        run = subprocess.run([tool, "run", "job.toml", "--out", output], cwd=folder, capture_output=True, text=True,
                             errors="replace", timeout=120)
        problems = []
        if run.returncode < 0:
            problems.append(f"killed by signal {-run.returncode} (crash)")
        elif run.returncode != int(expect["exit"]):
            problems.append(f"exit code {run.returncode}, expected {expect['exit']}")
        if expect["message"] not in run.stderr:
            problems.append(f"message lacks {expect['message']!r}")
        if "internal error" in run.stderr or "Sanitizer" in run.stderr or "runtime error" in run.stderr:
            problems.append("internal error or sanitizer report")
        left = sorted(os.listdir(out_dir))
        if int(expect["exit"]) != 0 and left:
            problems.append(f"files left behind: {left}")
        if int(expect["exit"]) == 0 and left != ["out.gpkg"]:
            problems.append(f"expected only out.gpkg, found {left}")
        if problems:
            failed.append(name)
            print(f"FAIL {name}: {'; '.join(problems)}\n  stderr: {run.stderr.strip()[-600:]}")
        else:
            passed += 1
            first = next((l for l in run.stderr.splitlines() if expect["message"] in l), "")
            print(f"ok   {name}: {first.strip()[:160]}")
    print(f"bad-input corpus: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
