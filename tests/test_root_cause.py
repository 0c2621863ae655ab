"""One root cause is reported once per exercise (issue 11, item 1).

A student whose file does not load, is missing, lacks a function, leaves a function unfinished or
makes one mistake that many tests reach reads its explanation once, on the first test it fails;
every later test of that exercise says it failed for the same reason and names that test.
Everything here is graded in-process, in one pytest session per folder.
"""

from __future__ import annotations

import linecache
import re
from pathlib import Path

import pytest
import tensorflow as tf
from rich.console import Console

from grader.course.exercises import EXERCISE_IDS, resolve
from grader.grading.check import CheckResult, print_check
from grader.grading.plugin import TestRecord
from grader.grading.scoring import score_exercise
from grader.grading.student_run import StudentRun, grade_runs
from tests.grading_helpers import grade_folder

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
STUBS = ROOT / "exercises"


def solution(exercise: str) -> str:
    return (SOLUTIONS / f"{exercise}.py").read_text(encoding="utf-8")


def replaced(exercise: str, old: str, new: str) -> str:
    source = solution(exercise)
    assert old in source, f"{old!r} not in the {exercise} solution"
    return source.replace(old, new)


# One student folder with one root cause per exercise (ex01 has no file at all).
FOLDER = {
    "ex02_assign": (STUBS / "ex02_assign.py").read_text(encoding="utf-8"),  # nothing done yet
    "ex03_tensor_ops": replaced("ex03_tensor_ops", "    return a + b\n", "    return a +\n"),
    "ex04_gradient_tape": replaced("ex04_gradient_tape", "        tape.watch(x)\n", ""),
    "ex05_second_order": re.sub(
        r"\ndef second_derivative\(.*", "\n", solution("ex05_second_order"), flags=re.S
    ),
    "ex06_linear_classifier": replaced(
        "ex06_linear_classifier",
        "    return tf.matmul(inputs, W) + b",
        "    return inputs * W + b",
    ),
}
EXERCISES = list(EXERCISE_IDS[:6])
EX01 = "ex01_tensors"


@pytest.fixture(scope="module")
def records(config, tmp_path_factory) -> dict[str, list[TestRecord]]:
    folder = tmp_path_factory.mktemp("root-cause")
    for exercise, source in FOLDER.items():
        (folder / f"{exercise}.py").write_text(source, encoding="utf-8")
    graded = grade_folder(config, folder, EXERCISES, gpu_visible=False)
    return {e: [r for r in graded if r.exercise == e] for e in EXERCISES}


def explained(records: list[TestRecord]) -> list[TestRecord]:
    """The failed tests that carry an explanation (not a pointer to an earlier test)."""
    return [r for r in records if r.status == "failed" and not r.same_cause_as]


def assert_one_cause(records: list[TestRecord], needle: str) -> TestRecord:
    failed = [r for r in records if r.status == "failed"]
    assert len(failed) > 1, "the case must fail several tests for this to mean anything"
    first, *rest = failed
    assert needle in first.message.ko, first.message.ko
    assert explained(records) == [first], [r.message.ko for r in explained(records)]
    for record in rest:
        assert record.same_cause_as == first.test
        assert first.title.ko in record.message.ko and "\n" not in record.message.ko
        assert first.message.ko not in record.message.ko
    return first


def test_a_missing_file_is_reported_once_and_names_the_file(records):
    assert_one_cause(records["ex01_tensors"], "`ex01_tensors.py`")


def test_a_syntax_error_is_reported_once_with_its_line(records):
    first = assert_one_cause(records["ex03_tensor_ops"], "문법 오류")
    assert "행" in first.message.ko


def test_each_unfinished_function_is_one_line_once(records):
    failed = [r for r in records["ex02_assign"] if r.status == "failed"]
    assert failed and all("\n" not in r.message.ko for r in failed)
    named = {}
    for record in explained(records["ex02_assign"]):
        names = re.findall(r"`(\w+)`을\(를\) 아직 구현하지 않았습니다", record.message.ko)
        assert len(names) == 1, record.message.ko
        named.setdefault(names[0], []).append(record.test)
    assert set(named) == {"assign_ones", "assign_element", "increase", "decrease"}
    assert all(len(tests) == 1 for tests in named.values()), named


def test_one_wrong_answer_reached_by_public_and_hidden_tests_is_one_cause(records):
    ex04 = records["ex04_gradient_tape"]
    first = assert_one_cause(
        [r for r in ex04 if r.test.startswith(("test_grad_square_of_constant", "test_gradient"))],
        "tape.watch",
    )
    assert {r.visibility for r in ex04 if r.same_cause_as == first.test} >= {"public", "hidden"}


def test_a_missing_function_is_reported_once(records):
    about_it = [r for r in records["ex05_second_order"] if "second_derivative" in r.test]
    assert_one_cause(about_it, "`second_derivative`")


def test_an_exception_maps_to_the_hint_once_with_the_students_line(records):
    first = assert_one_cause(
        [r for r in records["ex06_linear_classifier"] if r.failure_category == "exception"],
        "`*`는 원소별 곱셈",
    )
    assert "inputs * W + b" in first.message.ko
    assert "/" not in first.message.ko.split("문제가 생긴 줄:")[1], "no path of the sandbox"


