"""The HTML reports: hostile strings are escaped, hidden tests leak no code, plots appear.

The decision-boundary figure is inline SVG drawn from a student's numbers: the tests parse it
and allow only our own tags, attributes, numbers and labels in it, whatever the numbers were.
"""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from pydantic import ValidationError

from grader.course.exercises import EXERCISE_IDS
from grader.course.messages import INTERNAL_ERROR, rendered
from grader.grading.batch import RESULTS, finish_batch, output_folder
from grader.grading.results import StudentResult, load_results
from grader.reports import render_class_report, render_feedback
from grader.reports.class_report import feedback_href
from grader.reports.common import TEXT
from grader.reports.feedback import hidden_hint
from grader.reports.plots import (
    CLASS_COLORS,
    LABELS,
    MAX_LINE_POINTS,
    MAX_POINTS,
    PLOT_HEIGHT,
    PLOT_WIDTH,
    histogram_png,
)

HOSTILE = "<script>alert('x')</script>\"'&"
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
SVG = "{http://www.w3.org/2000/svg}"
NUMBER = r"-?\d+(?:\.\d+)?"
_N = NUMBER
SVG_ATTRIBUTES = {
    name: re.compile(pattern)
    for name, pattern in {
        "class": r"plot|panel|dots|boundary|notice|legend",
        "viewBox": rf"0 0 {_N} {_N}",
        "width": _N,
        "height": _N,
        "role": "img",
        "aria-label": r"[^<>]*",
        "font-size": _N,
        "fill": r"#[0-9a-f]{6}|none",
        "stroke": r"#[0-9a-f]{6}",
        "stroke-width": _N,
        "stroke-linecap": "round",
        "stroke-linejoin": "round",
        "paint-order": "stroke",
        "text-anchor": "middle|end",
        "transform": rf"translate\({_N} {_N}\)( rotate\({_N}\))?",
        "x": _N,
        "y": _N,
        "dy": r"\.35em",
        "d": rf"([MLhv]{_N}( {_N})?)+",
    }.items()
}
HIDDEN_CODE = (
    "그레이디언트가 None입니다. tape.watch를 호출했나요?\n"
    "Traceback (most recent call last):\n"
    '  File "grader/graders/hidden/test_ex04_gradient_tape.py", line 12, in test_watch\n'
    "    assert np.allclose(grad, 2 * x)\n"
    "def secret_helper(x):\n"
    "E   AssertionError: expected [1.5, 2.5]\n"
)


