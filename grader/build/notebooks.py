"""nbgrader source notebooks (``source/<assignment>/exNN_name.ipynb``) from ``solutions/``.

A solution module in jupytext percent format becomes a notebook cell by cell:

- markdown cells (the Korean explanations) are copied as they are;
- a code cell with ``### BEGIN SOLUTION`` becomes an autograded-answer cell (nbgrader's
  ``generate_assignment`` swaps the answer for the course's code stub);
- any other code cell (imports, helpers) becomes a locked read-only cell;
- two autograder-test cells close the notebook: the public tests, and the hidden tests whose
  whole source sits between ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` so the
  release copy holds none of it. Both call ``grader.grading.notebook.run_tests``, whose value is the
  points earned: nbgrader reads it as the cell's partial credit.

The output must be byte-for-byte reproducible (``course build --check`` compares it with the
committed file): cell ids are derived from the exercise and the cell's position, never random,
and there are no timestamps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jupytext
import nbformat
import pytest

from grader.build.stubs import BEGIN
from grader.course.exercises import BY_ID
from grader.course.messages import ENGLISH, Msg, language_tag, rendered
from grader.graders.meta import register_markers, test_meta
from grader.grading.runner import PYTEST_INI, ROOTDIR, grader_paths

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
POINTS_GRID = 8  # cell points are multiples of 1/8: exact in binary, so the cells add up exactly
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


class NotebookBuildError(Exception):
    """A solution or its graders cannot be turned into a valid nbgrader notebook."""


@dataclass(frozen=True)
class GraderWeights:
    """Summed ``points`` weights of an exercise's grader tests.

    GPU-marked tests are counted apart and left out of the build-time split: the split is fixed
    when the notebook is built, but whether GPU tests run depends on the grading host. Without a
    GPU they are skipped and take no share (the cell divides by the weight of the tests that
    ran); with one, they count in both the passed and the ran weight, so a cell's score stays
    within its points either way.
    """

    public: float = 0.0
    hidden: float = 0.0
    gpu_public: float = 0.0
    gpu_hidden: float = 0.0


class _WeightCollector:
    """pytest plugin that records each collected grader test's weight as the grading plugin
    reads it (``grader.graders.meta.test_meta``)."""

    def __init__(self) -> None:
        self.weights: dict[str, dict[str, float]] = {}
        self.errors: list[str] = []

    def pytest_configure(self, config: pytest.Config) -> None:
        register_markers(config)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.errors.append(f"{report.nodeid}: {report.longreprtext[-2000:]}")

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            meta = test_meta(item)
            key = f"gpu_{meta.visibility}" if meta.gpu else meta.visibility
            sums = self.weights.setdefault(meta.exercise, {})
            sums[key] = sums.get(key, 0.0) + meta.weight


def collect_weights(exercises: Sequence[str]) -> dict[str, GraderWeights]:
    """Weights of every exercise's public and hidden graders, by collecting them with pytest
    (so parametrized tests count once per case, exactly as when grading)."""
    from grader.grading import plugin as plugin_module

    collector = _WeightCollector()
    args = [
        "-c", str(PYTEST_INI), "--rootdir", str(ROOTDIR),
        "--collect-only", "-p", "no:cacheprovider", "-p", "no:terminal",
        "-p", "no:warnings", "-p", "no:logging", "-p", "no:doctest",
        *[str(p) for p in grader_paths(exercises, ["public", "hidden"])],
    ]  # fmt: skip
    code = pytest.main(args, plugins=[collector, plugin_module])
    if collector.errors or code not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        details = "\n".join(collector.errors) or f"pytest exit code {int(code)}"
        raise NotebookBuildError(f"cannot collect the graders:\n{details}")
    return {e: GraderWeights(**collector.weights.get(e, {})) for e in exercises}


def split_points(points: float, weights: GraderWeights) -> tuple[float, float]:
    """Course points for the (public, hidden) test cells, in proportion to the tests' weights.

    Rounded to 1/8 point, with the hidden cell taking the remainder, so the two always add up
    to exactly ``points``.
    """
    total = weights.public + weights.hidden
    if total <= 0:
        raise NotebookBuildError("an exercise needs at least one non-GPU grader test")
    if weights.hidden == 0:
        return float(points), 0.0
    if weights.public == 0:
        return 0.0, float(points)
    public = round(points * weights.public / total * POINTS_GRID) / POINTS_GRID
    public = min(max(public, 1 / POINTS_GRID), points - 1 / POINTS_GRID)
    return public, points - public


_TEXT: dict[str, Msg] = {
    "heading": Msg("## 테스트", "## Tests"),
    "explain": Msg(
        "아래 첫 번째 셀은 **공개 테스트**입니다. 위의 함수를 모두 작성한 뒤 실행하면 "
        "무엇이 맞고 틀렸는지 알려 주고, 이 셀에서 얻은 점수를 마지막 값으로 보여 "
        "줍니다 (최대 {public:g}점). 그다음 셀은 채점할 때만 채워지는 **숨겨진 테스트** "
        "자리입니다 (최대 {hidden:g}점). 제출하기 전에 커널을 다시 시작하고 모든 셀을 "
        "실행해 보세요.",
        "The first cell below holds the **public tests**. Run it once every function "
        "above is written: it tells you what is right and what is wrong, and its value "
        "is the points this cell earns (at most {public:g}). The cell after it is where "
        "the **hidden tests** go at grading time (at most {hidden:g} points). Before "
        "you submit, restart the kernel and run all cells.",
    ),
    "public": Msg(
        "# 공개 테스트: 위의 함수를 확인합니다. 마지막에 나오는 값이 이 셀의 점수입니다.",
        "# Public tests: checks the functions above. The value shown last is the score.",
    ),
}


def _nbgrader(grade_id: str, *, solution: bool, locked: bool, points: float | None = None) -> dict:
    meta: dict[str, Any] = {
        "grade": points is not None, "grade_id": grade_id, "locked": locked,
        "schema_version": 3, "solution": solution, "task": False,
    }  # fmt: skip
    if points is not None:
        meta["points"] = points
    return meta


def _code_cell(cell_id: str, source: str, nbgrader: dict) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.id = cell_id
    cell.metadata = {"nbgrader": nbgrader}
    if nbgrader["locked"]:
        cell.metadata.update(deletable=False, editable=False)
    return cell


def _markdown_cell(cell_id: str, source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source)
    cell.id = cell_id
    return cell


def _call(exercise: str, points: float, language: str, visibility: str) -> str:
    args = [f'"{exercise}"', "globals()", f"points={points!r}"]
    if visibility == "hidden":
        args.append('visibility="hidden"')
    if language_tag(language) == ENGLISH:  # Korean, the default, needs no argument
        args.append(f'language="{ENGLISH}"')
    return f"from grader.grading.notebook import run_tests\n\nrun_tests({', '.join(args)})"


def build_notebook(
    solution: str, exercise: str, points: tuple[float, float], language: str = "ko"
) -> nbformat.NotebookNode:
    """The nbgrader source notebook of ``exercise`` from its solution module's text."""
    if exercise not in BY_ID:
        raise NotebookBuildError(f"unknown exercise {exercise}")
    prefix = exercise.split("_", 1)[0]
    text = rendered(_TEXT, language)
    source = jupytext.reads(solution, fmt="py:percent")
    cells: list[nbformat.NotebookNode] = []
    counts = {"md": 0, "setup": 0, "answer": 0}
    for cell in source.cells:
        body = cell.source.strip("\n")
        if not body.strip():
            continue
        if cell.cell_type == "markdown":
            counts["md"] += 1
            cells.append(_markdown_cell(f"{prefix}-md-{counts['md']:02d}", body))
        elif cell.cell_type == "code":
            kind = "answer" if BEGIN in body else "setup"
            counts[kind] += 1
            grade_id = f"{prefix}_{kind}_{counts[kind]:02d}"
            meta = _nbgrader(grade_id, solution=kind == "answer", locked=kind == "setup")
            cells.append(_code_cell(grade_id.replace("_", "-"), body, meta))
    if not counts["answer"]:
        raise NotebookBuildError(f"{exercise}: no cell holds {BEGIN}")
    public, hidden = points
    explain = text["explain"].format(public=public, hidden=hidden)
    cells.append(_markdown_cell(f"{prefix}-md-tests", f"{text['heading']}\n\n{explain}"))
    if public:
        call = _call(exercise, public, language, "public")
        meta = _nbgrader(f"{prefix}_public_tests", solution=False, locked=True, points=public)
        cells.append(_code_cell(f"{prefix}-public-tests", f"{text['public']}\n{call}", meta))
    if hidden:
        call = _call(exercise, hidden, language, "hidden")
        meta = _nbgrader(f"{prefix}_hidden_tests", solution=False, locked=True, points=hidden)
        body = f"{BEGIN_HIDDEN}\n{call}\n{END_HIDDEN}"
        cells.append(_code_cell(f"{prefix}-hidden-tests", body, meta))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    notebook.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
    }
    nbformat.validate(notebook)
    return notebook


def notebook_json(notebook: nbformat.NotebookNode) -> str:
    """Stable JSON text as Jupyter writes it: sorted keys, one-space indent, sources as lists of
    lines, UTF-8 text."""
    text = nbformat.writes(notebook, version=4)
    return text if text.endswith("\n") else text + "\n"
