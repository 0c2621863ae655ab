"""The trusted NumPy reference the ex06 graders compare against is itself right, and so are
the hidden tests' data placements and their undoing of a fit."""

from __future__ import annotations

import numpy as np
import pytest

from grader.graders.hidden.helpers import ex06_linear_classifier as hidden
from grader.graders.reference import linear_classifier as ref


def numeric_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = eps
        grad[index] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


@pytest.mark.parametrize("shape", [(50, 2, 1), (30, 4, 3)])
def test_gradients_match_finite_differences(shape):
    n, d, k = shape
    rng = np.random.default_rng(7)
    inputs = rng.normal(size=(n, d))
    targets = rng.integers(0, 2, size=(n, k)).astype(np.float64)
    W, b = rng.normal(size=(d, k)), rng.normal(size=(k,))
    grad_W, grad_b = ref.gradients(inputs, targets, W, b)
    loss_of_W = lambda w: ref.square_loss(targets, ref.predict(inputs, w, b))  # noqa: E731
    loss_of_b = lambda v: ref.square_loss(targets, ref.predict(inputs, W, v))  # noqa: E731
    np.testing.assert_allclose(grad_W, numeric_gradient(loss_of_W, W), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(grad_b, numeric_gradient(loss_of_b, b), rtol=1e-6, atol=1e-8)


def test_training_step_moves_against_the_gradient():
    rng = np.random.default_rng(3)
    inputs, targets = ref.draw_dataset(rng, 100)
    W, b = rng.uniform(size=(2, 1)), np.zeros(1)
    loss, W_new, b_new = ref.training_step(inputs, targets, W, b, 0.05)
    grad_W, grad_b = ref.gradients(inputs, targets, W, b)
    assert loss == pytest.approx(ref.square_loss(targets, ref.predict(inputs, W, b)))
    np.testing.assert_allclose(W_new, W - 0.05 * grad_W)
    np.testing.assert_allclose(b_new, b - 0.05 * grad_b)
    assert ref.square_loss(targets, ref.predict(inputs, W_new, b_new)) < loss


def test_dataset_layout_and_statistics():
    inputs, targets = ref.draw_dataset(np.random.default_rng(0), 5000)
    assert inputs.dtype == targets.dtype == np.float32
    assert inputs.shape == (10000, 2) and targets.shape == (10000, 1)
    assert np.all(targets[:5000] == 0) and np.all(targets[5000:] == 1)
    np.testing.assert_allclose(inputs[:5000].mean(axis=0), [0, 3], atol=0.05)
    np.testing.assert_allclose(inputs[5000:].mean(axis=0), [3, 0], atol=0.05)
    np.testing.assert_allclose(np.cov(inputs[:5000], rowvar=False), ref.COVARIANCE, atol=0.06)


@pytest.mark.parametrize(
    "means",
    [ref.BOOK_MEANS, hidden.SWAPPED_MEANS, hidden.MIRRORED_MEANS],
    ids=["book", "swapped", "mirrored"],
)
def test_converges_like_the_book(means):
    """lr 0.1, 40 steps: the loss and accuracy the graders' thresholds are set against."""
    for seed in range(10):
        rng = np.random.default_rng(seed)
        inputs, targets = ref.draw_dataset(rng, 1000, means)
        W, b, losses = ref.fit(inputs, targets, rng.uniform(size=(2, 1)), np.zeros(1))
        assert len(losses) == 40 and losses[-1] < losses[0]
        assert losses[-1] < 0.032
        fresh_inputs, fresh_targets = ref.draw_dataset(rng, 1000, means)
        assert ref.accuracy(fresh_inputs, fresh_targets, W, b) >= 0.99


def test_large_learning_rate_and_far_data_diverge():
    rng = np.random.default_rng(1)
    inputs, targets = ref.draw_dataset(rng, 1000)
    _, _, losses = ref.fit(
        inputs, targets, rng.uniform(size=(2, 1)), np.zeros(1), learning_rate=0.25
    )
    assert not losses[-1] < losses[0]
    inputs, targets = ref.draw_dataset(rng, 1000, ((2.0, -1.0), (-1.0, 4.0)))
    _, _, losses = ref.fit(inputs, targets, rng.uniform(size=(2, 1)), np.zeros(1))
    assert not losses[-1] < 0.035


def test_decision_boundary_line_lies_on_the_threshold():
    W, b = np.array([[1.5], [-0.5]]), np.array([0.25])
    slope, intercept = ref.decision_boundary(W, b, threshold=0.5)
    x = np.linspace(-3, 3, 7)
    y = slope * x + intercept
    np.testing.assert_allclose(W[0, 0] * x + W[1, 0] * y + b[0], 0.5)
    assert np.all(ref.boundary_residual(W, b, x, y) < 1e-12)
    assert np.all(ref.boundary_residual(W, b, x, y, threshold=0.0) > 1e-3)


def test_point_matching_and_colour_split():
    inputs = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]])
    classes = np.array([True, False, True, False])
    certain = np.ones(4, bool)
    # one scatter, mapped colour values
    labels = ref.point_labels([(inputs, classes.astype(float))], inputs)
    assert labels is not None and ref.split_matches(labels, classes, certain)
    # one scatter, RGBA rows in shuffled point order
    order = np.array([2, 0, 3, 1])
    rgba = np.where(classes[order, None], [[1.0, 0, 0, 1]], [[0, 0, 1.0, 1]])
    labels = ref.point_labels([(inputs[order], rgba)], inputs)
    assert labels is not None and ref.split_matches(labels, classes, certain)
    # one scatter per class, each in a single colour
    labels = ref.point_labels(
        [
            (inputs[classes], np.array([[1.0, 0, 0, 1]])),
            (inputs[~classes], np.array([[0, 0, 1, 1]])),
        ],
        inputs,
    )
    assert labels is not None and ref.split_matches(labels, classes, certain)
    # wrong split, a single colour, and missing points
    labels = ref.point_labels([(inputs, np.array([1.0, 1.0, 0.0, 0.0]))], inputs)
    assert labels is not None and not ref.split_matches(labels, classes, certain)
    labels = ref.point_labels([(inputs, np.array([[0, 0, 1.0, 1]]))], inputs)
    assert labels is not None and not ref.split_matches(labels, classes, certain)
    assert ref.point_labels([(inputs[:3], np.zeros(3))], inputs) is None


