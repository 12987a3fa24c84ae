"""Reproducibility: a quiet TensorFlow start and seeded, deterministic training."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

from helpers._validation import check_int


@contextlib.contextmanager
def _stderr_fd_silenced() -> Iterator[None]:
    """Send file descriptor 2 to the null device for the duration of the block.

    TensorFlow's C++ start-up lines (absl, oneDNN, CPU feature notices) are written straight
    to fd 2, below Python's ``sys.stderr``, so only an fd-level redirect hides them.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


ONEDNN_SWITCH = "TF_ENABLE_ONEDNN_OPTS"
ONEDNN_ISA = "ONEDNN_MAX_CPU_ISA"
PINNED_ENVIRONMENT = {ONEDNN_SWITCH: "0", ONEDNN_ISA: "AVX2"}
FLOAT_TYPE = "float64"
PERTURB_SWITCH = "HELPERS_PERTURB_ARITHMETIC"
PERTURBED_ABOVE, PERTURBED_BLOCK = 400, 96  # rows: longer weight gradients are summed in blocks
_undo_perturbation: Callable[[], None] | None = None  # set once setup_notebook has perturbed


def setup_notebook(seed: int = 42) -> None:
    """Import TensorFlow quietly, seed Python, NumPy and Keras, and make TensorFlow deterministic.

    Call it once, first thing in a notebook, before anything imports TensorFlow. After it,
    TensorFlow's start-up log lines are gone (in JupyterLab and under nbval alike) and two
    runs of the same cells give the same numbers. Calling it again re-seeds.

    So that a reader's CPU prints the digits ours did, Keras computes in **float64**
    (``keras.config.set_floatx("float64")``). CPUs add long sums in different orders: TensorFlow's
    matrix product cuts the summed dimension into blocks sized from the CPU's L1 cache, so a
    gradient summed over 419 training windows gets other last bits on a 32 KiB-L1d CPU than on a
    48 KiB one. A thousand Adam steps grow a float32 last bit (1e-7) into the 2nd or 3rd printed
    decimal; a float64 last bit (1e-16) is a billion times smaller, and the most sensitive
    trainings (notebook 08's backtest) also keep their sums within 400 windows, which every CPU
    with 32 KiB of L1d or more adds in the same order. On these small models float64 costs little
    time. In your own projects float32 is the norm (GPUs are built for it).

    It also fixes two oneDNN settings, whatever the environment says: TensorFlow's oneDNN ops are
    off (``TF_ENABLE_ONEDNN_OPTS=0``; with them on, whole ops are swapped for oneDNN ones picked
    at run time, and on these tiny models they are slower), and float32 matrix products use
    oneDNN's AVX2 kernel (``ONEDNN_MAX_CPU_ISA=AVX2``) instead of one picked from the CPU.

    For the course's CI only: with the environment variable ``HELPERS_PERTURB_ARITHMETIC=1``,
    it also sums the long products in another order than any CPU would
    (:func:`perturb_arithmetic`). Stored outputs that still pass strict nbval under it do not
    depend on the CPU's cache.

    >>> setup_notebook(seed=42)
    >>> import numpy as np
    >>> first = np.random.rand()
    >>> setup_notebook(seed=42)
    >>> bool(np.random.rand() == first)
    True
    >>> import keras
    >>> keras.config.floatx()
    'float64'
    """
    seed = check_int(seed, "seed", minimum=0)
    already_set = all(os.environ.get(name) == value for name, value in PINNED_ENVIRONMENT.items())
    if "tensorflow" in sys.modules and not already_set:
        raise RuntimeError(
            "TensorFlow was imported before helpers.setup_notebook(), so its settings can no longer "
            "be fixed: restart the kernel and run setup_notebook() before importing keras or tensorflow"
        )
    os.environ.update(PINNED_ENVIRONMENT)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    with _stderr_fd_silenced():
        import keras
        import tensorflow as tf
    # Keras re-traces predict functions for every new model; harmless here, noisy in a notebook.
    tf.get_logger().setLevel(logging.ERROR)
    keras.config.set_floatx(FLOAT_TYPE)
    from helpers.recipes import recipe_model_class

    recipe_model_class()  # so keras.models.load_model can read models that helpers built
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    global _undo_perturbation
    if os.environ.get(PERTURB_SWITCH, "0") not in ("", "0") and _undo_perturbation is None:
        _undo_perturbation = perturb_arithmetic()


def perturb_arithmetic() -> Callable[[], None]:
    """Sum long products in another order than any CPU would; a test switch, never for a lesson.

    TensorFlow's matrix product cuts a long summed dimension into blocks sized from the CPU's
    L1 cache and adds them in turn (see :func:`setup_notebook`). No CPU with 32 KiB of L1d or
    more cuts a sum of up to 400 terms, so products that short come out the same everywhere;
    longer ones do not. This switch sums every weight gradient longer than
    ``PERTURBED_ABOVE`` rows (the windows of a batch) in blocks of ``PERTURBED_BLOCK``, added
    from the last block to the first: an order no CPU uses. A printed digit that changes under
    it would change on some reader's CPU.

    CI runs the stored notebooks under it (``make nbval-perturbed``, and inside
    ``make nbval-portability``). It patches TensorFlow's private gradient registry, in this
    process only, for functions traced from now on, and returns a function that undoes it.

    >>> setup_notebook(seed=0)
    >>> import numpy as np, tensorflow as tf
    >>> a, g = tf.constant(np.random.default_rng(0).normal(size=(450, 3))), tf.ones((450, 2), tf.float64)
    >>> def weight_gradient():
    ...     with tf.GradientTape() as tape:
    ...         tape.watch(w := tf.ones((3, 2), tf.float64))
    ...         product = tf.linalg.matmul(a, w)
    ...     return tape.gradient(product, w, output_gradients=g).numpy()
    >>> plain = weight_gradient()
    >>> restore = perturb_arithmetic()
    >>> perturbed = weight_gradient()
    >>> restore()
    >>> bool(np.allclose(perturbed, plain, rtol=1e-12)), bool(np.array_equal(perturbed, plain))
    (True, False)
    """
    from tensorflow.python.framework import ops
    from tensorflow.python.ops import gen_math_ops

    registry = ops._gradient_registry._registry["MatMul"]
    plain_gradient = registry["type"]

    def blocked_gradient(op: Any, grad: Any) -> Any:
        a, b = op.inputs[0], op.inputs[1]
        rows = a.shape[0] if a.shape.rank == 2 else None
        transposed = op.get_attr("transpose_a") or op.get_attr("transpose_b")
        if transposed or rows is None or rows <= PERTURBED_ABOVE:
            return plain_gradient(op, grad)
        starts = range(0, rows, PERTURBED_BLOCK)
        blocks = [
            gen_math_ops.mat_mul(a[s : s + PERTURBED_BLOCK], grad[s : s + PERTURBED_BLOCK], transpose_a=True)
            for s in starts
        ]
        weight_gradient = blocks[-1]
        for block in reversed(blocks[:-1]):
            weight_gradient = weight_gradient + block
        return gen_math_ops.mat_mul(grad, b, transpose_b=True), weight_gradient

    def restore() -> None:
        registry["type"] = plain_gradient

    registry["type"] = blocked_gradient
    return restore
