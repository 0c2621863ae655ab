"""One score, shown one way: every view agrees, rounds alike, and says what it counts.

The same code earns the same figure in ``course check`` (public tests), in the notebook's
public and hidden test cells and in results.json (as the sums of its public and of its hidden
tests' scores); every page and table shows a score by ``scoring.format_points``; and with the
shipped course.yml every test is worth a round number of points.

Three submissions (the reference, the stub, a partly wrong variant) go through the three
paths once each: ``course check`` in this process, ``run_tests`` on a notebook namespace (this
process's TensorFlow serves both), and ``course grade`` in the sandbox.
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import nbformat
import pytest
from rich.console import Console
from typer.testing import CliRunner

from grader.course.config import CourseConfig, load_config
from grader.course.exercises import BY_ID, EXERCISE_IDS
from grader.course.messages import Msg
from grader.graders.meta import register_markers, test_meta
from grader.grading.plugin import StudentJob, TestRecord
from grader.grading.results import ExerciseRun, StudentResult, build_results, grades_csv
from grader.grading.runner import PYTEST_INI, ROOTDIR, grader_paths
from grader.grading.scoring import format_points, score_exercise
from grader.reports.class_report import render_class_report
from grader.reports.console import print_grade_table
from grader.reports.feedback import render_feedback
from tests.batch_helpers import ROOT, XDIST_WORKER, course_file, load, run_grade, write_class
from tests.variants import ex03_tensor_ops, ex05_second_order

UID_BASE = 68400 + 100 * XDIST_WORKER
EXERCISES = ("ex03_tensor_ops", "ex05_second_order")  # no GPU tests: the same on every host
VARIANTS = {
    "ex03_tensor_ops": "matmul_elementwise",
    "ex05_second_order": "swapped_speed_and_acceleration",
}
NUMBER = r"\d+(?:\.\d+)?"


# ----------------------------------------------------------------------------- the one rule
@pytest.mark.parametrize(
    ("value", "shown"),
    [(5, "5"), (5.5, "5.5"), (5.769, "5.77"), (15.769, "15.77"), (2.2916666, "2.29"),
     (10 / 3, "3.33"), (0.0, "0"), (-0.0, "0"), (6.875, "6.88"), (30, "30")],
)  # fmt: skip
def test_format_points_two_decimals_trailing_zeros_dropped(value: float, shown: str) -> None:
    assert format_points(value) == shown


VIEWS = [
    "grader/grading/check.py", "grader/grading/notebook.py", "grader/grading/results.py",
    "grader/reports/console.py", "grader/reports/feedback.py", "grader/reports/class_report.py",
]  # fmt: skip
TEMPLATES = [
    "grader/reports/templates/feedback.html.j2",
    "grader/reports/templates/class_report.html.j2",
]
# a score formatted in place: {score:g}, {total:.3f}, round(maximum, 3), or a page's |num of one
OWN_FORMAT = re.compile(
    r"\{[^{}\n]*(score|points|total|maximum)[^{}\n]*:[#0-9.,_]*[gfe%]\}"
    r"|round\([^)\n]*(score|points|total|maximum)"
)
OWN_FILTER = re.compile(r"\{\{\s*[\w.]*(score|mean|median|min|max)\w*\s*\|\s*num\b")


def test_no_view_formats_a_score_its_own_way() -> None:
    found = [
        f"{path}: {match.group(0)}"
        for path in VIEWS
        for match in OWN_FORMAT.finditer((ROOT / path).read_text(encoding="utf-8"))
    ] + [
        f"{path}: {match.group(0)}"
        for path in TEMPLATES
        for match in OWN_FILTER.finditer((ROOT / path).read_text(encoding="utf-8"))
    ]
    assert not found, found


def _records(exercise: str, outcomes: list[tuple[str, float, str]]) -> list[TestRecord]:
    return [
        TestRecord(
            exercise, f"test_{i}", Msg(f"테스트 {i}", f"test {i}"), weight, visibility,  # type: ignore[arg-type]
            status, Msg("틀렸습니다", "wrong") if status == "failed" else None,  # type: ignore[arg-type]
            failure_category="wrong_answer" if status == "failed" else None,
        )
        for i, (status, weight, visibility) in enumerate(outcomes)
    ]  # fmt: skip


def _student(config: CourseConfig, name: str) -> StudentResult:
    """ex01 with 1 of 3 equal tests passed (10/3 points) and ex05 with 2 of 3 (10 of 15): a
    total of 13.333…, which no view may show as 13.333 beside 13.33."""
    job = StudentJob(name, open_submission=None)  # type: ignore[arg-type]
    job.records.extend(
        _records(
            "ex01_tensors",
            [("passed", 1, "public"), ("failed", 1, "public"), ("failed", 1, "hidden")],
        )
    )
    job.records.extend(
        _records(
            "ex05_second_order",
            [("passed", 1, "public"), ("passed", 1, "hidden"), ("failed", 1, "hidden")],
        )
    )
    runs = {e: ExerciseRun(file=f"{e}.py") for e in ("ex01_tensors", "ex05_second_order")}
    return build_results(job, config, runs, seconds=1.0, gpu=False, seed=7)


def test_every_page_and_table_shows_a_score_one_way(config: CourseConfig) -> None:
    """feedback.html, report.html, grades.csv, the console table and results.json's summary
    show 13.33 for 13.333…, and no other rendering of it (the header once said 15.77 above a
    summary line saying 15.769)."""
    result = _student(config, "김민준")
    exact = result.score
    assert exact == result.extra_data.exercises["ex01_tensors"].score + 10.0
    shown = format_points(exact)
    assert shown == "13.33"
    others = [f"{exact:g}", f"{exact:.3f}", f"{exact:.4f}", f"{exact:.1f}"]
    pages = {
        "feedback": html.unescape(render_feedback(result, "ko")),
        "report": html.unescape(render_class_report([result], "ko")),
        "summary": result.output,
    }
    console = Console(file=io.StringIO(), width=200, record=True)
    print_grade_table([result], console, "ko")
    pages["console"] = console.export_text()
    pages["grades.csv"] = grades_csv([result], "ko")
    for name, text in pages.items():
        assert shown in text, name
        assert not [o for o in others if re.search(rf"(?<![\d.]){re.escape(o)}(?!\d)", text)], name
    rows = list(csv.reader(io.StringIO(pages["grades.csv"].removeprefix("\ufeff"))))
    assert rows[2][1 : len(EXERCISE_IDS) + 2] == [
        format_points(result.extra_data.exercises[e].score) for e in EXERCISE_IDS
    ] + [shown]


# ----------------------------------------------------------------------------- round numbers
class _Collected:
    def __init__(self) -> None:
        self.metas: list = []

    def pytest_configure(self, config: pytest.Config) -> None:
        register_markers(config)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        self.metas.extend(test_meta(item) for item in items)


def test_every_test_is_worth_round_points_with_the_shipped_course(config: CourseConfig) -> None:
    """On a host without a GPU (the common case) every test's maximum, and so every notebook
    test cell's points, is a multiple of 0.5 with course.yml's points."""
    collected = _Collected()
    paths = [str(p) for p in grader_paths(EXERCISE_IDS, ["public", "hidden"])]
    args = ["-c", str(PYTEST_INI), "--rootdir", str(ROOTDIR), "--collect-only", "-q",
            "-p", "no:cacheprovider", *paths]  # fmt: skip
    assert pytest.main(args, plugins=[collected]) == pytest.ExitCode.OK
    odd = []
    for exercise in EXERCISE_IDS:
        records = [
            TestRecord(m.exercise, f"t{i}", m.title, m.weight, m.visibility,
                       "skipped" if m.gpu else "passed", gpu=m.gpu)
            for i, m in enumerate(collected.metas) if m.exercise == exercise
        ]  # fmt: skip
        scored = score_exercise(exercise, config.points(exercise), records)
        assert scored.max_score == config.points(exercise)
        odd += [f"{exercise}: {t.max_score:.4f}" for t in scored.tests if (t.max_score * 2) % 1]
        notebook = ROOT / "source" / config.nbgrader.assignment / BY_ID[exercise].notebook_file
        cells = [
            c
            for c in nbformat.read(notebook, as_version=4).cells
            if c.metadata.get("nbgrader", {}).get("points")
        ]
        odd += [
            f"{exercise} cell: {c.metadata.nbgrader.points}"
            for c in cells
            if (c.metadata.nbgrader.points * 2) % 1
        ]
    assert not odd, odd


# ----------------------------------------------------------------------------- three paths
def _variant(module, name: str):
    return next(v for v in module.VARIANTS if v.name == name)


def _submissions() -> dict[str, dict[str, str]]:
    reference = {e: (ROOT / "solutions" / f"{e}.py").read_text(encoding="utf-8") for e in EXERCISES}
    stub = {e: (ROOT / "exercises" / f"{e}.py").read_text(encoding="utf-8") for e in EXERCISES}
    modules = {"ex03_tensor_ops": ex03_tensor_ops, "ex05_second_order": ex05_second_order}
    partly = {e: _variant(modules[e], VARIANTS[e]).apply(reference[e]) for e in EXERCISES}
    return {"reference": reference, "stub": stub, "partly": partly}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return course_file(tmp_path_factory.mktemp("course"), UID_BASE)


@pytest.fixture(scope="module")
def graded(course: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``course grade`` on the three students, in the sandbox: OUT and what it printed."""
    work = tmp_path_factory.mktemp("grade")
    write_class(work / "subs", _submissions())
    result = run_grade(work / "subs", work / "out", course, cwd=work)
    assert result.returncode == 0, result.stderr[-3000:]
    return work / "out", result.stdout


