"""Plots: loss curves, predictions against targets, and the spread of results over seeds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from helpers._validation import (
    ArgumentError,
    as_finite_array,
    check_int,
    check_mapping,
    check_positive,
    check_real,
    check_str,
)
from helpers.evaluation import _paired


def _axes(ax: object, figsize: tuple[float, float]) -> Axes:
    """``ax`` if it is a Matplotlib ``Axes``, a new figure's axes if it is ``None``."""
    if ax is None:
        return plt.subplots(figsize=figsize)[1]
    if not isinstance(ax, Axes):
        raise ArgumentError(f"ax must be a Matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _losses(history: Any) -> list[float]:
    """The losses of a Keras ``History`` (what ``model.fit`` returns) or of its ``history`` dict.

    >>> _losses({"loss": [4.0, 1.0]})
    [4.0, 1.0]
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise ArgumentError(
            f"history must be a keras History or a dict with a 'loss' list, got {type(history).__name__}"
        )
    if "loss" not in logs:
        raise ValueError(
            f"history must be a keras History or a dict with a 'loss' list, got keys {list(logs)!r:.80}"
        )
    losses = as_finite_array(logs["loss"], "history['loss']").astype(float)
    if losses.ndim != 1:
        raise ValueError(f"history['loss'] must be a flat list, got shape {losses.shape}")
    return losses.tolist()


def plot_history(
    history: Any, ax: Axes | None = None, title: str = "Training loss", mark_epoch: int | None = None
) -> Axes:
    """Plot the training loss per epoch on a log scale; ``mark_epoch`` (1-based) draws a line.

    A log scale cannot show a loss of exactly 0: then the axis is linear below 1e-12
    (``symlog``), so every epoch is drawn, and the label says so.

    >>> ax = plot_history({"loss": [4.0, 1.0, 0.25]})
    >>> ax.get_xlabel(), ax.get_yscale()
    ('epoch', 'log')
    >>> plot_history({"loss": [4.0, 0.0]}).get_yscale()
    'symlog'
    """
    losses = _losses(history)
    check_str(title, "title")
    if mark_epoch is not None:
        mark_epoch = check_int(mark_epoch, "mark_epoch")
    ax = _axes(ax, (6, 3.5))
    epochs = np.arange(1, len(losses) + 1)
    ax.plot(epochs, losses, label="training loss (MSE)")
    if mark_epoch is not None:
        if not 1 <= mark_epoch <= len(losses):
            raise ValueError(f"mark_epoch must be between 1 and {len(losses)}, got {mark_epoch}")
        ax.axvline(mark_epoch, color="tab:red", linestyle="--", label=f"epoch {mark_epoch}")
    ax.set_xlabel("epoch")
    if np.all(np.asarray(losses) > 0):
        ax.set_yscale("log")
        ax.set_ylabel("loss (MSE, log scale)")
    else:
        ax.set_yscale("symlog", linthresh=1e-12)
        ax.set_ylabel("loss (MSE, log scale; linear below 1e-12)")
    ax.set_title(title)
    ax.legend()
    return ax


def plot_predictions(
    y_true: object, y_pred: object, ax: Axes | None = None, title: str = "Predictions against targets"
) -> Axes:
    """Scatter predictions against targets, with the diagonal a perfect model would sit on.

    ``y_pred`` must have ``y_true``'s shape (``model.predict``'s ``(n, 1)`` beside ``(n,)`` is fine).

    >>> ax = plot_predictions([8, 9, 12, 14], [8.1, 9.0, 11.5, 13.2])
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('target', 'prediction')
    """
    truth, predicted = _paired(y_true, y_pred)
    truth, predicted = truth.ravel(), predicted.ravel()
    check_str(title, "title")
    ax = _axes(ax, (4.5, 4.5))
    low, high = min(truth.min(), predicted.min()), max(truth.max(), predicted.max())
    ax.plot([low, high], [low, high], color="grey", linestyle=":", label="prediction = target")
    ax.scatter(truth, predicted, color="tab:blue", zorder=3, label="model")
    ax.set_xlabel("target")
    ax.set_ylabel("prediction")
    ax.set_title(title)
    ax.legend()
    return ax


def plot_seed_spread(
    predictions_by_recipe: Mapping[str, object],
    target: float,
    tolerance: float = 0.05,
    ax: Axes | None = None,
    title: str = "Prediction per seed",
) -> Axes:
    """Plot each recipe's prediction for one target, one point per seed, with the tolerance band.

    >>> ax = plot_seed_spread({"post": [11.9, 15.3], "ours": [14.0, 14.0]}, target=14)
    >>> [label.get_text() for label in ax.get_xticklabels()]
    ['post', 'ours']
    """
    check_mapping(predictions_by_recipe, "predictions_by_recipe")
    target = check_real(target, "target")
    tolerance = check_positive(tolerance, "tolerance")
    check_str(title, "title")
    ax = _axes(ax, (6, 3.5))
    ax.axhspan(
        target - tolerance,
        target + tolerance,
        color="tab:green",
        alpha=0.3,
        label=f"target {target:g} ± {tolerance:g}",
    )
    for position, (name, values) in enumerate(predictions_by_recipe.items()):
        points = as_finite_array(values, f"predictions_by_recipe[{name!r}]").astype(float).ravel()
        jitter = np.linspace(-0.15, 0.15, len(points)) if len(points) > 1 else np.zeros(1)
        ax.scatter(position + jitter, points, zorder=3)
    ax.set_xticks(range(len(predictions_by_recipe)), list(predictions_by_recipe))
    ax.set_xlim(-0.5, len(predictions_by_recipe) - 0.5)
    ax.set_ylabel("prediction")
    ax.set_title(title)
    ax.legend(loc="best")
    return ax


ERROR_FLOOR = 1e-6


def plot_errors_per_seed(
    errors_by_recipe: Mapping[str, object],
    tolerance: float = 0.05,
    ax: Axes | None = None,
    title: str = "Absolute error per seed",
) -> Axes:
    """Plot each recipe's absolute error per seed on a log scale, with the tolerance line.

    Errors below ``ERROR_FLOOR`` (1e-6) are drawn at the floor, so exact answers stay visible.

    >>> ax = plot_errors_per_seed({"post": [0.8, 2.1], "ours": [0.0, 1e-4]})
    >>> ax.get_yscale(), [line.get_label() for line in ax.get_lines()]
    ('log', ['post', 'ours', '±0.05'])
    """
    check_mapping(errors_by_recipe, "errors_by_recipe")
    tolerance = check_positive(tolerance, "tolerance")
    check_str(title, "title")
    ax = _axes(ax, (5, 3.5))
    for name, values in errors_by_recipe.items():
        errors = as_finite_array(values, f"errors_by_recipe[{name!r}]").astype(float).ravel()
        if np.any(errors < 0):
            raise ValueError(f"errors_by_recipe[{name!r}] must be absolute errors (>= 0)")
        ax.plot(np.maximum(errors, ERROR_FLOOR), marker="o", linestyle="none", label=name)
    ax.axhline(tolerance, color="tab:green", linestyle="--", label=f"±{tolerance:g}")
    ax.set_yscale("log")
    ax.set_xlabel("seed")
    ax.set_ylabel(f"absolute error (floor {ERROR_FLOOR:g})")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(title, fontsize=10)
    return ax
