"""Hidden graders for ex06_linear_classifier: statistics, other sizes, other data placements."""

from __future__ import annotations

import numpy as np

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
from grader.graders.hidden.helpers.ex06_linear_classifier import (
    MIRRORED_MEANS,
    SWAPPED_MEANS,
    start_of_fit,
)
from grader.graders.meta import points
from grader.graders.reference import linear_classifier as ref
from grader.wire.protocol import Const

EXERCISE = "ex06_linear_classifier"


@points(1.5, "make_dataset: 공분산과 기본 샘플 수", "make_dataset: covariance and default size")
def test_make_dataset_covariance(submission):
    n = 3000
    inputs, _ = unpack_dataset(submission.call("make_dataset", n, None), n)
    check_class_means(inputs, n, show_numbers=False)
    for half in (inputs[:n], inputs[n:]):
        check(
            bool(np.allclose(np.cov(half, rowvar=False), ref.COVARIANCE, atol=0.15)),
            "점 구름의 모양(공분산)이 책과 다릅니다. 두 클래스 모두 책의 공분산 행렬(cov)로 "
            "multivariate_normal에서 뽑으세요.",
            "The shape of the point clouds (covariance) differs from the book's. Draw both "
            "classes from multivariate_normal with the book's covariance matrix (cov).",
        )
    # Independent draws: the i-th point of class 0 says nothing about the i-th of class 1. The
    # cross-correlations of two independent samples of 3000 are about ±0.02; one noise cloud
    # shifted to both means gives 1.
    cross = np.corrcoef(inputs[:n], inputs[n:], rowvar=False)[:2, 2:]
    check(
        bool(np.all(np.abs(cross) < 0.15)),
        "두 클래스의 점이 서로 독립이 아닙니다: 같은 잡음을 두 평균에 더해 만든 것 같습니다. "
        "클래스마다 multivariate_normal을 따로 호출해 독립적으로 뽑으세요.",
        "The two classes are not independent: they look like one noise cloud shifted to both "
        "means. Draw each class with its own multivariate_normal call.",
    )
    unpack_dataset(submission.call("make_dataset"), 1000)


@points(0.5, "make_dataset: 다른 seed는 다른 데이터", "make_dataset: other seeds, other data")
def test_make_dataset_other_seeds(submission, rng):
    seed = new_seed(rng)
    first, _ = unpack_dataset(submission.call("make_dataset", 50, seed), 50)
    second, _ = unpack_dataset(submission.call("make_dataset", 50, seed + 1), 50)
    check(
        not np.array_equal(first, second),
        "seed가 달라도 같은 데이터가 나옵니다. 인자로 받은 seed로 난수 생성기를 만드세요.",
        "Different seeds give the same data. Seed the random generator with the seed argument.",
    )


@points(
    1.5, "init_parameters: 다른 크기와 균등 분포", "init_parameters: other sizes, uniform values"
)
def test_init_parameters_sizes_and_distribution(submission, rng):
    d, k = int(rng.integers(3, 7)), int(rng.integers(2, 5))
    unpack_parameters(submission.call("init_parameters", d, k), d, k)
    W, _ = unpack_parameters(submission.call("init_parameters", 40, 50), 40, 50)
    check(
        bool(abs(W.mean() - 0.5) < 0.03 and W.min() < 0.02 and W.max() > 0.98),
        "W의 값이 [0, 1) 전체에 고르게 퍼져 있지 않습니다. tf.random.uniform을 쓰세요.",
        "W's values do not spread evenly over [0, 1). Use tf.random.uniform.",
    )
    again, _ = unpack_parameters(submission.call("init_parameters", 40, 50), 40, 50)
    check(
        not np.array_equal(W, again),
        "init_parameters를 두 번 호출했더니 같은 W가 나왔습니다. 호출할 때마다 새로운 랜덤 "
        "값으로 초기화하세요.",
        "Two calls of init_parameters gave the same W. Draw new random values on every call.",
    )


@points(0.5, "model: 다른 입력 차원과 출력 차원", "model: other input and output sizes")
def test_model_other_sizes(submission, rng):
    check_model(submission, rng, int(rng.integers(5, 30)), int(rng.integers(3, 6)),
                int(rng.integers(2, 4)))  # fmt: skip


@points(0.5, "square_loss: 여러 열의 예측", "square_loss: several output columns")
def test_square_loss_columns(submission, rng):
    check_square_loss(submission, rng, int(rng.integers(10, 50)), int(rng.integers(2, 5)))


@points(1.5, "training_step: 다른 학습률로 여러 스텝", "training_step: several steps, other rate")
def test_training_step_repeated(submission, rng):
    check_training_steps(submission, rng, 300, float(rng.uniform(0.11, 0.17)), 3)


@points(2, "fit: 두 클래스의 자리를 바꾼 데이터", "fit: the two classes swapped")
def test_fit_swapped_classes(submission, course, rng):
    check_fit(submission, course, rng, SWAPPED_MEANS, show_numbers=False, defaults=False)


@points(2, "fit: 다른 곳에 놓인 데이터", "fit: data placed elsewhere")
def test_fit_mirrored_classes(submission, course, rng):
    check_fit(submission, course, rng, MIRRORED_MEANS, show_numbers=False, defaults=False)


def fit_start(inputs, targets, W, b, steps: int, learning_rate: float) -> np.ndarray:
    """Where fit must have started (W and b as one vector) to end at ``W, b``."""
    W_start, b_start = start_of_fit(inputs, targets, W, b, steps, learning_rate)
    return np.append(W_start, b_start)


