"""The check the ex02_assign tests share: the variable changed in place, and was returned."""

from dataclasses import dataclass
from typing import NoReturn

import numpy as np

from grader.course.messages import Msg
from grader.graders.checks import check, close_enough, expect_close, expect_tensor, fail
from grader.wire.protocol import Ref, Value

VARIABLE = Msg("변수 v", "The variable v")


@dataclass(frozen=True)
class AssignFeedback:
    """What ``expect_assigned`` tells a student, in the words of the tests that ask.

    ``{method}`` in a message stands for the assign method the function must call.
    ``returned_tensor``: v is unchanged and a tensor came back (the name was rebound), or None
    to say ``unchanged`` then too; ``new_variable``: v is unchanged and a new tf.Variable came
    back; ``unchanged``: v is unchanged otherwise; ``not_returned``: v is right, the result is
    not v.
    """

    returned_tensor: Msg | None
    new_variable: Msg
    unchanged: Msg
    not_returned: Msg


FEEDBACK = AssignFeedback(
    returned_tensor=Msg(
        "전달받은 변수 v의 값이 그대로입니다. v = ...처럼 이름에 새 텐서를 대입하면 원래 "
        "변수는 바뀌지 않습니다. v.{method}(...)로 변수 자체에 할당하세요.",
        "The variable v you were given is unchanged. Rebinding the name (v = ...) leaves "
        "the original variable as it was; change it in place with v.{method}(...).",
    ),
    new_variable=Msg(
        "새 tf.Variable을 만들어 반환했지만 전달받은 변수 v는 그대로입니다. 새 변수를 "
        "만들지 말고 v.{method}(...)로 원래 변수를 제자리에서 바꾸세요.",
        "You returned a new tf.Variable, but the variable v you were given is unchanged. "
        "Do not create a new variable: change v in place with v.{method}(...).",
    ),
    unchanged=Msg(
        "변수 v의 값이 바뀌지 않았습니다. v.{method}(...)를 호출했나요?",
        "The variable v did not change. Did you call v.{method}(...)?",
    ),
    not_returned=Msg(
        "변수 v는 올바르게 바뀌었지만 반환값이 틀렸습니다. 마지막에 return v로 바꾼 변수를 "
        "반환하세요.",
        "The variable v changed correctly, but the return value is wrong. End with return v.",
    ),
)


def read_variable(submission, ref: Ref, shape: tuple[int, ...]) -> np.ndarray:
    """The values of the variable behind ``ref``, after the kind/shape/dtype checks."""
    return expect_tensor(submission.read(ref), shape, what=VARIABLE, kinds=("variable",))


def _fail_with(message: Msg, method: str) -> NoReturn:
    fail(message.ko.format(method=method), message.en.format(method=method))


def expect_assigned(
    submission,
    ref: Ref,
    result: Value,
    initial: np.ndarray,
    expected: np.ndarray,
    method: str,
    hint: Msg,
    mistakes: tuple[tuple[np.ndarray, Msg], ...] = (),
    feedback: AssignFeedback = FEEDBACK,
) -> None:
    """The variable behind ``ref`` went from ``initial`` to ``expected`` through ``method``
    (``assign``, ``assign_add``, …), and the function returned it.

    A variable that did not change is explained by what came back; ``mistakes`` pair the
    values a typical mistake would leave with what to say about it.
    """
    values = read_variable(submission, ref, initial.shape)
    if close_enough(values, initial) and not close_enough(expected, initial):
        if result.kind == "tensor" and feedback.returned_tensor is not None:
            _fail_with(feedback.returned_tensor, method)
        if result.kind == "variable" and result.same_as != ref:
            _fail_with(feedback.new_variable, method)
        _fail_with(feedback.unchanged, method)
    for wrong, message in mistakes:
        if close_enough(values, wrong) and not close_enough(expected, wrong):
            fail(message.ko, message.en)
    expect_close(values, expected, hint)
    returned_ok = result.same_as == ref or (
        result.kind == "variable"
        and result.array is not None
        and close_enough(result.array, expected)
    )
    check(returned_ok, feedback.not_returned.ko, feedback.not_returned.en)
