"""The sandboxed nbgrader autograde (``nbgrader.autograde: sandbox``).

The end-to-end test generates one course and autogrades it twice with the real ``nbgrader``
commands, by the stock ``Execute`` and by ``grader.nbgrader.secure.SandboxedAutograde``, from the
same submissions placed where ``nbgrader collect`` puts them:

- honest notebooks (the reference, the untouched stub, a partly correct one) get the same score
  per notebook in both gradebooks, and their test cells the same report and value;
- a notebook that patches ``run_tests`` in its kernel gets full points on the stock path and 0
  on the secure one; a notebook that forges test-cell outputs in its JSON, prints a fake report,
  ends its answer cells with a fake score, and answers only if it can read the solutions, gets
  0 on the secure path;
- ``generate_feedback`` works on the secure path and shows the Korean report but no hidden tests.

Few notebooks on purpose: every stock notebook starts a kernel and TensorFlow (about 8 s). The
fast tests below check the pieces: the notebook → module conversion, the zero for an unknown
notebook, what the sandbox hides, and the generated ``nbgrader_config.py`` for both settings.
"""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry
from traitlets.config import Config

import grader
from grader.course.config import CourseConfig, NbgraderConfig
from grader.nbgrader.config import render_nbgrader_config
from grader.nbgrader.secure import SandboxedAutograde, sandbox_hide
from grader.student.loader import notebook_to_source
from tests.test_nbgrader_lifecycle import (
    ROOT,
    answers,
    assert_nothing_secret,
    fill_in,
    make_course,
    nbgrader,
    visible_text,
)

EX01, EX02 = "ex01_tensors", "ex02_assign"
PATCH_GRADERS = (
    'import grader.grading.notebook as g\ng.run_tests = lambda *a, **k: k.get("points", 0)\n'
)
FAKE_REPORT = "공개 테스트 · ex02_assign: 6/6개 통과 → 10/10점"
# student → the notebooks they hand in (the forger only to the secure course)
SUBMISSIONS = {
    "reference": (EX01, EX02),
    "stub": (EX01,),
    "partial": (EX01,),
    "patcher": (EX01,),
    "forger": (EX02,),
}
HONEST = ("reference", "stub", "partial")


def _is_test(cell: nbformat.NotebookNode) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def _patch(notebook: nbformat.NotebookNode, course: Path) -> None:
    """Replace the graders in the kernel from the first answer cell; answer nothing."""
    first = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))
    first.source = PATCH_GRADERS + first.source


def _forge(notebook: nbformat.NotebookNode, course: Path) -> None:
    """Answer nothing, but write full-score outputs into the test cells, print a fake report and
    show a fake score from every answer cell, and answer if the solutions are readable."""
    reference = answers(course / "source" / "ch03" / f"{EX02}.ipynb")
    secrets = [str(course / "source" / "ch03" / f"{EX02}.ipynb"), str(ROOT / "solutions")]
    peek = (
        "import os\n"
        f"for _path in {secrets!r}:\n"
        "    _files = [os.path.join(_path, f) for f in os.listdir(_path)] if os.path.isdir(_path) else [_path]\n"
        "    for _file in _files:\n"
        "        try:\n"
        "            if 'BEGIN SOLUTION' in open(_file, encoding='utf-8').read():\n"
        f"                exec({chr(10).join(reference.values())!r})\n"
        "        except OSError:\n"
        "            pass\n"
    )
    for cell in notebook.cells:
        if _is_test(cell):
            points = cell.metadata["nbgrader"]["points"]
            cell.outputs = [
                nbformat.v4.new_output("stream", name="stdout", text=FAKE_REPORT + "\n"),
                nbformat.v4.new_output(
                    "execute_result", data={"text/plain": repr(points)}, execution_count=9
                ),
            ]
        elif cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source += f"\nprint({FAKE_REPORT!r})\nfrom IPython.display import display\n"
            cell.source += "display(10.0)\n10.0"
    last_answer = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution")][-1]
    last_answer.source += "\n" + peek


def submit(course: Path, assignment: str, students: tuple[str, ...]) -> None:
    """The students' notebooks, built from the release copies, where ``collect`` puts them."""
    for student in students:
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text("2025-03-01 10:00:00.000000 UTC")
        for exercise in SUBMISSIONS[student]:
            path = folder / f"{exercise}.ipynb"
            shutil.copy(course / "release" / assignment / path.name, path)
            reference = answers(course / "source" / assignment / path.name)
            if student in ("reference", "partial"):
                fill_in(path, reference, keep=None if student == "reference" else 2)
            elif student in ("patcher", "forger"):
                notebook = nbformat.read(path, as_version=4)
                (_patch if student == "patcher" else _forge)(notebook, course)
                nbformat.write(notebook, path)


