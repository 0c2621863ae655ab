"""Student code runs on a short Python stack in the sandbox child.

TensorFlow records the Python stack, with line numbers, for every eager op it runs, and
finding a frame's line takes time in proportion to how far into its function the frame stands.
A child that ran student code beneath the zygote's serve loop, its module body and runpy (14
frames standing about 4,900 bytes of bytecode in) spent a fifth of a training step on that
alone. The frames beneath a student's function must stay few and short.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader.grading.batch import grade_class
from tests.batch_helpers import ROOT, XDIST_WORKER, exercise_score, load, solution, write_class

UID_BASE = 70000 + 100 * XDIST_WORKER
MAX_FRAMES_BELOW = 11
MAX_BYTECODE_BELOW = 1600  # the sum of the frames' instruction offsets (``f_lasti``)

PROBE = """    import sys

    frame, offsets = sys._getframe().f_back, []
    while frame is not None:
        offsets.append(frame.f_lasti)
        frame = frame.f_back
    print(f"FRAMES_BELOW {len(offsets)} {sum(offsets)}")
    return tf.square(x)"""


@pytest.mark.slow
def test_student_functions_run_a_few_short_frames_above_the_stack_bottom(tmp_path: Path, config):
    reference = solution("ex03_tensor_ops")
    assert reference.count("    return tf.square(x)") == 1
    subs, out = tmp_path / "subs", tmp_path / "out"
    write_class(
        subs, {"probe": {"ex03_tensor_ops": reference.replace("    return tf.square(x)", PROBE)}}
    )
    grading = config.grading.model_copy(update={"sandbox_uid_base": UID_BASE})
    grade_class(
        config.model_copy(update={"grading": grading}), ROOT, subs, out, workers=1, force=True,
        gpu=False,
    )  # fmt: skip
    results = load(out, "probe")
    score, maximum = exercise_score(results, "ex03_tensor_ops")
    assert score == maximum > 0  # the probe changes nothing the graders see
    output = results["extra_data"]["exercises"]["ex03_tensor_ops"]["output"]
    found = [(int(n), int(b)) for n, b in re.findall(r"FRAMES_BELOW (\d+) (\d+)", output)]
    assert found, output[-2000:]
    for frames, bytecode in found:
        assert frames <= MAX_FRAMES_BELOW and bytecode <= MAX_BYTECODE_BELOW, (frames, bytecode)