# ---------------------------------------------------------------------- notebook cells
def run_cell(source: str, namespace: dict, cell: int) -> None:
    """Run ``source`` as IPython runs a cell: compiled under a file name of its own, with the
    source registered in ``linecache`` so that tracebacks show the cell's lines."""
    filename = f"/tmp/ipykernel_4242/{cell}.py"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)


def notebook_namespace(exercise: str) -> dict:
    """The globals a notebook has after running its cells."""
    namespace: dict = {"__name__": "__main__"}
    run_cell(solution(exercise), namespace, 1)
    return namespace


def grade_namespace(config, exercise: str, namespace: dict) -> list[TestRecord]:
    run = StudentRun.in_namespace(config, "notebook", namespace)
    grade_runs(config, [exercise], ["public", "hidden"], [run], gpu_visible=False)
    return run.records


def test_a_function_missing_in_a_notebook_says_to_run_the_cells_above(config):
    namespace = notebook_namespace("ex03_tensor_ops")
    del namespace["sqrt"]
    records = grade_namespace(config, "ex03_tensor_ops", namespace)
    first = assert_one_cause([r for r in records if r.failure_category == "missing"], "`sqrt`")
    assert "위쪽 셀을 먼저 실행" in first.message.ko
    assert "run the cells above" in first.message.en


def test_a_notebook_exception_shows_the_cells_line(config):
    namespace = notebook_namespace("ex02_assign")
    run_cell("def increase(v, delta):\n    v += delta\n    return v\n", namespace, 2)
    records = grade_namespace(config, "ex02_assign", namespace)
    first = explained([r for r in records if "increase" in r.test])[0]
    assert "복합 대입" in first.message.ko
    assert "2행 (increase): v += delta" in first.message.ko
    assert isinstance(namespace["tf"].Variable(1.0), tf.Variable)  # the kernel still works


def test_course_check_prints_each_cause_once(records, config):
    """`course check`'s list: the unfinished functions on one line, each other cause once with
    the number of tests that failed for it too."""

    shown = ["ex02_assign", "ex03_tensor_ops", "ex06_linear_classifier"]
    public = {e: [r for r in records[e] if r.visibility == "public"] for e in shown}
    result = CheckResult(
        [score_exercise(e, config.points(e), public[e], ["public"]) for e in shown]
    )
    console = Console(record=True, width=400)
    print_check(result, resolve(shown), "ko", console)
    lines = console.export_text().splitlines()
    crosses = [line for line in lines if line.startswith("✗")]
    assert len([c for c in crosses if "ex02_assign" in c]) == 1
    unfinished = next(c for c in crosses if "ex02_assign" in c)
    for function in ("assign_ones", "assign_element", "increase", "decrease"):
        assert function in unfinished
    failed_ex03 = [r for r in public["ex03_tensor_ops"] if r.status == "failed"]
    assert len([c for c in crosses if "ex03_tensor_ops" in c]) == 1 < len(failed_ex03)
    assert sum("문법 오류" in line for line in lines) == 1
    assert f"같은 원인으로 실패한 테스트 {len(failed_ex03) - 1}개 더" in "\n".join(lines)


# ------------------------------------------------ a function that hangs or ends its process
@pytest.mark.slow
def test_a_hanging_or_crashing_function_is_reported_once(tmp_path):
    """Every test that calls a function that runs out of time (after the first timeout its
    calls fail without running) or ends its process, or reaches a file whose top-level code
    ends its process, fails for one reason: said once."""
    from tests.batch_helpers import XDIST_WORKER, course_file, load, run_grade, write_class

    hangs = replaced(
        EX01, "    return tf.ones(shape=shape, dtype=tf.float32)", "    while True:\n        pass"
    )
    crashes = replaced(
        "ex03_tensor_ops", "    return tf.square(x)", "    import os\n\n    os._exit(3)"
    )
    ends_at_load = solution("ex02_assign") + "\nimport os\n\nos._exit(3)\n"
    files = {EX01: hangs, "ex02_assign": ends_at_load, "ex03_tensor_ops": crashes}
    write_class(tmp_path / "subs", {"kim": files})
    course = course_file(tmp_path / "course", 69000 + 100 * XDIST_WORKER, call_s=1)
    result = run_grade(tmp_path / "subs", tmp_path / "out", course, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]

    tests = load(tmp_path / "out", "kim")["tests"]
    cases = [
        (EX01, "제한 시간 안에"),
        ("ex02_assign", "비정상 종료"),
        ("ex03_tensor_ops", "비정상 종료"),
    ]
    for exercise, said in cases:
        failed = [
            t for t in tests if t["extra_data"]["exercise"] == exercise and t["status"] == "failed"
        ]
        explained = [t for t in failed if said in t["output"]]
        pointing = [t for t in failed if "같은 원인으로 실패했습니다" in t["output"]]
        assert len(explained) == 1, [t["output"][:80] for t in failed]
        assert len(pointing) >= 1, [t["output"][:80] for t in failed]
