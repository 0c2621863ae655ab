"""What the ex06_linear_classifier tests share: reading each function's result as the contract
fixes it, and judging the model, the loss, a training step, a whole fit, the decision boundary
and the plot against the NumPy reference, with a named hint for each typical mistake."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NoReturn

import numpy as np

from grader.course.messages import Msg
from grader.graders.checks import (
    Returns,
    check,
    describe_kind,
    expect_close,
    expect_items,
    expect_kind,
    expect_shape,
    expect_tensor,
    fail,
    items_of,
    scalar,
)
from grader.graders.reference import linear_classifier as ref
from grader.wire.protocol import Const, Value

F32 = np.float32
DATASET = Returns("make_dataset", ("inputs", "targets"), particle="은")
PARAMETERS = Returns("init_parameters", ("W", "b"), particle="는", tell_count=False)
FIT = Returns("fit", ("W", "b", "losses"), particle="은")
BOUNDARY = Returns("decision_boundary", ("slope", "intercept"), particle="는", tell_count=False)


def new_seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def unpack_dataset(value: Value, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The (inputs, targets) pair make_dataset returned, checked for kind, dtype and shape."""
    items = expect_items(value, DATASET)
    arrays = []
    for item, name, shape in zip(items, DATASET.items, ((2 * n, 2), (2 * n, 1)), strict=True):
        what = Msg(f"make_dataset이 반환한 {name}", f"The {name} make_dataset returned")
        expect_kind(item, ("ndarray",), what)
        expect_shape(item, shape, what)
        check(
            item.dtype == "float32",
            f"{what.ko}의 dtype이 float32여야 하는데 {item.dtype}입니다. "
            ".astype(np.float32)로 바꾸세요.",
            f"{what.en} should have dtype float32 but has {item.dtype}. Convert it with "
            ".astype(np.float32).",
        )
        arrays.append(item.numpy())
    return arrays[0], arrays[1]


def check_class_means(inputs: np.ndarray, n: int, *, show_numbers: bool) -> None:
    """Each half's sample mean must match its class; a specific hint when the classes swapped."""
    first, second = inputs[:n].mean(axis=0), inputs[n:].mean(axis=0)
    (mean0, mean1), tol = np.array(ref.BOOK_MEANS), 0.15
    if np.allclose(first, mean1, atol=tol) and np.allclose(second, mean0, atol=tol):
        fail(
            "두 클래스의 순서가 바뀌었습니다. 클래스 0(타깃 0)의 점을 먼저, 클래스 1의 점을 나중에 "
            "쌓아야 타깃과 맞습니다. 각 클래스의 평균(mean)을 확인하세요.",
            "The two classes are swapped: stack the class-0 points (target 0) first, then class 1, "
            "so they match the targets. Check each class's mean.",
        )
    means = Msg(" (클래스 0은 [0, 3], 클래스 1은 [3, 0])", " (class 0 [0, 3], class 1 [3, 0])")
    means = means if show_numbers else Msg("", "")
    check(
        bool(np.allclose(first, mean0, atol=tol) and np.allclose(second, mean1, atol=tol)),
        f"포인트의 평균이 책과 다릅니다{means.ko}. np.random의 multivariate_normal에 mean을 "
        "올바르게 전달했는지, 클래스 0을 먼저 쌓았는지 확인하세요.",
        f"The points' means differ from the book's{means.en}. Check the mean you pass to "
        "multivariate_normal and that class 0 comes first.",
    )


