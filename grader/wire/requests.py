"""Requests: what the grader asks of a student's process, one model per operation.

The grader builds them (validated on construction, so a grader bug fails here, not in the
child), the student's side validates the bytes it receives against the same schema before it
acts: an operation, field or argument outside it is a ``ProtocolError``, never a dict lookup on
whatever arrived.

Arguments are plain JSON (numbers, strings, booleans, null) or tagged objects: ``ref`` (a
handle), ``const`` (becomes a float32 ``tf.constant``), ``array`` (a NumPy array), ``fn`` (a
grader-chosen function, see ``grader.student.functions``), ``tuple`` and ``list``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, TypeAdapter, ValidationError

from grader.wire.values import (
    MAX_MESSAGE_BYTES,
    MAX_NAME,
    MAX_TEXT,
    ProtocolError,
    Ref,
    Wire,
    WireArray,
    array_fields,
)

Name = Annotated[str, Field(max_length=MAX_NAME)]


# --------------------------------------------------------------------------- graders' arguments
@dataclass(frozen=True)
class Const:
    """An argument that becomes a float32 ``tf.constant`` in the student's process."""

    value: Any


@dataclass(frozen=True)
class Array:
    """An argument that is passed as a NumPy array."""

    value: Any
    dtype: str = "float32"


@dataclass(frozen=True)
class FnSpec:
    """A grader-chosen function, built into a TensorFlow callable by ``grader.student.functions``.

    ``kind`` names a family (polynomial, sine, …) and ``coefs`` its random coefficients, so the
    student's code is graded on functions it has never seen.
    """

    kind: str
    coefs: tuple[float, ...]


# --------------------------------------------------------------------------- wire arguments
class RefArg(Wire):
    t: Literal["ref"] = "ref"
    id: int = Field(ge=0)


class ConstArg(WireArray):
    t: Literal["const"] = "const"


class ArrayArg(WireArray):
    t: Literal["array"] = "array"


class FnArg(Wire):
    t: Literal["fn"] = "fn"
    kind: str = Field(max_length=40)
    coefs: list[float]  # as many as the family needs (a weight matrix, flattened)


class TupleArg(Wire):
    t: Literal["tuple"] = "tuple"
    items: list[Argument]


class ListArg(Wire):
    t: Literal["list"] = "list"
    items: list[Argument]


TaggedArg = Annotated[
    RefArg | ConstArg | ArrayArg | FnArg | TupleArg | ListArg, Field(discriminator="t")
]
Argument = TaggedArg | bool | int | float | Annotated[str, Field(max_length=MAX_TEXT)] | None
TupleArg.model_rebuild()
ListArg.model_rebuild()


def encode_argument(arg: Any) -> Argument:
    """Grader argument → its wire form (trusted direction)."""
    if isinstance(arg, Ref):
        return RefArg(id=arg.id)
    if isinstance(arg, Const):
        return ConstArg(**array_fields(np.asarray(arg.value, dtype=np.float32)))
    if isinstance(arg, Array):
        return ArrayArg(**array_fields(np.asarray(arg.value, dtype=arg.dtype)))
    if isinstance(arg, FnSpec):
        return FnArg(kind=arg.kind, coefs=[float(c) for c in arg.coefs])
    if isinstance(arg, tuple):
        return TupleArg(items=[encode_argument(a) for a in arg])
    if isinstance(arg, list):
        return ListArg(items=[encode_argument(a) for a in arg])
    if isinstance(arg, np.generic):
        return arg.item()
    if arg is None or isinstance(arg, bool | int | float | str):
        return arg
    raise TypeError(f"graders may only send plain data, not {type(arg).__name__}")


# --------------------------------------------------------------------------- requests
class LoadRequest(Wire):
    """Load an exercise file (sandbox only; in-process the agent loads it directly)."""

    op: Literal["load"] = "load"
    exercise: Name
    filename: str = Field(max_length=255)
    source: str = Field(max_length=MAX_MESSAGE_BYTES)  # base64 of the file's bytes


class CallRequest(Wire):
    op: Literal["call"] = "call"
    exercise: Name
    function: Name
    args: list[Argument] = Field(default_factory=list)
    kwargs: dict[Name, Argument] = Field(default_factory=dict)


class AttrRequest(Wire):
    op: Literal["attr"] = "attr"
    exercise: Name
    name: Name


class NewRequest(Wire):
    """Create a grader-owned object on the student's side, kept behind a handle."""

    op: Literal["new"] = "new"
    exercise: Name
    kind: Literal["variable", "constant", "ndarray"]
    value: WireArray
    device: Name | None = None


class ReadRequest(Wire):
    op: Literal["read"] = "read"
    exercise: Name
    ref: int = Field(ge=0)


class EnvRequest(Wire):
    """The GPUs TensorFlow sees on the student's side."""

    op: Literal["env"] = "env"
    exercise: Name


AgentRequest = CallRequest | AttrRequest | NewRequest | ReadRequest | EnvRequest
Request = Annotated[LoadRequest | AgentRequest, Field(discriminator="op")]
_REQUEST: TypeAdapter[Request] = TypeAdapter(Request)


def decode_request(raw: bytes) -> Request:
    """Validate a request's bytes; raise ProtocolError on anything outside the schema."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ProtocolError("request is larger than allowed")
    try:
        return _REQUEST.validate_json(raw)
    except (ValidationError, ValueError, RecursionError) as exc:
        raise ProtocolError(f"malformed request: {str(exc)[:300]}") from None


def function_of(request: Request) -> str:
    """The student function ``request`` calls ("" for any other request): what a time limit
    that fails a function's later calls (in the sandbox or in-process) and a failure's root
    cause are keyed by."""
    return request.function if isinstance(request, CallRequest) else ""


def called_function(raw: bytes) -> str:
    """``function_of`` the request in ``raw``."""
    return function_of(decode_request(raw))
