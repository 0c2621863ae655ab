"""``course check`` enforces grading's time limits (issue 11, item 5).

A student's check used to run their code in its own process without any limit: a function that
never returned ran until Ctrl-C. It now runs the code in the sandbox children grading uses, so a
looping function fails after ``call_s``, a file whose top-level code loops after ``import_s`` and
everything after ``student_s``, with the messages grading gives; the other exercises are still
checked and the command ends with its table and exit code 1. Each case is the CLI in its own
process, under a tiny course.yml and an outer timeout that stops a check which never ends. The
same holds as an ordinary user (a student's own machine) and where no sandbox can start (the
in-process fallback with the same limits).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from grader.course.tfenv import QUIET_ENV
from grader.graders.explain_failure import explain_failure
from grader.wire.protocol import StudentFailure
from tests.batch_helpers import COURSE_CLI, ROOT, XDIST_WORKER, solution

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(name="check-limits")]

UID_BASE = 68000 + 100 * XDIST_WORKER  # this module's sandbox uids (course.yml's are 61000+)
OUTER_TIMEOUT_S = 240  # a check that ignores the limits would never end: fail instead
ENDLESS_FUNCTION = "\n\ndef make_ones(shape):\n    while True:\n        pass\n"
ENDLESS_TOP_LEVEL = "\n\nwhile True:\n    pass\n"
ENDLESS_EVERYWHERE = "".join(
    f"\n\ndef {name}(*args):\n    while True:\n        pass\n"
    for name in ("grad_square_of_variable", "grad_square_of_constant", "gradient")
)
# Run ``course check`` with the sandbox declared unavailable, as on a host that is not Linux.
NO_SANDBOX_MAIN = (
    "import sys; import grader.grading.check_sandbox as sandbox; "
    "sandbox.why_no_sandbox = lambda: 'simulated: no sandbox here'; "
    "from grader.entry import main; sys.argv[0] = 'course'; main()"
)


def course_yml(folder: Path, *, call_s: float, import_s: float, student_s: float) -> Path:
    data = yaml.safe_load((ROOT / "course.yml").read_text(encoding="utf-8"))
    data["grading"]["sandbox_uid_base"] = UID_BASE
    data["grading"]["timeouts"].update(call_s=call_s, import_s=import_s, student_s=student_s)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "course.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def endless_class(folder: Path) -> Path:
    """ex01 with a function that never returns, ex02 whose top-level code never ends, and an
    honest ex03."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "ex01_tensors": solution("ex01_tensors") + ENDLESS_FUNCTION,
        "ex02_assign": solution("ex02_assign") + ENDLESS_TOP_LEVEL,
        "ex03_tensor_ops": solution("ex03_tensor_ops"),
    }
    for exercise, text in files.items():
        (folder / f"{exercise}.py").write_text(text, encoding="utf-8")
    return folder


def timeout_message(exercise: str, limit: str) -> str:
    """What grading tells a student whose code ran past ``limit`` (e.g. "2s")."""
    failure = StudentFailure("timeout", message=limit)
    return explain_failure(exercise, failure, notebook_cells=False).render("ko")


def check(*command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **QUIET_ENV, "COLUMNS": "400"}  # no wrapped table or message lines
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=OUTER_TIMEOUT_S
    )


def passed(stdout: str, exercise: str) -> tuple[int, int]:
    """The "passed/ran" cell of an exercise's row in the check's table."""
    match = re.search(rf"{exercise} \(.*?\)\s*│\s*(\d+)/(\d+)", stdout)
    assert match, stdout
    return int(match[1]), int(match[2])


def assert_endless_code_stopped(result: subprocess.CompletedProcess[str]) -> None:
    out = result.stdout
    assert result.returncode == 1, out + result.stderr[-3000:]
    assert timeout_message("ex01_tensors", "2s") in out, out
    assert timeout_message("ex02_assign", "3s") in out, out
    ok, ran = passed(out, "ex01_tensors")
    assert 0 < ok < ran, out  # make_ones fails, the other functions are still checked
    assert passed(out, "ex02_assign")[0] == 0, out
    ok, ran = passed(out, "ex03_tensor_ops")
    assert ok == ran > 0, out  # the exercise after them is checked as usual
    assert "Traceback" not in result.stderr, result.stderr[-3000:]


