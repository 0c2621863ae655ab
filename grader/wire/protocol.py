"""Plain data exchanged between graders and a student's code.

Graders never hold a student object. They send arguments described here (arrays, numbers,
strings, handles, function specs) and get back ``Value`` records: numbers plus facts such as
"is a tf.Variable", dtype, shape, device, "same object as argument 2". The same records are
used in-process (``course check``, notebooks) and across the sandbox boundary, where they travel
as JSON and are validated here before a grader sees them: nothing from a student's process is
ever imported, evaluated or unpickled.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

# Limits on what a student's process may send back; larger answers are rejected, not parsed.
MAX_MESSAGE_BYTES = 32 * 1024 * 1024
MAX_ARRAY_ELEMENTS = 2_000_000
MAX_TEXT = 4000
MAX_ITEMS = 64
MAX_DEPTH = 6
ALLOWED_DTYPES = (
    "float16", "float32", "float64", "int8", "int16", "int32", "int64",
    "uint8", "uint16", "uint32", "uint64", "bool",
)  # fmt: skip

ValueKind = Literal[
    "tensor", "variable", "ndarray", "float", "int", "bool", "str", "none",
    "list", "tuple", "class", "figure", "object",
]  # fmt: skip

FailureCategory = Literal[
    "exception", "not_implemented", "missing", "timeout", "crash", "memory", "too_large",
    "load", "no_file", "sandbox",
]  # fmt: skip


class ProtocolError(Exception):
    """A message from a student's process is malformed, too large or inconsistent."""


# --------------------------------------------------------------------------- arguments
@dataclass(frozen=True)
class Ref:
    """Handle to an object that stays in the student's process (e.g. a tf.Variable)."""

    id: int


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


def encode_array(array: np.ndarray) -> dict[str, Any]:
    shape = list(array.shape)  # ascontiguousarray would turn a 0-d array into shape (1,)
    array = np.ascontiguousarray(array)
    return {
        "dtype": str(array.dtype),
        "shape": shape,
        "data": base64.b64encode(array.tobytes()).decode("ascii"),
    }


def encode_argument(arg: Any) -> Any:
    """Grader argument → JSON-compatible description (trusted direction)."""
    if isinstance(arg, Ref):
        return {"t": "ref", "id": arg.id}
    if isinstance(arg, Const):
        return {"t": "const", **encode_array(np.asarray(arg.value, dtype=np.float32))}
    if isinstance(arg, Array):
        return {"t": "array", **encode_array(np.asarray(arg.value, dtype=arg.dtype))}
    if isinstance(arg, FnSpec):
        return {"t": "fn", "kind": arg.kind, "coefs": [float(c) for c in arg.coefs]}
    if isinstance(arg, tuple):
        return {"t": "tuple", "items": [encode_argument(a) for a in arg]}
    if isinstance(arg, list):
        return [encode_argument(a) for a in arg]
    if isinstance(arg, np.generic):
        return arg.item()
    if arg is None or isinstance(arg, bool | int | float | str):
        return arg
    raise TypeError(f"graders may only send plain data, not {type(arg).__name__}")


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Scatter:
    offsets: np.ndarray  # (n, 2) point coordinates
    colors: np.ndarray  # (n,) colour values or (n, 4) / (1, 4) RGBA rows


@dataclass(frozen=True)
class Line:
    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class AxesInfo:
    scatters: tuple[Scatter, ...]
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class FigureInfo:
    axes: tuple[AxesInfo, ...]


@dataclass(frozen=True)
class Value:
    """What a grader learns about one object in the student's process."""

    kind: ValueKind
    type_name: str
    dtype: str | None = None
    shape: tuple[int, ...] | None = None
    array: np.ndarray | None = None
    device: str | None = None
    trainable: bool | None = None
    ref: Ref | None = None
    same_as: Ref | None = None
    items: tuple[Value, ...] = ()
    text: str | None = None
    figure: FigureInfo | None = None

    @property
    def is_numeric(self) -> bool:
        return self.array is not None

    def numpy(self) -> np.ndarray:
        if self.array is None:
            raise ProtocolError(f"a {self.kind} value carries no numbers")
        return self.array


@dataclass(frozen=True)
class StudentFailure:
    """Why a call into student code did not return a value."""

    category: FailureCategory
    exc_type: str = ""
    message: str = ""
    detail: str = ""  # traceback of the student's frames, truncated


class StudentError(Exception):
    """Raised in a grader when the student's code failed instead of returning."""

    def __init__(self, failure: StudentFailure):
        super().__init__(f"{failure.category}: {failure.exc_type}: {failure.message}")
        self.failure = failure


# --------------------------------------------------------------------------- wire validation
class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# No tensor has a larger dimension; bounds every shape before any arithmetic on it.
Dimension = Annotated[int, Field(ge=0, le=2**31 - 1)]


class WireArray(_Wire):
    dtype: Literal[ALLOWED_DTYPES]  # type: ignore[valid-type]
    shape: list[Dimension] = Field(max_length=8)
    data: str = Field(max_length=MAX_MESSAGE_BYTES)


