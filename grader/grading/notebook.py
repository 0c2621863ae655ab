"""Graders inside a notebook: the code behind the nbgrader test cells.

A test cell is one call, ``run_tests("ex01_tensors", globals(), points=4.5)``. It runs the
exercise's public (or hidden) graders in this kernel against the functions the notebook defined,
prints a short report and returns the points earned, so that the cell's value is nbgrader's
partial credit: ``points × passed weight / weight of the tests that ran``.

nbgrader gives a test cell zero as soon as the cell wrote anything to stderr. TensorFlow writes
log lines there (C++ logs straight to file descriptor 2, absl and Python warnings to
``sys.stderr``), often on the first operation, which in a notebook happens inside the test cell.
So while the graders run, both are captured; pure log noise is dropped, anything else is shown
on stdout, where it is visible but cannot zero the cell. A student's failing code is reported by
the graders themselves, never through stderr (except while nbgrader validates: the
report itself goes there, see ``run_tests``).

The student's code runs in this very process (``grader.grading.local.NamespaceOpener``): fine for
self-checks and for nbgrader's own (stock, trusting) autograde; the sandboxed engine is the
secure path.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import textwrap
import warnings
from collections.abc import Iterator
from typing import Any, Literal

from grader.course.config import ConfigError, CourseConfig, CourseInfo, find_config, load_config
from grader.course.exercises import EXERCISE_IDS
from grader.course.messages import Msg, rendered
from grader.grading import scoring
from grader.grading.plugin import TestRecord
from grader.wire.lognoise import strip_log_noise

NOTEBOOK_STUDENT = "notebook"  # seed label: every notebook run draws the same inputs
# nbgrader sets NBGRADER_EXECUTION (its documented hook) to "validate" while Validate runs.
NBGRADER_VALIDATE = "validate"
VALIDATOR_LINE_CHARS = 80  # nbgrader's Validator cuts longer lines (width 90, 4-space indent)


@contextlib.contextmanager
def _captured_stderr() -> Iterator[io.StringIO]:
    """Capture fd 2 and ``sys.stderr`` (and warnings) into the yielded buffer."""
    buffer = io.StringIO()
    with tempfile.TemporaryFile(mode="w+b") as spill:
        sys.stderr.flush()
        saved_fd = os.dup(2)
        os.dup2(spill.fileno(), 2)
        try:
            with (
                contextlib.redirect_stderr(buffer),
                warnings.catch_warnings(record=True) as caught,
            ):
                warnings.simplefilter("default")
                yield buffer
        finally:
            sys.stderr.flush()
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            spill.seek(0)
            buffer.write(spill.read().decode("utf-8", "replace"))
            for warning in caught:
                buffer.write(warnings.formatwarning(
                    warning.message, warning.category, warning.filename, warning.lineno, ""
                ))  # fmt: skip


def default_config(language: str = "ko") -> CourseConfig:
    """The settings notebooks are graded with where no course.yml is found (a student's release
    folder may have none): default limits and seed; each test cell carries its own points."""
    return CourseConfig(
        course=CourseInfo(id="notebook", language=language),
        exercises={exercise: {"points": 1.0} for exercise in EXERCISE_IDS},
    )


def _config(language: str | None) -> CourseConfig:
    """course.yml from the working directory or a parent (the nbgrader course root holds one),
    else ``default_config``."""
    try:
        config = load_config(find_config())
    except ConfigError:
        config = default_config(language or "ko")
    if language and language != config.course.language:
        course = config.course.model_copy(update={"language": language})
        config = config.model_copy(update={"course": course})
    return config


def earned_points(points: float, records: list[TestRecord]) -> float:
    """A test cell's value: the course's one scoring rule (``scoring.cell_points``) applied
    to the cell's points, rounded as every view shows a score (``scoring.format_points``),
    since nbgrader records the value the cell displays; full marks are the cell's points
    exactly (a cell worth 4.375 that passes everything shows 4.375, not 4.38)."""
    exact = scoring.cell_points(points, records)
    return exact if exact == points else min(float(points), scoring.shown_points(exact))


_TEXT: dict[str, Msg] = {
    "public": Msg("공개 테스트", "Public tests"),
    "hidden": Msg("숨겨진 테스트", "Hidden tests"),
    "summary": Msg(
        "{label} · {exercise}: {passed}/{ran}개 통과 → {score}/{points}점",
        "{label} · {exercise}: {passed}/{ran} passed → {score}/{points} points",
    ),
    "skipped": Msg("건너뜀", "skipped"),
    "output": Msg(
        "테스트 중 stderr에 나온 출력 (점수에는 영향 없음):",
        "Output on stderr during the tests (does not affect the score):",
    ),
}


def format_report(
    exercise: str,
    records: list[TestRecord],
    points: float,
    score: float,
    visibility: str,
    language: str,
) -> str:
    """A few lines: one summary, then one line per test with the hint of each failure."""
    text = rendered(_TEXT, language)
    ran = [r for r in records if r.status != "skipped"]
    lines = [text["summary"].format(
        label=text[visibility], exercise=exercise, passed=sum(r.status == "passed" for r in ran),
        ran=len(ran), score=scoring.format_points(score), points=scoring.format_points(points),
    )]  # fmt: skip
    for record in records:
        mark = {"passed": "✓", "failed": "✗", "skipped": "-"}[record.status]
        title = record.title.render(language)
        if record.status == "skipped":
            title = f"{title} ({text['skipped']})"
        lines.append(f"  {mark} {title}")
        if record.status == "failed" and record.message is not None:
            message = record.message.render(language).replace("\n", "\n      ")
            lines.append(f"      {message}")
    return "\n".join(lines)


def fit_validator_width(report: str) -> str:
    """``report`` with every line wrapped (keeping its indent) to fit nbgrader's validator, which
    cuts each line it shows at 87 characters and would drop the end of a long hint."""
    lines = []
    for line in report.splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        wrapped = textwrap.wrap(
            line.strip(), VALIDATOR_LINE_CHARS, initial_indent=indent,
            subsequent_indent=indent + "  ", break_long_words=False, break_on_hyphens=False,
        )  # fmt: skip
        lines.extend(wrapped or [""])
    return "\n".join(lines)


def run_tests(
    exercise: str,
    namespace: dict[str, Any],
    *,
    points: float,
    visibility: Literal["public", "hidden"] = "public",
    language: str | None = None,
) -> float:
    """Run one exercise's graders on ``namespace`` (a notebook's ``globals()``).

    Prints the report and returns the points earned out of ``points`` (the cell's points).
    While nbgrader validates (``NBGRADER_EXECUTION=validate``) a cell that falls short of its
    points, the report goes to stderr instead: nbgrader's Validate, on the command line and
    behind the Validate button, shows a failed cell's stderr as its error and otherwise only
    "Partial credit; passed some but not all of the tests", so the hints reach the student.
    Autograde never sees this (there stderr would zero the cell's partial credit).
    Raises ``GraderUnavailable`` when the graders themselves are missing, e.g. hidden graders in
    a student's environment, which must not pass as a score.
    """
    from grader.course.tfenv import gpu_visible_in_process, quiet_tensorflow
    from grader.grading.student_run import StudentRun, grade_runs

    quiet_tensorflow()
    config = _config(language)
    run = StudentRun.in_namespace(config, NOTEBOOK_STUDENT, namespace)  # imports TensorFlow
    with _captured_stderr() as stderr:
        gpu = config.grading.gpu != "off" and gpu_visible_in_process()
        grade_runs(config, [exercise], [visibility], [run], gpu_visible=gpu)
    records = [r for r in run.records if r.exercise == exercise]
    score = earned_points(points, records)
    report = format_report(exercise, records, points, score, visibility, config.course.language)
    if score < points and os.environ.get("NBGRADER_EXECUTION") == NBGRADER_VALIDATE:
        print(fit_validator_width(report), file=sys.stderr)  # what Validate shows: the hints
    else:
        print(report)
    leftover = strip_log_noise(stderr.getvalue())
    if leftover:
        print(f"\n{_TEXT['output'].render(config.course.language)}")
        print(leftover[-4000:].rstrip())
    return score
