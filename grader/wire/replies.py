"""Replies: a value or a failure, plus the output the student's code printed.

Every reply is a ``WireReply`` built through ``returned`` or ``failed`` (by the agent, by the
sandbox child and by the grader when it answers for a child that died or stalled) and encoded
with ``Wire.encode``. The grader validates every reply's bytes with ``decode_reply`` before a
grader sees them; whatever a hostile process sends, the outcome is a ``Reply`` or a
``ProtocolError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from grader.wire.values import (
    MAX_DEPTH,
    MAX_MESSAGE_BYTES,
    MAX_NAME,
    MAX_TEXT,
    ProtocolError,
    Value,
    Wire,
    WireValue,
    depth,
    sendable,
    value_from_wire,
)

MAX_OUTPUT = MAX_TEXT * 4

FailureCategory = Literal[
    "exception", "not_implemented", "missing", "timeout", "crash", "memory", "too_large",
    "load", "no_file", "sandbox",
]  # fmt: skip

# The sending side found that a value breaks the schema (a dtype name too long, a dimension
# no array has): the grader treats it exactly as a reply that broke it, as a ProtocolError.
UNFIT = "unfit"
ReplyCategory = FailureCategory | Literal["unfit"]


@dataclass(frozen=True)
class StudentFailure:
    """Why a call into student code did not return a value."""

    category: FailureCategory
    exc_type: str = ""
    message: str = ""
    detail: str = ""  # traceback of the student's frames, truncated


class StudentError(Exception):
    """Raised in a grader when the student's code failed instead of returning; ``function``
    is the student function the grader called ("" when the failure came before any call)."""

    def __init__(self, failure: StudentFailure, function: str = ""):
        super().__init__(f"{failure.category}: {failure.exc_type}: {failure.message}")
        self.failure = failure
        self.function = function


class WireFailure(Wire):
    category: ReplyCategory
    exc_type: str = Field(default="", max_length=MAX_NAME)
    message: str = Field(default="", max_length=MAX_TEXT)
    detail: str = Field(default="", max_length=MAX_TEXT)


class WireReply(Wire):
    ok: bool
    value: WireValue | None = None
    failure: WireFailure | None = None
    output: str = Field(default="", max_length=MAX_OUTPUT)

    @model_validator(mode="after")
    def _exactly_one_of_value_and_failure(self) -> WireReply:
        if self.ok != (self.value is not None) or (self.failure is None) == (self.value is None):
            raise ValueError("reply must carry exactly one of value and failure")
        return self


def returned(value: dict[str, Any], output: str = "") -> WireReply:
    """The reply for a call that returned the value described by ``value`` (the fields of a
    ``WireValue``, validated here in one pass); ``pydantic.ValidationError`` if the schema cannot
    carry it."""
    reply = {"ok": True, "value": value, "output": sendable(output, MAX_OUTPUT)}
    return WireReply.model_validate(reply)


def failed(
    category: ReplyCategory,
    *,
    exc_type: str = "",
    message: str = "",
    detail: str = "",
    output: str = "",
) -> WireReply:
    """The reply for a call that failed; every text is made sendable (cut to its bound, UTF-8),
    so a failure can always be sent, whatever the student's exception says."""
    failure = WireFailure(
        category=category,
        exc_type=sendable(exc_type, MAX_NAME),
        message=sendable(message, MAX_TEXT),
        detail=sendable(detail, MAX_TEXT),
    )
    return WireReply(ok=False, failure=failure, output=sendable(output, MAX_OUTPUT))


@dataclass(frozen=True)
class Reply:
    """A validated answer from the student's side: a value or a failure, plus captured output."""

    value: Value | None
    failure: StudentFailure | None
    output: str = ""

    def unwrap(self, function: str = "") -> Value:
        """The value, or ``StudentError`` naming the ``function`` called."""
        if self.failure is not None:
            raise StudentError(self.failure, function)
        assert self.value is not None
        return self.value


def decode_reply(raw: bytes) -> Reply:
    """Validate untrusted bytes into a Reply; raise ProtocolError on anything unexpected."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ProtocolError("reply is larger than allowed")
    try:
        wire = WireReply.model_validate_json(raw)
    except (ValidationError, ValueError, RecursionError) as exc:
        raise ProtocolError(f"malformed reply: {str(exc)[:300]}") from None
    if wire.value is not None and depth(wire.value) > MAX_DEPTH:
        raise ProtocolError("reply nests too deeply")
    failure = None
    if wire.failure is not None:
        if wire.failure.category == UNFIT:
            raise ProtocolError(f"value outside the schema: {wire.failure.message[:300]}")
        failure = StudentFailure(**wire.failure.model_dump())
    try:
        value = value_from_wire(wire.value) if wire.value is not None else None
    except (ValueError, OverflowError, TypeError, MemoryError) as exc:  # numbers that lie
        raise ProtocolError(f"inconsistent value: {str(exc)[:300]}") from None
    return Reply(value=value, failure=failure, output=wire.output)
