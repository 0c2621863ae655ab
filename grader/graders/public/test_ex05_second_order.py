"""Public checks for ex05_second_order: nested tapes for speed, acceleration and f''(x)."""

from grader.course.messages import Msg
from grader.graders import function_specs as fs
from grader.graders.helpers.ex05_second_order import check_apple, check_second_derivative
from grader.graders.meta import points
from grader.wire.protocol import Const

EXERCISE = "ex05_second_order"

SECOND_HINT = Msg(
    "x에서의 f의 이계도 도함수와 다릅니다. 테이프 두 개를 중첩해 f를 두 번 미분하세요.",
    "This is not f's second derivative at x. Nest two tapes to differentiate f twice.",
)


@points(
    2,
    "apple_speed_and_acceleration: 중첩 테이프로 속도와 가속도",
    "apple_speed_and_acceleration: speed and acceleration with nested tapes",
)
def test_apple_speed_and_acceleration(submission, rng):
    t = float(rng.uniform(1.5, 4.0))
    check_apple(submission.call("apple_speed_and_acceleration", t), t)


@points(
    2,
    "second_derivative: 다항식의 이계도 도함수",
    "second_derivative: second derivative of a polynomial",
)
def test_second_derivative_polynomial(submission, rng):
    spec = fs.random_spec(rng, "poly")
    for x in fs.spread_points(rng, 3):
        value = submission.call("second_derivative", spec, Const(x))
        check_second_derivative(value, spec, x, SECOND_HINT)
