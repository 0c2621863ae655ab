from tests.variants import Variant, correct

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
    # Forward mode with a ones tangent gives J·1, the gradient only for element-wise f.
    Variant(
        E,
        "forward_mode_jvp",
        GRADIENT_BODY,
        """    with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as accumulator:
        y = f(x)
    return accumulator.jvp(y)""",
        "J·1",
    ),
    # Central differences on all elements at once: J·1 again, and only float32-accurate.
    Variant(
        E,
        "finite_differences_vectorised",
        GRADIENT_BODY,
        """    h = 1e-3
    return (f(x + h) - f(x - h)) / (2 * h)""",
        "J·1",
    ),
    # Central differences one element at a time: the right quantity, float32 accuracy only.
    Variant(
        E,
        "finite_differences_per_element",
        GRADIENT_BODY,
        """    h = 1e-2
    x = tf.convert_to_tensor(x)
    flat = tf.reshape(x, [-1])
    parts = []
    for i in range(int(tf.size(flat))):
        step = tf.one_hot(i, tf.size(flat), dtype=x.dtype) * h
        up = tf.reduce_sum(f(tf.reshape(flat + step, tf.shape(x))))
        down = tf.reduce_sum(f(tf.reshape(flat - step, tf.shape(x))))
        parts.append((up - down) / (2 * h))
    return tf.reshape(tf.stack(parts), tf.shape(x))""",
        "수치 미분",
    ),
    # The same in float64: precise enough to pass, had the grader's functions not computed in
    # float32 like every tensor of the exercise.
    Variant(
        E,
        "finite_differences_per_element_float64",
        GRADIENT_BODY,
        """    h = 1e-4
    x64 = tf.cast(tf.convert_to_tensor(x), tf.float64)
    flat = tf.reshape(x64, [-1])
    parts = []
    for i in range(int(tf.size(flat))):
        step = tf.one_hot(i, tf.size(flat), dtype=tf.float64) * h
        up = tf.reduce_sum(tf.cast(f(tf.reshape(flat + step, tf.shape(x64))), tf.float64))
        down = tf.reduce_sum(tf.cast(f(tf.reshape(flat - step, tf.shape(x64))), tf.float64))
        parts.append((up - down) / (2 * h))
    return tf.cast(tf.reshape(tf.stack(parts), tf.shape(x64)), tf.float32)""",
        "수치 미분",
    ),
    correct(
        E,
        "explicit_reduce_sum",
        GRADIENT_BODY,
        """    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(f(x))
    return tape.gradient(total, x)""",
    ),
    correct(
        E,
        "persistent_tape_on_a_copy",
        GRADIENT_BODY,
        """    x = tf.identity(x)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = f(x)
    grad = tape.gradient(y, x)
    del tape
    return grad""",
    ),
    # Shape mistakes that show on some kinds of shape only: every student's draw has every kind.
    Variant(
        E,
        "gradient_flattened",
        "    return tape.gradient(y, x)",
        "    return tf.reshape(tape.gradient(y, x), [-1])",
        "반환한 그레이디언트의 shape이",
    ),
    Variant(
        E,
        "gradient_squeezed",
        "    return tape.gradient(y, x)",
        "    return tf.squeeze(tape.gradient(y, x))",
        "반환한 그레이디언트의 shape이",
    ),
]
