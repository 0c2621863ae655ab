"""Public checks for ex02_assign: changing a tf.Variable in place with the assign methods."""

import numpy as np

from grader.course.messages import Msg
from grader.graders.checks import (
    check,
    close_enough,
    distinct_index,
    expect_close,
    expect_tensor,
    fail,
    points,
)
from grader.wire.protocol import Const, Ref, Value

EXERCISE = "ex02_assign"
VARIABLE = Msg("변수 v", "The variable v")


def small_shape(rng: np.random.Generator, ndim: int | None = None) -> tuple[int, ...]:
    ndim = int(rng.integers(1, 4)) if ndim is None else ndim
    return tuple(int(n) for n in rng.integers(2, 6, size=ndim))


def read_variable(submission, ref: Ref, shape: tuple[int, ...]) -> np.ndarray:
    """The values of the variable behind ``ref``, after the kind/shape/dtype checks."""
    return expect_tensor(submission.read(ref), shape, what=VARIABLE, kinds=("variable",))


def expect_assigned(
    submission,
    ref: Ref,
    result: Value,
    initial: np.ndarray,
    expected: np.ndarray,
    method: str,
    hint: Msg,
    mistakes: tuple[tuple[np.ndarray, Msg], ...] = (),
) -> None:
    """The variable behind ``ref`` now holds ``expected``, and the function returned it."""
    values = read_variable(submission, ref, initial.shape)
    if close_enough(values, initial) and not close_enough(expected, initial):
        if result.kind == "tensor":
            fail(
                f"전달받은 변수 v의 값이 그대로입니다. v = ...처럼 이름에 새 텐서를 대입하면 원래 "
                f"변수는 바뀌지 않습니다. v.{method}(...)로 변수 자체에 할당하세요.",
                "The variable v you were given is unchanged. Rebinding the name (v = ...) leaves "
                f"the original variable as it was; change it in place with v.{method}(...).",
            )
        if result.kind == "variable" and result.same_as != ref:
            fail(
                "새 tf.Variable을 만들어 반환했지만 전달받은 변수 v는 그대로입니다. 새 변수를 "
                f"만들지 말고 v.{method}(...)로 원래 변수를 제자리에서 바꾸세요.",
                "You returned a new tf.Variable, but the variable v you were given is unchanged. "
                f"Do not create a new variable: change v in place with v.{method}(...).",
            )
        fail(
            f"변수 v의 값이 바뀌지 않았습니다. v.{method}(...)를 호출했나요?",
            f"The variable v did not change. Did you call v.{method}(...)?",
        )
    for wrong, message in mistakes:
        if close_enough(values, wrong) and not close_enough(expected, wrong):
            fail(message.ko, message.en)
    expect_close(values, expected, hint)
    returned_ok = result.same_as == ref or (
        result.kind == "variable"
        and result.array is not None
        and close_enough(result.array, expected)
    )
    check(
        returned_ok,
        "변수 v는 올바르게 바뀌었지만 반환값이 틀렸습니다. 마지막에 return v로 바꾼 변수를 "
        "반환하세요.",
        "The variable v changed correctly, but the return value is wrong. End with return v.",
    )


@points(
    1, "assign_ones: 변수의 모든 원소에 1 할당", "assign_ones: assign ones to the whole variable"
)
def test_assign_ones(submission, rng):
    initial = rng.normal(size=small_shape(rng, 2)).astype(np.float32)
    ref = submission.variable(initial)
    result = submission.call("assign_ones", ref)
    expect_assigned(
        submission,
        ref,
        result,
        initial,
        np.ones_like(initial),
        "assign",
        Msg(
            "v.shape과 같은 shape의 1로 채운 텐서를 할당하세요.",
            "Assign a tensor of ones with the shape of v (v.shape).",
        ),
    )


