"""The one wire schema (``grader.wire``): both sides build messages with it and validate what they
receive against it.

Every request and reply kind survives encode → decode with its meaning intact (an argument
reaches the student's function as the grader meant it; a value reaches the grader with its
facts). Bytes outside the schema are a ``ProtocolError`` on the receiving side, a failure reply
in the sandbox child, never a crash.
"""

from __future__ import annotations

import base64
import json
import math
import sys
import typing

import numpy as np
import pytest
import tensorflow as tf
from matplotlib.figure import Figure

from grader.grading.local import AgentTransport
from grader.grading.submission import Submission
from grader.sandbox.child import answer
from grader.sandbox.remote import failure_reply
from grader.student.agent import Agent
from grader.student.describe import Registry, describe
from grader.wire.replies import (
    FailureCategory,
    StudentError,
    StudentFailure,
    decode_reply,
    failed,
    returned,
)
from grader.wire.requests import (
    Array,
    AttrRequest,
    CallRequest,
    Const,
    EnvRequest,
    FnSpec,
    LoadRequest,
    NewRequest,
    ReadRequest,
    decode_request,
    encode_argument,
)
from grader.wire.values import MAX_NAME, MAX_TEXT, ProtocolError, Ref, encode_array

EXERCISE = "ex_probe"


def _served(namespace: dict) -> tuple[Agent, Submission]:
    agent = Agent()
    agent.use_namespace(namespace)
    return agent, Submission(EXERCISE, AgentTransport(agent))


# ---------------------------------------------------------------------- requests
ARGUMENTS = [
    Const([[1.0, 2.0]]),
    Array([1, 2], "int32"),
    Ref(1),
    (1, "a", (None,)),
    [2.5, None, [True]],
    FnSpec("poly", (1.0, -2.0)),
    True,
    3,
    2**80,
    -0.5,
    "텐서",
    None,
    np.float32(0.25),
]
REQUESTS = [
    LoadRequest(exercise=EXERCISE, filename="ex_probe.py", source="WCA9IDEK"),
    CallRequest(
        exercise=EXERCISE,
        function="f",
        args=[encode_argument(a) for a in ARGUMENTS],
        kwargs={"x": encode_argument(Const(1.0))},
    ),
    AttrRequest(exercise=EXERCISE, name="CONSTANT"),
    *(
        NewRequest(exercise=EXERCISE, kind=kind, value=encode_array(np.eye(2)), device=device)
        for kind, device in (("variable", None), ("constant", "/CPU:0"), ("ndarray", None))
    ),
    ReadRequest(exercise=EXERCISE, ref=3),
    EnvRequest(exercise=EXERCISE),
]


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: r.op)
def test_every_request_kind_survives_the_wire(request_) -> None:
    assert decode_request(request_.encode()) == request_


def test_arguments_reach_the_student_as_the_grader_meant() -> None:
    received: dict = {}

    def probe(*args, **kwargs):
        received.update(args=args, kwargs=kwargs)

    _, submission = _served({"probe": probe})
    variable = submission.variable([1.0, 2.0])
    nan, inf = float("nan"), float("inf")
    submission.call("probe", *[variable if a == Ref(1) else a for a in ARGUMENTS], nan, inf,
                    x=Const(1.0))  # fmt: skip
    (const, array, var, nested, listed, fn, flag, three, big, half, text, none, np_scalar,
     got_nan, got_inf) = received["args"]  # fmt: skip
    assert isinstance(const, tf.Tensor) and const.dtype == tf.float32
    assert const.numpy().tolist() == [[1.0, 2.0]]
    assert array.dtype == np.int32 and array.tolist() == [1, 2] and array.flags.writeable
    assert isinstance(var, tf.Variable) and var.numpy().tolist() == [1.0, 2.0]
    assert nested == (1, "a", (None,)) and listed == [2.5, None, [True]]
    assert float(fn(tf.constant(2.0))) == pytest.approx(-3.0)  # 1 - 2x
    assert flag is True and type(three) is int and three == 3 and big == 2**80
    assert half == -0.5 and text == "텐서" and none is None and np_scalar == 0.25
    assert math.isnan(got_nan) and got_inf == inf
    assert received["kwargs"]["x"].numpy() == 1.0


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[]",
        b'{"op": "delete", "exercise": "ex_probe"}',  # no such operation
        b'{"op": "call", "exercise": "ex_probe"}',  # no function
        b'{"op": "attr", "exercise": "ex_probe", "name": "X", "extra": 1}',
        b'{"op": "read", "exercise": "ex_probe", "ref": -1}',
        b'{"op": "call", "exercise": "ex_probe", "function": "f", "args": [{"t": "pickle"}]}',
        json.dumps({"op": "attr", "exercise": "ex_probe", "name": "x" * 500}).encode(),
        b'{"op": "call", "exercise": "never_loaded", "function": "f"}',
        b'{"op": "load", "exercise": "ex_probe", "filename": "ex_probe.py", "source": "%%%"}',
        b"[" * 100_000,
    ],
)
def test_a_request_outside_the_schema_is_answered_as_a_protocol_error(raw: bytes) -> None:
    agent, _ = _served({"f": lambda: 1})
    reply = decode_reply(answer(raw, {EXERCISE: agent}))
    assert reply.failure is not None and reply.failure.category == "exception"
    assert reply.failure.exc_type == "ProtocolError", reply.failure


