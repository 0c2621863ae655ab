"""One student's result as typed models, serialised to the Gradescope autograder schema.

``build_results`` makes a ``StudentResult``; ``results.json`` is its ``model_dump``, and every
reader (the feedback page, the class report, grades.csv, the console table, the skip check)
gets it back through the one ``load_results``. Fields a reader needs are fields: a test's
exercise and title are never parsed back out of its Gradescope ``name``.

What the student reads is the top-level ``output`` and each test's ``output`` (Gradescope shows
those) and the feedback page; ``extra_data`` is for the grader and the instructor, and only there
does a grader bug's detail (``internal_error``) appear.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_serializer

from grader import __version__
from grader.course.config import CourseConfig
from grader.course.exercises import EXERCISES
from grader.course.messages import Msg
from grader.grading.plugin import FailureKind, StudentJob
from grader.grading.scoring import format_points, score_exercise
from grader.wire.lognoise import strip_log_noise
from grader.wire.protocol import OutputLog

MAX_INTERNAL_ERROR = 2000  # characters of a grader bug's detail kept for the instructor


@dataclass
class ExerciseRun:
    """What the engine saw while serving one exercise: file, notes, output, time."""

    file: str | None = None
    notes: list[str] = field(default_factory=list)
    output: OutputLog | None = None
    seconds: float = 0.0


# ------------------------------------------------------------------------------------ models
class _Model(BaseModel):
    """Strict about names (a typo is an error, not a silent extra key); keys listed in
    ``omit_when_none`` are left out of the JSON when unset, as the Gradescope shape has them."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    omit_when_none: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _omit_unset(self, handler: Any) -> dict[str, Any]:
        data = handler(self)
        for key in self.omit_when_none:
            if data.get(key) is None:
                data.pop(key, None)
        return data


class TestFacts(_Model):
    """A test's ``extra_data``: which grader test it was, and why it failed."""

    __test__ = False  # not a pytest test class
    exercise: str
    test: str  # the grader function's name
    hidden: bool
    skipped: bool
    gpu: bool
    title: str  # the test's title in the course language (its ``name`` is "exercise · title")
    failure_category: FailureKind | None = None  # set exactly when the test failed
    internal_error: str = ""  # instructor-only: a grader bug's detail, never shown to students
    same_cause_as: str = ""  # the earlier test of the exercise whose message gives the cause


class TestResult(_Model):
    """One entry of Gradescope's ``tests[]``; ``status`` is absent for a skipped test."""

    __test__ = False
    omit_when_none = ("status",)
    name: str
    number: str
    score: float
    max_score: float
    output: str  # what the student reads about this test
    visibility: Literal["visible", "after_published"]
    extra_data: TestFacts
    status: Literal["passed", "failed"] | None = None

    @property
    def outcome(self) -> Literal["passed", "failed", "skipped"]:
        return "skipped" if self.extra_data.skipped or self.status is None else self.status


class ExerciseTotal(_Model):
    """``extra_data.exercises.<id>``: the exercise's points and what its run left behind."""

    score: float
    max_score: float
    file: str | None
    notes: list[str]
    output: str
    seconds: float


class StudentFacts(_Model):
    """The top level's ``extra_data``; the keys after ``language`` appear only when known."""

    omit_when_none = ("plots", "fingerprint", "confinement", "host_interruptions")
    student: str
    exercises: dict[str, ExerciseTotal]
    gpu: bool
    grader_version: str
    seed: int
    language: str
    plots: dict[str, Any] | None = None  # plain data for the report's figures
    fingerprint: str | None = None  # of the inputs the result was computed from
    confinement: dict[str, bool] | None = None  # which sandbox features held
    host_interruptions: int | None = None  # requests re-run after the host killed their child


class StudentResult(_Model):
    """One student's ``results.json``."""

    score: float
    max_score: float
    execution_time: float
    output: str
    tests: list[TestResult]
    extra_data: StudentFacts

    @property
    def student(self) -> str:
        return self.extra_data.student

    def internal_errors(self) -> list[str]:
        """Every grader bug met while grading this student, as "exercise::test: detail"."""
        return [
            f"{t.extra_data.exercise}::{t.extra_data.test}: {t.extra_data.internal_error}"
            for t in self.tests
            if t.extra_data.internal_error
        ]

    def to_json(self) -> str:
        """The text of ``results.json``, from pydantic's own serialiser: the same text as
        ``json.dumps(..., ensure_ascii=False, indent=1)``, but ``json`` gives up its C encoder
        whenever it indents, and that pure-Python path was the costliest step of a student's
        grading outside their code (about 30 ms a call, and the size cap calls it too)."""
        return self.model_dump_json(indent=1)


