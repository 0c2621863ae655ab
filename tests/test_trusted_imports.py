"""The trusted grading process never imports TensorFlow.

Graders work on plain data from the sandbox; TensorFlow lives only in the zygote and its
children. Importing it in each grading worker too would cost seconds of start-up and hundreds of
megabytes per worker, and would put a student-facing library into the process that decides
scores. The same holds for nbgrader's autograde process on the secure path. A fresh interpreter imports everything a ``course grade`` worker imports, with an import
hook that fails on TensorFlow and shows who asked for it.
"""

from __future__ import annotations

import subprocess
import sys

from grader.course.exercises import EXERCISE_IDS

_PROBE = """
import sys, traceback

class RefuseTensorFlow:
    def find_spec(self, name, path=None, target=None):
        if name == "tensorflow" or name.startswith("tensorflow."):
            traceback.print_stack()
            raise SystemExit(f"the trusted side imported {name}")

sys.meta_path.insert(0, RefuseTensorFlow())
import grader.cli, grader.grading.batch, grader.grading.runner, grader.sandbox.remote, grader.grading.session
import grader.grading.results, grader.reports.feedback, grader.nbgrader.secure
for exercise in sys.argv[1:]:
    for visibility in ("public", "hidden"):
        __import__(f"grader.graders.{visibility}.test_{exercise}")
print("ok")
"""


def test_grading_worker_imports_no_tensorflow():
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *EXERCISE_IDS], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert result.stdout.strip() == "ok"