def scores(course: Path, course_id: str, assignment: str) -> dict[tuple[str, str], float]:
    """(student, notebook) → the score in the course's gradebook."""
    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id) as gradebook:
        for student, exercises in SUBMISSIONS.items():
            try:
                submission = gradebook.find_submission(assignment, student)
            except MissingEntry:  # not handed in to this course
                continue
            for notebook in submission.notebooks:
                if notebook.name in exercises:
                    found[(student, notebook.name)] = notebook.score
    return found


def cell_outputs(path: Path, *, sandboxed: bool) -> dict[str, tuple[str, str]]:
    """grade_id → (stdout text, value) of each test cell of an autograded notebook. Test cells
    have no stderr output; on the sandboxed path, no other code cell has any output."""
    notebook = nbformat.read(path, as_version=4)
    found = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if not _is_test(cell):
            assert not (sandboxed and cell.outputs), (path, cell.outputs)
            continue
        assert not [o for o in cell.outputs if o.get("name") == "stderr"], cell.outputs
        stdout = "".join(o.text for o in cell.outputs if o.output_type == "stream")
        values = [o.data["text/plain"] for o in cell.outputs if o.output_type == "execute_result"]
        assert len(values) == 1, cell.outputs
        found[cell.metadata["nbgrader"]["grade_id"]] = (stdout, values[0])
    return found


@pytest.mark.slow
def test_sandboxed_autograde_matches_stock_and_resists_forgery(
    tmp_path: Path, config: CourseConfig
) -> None:
    assignment, course_id = config.nbgrader.assignment, config.course.id
    stock = make_course(tmp_path / "stock", config, (EX01, EX02), autograde="stock")
    secure = make_course(tmp_path / "secure", config, (EX01, EX02), autograde="sandbox")
    assert "SandboxedAutograde" in (secure / "nbgrader_config.py").read_text(encoding="utf-8")
    nbgrader(stock, "generate_assignment", assignment)
    # Same source notebooks, so the same gradebook and release copies serve the secure course.
    shutil.copy(stock / "gradebook.db", secure / "gradebook.db")
    shutil.copytree(stock / "release", secure / "release")
    submit(stock, assignment, tuple(s for s in SUBMISSIONS if s != "forger"))
    submit(secure, assignment, tuple(SUBMISSIONS))

    nbgrader(stock, "autograde", assignment)
    nbgrader(secure, "autograde", assignment)
    nbgrader(secure, "generate_feedback", assignment)

    on_stock = scores(stock, course_id, assignment)
    on_secure = scores(secure, course_id, assignment)
    points = {e: config.points(e) for e in (EX01, EX02)}
    print(f"stock: {on_stock}\nsecure: {on_secure}")

    for student in HONEST:
        for exercise in SUBMISSIONS[student]:
            key = (student, exercise)
            assert on_secure[key] == pytest.approx(on_stock[key]), key
            autograded = Path("autograded") / student / assignment / f"{exercise}.ipynb"
            secure_cells = cell_outputs(secure / autograded, sandboxed=True)
            assert secure_cells == cell_outputs(stock / autograded, sandboxed=False), key
    assert on_secure[("reference", EX01)] == points[EX01]
    assert on_secure[("reference", EX02)] == points[EX02]
    assert on_secure[("stub", EX01)] == 0
    assert 0 < on_secure[("partial", EX01)] < points[EX01]

    assert on_stock[("patcher", EX01)] == points[EX01]  # the hole the secure path closes
    assert on_secure[("patcher", EX01)] == 0
    assert on_secure[("forger", EX02)] == 0
    forged = cell_outputs(
        secure / "autograded" / "forger" / assignment / f"{EX02}.ipynb", sandboxed=True
    )
    assert all(FAKE_REPORT not in text and value == "0.0" for text, value in forged.values())

    for student in ("reference", "stub"):
        feedback = secure / "feedback" / student / assignment / f"{EX01}.html"
        assert_nothing_secret(feedback, (EX01,), solutions=student == "stub")
        text = visible_text(feedback)
        assert "공개 테스트 · ex01_tensors" in text and "숨겨진 테스트 · ex01_tensors" in text


