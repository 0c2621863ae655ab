"""The class overview (``OUT/report.html``): distribution, averages, pass rates, slow cases,
and the grader errors met while grading (the instructor's to fix; students never see them).

The page is the instructor's: it names the course and when it was made, links every student it
mentions (slowest, failing, the full list) to their ``feedback.html``, and ends with a footer of
its own rather than the students' "ask your instructor".

Built from the results of every student only (``grading.results.StudentResult``), so it can be
regenerated at any time without grading again.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from grader.course.exercises import EXERCISE_IDS
from grader.course.messages import language_tag
from grader.grading.results import ExerciseTotal, StudentResult
from grader.reports.common import environment, exercise_order, exercise_title, text
from grader.reports.plots import histogram_png

SLOWEST_SHOWN = 10


@dataclass
class StudentRow:
    name: str
    href: str
    score: float
    max_score: float
    execution_time: float | None
    failed_tests: int = 0
    failed_exercises: list[str] = field(default_factory=list)

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


def _student_row(result: StudentResult) -> StudentRow:
    failed = [t for t in result.tests if t.outcome == "failed"]
    exercises = sorted({t.extra_data.exercise for t in failed}, key=exercise_order)
    return StudentRow(
        name=result.student,
        href=feedback_href(result.student),
        score=result.score,
        max_score=result.max_score,
        execution_time=result.execution_time,
        failed_tests=len(failed),
        failed_exercises=exercises,
    )


def _student_rows(all_results: list[StudentResult]) -> list[StudentRow]:
    return sorted((_student_row(r) for r in all_results), key=lambda row: row.name)


def _failing(students: list[StudentRow]) -> list[StudentRow]:
    """Students with at least one failed test, lowest score first: whom to look at first."""
    failing = [row for row in students if row.failed_tests]
    return sorted(failing, key=lambda row: (row.percent, row.name))


def _exercise_averages(all_results: list[StudentResult], language: str) -> list[ExerciseAverage]:
    per_exercise: dict[str, list[ExerciseTotal]] = {e: [] for e in EXERCISE_IDS}
    for result in all_results:
        for exercise_id, summary in result.extra_data.exercises.items():
            per_exercise.setdefault(exercise_id, []).append(summary)
    averages = []
    for exercise_id, summaries in per_exercise.items():
        scores = [s.score for s in summaries]
        averages.append(
            ExerciseAverage(
                id=exercise_id,
                title=exercise_title(exercise_id, language),
                mean=statistics.fmean(scores) if scores else 0.0,
                max_score=max((s.max_score for s in summaries), default=0.0),
                submitted=sum(1 for s in summaries if s.file),
                count=len(summaries),
            )
        )
    return sorted(averages, key=lambda a: exercise_order(a.id))


def _test_rates(all_results: list[StudentResult]) -> list[TestRate]:
    rates: dict[tuple[str, str], TestRate] = {}
    for result in all_results:
        for test in result.tests:
            facts = test.extra_data
            key = (facts.exercise, facts.test)
            if key not in rates:
                rates[key] = TestRate(
                    exercise=facts.exercise,
                    number=test.number,
                    title=facts.title,
                    hidden=facts.hidden,
                )
            rate = rates[key]
            outcome = test.outcome
            if outcome == "skipped":
                rate.skipped += 1
            elif outcome == "passed":
                rate.passed += 1
            else:
                rate.failed += 1

    def order(rate: TestRate) -> tuple[int, list[int], str]:
        parts = [int(p) if p.isdigit() else 0 for p in rate.number.split(".")]
        return exercise_order(rate.exercise), parts, rate.title

    return sorted(rates.values(), key=order)


@dataclass(frozen=True)
class GraderError:
    """One grader bug met while grading one student's test (never shown to the student)."""

    student: str
    href: str
    exercise: str
    test: str
    title: str
    detail: str


def _grader_errors(all_results: list[StudentResult]) -> list[GraderError]:
    return [
        GraderError(
            r.student,
            feedback_href(r.student),
            t.extra_data.exercise,
            t.extra_data.test,
            t.extra_data.title,
            t.extra_data.internal_error,
        )
        for r in sorted(all_results, key=lambda r: r.student)
        for t in r.tests
        if t.extra_data.internal_error
    ]


def render_class_report(
    all_results: list[StudentResult],
    language: str,
    *,
    course_title: str = "",
    generated: datetime | None = None,
) -> str:
    """The class overview page as an HTML string (Korean unless ``en``).

    ``course_title`` is course.yml's ``course.title``; ``generated`` (default: now, local
    time) is printed under it so a printed or mailed report says which run it shows.
    """
    students = _student_rows(all_results)
    percents = [row.percent for row in students]
    scores = [row.score for row in students]
    timed = [row for row in students if row.execution_time is not None]
    slowest = sorted(timed, key=lambda row: row.execution_time or 0.0, reverse=True)
    template = environment().get_template("class_report.html.j2")
    # the shared page frame's footer speaks to students; this page has the instructor's own
    t = text(language) | {"footer": text(language)["class_footer"]}
    return template.render(
        t=t,
        lang=language_tag(language),
        course_title=course_title,
        generated=(generated or datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M"),
        students=students,
        failing=_failing(students),
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
        grader_errors=_grader_errors(all_results),
    )
