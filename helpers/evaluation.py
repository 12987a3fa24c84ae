"""Evaluation: regression metrics and how stable a result is across random seeds."""

from __future__ import annotations

import fractions
import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
from sklearn import metrics

from helpers._validation import as_finite_array, check_int, check_mapping, check_positive


def _without_output_axis(
    truth: np.ndarray, predicted: np.ndarray, leading: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Drop a trailing output axis of size 1 (``model.predict``'s ``(n, 1)``) where only one side has it.

    ``predicted`` may have ``leading`` extra axes in front (one per seed, say); the shapes are
    compared without them. Shapes that still differ are returned as they are, for the caller to refuse.

    >>> [a.shape for a in _without_output_axis(np.zeros(3), np.zeros((3, 1)))]
    [(3,), (3,)]
    >>> [a.shape for a in _without_output_axis(np.zeros((3, 1)), np.zeros((2, 3)), leading=1)]
    [(3,), (2, 3)]
    """
    compared = predicted.shape[leading:]
    if compared[-1:] == (1,) and compared[:-1] == truth.shape:
        predicted = predicted[..., 0]
    elif truth.shape[-1:] == (1,) and truth.shape[:-1] == compared:
        truth = truth[..., 0]
    return truth, predicted


def _matched(y_true: object, y_pred: object, ndim: tuple[int, ...] | None) -> tuple[np.ndarray, np.ndarray]:
    """``y_true`` and ``y_pred`` as float arrays of one shape, up to a trailing output axis of size 1.

    >>> [a.tolist() for a in _matched([8, 9], [[8.5], [9.5]], ndim=None)]
    [[8.0, 9.0], [8.5, 9.5]]
    """
    truth = as_finite_array(y_true, "y_true", ndim=ndim).astype(np.float64)
    predicted = as_finite_array(y_pred, "y_pred", ndim=ndim).astype(np.float64)
    truth, predicted = _without_output_axis(truth, predicted)
    if truth.shape != predicted.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape, or matching shapes but for a trailing axis "
            f"of size 1, got {truth.shape} and {predicted.shape}"
        )
    return truth, predicted


def _paired(y_true: object, y_pred: object) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_matched` for 1-D or 2-D ``(samples, outputs)`` arrays, one output flattened to 1-D.

    >>> [a.shape for a in _paired([[8], [9]], [[8.5], [9.5]])]
    [(2,), (2,)]
    """
    truth, predicted = _matched(y_true, y_pred, ndim=(1, 2))
    if truth.ndim == 2 and truth.shape[1] == 1:
        truth, predicted = truth[:, 0], predicted[:, 0]
    return truth, predicted


def regression_report(y_true: object, y_pred: object) -> dict[str, float]:
    """MSE, RMSE, MAE, R² and explained variance of predictions, computed by scikit-learn.

    Accepts ``model.predict``'s ``(n, 1)`` output beside a flat ``y_true``. With several outputs
    ``(n, k)`` each metric is the average over the outputs. R² needs at least two samples, and
    a target that varies: for a constant ``y_true`` R² and explained variance divide by zero, and
    are ``nan`` (scikit-learn would report 0.0 or 1.0).

    >>> report = regression_report([8, 9, 12, 14], [8, 9, 12, 13])
    >>> {name: round(value, 3) for name, value in report.items()}
    {'mse': 0.25, 'rmse': 0.5, 'mae': 0.25, 'r2': 0.956, 'explained_variance': 0.967}
    """
    truth, predicted = _paired(y_true, y_pred)
    if len(truth) < 2:
        raise ValueError(f"y_true must hold at least 2 samples for R², got {len(truth)}")
    mse = metrics.mean_squared_error(truth, predicted)
    varies = bool(np.all(np.ptp(truth, axis=0) > 0))
    return {
        "mse": float(mse),
        "rmse": float(np.sqrt(mse)),
        "mae": float(metrics.mean_absolute_error(truth, predicted)),
        "r2": float(metrics.r2_score(truth, predicted)) if varies else math.nan,
        "explained_variance": (
            float(metrics.explained_variance_score(truth, predicted)) if varies else math.nan
        ),
    }


class PairedComparison(NamedTuple):
    """Two forecasts of the same windows, compared through their per-window loss differences."""

    mse_a: float
    mse_b: float
    difference: float  # mse_a - mse_b: below 0, forecast a is better
    low: float
    high: float
    lags: int

    def __str__(self) -> str:
        """One line: both MSEs, the difference and its interval.

        >>> print(PairedComparison(0.5, 0.75, -0.25, -0.4, -0.1, 2))
        MSE 0.5 vs 0.75: difference -0.25, interval [-0.4, -0.1]
        """
        return (
            f"MSE {self.mse_a:.4g} vs {self.mse_b:.4g}: difference {self.difference:.4g}, "
            f"interval [{self.low:.4g}, {self.high:.4g}]"
        )


def paired_comparison(
    y_true: object, forecast_a: object, forecast_b: object, level: float = 0.95, lags: int | None = None
) -> PairedComparison:
    """Compare two forecasts of the same windows: their MSEs, the difference, and its interval.

    Each window's loss is its squared error (averaged over the steps ahead); ``d`` is forecast
    a's loss minus forecast b's, window by window. The interval for the mean of ``d`` uses a
    Newey-West (HAC) standard error, as the Diebold-Mariano test does: neighbouring windows
    overlap and their errors move together, which an ordinary standard error would ignore.
    ``lags`` (how far that correlation reaches) defaults to the larger of ``horizon - 1`` and
    Newey and West's rule ``floor(4 (n / 100) ** (2 / 9))``. An interval that excludes 0 says
    which forecast is better on windows like these; one that contains 0 does not decide.

    Two forecasts of the same windows share most of their errors, so this interval is far
    narrower than the uncertainty of either MSE alone: that one is the wrong yardstick here.

    >>> truth = [1.0, 2.0, 3.0, 4.0]
    >>> result = paired_comparison(truth, [1.0, 2.5, 3.0, 4.5], [1.5, 2.0, 3.5, 4.0], lags=0)
    >>> result.difference, result.lags  # (0 + 0.25 + 0 + 0.25) / 4 - the same
    (0.0, 0)
    """
    from statsmodels.regression.linear_model import OLS

    truth = as_finite_array(y_true, "y_true", ndim=(1, 2)).astype(np.float64)
    losses = []
    for name, forecast in (("forecast_a", forecast_a), ("forecast_b", forecast_b)):
        values = as_finite_array(forecast, name, ndim=(1, 2)).astype(np.float64)
        matched_truth, values = _without_output_axis(truth, values)
        if values.shape != matched_truth.shape:
            raise ValueError(f"{name} must have y_true's shape {truth.shape}, got {values.shape}")
        errors = (values - matched_truth).reshape(len(values), -1)
        losses.append(np.mean(errors**2, axis=1))
    windows, horizon = len(truth), int(np.prod(truth.shape[1:], dtype=int))
    if windows < 3:
        raise ValueError(f"y_true must hold at least 3 windows to compare forecasts on, got {windows}")
    level = check_positive(level, "level")
    if level >= 1:
        raise ValueError(f"level must be below 1 (0.95 for a 95% interval), got {level}")
    if lags is None:
        lags = max(horizon - 1, int(4 * (windows / 100) ** (2 / 9)))
    lags = check_int(lags, "lags", minimum=0, maximum=windows - 1)
    differences = losses[0] - losses[1]
    if np.all(differences == differences[0]):  # no spread: the interval is the value itself
        low = high = float(differences[0])
    else:
        fit = OLS(differences, np.ones(windows)).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
        low, high = (float(bound) for bound in fit.conf_int(alpha=1 - level)[0])
    return PairedComparison(
        float(losses[0].mean()), float(losses[1].mean()), float(differences.mean()), low, high, lags
    )


class SeedSpread(NamedTuple):
    """How far the predictions of one recipe, trained with several seeds, land from the target."""

    lowest: float
    highest: float
    median_abs_error: float
    worst_abs_error: float
    within_tolerance: int
    runs: int
    tolerance: float


def worst_abs_errors(predictions: object, target: object) -> np.ndarray:
    """Each seed's absolute error on one query, the worst output's when there are several.

    ``predictions`` has one row per seed: a scalar, or a vector as long as ``target``.

    >>> worst_abs_errors([[102.9, 105.0], [103.0, 104.5]], target=[103, 105]).round(2).tolist()
    [0.1, 0.5]
    """
    values = as_finite_array(predictions, "predictions", ndim=(1, 2, 3)).astype(np.float64)
    goal = as_finite_array(target, "target", ndim=(0, 1)).astype(np.float64)
    per_seed = values.reshape(len(values), -1)
    if per_seed.shape[1] != goal.size:
        raise ValueError(
            f"predictions must have {goal.size} value(s) per seed to match target, got shape {values.shape}"
        )
    return np.abs(per_seed - goal.reshape(1, -1)).max(axis=1)


def seed_spread(predictions: object, target: object, tolerance: float = 0.05) -> SeedSpread:
    """Summarise predictions made by models trained with different seeds for one target.

    ``predictions`` has one row per seed (a scalar or a vector per seed); a seed counts as
    within tolerance when every output is within ``tolerance`` of ``target``.

    >>> spread = seed_spread([13.9, 14.02, 15.3], target=14)
    >>> spread.within_tolerance, round(spread.worst_abs_error, 2)
    (1, 1.3)
    """
    tolerance = check_positive(tolerance, "tolerance")
    errors = worst_abs_errors(predictions, target)
    values = as_finite_array(predictions, "predictions", ndim=(1, 2, 3)).astype(np.float64)
    return SeedSpread(
        lowest=float(values.min()),
        highest=float(values.max()),
        median_abs_error=float(np.median(errors)),
        worst_abs_error=float(errors.max()),
        within_tolerance=int(np.sum(errors <= tolerance)),
        runs=len(values),
        tolerance=float(tolerance),
    )


def seed_spreads(
    predictions: Mapping[str, object], targets: Mapping[str, object], tolerance: float = 0.05
) -> dict[str, SeedSpread]:
    """:func:`seed_spread` for every recipe and query, keyed ``"recipe, query"``.

    ``predictions[recipe]`` has shape ``(seeds, queries, ...)``, its queries in the order of
    ``targets``, which maps each query's name to its target.

    >>> spreads = seed_spreads({"post": [[[13.0]], [[15.0]]]}, {"[13, 14, 15]": 14})
    >>> list(spreads), spreads["post, [13, 14, 15]"].worst_abs_error
    (['post, [13, 14, 15]'], 1.0)
    """
    check_mapping(predictions, "predictions")
    check_mapping(targets, "targets")
    check_positive(tolerance, "tolerance")
    spreads = {}
    for recipe, values in predictions.items():
        per_query = as_finite_array(values, f"predictions[{recipe!r}]")
        if per_query.ndim < 2 or per_query.shape[1] != len(targets):
            raise ValueError(
                f"predictions[{recipe!r}] must have shape (seeds, {len(targets)}, ...), "
                f"one column per target, got {per_query.shape}"
            )
        for column, (query, target) in enumerate(targets.items()):
            spreads[f"{recipe}, {query}"] = seed_spread(per_query[:, column], target, tolerance)
    return spreads


def rmse_per_seed(predictions: object, y_true: object) -> np.ndarray:
    """The root mean squared error of each seed's predictions: ``predictions`` ``(seeds, samples, ...)``.

    Each row is scored against ``y_true`` ``(samples, ...)`` over all its samples and outputs;
    a trailing output axis of size 1 (``model.predict``'s shape) on either side is ignored.

    >>> rmse_per_seed([[1.0, 2.0], [1.0, 4.0]], [1, 2]).tolist()
    [0.0, 1.4142135623730951]
    >>> rmse_per_seed([[[1.0], [2.0]], [[1.0], [4.0]]], [[1], [2]]).tolist()
    [0.0, 1.4142135623730951]
    """
    values = as_finite_array(predictions, "predictions", ndim=(2, 3)).astype(np.float64)
    truth = as_finite_array(y_true, "y_true", ndim=(1, 2)).astype(np.float64)
    truth, values = _without_output_axis(truth, values, leading=1)
    if values.shape[1:] != truth.shape:
        raise ValueError(
            f"predictions must have shape (seeds, *{truth.shape}) to match y_true, got {values.shape}"
        )
    squared = (values - truth).reshape(len(values), -1) ** 2
    return np.sqrt(squared.mean(axis=1))


def mase(y_true: object, y_pred: object, training_series: object, season: int = 1) -> float:
    """Mean absolute scaled error: the forecast's MAE over the in-sample MAE of the seasonal naive.

    The scale is the mean absolute difference between values ``season`` steps apart in
    ``training_series`` (what "repeat the value one season ago" errs by on the training span),
    so below 1 beats that naive forecast on average and above 1 loses to it. Any shape of
    ``y_true`` / ``y_pred`` (one forecast or many, several steps ahead) is averaged whole; as in
    :func:`regression_report`, a trailing axis of size 1 on one side only (``model.predict``'s
    ``(n, 1)`` beside ``(n,)``) is ignored.

    >>> mase([5, 6], [5.5, 6.5], training_series=[1, 2, 4, 8], season=1)  # scale (1 + 2 + 4) / 3
    0.21428571428571427
    """
    truth, predicted = _matched(y_true, y_pred, ndim=None)
    series = as_finite_array(training_series, "training_series", ndim=(1,)).astype(np.float64)
    season = check_int(season, "season")
    if len(series) <= season:
        raise ValueError(f"training_series must be longer than season={season}, got {len(series)} values")
    scale = np.mean(np.abs(series[season:] - series[:-season]))
    if scale == 0:
        raise ValueError("training_series must change at some point: its seasonal naive error is 0")
    return float(np.mean(np.abs(truth - predicted)) / scale)


def conformal_halfwidth(residuals: object, level: float) -> np.ndarray:
    """Half-widths of forecast intervals from held-out residuals, one per step ahead.

    ``residuals`` ``(windows, horizon)`` are a model's errors (truth minus forecast) on windows it
    never trained on. For each step ahead the half-width is the ``ceil((n + 1) level)``-th
    smallest of the ``n`` absolute residuals (split-conformal): if future errors are like these,
    ``forecast ± half-width`` holds the truth with probability at least ``level``.

    >>> conformal_halfwidth([[1.0], [-3.0], [2.0], [0.5]], level=0.6).tolist()  # ceil(5 * 0.6) = 3rd
    [2.0]
    """
    errors = np.abs(as_finite_array(residuals, "residuals", ndim=(1, 2)).astype(np.float64))
    errors = errors.reshape(len(errors), -1)
    level = check_positive(level, "level")
    if level >= 1:
        raise ValueError(f"level must be below 1 (0.8 for 80% intervals), got {level}")
    exact = fractions.Fraction(repr(level))  # 0.56 as 14/25: (49 + 1) * 0.56 is 28, not 28.000000000000004
    rank = math.ceil((len(errors) + 1) * exact)
    if rank > len(errors):
        needed = math.ceil(exact / (1 - exact))  # the least n with (n + 1) * level <= n
        raise ValueError(
            f"residuals must hold at least {needed} windows for a {level * 100:.10g}% interval, got "
            f"{len(errors)}: lower the level or use more held-out windows"
        )
    return np.sort(errors, axis=0)[rank - 1]


def interval_coverage(y_true: object, lower: object, upper: object) -> float:
    """The share of true values inside their interval ``[lower, upper]`` (all of them, every step).

    Bounds of shape ``(n, 1)`` (what ``model.predict`` returns) match a flat ``y_true``. Values
    are compared at the lowest float precision among the three, so a float32 value that equals
    a bound in float32 counts as inside.

    >>> interval_coverage([1.0, 2.0, 3.0, 4.0], lower=[0, 2.5, 2, 4], upper=[2, 3, 4, 5])
    0.75
    """
    arrays = {
        name: as_finite_array(values, name)
        for name, values in (("y_true", y_true), ("lower", lower), ("upper", upper))
    }
    floats = [array.dtype for array in arrays.values() if array.dtype.kind == "f"]
    precision = min(floats, key=lambda dtype: dtype.itemsize, default=np.dtype(np.float64))
    truth = arrays["y_true"].astype(precision)
    bounds = []
    for name in ("lower", "upper"):
        array = _without_output_axis(truth, arrays[name].astype(precision))[1]
        if array.shape != truth.shape:
            raise ValueError(f"{name} must have y_true's shape {truth.shape}, got {array.shape}")
        bounds.append(array)
    if np.any(bounds[0] > bounds[1]):
        raise ValueError("lower must not exceed upper")
    return float(np.mean((truth >= bounds[0]) & (truth <= bounds[1])))