def make_results(student: str = "김민준", *, with_plot: bool = True) -> dict[str, Any]:
    """A results.json in the engine's shape, with hostile text in every student-made field."""
    exercises = {
        e: {
            "score": 0.0,
            "max_score": 10.0,
            "file": None,
            "notes": [],
            "output": "",
            "seconds": 0.1,
        }
        for e in EXERCISE_IDS
    }
    exercises["ex01_tensors"].update(
        score=7.5,
        file="ex01_tensors.ipynb",
        output=f"print says {HOSTILE}",
        notes=["같은 연습문제의 .py와 .ipynb가 모두 제출되어 노트북(.ipynb)을 채점했습니다."],
    )
    tests = [
        {
            "name": "ex01_tensors · make_ones: 1로 채운 float32 상수 텐서",
            "number": "1.1",
            "score": 2.5,
            "max_score": 2.5,
            "status": "passed",
            "output": "",
            "visibility": "visible",
            "extra_data": {
                "exercise": "ex01_tensors",
                "test": "test_make_ones",
                "hidden": False,
                "skipped": False,
                "gpu": False,
                "title": "make_ones: 1로 채운 float32 상수 텐서",
                "failure_category": None,
                "internal_error": "",
            },
        },
        {
            "name": "ex01_tensors · make_zeros: 0",
            "number": "1.2",
            "score": 0.0,
            "max_score": 2.5,
            "status": "failed",
            "output": f"예외가 발생했습니다: {HOSTILE}",
            "visibility": "visible",
            "extra_data": {
                "exercise": "ex01_tensors",
                "test": "test_make_zeros",
                "hidden": False,
                "skipped": False,
                "gpu": False,
                "title": "make_zeros: 0",
                "failure_category": "exception",
                "internal_error": "",
            },
        },
        {
            "name": "ex04_gradient_tape · 상수의 그레이디언트",
            "number": "4.2",
            "score": 0.0,
            "max_score": 5.0,
            "status": "failed",
            "output": HIDDEN_CODE,
            "visibility": "after_published",
            "extra_data": {
                "exercise": "ex04_gradient_tape",
                "test": "test_constant_grad",
                "hidden": True,
                "skipped": False,
                "gpu": False,
                "title": "상수의 그레이디언트",
                "failure_category": "wrong_answer",
                "internal_error": "",
            },
        },
        {
            "name": "ex07_devices · GPU에서 행렬 곱",
            "number": "7.5",
            "score": 0.0,
            "max_score": 0.0,
            "output": "GPU가 보이지 않아 건너뛰었습니다.",
            "visibility": "visible",
            "extra_data": {
                "exercise": "ex07_devices",
                "test": "test_gpu_matmul",
                "hidden": False,
                "skipped": True,
                "gpu": True,
                "title": "GPU에서 행렬 곱",
                "failure_category": None,
                "internal_error": "",
            },
        },
    ]
    results: dict[str, Any] = {
        "score": 10.0,
        "max_score": 100.0,
        "execution_time": 3.21,
        "output": f"{student}: 10 / 100",
        "tests": tests,
        "extra_data": {
            "student": student,
            "exercises": exercises,
            "gpu": False,
            "grader_version": "0.1.0",
            "seed": 12345,
            "language": "ko",
        },
    }
    if with_plot:
        inputs = [[0.0, 3.0], [0.5, 2.5], [3.0, 0.0], [2.5, 0.5]]
        side = {"colors": [0, 0, 1, 1], "line": [[-1.0, 4.0], [-1.0, 4.0]]}
        results["extra_data"]["plots"] = {
            "decision_boundary": {"inputs": inputs, "student": side, "reference": side}
        }
    return results


def typed(results: dict[str, Any]) -> StudentResult:
    """What every reader gets: the results.json data as the typed model."""
    return StudentResult.model_validate(results)


def feedback(results: dict[str, Any], language: str) -> str:
    return render_feedback(typed(results), language)


