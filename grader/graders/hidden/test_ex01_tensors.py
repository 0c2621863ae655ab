"""Hidden graders for ex01_tensors: distributions, parameters, other shapes."""

import numpy as np

from grader.course.messages import Msg
from grader.graders.checks import check, distinct_index, expect_close, expect_tensor
from grader.graders.helpers.ex01_tensors import (
    check_index_tuple,
    check_not_constant,
    check_uniform_values,
    uniform_bounds,
)
from grader.graders.meta import points

EXERCISE = "ex01_tensors"
# 25,000 values: every tolerance below stands at least 6 standard errors away from what a
# correct sample gives (the standard deviation's 3 % is 6.7 of them, the skewness' 0.1 is 6.5),
# so a correct draw fails with odds below 1e-9, and each reply stays near 130 kB on the wire.
LARGE = (200, 125)


@points(
    0.5, "make_ones / make_zeros: 다른 shape에서도 동작", "make_ones / make_zeros: other shapes"
)
def test_ones_zeros_other_shapes(submission, rng):
    # kinds the public test has not shown, every time: an axis of length 1 inside, and 4-D
    n, m = (int(k) for k in rng.choice(range(2, 6), size=2, replace=False))
    for shape in [(n, 1, m), (m, n, 2, 1)]:
        expect_close(
            expect_tensor(submission.call("make_ones", shape), shape), np.ones(shape),
            Msg("shape 인자를 그대로 전달하세요.", "Pass the shape argument through."),
        )  # fmt: skip
        expect_close(
            expect_tensor(submission.call("make_zeros", shape), shape), np.zeros(shape),
            Msg("shape 인자를 그대로 전달하세요.", "Pass the shape argument through."),
        )  # fmt: skip


TRUNCATION = 2.0  # tf.random.truncated_normal redraws values more than 2 stddev from the mean


def check_not_truncated(values: np.ndarray, mean: float, stddev: float) -> None:
    """Name tf.random.truncated_normal: it takes mean and stddev too, but never returns a value
    beyond two standard deviations (a normal sample of this size has about 4.6% there), so its
    spread is only about 0.88 of stddev and "pass mean and stddev" would be the wrong hint."""
    beyond = float(np.mean(np.abs(values - mean) > TRUNCATION * stddev * 1.01))
    check(
        values.size < 1000 or beyond > 0.01,
        "값이 평균에서 표준 편차의 2배 안쪽에만 있습니다: tf.random.truncated_normal은 그 밖의 값을 "
        "버리고 다시 뽑기 때문에 표준 편차가 stddev보다 작아집니다. 정규 분포 그대로인 "
        "tf.random.normal을 쓰세요.",
        "Every value lies within two standard deviations of the mean: "
        "tf.random.truncated_normal redraws values beyond that, so its spread is smaller than "
        "stddev. Use tf.random.normal, the plain normal distribution.",
    )


@points(
    1.5, "make_normal: mean과 stddev를 따르는 정규 분포", "make_normal: follows mean and stddev"
)
def test_make_normal_statistics(submission, rng):
    # Away from the defaults (0, 1): ignoring an argument can never pass by chance.
    mean = float(rng.uniform(1, 3) * rng.choice((-1, 1)))
    stddev = float(rng.choice((rng.uniform(0.3, 0.7), rng.uniform(1.5, 3))))
    values = expect_tensor(submission.call("make_normal", LARGE, mean=mean, stddev=stddev), LARGE)
    check_not_constant(values, "make_normal", "tf.random.normal")
    hint = Msg("mean과 stddev 인자를 tf.random.normal에 전달했나요?",
               "Did you pass mean and stddev to tf.random.normal?")  # fmt: skip
    check(abs(values.mean() - mean) < 0.05 * stddev + 0.02, f"표본 평균이 mean과 다릅니다. {hint.ko}",
          f"The sample mean differs from mean. {hint.en}")  # fmt: skip
    check_not_truncated(values, mean, stddev)
    check(abs(values.std() / stddev - 1) < 0.03, f"표본 표준 편차가 stddev와 다릅니다. {hint.ko}",
          f"The sample standard deviation differs from stddev. {hint.en}")  # fmt: skip
    skew = float(np.mean(((values - values.mean()) / values.std()) ** 3))
    check(abs(skew) < 0.1, "값이 정규 분포처럼 퍼져 있지 않습니다. tf.random.normal을 쓰세요.",
          "The values are not normally distributed. Use tf.random.normal.")  # fmt: skip


@points(
    1.5, "make_uniform: 구간 전체에 고르게 퍼진 값", "make_uniform: spread evenly over the interval"
)
def test_make_uniform_statistics(submission, rng):
    low, high = uniform_bounds(rng, (-4, -0.5), (2, 6))  # never inside the default [0, 1)
    values = expect_tensor(submission.call("make_uniform", LARGE, minval=low, maxval=high), LARGE)
    check_uniform_values(values, low, high, fill=0.01)
    width = high - low
    check(
        abs(values.mean() - (low + high) / 2) < 0.02 * width
        and abs(values.std() / width - 12**-0.5) < 0.02,
        "값이 [minval, maxval) 전체에 고르게 퍼져 있지 않습니다. tf.random.uniform에 minval과 maxval을 "
        "전달했나요?",
        "The values do not spread evenly over [minval, maxval). Did you pass minval and maxval to "
        "tf.random.uniform?",
    )  # fmt: skip


@points(1, "랜덤 함수는 호출할 때마다 다른 값을 냄", "random functions differ between calls")
def test_random_calls_differ(submission):
    for name in ("make_normal", "make_uniform"):
        first = expect_tensor(submission.call(name, (8, 8)), (8, 8))
        second = expect_tensor(submission.call(name, (8, 8)), (8, 8))
        check(
            not np.array_equal(first, second),
            f"{name}을(를) 두 번 호출했더니 같은 값이 나왔습니다. 시드를 고정하거나 값을 저장해 두지 마세요.",
            f"Two calls of {name} gave the same values. Do not fix a seed or cache the tensor.",
        )


@points(0.5, "numpy_set: 3차원 배열에서도 제자리 수정", "numpy_set: in place on a 3-D array")
def test_numpy_set_3d(submission, rng):
    initial = rng.normal(size=(4, 5, 6))
    index = distinct_index(rng, initial.shape)
    array = submission.ndarray(initial)
    result = submission.call("numpy_set", array, index, -7.5)
    check(
        result.same_as == array, "전달받은 배열을 반환하세요.", "Return the array you were given."
    )
    expected = initial.copy()
    expected[index] = -7.5
    check_index_tuple(submission.read(array).numpy(), initial, index)
    expect_close(submission.read(array).numpy(), expected,
                 Msg("index 튜플로 원소 하나만 바꾸세요.", "Change one element, using the index tuple."))  # fmt: skip


@points(0.5, "make_variable: 다른 shape의 초깃값", "make_variable: initial values of other shapes")
def test_make_variable_other_shape(submission, rng):
    initial = rng.uniform(-2, 2, size=(2, 4)).astype(np.float32)
    result = submission.call("make_variable", submission.constant(initial))
    expect_close(expect_tensor(result, (2, 4), kinds=("variable",)), initial,
                 Msg("tf.Variable(initial_value)로 만드세요.", "Create it with tf.Variable(initial_value)."))  # fmt: skip
    check(bool(result.trainable), "변수가 훈련 가능해야 합니다.", "The variable must be trainable.")
