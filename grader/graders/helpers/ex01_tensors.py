"""Checks the ex01_tensors tests share: random tensors, uniform ranges, NumPy item assignment."""

import numpy as np

from grader.graders.checks import check, fail


def check_not_constant(values: np.ndarray, name: str, op: str) -> None:
    if values.size > 1 and np.ptp(values) == 0:
        fail(
            f"{name}이(가) 돌려준 텐서는 모든 원소가 같은 값입니다. 분포에서 뽑은 랜덤 텐서여야 "
            f"합니다: {op}을(를) 쓰세요.",
            f"Every element of the tensor {name} returned is the same value. It must be a random "
            f"tensor drawn from the distribution: use {op}.",
        )


def uniform_bounds(rng: np.random.Generator, low: tuple[float, float], width: tuple[float, float]):
    """``(minval, maxval)`` that float32 represents exactly, as the student's TensorFlow sees them."""
    minval = float(np.float32(rng.uniform(*low)))
    return minval, float(np.float32(minval + rng.uniform(*width)))


def check_uniform_values(values: np.ndarray, low: float, high: float, fill: float) -> None:
    """Values inside [low, high] (high itself: float32 rounding of minval + (maxval-minval)·u
    can land exactly on maxval for a correct implementation), not one constant, and reaching
    within ``fill`` of the width of both ends."""
    check_not_constant(values, "make_uniform", "tf.random.uniform")
    check(
        bool(np.all(values >= low) and np.all(values <= high)),
        "값이 [minval, maxval) 구간을 벗어났습니다. minval과 maxval 인자를 tf.random.uniform에 전달했나요?",
        "Values fall outside [minval, maxval). Did you pass minval and maxval to tf.random.uniform?",
    )
    width = high - low
    check(
        bool(values.min() - low < fill * width and high - values.max() < fill * width),
        "값이 [minval, maxval) 전체에 퍼져 있지 않고 일부에만 몰려 있습니다. tf.random.uniform에 "
        "minval과 maxval을 전달했나요?",
        "The values cover only part of [minval, maxval). Did you pass minval and maxval to "
        "tf.random.uniform?",
    )


def check_index_tuple(values: np.ndarray, initial: np.ndarray, index: tuple[int, ...]) -> None:
    """Name the mistake of changing elements at the index's numbers as flat positions (np.put)."""
    changed = np.flatnonzero(~np.isclose(values, initial))
    flat = int(np.ravel_multi_index(index, initial.shape))
    if (
        values.shape == initial.shape
        and changed.size
        and set(changed.tolist()) <= set(index)
        and flat not in changed.tolist()
    ):
        fail(
            "index 튜플의 숫자들이 1차원 위치로 쓰여 다른 원소가 바뀌었습니다 (np.put처럼). "
            "x[index] = value로 index 튜플 전체가 가리키는 원소 하나를 바꾸세요.",
            "The numbers of the index tuple were used as flat positions, so other elements "
            "changed (as np.put does). Use x[index] = value to change the one element the "
            "whole tuple selects.",
        )
