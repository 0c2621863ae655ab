"""The class overview (``OUT/report.html``): distribution, averages, pass rates, slow cases.

Built from the results of every student only, so it can be regenerated at any time without
grading again (``write_class_report(OUT, language)``).
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

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
from grader.reports.plots import histogram_png

SLOWEST_SHOWN = 10


@dataclass
class StudentRow:
    name: str
    href: str
    score: float
    max_score: float
    execution_time: float | None

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


@dataclass
class ExerciseAverage:
    id: str
    title: str
    mean: float
    max_score: float
    submitted: int
    count: int

    @property
    def percent(self) -> float:
        return 100.0 * self.mean / self.max_score if self.max_score else 0.0


@dataclass
class TestRate:
    exercise: str
    number: str
    title: str
    hidden: bool
    passed: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def rate(self) -> float | None:
        ran = self.passed + self.failed
        return 100.0 * self.passed / ran if ran else None


def feedback_href(student: str) -> str:
    """Relative link to a student's feedback page; non-ASCII and odd names are URL-quoted."""
    return f"{quote(student, safe='')}/feedback.html"


def _student_rows(all_results: list[dict[str, Any]]) -> list[StudentRow]:
    rows = [
        StudentRow(
            name=student_name(r),
            href=feedback_href(student_name(r)),
            score=as_float(r.get("score"), 0.0) or 0.0,
            max_score=as_float(r.get("max_score"), 0.0) or 0.0,
            execution_time=as_float(r.get("execution_time")),
        )
        for r in all_results
    ]
    return sorted(rows, key=lambda row: row.name)


def _exercise_averages(all_results: list[dict[str, Any]], language: str) -> list[ExerciseAverage]:
    per_exercise: dict[str, list[dict[str, Any]]] = {e: [] for e in EXERCISE_IDS}
    for results in all_results:
        exercises = (results.get("extra_data") or {}).get("exercises") or {}
        for exercise_id, summary in exercises.items():
            per_exercise.setdefault(exercise_id, []).append(summary or {})
    averages = []
    for exercise_id, summaries in per_exercise.items():
        scores = [as_float(s.get("score"), 0.0) or 0.0 for s in summaries]
        maxima = [as_float(s.get("max_score"), 0.0) or 0.0 for s in summaries]
        averages.append(
            ExerciseAverage(
                id=exercise_id,
                title=exercise_title(exercise_id, language),
                mean=statistics.fmean(scores) if scores else 0.0,
                max_score=max(maxima, default=0.0),
                submitted=sum(1 for s in summaries if s.get("file")),
                count=len(summaries),
            )
        )
    return sorted(averages, key=lambda a: exercise_order(a.id))


def _test_rates(all_results: list[dict[str, Any]]) -> list[TestRate]:
    rates: dict[tuple[str, str], TestRate] = {}
    for results in all_results:
        for test in results.get("tests") or []:
            extra = test.get("extra_data") or {}
            name = str(test.get("name", ""))
            exercise = str(extra.get("exercise") or name.split(" · ", 1)[0])
            key = (exercise, str(extra.get("test") or name))
            if key not in rates:
                rates[key] = TestRate(
                    exercise=exercise,
                    number=str(test.get("number", "")),
                    title=name.split(" · ", 1)[1] if " · " in name else name,
                    hidden=bool(extra.get("hidden")),
                )
            rate = rates[key]
            status = test.get("status")
            if extra.get("skipped") or status not in ("passed", "failed"):
                rate.skipped += 1
            elif status == "passed":
                rate.passed += 1
            else:
                rate.failed += 1

    def order(rate: TestRate) -> tuple[int, list[int], str]:
        parts = [int(p) if p.isdigit() else 0 for p in rate.number.split(".")]
        return exercise_order(rate.exercise), parts, rate.title

    return sorted(rates.values(), key=order)


def render_class_report(all_results: list[dict[str, Any]], language: str) -> str:
    """The class overview page as an HTML string (Korean unless ``en``)."""
    students = _student_rows(all_results)
    percents = [row.percent for row in students]
    scores = [row.score for row in students]
    timed = [row for row in students if row.execution_time is not None]
    slowest = sorted(timed, key=lambda row: row.execution_time or 0.0, reverse=True)
    template = environment().get_template("class_report.html.j2")
    return template.render(
        t=text(language),
        lang="en" if language == "en" else "ko",
        students=students,
        stats={
            "count": len(scores),
            "mean": statistics.fmean(scores) if scores else None,
            "median": statistics.median(scores) if scores else None,
            "min": min(scores, default=None),
            "max": max(scores, default=None),
        },
        max_score=max((row.max_score for row in students), default=0.0),
        histogram_uri=histogram_png(percents) if students else None,
        averages=_exercise_averages(all_results, language),
        rates=_test_rates(all_results),
        slowest=slowest[:SLOWEST_SHOWN],
    )


def load_results(out: Path) -> list[dict[str, Any]]:
    """Every ``OUT/<student>/results.json`` that parses; unreadable ones are skipped."""
    loaded = []
    for path in sorted(Path(out).glob("*/results.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            data.setdefault("extra_data", {}).setdefault("student", path.parent.name)
            loaded.append(data)
    return loaded


def write_class_report(out: Path, language: str) -> Path:
    """Write ``OUT/report.html`` atomically from the results found in ``OUT``."""
    path = Path(out) / "report.html"
    atomic_write_text(path, render_class_report(load_results(Path(out)), language))
    return path