def unpack_parameters(value: Value, input_dim: int, output_dim: int) -> tuple[np.ndarray, ...]:
    W_value, b_value = expect_items(value, PARAMETERS)
    W = expect_tensor(W_value, (input_dim, output_dim), what=Msg("W", "W"), kinds=("variable",))
    b = expect_tensor(b_value, (output_dim,), what=Msg("b", "b"), kinds=("variable",))
    check(
        bool(W_value.trainable and b_value.trainable),
        "W와 b는 훈련 가능한(trainable) 변수여야 합니다.",
        "W and b must be trainable variables.",
    )
    check(
        bool(np.all(W >= 0) and np.all(W < 1)),
        "W의 값이 [0, 1) 구간을 벗어났습니다. tf.random.uniform으로 초기화하세요.",
        "W has values outside [0, 1). Initialise it with tf.random.uniform.",
    )
    check(
        bool(np.all(b == 0)),
        "b는 0으로 초기화해야 합니다. tf.zeros를 쓰세요.",
        "b must start at zero. Use tf.zeros.",
    )
    return W, b


def check_model(submission, rng: np.random.Generator, n: int, d: int, k: int) -> None:
    inputs = rng.normal(0, 2, size=(n, d)).astype(F32)
    W = rng.normal(size=(d, k)).astype(F32)
    b = rng.uniform(1, 3, size=(k,)).astype(F32) * rng.choice([-1, 1], size=(k,))
    result = submission.call("model", Const(inputs), submission.variable(W), submission.variable(b))
    values = expect_tensor(result, (n, k), what=Msg("model의 반환값", "model's result"))
    expected = ref.predict(inputs, W, b)
    if np.allclose(values, ref.predict(inputs, W, np.zeros_like(b)), rtol=1e-4, atol=1e-4):
        fail(
            "편향 b를 더하지 않았습니다. 예측은 tf.matmul(inputs, W) + b입니다.",
            "The bias b is missing: the prediction is tf.matmul(inputs, W) + b.",
        )
    expect_close(
        values, expected,
        Msg("예측은 입력과 W의 행렬 곱(tf.matmul)에 b를 더한 값입니다.",
            "The prediction is the matrix product of the inputs and W (tf.matmul) plus b."),
        rtol=1e-4, atol=1e-4,
    )  # fmt: skip


def check_square_loss(submission, rng: np.random.Generator, n: int, k: int) -> None:
    targets = rng.integers(0, 2, size=(n, k)).astype(F32)
    predictions = rng.normal(0.5, 1.0, size=(n, k)).astype(F32)
    result = submission.call("square_loss", Const(targets), Const(predictions))
    value = scalar(expect_kind_tensor(result, "square_loss"), Msg("손실", "The loss"))
    expected = ref.square_loss(targets, predictions)
    if np.isclose(value, expected * targets.size, rtol=1e-4):
        fail(
            "손실이 평균이 아니라 합입니다. tf.reduce_sum 대신 tf.reduce_mean을 쓰세요.",
            "The loss is a sum, not a mean: use tf.reduce_mean instead of tf.reduce_sum.",
        )
    expect_close(
        value, expected,
        Msg("손실은 (targets - predictions)를 제곱한 값(tf.square)의 평균(tf.reduce_mean)입니다.",
            "The loss is the mean (tf.reduce_mean) of the squared (tf.square) differences."),
    )  # fmt: skip


def expect_kind_tensor(value: Value, function: str) -> Value:
    expect_kind(value, ("tensor",), Msg(f"{function}의 반환값", f"{function}'s result"))
    return value


