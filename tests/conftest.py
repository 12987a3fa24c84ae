"""Shared set-up: a headless plot backend and a quiet, seeded TensorFlow for every test.

The backend is chosen with ``matplotlib.use``, not the MPLBACKEND variable: kernels started by
nbval inherit this process's environment and would then draw no figures.
"""

import matplotlib

import helpers

matplotlib.use("Agg")
helpers.setup_notebook(seed=0)
