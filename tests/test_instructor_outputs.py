"""What ``course grade`` hands an instructor, as it is used: grades.csv as Excel on Korean
Windows and an LMS import read it, and the console table with the same figures.

No TensorFlow and no sandbox: results are built by hand from test records.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from rich.console import Console

from grader.course.config import load_config
from grader.course.exercises import EXERCISE_IDS
from grader.course.messages import Msg
from grader.graders.explain_failure import explain_failure
from grader.grading.batch import (
    OUTPUT_MARK,
    GradingError,
    check_output_folder,
    finish_batch,
    grade_class,
    list_students,
    mark_output_folder,
    student_folder,
)
from grader.grading.local import FolderOpener
from grader.grading.plugin import StudentJob, TestRecord
from grader.grading.results import ExerciseRun, StudentResult, build_results, grades_csv
from grader.grading.scoring import format_points
from grader.reports.console import print_grade_table
from tests.batch_helpers import (
    COURSE_CLI,
    ROOT,
    XDIST_WORKER,
    course_file,
    exercise_score,
    load,
    run_grade,
    solution,
    write_class,
)

EX01, EX02 = EXERCISE_IDS[0], EXERCISE_IDS[1]
UID_BASE = 67000 + 100 * XDIST_WORKER


def _record(status: str, weight: float, test: str, exercise: str = EX01) -> TestRecord:
    message = Msg("틀렸습니다", "wrong") if status == "failed" else None
    return TestRecord(
        exercise, test, Msg(f"{test} · 제목", f"{test} title"), weight, "public",  # type: ignore[arg-type]
        status, message,  # type: ignore[arg-type]
        failure_category="wrong_answer" if status == "failed" else None,
    )  # fmt: skip


def _result(config, student: str, files: dict[str, str]) -> StudentResult:
    """ex01 with one of three equally weighted tests passed (10/3 points: not round)."""
    job = StudentJob(student, open_submission=None)  # type: ignore[arg-type]
    job.records.extend(
        _record(status, 1.0, test)
        for status, test in (("passed", "test_a"), ("failed", "test_b"), ("failed", "test_c"))
    )
    runs = {exercise: ExerciseRun(file=name) for exercise, name in files.items()}
    return build_results(job, config, runs, seconds=1.0, gpu=False, seed=7)


def _class(config) -> list[StudentResult]:
    return [
        _result(config, "김민준", {EX01: f"{EX01}.py"}),
        _result(config, "이서연", {EX01: f"{EX01}.ipynb", EX02: f"{EX02}.py"}),
    ]


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# ----------------------------------------------------------------------------- grades.csv
def test_grades_csv_is_utf8_with_bom_so_excel_shows_hangul(config, tmp_path: Path) -> None:
    finish_batch_out = tmp_path / "out"
    results = _class(config)
    for result in results:
        folder = finish_batch_out / result.student
        folder.mkdir(parents=True)
        (folder / "results.json").write_text(result.to_json(), encoding="utf-8")
    finish_batch(finish_batch_out, [r.student for r in results], "ko")
    data = (finish_batch_out / "grades.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    text = data.decode("utf-8-sig")
    assert not text.startswith("\ufeff")  # exactly one BOM
    assert [row[0] for row in _rows(text)[2:]] == ["김민준", "이서연"]


def test_grades_csv_has_two_decimals_a_max_row_and_who_submitted(config) -> None:
    results = _class(config)
    rows = _rows(grades_csv(results, "ko").removeprefix("\ufeff"))
    header, maximum, kim, lee = rows
    n = len(EXERCISE_IDS)
    # the contract's columns first: student, one per exercise, total; then submitted per exercise
    assert header == ["student", *EXERCISE_IDS, "total", *(f"{e}_submitted" for e in EXERCISE_IDS)]
    assert maximum[0] == "만점"
    assert maximum[1 : n + 2] == [
        format_points(results[0].extra_data.exercises[e].max_score) for e in EXERCISE_IDS
    ] + [format_points(results[0].max_score)]
    assert maximum[1] == "10" and maximum[n + 2 :] == [""] * n
    assert kim[1] == "3.33" and kim[n + 1] == "3.33"  # 10/3, exact in results.json
    assert results[0].extra_data.exercises[EX01].score != 3.33
    assert kim[n + 2 :] == ["제출"] + ["미제출"] * (n - 1)
    assert lee[n + 2 :] == ["제출", "제출"] + ["미제출"] * (n - 2)
    assert kim[2] == "0"  # numeric even when missing: sums and LMS imports keep working
    english = _rows(grades_csv(results, "en").removeprefix("\ufeff"))
    assert english[1][0] == "max points" and english[2][n + 2 : n + 4] == ["submitted", "missing"]


def test_console_table_shows_the_figures_of_grades_csv(config) -> None:
    results = _class(config)
    console = Console(file=io.StringIO(), width=200, record=True)
    print_grade_table(results, console, "ko")
    lines = [line for line in console.export_text().splitlines() if line.startswith("│")]
    shown = [[cell.strip() for cell in line.split("│")[1:-1]] for line in lines]
    n = len(EXERCISE_IDS)
    expected = []
    for row in _rows(grades_csv(results, "ko").removeprefix("\ufeff"))[1:]:
        submitted = row[n + 2 :]
        cells = [
            score if flag in ("", "제출") else "—"
            for score, flag in zip(row[1 : n + 1], submitted, strict=True)
        ]
        expected.append([row[0], *cells, row[n + 1]])
    assert shown == expected


# ------------------------------------------------------------------ what course grade is given
def _grade(subs: Path, out: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    course = course_file(tmp_path / "course", UID_BASE)
    return run_grade(subs, out, course, cwd=tmp_path, extra=extra)


def test_an_empty_folder_or_one_students_folder_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    one = tmp_path / "kim"  # one student's folder given by mistake, with a folder inside
    (one / "scratch").mkdir(parents=True)
    (one / f"{EX01}.py").write_text("x = 1\n", encoding="utf-8")
    collected = tmp_path / "submitted-lee"  # nbgrader's submitted/<student>/ given by mistake
    (collected / "ch03").mkdir(parents=True)
    (collected / "ch03" / f"{EX01}.ipynb").write_text("{}", encoding="utf-8")
    cases = (
        (empty, "no student folders"),
        (one, "one student's folder"),
        (collected, "one student's folder of nbgrader's collected layout"),
    )
    for subs, says in cases:
        result = _grade(subs, tmp_path / f"out-{subs.name}", tmp_path)
        assert result.returncode == 2, result.stderr[-2000:]
        assert says in result.stderr and "Traceback" not in result.stderr
        assert not (tmp_path / f"out-{subs.name}" / "grades.csv").exists()


def test_workers_must_be_positive(tmp_path: Path) -> None:
    write_class(tmp_path / "subs", {"kim": {EX01: "x = 1\n"}})
    for workers in ("0", "-1"):
        command = [COURSE_CLI, "grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out")]
        result = subprocess.run(
            [*command, "--workers", workers], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 2 and "--workers" in result.stderr, result.stderr
        assert not (tmp_path / "out").exists()


def test_out_inside_submissions_is_never_a_student_nor_a_students_folder(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    write_class(subs, {"alice": {EX01: "x = 1\n"}, "bob": {EX01: "x = 1\n"}})
    mark_output_folder(subs / "_grades")  # what the first run with --out subs/_grades left
    # a second run with another OUT: the first run's output is no phantom student
    assert list_students(subs, exclude=subs / "_grades2") == ["alice", "bob"]
    check_output_folder(subs, subs / "_grades")  # the earlier OUT again: allowed
    check_output_folder(subs, subs / "new")  # a new folder beside the students: allowed
    (subs / "empty").mkdir()
    check_output_folder(subs, subs / "empty")
    with pytest.raises(GradingError, match="did not write"):
        check_output_folder(subs, subs / "alice")  # a student's folder: never written into


def test_grade_class_never_writes_into_a_students_folder(tmp_path: Path) -> None:
    """Refused by ``grade_class`` before anything is written (no mark, no results)."""
    subs = tmp_path / "subs"
    write_class(subs, {"alice": {EX01: "x = 1\n"}})
    first = subs / "_grades"
    mark_output_folder(first)
    (first / "alice").mkdir()
    (first / "grades.csv").write_text("student\n", encoding="utf-8")
    with pytest.raises(GradingError, match="did not write"):
        grade_class(
            load_config(course_file(tmp_path / "c", UID_BASE)), ROOT, subs, subs / "alice",
            workers=1, force=False, gpu=False,
        )  # fmt: skip
    assert not (subs / "alice" / OUTPUT_MARK).exists()
    assert sorted(p.name for p in (subs / "alice").iterdir()) == [f"{EX01}.py"]


# ------------------------------------------------------------------------------------ Ctrl-C
INTERRUPTED_LINE = "중단됨 — 다시 실행하면 이어서 채점합니다"
CHECK_INTERRUPTED_LINE = "중단됨 — 검사를 멈췄습니다 (다시 실행하면 처음부터 검사합니다)"


def _ctrl_c(command: list[str], cwd: Path, when) -> subprocess.CompletedProcess:
    """Run ``command`` in a process group of its own and send it Ctrl-C as a terminal does
    (SIGINT to the whole group: workers and zygotes too) once ``when()`` is true."""
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not when() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(command, process.returncode, out, err)


@pytest.mark.slow
def test_ctrl_c_prints_one_line_during_start_up_and_grading(tmp_path: Path) -> None:
    subs, out = tmp_path / "subs", tmp_path / "out"
    write_class(subs, {f"s{i}": {EX01: solution(EX01)} for i in range(4)})
    course = course_file(tmp_path / "course", UID_BASE + 1)
    command = [COURSE_CLI, "grade", str(subs), "--out", str(out), "--workers", "2"]
    command += ["--config", str(course)]
    started = time.monotonic()
    moments = {
        "importing": lambda: time.monotonic() - started > 0.15,
        "starting workers": lambda: time.monotonic() - started > 3,
        "grading": lambda: any(out.glob("*/results.json")),
    }
    for moment, when in moments.items():
        started = time.monotonic()
        result = _ctrl_c(command, tmp_path, when)
        assert result.returncode == 130, (moment, result.stderr[-3000:])
        assert result.stderr.strip() == INTERRUPTED_LINE, (moment, result.stderr[-3000:])
    assert not list(out.rglob("*.tmp"))  # nothing half-written


# ------------------------------------------------------------------------- near-miss file names
EX04 = "ex04_gradient_tape"


def _not_submitted(folder: Path, exercise: str, language: str) -> str:
    """What a student reads for an exercise whose file was not found (``course check``'s
    opener; the sandbox opener builds the same failure)."""
    with FolderOpener(folder, 4096).open(exercise, ExerciseRun()) as submission:
        assert submission.load_failure is not None
        failure = explain_failure(exercise, submission.load_failure, notebook_cells=False)
        return failure.render(language)


def test_a_near_miss_file_name_is_named_with_the_expected_name(tmp_path: Path) -> None:
    for name in ("ex04.py", "Ex04_Gradient_Tape.PY", f"{EX01}-Copy1.ipynb", f"{EX01}.py.txt"):
        (tmp_path / name).write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "ex040_other").mkdir()  # a folder is no file to rename
    message = _not_submitted(tmp_path, EX04, "ko")
    assert "`Ex04_Gradient_Tape.PY`, `ex04.py`" in message
    assert f"`{EX04}.py` / `{EX04}.ipynb`" in message and "바꾸세요" in message
    assert "ex040_other" not in message and EX01 not in message
    english = _not_submitted(tmp_path, EX01, "en")
    assert f"`{EX01}-Copy1.ipynb`, `{EX01}.py.txt`" in english and "Rename it" in english
    plain = _not_submitted(tmp_path, "ex02_assign", "ko")  # nothing alike: the expected name
    assert "`ex02_assign.py` / `ex02_assign.ipynb`" in plain and "바꾸세요" not in plain


# ------------------------------------------------------------------------- nbgrader's layout
def _notebook(path: Path, code: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    path.write_text(nbformat.writes(notebook), encoding="utf-8")


@pytest.mark.slow
def test_nbgraders_collected_layout_is_graded(tmp_path: Path) -> None:
    """``nbgrader collect`` leaves ``submitted/<student>/<assignment>/*.ipynb``."""
    subs = tmp_path / "submitted"
    _notebook(subs / "kim" / "ch03" / f"{EX01}.ipynb", solution(EX01))
    (subs / "kim" / "ch03" / "timestamp.txt").write_text("2026-12-01 10:00:00\n")
    write_class(subs, {"lee": {EX01: solution(EX01)}})  # the kit's own layout beside it
    assert student_folder(load_config(ROOT / "course.yml"), subs, "kim") == subs / "kim" / "ch03"

    result = _grade(subs, tmp_path / "out", tmp_path)

    assert result.returncode == 0, result.stderr[-3000:]
    for student, file in (("kim", f"{EX01}.ipynb"), ("lee", f"{EX01}.py")):
        results = load(tmp_path / "out", student)
        score, maximum = exercise_score(results, EX01)
        assert score == maximum > 0 and results["extra_data"]["exercises"][EX01]["file"] == file


@pytest.mark.slow
def test_ctrl_c_during_a_check_says_the_check_stopped(tmp_path: Path) -> None:
    """A check has nothing to resume: its line says so, during start-up and while checking."""
    folder = tmp_path / "mine"
    folder.mkdir()
    endless = "def make_ones(shape):\n    while True:\n        pass\n"
    (folder / f"{EX01}.py").write_text(endless, encoding="utf-8")
    course = course_file(tmp_path / "course", UID_BASE + 2, call_s=60)
    command = [COURSE_CLI, "check", EX01, "--path", str(folder), "--config", str(course)]
    started = time.monotonic()
    # Start-up is a sequence of stages (imports, typer reading the command line, the zygote
    # starting): Ctrl-C at any moment, not only at a lucky one, prints the one line.
    after = [0.15, 0.25, 0.35, 0.5, 0.8, 1.2, 8]
    moments = {f"after {s}s": (lambda s=s: time.monotonic() - started > s) for s in after}
    for moment, when in moments.items():
        started = time.monotonic()
        result = _ctrl_c(command, tmp_path, when)
        assert result.returncode == 130, (moment, result.stderr[-3000:])
        assert result.stderr.strip() == CHECK_INTERRUPTED_LINE, (moment, result.stderr[-3000:])
