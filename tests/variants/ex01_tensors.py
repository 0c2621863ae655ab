from tests.variants import Variant, correct

E = "ex01_tensors"
VARIANTS = [
    Variant(
        E,
        "numpy_instead_of_tensor",
        "return tf.ones(shape=shape, dtype=tf.float32)",
        'return __import__("numpy").ones(shape, dtype="float32")',
        "NumPy 배열",
    ),
    Variant(
        E,
        "ignores_stddev",
        "tf.random.normal(shape=shape, mean=mean, stddev=stddev)",
        "tf.random.normal(shape=shape, mean=mean)",
        "stddev",
    ),
    Variant(
        E,
        "constant_not_variable",
        "return tf.Variable(initial_value=initial_value)",
        "return tf.constant(initial_value)",
        "tf.Variable",
    ),
    Variant(
        E,
        "error_as_string",
        "TENSOR_ITEM_ASSIGNMENT_ERROR = TypeError",
        'TENSOR_ITEM_ASSIGNMENT_ERROR = "TypeError"',
        "클래스",
    ),
    Variant(
        E,
        "copy_instead_of_in_place",
        "    x[index] = value\n    return x",
        "    x = x.copy()\n    x[index] = value\n    return x",
        "직접 바꾼",
    ),
    # Seed-independent verdicts: a constant passes no "random tensor" test, whatever is drawn.
    Variant(
        E,
        "uniform_constant",
        "return tf.random.uniform(shape=shape, minval=minval, maxval=maxval)",
        "return tf.fill(shape, 0.5)",
        "모든 원소가 같은 값",
    ),
    Variant(
        E,
        "normal_constant",
        "return tf.random.normal(shape=shape, mean=mean, stddev=stddev)",
        "return tf.fill(shape, tf.cast(mean, tf.float32))",
        "모든 원소가 같은 값",
    ),
    # np.put takes flat positions: right only when the index happens to be all zeros.
    Variant(
        E,
        "numpy_put_with_index_tuple",
        "    x[index] = value\n    return x",
        '    __import__("numpy").put(x, index, value)\n    return x',
        "index 튜플",
    ),
    # Correct: computed in float64 and rounded to float32, so a value can round up to maxval.
    correct(
        E,
        "uniform_float64_rounded",
        "return tf.random.uniform(shape=shape, minval=minval, maxval=maxval)",
        "return tf.cast(tf.random.uniform(shape, minval, maxval, dtype=tf.float64), tf.float32)",
    ),
    correct(
        E,
        "uniform_scaled_by_hand",
        "return tf.random.uniform(shape=shape, minval=minval, maxval=maxval)",
        "return minval + (maxval - minval) * tf.random.uniform(shape)",
    ),
    # Issue 11: the hint names the function used, not the arguments it was given.
    Variant(
        E,
        "truncated_normal",
        "tf.random.normal(shape=shape, mean=mean, stddev=stddev)",
        "tf.random.truncated_normal(shape=shape, mean=mean, stddev=stddev)",
        "tf.random.truncated_normal은",
    ),
    # Shape mistakes that show on some kinds of shape only: every student's draw has every kind.
    Variant(
        E,
        "ones_keeps_first_axis",
        "return tf.ones(shape=shape, dtype=tf.float32)",
        "return tf.ones(shape=shape[:1], dtype=tf.float32)",
        "반환값의 shape이",
    ),
    Variant(
        E,
        "ones_squeezed",
        "return tf.ones(shape=shape, dtype=tf.float32)",
        "return tf.squeeze(tf.ones(shape=shape, dtype=tf.float32))",
        "반환값의 shape이",
    ),
    Variant(
        E,
        "zeros_keeps_last_two_axes",
        "return tf.zeros(shape=shape, dtype=tf.float32)",
        "return tf.zeros(shape=shape[-2:], dtype=tf.float32)",
        "반환값의 shape이",
    ),
    Variant(
        E,
        "normal_keeps_first_axis",
        "tf.random.normal(shape=shape, mean=mean, stddev=stddev)",
        "tf.random.normal(shape=shape[:1], mean=mean, stddev=stddev)",
        "반환값의 shape이",
    ),
]