def test_point_labels_judge_what_the_figure_shows():
    inputs = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]])
    classes = np.array([True, False, True, False])
    certain = np.ones(4, bool)
    red, blue, black = [[1.0, 0, 0, 1]], [[0, 0, 1.0, 1]], [[0, 0, 0, 1.0]]
    # per-class marker sets plus a decoration set of class centres (not input points)
    labels = ref.point_labels(
        [(inputs[classes], np.array(red)), (inputs[~classes], np.array(blue)),
         (np.array([[2.0, 3.0001], [9.0, 9.0]]) + 0.5, np.array(black))],
        inputs,
    )  # fmt: skip
    assert labels is not None and ref.split_matches(labels, classes, certain)
    # all points grey first, then each class on top: the last drawn colour is what shows
    labels = ref.point_labels(
        [(inputs, np.array(black)), (inputs[classes], np.array(red)),
         (inputs[~classes], np.array(blue))],
        inputs,
    )  # fmt: skip
    assert labels is not None and ref.split_matches(labels, classes, certain)
    # two sets in one colour show no classes, whatever the calls were
    labels = ref.point_labels(
        [(inputs[classes], np.array(red)), (inputs[~classes], np.array(red))], inputs
    )
    assert labels is not None and not ref.split_matches(labels, classes, certain)


def test_start_of_fit_undoes_the_training_steps():
    rng = np.random.default_rng(3)
    inputs, targets = ref.draw_dataset(rng, 50)
    W0, b0 = rng.uniform(size=(2, 1)), np.zeros(1)
    W, b, _ = ref.fit(inputs, targets, W0, b0, steps=6, learning_rate=0.03)
    W_start, b_start = hidden.start_of_fit(inputs, targets, W, b, 6, 0.03)
    np.testing.assert_allclose(W_start, W0, atol=1e-9)
    np.testing.assert_allclose(b_start, b0, atol=1e-9)
    W_other, b_other = hidden.start_of_fit(inputs, targets, W, b, 5, 0.03)
    assert not np.allclose(np.append(W_other, b_other), np.append(W0, b0), atol=1e-3)
