"""Helpers for the LSTM notebooks: one import path, ``import helpers``, for all of them.

Importing this package does not start TensorFlow; :func:`setup_notebook` does, quietly.
"""

from helpers.analysis import (
    LayerParams,
    dense_param_count,
    gru_param_count,
    layer_param_table,
    lstm_param_count,
    simple_rnn_param_count,
)
from helpers.evaluation import SeedSpread, regression_report, seed_spread, seed_spreads, worst_abs_errors
from helpers.plots import plot_errors_per_seed, plot_history, plot_predictions, plot_seed_spread
from helpers.recipes import (
    Recipe,
    SeedWorkers,
    build_model,
    predict,
    predictions_over_seeds,
    robust,
    train,
    train_over_seeds,
)
from helpers.reproducibility import setup_notebook
from helpers.scratch import GATE_NAMES, LSTMStep, lstm_forward, lstm_step, lstm_steps
from helpers.tables import format_param_table, format_spreads, format_table
from helpers.tasks import Task, seed_tasks
from helpers.windows import (
    LabelCheck,
    find_label_outliers,
    from_relative,
    split_sequence,
    to_3d,
    to_relative,
)

__all__ = [
    "GATE_NAMES",
    "LSTMStep",
    "LabelCheck",
    "LayerParams",
    "Recipe",
    "SeedSpread",
    "SeedWorkers",
    "Task",
    "build_model",
    "dense_param_count",
    "find_label_outliers",
    "format_param_table",
    "format_spreads",
    "format_table",
    "from_relative",
    "gru_param_count",
    "layer_param_table",
    "lstm_forward",
    "lstm_param_count",
    "lstm_step",
    "lstm_steps",
    "plot_errors_per_seed",
    "plot_history",
    "plot_predictions",
    "plot_seed_spread",
    "predict",
    "predictions_over_seeds",
    "regression_report",
    "robust",
    "seed_spread",
    "seed_spreads",
    "seed_tasks",
    "setup_notebook",
    "simple_rnn_param_count",
    "split_sequence",
    "to_3d",
    "to_relative",
    "train",
    "train_over_seeds",
    "worst_abs_errors",
]
