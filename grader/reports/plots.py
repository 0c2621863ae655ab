"""Plots for the reports, redrawn here from plain numbers.

The student's own figure object never reaches this process: the engine sends the predicted
classes and the boundary line as numbers, and we redraw them next to the reference.

The decision-boundary figure of every feedback page is inline SVG: this module turns the numbers
into geometry and the partial ``_decision_boundary.svg.j2`` writes the markup. It replaced a
matplotlib PNG for two reasons. Speed: rendering that PNG cost about 0.27 s per student, a
quarter of the whole per-student grading time. Hangul: the browser draws SVG text with the
page's fonts, so the labels can be Korean (matplotlib's default font has no Hangul glyphs).
The numbers come from a student's process and are hostile: only numbers formatted here and
labels from ``LABELS`` and ``NOTES`` reach the template, never a string taken from the data.

The left panel is the student's own model, the one their ``fit`` trained when graded on the
book's data, and the right panel the reference trained on the same data; the notes beside the
figure say what the student's parameters and losses were, and when their training diverged
(then no boundary is drawn from parameters that are not numbers).

The class report's histogram is drawn once per batch and stays a matplotlib PNG; matplotlib is
imported there only, so the grading workers that write feedback pages never load it.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.course.messages import Msg, rendered

MAX_POINTS = 5000  # the grader's datasets are far smaller; bound what we read
MAX_LINE_POINTS = 1000
MAX_LOSSES = 1000  # the grader keeps at most 100 of a fit's losses
MAX_STEPS = 10**6
MAX_DRAWN_POINTS = 600  # per panel: every k-th point beyond this keeps the page small
CLASS_COLORS = ("#1f77b4", "#ff7f0e")
INVALID_COLOR = "#999999"

# SVG user units: two panels side by side, each a square-ish plot area with room for a title
# above, tick labels left and below, and one legend row under both.
PANEL_WIDTH = 450
PLOT_LEFT = 56  # inside a panel
PLOT_TOP = 36
PLOT_WIDTH = 380
PLOT_HEIGHT = 320
SVG_WIDTH = 2 * PANEL_WIDTH
SVG_HEIGHT = PLOT_TOP + PLOT_HEIGHT + 76
TICK_TARGET = 6  # about this many tick labels per axis
FAR = 1e9  # line vertices farther than this many times the shown range away are not drawn

LABELS: dict[str, Msg] = {
    "student": Msg("내 모델", "Your model"),
    "reference": Msg("참고 답안", "Reference"),
    "class": Msg("클래스 {}", "class {}"),
    "line": Msg("결정 경계", "decision boundary"),
    "invalid": Msg("올바른 예측값 없음", "no valid prediction"),
    "diverged": Msg("훈련 발산", "training diverged"),
    "title": Msg(
        "결정 경계 그림. {panels} 빨간 선이 결정 경계입니다.",
        "Decision boundary plot. {panels} The red line is the decision boundary.",
    ),
    "panel_valid": Msg(
        "{side} {title}: 클래스 0 점 {zero}개, 클래스 1 점 {one}개.",
        "{side}: {title}, {zero} points of class 0, {one} of class 1.",
    ),
    "panel_invalid": Msg(
        "{side} {title}: 올바른 예측값이 없어 점 {count}개를 회색으로 표시.",
        "{side}: {title}, no valid prediction, {count} points in grey.",
    ),
    "no_line": Msg("결정 경계 선 없음.", "No boundary line."),
    "diverged_sentence": Msg("훈련이 발산했습니다.", "Training diverged."),
    "left": Msg("왼쪽", "Left"),
    "right": Msg("오른쪽", "Right"),
}

# The sentences beside the figure; every {} is a number formatted here (``_number``, or the
# count of steps), never text from the data.
NOTES: dict[str, Msg] = {
    "parameters": Msg(
        "내 모델은 fit이 책과 같은 데이터(fit 테스트의 데이터)에서 훈련한 파라미터로 "
        "그렸습니다: W = [{w1}, {w2}], b = {b}.",
        "Your model is drawn with the parameters your fit trained on data like the book's (the "
        "fit test's data): W = [{w1}, {w2}], b = {b}.",
    ),
    "not_finite": Msg(
        "fit이 반환한 W, b에 NaN 또는 무한대가 있어 내 모델의 결정 경계는 그리지 않았습니다.",
        "The W, b your fit returned contain NaN or infinity, so no decision boundary is drawn "
        "for your model.",
    ),
    "converged": Msg(
        "손실: {first} → {last} ({steps}스텝).", "Loss: {first} → {last} ({steps} steps)."
    ),
    "diverged": Msg(
        "훈련이 발산했습니다: 손실이 줄지 않고 커졌습니다 ({first} → {last}, {steps}스텝). "
        "학습률(learning_rate)이 너무 크지 않은지, 그레이디언트를 빼는지(assign_sub) 확인하세요.",
        "Training diverged: the loss grew instead of shrinking ({first} → {last}, {steps} "
        "steps). Check that the learning rate is not too large and that you subtract the "
        "gradient (assign_sub).",
    ),
    "missing": Msg(
        "내 모델의 결정 경계를 그릴 수 없었습니다: 책과 같은 데이터에서 fit이 훈련한 W, b를 "
        "받지 못했습니다 (fit이 실패했거나 값이 올바르지 않습니다). 위의 fit 테스트 메시지를 "
        "보세요.",
        "Your model's decision boundary could not be drawn: no trained W, b came back from "
        "your fit on data like the book's (fit failed or returned invalid values). See the fit "
        "test's message above.",
    ),
    "reference": Msg(
        "참고 답안: 같은 데이터에서 참고 답안의 fit이 훈련한 모델입니다 (손실 {first} → {last}).",
        "Reference: the model the reference fit trained on the same data (loss {first} → {last}).",
    ),
    "not_a_number": Msg("NaN 또는 무한대", "NaN or infinity"),
}


def figure_to_data_uri(figure: Any) -> str:
    """Render a matplotlib ``figure`` to PNG and return a ``data:`` URI for an ``<img src>``."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _floats(raw: Any) -> np.ndarray | None:
    """``raw`` as a float array, or None when numpy cannot read it as numbers."""
    try:
        return np.asarray(raw, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return None


def _points(raw: Any) -> np.ndarray | None:
    """``[[x, y], ...]`` as a finite (n, 2) float array, or None when it is not that."""
    array = _floats(raw)
    if array is None or array.ndim != 2 or array.shape[1] != 2 or len(array) == 0:
        return None
    array = array[:MAX_POINTS]
    return array if np.isfinite(array).all() else None


def _classes(raw: Any, count: int) -> np.ndarray | None:
    """Predicted values as classes 0/1 (``> 0.5`` is class 1), one per point, or None."""
    array = _floats(raw)
    if array is None:
        return None
    array = array.reshape(-1)
    if len(array) < count or not np.isfinite(array[:count]).all():
        return None
    return (array[:count] > 0.5).astype(int)


def _line(raw: Any) -> np.ndarray | None:
    """``[[xs...], [ys...]]`` as a finite (2, n>=2) float array, or None."""
    array = _floats(raw)
    if array is None or array.ndim != 2 or array.shape[0] != 2 or array.shape[1] < 2:
        return None
    array = array[:, :MAX_LINE_POINTS]
    return array if np.isfinite(array).all() else None


@dataclass(frozen=True)
class TrainedModel:
    """What one side's numbers say about its model: parameters, losses, and whether training
    diverged (as the grader judged it, or because a number is not finite)."""

    W: np.ndarray  # two weights, NaN where the data held no finite number
    b: float
    losses: np.ndarray
    steps: int
    diverged: bool

    @property
    def finite(self) -> bool:
        return bool(np.isfinite(self.W).all() and math.isfinite(self.b))

    @classmethod
    def of(cls, side: dict[str, Any]) -> TrainedModel | None:
        """The model a side describes; None for a side without parameters (colours only)."""
        if "W" not in side:
            return None
        W, b, losses = (_floats(side.get(key)) for key in ("W", "b", "losses"))
        W = W.reshape(-1) if W is not None and W.size == 2 else np.full(2, math.nan)
        bias = float(b.reshape(-1)[0]) if b is not None and b.size == 1 else math.nan
        losses = losses.reshape(-1)[:MAX_LOSSES] if losses is not None else np.empty(0)
        steps = side.get("steps")
        steps = steps if type(steps) is int and 0 <= steps <= MAX_STEPS else len(losses)
        finite = np.isfinite(W).all() and math.isfinite(bias) and np.isfinite(losses).all()
        return cls(W, bias, losses, steps, diverged=side.get("diverged") is True or not finite)


@dataclass(frozen=True)
class Note:
    """One sentence beside the figure; ``warning`` ones are highlighted."""

    text: str
    warning: bool


def _number(value: float, notes: dict[str, str]) -> str:
    """A number of the notes: four significant digits, or words for NaN and infinity."""
    return f"{value:.4g}" if math.isfinite(value) else notes["not_a_number"]


def _notes(
    drawn: bool, mine: TrainedModel | None, reference: TrainedModel | None, language: str
) -> list[Note]:
    """What the page says beside the figure: the parameters the student's model is drawn from
    and how its loss went, or that it diverged, or (``drawn`` False, no parameters) that there
    was no model of theirs to draw; and how the reference's loss went."""
    notes = rendered(NOTES, language)
    said: list[Note] = []
    if mine is None and not drawn:
        said.append(Note(notes["missing"], warning=True))
    if mine is not None:
        if mine.finite:
            w1, w2, b = (_number(v, notes) for v in (*mine.W.tolist(), mine.b))
            said.append(Note(notes["parameters"].format(w1=w1, w2=w2, b=b), warning=False))
        else:
            said.append(Note(notes["not_finite"], warning=True))
        if len(mine.losses):
            first, last = (_number(float(mine.losses[i]), notes) for i in (0, -1))
            text = notes["diverged" if mine.diverged else "converged"]
            said.append(Note(text.format(first=first, last=last, steps=mine.steps), mine.diverged))
    if reference is not None and len(reference.losses):
        first, last = (_number(float(reference.losses[i]), notes) for i in (0, -1))
        said.append(Note(notes["reference"].format(first=first, last=last), warning=False))
    return said


@dataclass(frozen=True)
class Tick:
    position: str  # SVG coordinate along the axis
    label: str


@dataclass(frozen=True)
class Axis:
    """The shown range of one data axis (shared by both panels) and its length in SVG units."""

    low: float
    high: float
    length: int
    flipped: bool  # SVG's y grows downwards

    @classmethod
    def around(cls, values: np.ndarray, length: int, *, flipped: bool) -> Axis | None:
        """The values' range plus a margin of 10% + 0.5 on each side; None when degenerate."""
        with np.errstate(over="ignore", invalid="ignore"):
            margin = (values.max() - values.min()) * 0.1 + 0.5
            low, high = float(values.min() - margin), float(values.max() + margin)
        if not (math.isfinite(low) and math.isfinite(high) and high > low):
            return None  # absurd magnitudes only (~1e308, or so large that 0.5 vanishes)
        return cls(low, high, length, flipped)

    def unit(self, values: np.ndarray) -> np.ndarray:
        """Data values as fractions of the shown range (0 = low end, 1 = high end)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return (values - self.low) / (self.high - self.low)

    def svg(self, fractions: np.ndarray) -> np.ndarray:
        """Fractions of the range as SVG coordinates inside the plot area."""
        return (1.0 - fractions if self.flipped else fractions) * self.length

    def ticks(self) -> list[Tick]:
        """A few round values (steps of 1, 2 or 5 times a power of ten) inside the range."""
        raw_step = (self.high - self.low) / TICK_TARGET
        magnitude = 10.0 ** math.floor(math.log10(raw_step))
        step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw_step)
        first, last = math.ceil(self.low / step), math.floor(self.high / step)
        if not 0 <= last - first <= 2 * TICK_TARGET:
            return []  # float rounding at absurd magnitudes
        decimals = max(0, -math.floor(math.log10(step)))
        large = max(abs(self.low), abs(self.high)) >= 1e6
        ticks = []
        for index in range(first, last + 1):
            value = index * step
            label = f"{value:.4g}" if large else f"{value:.{decimals}f}"
            if float(label) == 0:
                label = "0"  # not "-0" or "-0.0"
            position = float(self.svg(self.unit(np.array([value])))[0])
            ticks.append(Tick(f"{position:.1f}", label))
        return ticks


@dataclass(frozen=True)
class Dots:
    color: str  # one of our colour constants
    path: str  # "M x y h0" per point: a round-capped zero-length stroke draws a dot


@dataclass(frozen=True)
class Panel:
    title: str
    left: int  # x of the plot area in the figure
    dots: list[Dots]
    line: str  # path data of the clipped boundary line, "" when there is none
    notice: str  # "" when the predictions were valid and training did not diverge
    ok: bool  # the predictions were valid


@dataclass(frozen=True)
class BoundaryPlot:
    """What ``_decision_boundary.svg.j2`` draws: SVG numbers and our own labels only."""

    panels: list[Panel]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    legend: tuple[str, str, str]  # class 0, class 1, the line
    description: str  # the <title> and aria-label
    notes: list[Note]  # beside the figure, in the page
    width: int = SVG_WIDTH
    height: int = SVG_HEIGHT
    plot_top: int = PLOT_TOP
    plot_width: int = PLOT_WIDTH
    plot_height: int = PLOT_HEIGHT
    class_colors: tuple[str, str] = CLASS_COLORS


def _dot_path(x: np.ndarray, y: np.ndarray) -> str:
    """Path data drawing a dot per point; like every SVG number here, rounded to 0.1 unit."""
    return "".join(f"M{a:.1f} {b:.1f}h0" for a, b in zip(x.tolist(), y.tolist(), strict=True))


def _clipped_line_path(line: np.ndarray, x_axis: Axis, y_axis: Axis) -> str:
    """The polyline cut to the plot area (Liang-Barsky per segment) as SVG path data.

    Clipping works on fractions of the shown range, before anything becomes an SVG number, so
    no coordinate can land outside the plot area. Segments with a vertex more than ``FAR``
    times the shown range away are dropped: nobody draws those for this data, and the
    arithmetic would lose all precision on them.
    """
    u, v = x_axis.unit(line[0]), y_axis.unit(line[1])
    near = (np.abs(u) <= FAR) & (np.abs(v) <= FAR)  # False for inf/nan too
    u, v = np.where(near, u, 0.0), np.where(near, v, 0.0)
    u0, v0, du, dv = u[:-1], v[:-1], np.diff(u), np.diff(v)
    keep = near[:-1] & near[1:]
    enter, leave = np.zeros_like(u0), np.ones_like(u0)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-du, u0), (du, 1.0 - u0), (-dv, v0), (dv, 1.0 - v0)):
            keep &= (p != 0) | (q >= 0)  # parallel to this edge and outside it
            t = q / p
            enter = np.where(p < 0, np.maximum(enter, t), enter)
            leave = np.where(p > 0, np.minimum(leave, t), leave)
    keep &= enter <= leave
    # a kept segment continues the previous one when that one reached its end and this one
    # starts at its own start: one polyline, no new "M"
    continues = keep & (enter == 0)
    continues[1:] &= keep[:-1] & (leave[:-1] == 1)
    continues[0] = False
    ends = np.stack([enter, leave], axis=1)
    xs = x_axis.svg(np.clip(u0[:, None] + ends * du[:, None], 0.0, 1.0)).tolist()
    ys = y_axis.svg(np.clip(v0[:, None] + ends * dv[:, None], 0.0, 1.0)).tolist()
    parts: list[str] = []
    for index in np.flatnonzero(keep).tolist():
        (x0, x1), (y0, y1) = xs[index], ys[index]
        if not continues[index]:
            parts.append(f"M{x0:.1f} {y0:.1f}")
        parts.append(f"L{x1:.1f} {y1:.1f}")
    return "".join(parts)


def _panel(
    side: Any,
    index: int,
    points: np.ndarray,
    shown: np.ndarray,
    axes: tuple[Axis, Axis],
    labels: dict[str, str],
) -> tuple[Panel, str, TrainedModel | None]:
    """Panel ``index`` (0: the student's, 1: the reference), its sentence of the description
    and the model it shows (None when the side has no parameters)."""
    title = labels["student" if index == 0 else "reference"]
    where = labels["left" if index == 0 else "right"]
    x_axis, y_axis = axes
    side = side if isinstance(side, dict) else {}
    model = TrainedModel.of(side)
    classes = _classes(side.get("colors"), len(points))
    x = x_axis.svg(x_axis.unit(points[shown, 0]))
    y = y_axis.svg(y_axis.unit(points[shown, 1]))
    if classes is None:
        dots = [Dots(INVALID_COLOR, _dot_path(x, y))]
        sentence = labels["panel_invalid"].format(side=where, title=title, count=len(points))
    else:
        drawn = classes[shown]
        dots = [
            Dots(CLASS_COLORS[label], _dot_path(x[drawn == label], y[drawn == label]))
            for label in (0, 1)
            if (drawn == label).any()
        ]
        ones = int(classes.sum())
        sentence = labels["panel_valid"].format(
            side=where, title=title, zero=len(classes) - ones, one=ones
        )
    line = _line(side.get("line")) if model is None or model.finite else None
    line_path = _clipped_line_path(line, x_axis, y_axis) if line is not None else ""
    if not line_path:
        sentence += " " + labels["no_line"]
    notice = "" if classes is not None else labels["invalid"]
    if model is not None and model.diverged:
        notice = labels["diverged"]
        sentence += " " + labels["diverged_sentence"]
    panel = Panel(
        title=title,
        left=index * PANEL_WIDTH + PLOT_LEFT,
        dots=dots,
        line=line_path,
        notice=notice,
        ok=classes is not None,
    )
    return panel, sentence, model


def boundary_plot(plot: dict[str, Any], language: str) -> BoundaryPlot | None:
    """Student and reference decision boundaries side by side, for the SVG partial.

    Both panels share the x/y ranges of the input points (plus margins). Returns None when
    there are no usable input points; a missing or broken student side still yields the
    figure, with grey points and a notice in the student's panel and a note saying there was
    no model of theirs to draw. ``language`` is the feedback page's (Korean unless ``en``).
    """
    labels = rendered(LABELS, language)
    points = _points(plot.get("inputs"))
    if points is None:
        return None
    x_axis = Axis.around(points[:, 0], PLOT_WIDTH, flipped=False)
    y_axis = Axis.around(points[:, 1], PLOT_HEIGHT, flipped=True)
    if x_axis is None or y_axis is None:
        return None
    shown = np.arange(0, len(points), math.ceil(len(points) / MAX_DRAWN_POINTS))
    drawn = [
        _panel(plot.get(key), index, points, shown, (x_axis, y_axis), labels)
        for index, key in enumerate(("student", "reference"))
    ]
    (mine, _, my_model), (_, _, reference_model) = drawn
    return BoundaryPlot(
        panels=[panel for panel, _, _ in drawn],
        x_ticks=x_axis.ticks(),
        y_ticks=y_axis.ticks(),
        legend=(labels["class"].format(0), labels["class"].format(1), labels["line"]),
        description=labels["title"].format(panels=" ".join(sentence for _, sentence, _ in drawn)),
        notes=_notes(mine.ok, my_model, reference_model, language),
    )


def histogram_png(percentages: Sequence[float]) -> str:
    """A histogram of total scores in percent (0-100, ten bins), as a PNG data URI.

    Drawn once per batch for the class report, so matplotlib's cost does not matter here; it is
    imported on first use to keep it out of the processes that only write feedback pages.
    The image holds tick numbers only: its axis labels are the page's text, in the course
    language, because matplotlib's default font has no Hangul glyphs (it would draw boxes).
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3.2))
    axes = figure.subplots()
    values = [p for p in percentages if math.isfinite(p)]
    axes.hist(values, bins=10, range=(0, 100), color="#3b6fb6", edgecolor="white")
    axes.set_xlim(0, 100)
    axes.yaxis.get_major_locator().set_params(integer=True)
    return figure_to_data_uri(figure)
