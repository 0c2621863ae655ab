"""Valid work is accepted in the sandbox (``course grade``'s path): a notebook with IPython-only
input and demonstration cells longer than ``import_s``, a notebook with megabytes of plot
outputs, a ``.py`` file with a PEP 263 coding line all earn full points; a notebook whose code
never ends is stopped by the grader's clock (its per-cell budget), not by the child.

One sandbox session (one zygote start) grades every student; the nbgrader path is covered by
``test_nbgrader_batch.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest

from grader.course.config import CourseConfig
from grader.grading import plugin
from grader.grading.session import SandboxSession

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
EX01, EX02, EX03 = "ex01_tensors", "ex02_assign", "ex03_tensor_ops"
UID_BASE = 63010  # this module's sandbox uids (course.yml's are 61000+)
IMPORT_S, CELL_S, STUDENT_S = 1.0, 3.0, 60.0
KERNEL_CELL = (
    "shown = make_ones((2, 2))\n"
    "display(shown)\n"
    "tf.ones?\n"
    "%timeit make_zeros((2,))\n"
    "!pip install --no-index nothing\n"
    "remainder = (7\n"
    "% 4)\n"
)


def source_notebook(exercise: str) -> nbformat.NotebookNode:
    """The course's source notebook: the reference answers in nbgrader's cells."""
    return nbformat.read(ROOT / "source" / "ch03" / f"{exercise}.ipynb", as_version=4)


def first_test_cell(notebook: nbformat.NotebookNode) -> int:
    return next(
        i for i, c in enumerate(notebook.cells) if c.metadata.get("nbgrader", {}).get("grade")
    )


def write_students(base: Path) -> dict[str, Path]:
    honest = base / "kernel_style"
    honest.mkdir(parents=True)
    notebook = source_notebook(EX01)
    extra = [KERNEL_CELL, "import time\ntime.sleep(0.8)", "time.sleep(0.8)\ntime.sleep(0.8)"]
    notebook.cells[first_test_cell(notebook) : first_test_cell(notebook)] = [
        nbformat.v4.new_code_cell(source) for source in extra
    ]  # together longer than import_s, each cell well within cell_s
    nbformat.write(notebook, honest / f"{EX01}.ipynb")
    code = (ROOT / "solutions" / f"{EX02}.py").read_text(encoding="utf-8")
    (honest / f"{EX02}.py").write_bytes(f"# -*- coding: cp949 -*-\n{code}".encode("cp949"))
    plots = source_notebook(EX03)
    answer = next(c for c in plots.cells if c.metadata.get("nbgrader", {}).get("solution"))
    answer.outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": "iVBOR" * 1_300_000})
    ]  # 6.5 MB of plot output
    nbformat.write(plots, honest / f"{EX03}.ipynb")

    endless = base / "endless"
    endless.mkdir()
    notebook = source_notebook(EX01)
    tests = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
    notebook.cells = [nbformat.v4.new_code_cell("while True: pass"), *tests]
    nbformat.write(notebook, endless / f"{EX01}.ipynb")
    return {"kernel_style": honest, "endless": endless}


@pytest.fixture(scope="module")
def graded(
    tmp_path_factory: pytest.TempPathFactory, config: CourseConfig
) -> dict[str, tuple[list[plugin.TestRecord], float]]:
    grading = config.grading
    timeouts = grading.timeouts.model_copy(
        update={"import_s": IMPORT_S, "cell_s": CELL_S, "student_s": STUDENT_S}
    )
    grading = grading.model_copy(update={"timeouts": timeouts, "sandbox_uid_base": UID_BASE})
    session = SandboxSession(config.model_copy(update={"grading": grading}), (), gpu=False)
    found = {}
    try:
        for student, folder in write_students(tmp_path_factory.mktemp("notebooks")).items():
            started = time.monotonic()
            records, _ = session.grade(student, folder, [EX01, EX02, EX03])
            found[student] = (records, time.monotonic() - started)
    finally:
        session.close()
    return found


def failures(records: list[plugin.TestRecord], exercise: str) -> list[str]:
    mine = [r for r in records if r.exercise == exercise]
    assert mine, exercise
    return [
        f"{r.test}: {r.message.render('en') if r.message else ''}"
        for r in mine
        if r.status == "failed"
    ]


@pytest.mark.parametrize("exercise", [EX01, EX02, EX03])
def test_valid_work_earns_full_points(graded: dict, exercise: str) -> None:
    records, _ = graded["kernel_style"]
    assert failures(records, exercise) == []


def test_endless_notebook_is_stopped_by_the_graders_clock(graded: dict) -> None:
    records, seconds = graded["endless"]
    ex01 = [r for r in records if r.exercise == EX01]
    assert ex01 and all(r.status == "failed" for r in ex01)
    assert all(r.failure_category == "timeout" for r in ex01), [r.message for r in ex01][:1]
    assert seconds < STUDENT_S
