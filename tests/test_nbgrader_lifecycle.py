"""The stock nbgrader flow on the generated course, with the real ``nbgrader`` commands.

generate_assignment → release_assignment → fetch_assignment / submit (three students: the
reference, the untouched stub, a partly correct one) → collect → autograde → generate_feedback
→ export, in temporary folders, on a subset of the exercises to keep CI fast. Also:
``nbgrader validate`` on a filled-in and on an untouched release notebook, and that nothing a
student receives (release notebooks, feedback) holds hidden test code or solution code.

The helpers here are shared with ``test_nbgrader_postgres.py``.
"""

from __future__ import annotations

import csv
import html
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Literal

import nbformat
import pytest

from grader.build.notebooks import build_notebook, collect_weights, notebook_json, split_points
from grader.build.stubs import BEGIN, END
from grader.course.config import CourseConfig
from grader.course.tfenv import QUIET_ENV
from grader.nbgrader.config import render_nbgrader_config

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SUBSET = ("ex01_tensors", "ex02_assign")  # quick to run, yet two notebooks per student
COURSE_ID_ARGS: list[str] = []


# ---------------------------------------------------------------------- helpers
def nbgrader_env(*, quiet: bool = True) -> dict[str, str]:
    """Environment for nbgrader subprocesses; ``quiet=False`` drops the quiet-TF variables, as on
    a student's hub where nobody set them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "JUPYTER_"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    if not quiet:
        for key in QUIET_ENV:
            env.pop(key, None)
    return env


def nbgrader(cwd: Path, *args: str, quiet: bool = True, timeout: int = 600) -> str:
    """Run one nbgrader command; fail the test with its output when it fails."""
    started = time.monotonic()
    result = subprocess.run(
        [str(BIN / "nbgrader"), *args], cwd=cwd, env=nbgrader_env(quiet=quiet),
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    output = result.stdout + result.stderr
    print(f"nbgrader {args[0]}: {time.monotonic() - started:.1f}s")
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{output[-6000:]}"
    return output


def make_course(
    base: Path,
    config: CourseConfig,
    exercises: tuple[str, ...],
    *,
    db_url: str | None = None,
    autograde: Literal["sandbox", "stock"] = "stock",
) -> Path:
    """A course root in ``base``: course.yml, nbgrader_config.py (exchange in ``base``, the
    ``autograde`` executor: these tests exercise the stock one unless told otherwise) and the
    source notebooks of ``exercises``, built from the solutions as ``course build`` does."""
    nb = config.nbgrader.model_copy(
        update={
            "exchange_root": str(base / "exchange"),
            "autograde": autograde,
            **({"db_url": db_url} if db_url else {}),
        }
    )
    config = config.model_copy(update={"nbgrader": nb})
    course = base / "course"
    folder = course / "source" / config.nbgrader.assignment
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "course.yml", course / "course.yml")
    (course / "nbgrader_config.py").write_text(render_nbgrader_config(config), encoding="utf-8")
    weights = collect_weights(list(exercises))
    for exercise in exercises:
        text = (ROOT / "solutions" / f"{exercise}.py").read_text(encoding="utf-8")
        split = split_points(config.points(exercise), weights[exercise])
        notebook = build_notebook(text, exercise, split, config.course.language)
        (folder / f"{exercise}.ipynb").write_text(notebook_json(notebook), encoding="utf-8")
    return course


def answers(source_notebook: Path) -> dict[str, str]:
    """grade_id → the reference source of each autograded-answer cell."""
    notebook = nbformat.read(source_notebook, as_version=4)
    return {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }


def fill_in(release_notebook: Path, reference: dict[str, str], keep: int | None = None) -> None:
    """Answer the release notebook with the reference code (only the first ``keep`` answers)."""
    notebook = nbformat.read(release_notebook, as_version=4)
    filled = 0
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in reference and (keep is None or filled < keep):
            cell.source = reference[grade_id]
            filled += 1
    nbformat.write(notebook, release_notebook)


def solution_lines(exercises: tuple[str, ...]) -> list[str]:
    """Distinctive lines of answer code (between the solution markers) that appear nowhere
    outside the markers in any of the solution files (the explanations quote some code)."""
    inside: list[str] = []
    outside: list[str] = []
    for exercise in exercises:
        text = (ROOT / "solutions" / f"{exercise}.py").read_text(encoding="utf-8")
        block = False
        for line in text.splitlines():
            if line.strip() == BEGIN:
                block = True
            elif line.strip() == END:
                block = False
            else:
                (inside if block else outside).append(line.strip())
    lines = [ln for ln in inside if len(ln) > 12 and not any(ln in o for o in outside)]
    assert lines
    return lines


def hidden_grader_lines(exercises: tuple[str, ...]) -> list[str]:
    """Distinctive code lines of the hidden graders: found nowhere else in the package."""
    shared = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "grader").rglob("*.py")
        if "hidden" not in p.relative_to(ROOT / "grader").parts
    )  # fmt: skip
    lines = []
    for exercise in exercises:
        text = (ROOT / "grader" / "graders" / "hidden" / f"test_{exercise}.py").read_text(
            encoding="utf-8"
        )
        lines += [
            ln.strip() for ln in text.splitlines()
            if len(ln.strip()) > 25 and ln.strip() not in shared
            and not ln.strip().startswith(("#", "from ", "import", '"""'))
        ]  # fmt: skip
    assert lines
    return lines


