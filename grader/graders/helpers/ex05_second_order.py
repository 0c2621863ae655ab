"""What the ex05_second_order tests share: judging the falling apple's (speed, acceleration)
and a returned f''(x), in one wording for each mistake whichever test finds it (so that a
mistake found by many tests is one root cause, reported once)."""

import numpy as np

from grader.course.messages import Msg
from grader.graders import function_specs as fs
from grader.graders.checks import describe_kind, expect_close, fail, items_of, scalar
from grader.wire.protocol import Value

GRAVITY = 9.8  # d²/dt² of 4.9·t²
SPEED_NONE = Msg(
    "속도가 None입니다. 안쪽 테이프가 위치 계산을 녹음하지 못했습니다. 시간을 tf.Variable로 "
    "만들었나요(상수라면 tape.watch)? position을 안쪽 with 블록 안에서 계산했나요?",
    "The speed is None: the inner tape did not record the position. Is time a tf.Variable "
    "(or, for a constant, did you call tape.watch)? Is position computed inside the inner with "
    "block?",
)
ACCELERATION_NONE = Msg(
    "가속도가 None입니다. 바깥 테이프가 속도 계산을 녹음하지 못했습니다. "
    "inner_tape.gradient(...) 호출이 바깥 with 블록 안에 있어야 하고, 시간을 바깥 테이프도 "
    "감시해야 합니다 (tf.Variable이거나 바깥 테이프에서도 watch).",
    "The acceleration is None: the outer tape did not record how the speed was computed. "
    "The inner_tape.gradient(...) call must be inside the outer with block, and the outer tape "
    "must watch time too (a tf.Variable, or watch on the outer tape as well).",
)
SWAPPED = Msg(
    "속도와 가속도의 순서가 바뀌었습니다. (속도, 가속도) 순서로 반환하세요.",
    "Speed and acceleration are swapped. Return them in the order (speed, acceleration).",
)
APPLE_HINT = Msg(
    "position = 4.9 * time ** 2를 안쪽 테이프로 한 번 미분하면 속도, 그 속도를 바깥 테이프로 "
    "한 번 더 미분하면 가속도입니다.",
    "Differentiating position = 4.9 * time ** 2 once with the inner tape gives the speed; "
    "differentiating that speed again with the outer tape gives the acceleration.",
)
SECOND_NONE = Msg(
    "이계도 그레이디언트가 None입니다. 바깥 테이프가 일계도 그레이디언트의 계산을 녹음하지 "
    "못했습니다. x는 상수이므로 안쪽과 바깥 테이프 모두에서 watch했나요? 안쪽 tape.gradient 호출이 "
    "바깥 with 블록 안에 있나요?",
    "The second-order gradient is None: the outer tape did not record the first gradient's "
    "computation. x is a constant: did you watch it on both the inner and the outer tape? Is the "
    "inner tape.gradient call inside the outer with block?",
)
FIRST_NOT_SECOND = Msg(
    "일계도(한 번 미분한) 그레이디언트를 반환했습니다. 안쪽 테이프의 결과를 바깥 테이프로 한 번 "
    "더 미분한 값을 반환하세요.",
    "You returned the first-order gradient (differentiated once). Return the inner tape's result "
    "differentiated once more with the outer tape.",
)


def speed_and_acceleration(value: Value) -> tuple[float, float]:
    """The two numbers of a returned (speed, acceleration)."""
    items = items_of(value, 2)
    if items is None:
        got = describe_kind(value)
        fail(
            f"(속도, 가속도) 두 값을 담은 튜플을 반환해야 하는데 {got.ko}입니다.",
            f"Return a tuple of two values (speed, acceleration), not {got.en}.",
        )
    speed, acceleration = items
    if speed.kind == "none":
        fail(SPEED_NONE.ko, SPEED_NONE.en)
    if acceleration.kind == "none":
        fail(ACCELERATION_NONE.ko, ACCELERATION_NONE.en)
    what = Msg("가속도", "The acceleration")
    return scalar(speed, Msg("속도", "The speed")), scalar(acceleration, what)


def check_apple(value: Value, t: float, hint: Msg = APPLE_HINT) -> None:
    """The returned (speed, acceleration) of the falling apple at time ``t``."""
    speed, acceleration = speed_and_acceleration(value)
    expected = np.array([GRAVITY * t, GRAVITY])
    if abs(expected[0] - expected[1]) > 0.1 and np.allclose(
        [acceleration, speed], expected, rtol=1e-4, atol=1e-4
    ):
        fail(SWAPPED.ko, SWAPPED.en)
    expect_close(np.array([speed, acceleration]), expected, hint, rtol=1e-4, atol=1e-4)


NUMERIC_DIFFERENTIATION = Msg(
    "값이 이계도 도함수에 가깝지만 자동 미분만큼 정확하지 않습니다. 수치 미분(유한 차분)이나 "
    "f'(x + 1) − f'(x) 같은 근사가 아니라, 테이프 두 개를 중첩해 f를 두 번 미분하세요.",
    "The value is close to the second derivative but not as exact as automatic differentiation. "
    "Do not approximate it (finite differences, f'(x + 1) − f'(x)): nest two tapes and "
    "differentiate f twice.",
)


def check_second_derivative(value: Value, spec, x: np.float32, hint: Msg) -> None:
    """The returned f''(x): not None, a scalar, not f'(x), as exact as nested tapes make it."""
    if value.kind == "none":
        fail(SECOND_NONE.ko, SECOND_NONE.en)
    got = scalar(value, Msg("반환한 이계도 그레이디언트", "The returned second-order gradient"))
    expected = float(fs.second_derivative(spec, x))
    scale = fs.derivative_scale(spec, x, 2)
    if fs.autodiff_close(np.float64(got), np.float64(expected), scale):
        return
    first = float(fs.first_derivative(spec, x))
    loose = dict(rtol=1e-3, atol=1e-3 * scale)
    if not np.isclose(first, expected, **loose) and np.isclose(got, first, **loose):
        fail(FIRST_NOT_SECOND.ko, FIRST_NOT_SECOND.en)
    # f'(x + 1) − f'(x): a first difference of f' with step 1, a typical stand-in for f''.
    step_one = float(fs.first_derivative(spec, x + 1.0) - fs.first_derivative(spec, x))
    if np.isclose(got, step_one, **loose):
        fail(NUMERIC_DIFFERENTIATION.ko, NUMERIC_DIFFERENTIATION.en)
    expect_close(np.float64(got), np.float64(expected), hint, rtol=0.2, atol=0.2 * scale)
    fail(NUMERIC_DIFFERENTIATION.ko, NUMERIC_DIFFERENTIATION.en)
