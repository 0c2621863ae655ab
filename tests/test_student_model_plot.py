"""The feedback page's "내 모델" plot is the student's own model: the W, b their fit trained when
graded on the book's data, beside the reference trained on the same data, with a note that
says when their training diverged and no boundary drawn from parameters that are not numbers.

Four students share one in-process grading session of the public ex06 tests (the fit test is
the one that trains): the reference solution, a fit whose default learning rate diverges with
finite but huge parameters, one whose parameters overflow to NaN, and a fit that raises.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader.course.config import CourseConfig
from grader.graders.helpers.ex06_linear_classifier import (
    MAX_RECORDED_LOSSES,
    MAX_RECORDED_POINTS,
    record_reference_model,
    record_student_model,
)
from grader.graders.reference import linear_classifier as ref
from grader.grading.results import StudentResult, build_results
from grader.grading.student_run import StudentRun, grade_runs
from grader.reports import render_feedback
from grader.reports.plots import LABELS, NOTES, PLOT_HEIGHT, PLOT_WIDTH
from grader.wire.protocol import Value
from tests.test_reports import NUMBER, assert_only_our_markup, find, make_results, svg_of
from tests.variants import Variant
from tests.variants.ex06_linear_classifier import VARIANTS

pytestmark = pytest.mark.xdist_group(name="student-model-plot")  # one grading per run

E = "ex06_linear_classifier"
ROOT = Path(__file__).resolve().parents[1]
FIT_DEFAULT = "def fit(inputs, targets, steps=40, learning_rate=0.1):"
# learning rate 0.5: W grows to about 1e30 (finite in float32) while the loss overflows
DIVERGES = next(v for v in VARIANTS if v.name == "fit_default_rate_diverges")
# learning rate 5: W overflows to infinity within 40 steps, then becomes NaN
OVERFLOWS = Variant(E, "fit_rate_overflows", FIT_DEFAULT, FIT_DEFAULT.replace("0.1", "5.0"), "발산")
FIT_RAISES = Variant(
    E,
    "fit_raises",
    "    W, b = init_parameters(input_dim=2, output_dim=1)\n    losses = []\n",
    '    raise ValueError("훈련 실패")\n',
    "훈련 실패",
)
STUDENTS = {"reference": None, "diverges": DIVERGES, "overflows": OVERFLOWS, "raises": FIT_RAISES}


def round_trip(result: StudentResult) -> StudentResult:
    """What a reader of results.json gets: the file must be strict JSON (no NaN, no Infinity)."""
    text = result.to_json()
    json.loads(text, parse_constant=lambda name: pytest.fail(f"results.json holds {name}"))
    return StudentResult.model_validate_json(text)


@pytest.fixture(scope="module")
def graded(config: CourseConfig, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each student's result (through results.json) after one grading session for all four."""
    solution = (ROOT / "solutions" / f"{E}.py").read_text(encoding="utf-8")
    runs = {}
    for label, variant in STUDENTS.items():
        folder = ROOT / "solutions"
        if variant is not None:
            folder = tmp_path_factory.mktemp(label)
            (folder / f"{E}.py").write_text(variant.apply(solution), encoding="utf-8")
        runs[label] = StudentRun.in_process(config, "tester", folder)
    grade_runs(config, [E], ["public"], list(runs.values()), gpu_visible=False)
    return {label: round_trip(result_of(run, config)) for label, run in runs.items()}


def result_of(run: StudentRun[Any], config: CourseConfig) -> StudentResult:
    return build_results(
        run.job, config, run.exercises, seconds=1.0, gpu=False, seed=run.seed,
        artifacts=run.artifacts,
    )  # fmt: skip


def plot_of(result: StudentResult) -> dict[str, Any]:
    assert result.extra_data.plots is not None
    return result.extra_data.plots["decision_boundary"]


def panels(page: str) -> tuple[Any, Any]:
    svg = svg_of(page)
    assert svg is not None
    mine, reference = find(svg, "g", **{"class": "panel"})
    return mine, reference


