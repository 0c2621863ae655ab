"""The typed result of one student: the Gradescope shape it serialises to, why each test failed,
the one loader, the one scoring rule, and grader errors that reach the instructor only.

No TensorFlow and no sandbox here: records are made by hand, and the plugin's explanation of a
failure is asked directly with the exceptions a grader test can end in.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from grader.course.exercises import EXERCISE_IDS
from grader.course.messages import GPU_REQUIRED, INTERNAL_ERROR, PROTOCOL_ERROR, Msg
from grader.graders.checks import GradeFailure
from grader.grading import notebook, scoring
from grader.grading.batch import RESULTS, BatchSummary, finish_batch
from grader.grading.plugin import GradingPlugin, StudentJob, TestRecord
from grader.grading.results import (
    ExerciseRun,
    StudentResult,
    build_results,
    grades_csv,
    load_results,
)
from grader.grading.student_names import output_folder
from grader.reports.console import print_batch_summary, print_grade_table
from grader.wire.protocol import ProtocolError, StudentError, StudentFailure

EX01, EX02 = EXERCISE_IDS[0], EXERCISE_IDS[1]
GRADER_BUG = "KeyError: 'reference_for_case_7'"


def record(
    status: str = "passed",
    weight: float = 1.0,
    *,
    exercise: str = EX01,
    test: str = "test_x",
    category: str | None = None,
    internal: str = "",
    visibility: str = "public",
) -> TestRecord:
    failed = status == "failed"
    message = (INTERNAL_ERROR if internal else Msg("틀렸습니다", "wrong")) if failed else None
    kind = category or ("internal" if internal else "wrong_answer")
    return TestRecord(
        exercise, test, Msg(f"{test} · 제목", f"{test} title"), weight, visibility,  # type: ignore[arg-type]
        status, message, internal_error=internal,  # type: ignore[arg-type]
        failure_category=kind if failed else None,  # type: ignore[arg-type]
    )  # fmt: skip


def result_of(records: list[TestRecord], config, student: str = "kim") -> StudentResult:
    job = StudentJob(student, open_submission=None)  # type: ignore[arg-type]
    job.records.extend(records)
    runs = {EX01: ExerciseRun(file=f"{EX01}.py")}
    return build_results(job, config, runs, seconds=1.0, gpu=False, seed=7)


def mixed(config) -> StudentResult:
    return result_of(
        [
            record("passed", test="test_a"),
            record("failed", 2.0, test="test_b", category="timeout"),
            record("skipped", test="test_c"),
            record("failed", test="test_d", internal=GRADER_BUG, visibility="hidden"),
            record("passed", exercise=EX02, test="test_e"),
        ],
        config,
    )


# ----------------------------------------------------------------------------- the shape
def test_results_json_has_the_gradescope_shape_and_the_parts_as_fields(config) -> None:
    data = json.loads(mixed(config).to_json())
    assert list(data) == ["score", "max_score", "execution_time", "output", "tests", "extra_data"]
    first, _, skipped, _, _ = data["tests"]
    assert list(first) == [
        "name", "number", "score", "max_score", "output", "visibility", "extra_data", "status"
    ]  # fmt: skip
    assert list(first["extra_data"]) == [
        "exercise", "test", "hidden", "skipped", "gpu", "title", "failure_category",
        "internal_error", "same_cause_as",
    ]  # fmt: skip
    assert "status" not in skipped and skipped["extra_data"]["skipped"] is True
    for test in data["tests"]:  # the contract's name, and its parts for readers
        facts = test["extra_data"]
        assert test["name"] == f"{facts['exercise']} · {facts['title']}"
    assert first["extra_data"]["title"] == "test_a · 제목"  # a title may itself hold " · "
    assert list(data["extra_data"])[:6] == [
        "student", "exercises", "gpu", "grader_version", "seed", "language"
    ]  # fmt: skip
    assert list(data["extra_data"]["exercises"][EX01]) == [
        "score", "max_score", "file", "notes", "output", "seconds"
    ]  # fmt: skip
    assert "plots" not in data["extra_data"] and "fingerprint" not in data["extra_data"]


def test_each_failed_test_says_why_and_only_failed_tests_do(config) -> None:
    tests = {t.extra_data.test: t for t in mixed(config).tests}
    assert {name: t.extra_data.failure_category for name, t in tests.items()} == {
        "test_a": None, "test_b": "timeout", "test_c": None, "test_d": "internal", "test_e": None
    }  # fmt: skip


def test_grader_errors_stay_out_of_what_the_student_reads(config) -> None:
    result = mixed(config)
    buggy = next(t for t in result.tests if t.extra_data.test == "test_d")
    assert buggy.extra_data.internal_error == GRADER_BUG
    assert buggy.output == INTERNAL_ERROR.render("ko")
    assert all("reference_for_case_7" not in t.output for t in result.tests)
    assert "reference_for_case_7" not in result.output
    assert result.internal_errors() == [f"{EX01}::test_d: {GRADER_BUG}"]


# ----------------------------------------------------------------------------- the plugin
def _explained(error: BaseException) -> tuple[Msg, str, str, str]:
    def fail() -> None:
        raise error

    return GradingPlugin._explain(
        pytest.CallInfo.from_call(fail, "call"), EX01, notebook_cells=False
    )


@pytest.mark.parametrize(
    ("error", "category", "message"),
    [
        (GradeFailure(Msg("틀림", "wrong")), "wrong_answer", Msg("틀림", "wrong")),
        (GradeFailure(GPU_REQUIRED), "gpu_required", GPU_REQUIRED),
        (ProtocolError("shape [2**70]"), "protocol", PROTOCOL_ERROR),
        (KeyError("reference_for_case_7"), "internal", INTERNAL_ERROR),
        *[
            (StudentError(StudentFailure(kind, "E", "m")), kind, None)  # type: ignore[arg-type]
            for kind in ("exception", "not_implemented", "missing", "timeout", "crash",
                         "memory", "too_large", "load", "no_file", "sandbox")
        ],
    ],
)  # fmt: skip
def test_plugin_records_why_a_test_failed(error, category, message) -> None:
    told, internal, kind, _ = _explained(error)
    assert kind == category
    if message is not None:
        assert told == message
    # only the grader's own failures carry an instructor-only detail
    assert bool(internal) == (category in ("internal", "sandbox"))


# ----------------------------------------------------------------------------- the loader
def test_one_loader_round_trips_and_refuses_what_it_cannot_vouch_for(config, tmp_path) -> None:
    result = mixed(config)
    path = tmp_path / "results.json"
    path.write_text(result.to_json(), encoding="utf-8")
    assert load_results(path) == result
    assert load_results(tmp_path / "absent.json") is None
    path.write_text("{not json", encoding="utf-8")
    assert load_results(path) is None
    old = json.loads(result.to_json())  # written before tests had a title: graded again
    for test in old["tests"]:
        del test["extra_data"]["title"]
    path.write_text(json.dumps(old), encoding="utf-8")
    assert load_results(path) is None
    path.write_text(json.dumps({"score": 1000, "max_score": 100, "tests": []}), "utf-8")
    assert load_results(path) is None


# ----------------------------------------------------------------------------- one rule
CASES = {
    "all passed": [record("passed", 1), record("passed", 3)],
    "none passed": [record("failed", 1), record("failed", 2)],
    "partial": [record("passed", 1), record("failed", 2), record("skipped", 4)],
    "thirds": [record("passed", 1), record("failed", 1), record("failed", 1)],
    "only skipped": [record("skipped", 1), record("skipped", 2)],
    "no test": [],
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("points", [10.0, 4.375, 0.125])
def test_notebook_cell_and_results_json_score_by_one_rule(case: str, points: float) -> None:
    records = CASES[case]
    batch = scoring.score_exercise(EX01, points, records)
    cell = notebook.earned_points(points, records)
    # the same rule; a cell's value is the score as every view shows it (two decimals)
    assert scoring.format_points(cell) == scoring.format_points(batch.score), (cell, batch)
    if case in ("only skipped", "no test"):  # nothing was checked: nothing is earned
        assert cell == batch.score == batch.max_score == 0.0
    elif case == "all passed":
        assert cell == batch.score == batch.max_score == points
    elif case == "none passed":
        assert cell == batch.score == 0.0


# ----------------------------------------------------------------------------- the console
def _console() -> Console:
    return Console(file=io.StringIO(), width=200, record=True)


def test_console_table_shows_what_grades_csv_holds(config) -> None:
    results = [result_of([record("passed")], config, "lee"), mixed(config)]
    results.append(result_of([record("failed")], config, "[bold]=x"))
    console = _console()
    print_grade_table(results, console)
    lines = [line for line in console.export_text().splitlines() if line.startswith("│")]
    shown = [[cell.strip() for cell in line.split("│")[1:-1]] for line in lines]
    rows = list(csv.reader(io.StringIO(grades_csv(results).removeprefix("\ufeff"))))[1:]
    n = len(EXERCISE_IDS)  # after the total: one "submitted" column per exercise ("—" if not)
    rows = [
        [row[0], *(s if f in ("", "제출") else "—"
                   for s, f in zip(row[1 : n + 1], row[n + 2 :], strict=True)), row[n + 1]]
        for row in rows
    ]  # fmt: skip
    assert shown == rows  # same students, same order, same figures; names never markup


def test_batch_summary_names_every_grader_error(config, tmp_path: Path) -> None:
    summary = BatchSummary(graded=["kim"], skipped=["lee"])
    summary.results = [mixed(config), result_of([record("passed")], config, "lee")]
    console, errors = _console(), _console()
    print_batch_summary(summary, tmp_path, False, console, errors)
    lines = [line for line in errors.export_text().splitlines() if "grader error" in line]
    assert lines == [
        f"grader error while grading kim (the student sees only 'internal grader error'): "
        f"{EX01}::test_d: {GRADER_BUG}"
    ]
    assert GRADER_BUG not in console.export_text()


def test_a_resumed_batch_still_reports_earlier_grader_errors(config, tmp_path: Path) -> None:
    """finish_batch reads every student's results.json, also of students graded by an earlier
    run: their grader errors reach the report and the summary (``summary.results``)."""
    for result in (mixed(config), result_of([record("passed")], config, "lee")):
        folder = tmp_path / output_folder(result.student)
        folder.mkdir()
        (folder / RESULTS).write_text(result.to_json(), encoding="utf-8")
    results = finish_batch(tmp_path, ["kim", "lee", "not_graded_yet"], "en")
    assert [r.student for r in results] == ["kim", "lee"]
    assert [e for r in results for e in r.internal_errors()] == [f"{EX01}::test_d: {GRADER_BUG}"]
    assert "reference_for_case_7" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert (tmp_path / "grades.csv").read_text(encoding="utf-8") == grades_csv(results, "en")
