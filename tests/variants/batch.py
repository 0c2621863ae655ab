"""Grade the reference and every variant of one exercise under many student names at once.

One pytest session per batch grades them all (``grade_runs`` takes many students), cached
per process: ``test_variants`` grades each batch under one name, ``test_seed_invariance`` under
all eight. An exercise whose graders train models (ex06) is split into several batches, so
that xdist can spread it over the workers.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tests.variants as variants_package
from grader.course.config import load_config
from grader.course.tfenv import gpu_visible_in_process
from grader.grading.plugin import TestRecord
from grader.grading.student_run import StudentRun, grade_runs
from tests.variants import Variant

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = "reference"
# Eight names, ASCII and not, so each test draws eight different inputs.
STUDENT_NAMES = ("tester", "kim", "lee.jiwoo", "박서연", "student-04", "5", "최민준_2", "zz top")
BATCHES = {"ex06_linear_classifier": 3}  # batches per exercise; 1 where not listed


@dataclass(frozen=True)
class Graded:
    """Every student name's records for one folder (the reference or one variant)."""

    label: str
    variant: Variant | None
    records: dict[str, list[TestRecord]]  # student name -> records
    artifacts: dict[str, dict[str, Any]]  # student name -> what the graders left for the report


def all_variants() -> list[Variant]:
    found = []
    for info in pkgutil.iter_modules(variants_package.__path__):
        if info.name.startswith("ex"):
            found.extend(importlib.import_module(f"tests.variants.{info.name}").VARIANTS)
    return found


def applicable(variant: Variant) -> bool:
    return not (variant.only_without_gpu and gpu_visible_in_process())


def batch_count(exercise: str) -> int:
    return BATCHES.get(exercise, 1)


def variants_of(exercise: str) -> list[Variant]:
    return [v for v in all_variants() if v.exercise == exercise]


def batch_of(variant: Variant) -> int:
    """Which batch of its exercise grades ``variant`` (the reference is in batch 0)."""
    names = [v.name for v in variants_of(variant.exercise)]
    return names.index(variant.name) % batch_count(variant.exercise)


@functools.cache
def grade_batch(
    exercise: str, batch: int, names: tuple[str, ...] = STUDENT_NAMES
) -> dict[str, Graded]:
    """The variants of ``exercise`` in ``batch`` (and the reference, in batch 0), each graded
    under every name of ``names``."""
    config = load_config(ROOT / "course.yml")
    solution = (ROOT / "solutions" / f"{exercise}.py").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix=f"variants-{exercise}-{batch}-") as tmp:
        workdir = Path(tmp)
        folders: dict[str, tuple[Variant | None, Path]] = {}
        if batch == 0:
            folders[REFERENCE] = (None, ROOT / "solutions")
        for variant in variants_of(exercise):
            if batch_of(variant) != batch or not applicable(variant):
                continue
            folder = workdir / variant.name
            folder.mkdir()
            (folder / f"{exercise}.py").write_text(variant.apply(solution), encoding="utf-8")
            folders[variant.name] = (variant, folder)
        runs: dict[tuple[str, str], StudentRun[Any]] = {
            (label, name): StudentRun.in_process(config, name, folder)
            for label, (_, folder) in folders.items()
            for name in names
        }
        grade_runs(
            config, [exercise], ["public", "hidden"], list(runs.values()),
            gpu_visible=gpu_visible_in_process(),
        )  # fmt: skip
    return {
        label: Graded(
            label,
            variant,
            {n: runs[label, n].records for n in names},
            {n: runs[label, n].artifacts for n in names},
        )
        for label, (variant, _) in folders.items()
    }