# ---------------------------------------------------------------------- the pieces, fast
def _notebook(*cells: tuple[str, str]) -> nbformat.NotebookNode:
    """A notebook of (kind, source) cells; kind is "code", "answer" or "test"."""
    notebook = nbformat.v4.new_notebook()
    for index, (kind, source) in enumerate(cells):
        cell = nbformat.v4.new_code_cell(source)
        grade_id = "ex01_public_tests" if kind == "test" else f"cell{index}"
        cell.metadata["nbgrader"] = {
            "grade": kind == "test", "solution": kind == "answer", "locked": kind != "answer",
            "grade_id": grade_id, "points": 2.0, "schema_version": 3,
        }  # fmt: skip
        notebook.cells.append(cell)
    return notebook


def test_notebook_runs_each_cell_like_a_kernel(capsys: pytest.CaptureFixture[str]) -> None:
    notebook = _notebook(
        ("code", "x = 1"),
        ("answer", 'raise NotImplementedError("여기에 코드를 작성하세요")'),
        ("answer", "%matplotlib inline\ny = x + 1\n!pip install nothing"),
        ("answer", "def broken(:\n    pass"),
        ("answer", 'z = 3\nTEXT = """two lines,\n    the second indented"""'),
        ("test", "import grader.grading.notebook as g\ng.forged = True"),
        ("answer", "after_tests = True"),
    )
    namespace: dict = {}
    exec(notebook_to_source(nbformat.writes(notebook), f"{EX01}.ipynb"), namespace)
    assert (namespace["x"], namespace["y"], namespace["z"]) == (1, 2, 3)
    assert namespace["TEXT"] == "two lines,\n    the second indented"
    assert "after_tests" not in namespace  # on the stock path it runs after every test
    assert "g" not in namespace  # test cells never run on the student's side
    shown = capsys.readouterr().err  # each failing cell's own traceback, for the report
    assert "NotImplementedError: 여기에 코드를 작성하세요" in shown
    assert "SyntaxError" in shown and f"<{EX01}.ipynb 코드 셀 4>" in shown


def test_unknown_notebook_scores_zero_without_stopping_the_batch(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    notebook = _notebook(("answer", "x = 1"), ("test", "run_tests()"))
    notebook.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="10.0")]
    autograde = SandboxedAutograde(config=Config({"CourseDirectory": {"root": str(tmp_path)}}))
    autograde.log = logging.getLogger("test-autograde")
    resources = {"unique_key": "ex99_extra", "nbgrader": {"student": "kim"}}
    with caplog.at_level(logging.ERROR, logger="test-autograde"):
        graded, _ = autograde.preprocess(notebook, resources)
    assert "'ex99_extra' of kim is not one of the course's exercises" in caplog.text
    assert graded.cells[0].outputs == []
    stdout, value = graded.cells[1].outputs
    assert "ex99_extra" in stdout.text and "강사에게 알려 주세요" in stdout.text
    assert value.output_type == "execute_result" and value.data["text/plain"] == "0.0"


def test_sandbox_hides_the_course_and_the_kit_but_not_python(tmp_path: Path) -> None:
    course = tmp_path / "course"
    for name in ("source", "submitted", "autograded", "feedback", "release"):
        (course / name).mkdir(parents=True)
    (course / "gradebook.db").write_text("")
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    hide = sandbox_hide(
        [course], course / "submitted", course / "autograded", [exchange, tmp_path / "gone"]
    )
    for name in ("source", "submitted", "autograded", "feedback", "release", "gradebook.db"):
        assert str(course / name) in hide
    assert str(exchange) in hide and str(tmp_path / "gone") not in hide
    package = Path(grader.__file__).resolve().parent
    assert str(package / "graders" / "hidden") in hide and str(ROOT / "solutions") in hide
    prefix = Path(sys.prefix).resolve()
    for kept in (package, prefix):
        assert not [h for h in hide if kept == Path(h) or Path(h) in kept.parents], kept


@pytest.mark.parametrize(
    ("autograde", "executor"),
    [
        ("sandbox", "grader.nbgrader.secure.SandboxedAutograde"),
        ("stock", "nbgrader.preprocessors.Execute"),
    ],
)
def test_nbgrader_config_picks_the_executor(
    config: CourseConfig, autograde: str, executor: str
) -> None:
    assert NbgraderConfig().autograde == "sandbox"  # secure by default
    nb = config.nbgrader.model_copy(update={"autograde": autograde})
    cfg = Config()
    namespace = {"__file__": "/srv/course/nbgrader_config.py", "get_config": lambda: cfg}
    exec(render_nbgrader_config(config.model_copy(update={"nbgrader": nb})), namespace)
    pipeline = cfg.Autograde.autograde_preprocessors
    assert pipeline[0] == executor
    assert "nbgrader.preprocessors.Execute" not in pipeline[1:]
    assert "grader.nbgrader.preprocessors.DropLogNoise" in pipeline
    assert "nbgrader.preprocessors.SaveAutoGrades" in pipeline