def test_feedback_escapes_hostile_strings() -> None:
    page = feedback(make_results(student=HOSTILE), "ko")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(" in page
    assert "alert('x')" not in page  # quotes are escaped too
    assert "&#34;" in page or "&quot;" in page


def test_feedback_shows_statuses_notes_and_output() -> None:
    page = feedback(make_results(), "ko")
    assert "✓" in page and "✗" in page and "건너뜀" in page
    assert "숨겨진 테스트" in page
    assert "노트북(.ipynb)을 채점했습니다" in page
    assert "<details>" in page and "print says" in page
    assert "제출 없음" in page  # the six exercises without a file
    for exercise_id in EXERCISE_IDS:
        assert f'id="{exercise_id}"' in page


def test_hidden_test_output_contains_no_code() -> None:
    page = feedback(make_results(), "ko")
    assert "tape.watch를 호출했나요?" in page
    for leaked in (
        "Traceback",
        "assert np.allclose",
        "def secret_helper",
        "test_ex04",
        "expected [1.5",
    ):
        assert leaked not in page


@pytest.mark.parametrize(
    "message",
    ["x = 1\nreturn x", "    for i in range(3):\n        pass", 'File "a.py", line 3'],
)
def test_hidden_hint_drops_code_only_messages(message: str) -> None:
    assert hidden_hint(message) == ""


def test_public_test_message_kept_in_full() -> None:
    page = feedback(make_results(), "ko")
    assert "예외가 발생했습니다: &lt;script&gt;" in page


def svg_of(page: str) -> ET.Element | None:
    """The page's one inline SVG, parsed as XML (so it must be well-formed), or None."""
    if "<svg" not in page:
        return None
    assert page.count("<svg") == 1 and page.count("</svg>") == 1
    return ET.fromstring(page[page.index("<svg") : page.index("</svg>") + len("</svg>")])


def tag(element: ET.Element) -> str:
    return element.tag.removeprefix(SVG)


def find(svg: ET.Element, name: str, **attributes: str) -> list[ET.Element]:
    return [
        element
        for element in svg.iter(SVG + name)
        if all(element.get(key.replace("_", "-")) == value for key, value in attributes.items())
    ]


def dots(path: ET.Element) -> list[tuple[float, float]]:
    return [
        (float(x), float(y)) for x, y in re.findall(rf"M({NUMBER}) ({NUMBER})h0", path.get("d"))
    ]


def dot(x: float, y: float) -> str:
    """Path data of one point of make_results' plot. Its points span 0..3 on both axes, so
    the shown range (the old figure's: 10% + 0.5 on each side) is -0.8..3.8."""
    return f"M{(x + 0.8) / 4.6 * PLOT_WIDTH:.1f} {(1 - (y + 0.8) / 4.6) * PLOT_HEIGHT:.1f}h0"


def assert_only_our_markup(svg: ET.Element, language: str) -> None:
    """Tags, attributes and texts of the figure: only our own shapes, numbers and labels."""
    shown = rendered(LABELS, language)
    labels = set(shown.values()) | {"x", "y"}
    labels |= {shown["class"].format(k) for k in (0, 1)}
    for element in svg.iter():
        assert tag(element) in {"svg", "title", "g", "text", "path", "rect"}, element.tag
        for key, value in element.attrib.items():
            assert key in SVG_ATTRIBUTES, key
            assert SVG_ATTRIBUTES[key].fullmatch(value), (key, value)
        if tag(element) == "text":
            assert element.text in labels or re.fullmatch(NUMBER, element.text), element.text
    assert svg.get("aria-label") == svg.find(SVG + "title").text
    for x, y in (point for path in find(svg, "path", **{"class": "dots"}) for point in dots(path)):
        assert 0 <= x <= PLOT_WIDTH and 0 <= y <= PLOT_HEIGHT
    for line in find(svg, "path", **{"class": "boundary"}):
        numbers = [float(n) for n in re.findall(NUMBER, line.get("d"))]
        assert all(0 <= n <= max(PLOT_WIDTH, PLOT_HEIGHT) for n in numbers)


def test_feedback_plot_is_inline_svg_with_both_panels() -> None:
    page = feedback(make_results(), "ko")
    assert CSP in page
    assert "data:image/png" not in page and "<img" not in page
    svg = svg_of(page)
    assert svg is not None
    assert svg.get("role") == "img"
    assert_only_our_markup(svg, "ko")
    panels = find(svg, "g", **{"class": "panel"})
    assert [p.find(SVG + "text").text for p in panels] == ["내 모델", "참고 답안"]
    title = svg.find(SVG + "title").text
    assert "왼쪽 내 모델: 클래스 0 점 2개, 클래스 1 점 2개" in title
    assert "빨간 선이 결정 경계입니다" in title
    for panel in panels:
        blue = find(panel, "path", stroke=CLASS_COLORS[0])
        orange = find(panel, "path", stroke=CLASS_COLORS[1])
        assert len(blue) == len(orange) == 1
        assert blue[0].get("d") == f"{dot(0, 3)}{dot(0.5, 2.5)}"
        assert orange[0].get("d") == f"{dot(3, 0)}{dot(2.5, 0.5)}"
        # the line y = x from -1 to 4 runs corner to corner once clipped to the plot area
        (line,) = find(panel, "path", **{"class": "boundary"})
        assert line.get("d") == f"M0.0 {PLOT_HEIGHT:.1f}L{PLOT_WIDTH:.1f} 0.0"
        assert line.get("stroke") == "#ff0000"
        assert not find(panel, "text", **{"class": "notice"})
        ticks = {t.text for t in panel.iter(SVG + "text")}
        assert {"0", "1", "2", "3"} <= ticks
    legend = [t.text for t in find(svg, "g", **{"class": "legend"})[0].iter(SVG + "text")]
    assert legend == ["클래스 0", "클래스 1", "결정 경계"]
    assert "결정 경계를 그릴 수 없었습니다" not in page


def test_feedback_plot_in_english() -> None:
    page = feedback(make_results(), "en")
    svg = svg_of(page)
    assert svg is not None
    assert_only_our_markup(svg, "en")
    panels = find(svg, "g", **{"class": "panel"})
    assert [p.find(SVG + "text").text for p in panels] == ["Your model", "Reference"]
    legend = [t.text for t in find(svg, "g", **{"class": "legend"})[0].iter(SVG + "text")]
    assert legend == ["class 0", "class 1", "decision boundary"]
    assert "Left: Your model, 2 points of class 0, 2 of class 1." in svg.get("aria-label")
    assert "내 모델" not in page


def test_plot_absent_without_data() -> None:
    page = feedback(make_results(with_plot=False), "ko")
    assert svg_of(page) is None
    assert "결정 경계: 내 모델과 참고 답안" not in page


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize(
    "student",
    [None, "<script>", {"colors": None}, {"colors": [0, 1]}, {"colors": [0, 1, float("nan"), 0]}],
)
def test_plot_with_unusable_student_side_still_shows_reference(student: Any, language: str) -> None:
    results = make_results()
    results["extra_data"]["plots"]["decision_boundary"]["student"] = student
    page = feedback(results, language)
    svg = svg_of(page)
    assert svg is not None
    assert_only_our_markup(svg, language)
    mine, reference = find(svg, "g", **{"class": "panel"})
    (grey,) = find(mine, "path", **{"class": "dots"})
    assert grey.get("stroke") == "#999999" and len(dots(grey)) == 4
    (notice,) = find(mine, "text", **{"class": "notice"})
    assert notice.text == LABELS["invalid"].render(language)
    assert notice.get("fill") == "#b00020"
    assert {p.get("stroke") for p in find(reference, "path", **{"class": "dots"})} == set(
        CLASS_COLORS
    )
    assert not find(reference, "text", **{"class": "notice"})
    missing = "결정 경계를 그릴 수 없었습니다" if language == "ko" else "could not be drawn"
    assert missing in page


def test_plot_draws_at_most_600_points_per_panel() -> None:
    results = make_results()
    boundary = results["extra_data"]["plots"]["decision_boundary"]
    count = 3 * MAX_POINTS  # read up to MAX_POINTS, draw every 9th of those
    boundary["inputs"] = [[i % 97, i % 89] for i in range(count)]
    boundary["student"] = {"colors": [i % 2 for i in range(count)], "line": None}
    boundary["reference"] = {"colors": [0] * count, "line": [list(range(5000)), [1] * 5000]}
    page = feedback(results, "ko")
    svg = svg_of(page)
    assert svg is not None
    assert_only_our_markup(svg, "ko")
    mine, reference = find(svg, "g", **{"class": "panel"})
    for panel in (mine, reference):
        drawn = [dots(path) for path in find(panel, "path", **{"class": "dots"})]
        assert sum(map(len, drawn)) == len(range(0, MAX_POINTS, 9)) <= 600
    assert not find(mine, "path", **{"class": "boundary"})
    (line,) = find(reference, "path", **{"class": "boundary"})
    assert line.get("d").count("L") <= MAX_LINE_POINTS
    assert "결정 경계 선 없음" in svg.get("aria-label")
    assert len(page) < 80_000


HOSTILE_SIDES = [
    {"colors": [float("nan")] * 4, "line": [[float("nan"), 1.0], [1.0, 2.0]]},
    {"colors": [float("inf"), float("-inf"), 1, 0], "line": [[0, float("inf")], [0, 1]]},
    {"colors": [10**400, 0, 1, 1], "line": [[10**400, 0], [0, 1]]},
    {"colors": HOSTILE, "line": HOSTILE},
    {"colors": [HOSTILE] * 4, "line": [[HOSTILE, HOSTILE], [HOSTILE, HOSTILE]]},
    {"colors": [{"a": 1}, [1], None, 1 + 2j], "line": {"<b>": "x"}},
    {"colors": [[0, [1]], 2], "line": [[1, 2], [3, [4, 5]]], "title": HOSTILE},
    {"colors": [0, 1, 0, 1], "line": [[-1e300, 1e300], [1e300, -1e300]]},
    {"colors": [0, 1, 0, 1], "line": [[1e300, 2.0, 3.0], [1e300, 1.0, 1.5]]},
    {"colors": [0, 1, 0, 1], "line": [[1.0, 1.0], [1.0, 1.0]]},
    {"colors": [True, False, "1", "0"], "line": [["1", "2"], ["3", "nan"]]},
    {"colors": list(range(10**5)), "line": [list(range(10**5)), list(range(10**5))]},
]
HOSTILE_INPUTS = [
    "<svg onload=alert(1)>",
    [[float("nan"), 1.0], [0.0, 1.0]],
    [[float("inf"), 1.0]],
    [[1e308, 1e308], [-1e308, -1e308]],
    [[1e300, 0.0], [1e300, 1.0]],
    [[1e20, 1e20]] * 4,
    [[0.0, 1.0, 2.0]],
    [[[0.0, 1.0]]],
    [],
    {"x": 1},
    None,
]


@pytest.mark.parametrize("side", HOSTILE_SIDES)
@pytest.mark.parametrize("language", ["ko", "en"])
def test_plot_with_hostile_sides_never_breaks_or_leaks(side: Any, language: str) -> None:
    results = make_results()
    boundary = results["extra_data"]["plots"]["decision_boundary"]
    boundary["student"] = side
    boundary["reference"] = copy.deepcopy(side)
    page = feedback(results, language)
    assert "<script" not in page and "<b>" not in page and "onload" not in page
    svg = svg_of(page)
    assert svg is not None  # the inputs are fine: the figure is drawn, whatever the sides hold
    assert_only_our_markup(svg, language)


@pytest.mark.parametrize("inputs", HOSTILE_INPUTS)
def test_plot_with_hostile_inputs_never_breaks_or_leaks(inputs: Any) -> None:
    results = make_results()
    results["extra_data"]["plots"]["decision_boundary"]["inputs"] = inputs
    page = feedback(results, "ko")
    assert "<script" not in page and "onload" not in page
    svg = svg_of(page)
    if svg is not None:
        assert_only_our_markup(svg, "ko")


def test_plot_with_hostile_container_is_left_out() -> None:
    results = make_results()
    results["extra_data"]["plots"] = {"decision_boundary": HOSTILE}
    page = feedback(results, "ko")
    assert svg_of(page) is None and "<script" not in page


@pytest.mark.parametrize("plots", [HOSTILE, [HOSTILE]])
def test_plots_that_are_not_a_mapping_are_no_result(plots: Any) -> None:
    results = make_results()
    results["extra_data"]["plots"] = plots
    with pytest.raises(ValidationError):
        typed(results)


def test_english_feedback() -> None:
    page = feedback(make_results(), "en")
    assert "Grading results" in page and "hidden test" in page and "skipped" in page
    assert '<html lang="en">' in page


def test_class_report_with_non_ascii_names(tmp_path: Path) -> None:
    students = ["김민준", "이서연", HOSTILE, "a b/c"]
    for index, name in enumerate(students):
        results = make_results(student=name)
        results["score"] = 20.0 * index
        results["execution_time"] = 1.0 + index
        folder = tmp_path / f"s{index}"
        folder.mkdir()
        (folder / "results.json").write_text(json.dumps(results, ensure_ascii=False), "utf-8")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "results.json").write_text("{not json", "utf-8")
    found = [load_results(path) for path in sorted(tmp_path.glob("*/results.json"))]
    loaded = [result for result in found if result is not None]
    assert len(found) == 5 and len(loaded) == 4
    page = render_class_report(loaded, "ko")
    assert f'href="{quote("김민준")}/feedback.html"' in page
    assert 'href="a%20b%2Fc/feedback.html"' in page
    assert "김민준" in page and "<script>" not in page
    assert "data:image/png;base64," in page  # histogram
    assert "통과율" in page and "100%" in page and ">0%" in page
    assert "ex01_tensors · make_ones" in page