def check_update(name: str, before, after, grad, lr: float, size: int) -> None:
    """Compare one parameter's update with -lr·grad, naming the likely mistake."""
    before, after = np.asarray(before, np.float64), np.asarray(after, np.float64)
    expected = before - lr * grad
    tol = {"rtol": 1e-3, "atol": 1e-4}
    if np.allclose(after, expected, **tol):
        return
    if not np.all(np.isfinite(after)):
        fail(
            f"업데이트한 {name}에 NaN 또는 무한대가 있습니다. 손실과 그레이디언트를 확인하세요.",
            f"The updated {name} contains NaN or infinity. Check the loss and the gradient.",
        )
    if np.allclose(after, before, rtol=1e-6, atol=1e-7):
        fail(
            f"{name}이(가) 바뀌지 않았습니다. {name}.assign_sub(...)로 변수 자체를 업데이트하세요. "
            f"{name} = {name} - ...는 새 텐서를 만들 뿐 변수를 바꾸지 않습니다.",
            f"{name} did not change. Update the variable itself with {name}.assign_sub(...); "
            f"{name} = {name} - ... only makes a new tensor.",
        )
    if np.allclose(after, before + lr * grad, **tol):
        fail(
            f"{name}이(가) 그레이디언트 방향으로 움직였습니다(경사 상승법). 손실을 줄이려면 "
            "그레이디언트에 학습률을 곱한 값을 빼야 합니다 (assign_sub).",
            f"{name} moved along the gradient (gradient ascent). To lower the loss, subtract the "
            "gradient times the learning rate (assign_sub).",
        )
    step = (after - before).ravel()
    direction = -np.asarray(grad, np.float64).ravel()
    norm = float(direction @ direction)
    if norm > 0:
        factor = float(step @ direction) / norm
        if factor > 0 and np.allclose(step, factor * direction, rtol=1e-3, atol=1e-4):
            if np.isclose(factor, lr * size, rtol=1e-2):
                fail(
                    f"{name}의 업데이트가 샘플 수만큼 큽니다. 손실을 tf.reduce_sum이 아니라 "
                    "tf.reduce_mean으로 계산하세요.",
                    f"The update of {name} is as many times too large as there are samples. "
                    "Compute the loss with tf.reduce_mean, not tf.reduce_sum.",
                )
            wrong_step_size(name, factor, lr)
    fail(
        f"{name}의 업데이트가 경사 하강법과 다릅니다. GradientTape 안에서 model과 square_loss로 "
        f"손실을 계산하고, tape.gradient(loss, [W, b])로 구한 그레이디언트에 학습률을 곱해 "
        f"{name}.assign_sub(...)로 빼세요.",
        f"The update of {name} is not a gradient-descent step. Compute the loss with model and "
        "square_loss inside a GradientTape, take tape.gradient(loss, [W, b]) and subtract the "
        f"gradient times the learning rate with {name}.assign_sub(...).",
    )


BOOK_LEARNING_RATE = 0.1  # the default a hard-coded learning rate usually copies
SIMPLE_FACTORS = (0.25, 0.5, 2.0, 4.0)  # a hand-derived gradient missing or doubling a factor 2


def wrong_step_size(name: str, factor: float, lr: float) -> NoReturn:
    """Name the mistake behind an update along -grad of the wrong size ``factor`` (the test's
    learning rate is ``lr``, never the book's 0.1): the book's rate hard-coded, or a gradient
    off by a constant factor (derived by hand without the 2 of the square), or both possible."""
    hard_coded = bool(np.isclose(factor, BOOK_LEARNING_RATE, rtol=1e-2))
    scaled = next((f for f in SIMPLE_FACTORS if np.isclose(factor, f * lr, rtol=1e-2)), None)
    if hard_coded and scaled is None:
        fail(
            f"{name}이(가) 올바른 방향으로 움직였지만 보폭이 학습률 0.1로 계산되었습니다. "
            "그레이디언트에 learning_rate 인자를 곱해서 빼세요. 학습률을 코드에 고정하지 마세요.",
            f"{name} moved in the right direction but by a step of learning rate 0.1. Subtract "
            "the gradient times the learning_rate argument; do not hard-code the learning rate.",
        )
    if scaled is not None:
        also = Msg(
            " 또는 학습률을 0.1로 고정했는지(learning_rate 인자를 쓰세요)" if hard_coded else "",
            " or whether the learning rate was hard-coded as 0.1 (use the learning_rate argument)"
            if hard_coded else "",
        )  # fmt: skip
        fail(
            f"{name}의 업데이트가 경사 하강법 한 스텝의 {scaled:g}배입니다. 그레이디언트를 손으로 "
            f"유도했다면 상수 배(예: 제곱을 미분할 때 나오는 2)가 빠졌거나 더해졌는지{also.ko} "
            "확인하세요. tape.gradient(loss, [W, b])로 구한 그레이디언트를 그대로 쓰면 정확합니다.",
            f"The update of {name} is {scaled:g} times a gradient-descent step. If you derived the "
            "gradient by hand, check for a constant factor missing or added (such as the 2 from "
            f"differentiating the square){also.en}. The gradient from tape.gradient(loss, [W, b]) "
            "is exact.",
        )
    fail(
        f"{name}이(가) 올바른 방향으로 움직였지만 보폭이 경사 하강법 한 스텝의 {factor / lr:.3g}배"
        "입니다. tape.gradient로 구한 그레이디언트에 learning_rate 인자를 곱해서 빼세요.",
        f"{name} moved in the right direction but by {factor / lr:.3g} times a gradient-descent "
        "step. Subtract the gradient from tape.gradient times the learning_rate argument.",
    )