@pytest.mark.parametrize(
    ("source", "category", "exc_type"),
    [
        (b"X = 1\n", None, None),
        (b"def broken(:\n", "load", "SyntaxError"),
        (b"# coding: klingon\nX = 1\n", "load", "LoadError"),
        (b"raise RuntimeError('at import')\n", "load", "RuntimeError"),
    ],
)
def test_a_load_request_loads_the_file_in_the_child(source, category, exc_type) -> None:
    agents: dict[str, Agent] = {}
    raw = LoadRequest(
        exercise="ex_wire_load",
        filename="ex_wire_load.py",
        source=base64.b64encode(source).decode(),
    ).encode()
    try:
        reply = decode_reply(answer(raw, agents))
    finally:
        sys.modules.pop("ex_wire_load", None)
    if category is None:
        assert reply.failure is None and reply.unwrap().kind == "none"
        assert "ex_wire_load" in agents
    else:
        assert reply.failure is not None
        assert (reply.failure.category, reply.failure.exc_type) == (category, exc_type)


def test_a_handle_the_child_never_gave_is_an_exception_not_a_crash() -> None:
    agent, _ = _served({"f": lambda v: v})
    raw = CallRequest(exercise=EXERCISE, function="f", args=[encode_argument(Ref(99))]).encode()
    reply = decode_reply(answer(raw, {EXERCISE: agent}))
    assert reply.failure is not None and reply.failure.exc_type == "KeyError"


# ---------------------------------------------------------------------- replies
def _figure():
    figure = Figure()  # no pyplot: nothing global to close
    ax = figure.add_subplot()
    ax.scatter([0.0, 1.0], [1.0, 0.0], c=["red", "blue"])
    ax.plot([0.0, 1.0], [0.0, 1.0])
    return figure


class Opaque:
    pass


VALUES = {
    "tensor": lambda: tf.constant([[1.0, 2.0]]),
    "variable": lambda: tf.Variable([3, 4]),
    "ndarray": lambda: np.arange(6, dtype=np.int16).reshape(2, 3),
    "float": lambda: 1.5,
    "int": lambda: 7,
    "bool": lambda: True,
    "str": lambda: "손실",
    "none": lambda: None,
    "list": lambda: [1, [2.0]],
    "tuple": lambda: (tf.constant(1.0), "a"),
    "class": lambda: Opaque,
    "figure": _figure,
    "object": lambda: Opaque(),
}


@pytest.mark.parametrize("kind", VALUES)
def test_every_value_kind_survives_the_wire(kind: str) -> None:
    obj = VALUES[kind]()
    reply = decode_reply(returned(describe(obj, Registry()), output="printed").encode())
    value = reply.unwrap()
    assert value.kind == kind and reply.output == "printed"
    if kind in ("tensor", "variable", "ndarray", "float", "int", "bool"):
        assert np.array_equal(value.numpy(), np.asarray(obj)) and not value.numpy().flags.writeable
    if kind in ("tensor", "variable", "ndarray"):
        assert value.shape == tuple(np.shape(obj)) and value.dtype == np.asarray(obj).dtype.name
    if kind == "variable":
        assert value.ref is not None and value.same_as == value.ref and value.trainable
    if kind in ("list", "tuple"):
        expected = {"list": ["int", "list"], "tuple": ["tensor", "str"]}[kind]
        assert [item.kind for item in value.items] == expected
    if kind == "str":
        assert value.text == "손실"
    if kind == "class":
        assert value.text is not None and value.text.endswith("Opaque")
    if kind == "figure":
        (axes,) = value.figure.axes
        assert axes.scatters[0].offsets.tolist() == [[0.0, 1.0], [1.0, 0.0]]
        assert axes.lines[0].y.tolist() == [0.0, 1.0]
    if kind == "object":
        assert value.ref is not None and value.type_name.endswith("Opaque")


