"""Public checks for ex04_gradient_tape: tape.gradient on variables, constants and functions."""

import numpy as np

from grader.course.messages import Msg
from grader.graders import function_specs as fs
from grader.graders.checks import close_enough, expect_close, expect_tensor, fail, points
from grader.wire.protocol import Const, Value

EXERCISE = "ex04_gradient_tape"

WATCH_HINT = Msg(
    "tape.gradient가 None을 돌려주었습니다. 테이프는 상수 텐서를 저절로 감시하지 않으므로, "
    "결과를 계산하기 전에 with 블록 안에서 x를 감시하게 해야 합니다. tape.watch를 호출했나요? "
    "결과를 만드는 연산도 모두 with 블록 안에 있어야 합니다.",
    "tape.gradient returned None. A tape does not watch constant tensors by itself, so inside "
    "the with block, before computing the result, tell it to watch x. Did you call tape.watch? "
    "Every operation that produces the result must be inside the with block too.",
)
TAPE_HINT = Msg(
    "tape.gradient가 None을 돌려주었습니다. tf.square(v)를 with tf.GradientTape() as tape: "
    "블록 안에서 계산했나요?",
    "tape.gradient returned None. Did you compute tf.square(v) inside the "
    "with tf.GradientTape() as tape: block?",
)
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
GRADIENT_HINT = Msg(
    "x에서의 f의 도함수 값과 다릅니다. with 블록 안에서 y = f(x)를 계산하고 "
    "tape.gradient(y, x)를 그대로 반환하세요 (f(x)가 여러 원소이면 tape.gradient가 알아서 합을 "
    "미분합니다).",
    "This is not the derivative of f at x. Compute y = f(x) inside the with block and return "
    "tape.gradient(y, x) as it is (for a non-scalar f(x), tape.gradient differentiates the sum).",
)
VALUE_NOT_GRADIENT = Msg(
    "그레이디언트가 아니라 f(x)의 값을 반환했습니다. tape.gradient(y, x)를 반환하세요.",
    "You returned f(x) itself, not its gradient. Return tape.gradient(y, x).",
)
MEAN_NOT_SUM = Msg(
    "값이 원소 개수만큼 작습니다. f(x)를 평균 내지 마세요. tape.gradient는 여러 원소의 합을 "
    "미분합니다.",
    "The values are smaller by the number of elements. Do not average f(x): tape.gradient "
    "differentiates the sum of the elements.",
)


def random_shape(rng: np.random.Generator, max_dims: int = 2) -> tuple[int, ...]:
    """A shape of one to ``max_dims`` axes and at least two elements.

    Two elements at least, so summing f(x) differs from averaging it, and a coupled function
    has a Jacobian that is not diagonal.
    """
    while True:
        shape = tuple(int(n) for n in rng.integers(1, 5, size=rng.integers(1, max_dims + 1)))
        if int(np.prod(shape)) >= 2:
            return shape


def gradient_values(value: Value, shape: tuple[int, ...], none_hint: Msg) -> np.ndarray:
    """The numbers of a returned gradient, after the None and kind/shape/dtype checks."""
    if value.kind == "none":
        fail(none_hint.ko, none_hint.en)
    values = expect_tensor(value, shape, what=Msg("반환한 그레이디언트", "The returned gradient"))
    return values.reshape(shape)


def check_square_gradient(values: np.ndarray, x: np.ndarray) -> None:
    x = x.astype(np.float64)
    if not np.allclose(2 * x, x**2) and np.allclose(values, x**2, rtol=1e-4, atol=1e-5):
        fail(SQUARE_NOT_GRADIENT.ko, SQUARE_NOT_GRADIENT.en)
    expect_close(values, 2 * x, SQUARE_HINT)


JACOBIAN_TIMES_ONES = Msg(
    "그레이디언트가 아니라 야코비안과 1로 채운 벡터의 곱(J·1)입니다. 순방향 모드(ForwardAccumulator)나 "
    "모든 원소를 한꺼번에 움직이는 계산은 f(x)의 각 원소가 자기 자리의 x에만 의존할 때만 맞습니다. "
    "with 블록 안에서 y = f(x)를 계산하고 tape.gradient(y, x)를 반환하세요.",
    "This is the Jacobian times a vector of ones (J·1), not the gradient. Forward mode "
    "(ForwardAccumulator), or moving every element at once, is right only when each element of "
    "f(x) depends on x at its own place alone. Compute y = f(x) inside the with block and return "
    "tape.gradient(y, x).",
)
NUMERIC_DIFFERENTIATION = Msg(
    "값이 그레이디언트에 가깝지만 자동 미분만큼 정확하지 않습니다. 수치 미분(유한 차분)으로 "
    "근사하지 말고 GradientTape의 tape.gradient로 정확한 그레이디언트를 구하세요.",
    "The values are close to the gradient but not as exact as automatic differentiation. Do not "
    "approximate it with numerical differentiation (finite differences): compute the exact "
    "gradient with GradientTape's tape.gradient.",
)


def check_function_gradient(
    values: np.ndarray, spec, x: np.ndarray, hint: Msg = GRADIENT_HINT
) -> None:
    """The gradient of Σf at x, as exact as float32 autodiff; a named hint for each mistake."""
    expected = fs.first_derivative(spec, x)
    scale = fs.derivative_scale(spec, x, 1)
    if fs.autodiff_close(values, expected, scale):
        return
    loose = dict(rtol=1e-3, atol=1e-3 * scale)
    jvp = fs.jacobian_times_ones(spec, x)
    if not close_enough(jvp, expected, **loose) and close_enough(values, jvp, **loose):
        fail(JACOBIAN_TIMES_ONES.ko, JACOBIAN_TIMES_ONES.en)
    if close_enough(values, fs.value(spec, x), **loose):
        fail(VALUE_NOT_GRADIENT.ko, VALUE_NOT_GRADIENT.en)
    if x.size > 1 and close_enough(values, expected / x.size, **loose):
        fail(MEAN_NOT_SUM.ko, MEAN_NOT_SUM.en)
    expect_close(values, expected, hint, rtol=1e-2, atol=1e-2 * scale)
    fail(NUMERIC_DIFFERENTIATION.ko, NUMERIC_DIFFERENTIATION.en)


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
    shape = (2, int(rng.integers(1, 4)))
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
