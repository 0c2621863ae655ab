"""Turn any object a student's function returns into the plain-data record graders read.

The record holds numbers and facts (kind, dtype, shape, device, trainable, identity) and never
the object itself; objects with state are kept in a registry and named by a handle. It is built
as plain fields and validated as a whole by ``grader.wire.replies.returned`` (one pass through
the schema is cheaper than a model per part): a value the schema cannot carry (a dimension or a
dtype name no grader can use) fails there, and the grader takes it as a ``ProtocolError``.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import tensorflow as tf

from grader.wire.values import (
    ALLOWED_DTYPES,
    MAX_ARRAY_ELEMENTS,
    MAX_AXES,
    MAX_DEPTH,
    MAX_ITEMS,
    MAX_NAME,
    MAX_TEXT,
    array_fields,
    sendable,
)

MAX_MARKER_POINTS = 100_000  # far more than any grader's dataset


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
    return array_fields(array)


def _numeric(array: np.ndarray) -> dict[str, Any] | None:
    """Numbers of a numeric array; None for strings, objects and exotic dtypes."""
    if array.dtype.kind == "f" and array.dtype.itemsize == 2:
        array = array.astype(np.float32)
    if str(array.dtype) in ALLOWED_DTYPES:
        return encode_array(array)
    return None


def _text(value: object) -> str:
    return sendable(str(value), MAX_TEXT)


def _type_name(obj: Any) -> str:
    return _type_name_of_class(type(obj))


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


def _rgba_rows(colours: Any) -> np.ndarray:
    return np.asarray(colours, dtype=np.float64).reshape(-1, 4)


def _collection_markers(collection: Any) -> tuple[np.ndarray, np.ndarray]:
    """A scatter's points and the RGBA colour each one shows (mapped values already applied)."""
    offsets = np.asarray(collection.get_offsets(), dtype=np.float64).reshape(-1, 2)
    collection.update_scalarmappable()  # maps c=values through the colormap, as drawing does
    colours = _rgba_rows(collection.get_facecolors())
    if len(colours) == 0 or not np.any(colours[:, 3] > 0):  # hollow markers show their edges
        colours = _rgba_rows(collection.get_edgecolors())
    return offsets, colours


