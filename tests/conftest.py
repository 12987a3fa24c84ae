"""Shared set-up: a headless plot backend and a quiet, seeded TensorFlow for every test."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import helpers

helpers.setup_notebook(seed=0)