def boundary_points(panel: Any, inputs: np.ndarray) -> np.ndarray:
    """The drawn boundary's vertices in data coordinates (the panels show the inputs' range
    plus 10% + 0.5 on each side)."""
    (line,) = find(panel, "path", **{"class": "boundary"})
    numbers = np.array([float(n) for n in re.findall(NUMBER, line.get("d"))]).reshape(-1, 2)
    low, high = inputs.min(axis=0), inputs.max(axis=0)
    margin = (high - low) * 0.1 + 0.5
    low, span = low - margin, high - low + 2 * margin
    x = low[0] + numbers[:, 0] / PLOT_WIDTH * span[0]
    y = low[1] + (1 - numbers[:, 1] / PLOT_HEIGHT) * span[1]
    return np.stack([x, y], axis=1)


def on_boundary(vertices: np.ndarray, W: np.ndarray, b: float, inputs: np.ndarray) -> bool:
    """Whether every vertex lies on w·p + b = 0.5, within the SVG's 0.1-unit rounding."""
    span = inputs.max(axis=0) - inputs.min(axis=0) + 1.0
    slack = float(np.abs(W).sum() * span.max() / min(PLOT_WIDTH, PLOT_HEIGHT) * 0.3)
    return bool(np.all(np.abs(vertices @ W + b - 0.5) <= slack))


def notes_of(page: str) -> list[str]:
    """The sentences beside the figure, as the reader sees them."""
    return [html.unescape(n) for n in re.findall(r'<p class="[a-z]+ plot-note">([^<]*)</p>', page)]


# ----------------------------------------------------------------------- graded students
def test_diverging_student_sees_their_own_model_and_that_it_diverged(graded):
    result = graded["diverges"]
    plot = plot_of(result)
    mine = plot["student"]
    W, b = np.array(mine["W"], float), float(mine["b"][0])
    assert np.all(np.abs(W) > 1e20), W  # their own diverged parameters, not the grader's
    assert mine["diverged"] is True and mine["steps"] == 40
    page = render_feedback(result, "ko")
    notes = notes_of(page)
    assert any(n.startswith("훈련이 발산했습니다") for n in notes), notes
    assert any(f"W = [{W[0]:.4g}, {W[1]:.4g}]" in n for n in notes), notes
    svg = svg_of(page)
    assert svg is not None
    assert_only_our_markup(svg, "ko")
    left, right = panels(page)
    (notice,) = find(left, "text", **{"class": "notice"})
    assert notice.text == LABELS["diverged"].ko
    assert not find(right, "text", **{"class": "notice"})
    inputs = np.array(plot["inputs"], float)
    # the left boundary is the student's line, and not the reference's
    assert on_boundary(boundary_points(left, inputs), W, b, inputs)
    reference = plot["reference"]
    W_ref, b_ref = np.array(reference["W"], float), float(reference["b"][0])
    assert not on_boundary(boundary_points(left, inputs), W_ref, b_ref, inputs)
    assert on_boundary(boundary_points(right, inputs), W_ref, b_ref, inputs)
    english = notes_of(render_feedback(result, "en"))
    assert any(n.startswith("Training diverged") for n in english), english


def test_overflowing_student_gets_no_boundary_and_a_diverged_note(graded):
    result = graded["overflows"]
    mine = plot_of(result)["student"]
    assert mine["W"] == [None, None] or None in mine["W"] + mine["b"]
    assert mine["colors"] is None and mine["line"] is None and mine["diverged"] is True
    page = render_feedback(result, "ko")
    left, right = panels(page)
    assert not find(left, "path", **{"class": "boundary"})
    (grey,) = find(left, "path", **{"class": "dots"})
    assert grey.get("stroke") == "#999999"
    assert find(left, "text", **{"class": "notice"})[0].text == LABELS["diverged"].ko
    assert find(right, "path", **{"class": "boundary"})
    notes = notes_of(page)
    assert NOTES["not_finite"].ko in notes
    assert any(n.startswith("훈련이 발산했습니다") for n in notes), notes


