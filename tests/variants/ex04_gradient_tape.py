from tests.variants import Variant

E = "ex04_gradient_tape"
CONSTANT_BODY = """    with tf.GradientTape() as tape:
        tape.watch(x)
        result = tf.square(x)
    return tape.gradient(result, x)"""
GRADIENT_BODY = """    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)"""

VARIANTS = [
    # 3-11's classic mistake: a constant is not watched, so tape.gradient returns None.
    Variant(
        E,
        "constant_without_watch",
        CONSTANT_BODY,
        CONSTANT_BODY.replace("        tape.watch(x)\n", ""),
        "tape.watch를 호출했나요?",
    ),
    Variant(
        E,
        "gradient_without_watch",
        GRADIENT_BODY,
        GRADIENT_BODY.replace("        tape.watch(x)\n", ""),
        "tape.watch를 호출했나요?",
    ),
    # The square is computed after the with block: nothing recorded.
    Variant(
        E,
        "variable_square_outside_tape",
        "    with tf.GradientTape() as tape:\n        result = tf.square(v)\n",
        "    with tf.GradientTape() as tape:\n        pass\n    result = tf.square(v)\n",
        "with tf.GradientTape() as tape:",
    ),
    Variant(
        E,
        "returns_square_not_gradient",
        "    return tape.gradient(result, v)",
        "    return result",
        "제곱한 값 자체",
    ),
    Variant(
        E,
        "returns_value_not_gradient",
        "    return tape.gradient(y, x)",
        "    return y",
        "f(x)의 값을 반환",
    ),
    Variant(
        E,
        "mean_instead_of_sum",
        "        y = f(x)\n",
        "        y = tf.reduce_mean(f(x))\n",
        "평균 내지 마세요",
    ),
    Variant(
        E,
        "numpy_gradient",
        "    return tape.gradient(y, x)",
        "    return tape.gradient(y, x).numpy()",
        "NumPy 배열",
    ),
    # Memorised answer: right for the public polynomial only if it were 2x; wrong elsewhere.
    Variant(E, "hard_coded_square", GRADIENT_BODY, "    return 2 * x", "도함수"),
]
