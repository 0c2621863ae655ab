"""The graders' NumPy functions and derivatives agree with finite differences and with the
TensorFlow callables the student's side builds from the same specs; float32 autodiff meets the
graders' tolerance and float32 finite differences never do."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from grader.graders import function_specs as fs
from grader.student import functions

SHAPE = (3, 5)


def specs(kind: str, count: int = 20, size: int = 15) -> list:
    rng = np.random.default_rng(100 + fs.KINDS.index(kind))
    return [fs.random_spec(rng, kind, size=size) for _ in range(count)]


def numeric_gradient(spec, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences of Σf, one element at a time, in float64."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (fs.value(spec, x + step).sum() - fs.value(spec, x - step).sum()) / (2 * h)
    return grad


@pytest.mark.parametrize("kind", fs.ELEMENTWISE_KINDS)
def test_derivatives_match_finite_differences(kind):
    x = np.linspace(-fs.X_MAX, fs.X_MAX, 41)
    h = 1e-5
    for spec in specs(kind):
        d1 = (fs.value(spec, x + h) - fs.value(spec, x - h)) / (2 * h)
        np.testing.assert_allclose(fs.first_derivative(spec, x), d1, rtol=1e-6, atol=1e-5)
        d2 = (fs.first_derivative(spec, x + h) - fs.first_derivative(spec, x - h)) / (2 * h)
        np.testing.assert_allclose(fs.second_derivative(spec, x), d2, rtol=1e-6, atol=1e-6)
        h2 = 1e-3
        f_plus, f_0, f_minus = (fs.value(spec, x + s) for s in (h2, 0.0, -h2))
        d2_values = (f_plus - 2 * f_0 + f_minus) / h2**2
        np.testing.assert_allclose(fs.second_derivative(spec, x), d2_values, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("kind", fs.COUPLED_KINDS)
def test_coupled_gradients_match_finite_differences(kind):
    rng = np.random.default_rng(11)
    for spec in specs(kind, 6):
        x = fs.sample_x(rng, SHAPE).astype(np.float64)
        grad = fs.first_derivative(spec, x)
        np.testing.assert_allclose(grad, numeric_gradient(spec, x), rtol=1e-6, atol=1e-6)
        h = 1e-6  # J·1: how f changes when every element moves together
        jvp = (fs.value(spec, x + h) - fs.value(spec, x - h)) / (2 * h)
        np.testing.assert_allclose(fs.jacobian_times_ones(spec, x), jvp, rtol=1e-6, atol=1e-6)
        assert not np.allclose(grad, jvp, rtol=1e-2, atol=1e-2), "J·1 must not be the gradient"


def _tape_derivatives(f, x: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    """f(x), its first and its second derivative, by nested tapes (what students must use)."""
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        dy = inner.gradient(y, x)
    return y, dy, outer.gradient(dy, x)


@pytest.mark.parametrize("kind", fs.KINDS)
def test_tensorflow_builders_match_numpy(kind):
    rng = np.random.default_rng(7)
    for spec in specs(kind, 8):
        f = functions.build(spec.kind, spec.coefs)
        x32 = fs.sample_x(rng, SHAPE)
        x = tf.constant(x32)
        y, dy, d2y = _tape_derivatives(f, x)
        with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as accumulator:
            jvp = accumulator.jvp(f(x))
        pairs = [
            (y, fs.value(spec, x32)),
            (dy, fs.first_derivative(spec, x32)),
            (jvp, fs.jacobian_times_ones(spec, x32)),
        ]
        if kind in fs.ELEMENTWISE_KINDS:
            pairs.append((d2y, fs.second_derivative(spec, x32)))
        for got, want in pairs:
            assert got.dtype == tf.float32 and got.shape == x32.shape
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-4, atol=1e-4)


def test_scalar_inputs_and_variables():
    rng = np.random.default_rng(3)
    for kind in fs.ELEMENTWISE_KINDS:
        spec = fs.random_spec(rng, kind)
        x32 = fs.sample_x(rng)
        assert x32.shape == () and x32.dtype == np.float32
        v = tf.Variable(x32)
        with tf.GradientTape() as tape:
            y = functions.build(spec.kind, spec.coefs)(v)
        np.testing.assert_allclose(
            tape.gradient(y, v).numpy(), fs.first_derivative(spec, x32), rtol=1e-4, atol=1e-4
        )


def test_poly_second_derivative_is_finite_at_zero():
    rng = np.random.default_rng(5)
    spec = fs.random_spec(rng, "poly")
    _, _, d2y = _tape_derivatives(functions.build(spec.kind, spec.coefs), tf.constant(0.0))
    np.testing.assert_allclose(d2y.numpy(), fs.second_derivative(spec, np.float32(0)), rtol=1e-5)


def _second_by_tapes(f, x: np.float32) -> float:
    return float(_tape_derivatives(f, tf.constant(x))[2])


@pytest.mark.parametrize("kind", fs.ELEMENTWISE_KINDS)
def test_autodiff_meets_the_tolerance_and_finite_differences_never_do(kind):
    """For every function drawn, at the points graders draw: nested tapes and tape.gradient
    pass; float32 finite differences fail at every usual step size."""
    rng = np.random.default_rng(21)
    for spec in specs(kind, 12):
        f = functions.build(spec.kind, spec.coefs)
        xs = fs.spread_points(rng, 3)
        second = fs.second_derivative(spec, xs)
        second_scale = fs.derivative_scale(spec, xs, 2)
        got = np.array([_second_by_tapes(f, x) for x in xs])
        assert fs.autodiff_close(got, second, second_scale), spec
        x = tf.constant(xs)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        first, first_scale = fs.first_derivative(spec, xs), fs.derivative_scale(spec, xs, 1)
        assert fs.autodiff_close(tape.gradient(y, x).numpy(), first, first_scale), spec
        for h in (0.3, 1e-1, 3e-2, 1e-2, 3e-3, 1e-3):
            h32 = np.float32(h)
            d2 = ((f(x + h32) - 2.0 * f(x) + f(x - h32)) / h32**2).numpy()
            assert not fs.autodiff_close(d2, second, second_scale), (spec, h)
            d1 = ((f(x + h32) - f(x - h32)) / (2 * h32)).numpy()
            assert not fs.autodiff_close(d1, first, first_scale), (spec, h)
        step_one = fs.first_derivative(spec, xs + 1.0) - fs.first_derivative(spec, xs)
        assert not fs.autodiff_close(step_one, second, second_scale), spec


def test_random_spec_covers_every_family_and_rejects_unknown():
    rng = np.random.default_rng(0)
    assert {fs.random_spec(rng).kind for _ in range(200)} == set(fs.ELEMENTWISE_KINDS)
    assert set(fs.KINDS) == set(functions.BUILDERS)
    with pytest.raises(ValueError):
        fs.random_spec(rng, "cosh")
