"""A grade is a fact: the same code gets the same verdict on every test under every student seed.

The reference solution and every variant (mistakes and correct styles) of each exercise are
graded under eight student names, so every test draws eight different inputs; each test's
outcome must be the same under all of them, and the reference and the correct styles must get
full marks under every name. One pytest session per batch grades them all
(``tests.variants.batch``; ex06, whose graders train models, in three batches).
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.course.exercises import EXERCISE_IDS
from grader.graders.checks import GradeFailure
from grader.graders.helpers.ex01_tensors import check_uniform_values
from tests.variants.batch import (
    REFERENCE,
    STUDENT_NAMES,
    batch_count,
    grade_batch,
)

BATCHES = [pytest.param(e, k, id=f"{e}-{k}") for e in EXERCISE_IDS for k in range(batch_count(e))]


@pytest.mark.parametrize(("exercise", "batch"), BATCHES)
def test_verdicts_do_not_depend_on_the_student(exercise, batch):
    assert len(STUDENT_NAMES) >= 8
    differing, short_of_full = [], []
    for label, graded in grade_batch(exercise, batch).items():
        random = graded.variant.random_verdicts if graded.variant is not None else ()
        outcomes = {
            name: tuple((r.test, r.status) for r in records if r.test not in random)
            for name, records in graded.records.items()
        }
        if len(set(outcomes.values())) > 1:
            tests = {t for o in outcomes.values() for t in o} - set.intersection(
                *(set(o) for o in outcomes.values())
            )
            differing.append(f"{label}: {sorted({t for t, _ in tests})}")
        if label == REFERENCE or (graded.variant is not None and graded.variant.correct):
            for name, records in graded.records.items():
                failed = [r.test for r in records if r.status == "failed"]
                if failed:
                    short_of_full.append(f"{label} as {name!r}: {failed}")
    assert not differing, "verdicts depend on the student name:\n" + "\n".join(differing)
    assert not short_of_full, "correct code lost points:\n" + "\n".join(short_of_full)


def test_uniform_values_may_reach_maxval_after_float32_rounding():
    """tf.random.uniform computes minval + (maxval - minval)·u in float32, which can round to
    maxval itself: a correct student's tensor may hold maxval exactly."""
    low, high = float(np.float32(-2.3)), float(np.float32(1.7))
    values = np.linspace(low, high, 1000, dtype=np.float32)
    assert values.max() == np.float32(high)
    check_uniform_values(values, low, high, fill=0.01)
    with pytest.raises(GradeFailure):
        check_uniform_values(values * 0 + np.float32(0.5), low, high, fill=0.01)
