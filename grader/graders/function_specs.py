"""Random test functions for ``gradient(f, x)`` and ``second_derivative(f, x)`` (trusted side).

A grader draws an ``FnSpec`` (a family name plus random coefficients) and sends it as plain data;
``grader.student.functions`` turns it into a TensorFlow callable on the student's side. Here, with
NumPy only, the grader computes the value and the derivatives it expects.

The families and their coefficient order must match ``grader.student.functions.BUILDERS``.
Element-wise families (``f(x)[i]`` depends on ``x[i]`` only):

| kind | coefs | f(x) |
|---|---|---|
| ``poly`` | ``c0, c1, c2, c3, c4`` | ``c0 + c1·x + … + c4·x⁴`` (``|c4| ≥ 0.3``) |
| ``sine`` | ``a, b, d, k`` | ``a·sin(b·x + d) + k`` |
| ``exp`` | ``a, b, k`` | ``a·exp(b·x) + k`` |
| ``poly_sine`` | ``a, b, w, d, k`` | ``(a·x² + b)·sin(w·x + d) + k`` |
| ``tanh`` | ``a, b, k`` | ``a·tanh(b·x) + k`` |

Every element-wise family has a large constant term (``c0`` or ``k``, ``|k|`` in [200, 800]).
It changes no derivative, and autodiff differentiates it exactly, but it makes float32 values
coarse (a unit in the last place of 500 is 3e-5), so finite differences of f in float32 miss the
derivative by far more than ``AUTODIFF_RTOL`` for every step size: a student's finite
differences fail for every function drawn, not only for some.

Coupled families mix the elements of ``x`` (its Jacobian is not diagonal), so ``J·1`` (a
forward-mode product with a ones tangent, or finite differences on all elements at once) is not
the gradient of ``Σ f(x)``. ``x`` is flattened to ``u`` (``n`` elements) and ``f(x)`` has
``x``'s shape:

| kind | coefs | f(x) |
|---|---|---|
| ``sum_times`` | ``a, b`` | ``a·sin(b·u)·Σu`` |
| ``neighbour_product`` | ``a`` | ``a·sin(u)·roll(u, 1)`` (each element times its neighbour) |
| ``matmul_tanh`` | ``c, M (n×n, row-major)`` | ``tanh(M·u + c)`` |

Why the draws look as they do: a verdict must not depend on the student's seed, so no draw
may make a wrong answer right. Polynomials have degree 4 with a real top coefficient, so neither
a central finite difference (exact for cubics) nor ``f'(x + 1) − f'(x)`` (exact for quadratics)
can equal ``f''``; coupled families are only used on inputs of two or more elements. Coefficient
ranges keep every value and derivative of moderate size for ``|x| ≤ X_MAX``, so float32
autodiff on the student's side stays within ``AUTODIFF_RTOL`` of the float64 values here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from grader.wire.protocol import FnSpec

ELEMENTWISE_KINDS: tuple[str, ...] = ("poly", "sine", "exp", "poly_sine", "tanh")
COUPLED_KINDS: tuple[str, ...] = ("sum_times", "neighbour_product", "matmul_tanh")
KINDS: tuple[str, ...] = ELEMENTWISE_KINDS + COUPLED_KINDS
X_MAX = 2.0  # graders draw x in [-X_MAX, X_MAX]
# float32 autodiff meets this relative tolerance (measured: under 6e-7 of |expected| + the
# function's derivative scale); float32 finite differences miss it by 10x or more.
AUTODIFF_RTOL = 2e-6
_GRID = np.linspace(-X_MAX, X_MAX, 101)


def _signed(rng: np.random.Generator, low: float, high: float) -> float:
    """A number whose magnitude is in [low, high], with a random sign (never close to 0)."""
    return float(rng.uniform(low, high) * rng.choice((-1.0, 1.0)))


def _offset(rng: np.random.Generator) -> float:
    return _signed(rng, 200.0, 800.0)


def random_spec(rng: np.random.Generator, kind: str | None = None, size: int = 1) -> FnSpec:
    """A random function of family ``kind`` (a random element-wise family when ``None``).

    ``size`` is the number of elements of the ``x`` it will be applied to (``matmul_tanh``
    needs it for its matrix).
    """
    if kind is None:
        kind = str(rng.choice(ELEMENTWISE_KINDS))
    match kind:
        case "poly":
            coefs = [_offset(rng), *(float(c) for c in rng.uniform(-2.0, 2.0, size=3))]
            coefs.append(_signed(rng, 0.3, 1.5))  # a real x⁴ term: no finite difference is exact
            return FnSpec("poly", tuple(coefs))
        case "sine":
            return FnSpec(
                "sine",
                (
                    _signed(rng, 0.5, 3.0),
                    _signed(rng, 0.5, 2.0),
                    float(rng.uniform(-np.pi, np.pi)),
                    _offset(rng),
                ),
            )
        case "exp":
            return FnSpec("exp", (_signed(rng, 0.5, 2.0), _signed(rng, 0.3, 1.2), _offset(rng)))
        case "poly_sine":
            return FnSpec(
                "poly_sine",
                (
                    _signed(rng, 0.3, 1.5),
                    float(rng.uniform(-1.0, 1.0)),
                    _signed(rng, 0.5, 2.0),
                    float(rng.uniform(-np.pi, np.pi)),
                    _offset(rng),
                ),
            )
        case "tanh":
            return FnSpec("tanh", (_signed(rng, 0.5, 3.0), _signed(rng, 0.3, 1.5), _offset(rng)))
        case "sum_times":
            return FnSpec("sum_times", (_signed(rng, 0.2, 1.0), _signed(rng, 0.5, 1.5)))
        case "neighbour_product":
            return FnSpec("neighbour_product", (_signed(rng, 0.5, 2.0),))
        case "matmul_tanh":
            matrix = rng.uniform(-1.0, 1.0, size=(size, size)) / np.sqrt(size)
            return FnSpec("matmul_tanh", (float(rng.uniform(-0.5, 0.5)), *matrix.ravel().tolist()))
    raise ValueError(f"unknown function family {kind!r}")


def sample_x(rng: np.random.Generator, shape: Sequence[int] = ()) -> np.ndarray:
    """Points in [-X_MAX, X_MAX] as float32 (exactly what the student's side will receive)."""
    return np.asarray(rng.uniform(-X_MAX, X_MAX, size=tuple(shape)), dtype=np.float32)


def spread_points(rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` scalar points, one in each of ``count`` equal parts of [-X_MAX, X_MAX].

    Points far apart keep a check at several points from being degenerate at all of them
    (a wrong formula may agree with the right one at one x, not everywhere).
    """
    edges = np.linspace(-X_MAX, X_MAX, count + 1)
    return np.asarray(rng.uniform(edges[:-1], edges[1:]), dtype=np.float32)


def _poly(coefs: Sequence[float], x: np.ndarray, order: int) -> np.ndarray:
    c = np.polynomial.polynomial.polyder(np.asarray(coefs, dtype=np.float64), order)
    return np.polynomial.polynomial.polyval(x, c) + np.zeros_like(x)


def _elementwise(spec: FnSpec, x: np.ndarray, order: int) -> np.ndarray:
    c = spec.coefs
    match spec.kind:
        case "poly":
            return _poly(c, x, order)
        case "sine":
            a, b, d, k = c
            u = b * x + d
            return (a * np.sin(u) + k, a * b * np.cos(u), -a * b * b * np.sin(u))[order]
        case "exp":
            a, b, k = c
            return a * b**order * np.exp(b * x) + (k if order == 0 else 0.0)
        case "poly_sine":
            a, b, w, d, k = c
            p, dp, ddp = a * x**2 + b, 2 * a * x, 2 * a + np.zeros_like(x)
            s, ds, dds = np.sin(w * x + d), w * np.cos(w * x + d), -w * w * np.sin(w * x + d)
            return (p * s + k, dp * s + p * ds, ddp * s + 2 * dp * ds + p * dds)[order]
        case "tanh":
            a, b, k = c
            t = np.tanh(b * x)
            return (a * t + k, a * b * (1 - t**2), -2 * a * b * b * t * (1 - t**2))[order]
    raise ValueError(f"unknown element-wise function family {spec.kind!r}")


def _coupled(spec: FnSpec, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(f(x), ∇Σf(x), J·1)`` of a coupled family, each with ``x``'s shape."""
    u = x.reshape(-1)
    match spec.kind:
        case "sum_times":
            a, b = spec.coefs
            total = u.sum()
            value = a * np.sin(b * u) * total
            grad = a * b * np.cos(b * u) * total + a * np.sin(b * u).sum()
            jvp = a * b * np.cos(b * u) * total + a * np.sin(b * u) * u.size
        case "neighbour_product":
            (a,) = spec.coefs
            before = np.roll(u, 1)  # before[i] = u[i - 1]
            value = a * np.sin(u) * before
            grad = a * np.cos(u) * before + a * np.roll(np.sin(u), -1)  # + a·sin(u[i + 1])
            jvp = a * np.cos(u) * before + a * np.sin(u)
        case "matmul_tanh":
            c, *flat = spec.coefs
            matrix = np.asarray(flat, dtype=np.float64).reshape(u.size, u.size)
            t = np.tanh(matrix @ u + c)
            value = t
            grad = matrix.T @ (1 - t**2)
            jvp = (1 - t**2) * matrix.sum(axis=1)
        case _:
            raise ValueError(f"unknown coupled function family {spec.kind!r}")
    return tuple(np.asarray(a, np.float64).reshape(x.shape) for a in (value, grad, jvp))  # type: ignore[return-value]


def value(spec: FnSpec, x: np.ndarray) -> np.ndarray:
    """f(x), in float64, with ``x``'s shape."""
    x = np.asarray(x, dtype=np.float64)
    if spec.kind in COUPLED_KINDS:
        return _coupled(spec, x)[0]
    return _elementwise(spec, x, 0)


def first_derivative(spec: FnSpec, x: np.ndarray) -> np.ndarray:
    """The gradient of ``Σ f(x)`` (what ``tape.gradient(f(x), x)`` gives), in float64."""
    x = np.asarray(x, dtype=np.float64)
    if spec.kind in COUPLED_KINDS:
        return _coupled(spec, x)[1]
    return _elementwise(spec, x, 1)


def jacobian_times_ones(spec: FnSpec, x: np.ndarray) -> np.ndarray:
    """``J·1``: what forward mode with a ones tangent gives; the gradient only when J is diagonal."""
    x = np.asarray(x, dtype=np.float64)
    if spec.kind in COUPLED_KINDS:
        return _coupled(spec, x)[2]
    return _elementwise(spec, x, 1)


def second_derivative(spec: FnSpec, x: np.ndarray) -> np.ndarray:
    """f''(x), element-wise, in float64 (element-wise families only)."""
    return _elementwise(spec, np.asarray(x, dtype=np.float64), 2)


def derivative_scale(spec: FnSpec, x: np.ndarray, order: int) -> float:
    """How large this function's ``order``-th derivative is: the yardstick of its tolerance.

    Element-wise families: the largest magnitude over [-X_MAX, X_MAX], so a tolerance does not
    shrink where f' or f'' happens to cross zero. Coupled families: the largest element of the
    expected gradient at ``x``.
    """
    if spec.kind in COUPLED_KINDS:
        return float(np.abs(first_derivative(spec, x)).max())
    return float(np.abs(_elementwise(spec, _GRID, order)).max())


def autodiff_close(actual: np.ndarray, expected: np.ndarray, scale: float) -> bool:
    """Whether ``actual`` matches ``expected`` as closely as float32 autodiff does."""
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    tolerance = AUTODIFF_RTOL * (np.abs(expected) + scale)
    return actual.shape == expected.shape and bool(np.all(np.abs(actual - expected) <= tolerance))
