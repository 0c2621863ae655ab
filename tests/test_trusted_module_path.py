"""Nothing of a student is imported by a trusted process, wherever ``course grade`` starts.

Run from inside the submissions folder, an interpreter started with ``-c``/``-m`` puts the
working directory first on ``sys.path``; a student folder named like a module that the worker,
the zygote or the GPU probe imports lazily would then run as the grading user (root in the
grading container). Each such folder here writes a marker when imported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.batch_helpers import XDIST_WORKER, course_file, exercise_score, load, run_grade, solution

pytestmark = [pytest.mark.slow]

EX01 = "ex01_tensors"
# stdlib, third-party and kit modules that grading processes import after start-up
SHADOWING_NAMES = (
    "code", "heapq", "pprint", "multiprocessing", "json", "random", "numpy", "tensorflow",
    "grader", "pytest", "subprocess", "socket", "typing_extensions", "six", "wrapt",
)  # fmt: skip
UID_BASE = 65000 + 100 * XDIST_WORKER


def test_grading_from_inside_the_submissions_folder_imports_no_student_module(tmp_path: Path):
    subs, markers = tmp_path / "subs", tmp_path / "markers"
    markers.mkdir(mode=0o777)
    markers.chmod(0o777)  # a sandbox child could write too: no process may import these
    for name in SHADOWING_NAMES:
        package = subs / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(
            f"open({str(markers / name)!r}, 'w').close()\n", encoding="utf-8"
        )
        (package / f"{EX01}.py").write_text(solution(EX01), encoding="utf-8")
    course = course_file(tmp_path / "course", UID_BASE)

    result = run_grade(".", "../out", course, cwd=subs, workers=2)

    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(p.name for p in markers.iterdir()) == []
    for name in SHADOWING_NAMES:
        score, maximum = exercise_score(load(tmp_path / "out", name), EX01)
        assert score == maximum > 0, name
