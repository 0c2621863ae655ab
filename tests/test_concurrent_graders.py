"""Graders running side by side on one host give every student the grade of a grader alone.

Three ``course grade`` batches of the same class start at once with the same course.yml (so the
same sandbox uid base); each must lease sandbox uids of its own, and its clean-up must reach only
its own children. The scores of every batch must equal those of one batch run alone.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.batch_helpers import (
    COURSE_CLI,
    XDIST_WORKER,
    course_file,
    load,
    outcomes,
    run_grade,
    solution,
    write_class,
)

pytestmark = [pytest.mark.slow]

UID_BASE = 65400 + 100 * XDIST_WORKER
EX01, EX02, EX03 = "ex01_tensors", "ex02_assign", "ex03_tensor_ops"
SLOW_ADD = "\n\ndef add(a, b):\n    import time\n    time.sleep(0.5)\n    return tf.add(a, b)\n"
STRAY = "\n\nimport os, time\nif os.fork() == 0:\n    time.sleep(30)\n    os._exit(0)\n"  # a process left running after the student's grading: its own grader must kill it


def classroom() -> dict[str, dict[str, str]]:
    honest = {EX01: solution(EX01), EX02: solution(EX02), EX03: solution(EX03)}
    return {
        "honest-1": honest,
        "honest-2": honest,
        "slow": {**honest, EX03: solution(EX03) + SLOW_ADD},
        "leaves-a-process": {**honest, EX01: solution(EX01) + STRAY},
        "wrong-multiply": {
            **honest,
            EX03: solution(EX03) + "\n\ndef multiply(a, b):\n    return a + b\n",
        },
        "honest-3": honest,
    }


def test_three_concurrent_batches_give_the_scores_of_one_alone(tmp_path: Path):
    subs = tmp_path / "subs"
    students = classroom()
    write_class(subs, students)
    course = course_file(tmp_path / "course", UID_BASE)
    batches = [
        subprocess.Popen(
            [
                COURSE_CLI,
                "grade",
                str(subs),
                "--out",
                str(tmp_path / f"out{n}"),
                "--workers",
                "1",
                "--config",
                str(course),
            ],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    for batch in batches:
        _, stderr = batch.communicate(timeout=600)
        assert batch.returncode == 0, stderr[-3000:]
    alone = run_grade(subs, tmp_path / "alone", course, cwd=tmp_path)
    assert alone.returncode == 0, alone.stderr[-3000:]

    expected = {s: outcomes(load(tmp_path / "alone", s)) for s in students}
    assert (
        load(tmp_path / "alone", "honest-1")["score"]
        > load(tmp_path / "alone", "wrong-multiply")["score"]
    )
    for n in range(3):
        got = {s: outcomes(load(tmp_path / f"out{n}", s)) for s in students}
        assert got == expected, f"batch {n} differs from the batch run alone"
