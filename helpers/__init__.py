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
from helpers.baselines import (
    baseline_forecasts,
    drift_forecast,
    linear_forecast,
    naive_forecast,
    seasonal_naive_forecast,
)
from helpers.evaluation import SeedSpread, regression_report, seed_spread, seed_spreads, worst_abs_errors
from helpers.plots import plot_errors_per_seed, plot_history, plot_predictions, plot_seed_spread
from helpers.recipes import (
    Recipe,
    Scaling,
    SeedWorkers,
    build_model,
    fit_scaling,
    predict,
    predictions_over_seeds,
    train,
    train_over_seeds,
    validated,
    window_relative,
)
from helpers.reproducibility import setup_notebook
from helpers.scratch import GATE_NAMES, LSTMStep, lstm_forward, lstm_step, lstm_steps
from helpers.tables import format_param_table, format_spreads, format_table
from helpers.tasks import (
    HeldOutTask,
    Task,
    arithmetic_task,
    held_out_tasks,
    logistic_task,
    noisy_trend_task,
    seed_tasks,
)
from helpers.windows import (
    LabelCheck,
    TimeSplit,
    Windows,
    find_label_outliers,
    from_relative,
    split_in_time,
    split_sequence,
    to_3d,
    to_relative,
)

__all__ = [
    "GATE_NAMES",
    "HeldOutTask",
    "LSTMStep",
    "LabelCheck",
    "LayerParams",
    "Recipe",
    "Scaling",
    "SeedSpread",
    "SeedWorkers",
    "Task",
    "TimeSplit",
    "Windows",
    "arithmetic_task",
    "baseline_forecasts",
    "build_model",
    "dense_param_count",
    "drift_forecast",
    "find_label_outliers",
    "fit_scaling",
    "format_param_table",
    "format_spreads",
    "format_table",
    "from_relative",
    "gru_param_count",
    "held_out_tasks",
    "layer_param_table",
    "linear_forecast",
    "logistic_task",
    "lstm_forward",
    "lstm_param_count",
    "lstm_step",
    "lstm_steps",
    "naive_forecast",
    "noisy_trend_task",
    "plot_errors_per_seed",
    "plot_history",
    "plot_predictions",
    "plot_seed_spread",
    "predict",
    "predictions_over_seeds",
    "regression_report",
    "seasonal_naive_forecast",
    "seed_spread",
    "seed_spreads",
    "seed_tasks",
    "setup_notebook",
    "simple_rnn_param_count",
    "split_in_time",
    "split_sequence",
    "to_3d",
    "to_relative",
    "train",
    "train_over_seeds",
    "validated",
    "window_relative",
    "worst_abs_errors",
]