# ------------------------------------------------------------------------------------- build
def student_output(output: OutputLog | None) -> str:
    """What the student's code printed, without TensorFlow's own log lines (``lognoise``)."""
    if output is None:
        return ""
    text = strip_log_noise(output.text())
    return text + ("\n…(출력이 잘렸습니다)" if output.truncated else "")


def build_results(
    job: StudentJob,
    config: CourseConfig,
    runs: dict[str, ExerciseRun],
    *,
    seconds: float,
    gpu: bool,
    seed: int,
    artifacts: dict[str, Any] | None = None,
    student: str | None = None,
    extra: dict[str, Any] | None = None,
    private_paths: tuple[str, ...] = (),
) -> StudentResult:
    """The Gradescope-shaped result of one student; ``student`` is the name to show (default:
    the job's), ``extra`` the ``StudentFacts`` known only to the caller (fingerprint,
    confinement, host interruptions); ``private_paths`` (the course root, the Python
    environment…) never appear in what the student reads."""
    language = config.course.language
    student = job.student if student is None else student
    tests: list[TestResult] = []
    exercises: dict[str, ExerciseTotal] = {}
    for number, exercise in enumerate(EXERCISES, start=1):
        scored = score_exercise(exercise.id, config.points(exercise.id), job.records)
        run = runs.get(exercise.id, ExerciseRun())
        exercises[exercise.id] = ExerciseTotal(
            score=scored.score,
            max_score=scored.max_score,
            file=run.file,
            notes=run.notes,
            output=student_output(run.output),
            seconds=round(run.seconds, 3),
        )
        for index, test in enumerate(scored.tests, start=1):
            record = test.record
            title = record.title.render(language)
            tests.append(
                TestResult(
                    name=f"{exercise.id} · {title}",
                    number=f"{number}.{index}",
                    score=test.score,
                    max_score=test.max_score,
                    output=record.message.render(language) if record.message else "",
                    visibility="after_published" if record.visibility == "hidden" else "visible",
                    extra_data=TestFacts(
                        exercise=exercise.id,
                        test=record.test,
                        hidden=record.visibility == "hidden",
                        skipped=record.status == "skipped",
                        gpu=record.gpu,
                        title=title,
                        failure_category=(
                            record.failure_category if record.status == "failed" else None
                        ),
                        internal_error=record.internal_error[-MAX_INTERNAL_ERROR:],
                        same_cause_as=record.same_cause_as,
                    ),
                    status=None if record.status == "skipped" else record.status,
                )
            )
    total = sum(e.score for e in exercises.values())  # exact: the sum of the tests' scores
    maximum = sum(e.max_score for e in exercises.values())
    shown, shown_max = format_points(total), format_points(maximum)
    summary = Msg(
        f"{student}: {shown} / {shown_max}점", f"{student}: {shown} / {shown_max} points"
    ).render(language)
    result = StudentResult(
        score=total,
        max_score=maximum,
        execution_time=round(seconds, 3),
        output=summary,
        tests=tests,
        extra_data=StudentFacts(
            student=student,
            exercises=exercises,
            gpu=gpu,
            grader_version=__version__,
            seed=seed,
            language=language,
            plots=artifacts or None,
            **(extra or {}),
        ),
    )
    hide_paths(result, private_paths)
    return bound_size(result)


def hide_paths(result: StudentResult, paths: tuple[str, ...]) -> StudentResult:
    """Replace the grader's own absolute paths in everything shown to the student by "…"
    (an error message of a library may name the grading host's folders)."""
    roots = sorted({p.rstrip("/") for p in paths if len(p.rstrip("/")) > 1}, key=len, reverse=True)
    if not roots:
        return result

    def scrub(text: str) -> str:
        for root in roots:
            text = text.replace(root, "…")
        return text

    for entry in result.extra_data.exercises.values():
        entry.output = scrub(entry.output)
        entry.notes = [scrub(note) for note in entry.notes]
    for test in result.tests:
        test.output = scrub(test.output)
    return result


MAX_RESULT_BYTES = 512 * 1024  # one student's results.json, whatever their code printed or drew
_TRUNCATED = "\n…(잘림 / truncated)"


