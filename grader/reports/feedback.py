"""Per-student feedback page (``OUT/<student>/feedback.html``) from one ``results.json``.

The page is self-contained (inline CSS and SVG) so it can be mailed or uploaded to an LMS.
Hidden tests are listed by name with a short hint only: whatever text they carry is filtered so
that no test code, traceback or listing can reach the student.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from grader.course.exercises import EXERCISE_IDS
from grader.course.messages import language_tag
from grader.grading.results import StudentResult, TestResult
from grader.reports.common import environment, exercise_order, exercise_title, text
from grader.reports.plots import boundary_plot

MAX_OUTPUT_CHARS = 20_000  # the engine truncates already; this only bounds the page
MAX_MESSAGE_CHARS = 4_000
MAX_HINT_CHARS = 400

_CODE_LINE = re.compile(
    r"""^\s*(
        Traceback\b | File\s" | >>> | >\s | E\s{2,} | assert\b | def\s | class\s | import\s
        | from\s+\S+\s+import\b | @\w | return\b | raise\b | lambda\b
        | [A-Za-z_][\w.]*(\[[^\]]*\])?\s*[-+*/@]?=(?!=)
        | (for|while|if|elif|with|try)\b.*:\s*$ | \w+(\.\w+)*\(.*\)\s*$
    )""",
    re.VERBOSE,
)
_PYTEST_LOCATION = re.compile(r"\S+\.py:\d+")


def hidden_hint(message: str) -> str:
    """The hint part of a hidden test's message: no code lines, no tracebacks, kept short.

    Graders already write hidden messages without expected values or code; this is the second
    line of defence, so even a grader bug or an unexpected exception text cannot leak a listing.
    """
    kept: list[str] = []
    for line in str(message).splitlines():
        if not line.strip():
            if kept:
                break  # the first paragraph is the hint; details follow it
            continue
        if line.startswith(("    ", "\t")) or _CODE_LINE.match(line):
            continue
        if _PYTEST_LOCATION.search(line):
            continue
        kept.append(line.strip())
    hint = " ".join(kept)
    if len(hint) > MAX_HINT_CHARS:
        hint = hint[: MAX_HINT_CHARS - 1].rstrip() + "…"
    return hint


def _clip(value: Any, limit: int) -> str:
    content = "" if value is None else str(value)
    if len(content) > limit:
        return content[:limit] + "\n…"
    return content


@dataclass
class TestView:
    number: str
    title: str
    status: str  # passed | failed | skipped
    score: float
    max_score: float
    message: str
    hidden: bool
    gpu: bool


@dataclass
class ExerciseView:
    id: str
    title: str
    score: float
    max_score: float
    file: str | None
    seconds: float | None
    notes: list[str]
    output: str
    tests: list[TestView] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def _test_view(test: TestResult) -> TestView:
    facts = test.extra_data
    hidden = facts.hidden or test.visibility == "after_published"
    message = hidden_hint(test.output) if hidden else _clip(test.output, MAX_MESSAGE_CHARS)
    return TestView(
        number=test.number,
        title=facts.title,
        status=test.outcome,
        score=test.score,
        max_score=test.max_score,
        message=message,
        hidden=hidden,
        gpu=facts.gpu,
    )


def exercise_views(result: StudentResult, language: str) -> list[ExerciseView]:
    """One view per exercise (all seven, in course order), with its tests attached."""
    summaries = result.extra_data.exercises
    views: dict[str, ExerciseView] = {}
    for exercise_id in [*EXERCISE_IDS, *sorted(set(summaries) - set(EXERCISE_IDS))]:
        summary = summaries.get(exercise_id)
        views[exercise_id] = ExerciseView(
            id=exercise_id,
            title=exercise_title(exercise_id, language),
            score=summary.score if summary else 0.0,
            max_score=summary.max_score if summary else 0.0,
            file=(summary.file or None) if summary else None,
            seconds=summary.seconds if summary else None,
            notes=list(summary.notes) if summary else [],
            output=_clip(summary.output if summary else None, MAX_OUTPUT_CHARS),
        )
    for test in result.tests:
        exercise_id = test.extra_data.exercise
        if exercise_id not in views:
            views[exercise_id] = ExerciseView(
                exercise_id, exercise_title(exercise_id, language), 0.0, 0.0, None, None, [], ""
            )
        views[exercise_id].tests.append(_test_view(test))
    return sorted(views.values(), key=lambda v: exercise_order(v.id))


def render_feedback(result: StudentResult, language: str) -> str:
    """The complete feedback page of one student as an HTML string (Korean unless ``en``).

    It shows what the student may read; never a test's ``internal_error`` (the instructor's).
    The total appears once, in the header: results.json's ``output`` line says the same for
    Gradescope, and a second rendering of one score could only disagree with the first."""
    extra = result.extra_data
    boundary = (extra.plots or {}).get("decision_boundary")
    plot = boundary_plot(boundary, language) if isinstance(boundary, dict) else None
    score, max_score = result.score, result.max_score
    template = environment().get_template("feedback.html.j2")
    return template.render(
        t=text(language),
        lang=language_tag(language),
        student=result.student,
        score=score,
        max_score=max_score,
        percent=100.0 * score / max_score if max_score else 0.0,
        execution_time=result.execution_time,
        exercises=exercise_views(result, language),
        plot=plot,
        gpu=extra.gpu,
        grader_version=extra.grader_version,
        seed=str(extra.seed),
    )