@points(1, "assign_element: 원소 하나에만 할당", "assign_element: assign to one element")
def test_assign_element(submission, rng):
    side = int(rng.integers(3, 6))
    shape = (side, side)  # square: a permuted index is still inside, and a different element
    initial = rng.normal(size=shape).astype(np.float32)
    index = distinct_index(rng, shape)
    value = float(rng.integers(2, 9))
    ref = submission.variable(initial)
    result = submission.call("assign_element", ref, index, value)
    expected = initial.copy()
    expected[index] = value
    values = read_variable(submission, ref, shape)
    changed = ~np.isclose(values, initial)
    if int(changed.sum()) == 1 and not changed[index]:
        fail(
            "다른 원소가 바뀌었습니다. index 튜플 전체로 원소를 골라 v[index].assign(value)로 "
            "할당하세요.",
            "A different element changed. Select the element with the whole index tuple: "
            "v[index].assign(value).",
        )
    if int(changed.sum()) > 1:
        fail(
            "원소 하나만 바뀌어야 하는데 다른 원소까지 바뀌었습니다. v[index].assign(value)로 "
            "그 원소에만 할당하세요.",
            "Only one element should change, but others changed too. Assign to that element "
            "only: v[index].assign(value).",
        )
    expect_assigned(
        submission,
        ref,
        result,
        initial,
        expected,
        "assign",
        Msg(
            "v[index].assign(value)로 원소 하나에만 할당하세요.",
            "Assign to the one element with v[index].assign(value).",
        ),
    )


def _delta_case(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    shape = small_shape(rng)
    initial = rng.normal(size=shape).astype(np.float32)
    delta = rng.uniform(0.5, 2.0, size=shape).astype(np.float32)
    return initial, delta


@points(1, "increase: assign_add로 더하기", "increase: add with assign_add")
def test_increase(submission, rng):
    initial, delta = _delta_case(rng)
    ref = submission.variable(initial)
    result = submission.call("increase", ref, Const(delta))
    expect_assigned(
        submission,
        ref,
        result,
        initial,
        initial + delta,
        "assign_add",
        Msg("v.assign_add(delta)로 delta를 더하세요.", "Add delta with v.assign_add(delta)."),
        mistakes=(
            (
                delta,
                Msg(
                    "값이 더해지지 않고 delta로 바뀌었습니다. assign 대신 assign_add를 쓰세요.",
                    "The value was replaced by delta instead of incremented. Use assign_add, "
                    "not assign.",
                ),
            ),
            (
                initial - delta,
                Msg(
                    "더해야 하는데 delta를 뺐습니다. assign_add를 쓰세요.",
                    "delta was subtracted instead of added. Use assign_add.",
                ),
            ),
        ),
    )


@points(1, "decrease: assign_sub로 빼기", "decrease: subtract with assign_sub")
def test_decrease(submission, rng):
    initial, delta = _delta_case(rng)
    ref = submission.variable(initial)
    result = submission.call("decrease", ref, Const(delta))
    expect_assigned(
        submission,
        ref,
        result,
        initial,
        initial - delta,
        "assign_sub",
        Msg("v.assign_sub(delta)로 delta를 빼세요.", "Subtract delta with v.assign_sub(delta)."),
        mistakes=(
            (
                initial + delta,
                Msg(
                    "빼야 하는데 delta를 더했습니다. assign_sub를 쓰세요.",
                    "delta was added instead of subtracted. Use assign_sub.",
                ),
            ),
            (
                -delta,
                Msg(
                    "값이 빼지지 않고 -delta로 바뀌었습니다. assign 대신 assign_sub를 쓰세요.",
                    "The value was replaced by -delta instead of decremented. Use "
                    "assign_sub, not assign.",
                ),
            ),
            (
                delta,
                Msg(
                    "값이 빼지지 않고 delta로 바뀌었습니다. assign 대신 assign_sub를 쓰세요.",
                    "The value was replaced by delta instead of decremented. Use assign_sub, "
                    "not assign.",
                ),
            ),
        ),
    )
