"""No notebook stops ``nbgrader autograde``, and kernel-style notebooks score alike on both paths.

One class, autograded with the real ``nbgrader`` commands by the stock ``Execute`` and by the
sandboxed executor, from the same submissions (students are graded in name order, so the broken
notebooks come first):

- ``a_jupyterlab``: the reference answers in a notebook as JupyterLab leaves it: an answer cell
  split in two (both halves carry the cell's metadata), a copy of the public test cell, a cell
  with ``"nbgrader": {}``, a hostile cell reusing the public test's grade id with 100 points,
  IPython-only input (``display``, ``tf.ones?``, ``%timeit``, ``!echo``, a continuation line
  starting with ``%``) and a demonstration cell that runs longer than ``import_s``;
- ``b_damaged``: an ex01 file that is not JSON, and a correct ex02;
- ``c_honest``: the reference ex01.

Before the fix the stock run stopped at the first student (``SchemaTooOldError``) and the
damaged file cost ``b_damaged`` their ex02. Now every notebook is graded, the JupyterLab notebook
and the honest ones earn full points on both paths, the damaged file 0 on both.

The fast tests below put every kind of damaged nbgrader metadata through the sanitizing steps
against a small gradebook.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.preprocessors import CheckCellMetadata, OverwriteCells
from nbgrader.utils import compute_checksum
from traitlets.config import Config

from grader.course.config import CourseConfig
from grader.nbgrader.config import render_nbgrader_config
from grader.nbgrader.preprocessors import RestoreCellMetadata, TolerantNotebookExporter
from tests.test_nbgrader_lifecycle import BIN, answers, fill_in, make_course, nbgrader

EX01, EX02 = "ex01_tensors", "ex02_assign"
UID_BASE = 63000  # sandbox uids of this module's autograde (course.yml's are 61000+)
DEMO_S = 4  # the demonstration cell: longer than the test course's import_s
SUBMISSIONS = {"a_jupyterlab": (EX01,), "b_damaged": (EX01, EX02), "c_honest": (EX01,)}
KERNEL_FORMS = (
    "first = make_ones((2,))\n"
    "display(first)\n"
    "tf.ones?\n"
    "%timeit make_zeros((2,))\n"
    "!echo this line is a shell command\n"
    "remainder = (7\n"
    "% 4)\n"
    "assert remainder == 3\n"
)


def course_yml(import_s: int) -> str:
    text = (Path(__file__).resolve().parent.parent / "course.yml").read_text(encoding="utf-8")
    replaced = text.replace("sandbox_uid_base: 61000", f"sandbox_uid_base: {UID_BASE}")
    replaced = replaced.replace("import_s: 20", f"import_s: {import_s}")
    assert replaced.count(str(UID_BASE)) == 1 and f"import_s: {import_s}" in replaced
    return replaced


def jupyterlab_notebook(path: Path) -> None:
    """Reshape a filled-in notebook the way JupyterLab editing (and a hostile cell) can."""
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    answer = next(c for c in cells if c.metadata.get("nbgrader", {}).get("solution"))
    first_def, _, rest = answer.source.partition("\n\n\ndef ")
    assert rest, "the first answer cell defines two functions"
    answer.source = first_def
    second = nbformat.v4.new_code_cell(
        "def " + rest, metadata=json.loads(json.dumps(answer.metadata))
    )
    public = next(
        c
        for c in cells
        if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("public_tests")
    )
    copied_test = nbformat.v4.new_code_cell(
        public.source, metadata=json.loads(json.dumps(public.metadata))
    )
    empty_meta = nbformat.v4.new_code_cell("noted = True", metadata={"nbgrader": {}})
    demo = nbformat.v4.new_code_cell(f"import time\ntime.sleep({DEMO_S})")
    kernel = nbformat.v4.new_code_cell(KERNEL_FORMS)
    index = cells.index(answer)
    cells[index + 1 : index + 1] = [second, kernel, empty_meta, demo]
    cells.insert(cells.index(public), copied_test)
    hostile_meta = dict(public.metadata["nbgrader"], points=100.0)
    cells.append(nbformat.v4.new_code_cell("100.0", metadata={"nbgrader": hostile_meta}))
    nbformat.write(notebook, path)


def submit(course: Path, assignment: str) -> None:
    for student, exercises in SUBMISSIONS.items():
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text("2025-03-01 10:00:00.000000 UTC")
        for exercise in exercises:
            path = folder / f"{exercise}.ipynb"
            shutil.copy(course / "release" / assignment / path.name, path)
            fill_in(path, answers(course / "source" / assignment / path.name))
            if student == "a_jupyterlab":
                jupyterlab_notebook(path)
            elif student == "b_damaged" and exercise == EX01:
                path.write_text(path.read_text(encoding="utf-8")[:-200], encoding="utf-8")


def scores(course: Path, course_id: str, assignment: str) -> dict[tuple[str, str], float]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id) as gradebook:
        return {
            (student, notebook.name): notebook.score
            for student in SUBMISSIONS
            for notebook in gradebook.find_submission(assignment, student).notebooks
        }


@pytest.mark.slow
def test_no_notebook_stops_the_batch_and_both_paths_agree(
    tmp_path: Path, config: CourseConfig
) -> None:
    assignment, course_id = config.nbgrader.assignment, config.course.id
    courses = {
        path: make_course(tmp_path / path, config, (EX01, EX02), autograde=path)
        for path in ("stock", "sandbox")
    }
    for course in courses.values():
        (course / "course.yml").write_text(course_yml(import_s=2), encoding="utf-8")
    nbgrader(courses["stock"], "generate_assignment", assignment)
    shutil.copy(courses["stock"] / "gradebook.db", courses["sandbox"] / "gradebook.db")
    shutil.copytree(courses["stock"] / "release", courses["sandbox"] / "release")
    seconds, found = {}, {}
    for path, course in courses.items():
        submit(course, assignment)
        started = time.monotonic()
        log = nbgrader(course, "autograde", assignment)
        seconds[path] = time.monotonic() - started
        assert "is not a readable notebook" in log and "nbgrader metadata dropped" in log
        found[path] = scores(course, course_id, assignment)
    print(f"autograde wall time of the class: {seconds}")
    print(f"scores: {found}")

    full = {EX01: config.points(EX01), EX02: config.points(EX02)}
    expected = {
        ("a_jupyterlab", EX01): full[EX01],
        ("b_damaged", EX01): 0.0,
        ("b_damaged", EX02): full[EX02],
        ("c_honest", EX01): full[EX01],
    }
    for path in courses:
        assert {key: found[path].get(key) for key in expected} == expected, path
    damaged = courses["sandbox"] / "autograded" / "b_damaged" / assignment / f"{EX01}.ipynb"
    assert "읽을 수 없어 이 노트북은 0점입니다" in damaged.read_text(encoding="utf-8")


# ---------------------------------------------------------------------- the pieces, fast
TEST_SOURCE = "run_tests('ex01_tensors', globals(), points=4.0)"


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, **extra: object) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3}
    return {**meta, "solution": solution, "task": False, **extra}


@pytest.fixture
def resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """A gradebook holding one notebook: an answer cell and a 4-point test cell."""
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")  # alembic
    db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    test = nbformat.v4.new_code_cell(TEST_SOURCE)
    test.metadata["nbgrader"] = _meta("tests", grade=True, solution=False, locked=True, points=4.0)
    with Gradebook(db_url) as gradebook:
        gradebook.add_assignment("ch03")
        gradebook.add_notebook(EX01, "ch03")
        gradebook.add_solution_cell("answer", EX01, "ch03")
        gradebook.add_source_cell("answer", EX01, "ch03", cell_type="code", locked=False,
                                  source="", checksum="0" * 32)  # fmt: skip
        gradebook.add_grade_cell("tests", EX01, "ch03", max_score=4.0, cell_type="code")
        gradebook.add_source_cell("tests", EX01, "ch03", cell_type="code", locked=True,
                                  source=TEST_SOURCE, checksum=compute_checksum(test))  # fmt: skip
    notebook = {"notebook": EX01, "assignment": "ch03", "db_url": db_url, "student": "kim"}
    return {"nbgrader": notebook}


def _cell(source: str, nbgrader: object = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    if nbgrader is not None:
        cell.metadata["nbgrader"] = nbgrader
    return cell


def test_damaged_metadata_never_fails_the_check(resources: dict) -> None:
    answer = _meta("answer", grade=False, solution=True, locked=False)
    test = _meta("tests", grade=True, solution=False, locked=True, points=4.0)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        _cell("x = 1", {}),  # what DeduplicateIds leaves on a duplicate
        _cell("def f():", answer),  # the first half of a split answer cell
        _cell("    return 1", answer),
        _cell("y = 2", "not a mapping"),
        _cell("z = 3", {"grade": True, "points": 9}),  # no grade id
        _cell("w = 4", _meta("unknown", grade=True, solution=False, locked=True, points=5)),
        _cell(TEST_SOURCE, test),  # a copied test cell
        _cell("10.0", dict(test, points=100.0, grade=False, schema_version=1)),  # the last copy
    ]
    restore, overwrite = RestoreCellMetadata(), OverwriteCells()
    for step in (restore, overwrite, CheckCellMetadata()):
        notebook, _ = step.preprocess(notebook, resources)
    kept = [c.metadata.get("nbgrader", {}).get("grade_id") for c in notebook.cells]
    assert kept == [None, None, "answer", None, None, None, None, "tests"]
    last = notebook.cells[-1]
    assert last.source == TEST_SOURCE and last.metadata.nbgrader.points == 4.0
    assert last.metadata.nbgrader.grade and last.metadata.nbgrader.schema_version == 3


def test_file_that_is_not_a_notebook_becomes_a_zero_placeholder(
    resources: dict, tmp_path: Path
) -> None:
    exporter = TolerantNotebookExporter()
    for damaged in ('{"cells": [', "[1, 2]", "\ufeff\x00garbage", "[" * 50_000):
        path = tmp_path / f"{EX01}.ipynb"
        path.write_text(damaged, encoding="utf-8")
        output, _ = exporter.from_filename(str(path), resources=dict(resources))
        notebook = nbformat.reads(output, as_version=4)
        assert "0점입니다" in notebook.cells[0].source
        assert [c.source for c in notebook.cells[1:]] == [TEST_SOURCE]
        assert notebook.cells[1].metadata.nbgrader.points == 4.0


@pytest.mark.parametrize("autograde", ["sandbox", "stock"])
def test_generated_config_sanitizes_on_both_paths(config: CourseConfig, autograde: str) -> None:
    nb = config.nbgrader.model_copy(update={"autograde": autograde})
    cfg = Config()
    namespace = {"__file__": "/srv/course/nbgrader_config.py", "get_config": lambda: cfg}
    exec(render_nbgrader_config(config.model_copy(update={"nbgrader": nb})), namespace)
    sanitize = [name.rsplit(".", 1)[1] for name in cfg.Autograde.sanitize_preprocessors]
    assert sanitize == [
        "ClearOutput", "RestoreCellMetadata", "OverwriteKernelspec", "OverwriteCells",
        "CheckCellMetadata",
    ]  # fmt: skip
    assert cfg.Autograde.exporter_class == "grader.nbgrader.preprocessors.TolerantNotebookExporter"
