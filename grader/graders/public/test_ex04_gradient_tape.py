"""Public checks for ex04_gradient_tape: tape.gradient on variables, constants and functions."""

import numpy as np

from grader.course.messages import Msg
from grader.graders import function_specs as fs
from grader.graders.checks import expect_close, fail
from grader.graders.helpers.ex04_gradient_tape import (
    TAPE_HINT,
    WATCH_HINT,
    check_function_gradient,
    gradient_values,
)
from grader.graders.meta import points
from grader.wire.protocol import Const

EXERCISE = "ex04_gradient_tape"

SQUARE_HINT = Msg(
    "각 원소의 그레이디언트는 2·x여야 합니다. 블록 안에서 tf.square로 결과를 계산한 뒤 "
    "tape.gradient(결과, 입력)을 반환하세요.",
    "Each element's gradient must be 2·x. Compute the result with tf.square inside the block, "
    "then return tape.gradient(result, input).",
)
SQUARE_NOT_GRADIENT = Msg(
    "그레이디언트가 아니라 제곱한 값 자체를 반환했습니다. tape.gradient(결과, 입력)을 반환하세요.",
    "You returned the squares themselves, not their gradient. Return tape.gradient(result, input).",
)


def check_square_gradient(values: np.ndarray, x: np.ndarray) -> None:
    x = x.astype(np.float64)
    if not np.allclose(2 * x, x**2) and np.allclose(values, x**2, rtol=1e-4, atol=1e-5):
        fail(SQUARE_NOT_GRADIENT.ko, SQUARE_NOT_GRADIENT.en)
    expect_close(values, 2 * x, SQUARE_HINT)


@points(
    2,
    "grad_square_of_variable: 변수에 대한 v²의 그레이디언트",
    "grad_square_of_variable: gradient of v² for a variable",
)
def test_grad_square_of_variable(submission, rng):
    shape = (int(rng.integers(2, 5)),)
    initial = rng.uniform(-3, 3, size=shape).astype(np.float32)
    v = submission.variable(initial)
    values = gradient_values(submission.call("grad_square_of_variable", v), shape, TAPE_HINT)
    check_square_gradient(values, initial)


@points(
    2,
    "grad_square_of_constant: tape.watch로 상수의 그레이디언트 구하기",
    "grad_square_of_constant: gradient for a constant, with tape.watch",
)
def test_grad_square_of_constant(submission, rng):
    shape = (2, int(rng.integers(2, 5)))  # no axis of length 1: the hidden tests have those
    x = rng.uniform(-3, 3, size=shape).astype(np.float32)
    result = submission.call("grad_square_of_constant", Const(x))
    values = gradient_values(result, shape, WATCH_HINT)
    check_square_gradient(values, x)


@points(2, "gradient: 주어진 함수 f의 그레이디언트", "gradient: the gradient of a given function f")
def test_gradient_of_function(submission, rng):
    spec = fs.random_spec(rng, "poly")
    x = fs.sample_x(rng, (4,))
    values = gradient_values(submission.call("gradient", spec, Const(x)), (4,), WATCH_HINT)
    check_function_gradient(values, spec, x)