def check_training_steps(submission, rng: np.random.Generator, n: int, lr: float, steps: int):
    inputs, targets = ref.draw_dataset(rng, n)
    W = rng.uniform(0, 1, size=(2, 1)).astype(F32)
    b = rng.normal(0, 0.3, size=(1,)).astype(F32)
    W_ref, b_ref = submission.variable(W), submission.variable(b)
    W_now, b_now = W.astype(np.float64), b.astype(np.float64)
    for _ in range(steps):
        result = submission.call("training_step", Const(inputs), Const(targets), W_ref, b_ref, lr)
        loss, W_ok, b_ok = ref.training_step(inputs, targets, W_now, b_now, lr)
        grad_W, grad_b = ref.gradients(inputs, targets, W_now, b_now)
        W_after = submission.read(W_ref).numpy()
        b_after = submission.read(b_ref).numpy()
        check_update("W", W_now, W_after, grad_W, lr, targets.size)
        check_update("b", b_now, b_after, grad_b, lr, targets.size)
        value = scalar(
            result, Msg("training_step의 반환값(손실)", "training_step's result (the loss)")
        )
        after_loss = ref.square_loss(targets, ref.predict(inputs, W_ok, b_ok))
        if not np.isclose(value, loss, rtol=1e-3) and np.isclose(value, after_loss, rtol=1e-3):
            fail(
                "업데이트한 뒤의 손실을 반환했습니다. 변수를 업데이트하기 전에 GradientTape 안에서 "
                "계산한 손실을 반환하세요.",
                "It returned the loss after the update. Return the loss computed in the "
                "GradientTape, before updating the variables.",
            )
        expect_close(
            value, loss,
            Msg("반환값은 이번 스텝에서 (업데이트 전에) 계산한 손실이어야 합니다.",
                "Return the loss computed in this step, before the update."),
            rtol=1e-3, atol=1e-5,
        )  # fmt: skip
        W_now, b_now = W_after.astype(np.float64), b_after.astype(np.float64)


def unpack_fit(value: Value, steps: int) -> tuple[Value, Value, np.ndarray, np.ndarray, list]:
    """(W value, b value, W, b, losses) from fit's result, checked for kinds and sizes."""
    W_value, b_value, losses_value = expect_items(value, FIT)
    W = expect_tensor(W_value, (2, 1), what=Msg("fit이 반환한 W", "The W fit returned"),
                      kinds=("variable",))  # fmt: skip
    b = expect_tensor(b_value, (1,), what=Msg("fit이 반환한 b", "The b fit returned"),
                      kinds=("variable",))  # fmt: skip
    expect_kind(losses_value, ("list", "tuple"), Msg("losses", "losses"))
    check(
        len(losses_value.items) == steps,
        f"losses에는 스텝마다 손실 하나씩, 모두 steps개가 있어야 하는데 "
        f"{len(losses_value.items)}개가 있습니다. steps 인자만큼 반복했나요?",
        f"losses must hold one loss per step, but it has {len(losses_value.items)} items. Did you "
        "loop steps times?",
    )
    not_floats = [item for item in losses_value.items if item.kind != "float"]
    if not_floats:
        got = describe_kind(not_floats[0])
        fail(
            f"losses의 원소는 파이썬 실수(float)여야 하는데 {got.ko}입니다. 스텝마다 "
            "losses.append(float(loss))처럼 손실 텐서를 float로 바꿔 담으세요.",
            f"The items of losses must be Python floats, but one is {got.en}. Convert each "
            "step's loss tensor with losses.append(float(loss)).",
        )
    losses = [
        scalar(item, Msg("losses의 원소", "Each item of losses")) for item in losses_value.items
    ]
    return W_value, b_value, W, b, losses


