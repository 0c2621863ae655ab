"""Known-wrong variants of the reference solutions lose points with the expected message.

Each file in tests/variants/ lists variants of one exercise as text replacements applied to the
reference solution, so a variant stays in step with the solution it mutates.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import tests.variants as variants_package
from grader.scoring import score_exercise
from grader.tfenv import gpu_visible_in_process
from tests.grading_helpers import grade_folder
from tests.variants import Variant


def all_variants() -> list[Variant]:
    found = []
    for info in pkgutil.iter_modules(variants_package.__path__):
        module = importlib.import_module(f"tests.variants.{info.name}")
        found.extend(module.VARIANTS)
    return found


@pytest.mark.parametrize("variant", all_variants(), ids=lambda v: f"{v.exercise}-{v.name}")
def test_variant_loses_points_with_message(variant: Variant, config, root, tmp_path: Path):
    if variant.only_without_gpu and gpu_visible_in_process():
        pytest.skip(f"{variant.name} gives the right answer on this host, which has a GPU")
    solution = (root / "solutions" / f"{variant.exercise}.py").read_text(encoding="utf-8")
    (tmp_path / f"{variant.exercise}.py").write_text(variant.apply(solution), encoding="utf-8")
    records = grade_folder(config, tmp_path, [variant.exercise])
    score = score_exercise(variant.exercise, config.points(variant.exercise), records)
    assert score.score < score.max_score, f"{variant.name} still earns full points"
    language = "ko" if variant.language == "ko" else "en"
    messages = [r.message.render(language) for r in records if r.status == "failed" and r.message]
    assert any(variant.expect in m for m in messages), (
        f"no failure mentions {variant.expect!r}; messages were:\n" + "\n".join(messages)
    )


def test_every_exercise_has_two_variants():
    counts: dict[str, int] = {}
    for variant in all_variants():
        counts[variant.exercise] = counts.get(variant.exercise, 0) + 1
    from grader.exercises import EXERCISE_IDS

    assert {e: counts.get(e, 0) >= 2 for e in EXERCISE_IDS} == dict.fromkeys(EXERCISE_IDS, True)
