"""The graders' NumPy functions and derivatives agree with finite differences and with the
TensorFlow callables the student's side builds from the same specs."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from grader import function_specs as fs
from grader.runtime import functions


def specs(kind: str, count: int = 20) -> list:
    rng = np.random.default_rng(100 + fs.KINDS.index(kind))
    return [fs.random_spec(rng, kind) for _ in range(count)]


@pytest.mark.parametrize("kind", fs.KINDS)
def test_derivatives_match_finite_differences(kind):
    x = np.linspace(-fs.X_MAX, fs.X_MAX, 41)
    h = 1e-5
    for spec in specs(kind):
        d1 = (fs.value(spec, x + h) - fs.value(spec, x - h)) / (2 * h)
        np.testing.assert_allclose(fs.first_derivative(spec, x), d1, rtol=1e-6, atol=1e-6)
        d2 = (fs.first_derivative(spec, x + h) - fs.first_derivative(spec, x - h)) / (2 * h)
        np.testing.assert_allclose(fs.second_derivative(spec, x), d2, rtol=1e-6, atol=1e-6)
        h2 = 1e-3
        f_plus, f_0, f_minus = (fs.value(spec, x + s) for s in (h2, 0.0, -h2))
        d2_values = (f_plus - 2 * f_0 + f_minus) / h2**2
        np.testing.assert_allclose(fs.second_derivative(spec, x), d2_values, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("kind", fs.KINDS)
def test_tensorflow_builders_match_numpy(kind):
    rng = np.random.default_rng(7)
    for spec in specs(kind, 8):
        f = functions.build(spec.kind, spec.coefs)
        x32 = fs.sample_x(rng, (3, 5))
        x = tf.constant(x32)
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = f(x)
            dy = inner.gradient(y, x)
        d2y = outer.gradient(dy, x)
        for got, want in (
            (y, fs.value(spec, x32)),
            (dy, fs.first_derivative(spec, x32)),
            (d2y, fs.second_derivative(spec, x32)),
        ):
            assert got.dtype == tf.float32
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-4, atol=1e-4)


def test_scalar_inputs_and_variables():
    rng = np.random.default_rng(3)
    for kind in fs.KINDS:
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
    x = tf.constant(0.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = functions.build(spec.kind, spec.coefs)(x)
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    np.testing.assert_allclose(d2y.numpy(), fs.second_derivative(spec, np.float32(0)), rtol=1e-5)


def test_random_spec_covers_every_family_and_rejects_unknown():
    rng = np.random.default_rng(0)
    assert {fs.random_spec(rng).kind for _ in range(200)} == set(fs.KINDS)
    assert set(fs.KINDS) == set(functions.BUILDERS)
    with pytest.raises(ValueError):
        fs.random_spec(rng, "cosh")
