"""Quiet TensorFlow's start-up chatter without hiding real errors.

Only C++ INFO and WARNING lines are silenced (level 2 keeps ERROR); Python exceptions are never
touched. Must run before TensorFlow is imported.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "PYTHONWARNINGS": "ignore::DeprecationWarning",
    "MPLBACKEND": "Agg",
}
# The environment of a notebook kernel a student works in (the kernelspecs the hub and the
# student bundle install): TensorFlow quiet from its import on, but no MPLBACKEND, since Agg
# would hide every figure in the notebook (no inline plot, ``plt.show()`` shows nothing).
NOTEBOOK_KERNEL_ENV = {key: value for key, value in QUIET_ENV.items() if key != "MPLBACKEND"}


def notebook_kernelspec(python: str, display_name: str, env: Mapping[str, str]) -> dict[str, Any]:
    """A Jupyter kernelspec (kernel.json) running ipykernel on ``python`` with ``env``: the
    kernels the hub and the student bundle install, which differ only in those."""
    return {
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": display_name,
        "language": "python",
        "env": dict(env),
        "metadata": {"debugger": True},
    }


def quiet_tensorflow() -> None:
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)


def gpu_visible_in_process() -> bool:
    """Whether TensorFlow in *this* process sees a GPU (initialises CUDA: never before a fork)."""
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))
