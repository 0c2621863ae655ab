"""Public checks for ex03_tensor_ops: element-wise ops, the dot product and listing 3-9."""

import numpy as np

from grader.course.messages import Msg
from grader.graders.checks import (
    close_enough,
    expect_close,
    expect_tensor,
    fail,
    shapes_of_every_kind,
)
from grader.graders.helpers.ex03_tensor_ops import diagnose_listing, f32, listing_3_9_expected
from grader.graders.meta import points
from grader.wire.protocol import Const

EXERCISE = "ex03_tensor_ops"


@points(0.5, "square: 원소별 제곱", "square: element-wise square")
def test_square(submission, rng):
    for shape in shapes_of_every_kind(rng):
        x = f32(rng.normal(size=shape) * 3)
        values = expect_tensor(submission.call("square", Const(x)), x.shape)
        expect_close(
            values,
            x**2,
            Msg("tf.square로 각 원소를 제곱하세요.", "Square every element with tf.square."),
        )


@points(0.5, "sqrt: 원소별 제곱근", "sqrt: element-wise square root")
def test_sqrt(submission, rng):
    for shape in shapes_of_every_kind(rng):
        x = f32(rng.uniform(0.1, 10.0, size=shape))
        values = expect_tensor(submission.call("sqrt", Const(x)), x.shape)
        expect_close(
            values,
            np.sqrt(x),
            Msg(
                "tf.sqrt로 각 원소의 제곱근을 구하세요.",
                "Take the square root of every element with tf.sqrt.",
            ),
        )


@points(0.5, "add: 원소별 덧셈 (브로드캐스팅 포함)", "add: element-wise sum (with broadcasting)")
def test_add(submission, rng):
    rows, cols = (int(n) for n in rng.integers(2, 6, size=2))
    a = f32(rng.normal(size=(rows, cols)))
    hint = Msg(
        "두 텐서를 원소별로 더하세요 (a + b 또는 tf.add).",
        "Add the two tensors element-wise (a + b or tf.add).",
    )
    for b in (f32(rng.normal(size=(rows, cols))), f32(rng.normal(size=(cols,)))):
        values = expect_tensor(submission.call("add", Const(a), Const(b)), (rows, cols))
        expect_close(values, a + b, hint)


@points(
    0.5,
    "multiply: 원소별 곱셈 (브로드캐스팅 포함)",
    "multiply: element-wise product (broadcasting)",
)
def test_multiply(submission, rng):
    rows, cols = (int(n) for n in rng.integers(2, 6, size=2))
    a = f32(rng.normal(size=(rows, cols)))
    for b in (f32(rng.normal(size=(rows, cols))), f32(rng.normal(size=(rows, 1)))):
        values = expect_tensor(submission.call("multiply", Const(a), Const(b)), (rows, cols))
        if close_enough(values, a + b):
            fail(
                "원소별 곱 대신 덧셈을 했습니다. a * b 또는 tf.multiply를 쓰세요.",
                "You added instead of multiplying. Use a * b or tf.multiply.",
            )
        expect_close(
            values,
            a * b,
            Msg(
                "두 텐서를 원소별로 곱하세요 (a * b 또는 tf.multiply).",
                "Multiply element-wise (a * b or tf.multiply).",
            ),
        )


MATMUL_NOT_ELEMENTWISE = Msg(
    "원소별 곱(a * b)을 계산했습니다. matmul은 행과 열을 곱해 더하는 점곱이어야 합니다: "
    "tf.matmul(a, b)를 쓰세요.",
    "You computed the element-wise product (a * b). matmul must be the dot product (rows times "
    "columns, summed): use tf.matmul(a, b).",
)


@points(1, "matmul: 두 행렬의 점곱", "matmul: the dot product of two matrices")
def test_matmul(submission, rng):
    n = int(rng.integers(2, 6))
    a, b = f32(rng.normal(size=(n, n))), f32(rng.normal(size=(n, n)))
    values = expect_tensor(submission.call("matmul", Const(a), Const(b)), (n, n))
    if close_enough(values, a * b):
        fail(MATMUL_NOT_ELEMENTWISE.ko, MATMUL_NOT_ELEMENTWISE.en)
    if close_enough(values, b @ a):
        fail(
            "곱하는 순서가 바뀌었습니다. 점곱은 순서에 따라 결과가 달라집니다: tf.matmul(a, b).",
            "The order is swapped; the dot product depends on order: tf.matmul(a, b).",
        )
    expect_close(
        values,
        a @ b,
        Msg("tf.matmul(a, b)로 점곱을 구하세요.", "Compute the dot product with tf.matmul(a, b)."),
    )
    m, k, p = (int(x) for x in rng.integers(2, 6, size=3))
    a, b = f32(rng.normal(size=(m, k))), f32(rng.normal(size=(k, p)))
    values = expect_tensor(submission.call("matmul", Const(a), Const(b)), (m, p))
    expect_close(
        values,
        a @ b,
        Msg(
            "(m, k) 행렬과 (k, n) 행렬의 점곱은 (m, n) 행렬입니다.",
            "An (m, k) by (k, n) dot product is an (m, n) matrix.",
        ),
    )


@points(1, "listing_3_9: 코드 3-9의 결과 e", "listing_3_9: the result e of listing 3-9")
def test_listing_3_9(submission, rng):
    n = int(rng.integers(2, 6))
    a = f32(rng.uniform(0.2, 2.0, size=(n, n)))
    values = expect_tensor(submission.call("listing_3_9", Const(a)), (n, n))
    diagnose_listing(values, a)
    expect_close(
        values,
        listing_3_9_expected(a),
        Msg(
            "b = a의 제곱, c = a의 제곱근, d = b + c, e = a와 b의 점곱, e *= d 순서로 "
            "계산했는지 확인하세요.",
            "Check the steps: b = a squared, c = sqrt(a), d = b + c, e = a dot b, e *= d.",
        ),
    )
