from tests.variants import Variant

E = "ex02_assign"
VARIANTS = [
    Variant(
        E,
        "rebind_instead_of_assign",
        "    v.assign(tf.ones(shape=v.shape, dtype=v.dtype))\n    return v",
        "    v = tf.ones(shape=v.shape, dtype=v.dtype)\n    return v",
        "v.assign",
    ),
    Variant(
        E,
        "new_variable_instead_of_in_place",
        "    v.assign(tf.ones(shape=v.shape, dtype=v.dtype))\n    return v",
        "    v = tf.Variable(tf.ones(shape=v.shape))\n    return v",
        "새 tf.Variable",
    ),
    Variant(
        E,
        "fixed_shape",
        "v.assign(tf.ones(shape=v.shape, dtype=v.dtype))",
        "v.assign(tf.ones((3, 1)))",
        "ValueError",
    ),
    Variant(
        E,
        "wrong_element",
        "v[index].assign(value)",
        "v[index[0], 0].assign(value)",
        "다른 원소가 바뀌었습니다",
    ),
    Variant(
        E,
        "whole_row_changed",
        "v[index].assign(value)",
        "v[index[0]].assign(value)",
        "다른 원소까지 바뀌었습니다",
    ),
    Variant(
        E,
        "assign_instead_of_assign_add",
        "v.assign_add(delta)",
        "v.assign(delta)",
        "assign 대신 assign_add",
    ),
    Variant(
        E,
        "rebind_add",
        "    v.assign_add(delta)\n    return v",
        "    v = v + delta\n    return v",
        "v.assign_add",
    ),
    Variant(
        E,
        "decrease_adds",
        "v.assign_sub(delta)",
        "v.assign_add(delta)",
        "빼야 하는데 delta를 더했습니다",
    ),
    Variant(
        E,
        "returns_nothing",
        "    v.assign_sub(delta)\n    return v",
        "    v.assign_sub(delta)",
        "return v",
    ),
    # Right only when the drawn index has equal components (or a 0 in the dropped place).
    Variant(
        E,
        "index_reversed",
        "v[index].assign(value)",
        "v[tuple(reversed(index))].assign(value)",
        "다른 원소가 바뀌었습니다",
    ),
    # Issue 11: TensorFlow's RuntimeError becomes the Korean hint for the mistake.
    Variant(
        E,
        "augmented_assignment_on_variable",
        "    v.assign_add(delta)\n    return v",
        "    v += delta\n    return v",
        "v += x 같은 복합 대입",
    ),
    # Right on one element only: every drawn variable has two elements along each axis.
    Variant(
        E,
        "increase_by_mean_delta",
        "    v.assign_add(delta)",
        "    v.assign_add(tf.reduce_mean(delta) * tf.ones_like(v))",
        "값이 올바르지 않습니다",
    ),
]