def check_fit(
    submission,
    course,
    rng: np.random.Generator,
    means,
    *,
    show_numbers: bool,
    defaults: bool,
    artifacts: dict | None = None,
) -> None:
    """Train on grader-drawn data placed at ``means``; judge the losses and fresh-data accuracy.

    With ``defaults`` fit is called without steps and learning_rate, so their defaults count.
    With ``artifacts`` the model this fit trained is left for the feedback page beside the
    reference's on the same data: the one training run the page shows is the one graded.
    """
    thresholds = course.classifier_thresholds
    inputs, targets = ref.draw_dataset(rng, 1000, means)
    extra = () if defaults else (40, 0.1)
    if artifacts is not None:
        points = record_reference_model(artifacts, inputs, targets)
    result = submission.call("fit", Const(inputs), Const(targets), *extra)
    if artifacts is not None:
        record_student_model(artifacts, points, result)
    _, _, W, b, losses = unpack_fit(result, 40)
    if training_diverged(losses):
        fail(
            "훈련하는 동안 손실이 줄지 않고 커졌습니다(발산). 학습률(learning_rate)이 너무 크면 "
            "발산합니다. 인자로 받은 학습률을 쓰는지(기본값은 책과 같은 0.1), 그레이디언트를 "
            "빼고(assign_sub) 있는지 확인하세요.",
            "The loss grew instead of shrinking during training (it diverged); too large a "
            "learning rate does that. Check that you use the learning_rate argument (default 0.1, "
            "as in the book) and subtract the gradient (assign_sub).",
        )
    limit = Msg(f" ({thresholds.final_loss} 미만)", f" (below {thresholds.final_loss})")
    limit = limit if show_numbers else Msg("", "")
    check(
        losses[-1] < thresholds.final_loss,
        f"마지막 스텝의 손실이 충분히 작지 않습니다{limit.ko}. 경사 하강법 스텝과 학습률, 반복 "
        "횟수(steps)를 확인하세요.",
        f"The loss of the last step is not small enough{limit.en}. Check the gradient-descent "
        "step, the learning rate and the number of steps.",
    )
    fresh_inputs, fresh_targets = ref.draw_dataset(rng, 1000, means)
    score = ref.accuracy(fresh_inputs, fresh_targets, W, b)
    limit = Msg(f" ({thresholds.accuracy} 이상)", f" (at least {thresholds.accuracy})")
    limit = limit if show_numbers else Msg("", "")
    check(
        score >= thresholds.accuracy,
        "훈련한 모델이 같은 분포에서 새로 뽑은 데이터를 충분히 정확하게 분류하지 못합니다"
        f"{limit.ko}. fit이 init_parameters로 새 변수를 만들고, 받은 데이터로 훈련하는지 "
        "확인하세요.",
        f"The trained model does not classify fresh data from the same distribution accurately "
        f"enough{limit.en}. Check that fit starts from init_parameters and trains on the data "
        "it is given.",
    )
    final = ref.square_loss(targets, ref.predict(inputs, W, b))
    check(
        bool(np.isfinite(final)) and final <= losses[-1] * 1.05 + 1e-3,
        "반환한 W와 b로 계산한 손실이 losses의 마지막 값과 맞지 않습니다. 훈련한 바로 그 변수를 "
        "반환하고, losses에는 스텝마다 실제 손실을 담으세요.",
        "The loss of the returned W and b does not match the last value in losses. Return the "
        "very variables you trained, and record each step's actual loss.",
    )


