"""Variants of the reference solutions, one module per exercise, each defining ``VARIANTS``.

A variant is a text replacement applied to the reference solution. Most are typical mistakes
that must lose points with a named message (``expect``); a variant with ``expect=None`` is a
correct style the graders did not foresee (another matplotlib call, another way to write the
same loop) and must get full marks.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    """A reference solution with ``old`` replaced by ``new``: a mistake, or a correct style."""

    exercise: str
    name: str
    old: str
    new: str
    expect: str | None  # a piece of the feedback the mistake must produce; None: full marks
    language: str = "ko"
    only_without_gpu: bool = False  # the answer is right where a GPU is visible (e.g. "/GPU:0")
    # Tests whose verdict the variant's own unseeded randomness decides (e.g. whether a fit from
    # a normal initialisation converges in time): no grader seed can fix those, so the
    # seed-invariance test leaves them out for this variant.
    random_verdicts: tuple[str, ...] = ()

    @property
    def correct(self) -> bool:
        return self.expect is None

    def apply(self, solution: str) -> str:
        if self.old not in solution:
            raise AssertionError(f"variant {self.name}: {self.old!r} not found in the solution")
        return solution.replace(self.old, self.new)


def correct(exercise: str, name: str, old: str, new: str) -> Variant:
    """A correct style: the graders must give it full marks."""
    return Variant(exercise, name, old, new, expect=None)
