"""Public checks for ex02_assign: changing a tf.Variable in place with the assign methods."""

import numpy as np

from grader.course.messages import Msg
from grader.graders.checks import distinct_index, fail
from grader.graders.helpers.ex02_assign import expect_assigned, read_variable
from grader.graders.meta import points
from grader.wire.protocol import Const

EXERCISE = "ex02_assign"


def small_shape(rng: np.random.Generator, ndim: int | None = None) -> tuple[int, ...]:
    ndim = int(rng.integers(1, 4)) if ndim is None else ndim
    return tuple(int(n) for n in rng.integers(2, 6, size=ndim))


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
