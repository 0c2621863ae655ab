from tests.variants import Variant

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
]
