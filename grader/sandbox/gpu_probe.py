"""Whether the grading host has a GPU that TensorFlow can use, decided by trusted code.

Asked in a short-lived subprocess, so that neither the grader nor the zygote initialises CUDA
(a CUDA context does not survive a fork) and no student process can lie about it.
"""

from __future__ import annotations

import subprocess

from grader.course.tfenv import QUIET_ENV
from grader.sandbox.interpreter import NEUTRAL_CWD, python_command

_PROBE = "import tensorflow as tf; print(len(tf.config.list_physical_devices('GPU')))"


def host_gpu_visible(timeout_s: float = 180) -> bool:
    import os

    try:
        result = subprocess.run(
            python_command("-c", _PROBE), cwd=NEUTRAL_CWD,
            capture_output=True, text=True, timeout=timeout_s, env={**os.environ, **QUIET_ENV},
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return False
    lines = result.stdout.strip().splitlines()
    return result.returncode == 0 and bool(lines) and lines[-1].isdigit() and int(lines[-1]) > 0
