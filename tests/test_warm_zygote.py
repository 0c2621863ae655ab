"""A warmed zygote's children run every kind of TensorFlow code a student may write.

The zygote runs TensorFlow and matplotlib once before it forks (``grader.sandbox.warmup``), and
each child swaps in a fresh eager context: the warmed context's thread pools do not survive the
fork, and a ``tf.function`` in a child that kept it would wait for them until its time limit.
Graph functions, vectorised maps and tf.data pipelines are correct styles, and must get full
marks in the sandbox as they do in a long-running process.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader.grading.batch import grade_class
from tests.batch_helpers import ROOT, XDIST_WORKER, exercise_score, load, solution, write_class

UID_BASE = 66600 + 100 * XDIST_WORKER


def as_graph_functions(text: str, names: tuple[str, ...]) -> str:
    """The solution with ``@tf.function`` on each of the named top-level functions."""
    for name in names:
        text, count = re.subn(rf"^def {name}\(", f"@tf.function\ndef {name}(", text, flags=re.M)
        assert count == 1, name
    return text


def graph_style_class() -> dict[str, dict[str, str]]:
    square_by_map = solution("ex03_tensor_ops").replace(
        "return tf.square(x)", "return tf.vectorized_map(tf.square, x)"
    )
    through_dataset = solution("ex06_linear_classifier").replace(
        "        loss = training_step(",
        "        next(iter(tf.data.Dataset.from_tensors(inputs).map(lambda t: t * 1.0)))\n"
        "        loss = training_step(",
    )
    return {
        "graph": {
            "ex03_tensor_ops": as_graph_functions(
                solution("ex03_tensor_ops"), ("sqrt", "add", "multiply", "matmul")
            ),
            "ex06_linear_classifier": as_graph_functions(
                solution("ex06_linear_classifier"), ("model", "square_loss")
            ),
        },
        "maps": {"ex03_tensor_ops": square_by_map, "ex06_linear_classifier": through_dataset},
    }


@pytest.mark.slow
def test_graph_functions_maps_and_datasets_get_full_marks_in_the_sandbox(tmp_path: Path, config):
    subs, out = tmp_path / "subs", tmp_path / "out"
    students = graph_style_class()
    assert "loss = training_step(" in solution("ex06_linear_classifier")
    write_class(subs, students)
    grading = config.grading.model_copy(update={"sandbox_uid_base": UID_BASE})
    summary = grade_class(
        config.model_copy(update={"grading": grading}), ROOT, subs, out, workers=1, force=True,
        gpu=False,
    )  # fmt: skip
    assert sorted(summary.graded) == sorted(students)
    for student, files in students.items():
        results = load(out, student)
        for exercise in files:
            failed = [
                f"{t['name']}: {t.get('output', '')[:300]}"
                for t in results["tests"]
                if t["extra_data"]["exercise"] == exercise and t.get("status") == "failed"
            ]
            score, maximum = exercise_score(results, exercise)
            assert score == maximum > 0, f"{student} {exercise}:\n" + "\n".join(failed)