def _cell_points(config: CourseConfig, exercise: str) -> dict[str, float]:
    notebook = ROOT / "source" / config.nbgrader.assignment / BY_ID[exercise].notebook_file
    prefix = exercise.split("_", 1)[0]
    points = {}
    for cell in nbformat.read(notebook, as_version=4).cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        for visibility in ("public", "hidden"):
            if grade_id == f"{prefix}_{visibility}_tests":
                points[visibility] = float(cell.metadata.nbgrader.points)
    return points


def _checked(
    course: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, tuple[str, str, str]]:
    """``course check`` on ``folder``: each exercise's (public earned, public maximum, exercise
    points) as its table shows them."""
    from grader import cli

    monkeypatch.setattr(cli.console, "width", 250)
    result = CliRunner().invoke(
        cli.app, ["check", *EXERCISES, "--path", str(folder), "--config", str(course)]
    )
    assert result.exit_code in (0, 1), result.output
    assert "공개 테스트" in result.output  # labelled as public-only
    shown = {}
    for exercise in EXERCISES:
        row = re.search(
            rf"{exercise}\b[^\n]*?│\s*\d+/\d+\s*│\s*({NUMBER})/({NUMBER})\s*│\s*({NUMBER})\s*│",
            result.output,
        )
        assert row, result.output
        shown[exercise] = row.groups()
    return shown


