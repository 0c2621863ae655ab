from tests.variants import Variant

E = "ex03_tensor_ops"
VARIANTS = [
    Variant(
        E, "numpy_instead_of_tensor", "return tf.square(x)", "return x.numpy() ** 2", "NumPy 배열"
    ),
    Variant(E, "matmul_elementwise", "return tf.matmul(a, b)", "return a * b", "원소별 곱(a * b)"),
    Variant(
        E,
        "matmul_swapped",
        "return tf.matmul(a, b)",
        "return tf.matmul(b, a)",
        "순서가 바뀌었습니다",
    ),
    Variant(E, "multiply_adds", "return a * b", "return a + b", "덧셈을 했습니다"),
    Variant(E, "square_doubles", "return tf.square(x)", "return x * 2", "제곱하세요"),
    Variant(E, "sqrt_via_numpy", "return tf.sqrt(x)", "return x.numpy() ** 0.5", "NumPy 배열"),
    Variant(
        E,
        "listing_elementwise_matmul",
        "e = tf.matmul(a, b)",
        "e = a * b",
        "tf.matmul(a, b)를 써야 합니다",
    ),
    Variant(E, "listing_forgets_e_times_d", "    e *= d\n", "", "e *= d"),
    Variant(
        E,
        "listing_dot_for_e_times_d",
        "    e *= d\n",
        "    e = tf.matmul(e, d)\n",
        "원소별 곱입니다",
    ),
    # Issue 11: TensorFlow's shape error becomes the hint for tf.add_n.
    Variant(
        E,
        "add_with_add_n",
        "    return a + b\n",
        "    return tf.add_n([a, b])\n",
        "tf.add_n은 shape이 모두 같은 텐서만",
    ),
    # Shape mistakes that show on some kinds of shape only: every student's draw has every kind.
    Variant(
        E,
        "square_flattened",
        "    return tf.square(x)\n",
        "    return tf.reshape(tf.square(x), [-1])\n",
        "반환값의 shape이",
    ),
    Variant(
        E,
        "sqrt_squeezed",
        "    return tf.sqrt(x)\n",
        "    return tf.squeeze(tf.sqrt(x))\n",
        "반환값의 shape이",
    ),
]
