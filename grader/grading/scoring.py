"""Points from test outcomes: an exercise's course.yml points are split over the tests that ran.

Skipped tests (a GPU test on a host without a GPU) take no share, so an exercise's maximum is
always its configured points.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.grading.plugin import TestRecord


@dataclass(frozen=True)
class ScoredTest:
    record: TestRecord
    score: float
    max_score: float


@dataclass(frozen=True)
class ExerciseScore:
    exercise: str
    score: float
    max_score: float
    tests: tuple[ScoredTest, ...]


def score_exercise(exercise: str, points: float, records: list[TestRecord]) -> ExerciseScore:
    """Split ``points`` over the exercise's non-skipped tests in proportion to their weights."""
    counted = [r for r in records if r.exercise == exercise and r.status != "skipped"]
    total_weight = sum(r.weight for r in counted)
    passed_weight = sum(r.weight for r in counted if r.status == "passed")
    tests = []
    for record in (r for r in records if r.exercise == exercise):
        share = points * record.weight / total_weight if record in counted else 0.0
        earned = share if record.status == "passed" else 0.0
        tests.append(ScoredTest(record, round(earned, 4), round(share, 4)))
    if not total_weight:
        return ExerciseScore(exercise, 0.0, 0.0, tuple(tests))
    score = round(points * passed_weight / total_weight, 3)
    return ExerciseScore(exercise, score, points, tuple(tests))
