"""The HTML reports: hostile strings are escaped, hidden tests leak no code, plots appear."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from grader.exercises import EXERCISE_IDS
from grader.reports import (
    load_results,
    render_class_report,
    render_feedback,
    write_class_report,
)
from grader.reports.class_report import feedback_href
from grader.reports.feedback import hidden_hint

HOSTILE = "<script>alert('x')</script>\"'&"
HIDDEN_CODE = (
    "그레이디언트가 None입니다. tape.watch를 호출했나요?\n"
    "Traceback (most recent call last):\n"
    '  File "grader/hidden/test_ex04_gradient_tape.py", line 12, in test_watch\n'
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


def test_feedback_escapes_hostile_strings() -> None:
    page = render_feedback(make_results(student=HOSTILE), "ko")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(" in page
    assert "alert('x')" not in page  # quotes are escaped too
    assert "&#34;" in page or "&quot;" in page


def test_feedback_shows_statuses_notes_and_output() -> None:
    page = render_feedback(make_results(), "ko")
    assert "✓" in page and "✗" in page and "건너뜀" in page
    assert "숨겨진 테스트" in page
    assert "노트북(.ipynb)을 채점했습니다" in page
    assert "<details>" in page and "print says" in page
    assert "제출 없음" in page  # the six exercises without a file
    for exercise_id in EXERCISE_IDS:
        assert f'id="{exercise_id}"' in page


def test_hidden_test_output_contains_no_code() -> None:
    page = render_feedback(make_results(), "ko")
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
    page = render_feedback(make_results(), "ko")
    assert "예외가 발생했습니다: &lt;script&gt;" in page


def test_plot_present_only_with_data() -> None:
    with_plot = render_feedback(make_results(), "ko")
    assert re.search(
        r'<img class="plot" alt="decision boundary" src="data:image/png;base64,', with_plot
    )
    without = render_feedback(make_results(with_plot=False), "ko")
    assert "data:image/png" not in without


def test_plot_with_failed_student_side_still_shows_reference() -> None:
    results = make_results()
    results["extra_data"]["plots"]["decision_boundary"]["student"] = None
    page = render_feedback(results, "ko")
    assert "data:image/png;base64," in page
    assert "결정 경계를 그릴 수 없었습니다" in page


def test_plot_with_garbage_numbers_does_not_break_the_page() -> None:
    results = make_results()
    boundary = results["extra_data"]["plots"]["decision_boundary"]
    boundary["student"] = {"colors": ["a", None], "line": [[float("nan")], "x"]}
    boundary["inputs"] = "not points"
    page = render_feedback(results, "ko")
    assert "data:image/png" not in page


def test_english_feedback() -> None:
    page = render_feedback(make_results(), "en")
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
    loaded = load_results(tmp_path)
    assert len(loaded) == 4
    page = write_class_report(tmp_path, "ko").read_text("utf-8")
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
    page = render_class_report([copy.deepcopy(make_results())], "en")
    assert "Class grading report" in page and "Pass rate per test" in page