def unpack_boundary(value: Value) -> tuple[float, float]:
    slope_value, intercept_value = expect_items(value, BOUNDARY)
    slope = scalar(slope_value, Msg("기울기(slope)", "The slope"))
    intercept = scalar(intercept_value, Msg("절편(intercept)", "The intercept"))
    return slope, intercept


def check_boundary(submission, rng: np.random.Generator, threshold: float | None) -> None:
    W = rng.uniform(0.4, 2.0, size=(2, 1)) * rng.choice([-1, 1], size=(2, 1))
    W, b = W.astype(F32), rng.uniform(-2, 2, size=(1,)).astype(F32)
    args = (submission.variable(W), submission.variable(b))
    if threshold is None:
        result = submission.call("decision_boundary", *args)
        threshold = 0.5
    else:
        result = submission.call("decision_boundary", *args, threshold)
    slope, intercept = unpack_boundary(result)
    expected_slope, expected_intercept = ref.decision_boundary(W, b, threshold)
    if np.isclose(slope, -expected_slope, rtol=1e-4) and not np.isclose(slope, expected_slope):
        fail(
            "기울기의 부호가 반대입니다. w1·x + w2·y + b = threshold를 y에 대해 풀면 기울기는 "
            "-w1/w2입니다.",
            "The slope has the wrong sign: solving w1·x + w2·y + b = threshold for y gives the "
            "slope -w1/w2.",
        )
    expect_close(
        slope, expected_slope,
        Msg("기울기는 -w1/w2입니다 (W = [[w1], [w2]]).", "The slope is -w1/w2 (W = [[w1], [w2]])."),
        rtol=1e-4, atol=1e-5,
    )  # fmt: skip
    if np.isclose(intercept, -float(b[0]) / float(W[1, 0]), rtol=1e-4) and threshold != 0:
        fail(
            "절편에 경곗값(threshold)이 빠졌습니다. 절편은 (threshold - b)/w2입니다.",
            "The intercept ignores the threshold: it is (threshold - b)/w2.",
        )
    expect_close(
        intercept, expected_intercept,
        Msg("절편은 (threshold - b)/w2입니다.", "The intercept is (threshold - b)/w2."),
        rtol=1e-4, atol=1e-5,
    )  # fmt: skip


MAX_RECORDED_POINTS = 400  # of the fit's 2000: plenty for the picture, small in results.json
MAX_RECORDED_LOSSES = 100
# The reference model of the picture starts where init_parameters' draws are centred: a fixed
# start keeps the grader's random draws (and so every verdict) as they were.
REFERENCE_START = (np.full((2, 1), 0.5), np.zeros(1))


def training_diverged(losses: Sequence[float]) -> bool:
    """Whether training went the wrong way: a loss that is not a number, or a last loss no
    smaller than the first (the fit test's verdict and the feedback page's note)."""
    values = np.asarray(losses, np.float64)
    return bool(not np.all(np.isfinite(values)) or (len(values) >= 2 and values[-1] >= values[0]))


def _rounded(values: np.ndarray) -> list:
    """Coordinates for the report: four decimals are far finer than the drawing needs (huge
    ones, far off the plot, stay as they are: rounding them would overflow)."""
    values = np.asarray(values, np.float64)
    return np.where(np.abs(values) < 1e12, np.round(values, 4), values).tolist()


def _numbers(values: np.ndarray) -> list[float | None]:
    """Parameters and losses for the report, six significant digits; None (JSON null) where a
    value is not finite, since JSON has no NaN or infinity."""
    flat = np.asarray(values, np.float64).ravel().tolist()
    return [float(f"{v:.6g}") if math.isfinite(v) else None for v in flat]


def _thinned(values: np.ndarray, limit: int) -> np.ndarray:
    """At most ``limit`` evenly spaced items of ``values``, the first and the last included."""
    keep = np.unique(np.linspace(0, len(values) - 1, min(len(values), limit)).round())
    return np.asarray(values)[keep.astype(int)]


