"""Replies that lie about their numbers are the student's fault, reported as such.

A hostile child can write any bytes to its socket. Shapes whose product overflows a machine
integer, or that no array could have, must come out as ``ProtocolError`` (shown to the student as
"your code returned something that cannot be graded"), never as an OverflowError or ValueError
that the plugin would report as an internal grader error. Requests obey the same bounds on the
student's side: an array argument is checked by the same code before it becomes a tensor.
"""

from __future__ import annotations

import json

import pytest

from grader.wire.protocol import ProtocolError, decode_reply
from grader.wire.requests import decode_request
from grader.wire.values import decode_array

ABSURD_SHAPES = [[2**70], [2**32, 2**32], [2**31, 2**31, 4], [-1], [2**63], [10**30, 0]]


def _array_reply(shape: list[int], data: str = "") -> bytes:
    array = {"dtype": "float32", "shape": shape, "data": data}
    value = {"kind": "tensor", "type": "EagerTensor", "array": array}
    return json.dumps({"ok": True, "value": value}).encode()


def _shape_only_reply(shape: list[int]) -> bytes:
    value = {"kind": "tensor", "type": "EagerTensor", "dtype": "float32", "shape": shape}
    return json.dumps({"ok": True, "value": value}).encode()


@pytest.mark.parametrize("shape", ABSURD_SHAPES, ids=str)
def test_absurd_array_shape_is_a_protocol_error(shape):
    with pytest.raises(ProtocolError):
        decode_reply(_array_reply(shape))


@pytest.mark.parametrize("shape", ABSURD_SHAPES, ids=str)
def test_absurd_reported_shape_is_a_protocol_error(shape):
    reply = _shape_only_reply(shape)
    try:
        value = decode_reply(reply).value
    except ProtocolError:
        return
    assert value is not None and all(0 <= d < 2**31 for d in value.shape), value.shape


def test_shape_that_does_not_match_the_data_is_a_protocol_error():
    with pytest.raises(ProtocolError):
        decode_reply(_array_reply([2, 2], "AAAA"))


def test_a_real_array_still_decodes():
    value = decode_reply(_array_reply([1], "AACAPw==")).value
    assert value is not None and value.numpy().tolist() == [1.0]


def _array_request(shape: list[int], data: str = "") -> bytes:
    array = {"t": "const", "dtype": "float32", "shape": shape, "data": data}
    return json.dumps({"op": "call", "exercise": "ex", "function": "f", "args": [array]}).encode()


@pytest.mark.parametrize("shape", ABSURD_SHAPES, ids=str)
def test_absurd_shape_in_a_request_is_a_protocol_error(shape):
    with pytest.raises(ProtocolError):
        decode_array(decode_request(_array_request(shape)).args[0], writable=True)


def test_request_array_that_does_not_match_its_shape_is_a_protocol_error():
    with pytest.raises(ProtocolError):
        decode_array(decode_request(_array_request([2, 2], "AAAA")).args[0], writable=True)