def test_reference_solution_shows_its_boundary_close_to_the_reference(graded):
    result = graded["reference"]
    plot = plot_of(result)
    mine, reference = plot["student"], plot["reference"]
    assert mine["diverged"] is False and reference["diverged"] is False
    agree = np.mean(np.array(mine["colors"]) == np.array(reference["colors"]))
    assert agree >= 0.98, agree
    assert len(plot["inputs"]) == MAX_RECORDED_POINTS
    page = render_feedback(result, "ko")
    left, right = panels(page)
    inputs = np.array(plot["inputs"], float)
    W, b = np.array(mine["W"], float), float(mine["b"][0])
    assert on_boundary(boundary_points(left, inputs), W, b, inputs)
    # both lines cross the middle of the data at about the same place
    middle = inputs.mean(axis=0)
    for panel in (left, right):
        ends = boundary_points(panel, inputs)
        direction = ends[-1] - ends[0]
        to_middle = middle - ends[0]
        offset = (direction[0] * to_middle[1] - direction[1] * to_middle[0]) / np.hypot(*direction)
        assert abs(offset) < 0.5, offset
    assert not find(left, "text", **{"class": "notice"})
    notes = notes_of(page)
    assert any(n.startswith("내 모델은 fit이") for n in notes), notes
    assert any(n.startswith("손실:") for n in notes) and any("참고 답안:" in n for n in notes)
    assert not any("발산" in n for n in notes), notes


def test_failed_fit_says_so_instead_of_showing_the_graders_parameters(graded):
    result = graded["raises"]
    plot = plot_of(result)
    assert plot["student"] is None
    page = render_feedback(result, "ko")
    left, right = panels(page)
    assert not find(left, "path", **{"class": "boundary"})
    assert find(right, "path", **{"class": "boundary"})
    assert NOTES["missing"].ko in notes_of(page)
    assert NOTES["missing"].en in notes_of(render_feedback(result, "en"))


def test_plot_test_verdicts_do_not_depend_on_the_students_model(graded):
    """The plot test still judges the student's figure for the grader's W, b: a fit that
    diverges or raises leaves plot_decision_boundary's points untouched."""
    for label in STUDENTS:
        (plot_test,) = [t for t in graded[label].tests if t.extra_data.test.startswith("test_plot")]
        assert plot_test.status == "passed", (label, plot_test.output)


# ----------------------------------------------------------------- hostile fit results
def value(kind: str, array: Any = None, items: tuple[Value, ...] = ()) -> Value:
    numbers = None if array is None else np.asarray(array)
    return Value(kind=kind, type_name=kind, array=numbers, items=items)  # type: ignore[arg-type]


def fit_result(W: Any, b: Any, losses: Value) -> Value:
    return value("tuple", items=(value("variable", W), value("variable", b), losses))


def float_list(values: Any) -> Value:
    return value("list", items=tuple(value("float", np.float64(v)) for v in values))


BOOK = ref.draw_dataset(np.random.default_rng(5), 1000)
HOSTILE_FITS = {
    "nan": fit_result([[np.nan], [1.0]], [0.0], float_list([1.0, np.nan])),
    "inf": fit_result([[np.inf], [-np.inf]], [np.inf], float_list([np.inf] * 3)),
    "huge": fit_result([[3e38], [-3e38]], [1e38], float_list([1.0, 1e300])),
    "tiny w2": fit_result([[1e-300], [1e-310]], [0.0], float_list([0.3, 0.2])),
    "zero": fit_result([[0.0], [0.0]], [0.0], float_list([0.25, 0.25])),
    "many losses": fit_result([[0.1], [-0.1]], [0.5], float_list(np.linspace(1, 0.1, 100_000))),
    "losses as one array": fit_result([[0.1], [-0.1]], [0.5], value("ndarray", [0.3, 0.1])),
    "no losses": fit_result([[0.1], [-0.1]], [0.5], value("str")),
    "float32 nan": fit_result(
        np.float32([[np.nan], [np.nan]]), np.float32([np.nan]), float_list([])
    ),
}
NO_MODEL = {
    "wrong shape": fit_result(np.ones((3, 1)), [0.0], float_list([1.0])),
    "no numbers": fit_result(None, None, float_list([1.0])),
    "strings": fit_result(np.array([["a"], ["b"]]), [0.0], float_list([1.0])),
    "two items": value("tuple", items=(value("variable", [[1.0], [1.0]]), value("float", 1.0))),
    "not a tuple": value("none"),
}