def _boundary_line(W: np.ndarray, b: np.ndarray, points: np.ndarray) -> list[list[float]] | None:
    """The two ends of ``w1·x + w2·y + b = 0.5`` well beyond the points (the report clips the
    line to its plot), solved for the better-conditioned coordinate so that a steep or vertical
    boundary is drawn too; None when the parameters give no line."""
    (w1, w2), bias = np.ravel(W).tolist(), float(np.ravel(b)[0])
    if w1 == 0 and w2 == 0:
        return None
    low, high = points.min(axis=0), points.max(axis=0)
    ends = np.stack([low - (high - low), high + (high - low)], axis=1)  # per axis: two values
    with np.errstate(over="ignore", invalid="ignore"):
        if abs(w2) >= abs(w1):
            xs = ends[0]
            ys = (0.5 - bias - w1 * xs) / w2
        else:
            ys = ends[1]
            xs = (0.5 - bias - w2 * ys) / w1
    if not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))):
        return None
    return [_rounded(xs), _rounded(ys)]


def _model_side(points: np.ndarray, W: np.ndarray, b: np.ndarray, losses) -> dict:
    """One panel of the feedback plot: the model's classes and boundary on ``points``, its
    parameters and (thinned) losses, and whether its training diverged. No boundary and no
    classes come from parameters that are not finite."""
    finite = bool(np.all(np.isfinite(W)) and np.all(np.isfinite(b)))
    colors, line = None, None
    if finite:
        with np.errstate(over="ignore", invalid="ignore"):
            values = ref.predict(points, W, b)[:, 0]
        if np.all(np.isfinite(values)):
            colors = (values > 0.5).astype(int).tolist()
        line = _boundary_line(W, b, points)
    losses = np.asarray(losses, np.float64).ravel()
    return {
        "colors": colors,
        "line": line,
        "W": _numbers(W),
        "b": _numbers(b),
        "losses": _numbers(_thinned(losses, MAX_RECORDED_LOSSES)),
        "steps": len(losses),
        "diverged": training_diverged(losses) or not finite,
    }


def record_reference_model(artifacts: dict, inputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Start the feedback page's plot with the reference model trained on ``inputs``; returns
    the points the plot shows. The student's side stays None (said so on the page) until
    ``record_student_model`` finds a model in what their fit returned."""
    points = _thinned(np.asarray(inputs, np.float64), MAX_RECORDED_POINTS)
    W, b, losses = ref.fit(inputs, targets, *REFERENCE_START)
    artifacts["decision_boundary"] = {
        "inputs": _rounded(points),
        "student": None,
        "reference": _model_side(points, W, b, losses),
    }
    return points


def _as_floats(value: Value) -> np.ndarray | None:
    """The numbers a value carries as a float64 array, or None when it carries none."""
    array = value.array
    if array is None or array.dtype.kind not in "biuf":
        return None
    return np.asarray(array, np.float64)


def fitted_model(value: Value) -> tuple[np.ndarray, np.ndarray, list[float]] | None:
    """``(W, b, losses)`` from fit's result, for the picture only, or None when it holds no
    model of the book's size. Lenient where the fit test is strict (variables or tensors, any
    shape with two weights and one bias, losses as floats, tensors or one array), so the page
    shows the student's model even when the fit test failed on such a detail."""
    items = items_of(value, 3)
    if items is None:
        return None
    W, b = _as_floats(items[0]), _as_floats(items[1])
    if W is None or b is None or W.size != 2 or b.size != 1:
        return None
    if items[2].items:
        numbers = [_as_floats(item) for item in items[2].items]
        losses = [float(n.reshape(())) for n in numbers if n is not None and n.size == 1]
    else:
        numbers = _as_floats(items[2])
        losses = numbers.ravel().tolist() if numbers is not None else []
    return W.reshape(2, 1), b.reshape(1), losses


def record_student_model(artifacts: dict, points: np.ndarray, value: Value) -> None:
    """Put the model the student's fit returned (``value``) on the plot beside the reference;
    hostile numbers (NaN, infinity, huge, wrong sizes) leave a marked or empty side."""
    model = fitted_model(value)
    side = _model_side(points, *model) if model is not None else None
    artifacts["decision_boundary"]["student"] = side


