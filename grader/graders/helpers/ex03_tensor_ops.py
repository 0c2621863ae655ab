"""What the ex03_tensor_ops tests share: float32 inputs and listing 3-9, computed and diagnosed."""

import numpy as np

from grader.course.messages import Msg
from grader.graders.checks import close_enough, fail

ELEMENTWISE_DOT = Msg(
    "e = a·b 단계에서 원소별 곱(*)을 썼습니다. 이 단계는 점곱이므로 tf.matmul(a, b)를 써야 합니다.",
    "The step e = a·b used the element-wise product (*). It is a dot product: use tf.matmul(a, b).",
)
MISSING_LAST_STEP = Msg(
    "마지막 단계 e *= d (e와 d의 원소별 곱)를 빠뜨렸나요?",
    "Did you forget the last step, e *= d (the element-wise product of e and d)?",
)
DOT_LAST_STEP = Msg(
    "e *= d는 점곱이 아니라 원소별 곱입니다. e = e * d로 계산하세요.",
    "e *= d is an element-wise product, not a dot product: compute e = e * d.",
)


def f32(array: np.ndarray) -> np.ndarray:
    return np.asarray(array, dtype=np.float32)


def listing_3_9_expected(a: np.ndarray) -> np.ndarray:
    b = a**2
    c = np.sqrt(a)
    d = b + c
    e = a @ b
    return e * d


def diagnose_listing(
    values: np.ndarray,
    a: np.ndarray,
    *,
    elementwise_dot: Msg = ELEMENTWISE_DOT,
    missing_last_step: Msg = MISSING_LAST_STEP,
    dot_last_step: Msg | None = DOT_LAST_STEP,
) -> None:
    """Name the step of listing 3-9 a wrong answer got wrong (square ``a`` of size > 1).

    Each keyword is what to say about one mistake; ``dot_last_step=None`` leaves that mistake
    to the caller's general hint.
    """
    b = a**2
    d = b + np.sqrt(a)
    if close_enough(values, (a * b) * d):
        fail(elementwise_dot.ko, elementwise_dot.en)
    if close_enough(values, a @ b):
        fail(missing_last_step.ko, missing_last_step.en)
    if dot_last_step is not None and close_enough(values, (a @ b) @ d):
        fail(dot_last_step.ko, dot_last_step.en)