class WireScatter(_Wire):
    offsets: WireArray
    colors: WireArray


class WireLine(_Wire):
    x: WireArray
    y: WireArray


class WireAxes(_Wire):
    scatters: list[WireScatter] = Field(max_length=MAX_ITEMS)
    lines: list[WireLine] = Field(max_length=MAX_ITEMS)


class WireFigure(_Wire):
    axes: list[WireAxes] = Field(max_length=16)


class WireValue(_Wire):
    kind: ValueKind
    type: str = Field(max_length=200)
    dtype: str | None = Field(default=None, max_length=40)
    shape: list[Dimension] | None = Field(default=None, max_length=8)
    array: WireArray | None = None
    device: str | None = Field(default=None, max_length=200)
    trainable: bool | None = None
    ref: int | None = Field(default=None, ge=0)
    same_as: int | None = Field(default=None, ge=0)
    items: list[WireValue] = Field(default_factory=list, max_length=MAX_ITEMS)
    text: str | None = Field(default=None, max_length=MAX_TEXT)
    figure: WireFigure | None = None


class WireFailure(_Wire):
    category: FailureCategory
    exc_type: str = Field(default="", max_length=200)
    message: str = Field(default="", max_length=MAX_TEXT)
    detail: str = Field(default="", max_length=MAX_TEXT)


class WireReply(_Wire):
    ok: bool
    value: WireValue | None = None
    failure: WireFailure | None = None
    output: str = Field(default="", max_length=MAX_TEXT * 4)


def _decode_array(wire: WireArray) -> np.ndarray:
    count = math.prod(wire.shape)  # exact: no overflow, whatever the dimensions
    if count > MAX_ARRAY_ELEMENTS:
        raise ProtocolError(f"array of {count} elements is larger than allowed")
    try:
        raw = base64.b64decode(wire.data, validate=True)
    except ValueError:
        raise ProtocolError("array data is not base64") from None
    dtype = np.dtype(wire.dtype)
    if len(raw) != count * dtype.itemsize:
        raise ProtocolError("array data does not match its shape")
    array = np.frombuffer(raw, dtype=dtype).reshape(wire.shape).copy()
    array.setflags(write=False)
    return array


def _depth(value: WireValue) -> int:
    return 1 + max((_depth(item) for item in value.items), default=0)


def _decode_value(wire: WireValue) -> Value:
    return Value(
        kind=wire.kind,
        type_name=wire.type,
        dtype=wire.dtype,
        shape=tuple(wire.shape) if wire.shape is not None else None,
        array=_decode_array(wire.array) if wire.array is not None else None,
        device=wire.device,
        trainable=wire.trainable,
        ref=Ref(wire.ref) if wire.ref is not None else None,
        same_as=Ref(wire.same_as) if wire.same_as is not None else None,
        items=tuple(_decode_value(item) for item in wire.items),
        text=wire.text,
        figure=_decode_figure(wire.figure) if wire.figure is not None else None,
    )


def _decode_figure(wire: WireFigure) -> FigureInfo:
    def scatter(s: WireScatter) -> Scatter:
        return Scatter(_decode_array(s.offsets), _decode_array(s.colors))

    def line(ln: WireLine) -> Line:
        return Line(_decode_array(ln.x), _decode_array(ln.y))

    return FigureInfo(
        tuple(
            AxesInfo(tuple(scatter(s) for s in ax.scatters), tuple(line(ln) for ln in ax.lines))
            for ax in wire.axes
        )
    )


@dataclass(frozen=True)
class Reply:
    """A validated answer from the student's side: a value or a failure, plus captured output."""

    value: Value | None
    failure: StudentFailure | None
    output: str = ""

    def unwrap(self) -> Value:
        if self.failure is not None:
            raise StudentError(self.failure)
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
    if wire.ok != (wire.value is not None) or (wire.failure is None) == (wire.value is None):
        raise ProtocolError("reply must carry exactly one of value and failure")
    if wire.value is not None and _depth(wire.value) > MAX_DEPTH:
        raise ProtocolError("reply nests too deeply")
    failure = None
    if wire.failure is not None:
        failure = StudentFailure(**wire.failure.model_dump())
    try:
        value = _decode_value(wire.value) if wire.value is not None else None
    except (ValueError, OverflowError, TypeError, MemoryError) as exc:  # numbers that lie
        raise ProtocolError(f"inconsistent value: {str(exc)[:300]}") from None
    return Reply(value=value, failure=failure, output=wire.output)


@dataclass
class OutputLog:
    """Student output gathered across calls, capped so a flood can never fill memory or disk."""

    limit: int
    parts: list[str] = field(default_factory=list)
    size: int = 0
    truncated: bool = False

    def add(self, text: str) -> None:
        if not text:
            return
        room = self.limit - self.size
        if room <= 0:
            self.truncated = True
            return
        if len(text) > room:
            text, self.truncated = text[:room], True
        self.parts.append(text)
        self.size += len(text)

    def text(self) -> str:
        return "".join(self.parts)
