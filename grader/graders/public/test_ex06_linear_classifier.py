"""Public checks for ex06_linear_classifier: data, parameters, model, loss, step, fit, plot."""

from __future__ import annotations

import numpy as np
import pytest

from grader.graders.checks import check, fail
from grader.graders.helpers.ex06_linear_classifier import (
    F32,
    check_boundary,
    check_class_means,
    check_fit,
    check_model,
    check_plot,
    check_square_loss,
    check_training_steps,
    new_seed,
    unpack_dataset,
    unpack_fit,
    unpack_parameters,
)
from grader.graders.meta import points
from grader.graders.reference import linear_classifier as ref
from grader.wire.protocol import Const

EXERCISE = "ex06_linear_classifier"


# --------------------------------------------------------------------------- helpers
def check_targets(targets: np.ndarray, n: int) -> None:
    first, second = targets[:n, 0], targets[n:, 0]
    if np.all(first == 1) and np.all(second == 0):
        fail(
            "타깃의 순서가 바뀌었습니다. 클래스 0의 점을 먼저 쌓았으니 타깃도 0이 N개, 그다음 1이 "
            "N개여야 합니다.",
            "The targets are swapped: class 0 comes first, so the targets are N zeros, then N "
            "ones.",
        )
    check(
        bool(np.all(first == 0) and np.all(second == 1)),
        "타깃은 앞의 N개가 0(클래스 0), 뒤의 N개가 1(클래스 1)이어야 합니다. np.zeros와 np.ones를 "
        "np.vstack으로 쌓으세요.",
        "The targets must be N zeros (class 0) followed by N ones (class 1). Stack np.zeros and "
        "np.ones with np.vstack.",
    )


def plot_case(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Book-like points in random order and a trained model that misclassifies some of them.

    Colouring by anything but the prediction must show: the shuffled order defeats colouring
    by position (first half class 0), and a bias moved until at least 5% of the points fall on
    the other side of the boundary than their class defeats colouring by the true class.
    """
    inputs, targets = ref.draw_dataset(rng, n)
    W, b, _ = ref.fit(inputs, targets, rng.uniform(0, 1, size=(2, 1)), np.zeros(1), steps=40)
    direction = float(rng.choice((-1.0, 1.0)))
    b = b + 0.1 * direction
    while np.mean((ref.predict(inputs, W, b) > 0.5) != (targets > 0.5)) < 0.05:
        b = b + 0.05 * direction
    order = rng.permutation(len(inputs))
    return inputs[order], W.astype(F32), b.astype(F32)


# --------------------------------------------------------------------------- tests
@points(
    1.5, "make_dataset: 넘파이 float32 배열과 0/1 타깃", "make_dataset: float32 arrays, 0/1 targets"
)
def test_make_dataset_shapes(submission, rng):
    n = int(rng.integers(50, 300))
    inputs, targets = unpack_dataset(submission.call("make_dataset", n, new_seed(rng)), n)
    check(
        bool(np.all(np.isfinite(inputs))),
        "inputs에 NaN 또는 무한대가 있습니다.",
        "inputs contains NaN or infinity.",
    )
    check_targets(targets, n)


@points(1.5, "make_dataset: 두 클래스의 위치(평균)", "make_dataset: where the two classes lie")
def test_make_dataset_class_means(submission, rng):
    n = 2000
    inputs, targets = unpack_dataset(submission.call("make_dataset", n, new_seed(rng)), n)
    check_class_means(inputs, n, show_numbers=True)
    check_targets(targets, n)


@points(0.5, "make_dataset: seed를 따르는 난수", "make_dataset: honours seed")
def test_make_dataset_seed(submission, rng):
    n, seed = 100, new_seed(rng)
    first, _ = unpack_dataset(submission.call("make_dataset", n, seed), n)
    again, _ = unpack_dataset(submission.call("make_dataset", n, seed), n)
    check(
        np.array_equal(first, again),
        "같은 seed로 두 번 호출했는데 데이터가 다릅니다. np.random.default_rng(seed)로 만든 난수 "
        "생성기에서 뽑으세요.",
        "Two calls with the same seed gave different data. Draw from np.random.default_rng(seed).",
    )
    fresh, _ = unpack_dataset(submission.call("make_dataset", n, None), n)
    other, _ = unpack_dataset(submission.call("make_dataset", n, None), n)
    check(
        not np.array_equal(fresh, other),
        "seed=None으로 두 번 호출했는데 같은 데이터가 나왔습니다. seed를 고정하지 말고 인자로 "
        "받은 seed를 그대로 쓰세요.",
        "Two calls with seed=None gave the same data. Do not fix the seed; use the seed argument.",
    )


@points(1.5, "init_parameters: W는 균등 분포, b는 0인 변수", "init_parameters: W uniform, b zeros")
def test_init_parameters_default(submission):
    # Ten calls: twenty values of W, so a W from the wrong distribution cannot pass by chance.
    for _ in range(10):
        unpack_parameters(submission.call("init_parameters"), 2, 1)


@points(1.5, "model: inputs · W + b", "model: inputs · W + b")
def test_model(submission, rng):
    check_model(submission, rng, int(rng.integers(5, 30)), 2, 1)


@points(1, "square_loss: 평균 제곱 오차", "square_loss: mean squared error")
def test_square_loss(submission, rng):
    check_square_loss(submission, rng, int(rng.integers(10, 50)), 1)


@points(2.5, "training_step: 경사 하강법 한 스텝", "training_step: one gradient-descent step")
def test_training_step(submission, rng):
    check_training_steps(submission, rng, 100, float(rng.uniform(0.02, 0.08)), 1)


@points(3, "fit: 책과 같은 데이터에서 훈련", "fit: training on data like the book's")
def test_fit_book_data(submission, course, rng, artifacts):
    check_fit(
        submission, course, rng, ref.BOOK_MEANS, show_numbers=True, defaults=True,
        artifacts=artifacts,
    )  # fmt: skip


@points(1, "decision_boundary: 결정 경계의 기울기와 절편", "decision_boundary: slope and intercept")
def test_decision_boundary(submission, rng):
    check_boundary(submission, rng, None)


@points(
    2,
    "plot_decision_boundary: 예측한 클래스와 결정 경계",
    "plot_decision_boundary: classes and line",
)
def test_plot_decision_boundary(submission, rng):
    inputs, W, b = plot_case(rng, 200)
    check_plot(submission, inputs, W, b)


@pytest.mark.gpu
@points(1.5, "fit: GPU에서 훈련", "fit: trains on the GPU")
def test_fit_on_gpu(submission, rng):
    inputs, targets = ref.draw_dataset(rng, 200)
    result = submission.call("fit", Const(inputs), Const(targets), 5, 0.1)
    W_value, b_value, *_ = unpack_fit(result, 5)
    for name, value in (("W", W_value), ("b", b_value)):
        check(
            "GPU" in (value.device or "").upper(),
            f"GPU가 있는데 {name}이(가) GPU에 있지 않습니다 ({value.device}). tf.device('/CPU:0') "
            "블록 안에서 변수를 만들지 마세요. 텐서플로는 GPU가 있으면 알아서 GPU를 씁니다.",
            f"A GPU is available but {name} is not on it ({value.device}). Do not create the "
            "variables inside tf.device('/CPU:0'); TensorFlow uses the GPU by itself.",
        )
