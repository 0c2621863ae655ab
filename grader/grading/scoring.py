"""Points from test outcomes, and how every view shows them: the one rule of a score.

A test's share of its exercise is ``points × its weight / weight of the exercise's tests that
run on this host``: public and hidden alike, GPU tests only where they run (a skipped test
takes no share). A run that grades only some of them (``course check`` grades the public
tests) scores each test by the very same share, so its figure is exactly the part of the
final grade those tests carry ("public tests 5 of 6.5 points, out of 15"). The weight of the
tests it did not grade comes from ``weights.json`` beside the public graders, which
``course build`` writes from the graders themselves (a student's install has no hidden
graders to collect). When no test ran at all, nothing was checked and nothing is earned: the
exercise scores 0 of 0 in results.json (it drops out of the student's maximum).

Scores are exact floats, an exercise's score the sum of its tests' scores; only a view rounds,
and every view (course check, the notebook cells, results.json's summary line, feedback.html,
report.html, grades.csv, the console table) rounds by ``format_points``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from importlib import resources

from grader.grading.plugin import TestRecord

DISPLAY_DIGITS = 2  # every view of a score; results.json keeps the exact value
WEIGHTS_PACKAGE = "grader.graders.public"  # shipped to students, unlike the hidden graders
WEIGHTS_FILE = "weights.json"  # {exercise: {public, hidden, gpu_public, gpu_hidden}} weights
VISIBILITIES = ("public", "hidden")


def format_points(value: float) -> str:
    """A score as people read it, in every view: two decimals, trailing zeros dropped
    (``5``, ``5.5``, ``5.77``), so one score never shows as 15.77 in one place and 15.769 in
    another."""
    return decimal_text(value, DISPLAY_DIGITS)


def decimal_text(value: float, digits: int) -> str:
    """``value`` rounded to ``digits`` decimals, trailing zeros dropped (``7.5``, ``10``):
    scores (``format_points``), and the reports' percentages and durations."""
    text = f"{value:.{digits}f}"
    if digits:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def shown_points(value: float) -> float:
    """``value`` as ``format_points`` shows it, as a number: what a notebook test cell returns
    (nbgrader records the cell's value as it is displayed)."""
    return float(format_points(value))


@dataclass(frozen=True)
class ScoredTest:
    record: TestRecord
    score: float
    max_score: float


@dataclass(frozen=True)
class ExerciseScore:
    """``score`` of ``max_score``: what the scored tests carry of the exercise's ``points``
    (``max_score == points`` when every test of the exercise was run)."""

    exercise: str
    score: float
    max_score: float
    tests: tuple[ScoredTest, ...]
    points: float


@functools.cache
def declared_weights() -> dict[str, dict[str, float]]:
    """The summed weights of every exercise's public and hidden graders, GPU tests apart,
    as ``course build`` last collected them ({} when the file is absent)."""
    try:
        text = resources.files(WEIGHTS_PACKAGE).joinpath(WEIGHTS_FILE).read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return {}
    return json.loads(text)


def _ungraded_weight(exercise: str, graded: Collection[str], gpu: bool) -> float:
    """The weight of the exercise's tests of the visibilities a run did not grade."""
    sums = declared_weights().get(exercise, {})
    return sum(
        sums.get(visibility, 0.0) + (sums.get(f"gpu_{visibility}", 0.0) if gpu else 0.0)
        for visibility in VISIBILITIES
        if visibility not in graded
    )


def _split(points: float, records: list[TestRecord], whole: float) -> list[ScoredTest]:
    """Each record's share of ``points``: its weight over ``whole``; skipped tests none."""
    tests = []
    for record in records:
        share = points * record.weight / whole if whole and record.status != "skipped" else 0.0
        tests.append(ScoredTest(record, share if record.status == "passed" else 0.0, share))
    return tests


def _total(points: float, tests: list[ScoredTest], complete: bool) -> tuple[float, float]:
    """(score, max_score) as the sums of the tests'; a complete run's maximum is exactly
    ``points`` and a run with every test passed earns exactly its maximum."""
    maximum = float(points) if complete else sum(t.max_score for t in tests)
    ran = [t for t in tests if t.record.status != "skipped"]
    if ran and all(t.record.status == "passed" for t in ran):
        return maximum, maximum
    return min(maximum, sum(t.score for t in tests)), maximum


def score_exercise(
    exercise: str,
    points: float,
    records: list[TestRecord],
    graded: Collection[str] = VISIBILITIES,
) -> ExerciseScore:
    """Split the exercise's ``points`` over all of its tests that run on this host; the
    ``records`` of a run that graded the ``graded`` visibilities (both, for the final grade;
    ``("public",)`` for ``course check``) score their shares."""
    mine = [r for r in records if r.exercise == exercise]
    ran = [r for r in mine if r.status != "skipped"]
    if not ran:
        return ExerciseScore(exercise, 0.0, 0.0, tuple(_split(points, mine, 0.0)), float(points))
    gpu = any(r.gpu for r in ran)  # GPU tests run here, so the ungraded ones would run too
    ungraded = _ungraded_weight(exercise, graded, gpu)
    tests = _split(points, mine, sum(r.weight for r in ran) + ungraded)
    score, maximum = _total(points, tests, complete=not ungraded)
    return ExerciseScore(exercise, score, maximum, tuple(tests), float(points))


def cell_points(points: float, records: Iterable[TestRecord]) -> float:
    """A notebook test cell's exact score: the cell's ``points`` (its tests' part of the
    exercise, fixed by ``course build``) split over the cell's tests that ran, by the same
    shares as ``score_exercise``; no test ran earns 0."""
    mine = list(records)
    whole = sum(r.weight for r in mine if r.status != "skipped")
    score, _ = _total(points, _split(points, mine, whole), complete=True)
    return score if whole else 0.0
