"""Build TensorFlow callables from grader function specs (see ``grader.graders.function_specs``).

This runs on the student's side, so that ``gradient(f, x)`` receives a real differentiable
function without the grader ever handing over code. Each family here must compute the same
function as its NumPy twin in ``grader.graders.function_specs`` (same coefficient order).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import tensorflow as tf

TensorFn = Callable[[tf.Tensor], tf.Tensor]


def _poly(c: Sequence[float]) -> TensorFn:
    """c[0] + c[1]·x + … + c[d]·x^d, by Horner's rule (products only, no tf.pow).

    ``tf.pow``'s second derivative is NaN at x = 0 for a linear term, so plain products keep
    every order of derivative finite everywhere.
    """

    def f(x: tf.Tensor) -> tf.Tensor:
        total = tf.zeros_like(x) + c[-1]
        for coef in reversed(c[:-1]):
            total = total * x + coef
        return total

    return f


def _sine(c: Sequence[float]) -> TensorFn:
    a, b, d, k = c
    return lambda x: a * tf.sin(b * x + d) + k


def _exp(c: Sequence[float]) -> TensorFn:
    a, b, k = c
    return lambda x: a * tf.exp(b * x) + k


def _poly_sine(c: Sequence[float]) -> TensorFn:
    a, b, w, d, k = c
    return lambda x: (a * x * x + b) * tf.sin(w * x + d) + k


def _tanh(c: Sequence[float]) -> TensorFn:
    a, b, k = c
    return lambda x: a * tf.tanh(b * x) + k


# Coupled families: every output element depends on several input elements, so the Jacobian is
# not diagonal. Each works on the flattened x and returns a tensor of x's shape.
def _sum_times(c: Sequence[float]) -> TensorFn:
    a, b = c

    def f(x: tf.Tensor) -> tf.Tensor:
        return a * tf.sin(b * x) * tf.reduce_sum(x)

    return f


def _neighbour_product(c: Sequence[float]) -> TensorFn:
    (a,) = c

    def f(x: tf.Tensor) -> tf.Tensor:
        flat = tf.reshape(x, [-1])
        return tf.reshape(a * tf.sin(flat) * tf.roll(flat, shift=1, axis=0), tf.shape(x))

    return f


def _matmul_tanh(c: Sequence[float]) -> TensorFn:
    bias, *flat_matrix = c
    size = math.isqrt(len(flat_matrix))

    def f(x: tf.Tensor) -> tf.Tensor:
        # M·u as products and a sum rather than tf.matmul, which a GPU may run in TF32 (ten
        # mantissa bits): the graders' tolerance is that of float32 autodiff.
        matrix = tf.constant(flat_matrix, dtype=x.dtype, shape=(size, size))
        product = tf.reduce_sum(matrix * tf.reshape(x, [1, -1]), axis=1)
        return tf.reshape(tf.tanh(product + bias), tf.shape(x))

    return f


BUILDERS: dict[str, Callable[[Sequence[float]], TensorFn]] = {
    "poly": _poly,
    "sine": _sine,
    "exp": _exp,
    "poly_sine": _poly_sine,
    "tanh": _tanh,
    "sum_times": _sum_times,
    "neighbour_product": _neighbour_product,
    "matmul_tanh": _matmul_tanh,
}


def build(kind: str, coefs: Sequence[float]) -> TensorFn:
    """The grader's function, computed in float32 like every tensor of the exercises: casting
    ``x`` to float64 first (for finite differences precise enough to pass as autodiff) changes
    nothing, while the cast is invisible to a gradient tape."""
    inner = BUILDERS[kind](list(coefs))

    def f(x: tf.Tensor) -> tf.Tensor:
        return inner(tf.cast(x, tf.float32))

    return f
