"""Plots for the reports, drawn here from plain numbers with matplotlib's Agg renderer.

The student's own figure object never reaches this process: the engine sends the predicted
classes and the boundary line as numbers, and we redraw them next to the reference. Labels are
ASCII only because matplotlib's default font has no Hangul glyphs (they would render as boxes).
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

MAX_POINTS = 5000  # the grader's datasets are far smaller; bound what we draw
MAX_LINE_POINTS = 1000
CLASS_COLORS = ("#1f77b4", "#ff7f0e")


def figure_to_data_uri(figure: Figure) -> str:
    """Render ``figure`` to PNG and return a ``data:`` URI for an ``<img src>``."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _points(raw: Any) -> np.ndarray | None:
    """``[[x, y], ...]`` as a finite (n, 2) float array, or None when it is not that."""
    try:
        array = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        return None
    if array.ndim != 2 or array.shape[1] != 2 or len(array) == 0:
        return None
    array = array[:MAX_POINTS]
    return array if np.isfinite(array).all() else None


def _classes(raw: Any, count: int) -> np.ndarray | None:
    try:
        array = np.asarray(raw, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return None
    if len(array) < count or not np.isfinite(array[:count]).all():
        return None
    return (array[:count] > 0.5).astype(int)


def _line(raw: Any) -> np.ndarray | None:
    try:
        array = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        return None
    if array.ndim != 2 or array.shape[0] != 2 or array.shape[1] < 2:
        return None
    array = array[:, :MAX_LINE_POINTS]
    return array if np.isfinite(array).all() else None


def _draw_panel(axes: Any, points: np.ndarray, side: Any, title: str) -> None:
    axes.set_title(title)
    axes.set_xlabel("x")
    axes.set_ylabel("y")
    classes = _classes(side.get("colors"), len(points)) if isinstance(side, dict) else None
    if classes is None:
        axes.scatter(points[:, 0], points[:, 1], s=6, c="#999999")
        axes.text(
            0.5,
            0.5,
            "no valid prediction",
            transform=axes.transAxes,
            ha="center",
            va="center",
            color="#b00020",
            fontsize=12,
        )
    else:
        for label in (0, 1):
            chosen = points[classes == label]
            axes.scatter(
                chosen[:, 0], chosen[:, 1], s=6, c=CLASS_COLORS[label], label=f"class {label}"
            )
        axes.legend(loc="upper right", fontsize=8)
    line = _line(side.get("line")) if isinstance(side, dict) else None
    if line is not None:
        axes.plot(line[0], line[1], "-r", linewidth=2)


def decision_boundary_png(plot: dict[str, Any]) -> str | None:
    """Student and reference decision boundaries side by side, as a PNG data URI.

    Returns None when there are no usable input points; a missing or broken student side
    still yields the figure, with the student's panel marked as not drawable.
    """
    points = _points(plot.get("inputs"))
    if points is None:
        return None
    figure = Figure(figsize=(9, 4.2))
    left, right = figure.subplots(1, 2, sharex=True, sharey=True)
    _draw_panel(left, points, plot.get("student"), "Your model")
    _draw_panel(right, points, plot.get("reference"), "Reference")
    margin_x = (points[:, 0].max() - points[:, 0].min()) * 0.1 + 0.5
    margin_y = (points[:, 1].max() - points[:, 1].min()) * 0.1 + 0.5
    left.set_xlim(points[:, 0].min() - margin_x, points[:, 0].max() + margin_x)
    left.set_ylim(points[:, 1].min() - margin_y, points[:, 1].max() + margin_y)
    return figure_to_data_uri(figure)


def histogram_png(percentages: Sequence[float]) -> str:
    """A histogram of total scores in percent (0-100, ten bins), as a PNG data URI."""
    figure = Figure(figsize=(7, 3.2))
    axes = figure.subplots()
    values = [p for p in percentages if math.isfinite(p)]
    axes.hist(values, bins=10, range=(0, 100), color="#3b6fb6", edgecolor="white")
    axes.set_xlabel("total score (%)")
    axes.set_ylabel("students")
    axes.set_xlim(0, 100)
    axes.yaxis.get_major_locator().set_params(integer=True)
    return figure_to_data_uri(figure)
