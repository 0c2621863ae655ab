from tests.variants import Variant

E = "ex05_second_order"
APPLE_TAPES = """    with tf.GradientTape() as outer_tape:
        with tf.GradientTape() as inner_tape:
            position = 4.9 * time**2
        speed = inner_tape.gradient(position, time)
    acceleration = outer_tape.gradient(speed, time)"""

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
]
