"""What the ex04_gradient_tape tests share: reading a returned gradient, and judging the
gradient of a grader-chosen function, with a named hint for each typical mistake."""

import numpy as np

from grader.course.messages import Msg
from grader.graders import function_specs as fs
from grader.graders.checks import close_enough, expect_close, expect_tensor, fail
from grader.wire.protocol import Value

WATCH_HINT = Msg(
    "tape.gradient가 None을 돌려주었습니다. 테이프는 상수 텐서를 저절로 감시하지 않으므로, "
    "with 블록 안에서 결과를 계산하기 전에 x를 감시하게 해야 합니다. tape.watch를 호출했나요? "
    "결과를 만드는 연산(y = f(x))도 모두 with 블록 안에 있어야 합니다.",
    "tape.gradient returned None. A tape does not watch constant tensors by itself, so inside "
    "the with block, before computing the result, tell it to watch x. Did you call tape.watch? "
    "Every operation that produces the result (y = f(x)) must be inside the with block too.",
)
TAPE_HINT = Msg(
    "tape.gradient가 None을 돌려주었습니다. 결과(tf.square(v))를 with tf.GradientTape() as "
    "tape: 블록 안에서 계산했나요?",
    "tape.gradient returned None. Did you compute the result (tf.square(v)) inside the "
    "with tf.GradientTape() as tape: block?",
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


def gradient_values(value: Value, shape: tuple[int, ...], none_hint: Msg) -> np.ndarray:
    """The numbers of a returned gradient, after the None and kind/shape/dtype checks."""
    if value.kind == "none":
        fail(none_hint.ko, none_hint.en)
    values = expect_tensor(value, shape, what=Msg("반환한 그레이디언트", "The returned gradient"))
    return values.reshape(shape)


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
