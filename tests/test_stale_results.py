"""A result that no longer matches its inputs is graded again, never served.

``course grade`` skips a student who already has a results.json only when the student's files,
the course settings and the graders are the ones that result was computed from.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import grader
from grader.grading.batch import grade_class
from grader.grading.fingerprint import package_fingerprint, result_fingerprint
from tests.batch_helpers import ROOT, XDIST_WORKER, exercise_score, load, solution, write_class

EX01, EX03 = "ex01_tensors", "ex03_tensor_ops"
UID_BASE = 66200 + 100 * XDIST_WORKER


def test_fingerprint_follows_the_graders(tmp_path: Path):
    package = tmp_path / "grader"
    shutil.copytree(Path(grader.__file__).parent, package)
    before = package_fingerprint(package)
    hidden = package / "graders" / "hidden" / f"test_{EX01}.py"
    hidden.write_text(hidden.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert package_fingerprint(package) != before


def test_fingerprint_follows_the_graders_data_of_any_kind(tmp_path: Path):
    """Data beside the code changes results too: the weights a partial run scores by, the
    report templates, pytest's settings; bytecode caches do not."""
    package = tmp_path / "grader"
    shutil.copytree(Path(grader.__file__).parent, package)
    before = package_fingerprint(package)
    cache = package / "graders" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "stale.cpython-311.pyc").write_bytes(b"compiled")
    assert package_fingerprint(package) == before
    for data in ("graders/public/weights.json", "reports/templates/feedback.html.j2"):
        changed = package / data
        original = changed.read_bytes()
        changed.write_bytes(original + b"\n")
        assert package_fingerprint(package) != before, data
        changed.write_bytes(original)
    assert package_fingerprint(package) == before


def test_fingerprint_follows_files_settings_and_gpu(tmp_path: Path, config):
    folder = tmp_path / "s"
    write_class(tmp_path, {"s": {EX01: solution(EX01)}})
    first = result_fingerprint(config, folder, gpu=False)
    assert result_fingerprint(config, folder, gpu=False) == first
    assert result_fingerprint(config, folder, gpu=True) != first
    exercises = {**config.exercises, EX01: config.exercises[EX01].model_copy(update={"points": 20})}
    assert (
        result_fingerprint(config.model_copy(update={"exercises": exercises}), folder, gpu=False)
        != first
    )
    (folder / f"{EX01}.py").write_text(solution(EX01) + "\n# edited\n", encoding="utf-8")
    assert result_fingerprint(config, folder, gpu=False) != first
    (folder / f"{EX01}.ipynb").write_text("{}", encoding="utf-8")  # the notebook now wins
    assert result_fingerprint(config, folder, gpu=False) != first


@pytest.mark.slow
def test_rerun_grades_exactly_the_students_whose_inputs_changed(tmp_path: Path, config):
    subs, out = tmp_path / "subs", tmp_path / "out"
    wrong_ex03 = solution(EX03) + "\n\ndef multiply(a, b):\n    return a + b\n"
    write_class(subs, {"alice": {EX01: solution(EX01)}, "bob": {EX03: wrong_ex03}})
    grading = config.grading.model_copy(update={"sandbox_uid_base": UID_BASE})
    config = config.model_copy(update={"grading": grading})

    def grade(course=config):
        return grade_class(course, ROOT, subs, out, workers=1, force=False, gpu=False)

    assert sorted(grade().graded) == ["alice", "bob"]
    assert grade().skipped == ["alice", "bob"]  # nothing changed

    (subs / "bob" / f"{EX03}.py").write_text(solution(EX03), encoding="utf-8")  # bob fixes it
    rerun = grade()
    assert (rerun.graded, rerun.skipped) == (["bob"], ["alice"])
    score, maximum = exercise_score(load(out, "bob"), EX03)
    assert score == maximum > 0

    exercises = {**config.exercises, EX01: config.exercises[EX01].model_copy(update={"points": 20})}
    repointed = grade(config.model_copy(update={"exercises": exercises}))
    assert sorted(repointed.graded) == ["alice", "bob"]
    assert exercise_score(load(out, "alice"), EX01) == (20, 20)
