"""Shared checks of the graders: the generic check for tuple results (kinds and arity, with
messages naming the function and what it returns, word for word what the hand-written
unpackings it replaced said), and the one in-place assignment check in two wordings."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from grader.course.messages import Msg
from grader.graders.checks import GradeFailure, expect_items, items_of
from grader.graders.helpers.ex02_assign import AssignFeedback, expect_assigned
from grader.graders.helpers.ex06_linear_classifier import BOUNDARY, DATASET, FIT, PARAMETERS
from grader.wire.protocol import Ref, Value


def number(x: float) -> Value:
    return Value(kind="float", type_name="float", array=np.asarray(x))


def sequence(kind: str, count: int) -> Value:
    return Value(kind=kind, type_name=kind, items=tuple(number(i) for i in range(count)))


def failure(value: Value, returns) -> Msg:
    with pytest.raises(GradeFailure) as caught:
        expect_items(value, returns)
    return caught.value.message


@pytest.mark.parametrize("kind", ["tuple", "list"])
def test_items_of_the_right_arity_come_back_in_order(kind):
    value = sequence(kind, 3)
    assert expect_items(value, FIT) == value.items
    assert items_of(value, 3) == value.items
    assert items_of(value, 2) is None
    assert items_of(number(1.0), 1) is None


# What the hand-written unpackings said (grader/graders/public/test_ex06_linear_classifier.py
# before the generic check), for a result of the wrong length.
ARITY_MESSAGES = [
    (DATASET, 3, Msg(
        "make_dataset은 (inputs, targets) 두 개를 반환해야 하는데 3개를 반환했습니다.",
        "make_dataset must return two things, (inputs, targets), but returned 3.",
    )),
    (PARAMETERS, 1, Msg(
        "init_parameters는 (W, b) 두 개를 반환해야 합니다.",
        "init_parameters must return two things, (W, b).",
    )),
    (FIT, 2, Msg(
        "fit은 (W, b, losses) 세 개를 반환해야 하는데 2개를 반환했습니다.",
        "fit must return three things, (W, b, losses), but returned 2.",
    )),
    (BOUNDARY, 3, Msg(
        "decision_boundary는 (slope, intercept) 두 개를 반환해야 합니다.",
        "decision_boundary must return two things, (slope, intercept).",
    )),
]  # fmt: skip


@pytest.mark.parametrize(("returns", "count", "message"), ARITY_MESSAGES)
def test_a_result_of_the_wrong_length_names_the_function_and_its_items(returns, count, message):
    assert failure(sequence("tuple", count), returns) == message


@pytest.mark.parametrize(
    ("returns", "what"),
    [
        (DATASET, Msg("make_dataset의 반환값", "make_dataset's result")),
        (PARAMETERS, Msg("init_parameters의 반환값", "init_parameters' result")),
        (FIT, Msg("fit의 반환값", "fit's result")),
        (BOUNDARY, Msg("decision_boundary의 반환값", "decision_boundary's result")),
    ],
)
def test_a_result_that_is_no_tuple_names_the_function(returns, what):
    got = failure(Value(kind="none", type_name="NoneType"), returns)
    assert got == Msg(
        f"{what.ko}은(는) 튜플 또는 리스트여야 하는데 None(반환값 없음) (NoneType)입니다. "
        "아직 값을 채우지 않았거나 return 문이 빠진 것 같습니다.",
        f"{what.en} should be a tuple or a list, but it is None (nothing returned) (NoneType). "
        "It looks unfilled, or a return statement is missing.",
    )


class _OneVariable:
    """A submission whose only variable holds ``values`` whatever the function did."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = values

    def read(self, ref: Ref) -> Value:
        return Value(kind="variable", type_name="ResourceVariable", dtype="float32",
                     shape=self.values.shape, array=self.values)  # fmt: skip


@pytest.mark.parametrize("kind", ["tensor", "none"])
def test_one_in_place_check_in_two_wordings(kind):
    """``expect_assigned`` says why v did not change by what came back; a wording without a
    ``returned_tensor`` message says ``unchanged`` for a returned tensor too."""
    initial, expected = np.zeros((2, 2), np.float32), np.ones((2, 2), np.float32)
    returned = Value(kind=kind, type_name=kind, array=expected if kind == "tensor" else None)
    wording = AssignFeedback(
        returned_tensor=Msg("rebound {method}", "rebound {method}"),
        new_variable=Msg("new", "new"),
        unchanged=Msg("unchanged {method}", "unchanged {method}"),
        not_returned=Msg("not returned", "not returned"),
    )
    said = {}
    for name, feedback in (("full", wording), ("short", replace(wording, returned_tensor=None))):
        with pytest.raises(GradeFailure) as caught:
            expect_assigned(_OneVariable(initial), Ref(1), returned, initial, expected,
                            "assign_add", Msg("hint", "hint"), feedback=feedback)  # fmt: skip
        said[name] = caught.value.message.en
    rebound = "rebound assign_add" if kind == "tensor" else "unchanged assign_add"
    assert said == {"full": rebound, "short": "unchanged assign_add"}
