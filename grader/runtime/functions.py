"""Build TensorFlow callables from grader function specs (see ``grader.function_specs``).

This runs on the student's side, so that ``gradient(f, x)`` receives a real differentiable
function without the grader ever handing over code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import tensorflow as tf

TensorFn = Callable[[tf.Tensor], tf.Tensor]


def _poly(c: Sequence[float]) -> TensorFn:
    def f(x: tf.Tensor) -> tf.Tensor:
        total = tf.zeros_like(x) + c[0]
        for power, coef in enumerate(c[1:], start=1):
            total = total + coef * x**power
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
    return lambda x: (a * x**2 + b) * tf.sin(w * x + d)


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