def _size(result: StudentResult) -> int:
    return len(result.to_json().encode("utf-8"))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + _TRUNCATED


def bound_size(result: StudentResult, limit: int = MAX_RESULT_BYTES) -> StudentResult:
    """Cap a result at ``limit`` bytes by shortening what the student controls (their output,
    then the messages that quote their exceptions, then the plot data); scores and test records
    are never dropped."""
    exercises = result.extra_data.exercises
    for share in (16384, 4096, 1024, 0):
        if _size(result) <= limit:
            return result
        for entry in exercises.values():
            entry.output = _shorten(entry.output, share)
            entry.notes = [_shorten(note, share or 200) for note in entry.notes]
        for test in result.tests:
            test.output = _shorten(test.output, max(share, 300))
    if _size(result) > limit:
        result.extra_data.plots = None
    return result


# -------------------------------------------------------------------------------------- read
def load_results(path: Path) -> StudentResult | None:
    """A previously written results.json, or None when absent, unreadable or not of today's
    shape (such a student is graded again, never served from a file we cannot vouch for)."""
    try:
        return StudentResult.model_validate_json(path.read_bytes())
    except (OSError, ValidationError):
        return None


MAX_POINTS = Msg("만점", "max points")  # the label of grades.csv's row of maximum points
SUBMITTED = Msg("제출", "submitted")
NOT_SUBMITTED = Msg("미제출", "missing")
CSV_BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only with it (else as CP949 on Korean Windows)


@dataclass(frozen=True)
class GradeRow:
    """One line of the grade table: a student's points per exercise, whether each exercise's
    file was handed in (a 0 for a missing file is not a 0 for a wrong answer), and the total."""

    student: str
    exercises: dict[str, float]
    submitted: dict[str, bool]
    total: float


def grade_rows(results: list[StudentResult]) -> list[GradeRow]:
    """The grade table of a class, by student name (what grades.csv and the console show)."""

    def score(result: StudentResult, exercise: str) -> float:
        total = result.extra_data.exercises.get(exercise)
        return total.score if total is not None else 0.0  # a result from another course.yml

    def submitted(result: StudentResult, exercise: str) -> bool:
        total = result.extra_data.exercises.get(exercise)
        return total is not None and total.file is not None

    return [
        GradeRow(
            r.student,
            {e.id: score(r, e.id) for e in EXERCISES},
            {e.id: submitted(r, e.id) for e in EXERCISES},
            r.score,
        )
        for r in sorted(results, key=lambda r: r.student)
    ]


def max_points_row(results: list[StudentResult]) -> GradeRow:
    """The maximum points per exercise and in total, as the results record them (the row an
    LMS import or a spreadsheet formula needs to turn points into percentages)."""

    def maximum(exercise: str) -> float:
        totals = (r.extra_data.exercises.get(exercise) for r in results)
        return max((t.max_score for t in totals if t is not None), default=0.0)

    exercises = {e.id: maximum(e.id) for e in EXERCISES}
    total = max((r.max_score for r in results), default=sum(exercises.values()))
    return GradeRow("", exercises, {e.id: True for e in EXERCISES}, total)


def _cell(text: str) -> str:
    """Neutralise spreadsheet formulas in a student-chosen name (CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def grades_csv(results: list[StudentResult], language: str = "ko") -> str:
    """grades.csv as a spreadsheet opens it: UTF-8 with a BOM (Excel on Korean Windows), the
    contract's columns first (student, one column of points per exercise, total, every score
    numeric and rounded as every view rounds it, ``format_points``, so sums and LMS imports
    work), a first row of maximum points, then one column per exercise saying whether its file
    was submitted."""
    buffer = io.StringIO()
    buffer.write(CSV_BOM)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["student", *(e.id for e in EXERCISES), "total", *(f"{e.id}_submitted" for e in EXERCISES)]
    )
    maximum = max_points_row(results)
    writer.writerow(
        [
            MAX_POINTS.render(language),
            *(format_points(maximum.exercises[e.id]) for e in EXERCISES),
            format_points(maximum.total),
            *("" for _ in EXERCISES),
        ]
    )
    for row in grade_rows(results):
        writer.writerow(
            [
                _cell(row.student),
                *(format_points(row.exercises[e.id]) for e in EXERCISES),
                format_points(row.total),
                *(
                    (SUBMITTED if row.submitted[e.id] else NOT_SUBMITTED).render(language)
                    for e in EXERCISES
                ),
            ]
        )
    return buffer.getvalue()
