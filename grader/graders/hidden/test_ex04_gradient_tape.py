"""Hidden graders for ex04_gradient_tape: other shapes, scalars, many random functions."""

import itertools

import numpy as np

from grader.course.messages import Msg
from grader.graders import function_specs as fs
from grader.graders.checks import check, expect_close, shapes_of_every_kind
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
    "그레이디언트가 2·x와 다릅니다. 입력의 shape과 상관없이 tf.square의 결과를 tape.gradient로 "
    "미분하세요.",
    "The gradient differs from 2·x. Whatever the input's shape, differentiate tf.square's result "
    "with tape.gradient.",
)
GRADIENT_HINT = Msg(
    "채점용 함수 중 하나에서 그레이디언트가 틀렸습니다. 특정 함수에 맞춘 계산이 아니라 "
    "with 블록 안에서 y = f(x)를 계산하고 tape.gradient(y, x)를 반환하세요.",
    "The gradient is wrong for one of the grading functions. Do not special-case any function: "
    "compute y = f(x) inside the with block and return tape.gradient(y, x).",
)
VARIABLE_CHANGED = Msg(
    "grad_square_of_variable이 전달받은 변수의 값을 바꾸었습니다. 그레이디언트만 계산하고 "
    "변수는 그대로 두세요.",
    "grad_square_of_variable changed the variable it was given. Only compute the gradient and "
    "leave the variable as it is.",
)


def other_shapes(rng: np.random.Generator) -> list[tuple[int, ...]]:
    return [(), (int(rng.integers(2, 4)), 1, int(rng.integers(2, 5))), (5, 3)]


@points(
    1,
    "grad_square_of_variable: 스칼라와 다차원 변수, 변수는 그대로",
    "grad_square_of_variable: scalar and N-d variables, left unchanged",
)
def test_grad_square_of_variable_shapes(submission, rng):
    for shape in other_shapes(rng):
        initial = rng.uniform(-4, 4, size=shape).astype(np.float32)
        v = submission.variable(initial)
        values = gradient_values(submission.call("grad_square_of_variable", v), shape, TAPE_HINT)
        expect_close(values, 2 * initial.astype(np.float64), SQUARE_HINT)
        after = submission.read(v).numpy().reshape(shape)
        check(np.array_equal(after, initial), VARIABLE_CHANGED.ko, VARIABLE_CHANGED.en)


@points(
    1,
    "grad_square_of_constant: 스칼라와 다차원 상수",
    "grad_square_of_constant: scalar and N-d constants",
)
def test_grad_square_of_constant_shapes(submission, rng):
    for shape in other_shapes(rng):
        x = rng.uniform(-4, 4, size=shape).astype(np.float32)
        result = submission.call("grad_square_of_constant", Const(x))
        values = gradient_values(result, shape, WATCH_HINT)
        expect_close(values, 2 * x.astype(np.float64), SQUARE_HINT)


def check_gradient(submission, spec, x_ref, x: np.ndarray) -> None:
    values = gradient_values(submission.call("gradient", spec, x_ref), x.shape, WATCH_HINT)
    check_function_gradient(values, spec, x, GRADIENT_HINT)


@points(
    3,
    "gradient: 여러 종류의 함수와 상수 입력 (스칼라 포함)",
    "gradient: many kinds of functions, constant inputs (scalars included)",
)
def test_gradient_function_families_constant(submission, rng):
    scalar_at = int(rng.integers(len(fs.ELEMENTWISE_KINDS)))  # one family on a scalar x
    shapes = itertools.cycle(shapes_of_every_kind(rng))  # the other families: every kind
    for index, kind in enumerate(fs.ELEMENTWISE_KINDS):
        shape = () if index == scalar_at else next(shapes)
        spec = fs.random_spec(rng, kind)
        x = fs.sample_x(rng, shape)
        check_gradient(submission, spec, Const(x), x)


@points(
    2,
    "gradient: 원소끼리 섞는 함수 (합, 이웃 원소의 곱, 행렬 곱)",
    "gradient: functions that mix elements (sums, neighbour products, matmul)",
)
def test_gradient_coupled_functions(submission, rng):
    # two elements at least in every shape: a coupled function's Jacobian is not diagonal
    for kind, shape in zip(fs.COUPLED_KINDS, shapes_of_every_kind(rng), strict=True):
        spec = fs.random_spec(rng, kind, size=int(np.prod(shape)))
        x = fs.sample_x(rng, shape)
        check_gradient(submission, spec, Const(x), x)


@points(2, "gradient: 변수 입력", "gradient: variable inputs")
def test_gradient_variable_inputs(submission, rng):
    kinds = rng.choice(fs.ELEMENTWISE_KINDS, size=3, replace=False)
    for kind, shape in zip(kinds, shapes_of_every_kind(rng), strict=True):
        spec = fs.random_spec(rng, str(kind))
        x = fs.sample_x(rng, shape)
        check_gradient(submission, spec, submission.variable(x), x)