def _usable(line) -> bool:
    x, y = line.x, line.y
    return (
        len(x) >= 2 and len(x) == len(y) and bool(np.all(np.isfinite(x) & np.isfinite(y)))
        and np.ptp(x) > 1e-6
    )  # fmt: skip


def check_plot(submission, inputs: np.ndarray, W: np.ndarray, b: np.ndarray) -> None:
    """The figure shows every point coloured by predicted class, and the boundary line.

    Judged by what the figure shows, whichever matplotlib calls drew it: points from any
    marker-drawing artist (scatter, lines drawn with markers, in one call or several), lines
    from any line-drawing artist (plot, axline, contour lines, line collections); other
    markers and lines are decoration and allowed. The feedback page does not show this figure:
    it shows the student's trained model (``record_student_model``), drawn by the grader, since
    this figure is of the grader's ``W, b`` and the message names what is wrong in it.
    """
    result = submission.call(
        "plot_decision_boundary", Const(inputs), submission.variable(W), submission.variable(b)
    )
    expect_kind(result, ("figure",), Msg("plot_decision_boundary의 반환값",
                                         "plot_decision_boundary's result"))  # fmt: skip
    check(result.figure is not None, "그림 정보를 읽을 수 없습니다.", "The figure cannot be read.")
    values = ref.predict(inputs, W, b)[:, 0]
    classes, certain = values > 0.5, np.abs(values - 0.5) > 1e-4
    matched = None
    for axes in result.figure.axes:
        labels = ref.point_labels([(s.offsets, s.colors) for s in axes.scatters], inputs)
        if labels is not None:
            matched = (axes, labels)
            break
    good_line = bad_zero = None
    for line in matched[0].lines if matched is not None else ():
        if not _usable(line):
            continue
        if good_line is None and np.all(ref.boundary_residual(W, b, line.x, line.y) < 1e-3):
            good_line = line
        elif np.all(ref.boundary_residual(W, b, line.x, line.y, threshold=0.0) < 1e-3):
            bad_zero = line
    if matched is None:
        fail(
            "그래프에서 inputs의 모든 점을 찾지 못했습니다. ax.scatter(inputs[:, 0], inputs[:, 1], "
            "...)처럼 모든 점을 그리세요 (클래스마다 나누어 그려도 됩니다).",
            "The figure does not show all the input points. Draw them all, e.g. with "
            "ax.scatter(inputs[:, 0], inputs[:, 1], ...) (one call per class is fine too).",
        )
    axes, labels = matched
    check(
        ref.split_matches(labels, classes, certain),
        "점의 색이 예측한 클래스와 맞지 않습니다. model의 예측이 0.5보다 큰지(predictions[:, 0] "
        "> 0.5)에 따라 두 가지 색으로 칠하세요.",
        "The point colours do not match the predicted classes. Colour the points by whether the "
        "model's prediction is above 0.5 (predictions[:, 0] > 0.5), in two colours.",
    )
    if good_line is None and bad_zero is not None:
        fail(
            "직선이 w1·x + w2·y + b = 0을 따릅니다. 결정 경계는 예측이 0.5인 곳, "
            "w1·x + w2·y + b = 0.5입니다.",
            "The line follows w1·x + w2·y + b = 0. The decision boundary is where the prediction "
            "is 0.5: w1·x + w2·y + b = 0.5.",
        )
    check(
        good_line is not None,
        "산점도와 같은 그래프에 결정 경계 직선(w1·x + w2·y + b = 0.5)이 없습니다. "
        "decision_boundary로 구한 기울기와 절편으로 ax.plot(x, slope * x + intercept)를 그리세요.",
        "The scatter's axes have no decision-boundary line (w1·x + w2·y + b = 0.5). Draw "
        "ax.plot(x, slope * x + intercept) with decision_boundary's slope and intercept.",
    )
