"""Benchmark: `course check` for one exercise against TensorFlow's own import time.

The goal (issue 11, item 5): `course check ex01_tensors` takes at most TensorFlow's import time
plus one second. A check runs the student's code in a sandbox child, as `course grade` does, so
it pays one TensorFlow start-up (the zygote's); everything else must fit in the second.

Measured, each the median of ``--repeat`` runs, the two commands taking turns so that other load
on the host weighs on both alike:
* ``python -c "import tensorflow"`` with the environment the kit gives TensorFlow (QUIET_ENV);
* ``course check EXERCISE --path PATH`` (default: ex01_tensors on solutions/), whose exit code
  must be 0.

usage: .venv/bin/python bench/bench_check.py [--exercise ex01_tensors] [--path solutions]
       [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = Path(sys.executable).parent / "course"
GOAL_S = 1.0


def _seconds(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {run.returncode}:\n{run.stdout[-3000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercise", default="ex01_tensors")
    parser.add_argument("--path", default="solutions")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from grader.course.tfenv import QUIET_ENV

    env = {**os.environ, **QUIET_ENV}
    imports, checks = [], []
    for _ in range(args.repeat):
        imports.append(_seconds([sys.executable, "-c", "import tensorflow"], env))
        checks.append(_seconds([str(COURSE), "check", args.exercise, "--path", args.path], env))
    tf_s, check_s = statistics.median(imports), statistics.median(checks)
    print(f"import tensorflow            median {tf_s:6.2f} s  runs {_runs(imports)}")
    print(f"course check {args.exercise:<15} median {check_s:6.2f} s  runs {_runs(checks)}")
    verdict = "within" if check_s - tf_s <= GOAL_S else "OVER"
    print(
        f"difference                   {check_s - tf_s:+6.2f} s  ({verdict} the {GOAL_S:g} s goal)"
    )


def _runs(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
