"""Nothing about a student, and no grading process killed from outside, crashes a batch or
loses a student.

Folder names are whatever a class hands in (CP949 bytes from a Windows zip, names of the class
files, names that look like rich markup); each is graded, printed literally and stored where no
other student's or class file can collide with it. A worker or zygote killed mid-batch (the OOM
killer, an operator) costs no student anything: their grading is handed out again.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from grader.grading.batch import GradingError, check_output_folder, list_students
from grader.grading.student_names import display_name, output_folder
from tests.batch_helpers import (
    COURSE_CLI,
    XDIST_WORKER,
    course_file,
    exercise_score,
    load,
    processes_in_session,
    run_grade,
    solution,
    write_class,
)

pytestmark = [pytest.mark.slow]

UID_BASE = 65800 + 100 * XDIST_WORKER
EX01, EX03 = "ex01_tensors", "ex03_tensor_ops"
CP949_NAME = os.fsdecode("김민준".encode("cp949"))
UNDECODABLE_NAME = os.fsdecode(b"student-\xff\xfe")
ODD_NAMES = [
    CP949_NAME, UNDECODABLE_NAME, "grades.csv", "report.html", "@grades.csv",
    "lee [section a]", "[bold red]kim", "tab\tname",
]  # fmt: skip


def test_output_folders_never_collide():
    names = [*ODD_NAMES, "@@grades.csv", "@bytes-student-%FF%FE", "plain", "김민준"]
    folders = [output_folder(n) for n in names]
    assert len(set(folders)) == len(names)
    assert not {"grades.csv", "report.html"} & set(folders)
    assert display_name(CP949_NAME) == "김민준"
    assert display_name("tab\tname") == "tab\\x09name"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("esc\x1b[2Jname", "esc\\x1b[2Jname"),  # C0: clears an instructor's terminal
        ("csi\x9b2Jname", "csi\\x9b2Jname"),  # C1: the one-character escape of some terminals
        ("kim\u202etxt.exe", "kim\\u202etxt.exe"),  # bidirectional override: reorders the line
        ("lee\u2066x\u2069", "lee\\u2066x\\u2069"),  # bidirectional isolate
        ("park\u200bjiwoo", "park\\u200bjiwoo"),  # zero-width: two names that look alike
        ("choi\ufeff", "choi\\ufeff"),  # a byte order mark
        ("two\u2028lines", "two\\u2028lines"),  # a line separator
    ],
)
def test_a_name_is_shown_with_every_character_that_would_not_show_escaped(name, shown):
    assert display_name(name) == shown


def test_output_folder_never_inside_what_students_handed_in(tmp_path: Path):
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    for bad in (subs, subs / "alice" / "out"):
        with pytest.raises(GradingError):
            check_output_folder(subs, bad)
    check_output_folder(subs, subs / "_grades")  # beside the students: allowed, and excluded
    (subs / "_grades").mkdir()
    assert list_students(subs, exclude=subs / "_grades") == ["alice"]


def test_any_folder_name_is_graded_and_shown_literally(tmp_path: Path):
    subs = tmp_path / "subs"
    for name in ODD_NAMES:
        folder = subs / name
        folder.mkdir(parents=True)
        (folder / f"{EX01}.py").write_text(solution(EX01), encoding="utf-8")
    course = course_file(tmp_path / "course", UID_BASE)

    result = run_grade(subs, tmp_path / "out", course, cwd=tmp_path, workers=2)

    assert result.returncode == 0, result.stderr[-3000:]
    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "grades.csv").read_text("utf-8-sig"))))
    shown = sorted(row[0].removeprefix("'") for row in rows[2:])  # "'": no formula in Excel
    assert shown == sorted(display_name(n) for n in ODD_NAMES)
    assert (tmp_path / "out" / "report.html").is_file()
    for name in ODD_NAMES:
        results = load(tmp_path / "out", output_folder(name))
        assert results["extra_data"]["student"] == display_name(name)
        score, maximum = exercise_score(results, EX01)
        assert score == maximum > 0, name
    for shown in ("lee [section a]", "[bold red]kim", "김민준"):
        assert shown in result.stdout


# ------------------------------------------------------------------ processes killed from outside
SLOW_ADD = "\n\ndef add(a, b):\n    import time\n    time.sleep(0.4)\n    return tf.add(a, b)\n"


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            stat = Path(f"/proc/{entry}/stat").read_bytes() if entry.isdigit() else b""
        except OSError:
            continue
        if stat and int(stat[stat.rfind(b")") + 2 :].split()[1]) == pid:
            found.append(int(entry))
    return found


def _kill_busy(marker: bytes, depth: int, session: int, deadline: float) -> None:
    """SIGKILL a ``marker`` process of the session while a student is being graded under it:
    a sandbox child exists ``depth`` generations below it (zygote 1, worker 2)."""
    while time.monotonic() < deadline:
        for pid in processes_in_session(session, marker):
            generation = [pid]
            for _ in range(depth):
                generation = [c for parent in generation for c in _children(parent)]
            if generation:
                os.kill(pid, signal.SIGKILL)
                return
        time.sleep(0.05)
    raise AssertionError(f"no busy {marker!r} process appeared")


def test_killed_worker_and_zygote_cost_no_student_anything(tmp_path: Path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    honest = {EX01: solution(EX01), EX03: solution(EX03) + SLOW_ADD}
    students = {f"s{n:02d}": honest for n in range(8)}
    write_class(subs, students)
    course = course_file(tmp_path / "course", UID_BASE + 50)
    process = subprocess.Popen(
        [COURSE_CLI, "grade", str(subs), "--out", str(out), "--workers", "2",
         "--config", str(course)],
        cwd=tmp_path, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while not any(out.glob("*/results.json")) and time.monotonic() < deadline:
            time.sleep(0.2)
        _kill_busy(b"grader.sandbox.zygote", 1, process.pid, deadline)
        time.sleep(1.0)
        _kill_busy(b"multiprocessing", 2, process.pid, deadline)
        stdout, stderr = process.communicate(timeout=400)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 0, stderr[-3000:]
    for student in students:
        for exercise in (EX01, EX03):
            score, maximum = exercise_score(load(out, student), exercise)
            assert score == maximum > 0, (student, exercise)
    assert "re-graded" in stdout