def visible_text(path: Path) -> str:
    """What a reader of the file sees: HTML tags stripped and entities decoded."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    elif path.suffix == ".ipynb":
        notebook = nbformat.reads(text, as_version=4)
        text = "\n".join(c.source for c in notebook.cells)
    return text


def assert_nothing_secret(path: Path, exercises: tuple[str, ...], *, solutions: bool) -> None:
    text = visible_text(path)
    assert "HIDDEN TESTS" not in text, path
    assert 'visibility="hidden"' not in text, path
    leaked = [line for line in hidden_grader_lines(exercises) if line in text]
    assert not leaked, f"{path} shows hidden grader code: {leaked[:3]}"
    if solutions:
        shown = [line for line in solution_lines(exercises) if line in text]
        assert not shown, f"{path} shows solution code: {shown[:3]}"


def read_grades(course: Path) -> dict[str, dict[str, str]]:
    with (course / "grades.csv").open(encoding="utf-8") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


# ---------------------------------------------------------------------- the flow
STUDENTS = ("reference", "stub", "partial")


@pytest.mark.slow
def test_stock_nbgrader_lifecycle(tmp_path: Path, config: CourseConfig) -> None:
    assignment = config.nbgrader.assignment
    course = make_course(tmp_path, config, SUBSET)
    course_id = ["--course", config.course.id]

    nbgrader(course, "generate_assignment", assignment)
    nbgrader(course, "release_assignment", assignment)
    release = course / "release" / assignment
    for exercise in SUBSET:
        assert_nothing_secret(release / f"{exercise}.ipynb", SUBSET, solutions=True)

    for student in STUDENTS:
        home = tmp_path / "students" / student
        home.mkdir(parents=True)
        exchange = [
            f"--Exchange.root={tmp_path / 'exchange'}",
            f"--Exchange.cache={home / '.cache'}",
        ]
        nbgrader(home, "fetch_assignment", assignment, *course_id, *exchange, quiet=False)
        for exercise in SUBSET:
            fetched = home / assignment / f"{exercise}.ipynb"
            assert_nothing_secret(fetched, SUBSET, solutions=True)
            reference = answers(course / "source" / assignment / f"{exercise}.ipynb")
            if student == "reference":
                fill_in(fetched, reference)
            elif student == "partial" and exercise == SUBSET[0]:
                fill_in(fetched, reference, keep=2)
        nbgrader(home, "submit", assignment, *course_id, *exchange, f"--student={student}")

    # A student's own check: nbgrader validate, without the quiet-TF environment.
    first = f"{SUBSET[0]}.ipynb"
    passed = nbgrader(
        tmp_path / "students" / "reference" / assignment, "validate", first, quiet=False
    )
    assert "Success! Your notebook passes all the tests." in passed, passed
    failed = nbgrader(tmp_path / "students" / "stub" / assignment, "validate", first, quiet=False)
    assert "VALIDATION FAILED" in failed, failed

    nbgrader(course, "collect", assignment)
    nbgrader(course, "autograde", assignment)
    nbgrader(course, "generate_feedback", assignment)
    nbgrader(course, "export")

    grades = read_grades(course)
    maximum = sum(config.points(e) for e in SUBSET)
    assert set(grades) == set(STUDENTS)
    for row in grades.values():
        assert float(row["max_score"]) == pytest.approx(maximum)
    assert float(grades["reference"]["score"]) == pytest.approx(maximum)
    assert float(grades["stub"]["score"]) == 0
    assert 0 < float(grades["partial"]["score"]) < config.points(SUBSET[0])

    for student in STUDENTS:
        for exercise in SUBSET:
            feedback = course / "feedback" / student / assignment / f"{exercise}.html"
            assert feedback.is_file(), feedback
            assert_nothing_secret(feedback, SUBSET, solutions=student == "stub")
    feedback = course / "feedback" / "reference" / assignment / f"{SUBSET[0]}.html"
    reference_feedback = visible_text(feedback)
    assert "숨겨진 테스트" in reference_feedback  # the hidden cell ran and reported
