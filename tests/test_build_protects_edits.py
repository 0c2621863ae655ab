"""``course build`` never destroys work written into ``exercises/``: a stub someone edited (it is
neither what the build writes now nor what it wrote last) is kept, named, and the exit status
is 1; ``--force`` overwrites it. A stub nobody touched still follows its solution."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app

EDITED = "exercises/ex01_tensors.py"
UNTOUCHED = "exercises/ex02_assign.py"
ANSWER = "\n# 학생의 답: 다 풀었습니다\n"


@pytest.fixture
def course(tmp_path: Path, root: Path) -> Path:
    """A course root of its own (course.yml and solutions/), built once."""
    shutil.copy2(root / "course.yml", tmp_path / "course.yml")
    shutil.copytree(root / "solutions", tmp_path / "solutions")
    assert _build(tmp_path).exit_code == 0
    return tmp_path


def _build(course: Path, *args: str):
    return CliRunner().invoke(app, ["build", *args, "--config", str(course / "course.yml")])


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_an_edited_stub_is_kept_until_forced(course: Path) -> None:
    edited = course / EDITED
    _append(edited, ANSWER)
    student_work = edited.read_text(encoding="utf-8")
    for _ in range(2):  # the second build still knows it was edited
        result = _build(course)
        assert result.exit_code == 1, result.output
        assert f"kept {EDITED}: it was edited" in result.output, result.output
        assert "--force" in result.output
        assert edited.read_text(encoding="utf-8") == student_work

    check = _build(course, "--check")  # unchanged: the edited stub is out of date
    assert check.exit_code == 1 and f"out of date: {EDITED}" in check.output, check.output

    forced = _build(course, "--force")
    assert forced.exit_code == 0, forced.output
    assert ANSWER not in edited.read_text(encoding="utf-8")
    assert _build(course, "--check").exit_code == 0
    again = _build(course)
    assert again.exit_code == 0 and "0 of" in again.output, again.output


def test_a_stub_nobody_edited_follows_its_solution(course: Path) -> None:
    """The previous stub, untouched, is replaced when its solution changes, while an edited
    one beside it is kept: the build tells the two apart by what it wrote last."""
    _append(course / "solutions/ex02_assign.py", "\n# 새 설명\n")
    _append(course / "solutions/ex01_tensors.py", "\n# 새 설명\n")
    _append(course / EDITED, ANSWER)
    result = _build(course)
    assert result.exit_code == 1, result.output
    assert "새 설명" in (course / UNTOUCHED).read_text(encoding="utf-8")
    assert (course / EDITED).read_text(encoding="utf-8").endswith(ANSWER)
    assert f"kept {EDITED}" in result.output and f"kept {UNTOUCHED}" not in result.output


def test_an_edit_saved_in_another_encoding_is_kept(course: Path) -> None:
    """Korean Windows editors may save CP949: not UTF-8 text, still someone's work."""
    edited = course / EDITED
    work = (edited.read_text(encoding="utf-8") + ANSWER).encode("cp949")
    edited.write_bytes(work)
    result = _build(course)
    assert result.exit_code == 1 and f"kept {EDITED}" in result.output, result.output
    assert edited.read_bytes() == work
