"""Per-student feedback page (``OUT/<student>/feedback.html``) from one ``results.json``.

The page is self-contained (inline CSS and SVG) so it can be mailed or uploaded to an LMS.
Hidden tests are listed by name with a short hint only: whatever text they carry is filtered so
that no test code, traceback or listing can reach the student.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.course.exercises import EXERCISE_IDS
from grader.course.files import atomic_write_text
from grader.reports.common import (
    as_float,
    environment,
    exercise_order,
    exercise_title,
    student_name,
    text,
)
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


def _test_view(test: dict[str, Any]) -> tuple[str, TestView]:
    extra = test.get("extra_data") or {}
    name = str(test.get("name", ""))
    exercise = str(extra.get("exercise") or name.split(" · ", 1)[0])
    title = name.split(" · ", 1)[1] if " · " in name else name
    hidden = bool(extra.get("hidden")) or test.get("visibility") == "after_published"
    if extra.get("skipped") or test.get("status") not in ("passed", "failed"):
        status = "skipped"
    else:
        status = str(test["status"])
    message = str(test.get("output") or "")
    message = hidden_hint(message) if hidden else _clip(message, MAX_MESSAGE_CHARS)
    view = TestView(
        number=str(test.get("number", "")),
        title=title,
        status=status,
        score=as_float(test.get("score"), 0.0) or 0.0,
        max_score=as_float(test.get("max_score"), 0.0) or 0.0,
        message=message,
        hidden=hidden,
        gpu=bool(extra.get("gpu")),
    )
    return exercise, view


def exercise_views(results: dict[str, Any], language: str) -> list[ExerciseView]:
    """One view per exercise (all seven, in course order), with its tests attached."""
    extra = results.get("extra_data") or {}
    summaries: dict[str, Any] = dict(extra.get("exercises") or {})
    views: dict[str, ExerciseView] = {}
    for exercise_id in [*EXERCISE_IDS, *sorted(set(summaries) - set(EXERCISE_IDS))]:
        summary = summaries.get(exercise_id) or {}
        views[exercise_id] = ExerciseView(
            id=exercise_id,
            title=exercise_title(exercise_id, language),
            score=as_float(summary.get("score"), 0.0) or 0.0,
            max_score=as_float(summary.get("max_score"), 0.0) or 0.0,
            file=str(summary["file"]) if summary.get("file") else None,
            seconds=as_float(summary.get("seconds")),
            notes=[str(note) for note in summary.get("notes") or []],
            output=_clip(summary.get("output"), MAX_OUTPUT_CHARS),
        )
    for test in results.get("tests") or []:
        if not isinstance(test, dict):
            continue
        exercise_id, view = _test_view(test)
        if exercise_id not in views:
            views[exercise_id] = ExerciseView(
                exercise_id, exercise_title(exercise_id, language), 0.0, 0.0, None, None, [], ""
            )
        views[exercise_id].tests.append(view)
    return sorted(views.values(), key=lambda v: exercise_order(v.id))


def render_feedback(results: dict[str, Any], language: str) -> str:
    """The complete feedback page of one student as an HTML string (Korean unless ``en``)."""
    extra = results.get("extra_data") or {}
    plots = extra.get("plots") or {}
    boundary = plots.get("decision_boundary") if isinstance(plots, dict) else None
    plot = boundary_plot(boundary, language) if isinstance(boundary, dict) else None
    score = as_float(results.get("score"), 0.0) or 0.0
    max_score = as_float(results.get("max_score"), 0.0) or 0.0
    template = environment().get_template("feedback.html.j2")
    return template.render(
        t=text(language),
        lang="en" if language == "en" else "ko",
        student=student_name(results),
        score=score,
        max_score=max_score,
        percent=100.0 * score / max_score if max_score else 0.0,
        summary=str(results.get("output") or ""),
        execution_time=as_float(results.get("execution_time")),
        exercises=exercise_views(results, language),
        plot=plot,
        gpu=bool(extra.get("gpu")),
        grader_version=str(extra.get("grader_version", "")),
        seed=str(extra.get("seed", "")),
    )


def write_feedback(results: dict[str, Any], path: Path, language: str) -> Path:
    """Render and write ``feedback.html`` atomically; returns ``path``."""
    atomic_write_text(path, render_feedback(results, language))
    return path