def test_feedback_href_is_quoted() -> None:
    assert feedback_href("김민준") == "%EA%B9%80%EB%AF%BC%EC%A4%80/feedback.html"
    assert feedback_href("../x") == "..%2Fx/feedback.html"


def test_class_report_empty_and_english() -> None:
    assert "No student has been graded." in render_class_report([], "en")
    page = render_class_report([typed(make_results())], "en")
    assert "Class grading report" in page and "Pass rate per test" in page


GRADER_BUG = "KeyError: 'expected_grad_of_secret_case' in grader/graders/hidden/x.py:12"


def with_grader_bug(student: str = "박지호") -> dict[str, Any]:
    """A result where one hidden test hit a grader bug: the student is told only that the grader
    failed; the detail is in ``internal_error``."""
    results = make_results(student=student)
    test = results["tests"][2]
    test["output"] = INTERNAL_ERROR.render("ko")
    test["extra_data"].update(failure_category="internal", internal_error=GRADER_BUG)
    return results


@pytest.mark.parametrize("language", ["ko", "en"])
def test_grader_error_never_reaches_the_student(language: str) -> None:
    results = with_grader_bug()
    page = feedback(results, language)
    assert "expected_grad_of_secret_case" not in page and "KeyError" not in page
    assert INTERNAL_ERROR.render("ko") in page  # what the student is told instead


