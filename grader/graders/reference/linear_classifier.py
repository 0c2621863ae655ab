"""NumPy reference for ex06_linear_classifier: data, model, loss, gradient step, boundary.

Everything is computed in float64 from the float32 data the graders send, so the comparison with
a student's float32 TensorFlow results only has to allow for float32 rounding.

This module ships with the public tests: the inputs and methods only hidden tests use (the
other data placements, undoing a fit) live in ``grader.graders.hidden.helpers``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

BOOK_MEANS: tuple[tuple[float, float], tuple[float, float]] = ((0.0, 3.0), (3.0, 0.0))
COVARIANCE = np.array([[1.0, 0.5], [0.5, 1.0]])


def draw_dataset(
    rng: np.random.Generator,
    num_samples_per_class: int = 1000,
    means: Sequence[Sequence[float]] = BOOK_MEANS,
    cov: np.ndarray = COVARIANCE,
) -> tuple[np.ndarray, np.ndarray]:
    """``(inputs, targets)`` like the book's: class 0 first, float32, shapes (2N, 2) and (2N, 1)."""
    n = num_samples_per_class
    negative = rng.multivariate_normal(mean=means[0], cov=cov, size=n)
    positive = rng.multivariate_normal(mean=means[1], cov=cov, size=n)
    inputs = np.vstack((negative, positive)).astype(np.float32)
    targets = np.vstack((np.zeros((n, 1)), np.ones((n, 1)))).astype(np.float32)
    return inputs, targets


