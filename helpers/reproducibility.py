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
PERTURBED_BLOCK = 64
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
    decimal; a float64 last bit (1e-16) stays far below them. On these small models float64 costs
    little time. In your own projects float32 is the norm (GPUs are built for it).

    It also fixes two oneDNN settings, whatever the environment says: TensorFlow's oneDNN ops are
    off (``TF_ENABLE_ONEDNN_OPTS=0``; with them on, whole ops are swapped for oneDNN ones picked
    at run time, and on these tiny models they are slower), and float32 matrix products use
    oneDNN's AVX2 kernel (``ONEDNN_MAX_CPU_ISA=AVX2``) instead of one picked from the CPU.

    For the course's CI only: with the environment variable ``HELPERS_PERTURB_ARITHMETIC=1``,
    it also perturbs the arithmetic the way another CPU could (:func:`perturb_arithmetic`).
    Stored outputs that still pass strict nbval then do not hang on last bits.

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
    """Change the last bits of training as another CPU could; a test switch, never for a lesson.

    Two changes, both far below anything a result should depend on:

    * every trainable weight Keras creates has its first non-zero value moved by one unit in
      the last place (``np.nextafter``);
    * every matrix product's weight gradient, which sums over the batch, is summed in blocks
      of 64 rows, one after another, as a CPU with a small L1 cache would.

    A printed digit that changes under it hangs on rounding, not on the computation. CI runs
    the stored notebooks under it (``make nbval-perturbed``). It patches
    ``keras.layers.Layer.add_weight`` and TensorFlow's private gradient registry, in this
    process only, for functions traced from now on. It returns a function that undoes both.

    >>> setup_notebook(seed=0)
    >>> import keras, numpy as np
    >>> plain = keras.layers.Dense(2).add_weight(shape=(3,), initializer="ones").numpy()
    >>> restore = perturb_arithmetic()
    >>> moved = keras.layers.Dense(2).add_weight(shape=(3,), initializer="ones").numpy()
    >>> restore()
    >>> bool(moved[0] == np.nextafter(plain[0], np.inf)), bool(moved[1] == plain[1])
    (True, True)
    """
    import keras
    import numpy as np
    from tensorflow.python.framework import ops
    from tensorflow.python.ops import gen_math_ops

    plain_add_weight = keras.layers.Layer.add_weight
    registry = ops._gradient_registry._registry["MatMul"]
    plain_gradient = registry["type"]

    def add_weight(self: Any, *args: Any, **kwargs: Any) -> Any:
        variable = plain_add_weight(self, *args, **kwargs)
        if variable.trainable:
            values = np.array(variable.numpy())
            flat = values.reshape(-1)
            nonzero = np.flatnonzero(flat)
            if nonzero.size:
                flat[nonzero[0]] = np.nextafter(flat[nonzero[0]], np.inf)
                variable.assign(values)
        return variable

    def blocked_gradient(op: Any, grad: Any) -> Any:
        a, b = op.inputs[0], op.inputs[1]
        rows = a.shape[0] if a.shape.rank == 2 else None
        if (
            op.get_attr("transpose_a")
            or op.get_attr("transpose_b")
            or rows is None
            or rows <= PERTURBED_BLOCK
        ):
            return plain_gradient(op, grad)
        weight_gradient = None
        for start in range(0, rows, PERTURBED_BLOCK):
            block = gen_math_ops.mat_mul(
                a[start : start + PERTURBED_BLOCK], grad[start : start + PERTURBED_BLOCK], transpose_a=True
            )
            weight_gradient = block if weight_gradient is None else weight_gradient + block
        return gen_math_ops.mat_mul(grad, b, transpose_b=True), weight_gradient

    def restore() -> None:
        keras.layers.Layer.add_weight = plain_add_weight
        registry["type"] = plain_gradient

    keras.layers.Layer.add_weight = add_weight
    registry["type"] = blocked_gradient
    return restore
