"""Hidden graders for ex06_linear_classifier: statistics, other sizes, other data placements."""

from __future__ import annotations

import numpy as np

from grader.assertions import check, points
from grader.protocol import Const
from grader.public.test_ex06_linear_classifier import (
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
from grader.reference import linear_classifier as ref

EXERCISE = "ex06_linear_classifier"
F32 = np.float32


@points(2, "make_dataset: 공분산과 기본 샘플 수", "make_dataset: covariance and default size")
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
    unpack_dataset(submission.call("make_dataset"), 1000)


@points(1, "make_dataset: 다른 seed는 다른 데이터", "make_dataset: other seeds, other data")
def test_make_dataset_other_seeds(submission, rng):
    seed = new_seed(rng)
    first, _ = unpack_dataset(submission.call("make_dataset", 50, seed), 50)
    second, _ = unpack_dataset(submission.call("make_dataset", 50, seed + 1), 50)
    check(
        not np.array_equal(first, second),
        "seed가 달라도 같은 데이터가 나옵니다. 인자로 받은 seed로 난수 생성기를 만드세요.",
        "Different seeds give the same data. Seed the random generator with the seed argument.",
    )


@points(2, "init_parameters: 다른 크기와 균등 분포", "init_parameters: other sizes, uniform values")
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


@points(1, "model: 다른 입력 차원과 출력 차원", "model: other input and output sizes")
def test_model_other_sizes(submission, rng):
    check_model(submission, rng, int(rng.integers(5, 30)), int(rng.integers(3, 6)),
                int(rng.integers(2, 4)))  # fmt: skip


@points(1, "square_loss: 여러 열의 예측", "square_loss: several output columns")
def test_square_loss_columns(submission, rng):
    check_square_loss(submission, rng, int(rng.integers(10, 50)), int(rng.integers(2, 5)))


@points(2, "training_step: 다른 학습률로 여러 스텝", "training_step: several steps, other rate")
def test_training_step_repeated(submission, rng):
    check_training_steps(submission, rng, 300, float(rng.uniform(0.11, 0.17)), 3)


@points(3, "fit: 두 클래스의 자리를 바꾼 데이터", "fit: the two classes swapped")
def test_fit_swapped_classes(submission, course, rng):
    check_fit(submission, course, rng, ref.SWAPPED_MEANS, show_numbers=False, defaults=False)


@points(3, "fit: 다른 곳에 놓인 데이터", "fit: data placed elsewhere")
def test_fit_mirrored_classes(submission, course, rng):
    check_fit(submission, course, rng, ref.MIRRORED_MEANS, show_numbers=False, defaults=False)


@points(1, "fit: steps 인자와 변수", "fit: the steps argument and the variables")
def test_fit_steps_argument(submission, rng):
    inputs, targets = ref.draw_dataset(rng, 100)
    steps = int(rng.integers(3, 9))
    W_value, b_value, *_ = unpack_fit(
        submission.call("fit", Const(inputs), Const(targets), steps, 0.05), steps
    )
    check(
        bool(W_value.trainable and b_value.trainable),
        "fit이 반환하는 W와 b는 훈련 가능한 변수여야 합니다.",
        "The W and b that fit returns must be trainable variables.",
    )


@points(1, "decision_boundary: 다른 경곗값", "decision_boundary: another threshold")
def test_decision_boundary_threshold(submission, rng):
    check_boundary(submission, rng, float(rng.uniform(-1.5, 1.5)))


@points(2, "plot_decision_boundary: 다른 가중치", "plot_decision_boundary: other weights")
def test_plot_other_weights(submission, rng):
    inputs = rng.normal(0, 2, size=(300, 2)).astype(F32)
    W = (rng.uniform(0.3, 1.5, size=(2, 1)) * rng.choice([-1, 1], size=(2, 1))).astype(F32)
    scores = (inputs @ W.astype(np.float64))[:, 0]
    b = np.array([0.5 - np.median(scores) + rng.uniform(-0.3, 0.3)], dtype=F32)
    check_plot(submission, inputs, W, b)
