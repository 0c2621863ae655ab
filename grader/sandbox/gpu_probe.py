"""Whether the grading host has a GPU that TensorFlow can use, decided by trusted code.

Asked in a short-lived subprocess, so that neither the grader nor the zygote initialises CUDA
(a CUDA context does not survive a fork) and no student process can lie about it. That
subprocess imports TensorFlow, seconds of start-up for ``course grade`` and ``course check``: a
host without any device node a GPU is reached through is answered without it.
"""

from __future__ import annotations

import glob
import subprocess

from grader.course.tfenv import QUIET_ENV
from grader.sandbox.interpreter import NEUTRAL_CWD, python_command

# Device nodes through which TensorFlow's CUDA reaches a GPU: NVIDIA's driver on Linux, the
# DirectX kernel driver under WSL 2. Where none exists no TensorFlow can see a GPU.
GPU_DEVICE_NODES = ("/dev/nvidia*", "/dev/dxg")
_PROBE = "import tensorflow as tf; print(len(tf.config.list_physical_devices('GPU')))"


def gpu_device_present() -> bool:
    """Whether a GPU's device node exists (cheap; not whether TensorFlow can use it)."""
    return any(glob.glob(pattern) for pattern in GPU_DEVICE_NODES)


def host_gpu_visible(timeout_s: float = 180) -> bool:
    import os

    if not gpu_device_present():
        return False
    try:
        result = subprocess.run(
            python_command("-c", _PROBE), cwd=NEUTRAL_CWD,
            capture_output=True, text=True, timeout=timeout_s, env={**os.environ, **QUIET_ENV},
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return False
    lines = result.stdout.strip().splitlines()
    return result.returncode == 0 and bool(lines) and lines[-1].isdigit() and int(lines[-1]) > 0
