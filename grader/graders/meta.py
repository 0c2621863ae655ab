"""What a grader test declares about itself, written by ``@points`` and read by ``test_meta``.

The grading plugin (a test's weight and title in the results) and the notebook build (the
points of the public and hidden test cells) must read a test's declaration the same way, or the
cells and the results would split an exercise's points differently. Both read it here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pytest

from grader.course.messages import Msg

Visibility = Literal["public", "hidden"]

# The markers grader tests carry, as pytest's ``markers`` ini lines (name(args): meaning).
MARKERS = (
    "points(weight): relative weight of a grader test",
    "title(ko, en): the test's name shown to students",
    "gpu: runs only where a GPU is visible",
)
DEFAULT_WEIGHT = 1.0


def points(weight: float, ko: str, en: str) -> Callable[[Any], Any]:
    """Mark a grader test with its relative weight and its title in both languages.

    Weights are relative: an exercise's course.yml points are split over the tests that run.
    """

    def decorate(func: Any) -> Any:
        func = pytest.mark.points(weight)(func)
        return pytest.mark.title(ko=ko, en=en)(func)

    return decorate


@dataclass(frozen=True)
class TestMeta:
    """One grader test's declaration: where it belongs, what it weighs, what it is called."""

    __test__ = False  # not a pytest test class, wherever it is imported
    exercise: str
    title: Msg
    weight: float
    visibility: Visibility
    gpu: bool


def register_markers(config: pytest.Config) -> None:
    """Declare the grader markers in a pytest session, so that ``--strict-markers`` and
    pytest's unknown-marker warning accept them."""
    for line in MARKERS:
        config.addinivalue_line("markers", line)


def test_meta(item: pytest.Item) -> TestMeta:
    """The declaration of the collected grader test ``item``.

    A test without ``@points`` weighs ``DEFAULT_WEIGHT`` and is titled by its function name;
    its exercise is its module's ``EXERCISE``; it is hidden when its module lives in
    ``grader.graders.hidden``.
    """
    module = item.module  # type: ignore[attr-defined]
    title = item.get_closest_marker("title")
    weight = item.get_closest_marker("points")
    return TestMeta(
        exercise=module.EXERCISE,
        title=Msg(**title.kwargs) if title else Msg(item.name, item.name),
        weight=float(weight.args[0]) if weight else DEFAULT_WEIGHT,
        visibility="hidden" if ".hidden." in module.__name__ else "public",
        gpu=item.get_closest_marker("gpu") is not None,
    )


test_meta.__test__ = False  # type: ignore[attr-defined]  # a function named test_*, not a test
