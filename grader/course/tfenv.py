"""Quiet TensorFlow's start-up chatter without hiding real errors.

Only C++ INFO and WARNING lines are silenced (level 2 keeps ERROR); Python exceptions are never
touched. Must run before TensorFlow is imported.
"""

from __future__ import annotations

import os

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


def quiet_tensorflow() -> None:
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)


def gpu_visible_in_process() -> bool:
    """Whether TensorFlow in *this* process sees a GPU (initialises CUDA: never before a fork)."""
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))
