"""Values: what a grader learns about one object in the student's process, and the arrays that
carry numbers both ways.

The ``Wire*`` models are the JSON schema with the size bounds a student's process must respect;
the frozen dataclasses (``Value`` and its parts) are what graders read once a reply has been
validated. Arrays travel as dtype, shape and base64 bytes, never as pickles or Python objects.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

# Limits on what a student's process may send back; larger answers are rejected, not parsed.
MAX_MESSAGE_BYTES = 32 * 1024 * 1024
MAX_ARRAY_ELEMENTS = 2_000_000
MAX_TEXT = 4000
MAX_NAME = 200  # a type, exception, function or device name
MAX_ITEMS = 64
MAX_DEPTH = 6
MAX_DIMENSIONS = 8
MAX_AXES = 16
ALLOWED_DTYPES = (
    "float16", "float32", "float64", "int8", "int16", "int32", "int64",
    "uint8", "uint16", "uint32", "uint64", "bool",
)  # fmt: skip

ValueKind = Literal[
    "tensor", "variable", "ndarray", "float", "int", "bool", "str", "none",
    "list", "tuple", "class", "figure", "object",
]  # fmt: skip


class ProtocolError(Exception):
    """A message from the other side is malformed, too large or inconsistent."""


class Wire(BaseModel):
    """Base of every message model: unknown fields are refused, and NaN and infinities survive
    the trip (``json.dumps`` wrote them as ``NaN``/``Infinity``; pydantic would write null)."""

    model_config = ConfigDict(extra="forbid", frozen=True, ser_json_inf_nan="constants")

    def encode(self) -> bytes:
        """The JSON bytes of a frame, straight from the serializer (``model_dump_json`` would
        make a ``str`` of a 20 MB array only for it to be encoded again)."""
        return self.__pydantic_serializer__.to_json(self)


def sendable(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` and made UTF-8: a lone surrogate (a file name decoded with
    ``surrogateescape``, a string built from escapes) would fail the whole message, so it
    becomes ``?`` and the student's odd string is still shown. Senders call this where a text
    is put into a message (a validator would cost every message on both sides)."""
    text = text[:limit]
    if text.isascii():
        return text
    try:
        text.encode()
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode()
    return text


# No tensor has a larger dimension; bounds every shape before any arithmetic on it.
Dimension = Annotated[int, Field(ge=0, le=2**31 - 1)]
Shape = Annotated[list[Dimension], Field(max_length=MAX_DIMENSIONS)]


class WireArray(Wire):
    dtype: Literal[ALLOWED_DTYPES]  # type: ignore[valid-type]
    shape: Shape
    data: str = Field(max_length=MAX_MESSAGE_BYTES)  # base64 of the C-order bytes


class WireScatter(Wire):
    offsets: WireArray
    colors: WireArray


class WireLine(Wire):
    x: WireArray
    y: WireArray


class WireAxes(Wire):
    scatters: list[WireScatter] = Field(max_length=MAX_ITEMS)
    lines: list[WireLine] = Field(max_length=MAX_ITEMS)


class WireFigure(Wire):
    axes: list[WireAxes] = Field(max_length=MAX_AXES)


class WireValue(Wire):
    kind: ValueKind
    type: str = Field(max_length=MAX_NAME)
    dtype: str | None = Field(default=None, max_length=40)
    shape: Shape | None = None
    array: WireArray | None = None
    device: str | None = Field(default=None, max_length=MAX_NAME)
    trainable: bool | None = None
    ref: int | None = Field(default=None, ge=0)
    same_as: int | None = Field(default=None, ge=0)
    items: list[WireValue] = Field(default_factory=list, max_length=MAX_ITEMS)
    text: str | None = Field(default=None, max_length=MAX_TEXT)
    figure: WireFigure | None = None


def array_fields(array: np.ndarray) -> dict[str, Any]:
    """The fields of a ``WireArray`` (or of an argument that is one) for ``array``."""
    shape = list(array.shape)  # ascontiguousarray would turn a 0-d array into shape (1,)
    array = np.ascontiguousarray(array)
    return {
        "dtype": str(array.dtype),
        "shape": shape,
        "data": base64.b64encode(array.tobytes()).decode("ascii"),
    }


def encode_array(array: np.ndarray) -> WireArray:
    """A NumPy array as it travels; its dtype must be one of ``ALLOWED_DTYPES``."""
    return WireArray(**array_fields(array))


def decode_array(wire: WireArray, *, writable: bool) -> np.ndarray:
    """The array of validated wire data; ProtocolError if the numbers lie. Read-only unless
    ``writable`` (then a copy: a student's function may change an array it is given)."""
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
    array = np.frombuffer(raw, dtype=dtype).reshape(wire.shape)  # a view of immutable bytes
    return array.copy() if writable else array


# --------------------------------------------------------------------------- graders' view
@dataclass(frozen=True)
class Ref:
    """Handle to an object that stays in the student's process (e.g. a tf.Variable)."""

    id: int


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

    def numpy(self) -> np.ndarray:
        if self.array is None:
            raise ProtocolError(f"a {self.kind} value carries no numbers")
        return self.array


def depth(value: WireValue) -> int:
    return 1 + max((depth(item) for item in value.items), default=0)


def _numbers(wire: WireArray) -> np.ndarray:
    return decode_array(wire, writable=False)


def value_from_wire(wire: WireValue) -> Value:
    """The graders' record of a validated wire value (arrays read-only)."""
    return Value(
        kind=wire.kind,
        type_name=wire.type,
        dtype=wire.dtype,
        shape=tuple(wire.shape) if wire.shape is not None else None,
        array=_numbers(wire.array) if wire.array is not None else None,
        device=wire.device,
        trainable=wire.trainable,
        ref=Ref(wire.ref) if wire.ref is not None else None,
        same_as=Ref(wire.same_as) if wire.same_as is not None else None,
        items=tuple(value_from_wire(item) for item in wire.items),
        text=wire.text,
        figure=_figure_from_wire(wire.figure) if wire.figure is not None else None,
    )


def _figure_from_wire(wire: WireFigure) -> FigureInfo:
    def scatter(s: WireScatter) -> Scatter:
        return Scatter(_numbers(s.offsets), _numbers(s.colors))

    def line(ln: WireLine) -> Line:
        return Line(_numbers(ln.x), _numbers(ln.y))

    return FigureInfo(
        tuple(
            AxesInfo(tuple(scatter(s) for s in ax.scatters), tuple(line(ln) for ln in ax.lines))
            for ax in wire.axes
        )
    )