def predict(inputs: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``inputs · W + b`` in float64."""
    return np.asarray(inputs, np.float64) @ np.asarray(W, np.float64) + np.asarray(b, np.float64)


def square_loss(targets: np.ndarray, predictions: np.ndarray) -> float:
    """Mean of the squared differences over every element."""
    diff = np.asarray(targets, np.float64) - np.asarray(predictions, np.float64)
    return float(np.mean(diff**2))


def gradients(
    inputs: np.ndarray, targets: np.ndarray, W: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Exact gradients of ``square_loss(targets, predict(inputs, W, b))`` w.r.t. ``W`` and ``b``."""
    x = np.asarray(inputs, np.float64)
    residual = predict(x, W, b) - np.asarray(targets, np.float64)
    scale = 2.0 / residual.size
    return scale * x.T @ residual, scale * residual.sum(axis=0)


def training_step(
    inputs: np.ndarray,
    targets: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    learning_rate: float = 0.1,
) -> tuple[float, np.ndarray, np.ndarray]:
    """One gradient-descent step: ``(loss before the step, new W, new b)``."""
    loss = square_loss(targets, predict(inputs, W, b))
    grad_W, grad_b = gradients(inputs, targets, W, b)
    W_new = np.asarray(W, np.float64) - learning_rate * grad_W
    b_new = np.asarray(b, np.float64) - learning_rate * grad_b
    return loss, W_new, b_new


def fit(
    inputs: np.ndarray,
    targets: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    steps: int = 40,
    learning_rate: float = 0.1,
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """``steps`` training steps from the given start; returns ``(W, b, losses)``."""
    W, b = np.asarray(W, np.float64), np.asarray(b, np.float64)
    losses = []
    for _ in range(steps):
        loss, W, b = training_step(inputs, targets, W, b, learning_rate)
        losses.append(loss)
    return W, b, losses


def accuracy(inputs: np.ndarray, targets: np.ndarray, W: np.ndarray, b: np.ndarray) -> float:
    """Share of points whose predicted class (prediction > 0.5) equals the target."""
    predicted = predict(inputs, W, b) > 0.5
    return float(np.mean(predicted == (np.asarray(targets) > 0.5)))


def decision_boundary(W: np.ndarray, b: np.ndarray, threshold: float = 0.5) -> tuple[float, float]:
    """``(slope, intercept)`` of ``w1·x + w2·y + b = threshold`` written as ``y = slope·x + c``."""
    w1, w2 = float(np.ravel(W)[0]), float(np.ravel(W)[1])
    bias = float(np.ravel(b)[0])
    return -w1 / w2, (threshold - bias) / w2


def boundary_residual(
    W: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray, threshold: float = 0.5
) -> np.ndarray:
    """How far each point (x, y) is from the boundary line, relative to the terms' size."""
    w1, w2 = float(np.ravel(W)[0]), float(np.ravel(W)[1])
    bias = float(np.ravel(b)[0])
    x = np.asarray(x, np.float64)
    y = np.asarray(y, np.float64)
    value = w1 * x + w2 * y + bias - threshold
    scale = 1.0 + np.abs(w1 * x) + np.abs(w2 * y) + abs(bias)
    return np.abs(value) / scale


def point_labels(
    scatters: Sequence[tuple[np.ndarray, np.ndarray]], inputs: np.ndarray, tolerance: float = 1e-5
) -> np.ndarray | None:
    """The colour each input point shows in the figure, or None if some point is not drawn.

    ``scatters`` are the marker sets of one axes in drawing order (scatter calls, lines drawn
    with markers), each with RGBA rows or mapped values. A point may be drawn in one call or
    in several (one per class, one per point); where markers overlap, the one drawn last is
    what shows. Markers that are not input points (class centres, a curve drawn with dots)
    are decoration and ignored.
    """
    inputs = np.asarray(inputs, np.float64)
    sets = [(np.asarray(o, np.float64).reshape(-1, 2), np.asarray(c, np.float64))
            for o, c in scatters]  # fmt: skip
    if not sets:
        return None
    offsets = np.concatenate([o for o, _ in sets])
    keys: list[tuple[float, ...]] = []
    for index, (points, colours) in enumerate(sets):
        rows = _colour_rows(colours, len(points))
        if rows is None:  # mapped values mean something only within their own set
            rows = [(float(index), float(v)) for v in colour_labels(points, colours)]
        keys.extend(rows)
    order = np.argsort(offsets[:, 0], kind="stable")
    xs = offsets[order, 0]
    slack = tolerance * (1.0 + np.abs(inputs).max(axis=1))
    low = np.searchsorted(xs, inputs[:, 0] - slack, side="left")
    high = np.searchsorted(xs, inputs[:, 0] + slack, side="right")
    labels = np.full(len(inputs), -1)
    ids: dict[tuple[float, ...], int] = {}
    for point, (start, stop) in enumerate(zip(low.tolist(), high.tolist(), strict=True)):
        near = order[start:stop]
        near = near[np.abs(offsets[near, 1] - inputs[point, 1]) <= slack[point]]
        if len(near):
            labels[point] = ids.setdefault(keys[int(near.max())], len(ids))  # drawn last
    return labels if np.all(labels >= 0) else None


def _colour_rows(colours: np.ndarray, count: int) -> list[tuple[float, ...]] | None:
    """RGBA colours as rows comparable across marker sets; None for mapped values, which
    mean something only within their own set."""
    if colours.ndim != 2 or len(colours) == 0:
        return None
    rows = np.round(colours, 6)[np.arange(count) % len(colours)]
    return [tuple(row) for row in rows.tolist()]


def colour_labels(offsets: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """One integer label per scatter point: equal colours (mapped values or RGBA rows) share one.

    A single RGBA row colours every point; fewer rows than points cycle, as matplotlib does.
    """
    count = len(offsets)
    colours = np.asarray(colours, np.float64)
    if colours.ndim == 1 and len(colours) == count:
        keys = np.round(colours, 9).reshape(-1, 1)
    elif colours.ndim == 2 and len(colours) > 0:
        rows = np.round(colours, 9)
        keys = rows[np.arange(count) % len(rows)]
    else:
        keys = np.zeros((count, 1))
    _, labels = np.unique(keys, axis=0, return_inverse=True)
    return labels.reshape(-1)


def split_matches(labels: np.ndarray, classes: np.ndarray, certain: np.ndarray) -> bool:
    """Whether ``labels`` split the ``certain`` points exactly into ``classes`` (up to renaming)."""
    labels, classes = labels[certain], np.asarray(classes, bool)[certain]
    ones, zeros = set(labels[classes].tolist()), set(labels[~classes].tolist())
    return len(ones) <= 1 and len(zeros) <= 1 and not (ones & zeros)