def record(fit: Value) -> dict[str, Any]:
    artifacts: dict[str, Any] = {}
    points = record_reference_model(artifacts, *BOOK)
    record_student_model(artifacts, points, fit)
    return artifacts


def hostile_result(artifacts: dict[str, Any]) -> StudentResult:
    """The recorded plot inside a result written and read back as results.json."""
    base = make_results()
    base["extra_data"]["plots"] = artifacts
    return round_trip(StudentResult.model_validate(base))


@pytest.mark.parametrize("name", HOSTILE_FITS)
def test_hostile_fit_results_are_recorded_bounded_and_render_safely(name):
    artifacts = record(HOSTILE_FITS[name])
    mine = artifacts["decision_boundary"]["student"]
    assert mine is not None
    assert len(json.dumps(artifacts, allow_nan=False)) < 20_000
    assert len(mine["losses"]) <= MAX_RECORDED_LOSSES
    if not np.all(np.isfinite(np.array(mine["W"] + mine["b"], dtype=float))):
        assert mine["line"] is None and mine["colors"] is None and mine["diverged"] is True
    for language in ("ko", "en"):
        page = render_feedback(hostile_result(artifacts), language)
        svg = svg_of(page)
        assert svg is not None
        assert_only_our_markup(svg, language)
        assert notes_of(page)


@pytest.mark.parametrize("name", NO_MODEL)
def test_fit_results_without_a_model_leave_the_student_side_empty(name):
    artifacts = record(NO_MODEL[name])
    assert artifacts["decision_boundary"]["student"] is None
    page = render_feedback(hostile_result(artifacts), "ko")
    assert NOTES["missing"].ko in notes_of(page)


# ------------------------------------------------------------- hostile results.json
HOSTILE_MODELS = [
    {"W": [float("nan"), 1.0], "b": [0.0], "losses": [1.0, 0.5], "diverged": False},
    {"W": [1e308, -1e308], "b": [1e308], "losses": [1e308, float("inf")], "steps": 10**30},
    {"W": "<script>", "b": {"x": 1}, "losses": "<b>", "steps": "<i>", "diverged": "yes"},
    {"W": [[1.0], [2.0], [3.0]], "b": [], "losses": [[1, [2]]], "steps": -5},
    {"W": [0.1, -0.1], "b": [0.5], "losses": list(range(10**5)), "steps": True},
    {"W": [10**400, 0], "b": [0], "losses": [10**400]},
    {"W": None, "b": None, "losses": None, "diverged": None},
]


@pytest.mark.parametrize("model", HOSTILE_MODELS)
@pytest.mark.parametrize("language", ["ko", "en"])
def test_hostile_model_numbers_in_results_render_safely(model: dict[str, Any], language: str):
    results = make_results()
    boundary = results["extra_data"]["plots"]["decision_boundary"]
    boundary["student"] = {**boundary["student"], **model}
    boundary["reference"] = {**boundary["reference"], **model}
    page = render_feedback(StudentResult.model_validate(results), language)
    assert "<script" not in page and "<b>" not in page and "<i>" not in page
    svg = svg_of(page)
    assert svg is not None
    assert_only_our_markup(svg, language)
    notes = notes_of(page)
    assert notes and all(len(n) < 400 for n in notes)
    W = np.array(model["W"], dtype=object)
    if not (W.shape == (2,) and all(isinstance(w, float) and np.isfinite(w) for w in W)):
        mine, _ = panels(page)
        assert not find(mine, "path", **{"class": "boundary"})  # never from such parameters