def test_check_stops_endless_code_with_grading_limits(tmp_path: Path) -> None:
    course = course_yml(tmp_path / "course", call_s=2, import_s=3, student_s=60)
    work = endless_class(tmp_path / "work")
    result = check(
        COURSE_CLI, "check", "ex01", "ex02", "ex03", "--path", str(work), "--config", str(course),
        cwd=tmp_path,
    )  # fmt: skip
    assert_endless_code_stopped(result)
    assert "샌드박스를 시작할 수 없어" not in result.stderr  # it ran in the sandbox


def test_check_stops_a_student_at_the_student_limit(tmp_path: Path) -> None:
    """Every function of ex04 loops: the first fails after call_s, and once student_s is spent
    everything left (the honest ex05 too) fails at once, as in grading."""
    course = course_yml(tmp_path / "course", call_s=2, import_s=3, student_s=3)
    work = tmp_path / "work"
    work.mkdir()
    ex04 = solution("ex04_gradient_tape") + ENDLESS_EVERYWHERE
    (work / "ex04_gradient_tape.py").write_text(ex04, encoding="utf-8")
    (work / "ex05_second_order.py").write_text(solution("ex05_second_order"), encoding="utf-8")
    result = check(
        COURSE_CLI, "check", "ex04", "ex05", "--path", str(work), "--config", str(course),
        cwd=tmp_path,
    )  # fmt: skip
    out = result.stdout
    assert result.returncode == 1, out + result.stderr[-3000:]
    assert timeout_message("ex04_gradient_tape", "2s") in out, out
    assert timeout_message("ex05_second_order", "3s") in out, out
    assert passed(out, "ex04_gradient_tape")[0] == passed(out, "ex05_second_order")[0] == 0, out


def test_check_without_a_sandbox_keeps_the_limits(tmp_path: Path) -> None:
    """Where no sandbox can start, the code runs in the check's process, under the same limits
    and with the same messages, and the check says so."""
    course = course_yml(tmp_path / "course", call_s=2, import_s=3, student_s=60)
    work = endless_class(tmp_path / "work")
    result = check(
        sys.executable, "-c", NO_SANDBOX_MAIN, "check", "ex01", "ex02", "ex03",
        "--path", str(work), "--config", str(course), cwd=tmp_path,
    )  # fmt: skip
    assert_endless_code_stopped(result)
    assert "샌드박스를 시작할 수 없어 (simulated: no sandbox here)" in result.stderr


def test_check_as_an_ordinary_user_keeps_the_limits(tmp_path: Path) -> None:
    """A student's own machine: no root, the sandbox isolates through a user namespace."""
    from tests.test_sandbox_unprivileged import NOBODY, _why_not_available, nobody_python

    reason = _why_not_available()
    if reason:
        pytest.skip(reason)
    shared = Path(tempfile.mkdtemp(prefix="course-check-nobody-"))  # tmp_path is root's only
    os.chmod(shared, 0o755)
    try:
        course = course_yml(shared / "course", call_s=2, import_s=3, student_s=60)
        work = endless_class(shared / "work")
        python, kit = nobody_python(shared)
        subprocess.run(["chmod", "-R", "a+rX", str(shared)], check=True)
        env = {**os.environ, **QUIET_ENV, "COLUMNS": "400", "HOME": "/nonexistent"}
        command = [
            "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", str(python),
            "-c", "import sys; from grader.entry import main; sys.argv[0] = 'course'; main()",
            "check", "ex01", "ex02", "ex03", "--path", str(work), "--config", str(course),
        ]  # fmt: skip
        result = subprocess.run(
            command, cwd=kit, env={**env, "MPLCONFIGDIR": "/tmp"}, capture_output=True,
            text=True, timeout=OUTER_TIMEOUT_S,
        )  # fmt: skip
        assert_endless_code_stopped(result)
        assert "샌드박스를 시작할 수 없어" not in result.stderr, result.stderr[-3000:]
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def test_check_never_hides_the_python_environment(tmp_path: Path, monkeypatch) -> None:
    """``course check --path .`` in a course folder that holds the student's venv: the child
    must still reach the venv (TensorFlow imports lazily); solutions/ stays hidden."""
    from grader.grading.check_sandbox import check_hidden_paths

    course = tmp_path / "course"
    venv = course / ".venv"
    (venv / "lib").mkdir(parents=True)
    (course / "solutions").mkdir()
    (course / "notes").mkdir()
    monkeypatch.setattr(sys, "prefix", str(venv))
    hidden = check_hidden_paths(course, course)
    assert str(course / "solutions") in hidden and str(course / "notes") in hidden, hidden
    assert not [p for p in hidden if p == str(course) or str(venv).startswith(p + "/")], hidden