@pytest.mark.parametrize("language", ["ko", "en"])
def test_class_report_lists_grader_errors(language: str) -> None:
    clean, buggy = typed(make_results(student="김민준")), typed(with_grader_bug(HOSTILE))
    page = render_class_report([clean, buggy], language)
    assert 'id="grader-errors"' in page
    assert "expected_grad_of_secret_case" in page  # the detail, for the instructor
    assert "test_constant_grad" in page and "ex04_gradient_tape · 상수의 그레이디언트" in page
    assert f'href="{quote(HOSTILE, safe="")}/feedback.html"' in page and "<script>" not in page
    assert 'id="grader-errors"' not in render_class_report([clean], language)


def class_page(language: str = "ko", **options: Any) -> str:
    """The class report of three students: one without a failed test, two with."""
    perfect = make_results(student="최우수")
    perfect["tests"] = [t for t in perfect["tests"] if t.get("status") != "failed"]
    perfect["score"] = 100.0
    weak = make_results(student="이서연")
    weak["score"] = 5.0
    return render_class_report(
        [typed(perfect), typed(make_results(student="김민준")), typed(weak)], language, **options
    )


def section(page: str, anchor: str) -> str:
    """The page from the heading with ``id=anchor`` up to the next ``<h2``."""
    start = page.index(f'<h2 id="{anchor}"')
    end = page.find("<h2", start + 1)
    return page[start : end if end != -1 else len(page)]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_class_report_names_course_and_date(language: str) -> None:
    page = class_page(
        language, course_title="텐서플로 시작하기", generated=datetime(2026, 3, 4, 9, 5)
    )
    heading = page[page.index("<h1>") : page.index("</h1>")]
    assert "텐서플로 시작하기" in heading
    assert '<time id="generated">2026-03-04 09:05</time>' in page
    assert "<title>텐서플로 시작하기 · " in page


