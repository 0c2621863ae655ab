"""Build TensorFlow callables from grader function specs (see ``grader.function_specs``).

This runs on the student's side, so that ``gradient(f, x)`` receives a real differentiable
function without the grader ever handing over code. Each family here must compute the same
function as its NumPy twin in ``grader.function_specs`` (same coefficient order).
"""

from __future__ import annotations

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
    a, b, d = c
    return lambda x: a * tf.sin(b * x + d)


def _exp(c: Sequence[float]) -> TensorFn:
    a, b = c
    return lambda x: a * tf.exp(b * x)


def _poly_sine(c: Sequence[float]) -> TensorFn:
    a, b, w, d = c
    return lambda x: (a * x * x + b) * tf.sin(w * x + d)


def _tanh(c: Sequence[float]) -> TensorFn:
    a, b = c
    return lambda x: a * tf.tanh(b * x)


BUILDERS: dict[str, Callable[[Sequence[float]], TensorFn]] = {
    "poly": _poly,
    "sine": _sine,
    "exp": _exp,
    "poly_sine": _poly_sine,
    "tanh": _tanh,
}


def build(kind: str, coefs: Sequence[float]) -> TensorFn:
    return BUILDERS[kind](list(coefs))
