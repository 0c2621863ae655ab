"""Warm the zygote once so that every sandbox child starts where a long-running process would.

A fresh process pays TensorFlow's and matplotlib's first-use costs on the first call of each
op, gradient and plot (about 20-40 ms each: op-definition lookups, kernel factories, font
loading), and every child of an unwarmed zygote paid them again, per student. Running the
chapter's kinds of work once in the zygote, before any fork, leaves those caches in memory the
children inherit.

TensorFlow's eager context is the one thing a child must not inherit: its thread pools' threads
do not survive ``fork``, so a ``tf.function`` would wait forever for them. The child therefore
sets the warmed context aside (never destroyed: destroying it would join threads that do not
exist) and starts a new one, which creates its own threads. What the warm-up filled lives
outside the context and stays warm.

Only a CPU-only zygote on a host without an NVIDIA device is warmed: CUDA may not be used
across ``fork``, so wherever the driver could be reached the children initialise TensorFlow
themselves, as before.
"""

from __future__ import annotations

import gc
import io
import itertools
import os
from typing import Any

from grader.sandbox.gpu_probe import gpu_device_present

_set_aside: list[Any] = []  # the zygote's eager context, kept alive in each child
_warmed = False


def can_warm_up() -> bool:
    """Whether no CUDA driver can be touched: this zygote hides every GPU (see
    ``sandbox_environment``) and the host has no GPU device node at all."""
    return (
        os.environ.get("CUDA_VISIBLE_DEVICES") == ""
        and not gpu_device_present()
        and _context_can_be_replaced()
    )


def _context_can_be_replaced() -> bool:
    """The private pieces ``fresh_eager_context`` uses: a TensorFlow without them is not warmed
    (its children start cold, as they always did) rather than broken."""
    from tensorflow.python import pywrap_tfe
    from tensorflow.python.eager import context

    return all(
        hasattr(context, name) for name in ("_context", "_create_context", "_device_parsing_cache")
    ) and hasattr(pywrap_tfe, "TFE_ClearScalarCache")


def warm_up() -> None:
    """Run, once, the kinds of work the graders ask of student code (see the module doc)."""
    import matplotlib.pyplot as plt
    import numpy as np
    import tensorflow as tf

    single_threaded(tf)
    _matrix_products(tf)
    x = tf.Variable(tf.ones((3, 2)))
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = tf.reduce_mean(tf.square(tf.matmul(x, tf.ones((2, 1))) - 0.5))
            y += tf.reduce_sum(tf.sqrt(tf.abs(x) + 1.0) * x + x / 2.0)
        grad = inner.gradient(y, x)
    outer.gradient(grad, x)
    x.assign(tf.zeros((3, 2)))
    x.assign_add(tf.random.normal((3, 2), mean=1.0, stddev=0.5, seed=1))
    x.assign_sub(tf.random.uniform((3, 2), minval=0.0, maxval=1.0, seed=2))
    x[0, 0].assign(1.0)
    tf.add_n([x, x]).numpy()
    np.asarray(tf.cast(tf.convert_to_tensor(np.zeros((2, 2))) > 0, tf.float32))
    tf.function(lambda a: a * 2.0)(tf.ones((2,)))

    figure, axes = plt.subplots()
    axes.scatter([0.0, 1.0], [1.0, 0.0], c=[0.0, 1.0])
    axes.plot([0.0, 1.0], [0.0, 1.0], "-r")
    axes.axline((0.0, 0.0), slope=1.0)
    axes.contour([[0.0, 1.0], [1.0, 0.0]], levels=[0.5])
    figure.savefig(io.BytesIO(), format="png")
    plt.close("all")
    del x, y, grad, inner, outer, figure, axes
    gc.collect()
    gc.freeze()  # the children never scan (and so never copy) what the zygote made
    global _warmed
    _warmed = True


def _matrix_products(tf: Any) -> None:
    """Matrix products of small and larger sizes, plain and transposed (as in gradients): the
    CPU matmul generates its machine code on first use for each kind of product (oneDNN's JIT),
    about 30 ms a child would otherwise spend again."""
    sizes = (1, 2, 5, 32)
    for m, n, k in itertools.product(sizes, repeat=3):
        for transpose_a, transpose_b in itertools.product((False, True), repeat=2):
            a = tf.ones((k, m) if transpose_a else (m, k))
            b = tf.ones((n, k) if transpose_b else (k, n))
            tf.matmul(a, b, transpose_a=transpose_a, transpose_b=transpose_b)


def single_threaded(tf: Any) -> None:
    """One thread per op: workers already run side by side on the host's cores."""
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)


def fresh_eager_context() -> None:
    """In a child of a warmed zygote: replace the inherited eager context with a new one."""
    if not _warmed:
        return
    from tensorflow.python import pywrap_tfe
    from tensorflow.python.eager import context

    if context._context is not None:
        _set_aside.append(context._context)
        context._context = None
    pywrap_tfe.TFE_ClearScalarCache()  # cached scalars belong to the old context
    context._device_parsing_cache = {}
    context._create_context()
