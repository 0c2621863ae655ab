"""Exceptions from the student's code are explained in the course's words (issue 11, item 1).

Every hint of ``grader.graders.explain_failure.HINTS`` is checked against the exception this
TensorFlow really raises for the mistake it names (so a TensorFlow upgrade that rewords an
error shows up here), through the same agent that serves the student's code in the sandbox.
An exception no hint knows is still explained in one short sentence with the student's line.
"""

from __future__ import annotations

import pytest

from grader.graders.explain_failure import HINTS, explain_failure, recognised
from grader.student.agent import Agent
from grader.wire.protocol import StudentFailure
from grader.wire.requests import CallRequest

# hint name -> (exercise, the body of a student function `f()` that makes the mistake)
MISTAKES: dict[str, tuple[str, str]] = {
    "add_n_shapes": ("ex03_tensor_ops", "return tf.add_n([tf.ones((4, 2)), tf.ones((2,))])"),
    "elementwise_product_for_matmul": (
        "ex06_linear_classifier", "return tf.ones((100, 2)) * tf.ones((2, 1)) + tf.zeros((1,))"
    ),
    "matmul_sizes": ("ex03_tensor_ops", "return tf.matmul(tf.ones((4, 2)), tf.ones((3, 1)))"),
    "shapes": ("ex03_tensor_ops", "return tf.subtract(tf.ones((4, 2)), tf.ones((3,)))"),
    "apple_time_not_watched": ("ex05_second_order", """time = tf.constant(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            position = 4.9 * time**2
        speed = inner.gradient(position, time)
    return speed, outer.gradient(speed, time)"""),
    "training_gradient_none": ("ex06_linear_classifier", """W = tf.constant([[1.0], [2.0]])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(W)
    W_grad = tape.gradient(loss, W)
    return W_grad * 0.1"""),
    "gradient_none": ("ex04_gradient_tape", """x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    return tape.gradient(y, x) * 1.0"""),
    "variable_augmented_assignment": ("ex02_assign", """v = tf.Variable([1.0, 2.0])
    v += 1.0
    return v"""),
    "tensor_is_immutable": ("ex01_tensors", """x = tf.ones((2,))
    x[0] = 0.0
    return x"""),
    "dtype_mismatch": ("ex03_tensor_ops", "return tf.ones((2,), dtype=tf.float64) + tf.ones((2,))"),
    "tape_used_twice": ("ex04_gradient_tape", """x = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = x * x
    tape.gradient(y, x)
    return tape.gradient(y, x)"""),
    "module_not_imported": ("ex01_tensors", "return np.ones(3)"),
}  # fmt: skip

FILENAME = "/sandbox/work/student.py"  # where the child loads it: never shown to the student


def raised(body: str, *, imports: str = "import tensorflow as tf\n") -> StudentFailure:
    agent = Agent()
    source = f"{imports}\n\ndef f():\n    {body}\n"
    loaded = agent.load_source(source, "student", FILENAME)
    assert loaded.ok, loaded.failure
    reply = agent.handle(CallRequest(exercise="student", function="f"))
    assert not reply.ok and reply.failure is not None
    failure = reply.failure
    return StudentFailure(failure.category, failure.exc_type, failure.message, failure.detail)


def test_every_hint_has_its_mistake_here():
    assert set(MISTAKES) == {hint.name for hint in HINTS}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_the_real_exception_gets_its_hint(name: str):
    exercise, body = MISTAKES[name]
    failure = raised(body)
    assert failure.category == "exception"
    hint = recognised(exercise, failure)
    assert hint is not None and hint.name == name, (failure.exc_type, failure.message)
    message = explain_failure(exercise, failure, notebook_cells=False)
    assert message.ko.startswith(hint.hint.ko)
    assert "문제가 생긴 줄: " in message.ko and "line " in message.en
    assert FILENAME not in message.ko + message.en
    assert "function_node" not in message.ko


def test_an_unknown_exception_is_one_sentence_with_the_line():
    failure = raised("return {}['missing key']")
    message = explain_failure("ex01_tensors", failure, notebook_cells=False)
    first, line = message.ko.split("\n")
    assert first.startswith("코드 실행 중 딕셔너리에 없는 키를 썼습니다: KeyError")
    assert line == "문제가 생긴 줄: 5행 (f): return {}['missing key']"
    assert FILENAME not in message.en


def test_tensorflows_long_messages_are_cut_to_their_first_line():
    failure = raised("raise ValueError('a' * 5000 + chr(10) + 'b' * 50)")
    message = explain_failure("ex01_tensors", failure, notebook_cells=False)
    assert "b" * 50 not in message.ko and len(message.ko) < 600


def test_hostile_failure_text_stays_bounded_and_literal():
    failure = StudentFailure(
        "exception", "TypeError", "(" * 5000 + "received None", "  x, 1행, f: " + "*" * 10_000
    )
    message = explain_failure("ex04_gradient_tape", failure, notebook_cells=False)
    assert len(message.ko) < 1200
    hostile_name = StudentFailure("not_implemented", message="rm -rf / `$(x)`")
    assert "rm -rf" not in explain_failure("ex01_tensors", hostile_name, notebook_cells=False).ko