def test_class_report_student_list_reachable_from_top() -> None:
    page = class_page()
    nav = page[page.index("<nav") : page.index("</nav>")]
    assert page.index("<nav") < page.index('<h2 id="histogram"')
    for anchor in ("students", "failing", "slowest", "histogram"):
        assert f'href="#{anchor}"' in nav
        assert f'<h2 id="{anchor}"' in page


@pytest.mark.parametrize(
    ("language", "across", "up"),
    [("ko", "총점 (%)", "학생 수"), ("en", "Total score (%)", "Students")],
)
def test_class_report_histogram_axes_in_course_language(
    language: str, across: str, up: str
) -> None:
    histogram = section(class_page(language), "histogram")
    assert f'<figcaption class="x-label">{across}</figcaption>' in histogram
    assert f'<span class="y-label">↑ {up}</span>' in histogram
    assert f'alt="{rendered(TEXT, language)["histogram_alt"]}"' in histogram


def test_histogram_png_draws_no_text_a_font_could_lack() -> None:
    """The labels are the page's text; the image itself asks matplotlib for no glyph it lacks."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        uri = histogram_png([0.0, 55.5, 100.0, float("nan")])
    assert uri.startswith("data:image/png;base64,")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_class_report_footer_is_the_instructors(language: str) -> None:
    page = class_page(language)
    footer = page[page.index("<footer>") : page.index("</footer>")]
    student_footer = rendered(TEXT, language)["footer"]
    assert student_footer not in page and "강사에게" not in page
    assert rendered(TEXT, language)["class_footer"] in footer
    assert student_footer in feedback(make_results(), language)  # students keep theirs


def test_skipped_status_never_wraps() -> None:
    """'건너뜀' sits in a narrow status cell: the pages' CSS keeps it on one line."""
    for page in (feedback(make_results(), "ko"), class_page()):
        style = page[page.index("<style>") : page.index("</style>")]
        rules = re.findall(r"([^{}]+)\{([^}]*)\}", style)
        nowrap = [sel for sel, body in rules if re.search(r"white-space:\s*nowrap", body)]
        assert any(re.search(r"td\.skipped\b", sel) for sel in nowrap), nowrap
    assert '<td class="skipped">건너뜀</td>' in feedback(make_results(), "ko")


