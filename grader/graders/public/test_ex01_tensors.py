"""Public checks for ex01_tensors: constant tensors, NumPy item assignment, variables."""

import numpy as np

from grader.course.messages import Msg
from grader.graders.checks import (
    check,
    distinct_index,
    expect_close,
    expect_kind,
    expect_tensor,
    shapes_of_every_kind,
)
from grader.graders.helpers.ex01_tensors import (
    check_index_tuple,
    check_not_constant,
    check_uniform_values,
    uniform_bounds,
)
from grader.graders.meta import points

EXERCISE = "ex01_tensors"


@points(
    0.5, "make_ones: 1로 채운 float32 상수 텐서", "make_ones: a float32 constant tensor of ones"
)
def test_make_ones(submission, rng):
    for shape in shapes_of_every_kind(rng):
        values = expect_tensor(submission.call("make_ones", shape), shape)
        expect_close(
            values, np.ones(shape), Msg("모든 원소가 1이어야 합니다.", "Every element must be 1.")
        )


@points(
    0.5,
    "make_zeros: 0으로 채운 float32 상수 텐서",
    "make_zeros: a float32 constant tensor of zeros",
)
def test_make_zeros(submission, rng):
    for shape in shapes_of_every_kind(rng):
        values = expect_tensor(submission.call("make_zeros", shape), shape)
        expect_close(
            values, np.zeros(shape), Msg("모든 원소가 0이어야 합니다.", "Every element must be 0.")
        )


@points(0.5, "make_normal: 정규 분포 랜덤 텐서의 shape과 dtype", "make_normal: shape and dtype")
def test_make_normal_shape(submission, rng):
    for shape in shapes_of_every_kind(rng):  # two elements at least: a constant shows
        values = expect_tensor(submission.call("make_normal", shape), shape)
        check_not_constant(values, "make_normal", "tf.random.normal")


@points(
    0.5,
    "make_uniform: 값이 [minval, maxval) 구간을 채움",
    "make_uniform: values fill [minval, maxval)",
)
def test_make_uniform_range(submission, rng):
    low, high = uniform_bounds(rng, (-5, -1), (2, 5))  # never inside the default [0, 1)
    values = expect_tensor(
        submission.call("make_uniform", (50, 20), minval=low, maxval=high), (50, 20)
    )
    check_uniform_values(values, low, high, fill=0.05)


@points(
    1,
    "numpy_set: 넘파이 배열의 원소를 제자리에서 바꾸기",
    "numpy_set: set one NumPy element in place",
)
def test_numpy_set(submission, rng):
    initial = np.ones((3, 4))
    index = distinct_index(rng, initial.shape)
    value = float(rng.integers(2, 9))
    array = submission.ndarray(initial)
    result = submission.call("numpy_set", array, index, value)
    expect_kind(result, ("ndarray",), Msg("반환값", "The returned value"))
    check(
        result.same_as == array,
        "새 배열이 아니라 전달받은 배열 x를 직접 바꾼 뒤 x를 반환해야 합니다.",
        "Change the given array x itself and return x, not a new array.",
    )
    expected = initial.copy()
    expected[index] = value
    check_index_tuple(submission.read(array).numpy(), initial, index)
    expect_close(
        submission.read(array).numpy(), expected,
        Msg("x[index] = value로 원소 하나만 바꾸세요.", "Change exactly one element with x[index] = value."),
    )  # fmt: skip


@points(
    0.5,
    "TENSOR_ITEM_ASSIGNMENT_ERROR: 텐서에 값을 넣을 때 생기는 예외",
    "TENSOR_ITEM_ASSIGNMENT_ERROR",
)
def test_item_assignment_error(submission):
    value = submission.attr("TENSOR_ITEM_ASSIGNMENT_ERROR")
    expect_kind(
        value, ("class",), Msg("TENSOR_ITEM_ASSIGNMENT_ERROR", "TENSOR_ITEM_ASSIGNMENT_ERROR")
    )
    check(
        value.text == "builtins.TypeError",
        f"{value.text}이(가) 아닙니다. tf.ones((2, 2))[0, 0] = 0.을 직접 실행해 어떤 예외가 나오는지 보세요.",
        f"It is not {value.text}. Run tf.ones((2, 2))[0, 0] = 0. and see which exception is raised.",
    )


@points(1, "make_variable: 초깃값을 가진 훈련 가능한 변수", "make_variable: a trainable variable")
def test_make_variable(submission, rng):
    initial = rng.normal(size=(3, 1)).astype(np.float32)
    result = submission.call("make_variable", submission.constant(initial))
    values = expect_tensor(result, (3, 1), kinds=("variable",))
    check(
        bool(result.trainable),
        "변수가 훈련 가능(trainable)해야 합니다.",
        "The variable must be trainable.",
    )
    expect_close(
        values, initial, Msg("초깃값을 그대로 담아야 합니다.", "It must hold the initial value.")
    )
