from tests.variants import Variant, correct

E = "ex05_second_order"
APPLE_TAPES = """    with tf.GradientTape() as outer_tape:
        with tf.GradientTape() as inner_tape:
            position = 4.9 * time**2
        speed = inner_tape.gradient(position, time)
    acceleration = outer_tape.gradient(speed, time)"""

SECOND_BODY = """    with tf.GradientTape() as outer_tape:
        outer_tape.watch(x)
        with tf.GradientTape() as inner_tape:
            inner_tape.watch(x)
            y = f(x)
        first = inner_tape.gradient(y, x)
    second = outer_tape.gradient(first, x)
    return second"""

VARIANTS = [
    # The inner gradient call sits outside the outer tape: the outer tape recorded nothing.
    Variant(
        E,
        "inner_gradient_outside_outer_tape",
        APPLE_TAPES,
        APPLE_TAPES.replace("        speed = inner", "    speed = inner"),
        "바깥 with 블록 안에",
    ),
    Variant(
        E,
        "swapped_speed_and_acceleration",
        "    return speed, acceleration",
        "    return acceleration, speed",
        "순서가 바뀌었습니다",
    ),
    # A constant time watched by the inner tape only: speed is fine, acceleration is None.
    Variant(
        E,
        "constant_time_inner_watch_only",
        "    time = tf.Variable(float(t))\n" + APPLE_TAPES,
        "    time = tf.constant(float(t))\n"
        + APPLE_TAPES.replace(
            "            position", "            inner_tape.watch(time)\n            position"
        ),
        "가속도가 None",
    ),
    Variant(
        E,
        "returns_acceleration_only",
        "    return speed, acceleration",
        "    return acceleration",
        "튜플",
    ),
    Variant(
        E,
        "returns_first_derivative",
        "    return second",
        "    return first",
        "일계도(한 번 미분한) 그레이디언트",
    ),
    Variant(
        E,
        "outer_tape_does_not_watch",
        "        outer_tape.watch(x)\n",
        "",
        "이계도 그레이디언트가 None",
    ),
    Variant(
        E,
        "returns_first_derivative_of_value",
        "    second = outer_tape.gradient(first, x)",
        "    second = outer_tape.gradient(y, x)",
        "일계도",
    ),
    # f'(x + 1) - f'(x): the second derivative only where f' is linear (degree-2 polynomials).
    Variant(
        E,
        "difference_of_first_derivatives",
        SECOND_BODY,
        """    def first(at):
        with tf.GradientTape() as tape:
            tape.watch(at)
            y = f(at)
        return tape.gradient(y, at)

    return first(x + 1.0) - first(x)""",
        "수치 미분",
    ),
    # Central second differences in float32: close, but far from what nested tapes give.
    Variant(
        E,
        "finite_differences_h_1e-2",
        SECOND_BODY,
        """    h = 1e-2
    return (f(x + h) - 2.0 * f(x) + f(x - h)) / h**2""",
        "수치 미분",
    ),
    Variant(
        E,
        "finite_differences_h_1e-1",
        SECOND_BODY,
        """    h = 1e-1
    return (f(x + h) - 2.0 * f(x) + f(x - h)) / h**2""",
        "수치 미분",
    ),
    # Central differences in float64: precise enough to pass for autodiff, had the grader's
    # functions not computed in float32 like every tensor of the exercise.
    Variant(
        E,
        "finite_differences_in_float64",
        SECOND_BODY,
        """    x64, h = tf.cast(x, tf.float64), 1e-3
    value = lambda at: tf.cast(f(at), tf.float64)
    return (value(x64 + h) - 2.0 * value(x64) + value(x64 - h)) / h**2""",
        "수치 미분",
    ),
    # One tape, then a central difference of its gradient.
    Variant(
        E,
        "finite_difference_of_tape_gradient",
        SECOND_BODY,
        """    def first(at):
        with tf.GradientTape() as tape:
            tape.watch(at)
            y = f(at)
        return tape.gradient(y, at)

    h = 1e-2
    return (first(x + h) - first(x - h)) / (2 * h)""",
        "수치 미분",
    ),
    correct(
        E,
        "persistent_single_tape",
        SECOND_BODY,
        """    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = f(x)
        first = tape.gradient(y, x)
    second = tape.gradient(first, x)
    del tape
    return second""",
    ),
    correct(
        E,
        "variable_and_python_float",
        SECOND_BODY,
        """    x = tf.Variable(x)
    with tf.GradientTape() as outer_tape:
        with tf.GradientTape() as inner_tape:
            y = f(x)
        first = inner_tape.gradient(y, x)
    return float(outer_tape.gradient(first, x))""",
    ),
    # Issue 11: "received None" from the outer tape becomes the hint about the unwatched time.
    Variant(
        E,
        "apple_time_constant_unwatched",
        "    time = tf.Variable(float(t))",
        "    time = tf.constant(float(t))",
        "속도(안쪽 테이프의 그레이디언트)가 None",
    ),
]