def follows_gradient_descent(inputs, targets, start, losses, steps: int, rate: float) -> bool:
    """Whether ``losses`` are the losses of ``steps`` steps at ``rate`` from ``start``."""
    _, _, expected = ref.fit(inputs, targets, start[:2, None], start[2:], steps, rate)
    return len(losses) == len(expected) and bool(
        np.allclose(losses, expected, rtol=1e-4, atol=1e-6)
    )


def is_fresh(start: np.ndarray, tol: float = 1e-4) -> bool:
    """b zeros, as init_parameters makes it (float32 rounding aside), and W finite.

    W's distribution is init_parameters' to get right (its own tests check it); here it only
    matters that fit started from new parameters, and a continued fit starts from a trained b.
    ``tol`` is looser where the start is recovered through a worse-conditioned map (undoing
    steps at a larger rate amplifies the student's float32 rounding).
    """
    return bool(np.all(np.isfinite(start)) and abs(start[2]) < tol)


@points(
    2,
    "fit: 새 파라미터에서 learning_rate로 steps번 업데이트 (결과로 확인)",
    "fit: steps updates at learning_rate from fresh parameters (checked by their effect)",
)
def test_fit_steps_rate_and_fresh_start(submission, rng):
    """Undo the returned parameters' training to see where fit started and how it stepped.

    One gradient-descent step on the square loss of a linear model is an affine map, so the
    grader recovers the starting parameters exactly from the returned ones (a few steps at a
    small rate keep that well conditioned): they must be a fresh init_parameters draw, and
    the losses must be those of exactly ``steps`` updates at ``learning_rate`` from there.
    Two calls in a row also expose a fit that continues from module-level W, b.
    """
    inputs, targets = ref.draw_dataset(rng, 50)
    steps, rate = int(rng.integers(4, 8)), float(rng.uniform(0.02, 0.04))  # far from 0.1
    previous_end = None
    for _ in range(2):
        W_value, b_value, W, b, losses = unpack_fit(
            submission.call("fit", Const(inputs), Const(targets), steps, rate), steps
        )
        check(
            bool(W_value.trainable and b_value.trainable),
            "fit이 반환하는 W와 b는 훈련 가능한 변수여야 합니다.",
            "The W and b that fit returns must be trainable variables.",
        )
        start = fit_start(inputs, targets, W, b, steps, rate)
        if follows_gradient_descent(inputs, targets, start, losses, steps, rate):
            continues = previous_end is not None and np.allclose(start, previous_end, atol=1e-4)
            check(
                is_fresh(start) and not continues,
                "fit이 새 파라미터가 아니라 이전에 호출한 fit이 훈련한 W, b에서 이어서 "
                "훈련했습니다. 모듈 수준의 W, b를 쓰지 말고 fit 안에서 init_parameters로 새 "
                "W, b를 만드세요.",
                "fit continued from the W, b an earlier call of fit trained instead of fresh "
                "parameters. Do not use module-level W, b: create new ones with "
                "init_parameters inside fit.",
            )
            previous_end = np.append(W, b)
            continue
        for other in (steps - 1, steps + 1):
            start = fit_start(inputs, targets, W, b, other, rate)
            if is_fresh(start):
                fail(
                    f"업데이트 횟수가 steps와 다릅니다 (steps={steps}번이어야 하는데 "
                    f"{other}번 업데이트했습니다). training_step을 정확히 steps번 호출하고, "
                    "losses에는 각 스텝이 돌려준 손실을 담으세요.",
                    f"The number of updates differs from steps (it should be {steps}, but W and "
                    f"b were updated {other} times). Call training_step exactly steps times and "
                    "record the loss each step returns.",
                )
        if is_fresh(fit_start(inputs, targets, W, b, steps, 0.1), tol=1e-2):
            fail(
                "fit이 learning_rate 인자를 쓰지 않고 기본 학습률 0.1로 훈련했습니다. "
                "training_step(inputs, targets, W, b, learning_rate)처럼 학습률을 전달하세요.",
                "fit trained with the default rate 0.1 instead of its learning_rate argument. "
                "Pass it on: training_step(inputs, targets, W, b, learning_rate).",
            )
        fail(
            "fit의 결과가 init_parameters로 만든 새 파라미터에서 learning_rate로 경사 하강법을 "
            "steps번 한 결과와 다릅니다. losses에는 각 스텝에서 업데이트 전에 계산한 손실을 "
            "담으세요.",
            "fit's result is not that of steps gradient-descent updates at learning_rate from "
            "fresh init_parameters. losses must hold each step's loss, computed before its "
            "update.",
        )


@points(0.5, "decision_boundary: 다른 경곗값", "decision_boundary: another threshold")
def test_decision_boundary_threshold(submission, rng):
    check_boundary(submission, rng, float(rng.uniform(-1.5, 1.5)))


@points(1.5, "plot_decision_boundary: 다른 가중치", "plot_decision_boundary: other weights")
def test_plot_other_weights(submission, rng):
    inputs = rng.normal(0, 2, size=(300, 2)).astype(F32)
    W = (rng.uniform(0.3, 1.5, size=(2, 1)) * rng.choice([-1, 1], size=(2, 1))).astype(F32)
    scores = (inputs @ W.astype(np.float64))[:, 0]
    b = np.array([0.5 - np.median(scores) + rng.uniform(-0.3, 0.3)], dtype=F32)
    check_plot(submission, inputs, W, b)
