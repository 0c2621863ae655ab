"""TensorFlow's stderr chatter never zeroes a test cell; real errors on stderr still do."""

from __future__ import annotations

import nbformat
from nbgrader.utils import determine_grade

from grader.course.messages import Msg
from grader.grading import plugin
from grader.grading.notebook import earned_points
from grader.nbgrader.preprocessors import DropLogNoise
from grader.wire.lognoise import strip_log_noise

TF_NOISE = (
    "2025-01-01 12:00:00.123456: I tensorflow/core/util/port.cc:153] oneDNN custom operations "
    "are on. You may see slightly different numerical results.\n"
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
    "I0000 00:00:1736000000.123456   12345 cpu_feature_guard.cc:210] This TensorFlow binary is "
    "optimized to use available CPU instructions in performance-critical operations.\n"
    "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow.\n"
    "W0101 12:00:00.000000 140000 polymorphic_function.py:157] 5 out of the last 5 calls "
    "triggered tf.function retracing.\n"
    "WARNING:tensorflow:5 out of the last 5 calls to <function f> triggered retracing.\n"
    "/usr/lib/python3/site-packages/keras/src/x.py:12: DeprecationWarning: `x` is deprecated\n"
    "  warnings.warn(\n"
    "/tmp/ipykernel_1/123.py:3: UserWarning: student warning\n"
    "  return tf.ones(shape)\n"
)
REAL_ERROR = "Traceback (most recent call last):\nValueError: broken\n"


def test_log_noise_is_stripped_and_real_text_kept() -> None:
    assert strip_log_noise(TF_NOISE) == ""
    assert strip_log_noise("\n\n") == ""
    assert strip_log_noise(TF_NOISE + REAL_ERROR) == REAL_ERROR
    assert strip_log_noise("student printed this\n") == "student printed this\n"


def _graded_cell(stderr: str, value: str = "2.5") -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("run_tests(...)")
    cell.metadata = {"nbgrader": {"grade": True, "solution": False, "locked": True,
                                  "grade_id": "t", "points": 5.0, "schema_version": 3}}  # fmt: skip
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="report\n"),
        nbformat.v4.new_output("stream", name="stderr", text=stderr),
        nbformat.v4.new_output("execute_result", data={"text/plain": value}, execution_count=1),
    ]
    return cell


def _after_filter(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook, _ = DropLogNoise().preprocess(notebook, {})
    return notebook.cells[0]


def test_stock_nbgrader_zeroes_a_cell_with_log_noise() -> None:
    # Why the preprocessor exists: nbgrader alone gives 0 for a cell that earned 2.5.
    assert determine_grade(_graded_cell(TF_NOISE)) == (0, 5.0)


def test_drop_log_noise_restores_partial_credit() -> None:
    cell = _after_filter(_graded_cell(TF_NOISE))
    assert [o.output_type for o in cell.outputs] == ["stream", "execute_result"]
    assert determine_grade(cell) == (2.5, 5.0)


def test_real_stderr_still_zeroes_the_cell() -> None:
    cell = _after_filter(_graded_cell(TF_NOISE + REAL_ERROR))
    assert determine_grade(cell) == (0, 5.0)
    (stderr,) = [o for o in cell.outputs if o.get("name") == "stderr"]
    assert stderr.text == REAL_ERROR


def _record(status: str, weight: float) -> plugin.TestRecord:
    return plugin.TestRecord("ex", "t", Msg("", ""), weight, "public", status=status)  # type: ignore[arg-type]


def test_earned_points_counts_only_tests_that_ran() -> None:
    records = [_record("passed", 1), _record("failed", 3), _record("skipped", 4)]
    assert earned_points(4.375, records) == 1.09  # 4.375 / 4 as the cell shows it
    assert earned_points(4.375, [_record("passed", 2), _record("skipped", 4)]) == 4.375
    assert earned_points(4.375, [_record("failed", 2)]) == 0


def test_reports_show_student_output_without_tensorflow_logs():
    """A GPU build of TensorFlow logs a timestamped failed ``cuInit`` in every CPU-only child;
    left in results.json it made two gradings of one submission differ (seen on an H100)."""
    from grader.grading.results import student_output
    from grader.wire.protocol import OutputLog

    output = OutputLog(limit=10_000)
    output.add(TF_NOISE + "학생이 출력한 줄\n")
    assert student_output(output) == "학생이 출력한 줄\n"
    assert student_output(None) == ""
