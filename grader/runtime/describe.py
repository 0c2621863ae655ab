"""Turn any object a student's function returns into the plain-data record graders read.

The record holds numbers and facts (kind, dtype, shape, device, trainable, identity) and never
the object itself; objects with state are kept in a registry and named by a handle.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from grader import protocol
from grader.protocol import ALLOWED_DTYPES, MAX_ARRAY_ELEMENTS, MAX_DEPTH, MAX_ITEMS, MAX_TEXT


class TooLarge(Exception):
    """The object is too large to send back to the grader."""


class Registry:
    """Objects that stay on the student's side, each named by a small integer handle."""

    def __init__(self) -> None:
        self._objects: dict[int, Any] = {}

    def add(self, obj: Any) -> int:
        for handle, known in self._objects.items():
            if known is obj:
                return handle
        handle = len(self._objects) + 1
        self._objects[handle] = obj
        return handle

    def get(self, handle: int) -> Any:
        return self._objects[handle]

    def handle_of(self, obj: Any) -> int | None:
        for handle, known in self._objects.items():
            if known is obj:
                return handle
        return None


def encode_array(array: np.ndarray) -> dict[str, Any]:
    if array.size > MAX_ARRAY_ELEMENTS:
        raise TooLarge(f"{array.size} elements")
    return protocol.encode_array(array)


def _numeric(array: np.ndarray) -> dict[str, Any] | None:
    """Numbers of a numeric array; None for strings, objects and exotic dtypes."""
    if array.dtype.kind == "f" and array.dtype.itemsize == 2:
        array = array.astype(np.float32)
    if str(array.dtype) in ALLOWED_DTYPES:
        return encode_array(array)
    return None


def _text(value: object) -> str:
    return str(value)[:MAX_TEXT]


def _type_name(obj: Any) -> str:
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"[:200]


def _tensor_record(obj: Any, kind: str) -> dict[str, Any]:
    shape = [int(d) if d is not None else -1 for d in obj.shape]
    size = int(np.prod(shape)) if shape else 1
    if size > MAX_ARRAY_ELEMENTS:
        raise TooLarge(f"{size} elements")
    record: dict[str, Any] = {
        "kind": kind,
        "type": _type_name(obj),
        "dtype": obj.dtype.name,
        "shape": shape,
        "device": _text(getattr(obj, "device", "") or ""),
    }
    if obj.dtype.is_numpy_compatible and obj.dtype != tf.string:
        record["array"] = _numeric(np.asarray(obj.numpy()))
    return record


def _figure_record(figure: Any) -> dict[str, Any]:
    from matplotlib.collections import PathCollection

    axes = []
    for ax in figure.axes[:16]:
        scatters = []
        for collection in ax.collections[:MAX_ITEMS]:
            if not isinstance(collection, PathCollection):
                continue
            offsets = np.asarray(collection.get_offsets(), dtype=np.float64).reshape(-1, 2)
            mapped = collection.get_array()
            colors = (
                np.asarray(mapped, dtype=np.float64).reshape(-1)
                if mapped is not None
                else np.asarray(collection.get_facecolors(), dtype=np.float64).reshape(-1, 4)
            )
            scatters.append({"offsets": encode_array(offsets), "colors": encode_array(colors)})
        lines = [
            {
                "x": encode_array(np.asarray(line.get_xdata(), dtype=np.float64).reshape(-1)),
                "y": encode_array(np.asarray(line.get_ydata(), dtype=np.float64).reshape(-1)),
            }
            for line in ax.get_lines()[:MAX_ITEMS]
        ]
        axes.append({"scatters": scatters, "lines": lines})
    return {"axes": axes}


def describe(obj: Any, registry: Registry, depth: int = 0) -> dict[str, Any]:
    """Describe ``obj`` as a JSON-ready record (the schema is ``protocol.WireValue``)."""
    record = _describe(obj, registry, depth)
    same = registry.handle_of(obj)
    if same is not None:
        record["same_as"] = same
    return record


def _describe(obj: Any, registry: Registry, depth: int) -> dict[str, Any]:
    if isinstance(obj, tf.Variable):
        record = _tensor_record(obj, "variable")
        record["trainable"] = bool(obj.trainable)
        record["ref"] = registry.add(obj)
        return record
    if isinstance(obj, tf.Tensor):
        return _tensor_record(obj, "tensor")
    if isinstance(obj, np.ndarray):
        return {
            "kind": "ndarray",
            "type": _type_name(obj),
            "dtype": str(obj.dtype),
            "shape": list(obj.shape),
            "array": _numeric(obj),
        }
    if obj is None:
        return {"kind": "none", "type": "builtins.NoneType"}
    if isinstance(obj, bool | np.bool_):
        return {"kind": "bool", "type": _type_name(obj), "array": encode_array(np.asarray(obj))}
    if isinstance(obj, int | np.integer):
        return {"kind": "int", "type": _type_name(obj), "array": encode_array(np.asarray(obj))}
    if isinstance(obj, float | np.floating):
        return {
            "kind": "float",
            "type": _type_name(obj),
            "array": encode_array(np.asarray(obj, dtype=np.float64)),
        }
    if isinstance(obj, str):
        return {"kind": "str", "type": "builtins.str", "text": _text(obj)}
    if isinstance(obj, list | tuple):
        if depth >= MAX_DEPTH - 1 or len(obj) > MAX_ITEMS:
            raise TooLarge(f"a {type(obj).__name__} of {len(obj)} items")
        return {
            "kind": "list" if isinstance(obj, list) else "tuple",
            "type": _type_name(obj),
            "items": [describe(item, registry, depth + 1) for item in obj],
        }
    if isinstance(obj, type):
        return {"kind": "class", "type": "builtins.type", "text": _type_name_of_class(obj)}
    if _is_figure(obj):
        return {
            "kind": "figure",
            "type": _type_name(obj),
            "figure": _figure_record(obj),
            "ref": registry.add(obj),
        }
    return {"kind": "object", "type": _type_name(obj), "ref": registry.add(obj)}


def _type_name_of_class(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"[:200]


def _is_figure(obj: Any) -> bool:
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        return False
    return isinstance(obj, Figure)