@pytest.mark.parametrize("category", typing.get_args(FailureCategory))
def test_every_failure_category_survives_the_wire(category: str) -> None:
    reply = decode_reply(failed(category, exc_type="E", message="m", detail="d").encode())
    assert reply.value is None and reply.failure == StudentFailure(category, "E", "m", "d")


def test_a_failure_is_always_sendable_whatever_its_text() -> None:
    """Texts are cut to the schema's bounds where the reply is built: a long message from the
    grader's own side (remote) or a student's exception name never turns into a ProtocolError."""
    remote = decode_reply(failure_reply("too_large", "x" * (MAX_TEXT + 100)))
    assert remote.failure is not None and len(remote.failure.message) == MAX_TEXT
    student = decode_reply(failed("exception", exc_type="E" * 1000, detail="d" * 10**5).encode())
    assert student.failure is not None and student.failure.exc_type == "E" * MAX_NAME


def test_text_that_is_no_utf8_still_reaches_the_grader() -> None:
    """A lone surrogate (a file name decoded with surrogateescape) in a message, in printed
    output or in a returned string is shown as ``?``, not lost to an encoding error."""

    def odd(kind: str):
        print("printed \udcff")
        if kind == "raise":
            raise ValueError("file \udcff.py")
        return "text \ud800"

    _, submission = _served({"odd": odd})
    with pytest.raises(StudentError) as caught:
        submission.call("odd", "raise")
    assert caught.value.failure.message == "file ?.py"
    assert submission.call("odd", "return").text == "text ?"
    assert submission.output.text() == "printed ?\n" * 2


@pytest.mark.parametrize(
    "returns",
    [
        lambda: np.zeros((0, 2**40)),  # a dimension no tensor has
        lambda: np.zeros((1,) * 9),  # more dimensions than the schema carries
        lambda: np.zeros(2, dtype=[("x" * 60, "f4")]),  # a dtype name longer than allowed
        lambda: [np.zeros((1,) * 9)],  # inside a list: the whole value is unfit
    ],
    ids=["dimension", "rank", "dtype-name", "nested"],
)
def test_a_value_the_schema_cannot_carry_is_a_protocol_error_for_the_grader(returns) -> None:
    """Found where the value is described, it ends as a reply that broke the schema would:
    ``ProtocolError`` (the student sees "cannot be graded"), not an internal error."""
    _, submission = _served({"f": returns})
    with pytest.raises(ProtocolError):
        submission.call("f")


def _reply(**fields) -> bytes:
    return json.dumps(fields).encode()


NONE_VALUE = {"kind": "none", "type": "builtins.NoneType"}


def _nested(levels: int) -> dict:
    value: dict = dict(NONE_VALUE)
    for _ in range(levels):
        value = {"kind": "list", "type": "builtins.list", "items": [value]}
    return value


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"null",
        b"\xff\xfe",
        _reply(ok=True),
        _reply(ok=False, value=NONE_VALUE),
        _reply(ok=True, value=NONE_VALUE, failure={"category": "crash"}),
        _reply(ok=True, value={**NONE_VALUE, "secret": 1}),
        _reply(ok=True, value={"kind": "pickle", "type": "x"}),
        _reply(ok=True, value={**NONE_VALUE, "type": "t" * 201}),
        _reply(ok=True, value=NONE_VALUE, output="o" * (4 * MAX_TEXT + 1)),
        _reply(ok=False, failure={"category": "passed"}),
        _reply(ok=False, failure={"category": "unfit", "message": "forged"}),
        _reply(ok=True, value=_nested(8)),
        _reply(ok=True, value={**NONE_VALUE, "items": [NONE_VALUE] * 65}),
        _reply(
            ok=True,
            value={
                "kind": "tensor",
                "type": "t",
                "array": {"dtype": "object", "shape": [1], "data": "AAAAAAAAAAA="},
            },
        ),
        b'{"ok": true, "value": ' * 50_000,
    ],
)
def test_a_reply_outside_the_schema_is_a_protocol_error(raw: bytes) -> None:
    with pytest.raises(ProtocolError):
        decode_reply(raw)
