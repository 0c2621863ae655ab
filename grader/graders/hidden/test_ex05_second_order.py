"""Hidden graders for ex05_second_order: other times, many random functions and points."""

import numpy as np

from grader.course.messages import Msg
from grader.graders import function_specs as fs
from grader.graders.helpers.ex05_second_order import check_apple, check_second_derivative
from grader.graders.meta import points
from grader.wire.protocol import Const

EXERCISE = "ex05_second_order"

APPLE_HINT = Msg(
    "어떤 시각에서는 속도나 가속도가 틀렸습니다. 시각 t를 그대로 시간 변수의 값으로 쓰고, 위치를 "
    "한 번 미분한 속도와 두 번 미분한 가속도를 반환하세요.",
    "The speed or the acceleration is wrong at some time. Use t itself as the time variable's "
    "value, and return the position differentiated once (speed) and twice (acceleration).",
)
FAMILY_HINT = Msg(
    "채점용 함수 중 하나에서 이계도 도함수가 틀렸습니다. 특정 함수에 맞춘 계산 없이, 중첩한 "
    "테이프로 f를 두 번 미분하세요.",
    "The second derivative is wrong for one of the grading functions. Without special-casing any "
    "function, differentiate f twice with nested tapes.",
)
POINTS_HINT = Msg(
    "같은 함수라도 x가 바뀌면 이계도 도함수도 달라져야 합니다. 값을 저장해 두지 말고 매번 "
    "전달받은 x에서 계산하세요.",
    "For the same function, a different x must give a different second derivative. Do not cache "
    "values: compute at the x you are given each time.",
)


@points(
    2,
    "apple_speed_and_acceleration: 여러 시각 (음수와 0 포함)",
    "apple_speed_and_acceleration: other times (negative and zero included)",
)
def test_apple_other_times(submission, rng):
    times = [
        float(rng.uniform(-4.0, -0.5)),
        0.0,
        float(rng.uniform(0.1, 0.8)),
        float(rng.uniform(2.0, 6.0)),
    ]
    for t in times:
        value = submission.call("apple_speed_and_acceleration", t)
        check_apple(value, t, APPLE_HINT)


def check_second_derivative_at(submission, spec, x: np.float32, hint: Msg) -> None:
    value = submission.call("second_derivative", spec, Const(x))
    check_second_derivative(value, spec, x, hint)


@points(3, "second_derivative: 여러 종류의 함수", "second_derivative: many kinds of functions")
def test_second_derivative_families(submission, rng):
    for kind in fs.ELEMENTWISE_KINDS:
        spec = fs.random_spec(rng, kind)
        for x in fs.spread_points(rng, 2):
            check_second_derivative_at(submission, spec, x, FAMILY_HINT)


@points(
    1, "second_derivative: 같은 함수의 여러 점", "second_derivative: one function, several points"
)
def test_second_derivative_several_points(submission, rng):
    spec = fs.random_spec(rng, str(rng.choice(("sine", "poly_sine", "tanh"))))
    for x in fs.spread_points(rng, 3):
        check_second_derivative_at(submission, spec, x, POINTS_HINT)
