"""Known-wrong variants, one module per exercise, each defining ``VARIANTS``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    """A reference solution with ``old`` replaced by ``new``: a typical student mistake."""

    exercise: str
    name: str
    old: str
    new: str
    expect: str  # a piece of the feedback the mistake must produce
    language: str = "ko"
    only_without_gpu: bool = False  # the answer is right where a GPU is visible (e.g. "/GPU:0")

    def apply(self, solution: str) -> str:
        if self.old not in solution:
            raise AssertionError(f"variant {self.name}: {self.old!r} not found in the solution")
        return solution.replace(self.old, self.new)
