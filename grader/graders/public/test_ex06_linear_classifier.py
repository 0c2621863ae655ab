"""Public checks for ex06_linear_classifier: data, parameters, model, loss, step, fit, plot."""

from __future__ import annotations

import numpy as np
import pytest

from grader.course.messages import Msg
from grader.graders.checks import (
    check,
    describe_kind,
    expect_close,
    expect_kind,
    expect_shape,
    expect_tensor,
    fail,
    points,
    scalar,
)
from grader.graders.reference import linear_classifier as ref
from grader.wire.protocol import Const, Value

EXERCISE = "ex06_linear_classifier"
F32 = np.float32


# --------------------------------------------------------------------------- helpers
def new_seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def unpack_dataset(value: Value, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The (inputs, targets) pair make_dataset returned, checked for kind, dtype and shape."""
    expect_kind(value, ("tuple", "list"), Msg("make_dataset의 반환값", "make_dataset's result"))
    check(
        len(value.items) == 2,
        f"make_dataset은 (inputs, targets) 두 개를 반환해야 하는데 {len(value.items)}개를 "
        "반환했습니다.",
        f"make_dataset must return two things, (inputs, targets), but returned {len(value.items)}.",
    )
    arrays = []
    for item, name, shape in zip(
        value.items, ("inputs", "targets"), ((2 * n, 2), (2 * n, 1)), strict=True
    ):
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
    means = " (클래스 0은 [0, 3], 클래스 1은 [3, 0])" if show_numbers else ""
    means_en = " (class 0 [0, 3], class 1 [3, 0])" if show_numbers else ""
    check(
        bool(np.allclose(first, mean0, atol=tol) and np.allclose(second, mean1, atol=tol)),
        f"포인트의 평균이 책과 다릅니다{means}. np.random의 multivariate_normal에 mean을 올바르게 "
        "전달했는지, 클래스 0을 먼저 쌓았는지 확인하세요.",
        f"The points' means differ from the book's{means_en}. Check the mean you pass to "
        "multivariate_normal and that class 0 comes first.",
    )


def unpack_parameters(value: Value, input_dim: int, output_dim: int) -> tuple[np.ndarray, ...]:
    expect_kind(
        value, ("tuple", "list"), Msg("init_parameters의 반환값", "init_parameters' result")
    )
    check(
        len(value.items) == 2,
        "init_parameters는 (W, b) 두 개를 반환해야 합니다.",
        "init_parameters must return two things, (W, b).",
    )
    W_value, b_value = value.items
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
            fail(
                f"{name}이(가) 올바른 방향으로 움직였지만 보폭이 다릅니다. 그레이디언트에 "
                "learning_rate 인자(학습률)를 곱해서 빼세요. 학습률을 코드에 고정하지 마세요.",
                f"{name} moved in the right direction but by the wrong amount. Subtract the "
                "gradient times the learning_rate argument; do not hard-code the learning rate.",
            )
    fail(
        f"{name}의 업데이트가 경사 하강법과 다릅니다. GradientTape 안에서 model과 square_loss로 "
        f"손실을 계산하고, tape.gradient(loss, [W, b])로 구한 그레이디언트에 학습률을 곱해 "
        f"{name}.assign_sub(...)로 빼세요.",
        f"The update of {name} is not a gradient-descent step. Compute the loss with model and "
        "square_loss inside a GradientTape, take tape.gradient(loss, [W, b]) and subtract the "
        f"gradient times the learning rate with {name}.assign_sub(...).",
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
    expect_kind(value, ("tuple", "list"), Msg("fit의 반환값", "fit's result"))
    check(
        len(value.items) == 3,
        f"fit은 (W, b, losses) 세 개를 반환해야 하는데 {len(value.items)}개를 반환했습니다.",
        f"fit must return three things, (W, b, losses), but returned {len(value.items)}.",
    )
    W_value, b_value, losses_value = value.items
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
    submission, course, rng: np.random.Generator, means, *, show_numbers: bool, defaults: bool
) -> None:
    """Train on grader-drawn data placed at ``means``; judge the losses and fresh-data accuracy.

    With ``defaults`` fit is called without steps and learning_rate, so their defaults count.
    """
    thresholds = course.classifier_thresholds
    inputs, targets = ref.draw_dataset(rng, 1000, means)
    extra = () if defaults else (40, 0.1)
    result = submission.call("fit", Const(inputs), Const(targets), *extra)
    _, _, W, b, losses = unpack_fit(result, 40)
    if not (np.all(np.isfinite(losses)) and losses[-1] < losses[0]):
        fail(
            "훈련하는 동안 손실이 줄지 않고 커졌습니다(발산). 학습률(learning_rate)이 너무 크면 "
            "발산합니다. 인자로 받은 학습률을 쓰는지(기본값은 책과 같은 0.1), 그레이디언트를 "
            "빼고(assign_sub) 있는지 확인하세요.",
            "The loss grew instead of shrinking during training (it diverged); too large a "
            "learning rate does that. Check that you use the learning_rate argument (default 0.1, "
            "as in the book) and subtract the gradient (assign_sub).",
        )
    limit = f" ({thresholds.final_loss} 미만)" if show_numbers else ""
    limit_en = f" (below {thresholds.final_loss})" if show_numbers else ""
    check(
        losses[-1] < thresholds.final_loss,
        f"마지막 스텝의 손실이 충분히 작지 않습니다{limit}. 경사 하강법 스텝과 학습률, 반복 "
        "횟수(steps)를 확인하세요.",
        f"The loss of the last step is not small enough{limit_en}. Check the gradient-descent "
        "step, the learning rate and the number of steps.",
    )
    fresh_inputs, fresh_targets = ref.draw_dataset(rng, 1000, means)
    score = ref.accuracy(fresh_inputs, fresh_targets, W, b)
    limit = f" ({thresholds.accuracy} 이상)" if show_numbers else ""
    limit_en = f" (at least {thresholds.accuracy})" if show_numbers else ""
    check(
        score >= thresholds.accuracy,
        f"훈련한 모델이 같은 분포에서 새로 뽑은 데이터를 충분히 정확하게 분류하지 못합니다{limit}. "
        "fit이 init_parameters로 새 변수를 만들고, 받은 데이터로 훈련하는지 확인하세요.",
        f"The trained model does not classify fresh data from the same distribution accurately "
        f"enough{limit_en}. Check that fit starts from init_parameters and trains on the data "
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
    what = Msg("decision_boundary의 반환값", "decision_boundary's result")
    expect_kind(value, ("tuple", "list"), what)
    check(
        len(value.items) == 2,
        "decision_boundary는 (slope, intercept) 두 개를 반환해야 합니다.",
        "decision_boundary must return two things, (slope, intercept).",
    )
    slope = scalar(value.items[0], Msg("기울기(slope)", "The slope"))
    intercept = scalar(value.items[1], Msg("절편(intercept)", "The intercept"))
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


MAX_RECORDED_LINE_POINTS = 100  # a straight line needs two; the report only redraws it


def _rounded(values: np.ndarray) -> list[float]:
    """Numbers for the report: four decimals are far finer than the drawing needs."""
    return np.round(np.asarray(values, np.float64), 4).tolist()


def _thinned(x: np.ndarray, y: np.ndarray) -> list[list[float]]:
    """At most ``MAX_RECORDED_LINE_POINTS`` vertices of a line, its two ends included."""
    keep = np.unique(np.linspace(0, len(x) - 1, min(len(x), MAX_RECORDED_LINE_POINTS)).round())
    keep = keep.astype(int)
    return [_rounded(x[keep]), _rounded(y[keep])]


def record_plot(
    artifacts: dict, inputs: np.ndarray, W: np.ndarray, b: np.ndarray, labels, line
) -> None:
    """Leave the plot's numbers for the feedback page, which redraws both plots itself.

    Bounded whatever the student drew: the grader's own points, one colour label per point
    and at most ``MAX_RECORDED_LINE_POINTS`` vertices of the student's line.
    """
    xs = np.linspace(float(inputs[:, 0].min()), float(inputs[:, 0].max()), 50)
    slope, intercept = ref.decision_boundary(W, b)
    reference = {
        "colors": (ref.predict(inputs, W, b)[:, 0] > 0.5).astype(int).tolist(),
        "line": [_rounded(xs), _rounded(slope * xs + intercept)],
    }
    student = None
    if labels is not None:
        student = {
            "colors": np.unique(labels, return_inverse=True)[1].astype(int).tolist(),
            "line": _thinned(line.x, line.y) if line is not None else None,
        }
    artifacts["decision_boundary"] = {
        "inputs": [_rounded(point) for point in np.asarray(inputs)],
        "student": student,
        "reference": reference,
    }


def _usable(line) -> bool:
    x, y = line.x, line.y
    return (
        len(x) >= 2 and len(x) == len(y) and bool(np.all(np.isfinite(x) & np.isfinite(y)))
        and np.ptp(x) > 1e-6
    )  # fmt: skip


def check_plot(
    submission, inputs: np.ndarray, W: np.ndarray, b: np.ndarray, artifacts: dict | None = None
) -> None:
    """The figure shows every point coloured by predicted class, and the boundary line.

    Judged by what the figure shows, whichever matplotlib calls drew it: points from any
    marker-drawing artist (scatter, lines drawn with markers, in one call or several), lines
    from any line-drawing artist (plot, axline, contour lines, line collections); other
    markers and lines are decoration and allowed.
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
    if artifacts is not None:
        shown = good_line or bad_zero
        if shown is None and matched is not None:
            shown = next((ln for ln in matched[0].lines if _usable(ln)), None)
        record_plot(artifacts, inputs, W, b, matched[1] if matched else None, shown)
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
    2, "make_dataset: 넘파이 float32 배열과 0/1 타깃", "make_dataset: float32 arrays, 0/1 targets"
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


@points(2, "make_dataset: 두 클래스의 위치(평균)", "make_dataset: where the two classes lie")
def test_make_dataset_class_means(submission, rng):
    n = 2000
    inputs, targets = unpack_dataset(submission.call("make_dataset", n, new_seed(rng)), n)
    check_class_means(inputs, n, show_numbers=True)
    check_targets(targets, n)


@points(1, "make_dataset: seed를 따르는 난수", "make_dataset: honours seed")
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


@points(2, "init_parameters: W는 균등 분포, b는 0인 변수", "init_parameters: W uniform, b zeros")
def test_init_parameters_default(submission):
    # Ten calls: twenty values of W, so a W from the wrong distribution cannot pass by chance.
    for _ in range(10):
        unpack_parameters(submission.call("init_parameters"), 2, 1)


@points(2, "model: inputs · W + b", "model: inputs · W + b")
def test_model(submission, rng):
    check_model(submission, rng, int(rng.integers(5, 30)), 2, 1)


@points(1, "square_loss: 평균 제곱 오차", "square_loss: mean squared error")
def test_square_loss(submission, rng):
    check_square_loss(submission, rng, int(rng.integers(10, 50)), 1)


@points(3, "training_step: 경사 하강법 한 스텝", "training_step: one gradient-descent step")
def test_training_step(submission, rng):
    check_training_steps(submission, rng, 100, float(rng.uniform(0.02, 0.08)), 1)


@points(4, "fit: 책과 같은 데이터에서 훈련", "fit: training on data like the book's")
def test_fit_book_data(submission, course, rng):
    check_fit(submission, course, rng, ref.BOOK_MEANS, show_numbers=True, defaults=True)


@points(1, "decision_boundary: 결정 경계의 기울기와 절편", "decision_boundary: slope and intercept")
def test_decision_boundary(submission, rng):
    check_boundary(submission, rng, None)


@points(
    3,
    "plot_decision_boundary: 예측한 클래스와 결정 경계",
    "plot_decision_boundary: classes and line",
)
def test_plot_decision_boundary(submission, rng, artifacts):
    inputs, W, b = plot_case(rng, 200)
    check_plot(submission, inputs, W, b, artifacts)


@pytest.mark.gpu
@points(2, "fit: GPU에서 훈련", "fit: trains on the GPU")
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
