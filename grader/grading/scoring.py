"""Points from test outcomes: the one rule every view of a score uses.

An exercise's points (course.yml, or a notebook test cell's) are split over the tests that ran
in proportion to their weights: ``points × passed weight / weight of the tests that ran``.
Skipped tests (a GPU test on a host without a GPU) take no share. When no test ran at all,
nothing was checked and nothing is earned: the exercise scores 0 of 0 in results.json (it drops
out of the student's maximum), and a notebook test cell, whose maximum nbgrader fixes, scores 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from grader.grading.plugin import TestRecord

RESULT_DIGITS = 3  # an exercise's points in results.json
CELL_DIGITS = 4  # a notebook test cell's value


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


def earned_points(points: float, records: Iterable[TestRecord], digits: int) -> float:
    """``points × passed weight / weight of the tests that ran``, rounded to ``digits``; all
    passed earns exactly ``points``, no test ran earns 0, and nothing earns above ``points``."""
    ran = [r for r in records if r.status != "skipped"]
    total = sum(r.weight for r in ran)
    if not total:
        return 0.0
    passed = sum(r.weight for r in ran if r.status == "passed")
    if passed == total:
        return float(points)
    return min(float(points), round(points * passed / total, digits))


def score_exercise(exercise: str, points: float, records: list[TestRecord]) -> ExerciseScore:
    """Split ``points`` over the exercise's non-skipped tests in proportion to their weights."""
    mine = [r for r in records if r.exercise == exercise]
    counted = [r for r in mine if r.status != "skipped"]
    total_weight = sum(r.weight for r in counted)
    tests = []
    for record in mine:
        share = points * record.weight / total_weight if record in counted else 0.0
        earned = share if record.status == "passed" else 0.0
        tests.append(ScoredTest(record, round(earned, 4), round(share, 4)))
    score = earned_points(points, mine, RESULT_DIGITS)
    return ExerciseScore(exercise, score, float(points) if total_weight else 0.0, tuple(tests))