def test_class_report_links_slowest_and_failing_to_feedback() -> None:
    page = class_page()
    failing = section(page, "failing")
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', failing)
    assert links == [(feedback_href("이서연"), "이서연"), (feedback_href("김민준"), "김민준")]
    assert "ex01_tensors, ex04_gradient_tape" in failing  # where each one failed
    slowest = section(page, "slowest")
    assert len(re.findall(r'<a href="[^"]+/feedback.html">', slowest)) == 3
    students = section(page, "students")
    assert f'<a href="{feedback_href("최우수")}">최우수</a>' in students


def test_class_report_without_failures_says_so() -> None:
    perfect = make_results()
    perfect["tests"] = [t for t in perfect["tests"] if t.get("status") != "failed"]
    page = render_class_report([typed(perfect)], "ko")
    assert rendered(TEXT, "ko")["none_failing"] in section(page, "failing")


def test_finish_batch_puts_the_course_title_on_the_report(tmp_path: Path) -> None:
    folder = tmp_path / output_folder("김민준")
    folder.mkdir()
    (folder / RESULTS).write_text(json.dumps(make_results(), ensure_ascii=False), "utf-8")
    finish_batch(tmp_path, ["김민준"], "ko", course_title="텐서플로 시작하기 (2반)")
    report = (tmp_path / "report.html").read_text("utf-8")
    assert "<h1>텐서플로 시작하기 (2반) · 반 전체 채점 보고서</h1>" in report
