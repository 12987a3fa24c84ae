"""Reproducibility: a quiet TensorFlow start and seeded, deterministic training."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator

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


def setup_notebook(seed: int = 42) -> None:
    """Import TensorFlow quietly, seed Python, NumPy and Keras, and make TensorFlow deterministic.

    Call it once, first thing in a notebook, before anything imports TensorFlow. After it,
    TensorFlow's start-up log lines are gone (in JupyterLab and under nbval alike) and two
    runs of the same cells give the same numbers. Calling it again re-seeds.

    It also fixes two oneDNN settings, whatever the environment says, so that a reader's CPU
    computes what ours did: TensorFlow's oneDNN ops are off (``TF_ENABLE_ONEDNN_OPTS=0``; with
    them on, whole ops are swapped for oneDNN ones picked at run time, and on these tiny models
    they are slower), and the matrix products, which go through oneDNN's gemm either way, use
    its AVX2 kernel (``ONEDNN_MAX_CPU_ISA=AVX2``) instead of one picked from the CPU, so a CPU
    with AVX-512 and one without round alike.

    >>> setup_notebook(seed=42)
    >>> import numpy as np
    >>> first = np.random.rand()
    >>> setup_notebook(seed=42)
    >>> bool(np.random.rand() == first)
    True
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
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
