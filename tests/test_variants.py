"""Variants of the reference solutions get the score they deserve, with the expected message.

Each file in tests/variants/ lists variants of one exercise as text replacements applied to the
reference solution, so a variant stays in step with the solution it mutates. A mistake must
lose points with a named message; a correct style (``expect=None``) must get full marks. Here
every variant is graded under one student name, in one pytest session per batch
(``tests.variants.batch``); ``test_seed_invariance`` grades them under eight.
"""

from __future__ import annotations

import json

import pytest

from grader.course.exercises import EXERCISE_IDS
from grader.grading.scoring import score_exercise
from tests.variants import Variant
from tests.variants.batch import (
    STUDENT_NAMES,
    all_variants,
    applicable,
    batch_count,
    batch_of,
    grade_batch,
)

PLOT_EXERCISE = "ex06_linear_classifier"


ONE_NAME = STUDENT_NAMES[:1]


@pytest.mark.parametrize("variant", all_variants(), ids=lambda v: f"{v.exercise}-{v.name}")
def test_variant_gets_the_score_it_deserves(variant: Variant, config):
    if not applicable(variant):
        pytest.skip(f"{variant.name} gives the right answer on this host, which has a GPU")
    graded = grade_batch(variant.exercise, batch_of(variant), ONE_NAME)[variant.name]
    name, records = next(iter(graded.records.items()))
    score = score_exercise(variant.exercise, config.points(variant.exercise), records)
    failed = [r for r in records if r.status == "failed"]
    if variant.correct:
        assert not failed and score.score == score.max_score, (
            f"{variant.name} is correct but lost points as {name!r}:\n"
            + "\n".join(
                f"{r.test}: {r.message.en if r.message else r.internal_error}" for r in failed
            )
        )
        return
    assert score.score < score.max_score, f"{variant.name} still earns full points"
    language = "ko" if variant.language == "ko" else "en"
    messages = [r.message.render(language) for r in failed if r.message]
    assert any(variant.expect in m for m in messages), (
        f"no failure mentions {variant.expect!r}; messages were:\n" + "\n".join(messages)
    )


@pytest.mark.parametrize("batch", range(batch_count(PLOT_EXERCISE)))
def test_report_plot_data_stays_small_whatever_is_drawn_or_trained(batch):
    """The model data a grader leaves for the report (the student's own fit and the
    reference's, downsampled) is bounded at the source whatever the variant draws or trains."""
    sizes = {
        f"{label} as {name!r}": len(json.dumps(artifacts, ensure_ascii=False))
        for label, graded in grade_batch(PLOT_EXERCISE, batch, ONE_NAME).items()
        for name, artifacts in graded.artifacts.items()
    }
    assert sizes and max(sizes.values()) < 40_000, sorted(sizes.items(), key=lambda i: -i[1])[:3]


def test_every_exercise_has_two_variants():
    counts: dict[str, int] = {}
    for variant in all_variants():
        if not variant.correct:
            counts[variant.exercise] = counts.get(variant.exercise, 0) + 1
    assert {e: counts.get(e, 0) >= 2 for e in EXERCISE_IDS} == dict.fromkeys(EXERCISE_IDS, True)