def _notebook_cells(
    config: CourseConfig, source: str, exercise: str, capsys: pytest.CaptureFixture[str]
) -> dict[str, float]:
    """The public and hidden test cells of ``exercise`` run on a namespace holding ``source``'s
    definitions, as a notebook kernel runs them; their report shows the value they return."""
    from grader.grading.notebook import run_tests

    values = {}
    for visibility, points in _cell_points(config, exercise).items():
        namespace: dict = {"__name__": "__main__"}
        exec(compile(source, f"{exercise}.ipynb", "exec"), namespace)
        values[visibility] = run_tests(exercise, namespace, points=points, visibility=visibility)  # type: ignore[arg-type]
        report = capsys.readouterr().out
        assert f"→ {format_points(values[visibility])}/{format_points(points)}점" in report, report
    return values


def _sums(results: dict, exercise: str) -> dict[str, float]:
    tests = [t for t in results["tests"] if t["extra_data"]["exercise"] == exercise]
    return {
        visibility: sum(
            t["score"] for t in tests if t["extra_data"]["hidden"] == (visibility == "hidden")
        )
        for visibility in ("public", "hidden")
    } | {"all": sum(t["score"] for t in tests)}


def test_same_code_same_figures_in_check_notebook_and_grade(
    course: Path, graded: tuple[Path, str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    config = load_config(course)
    monkeypatch.chdir(course.parent)  # the notebooks find this course.yml, as in the course root
    out, printed = graded
    csv_rows = {
        r[0]: r for r in csv.reader(io.StringIO((out / "grades.csv").read_text("utf-8-sig")))
    }
    partial = False
    for student, files in _submissions().items():
        folder = tmp_path / student
        write_class(tmp_path, {student: files})
        checked = _checked(course, folder, monkeypatch)
        results = load(out, student)
        for exercise in EXERCISES:
            cells = _notebook_cells(config, files[exercise], exercise, capsys)
            sums = _sums(results, exercise)
            total = results["extra_data"]["exercises"][exercise]
            where = f"{student} {exercise}"
            # public: course check == the public cell == the public tests in results.json
            assert cells["public"] == sums["public"], (where, cells, sums)
            public_max = _cell_points(config, exercise)["public"]
            assert checked[exercise] == (
                format_points(sums["public"]), format_points(public_max),
                format_points(config.points(exercise)),
            ), where  # fmt: skip
            assert cells["hidden"] == sums["hidden"], (where, cells, sums)
            # results.json: exact, the exercise's score is the sum of its tests'
            assert total["score"] == sums["all"] and total["max_score"] == config.points(exercise)
            column = 1 + EXERCISE_IDS.index(exercise)
            assert csv_rows[student][column] == format_points(total["score"]), where
            partial |= 0 < total["score"] < total["max_score"]
        assert results["score"] == sum(
            results["extra_data"]["exercises"][e]["score"] for e in EXERCISE_IDS
        )
        shown_total = format_points(results["score"])
        assert re.search(rf"{student}\s*│[^\n]*│\s*{re.escape(shown_total)}\s*│", printed), printed
        feedback = html.unescape((out / student / "feedback.html").read_text(encoding="utf-8"))
        assert f"{shown_total} / {format_points(results['max_score'])}" in feedback, student
    assert partial, "the partly wrong variant should earn part of an exercise"
