"""Hidden graders for ex03_tensor_ops: other shapes, broadcasting, edge cases, listing 3-9."""

import operator
from collections.abc import Callable

import numpy as np

from grader.course.messages import Msg
from grader.graders.checks import close_enough, expect_close, expect_tensor, fail
from grader.graders.helpers.ex03_tensor_ops import diagnose_listing, f32, listing_3_9_expected
from grader.graders.meta import points
from grader.wire.protocol import Const

EXERCISE = "ex03_tensor_ops"


@points(
    0.5, "square / sqrt: 원소 하나, 3차원 텐서, 0과 음수", "square / sqrt: 1 element, 3-D, zeros"
)
def test_square_sqrt_other_shapes(submission, rng):
    shapes = [(1,), tuple(int(n) for n in rng.integers(2, 5, size=3))]
    for shape in shapes:
        x = f32(rng.normal(size=shape) * 4)
        values = expect_tensor(submission.call("square", Const(x)), shape)
        expect_close(
            values,
            x**2,
            Msg(
                "square는 어떤 shape의 텐서든 각 원소를 제곱해야 합니다 (음수도 제곱하면 양수).",
                "square must square every element of a tensor of any shape (negative numbers too).",
            ),
        )
        y = np.array(np.abs(x), dtype=np.float32)
        y.flat[0] = 0.0
        values = expect_tensor(submission.call("sqrt", Const(y)), shape)
        expect_close(
            values,
            np.sqrt(y),
            Msg(
                "sqrt는 어떤 shape의 텐서든 각 원소의 제곱근을 구해야 합니다 (0의 제곱근은 0).",
                "sqrt must take the square root of every element "
                "of any shape (the root of 0 is 0).",
            ),
        )


def _broadcast_cases(rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    rows, cols = (int(n) for n in rng.integers(2, 6, size=2))
    depth = int(rng.integers(2, 4))
    a = f32(rng.normal(size=(rows, cols)))
    return [
        (a, f32(rng.normal(size=(rows, 1)))),
        (a, f32(rng.normal(size=(cols,)))),
        (a, f32(rng.normal(size=()))),
        (f32(rng.normal(size=(rows, 1))), f32(rng.normal(size=(1, cols)))),
        (f32(rng.normal(size=(depth, rows, cols))), f32(rng.normal(size=(cols,)))),
    ]


BROADCAST_HINT = Msg(
    "shape이 다른 두 텐서도 브로드캐스팅 규칙에 따라 계산되어야 합니다. 연산자를 그대로 쓰고 "
    "shape을 직접 바꾸지 마세요.",
    "Tensors of different shapes must combine by the broadcasting rules. Apply the operation "
    "directly; do not reshape the inputs yourself.",
)


def check_broadcasting(
    submission,
    rng: np.random.Generator,
    name: str,
    combine: Callable[[np.ndarray, np.ndarray], np.ndarray],
    what: Msg,
) -> None:
    """``name`` (an element-wise ``combine``) on every pair of ``_broadcast_cases``."""
    hint = Msg(f"{what.ko}: {BROADCAST_HINT.ko}", f"{what.en}: {BROADCAST_HINT.en}")
    for a, b in _broadcast_cases(rng):
        expected = combine(a, b)
        values = expect_tensor(submission.call(name, Const(a), Const(b)), expected.shape)
        expect_close(values, expected, hint)


@points(1, "add: 여러 가지 브로드캐스팅", "add: broadcasting of several shapes")
def test_add_broadcasting(submission, rng):
    check_broadcasting(submission, rng, "add", operator.add, Msg("원소별 덧셈", "Element-wise sum"))


@points(1, "multiply: 여러 가지 브로드캐스팅", "multiply: broadcasting of several shapes")
def test_multiply_broadcasting(submission, rng):
    what = Msg("원소별 곱셈", "Element-wise product")
    check_broadcasting(submission, rng, "multiply", operator.mul, what)


@points(1, "matmul: 여러 shape의 점곱", "matmul: dot products of several shapes")
def test_matmul_shapes(submission, rng):
    n = int(rng.integers(3, 7))
    a, b = f32(rng.uniform(-2, 2, size=(n, n))), f32(rng.uniform(-2, 2, size=(n, n)))
    values = expect_tensor(submission.call("matmul", Const(a), Const(b)), (n, n))
    if close_enough(values, a * b):
        fail(
            "matmul이 원소별 곱을 계산했습니다. 점곱은 tf.matmul로 구하세요.",
            "matmul computed an element-wise product. Use tf.matmul for the dot product.",
        )
    m, k, p = (int(x) for x in rng.integers(1, 7, size=3))
    cases = [
        (f32(rng.normal(size=(m, k))), f32(rng.normal(size=(k, p)))),
        (f32(rng.normal(size=(1, k))), f32(rng.normal(size=(k, 1)))),
        (f32(rng.normal(size=(m, 1))), f32(rng.normal(size=(1, p)))),
        (f32(rng.normal(size=(2, m, k))), f32(rng.normal(size=(2, k, p)))),
    ]
    for left, right in [(a, b), *cases]:
        expected = left @ right
        values = expect_tensor(submission.call("matmul", Const(left), Const(right)), expected.shape)
        expect_close(
            values,
            expected,
            Msg(
                "(m, k) 행렬과 (k, n) 행렬의 점곱은 (m, n) 행렬입니다. "
                "tf.matmul(a, b)를 쓰세요 (앞쪽 배치 차원도 처리됩니다).",
                "An (m, k) by (k, n) dot product is (m, n). Use "
                "tf.matmul(a, b), which also handles leading batch "
                "dimensions.",
            ),
        )


ELEMENTWISE_DOT = Msg(
    "e = a·b 단계는 원소별 곱이 아니라 점곱(tf.matmul)이어야 합니다.",
    "The step e = a·b must be a dot product (tf.matmul), not element-wise.",
)
MISSING_LAST_STEP = Msg("e *= d 단계가 빠진 것 같습니다.", "The step e *= d seems to be missing.")
LISTING_HINT = Msg(
    "코드 3-9의 단계를 다시 확인하세요: 원소별 제곱과 제곱근, 그 둘의 합, a와 b의 점곱, 마지막으로 "
    "점곱 결과와 d의 원소별 곱.",
    "Check the steps of listing 3-9: element-wise square and square root, their sum, the dot "
    "product of a and b, then the element-wise product of that with d.",
)


@points(
    1.5, "listing_3_9: 여러 크기의 정사각 행렬", "listing_3_9: square matrices of several sizes"
)
def test_listing_3_9_sizes(submission, rng):
    for n in (int(rng.integers(6, 10)), 1, int(rng.integers(2, 4))):
        a = f32(rng.uniform(0.1, 1.5, size=(n, n)))
        values = expect_tensor(submission.call("listing_3_9", Const(a)), (n, n))
        if n > 1:
            diagnose_listing(
                values, a, elementwise_dot=ELEMENTWISE_DOT, missing_last_step=MISSING_LAST_STEP,
                dot_last_step=None,
            )  # fmt: skip
        expect_close(values, listing_3_9_expected(a), LISTING_HINT, rtol=1e-4, atol=1e-4)


@points(
    1, "listing_3_9: 책의 예와 같은 1로 채운 (2, 2) 행렬", "listing_3_9: the book's ones((2, 2))"
)
def test_listing_3_9_book_example(submission):
    a = np.ones((2, 2), dtype=np.float32)
    values = expect_tensor(submission.call("listing_3_9", Const(a)), (2, 2))
    expect_close(values, listing_3_9_expected(a), LISTING_HINT)
