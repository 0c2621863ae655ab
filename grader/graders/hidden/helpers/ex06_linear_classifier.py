"""What only the hidden ex06_linear_classifier tests use: other data placements, and the
exact inverse of gradient descent that tells where a returned fit started.

Kept out of ``grader.graders.reference`` (which ships with the public tests) so that no shipped
file names a hidden input.
"""

from __future__ import annotations

import numpy as np

# Other placements where plain gradient descent (lr 0.1, 40 steps) still converges, so a
# correct implementation passes and memorised book weights fail.
SWAPPED_MEANS: tuple[tuple[float, float], tuple[float, float]] = ((3.0, 0.0), (0.0, 3.0))
MIRRORED_MEANS: tuple[tuple[float, float], tuple[float, float]] = ((1.0, -2.0), (-2.0, 1.0))


def start_of_fit(
    inputs: np.ndarray,
    targets: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    steps: int,
    learning_rate: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The parameters ``steps`` gradient-descent steps before ``(W, b)``: where fit started.

    For the square loss of a linear model one step is an affine map of the parameters,
    ``θ ↦ (I − lr·H)·θ + lr·g`` with ``H = (2/n)·ZᵀZ`` and ``g = (2/n)·Zᵀy`` (``Z`` the inputs
    with a column of ones, one output column), so it can be undone exactly. Graders use a few
    steps at a small learning rate, where the map is well conditioned.
    """
    x = np.asarray(inputs, np.float64)
    z = np.hstack((x, np.ones((len(x), 1))))
    y = np.asarray(targets, np.float64)
    step = np.eye(z.shape[1]) - learning_rate * (2.0 / len(z)) * z.T @ z
    shift = learning_rate * (2.0 / len(z)) * z.T @ y
    theta = np.vstack((np.asarray(W, np.float64), np.asarray(b, np.float64).reshape(1, -1)))
    for _ in range(steps):
        theta = np.linalg.solve(step, theta - shift)
    return theta[:-1], theta[-1]
