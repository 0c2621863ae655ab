"""Ctrl-C stops ``course`` with its one line and status 130 whatever exception it turns into.

A signal handler's exception is raised in whatever code runs at that moment, and that code may
turn it into another exception on the way up: Python 3.11 re-raises an exception from a
descriptor's ``__set_name__`` (a dataclass field, while pytest is imported) as a
``RuntimeError``; a library may wrap it in its own error. These tests deliver Ctrl-C at exactly
such a moment, in start-up and in both long commands, through the installed ``course`` entry
point; the timed Ctrl-C tests in ``test_instructor_outputs`` only land there by luck.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from grader.course.messages import CHECK_INTERRUPTED, INTERRUPTED, STOPPED
from tests.batch_helpers import ROOT, solution

EX01 = "ex01_tensors"

# Run by the venv's Python: the ``course`` console script's own target, after a hook that sends
# Ctrl-C to this process from inside a class's creation (or inside code that wraps what it
# catches), at the moment the test names.
DRIVER = textwrap.dedent(
    """
    import importlib.metadata, os, signal, sys, time

    moment, how = sys.argv[1], sys.argv[2]


    class SendsCtrlC:
        def __set_name__(self, owner, name):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(30)  # the handler raises here, inside __set_name__


    def ctrl_c_in_class_creation(*args, **kwargs):
        if how == "no-ctrl-c":
            raise ValueError("a bug, not a Ctrl-C")
        try:
            class Record:
                field = SendsCtrlC()
        except BaseException as exc:
            if how == "wrapped":
                raise ValueError("a library's own error") from exc
            raise


    class CtrlCWhileImportingTheCli:
        def find_spec(self, name, path=None, target=None):
            if name == "grader.cli":
                sys.meta_path.remove(self)
                ctrl_c_in_class_creation()
            return None


    if moment == "start-up":
        sys.meta_path.insert(0, CtrlCWhileImportingTheCli())
    elif moment == "check":
        import grader.grading.check
        grader.grading.check.run_check = ctrl_c_in_class_creation
    elif moment == "grade":
        import grader.grading.batch
        grader.grading.batch.grade_class = ctrl_c_in_class_creation
    sys.argv = ["course", *sys.argv[3:]]
    entry = importlib.metadata.entry_points(group="console_scripts")["course"]
    sys.exit(entry.load()())
    """
)


def _course_interrupted(moment: str, how: str, arguments: list[str], cwd: Path):
    command = [sys.executable, "-c", DRIVER, moment, how]
    return subprocess.run(
        [*command, *arguments], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("how", ["as-python-raises-it", "wrapped"])
@pytest.mark.parametrize("moment", ["start-up", "check", "grade"])
def test_ctrl_c_prints_the_commands_line_whatever_exception_it_becomes(
    tmp_path: Path, moment: str, how: str
) -> None:
    folder = tmp_path / "subs" / "kim"
    folder.mkdir(parents=True)
    (folder / f"{EX01}.py").write_text(solution(EX01), encoding="utf-8")
    config = ["--config", str(ROOT / "course.yml")]
    if moment == "grade":
        arguments = ["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), *config]
    else:
        arguments = ["check", EX01, "--path", str(folder), *config]
    result = _course_interrupted(moment, how, arguments, tmp_path)

    expected = {"grade": INTERRUPTED, "check": CHECK_INTERRUPTED}[arguments[0]]
    assert result.returncode == 130, result.stderr[-3000:]
    assert result.stderr.strip() == expected.render("ko"), result.stderr[-3000:]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*"))


def test_ctrl_c_during_start_up_of_another_command_says_interrupted(tmp_path: Path) -> None:
    result = _course_interrupted("start-up", "as-python-raises-it", ["build", "--check"], tmp_path)
    assert result.returncode == 130, result.stderr[-3000:]
    assert result.stderr.strip() == STOPPED.render("ko"), result.stderr[-3000:]


def test_an_error_without_ctrl_c_keeps_its_exit_status_and_traceback(tmp_path: Path) -> None:
    """Only a Ctrl-C becomes the line: a grader's bug still reaches the instructor."""
    folder = tmp_path / "kim"
    folder.mkdir()
    arguments = ["check", EX01, "--path", str(folder), "--config", str(ROOT / "course.yml")]
    result = _course_interrupted("check", "no-ctrl-c", arguments, tmp_path)
    assert result.returncode == 1, result.stderr[-3000:]
    assert "ValueError" in result.stderr and "a bug, not a Ctrl-C" in result.stderr
    assert "중단됨" not in result.stderr
