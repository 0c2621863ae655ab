"""Random test functions for ``gradient(f, x)`` and ``second_derivative(f, x)`` (trusted side).

A grader draws an ``FnSpec`` (a family name plus random coefficients) and sends it as plain data;
``grader.runtime.functions`` turns it into a TensorFlow callable on the student's side. Here, with
NumPy only, the grader computes the value and the first and second derivatives it expects.

The families and their coefficient order must match ``grader.runtime.functions.BUILDERS``:

| kind | coefs | f(x) |
|---|---|---|
| ``poly`` | ``c0, c1, …, cd`` | ``c0 + c1·x + … + cd·x^d`` (degree 2 to 4) |
| ``sine`` | ``a, b, d`` | ``a·sin(b·x + d)`` |
| ``exp`` | ``a, b`` | ``a·exp(b·x)`` |
| ``poly_sine`` | ``a, b, w, d`` | ``(a·x² + b)·sin(w·x + d)`` |
| ``tanh`` | ``a, b`` | ``a·tanh(b·x)`` |

Coefficient ranges keep every value and derivative of moderate size for ``|x| ≤ X_MAX``, so
float32 arithmetic on the student's side stays within ``rtol=1e-3`` of the float64 values here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from grader.protocol import FnSpec

KINDS: tuple[str, ...] = ("poly", "sine", "exp", "poly_sine", "tanh")
X_MAX = 2.0  # graders draw x in [-X_MAX, X_MAX]


def _signed(rng: np.random.Generator, low: float, high: float) -> float:
    """A number whose magnitude is in [low, high], with a random sign (never close to 0)."""
    return float(rng.uniform(low, high) * rng.choice((-1.0, 1.0)))


def random_spec(rng: np.random.Generator, kind: str | None = None) -> FnSpec:
    """A random function of family ``kind`` (a random family when ``None``)."""
    if kind is None:
        kind = str(rng.choice(KINDS))
    match kind:
        case "poly":
            degree = int(rng.integers(2, 5))
            coefs = [float(c) for c in rng.uniform(-2.0, 2.0, size=degree)]
            coefs.append(_signed(rng, 0.3, 1.5))  # a real top coefficient: f'' depends on x
            return FnSpec("poly", tuple(coefs))
        case "sine":
            return FnSpec(
                "sine",
                (_signed(rng, 0.5, 3.0), _signed(rng, 0.5, 2.0), float(rng.uniform(-np.pi, np.pi))),
            )
        case "exp":
            return FnSpec("exp", (_signed(rng, 0.5, 2.0), _signed(rng, 0.3, 1.2)))
        case "poly_sine":
            return FnSpec(
                "poly_sine",
                (
                    _signed(rng, 0.3, 1.5),
                    float(rng.uniform(-1.0, 1.0)),
                    _signed(rng, 0.5, 2.0),
                    float(rng.uniform(-np.pi, np.pi)),
                ),
            )
        case "tanh":
            return FnSpec("tanh", (_signed(rng, 0.5, 3.0), _signed(rng, 0.3, 1.5)))
    raise ValueError(f"unknown function family {kind!r}")


def sample_x(rng: np.random.Generator, shape: Sequence[int] = ()) -> np.ndarray:
    """Points in [-X_MAX, X_MAX] as float32 (exactly what the student's side will receive)."""
    return np.asarray(rng.uniform(-X_MAX, X_MAX, size=tuple(shape)), dtype=np.float32)


def _poly(coefs: Sequence[float], x: np.ndarray, order: int) -> np.ndarray:
    c = np.polynomial.polynomial.polyder(np.asarray(coefs, dtype=np.float64), order)
    return np.polynomial.polynomial.polyval(x, c) + np.zeros_like(x)


def _derivative(spec: FnSpec, x: np.ndarray, order: int) -> np.ndarray:
    c = spec.coefs
    match spec.kind:
        case "poly":
            return _poly(c, x, order)
        case "sine":
            a, b, d = c
            u = b * x + d
            return (a * np.sin(u), a * b * np.cos(u), -a * b * b * np.sin(u))[order]
        case "exp":
            a, b = c
            return a * b**order * np.exp(b * x)
        case "poly_sine":
            a, b, w, d = c
            p, dp, ddp = a * x**2 + b, 2 * a * x, 2 * a + np.zeros_like(x)
            s, ds, dds = np.sin(w * x + d), w * np.cos(w * x + d), -w * w * np.sin(w * x + d)
            return (p * s, dp * s + p * ds, ddp * s + 2 * dp * ds + p * dds)[order]
        case "tanh":
            a, b = c
            t = np.tanh(b * x)
            return (a * t, a * b * (1 - t**2), -2 * a * b * b * t * (1 - t**2))[order]
    raise ValueError(f"unknown function family {spec.kind!r}")


def value(spec: FnSpec, x: np.ndarray) -> np.ndarray:
    """f(x), element-wise, in float64."""
    return _derivative(spec, np.asarray(x, dtype=np.float64), 0)


def first_derivative(spec: FnSpec, x: np.ndarray) -> np.ndarray:
    """f'(x), element-wise, in float64."""
    return _derivative(spec, np.asarray(x, dtype=np.float64), 1)


def second_derivative(spec: FnSpec, x: np.ndarray) -> np.ndarray:
    """f''(x), element-wise, in float64."""
    return _derivative(spec, np.asarray(x, dtype=np.float64), 2)