def _line_markers(line: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """The points a Line2D draws as markers (``ax.plot(x, y, "o")``), in the marker's colour."""
    if line.get_marker() in (None, "", " ", "None", "none"):
        return None
    from matplotlib.colors import to_rgba

    xy = np.asarray(line.get_xydata(), dtype=np.float64).reshape(-1, 2)
    face = line.get_markerfacecolor()
    colour = to_rgba(face if face not in ("none", "None") else line.get_markeredgecolor())
    if colour[3] == 0:
        colour = to_rgba(line.get_markeredgecolor())
    return xy, _rgba_rows(colour)


def _merged_markers(sets: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, Any] | None:
    """All marker sets of one axes as one, in drawing order, with one RGBA row per point.

    One set whatever the number of calls (a loop that plots each point by itself makes
    hundreds), and the order keeps what shows where markers overlap: the one drawn last.
    A set of more than ``MAX_MARKER_POINTS`` points (a background grid, a curve drawn with
    dots) cannot be the graders' data and is left out rather than sent.
    """
    offsets, colours = [], []
    for points, rows in sets:
        if not 0 < len(points) <= MAX_MARKER_POINTS:
            continue
        offsets.append(points)
        colours.append(rows[np.arange(len(points)) % len(rows)] if len(rows) else
                       np.zeros((len(points), 4)))  # fmt: skip
    if not offsets:
        return None
    return {
        "offsets": encode_array(np.concatenate(offsets)),
        "colors": encode_array(np.concatenate(colours)),
    }


def _axline_vertices(ax: Any, line: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """Two points of an infinite ``ax.axline``, at the axes' x limits (y limits if vertical).

    An AxLine's own data is a placeholder; the line is defined by a point and a second point
    or a slope, in data coordinates unless another transform was given (then it is skipped).
    """
    from matplotlib.artist import Artist

    if Artist.get_transform(line) is not ax.transData:  # AxLine computes its own on drawing
        return None  # given in axes or figure coordinates: not a line in the data's space
    (x1, y1) = (float(v) for v in line.get_xy1())
    xy2, slope = line.get_xy2(), line.get_slope()
    if xy2 is not None:
        dx, dy = float(xy2[0]) - x1, float(xy2[1]) - y1
    elif slope is not None:
        dx, dy = 1.0, float(slope)
    else:
        return None
    if dx == 0 or not np.isfinite(dy / dx):
        low, high = ax.get_ylim()
        return np.array([x1, x1]), np.array([low, high], dtype=np.float64)
    low, high = ax.get_xlim()
    xs = np.array([low, high], dtype=np.float64)
    return xs, y1 + (xs - x1) * dy / dx


def _path_pieces(path: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """The connected pieces of a matplotlib Path (a new piece at every MOVETO)."""
    from matplotlib.path import Path

    vertices = np.asarray(path.vertices, dtype=np.float64).reshape(-1, 2)
    codes = path.codes
    starts = [0] if codes is None else np.flatnonzero(np.asarray(codes) == Path.MOVETO).tolist()
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    bounds = [*starts, len(vertices)]
    return [
        (vertices[a:b, 0], vertices[a:b, 1]) for a, b in itertools.pairwise(bounds) if b - a >= 2
    ]


def _line_record(x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    return {
        "x": encode_array(np.asarray(x, dtype=np.float64).reshape(-1)),
        "y": encode_array(np.asarray(y, dtype=np.float64).reshape(-1)),
    }


def _axes_record(ax: Any) -> dict[str, Any]:
    """Every set of markers and every line one axes draws, in drawing order.

    What the figure shows, not how it was drawn: markers come from scatters and from lines
    drawn with markers; lines from plotted lines, ``axline``, line collections (``hlines``,
    ``LineCollection``) and unfilled contours. Invisible artists are left out.
    """
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.contour import ContourSet
    from matplotlib.lines import AxLine, Line2D

    artists = [
        a for a in ax.get_children()
        if isinstance(a, Line2D | PathCollection | LineCollection | ContourSet)
        and a.get_visible()
    ]  # fmt: skip
    artists.sort(key=lambda a: a.get_zorder())  # stable: matplotlib's drawing order
    markers: list[tuple[np.ndarray, np.ndarray]] = []
    lines: list[dict[str, Any]] = []
    for artist in artists:
        if isinstance(artist, AxLine):
            vertices = _axline_vertices(ax, artist)
            if vertices is not None:
                lines.append(_line_record(*vertices))
        elif isinstance(artist, Line2D):
            if artist.get_linestyle() not in ("None", "none", "", " "):
                lines.append(_line_record(artist.get_xdata(), artist.get_ydata()))
            drawn = _line_markers(artist)
            if drawn is not None:
                markers.append(drawn)
        elif isinstance(artist, PathCollection):
            markers.append(_collection_markers(artist))
        elif not getattr(artist, "filled", False):  # contour lines, line collections
            for path in artist.get_paths():
                lines.extend(_line_record(x, y) for x, y in _path_pieces(path))
    merged = _merged_markers(markers)
    return {"scatters": [merged] if merged is not None else [], "lines": lines[:MAX_ITEMS]}


def _figure_record(figure: Any) -> dict[str, Any]:
    return {"axes": [_axes_record(ax) for ax in figure.axes[:MAX_AXES]]}


def describe(obj: Any, registry: Registry, depth: int = 0) -> dict[str, Any]:
    """Describe ``obj`` as the fields of a ``grader.wire.values.WireValue``."""
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
    return sendable(f"{cls.__module__}.{cls.__qualname__}", MAX_NAME)


def _is_figure(obj: Any) -> bool:
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        return False
    return isinstance(obj, Figure)
