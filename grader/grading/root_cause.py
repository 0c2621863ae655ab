"""One root cause, reported once per exercise.

A syntax error, a missing file or function, an unfinished function or one wrong dtype fails
every test that reaches it, each with the same explanation: a student then reads the same
paragraph ten times and looks for ten mistakes. Each failed test's ``TestRecord.cause`` names
its root cause (set by the plugin from the failure: the hint of a check, the student's line
that raised, the missing name); here, per exercise, the first test of each cause keeps the
explanation and every later one says it failed for the same reason, naming that first test.
Points are untouched: every test still scores what it scored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from grader.course.messages import Msg
from grader.grading.plugin import TestRecord


def same_cause(first: TestRecord) -> Msg:
    """What a test that failed for ``first``'s reason says instead of repeating it."""
    return Msg(
        f"위 ‘{first.title.ko}’ 테스트와 같은 원인으로 실패했습니다.",
        f"Failed for the same reason as ‘{first.title.en}’ above.",
    )


CauseScope = Literal["exercise", "test_cell"]


def mark_repeated_causes(records: Iterable[TestRecord], scope: CauseScope = "exercise") -> None:
    """Keep each root cause's explanation on the first failed test of each exercise that has
    it; the later ones point there (``same_cause_as``) with a one-line message.

    ``scope="test_cell"``: per exercise and visibility, for notebooks whose public and hidden
    tests report in test cells of their own (nbgrader's autograde): each cell then reads as
    it does when the cell runs by itself in nbgrader's kernel.
    """
    first_of: dict[tuple[str, str, str], TestRecord] = {}
    for record in records:
        if record.status != "failed" or not record.cause or record.same_cause_as:
            continue
        cell = record.visibility if scope == "test_cell" else ""
        first = first_of.setdefault((record.exercise, cell, record.cause), record)
        if first is not record:
            record.same_cause_as = first.test
            record.message = same_cause(first)
