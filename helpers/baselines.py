"""Baseline forecasts: what a model has to beat before it earns its complexity.

Each takes input windows ``x`` ``(samples, n_steps)`` (the series' past) and returns one
forecast per window: ``(samples,)`` for the next value, ``(samples, horizon)`` for several.
"""

from __future__ import annotations

import numpy as np

from helpers._validation import ArgumentError, as_finite_array, check_int
from helpers.windows import Windows


def _windows(x: object, name: str = "x") -> np.ndarray:
    return as_finite_array(x, name, ndim=(2,)).astype(np.float64)


MAX_HORIZON = 100_000


def _horizon(horizon: object) -> int:
    return check_int(horizon, "horizon", maximum=MAX_HORIZON)


def _training_windows(train: object) -> Windows:
    """``train`` as :class:`Windows`: it may also be a plain ``(x, y)`` pair."""
    if not isinstance(train, tuple) or len(train) != 2:
        raise ArgumentError(f"train must be Windows(x, y) or an (x, y) pair, got {type(train).__name__}")
    return Windows(*train)


def _repeat(values: np.ndarray, horizon: int) -> np.ndarray:
    horizon = _horizon(horizon)
    return values if horizon == 1 else np.repeat(values[:, np.newaxis], horizon, axis=1)


def naive_forecast(x: object, horizon: int = 1) -> np.ndarray:
    """Repeat each window's last value: "tomorrow is like today".

    >>> naive_forecast([[1, 2, 3], [5, 4, 7]]).tolist()
    [3.0, 7.0]
    >>> naive_forecast([[1, 2, 3]], horizon=2).tolist()
    [[3.0, 3.0]]
    """
    return _repeat(_windows(x)[:, -1], horizon)


def drift_forecast(x: object, horizon: int = 1) -> np.ndarray:
    """Last value plus the last difference, once per step ahead: continue the latest change.

    >>> drift_forecast([[1, 2, 4], [5, 4, 7]]).tolist()
    [6.0, 10.0]
    >>> drift_forecast([[1, 2, 4]], horizon=3).tolist()
    [[6.0, 8.0, 10.0]]
    """
    windows = _windows(x)
    if windows.shape[1] < 2:
        raise ValueError(f"x must hold at least 2 values per window for a difference, got {windows.shape}")
    last, step = windows[:, -1], windows[:, -1] - windows[:, -2]
    ahead = np.arange(1, _horizon(horizon) + 1)
    forecast = last[:, np.newaxis] + step[:, np.newaxis] * ahead
    return forecast[:, 0] if horizon == 1 else forecast


def seasonal_naive_forecast(x: object, season: int, horizon: int = 1) -> np.ndarray:
    """Repeat the value one season earlier: next January is like last January.

    Step ``h`` ahead (1-based) takes the window's value ``season`` steps before it, so windows
    need at least ``season`` values and ``horizon <= season``.

    >>> seasonal_naive_forecast([[1, 2, 3, 4]], season=4, horizon=2).tolist()
    [[1.0, 2.0]]
    """
    windows = _windows(x)
    season = check_int(season, "season")
    horizon = _horizon(horizon)
    if windows.shape[1] < season:
        raise ValueError(f"x must hold at least season={season} values per window, got {windows.shape}")
    if horizon > season:
        raise ValueError(f"horizon must be <= season ({season}), got {horizon}")
    forecast = windows[:, windows.shape[1] - season : windows.shape[1] - season + horizon]
    return forecast[:, 0] if horizon == 1 else forecast


def linear_forecast(train: Windows, x: object) -> np.ndarray:
    """Fit scikit-learn's ``LinearRegression`` on the training windows, forecast windows ``x``.

    One linear function of the window's values (plus an intercept) per output.

    >>> train = Windows(np.array([[1, 2, 3], [2, 3, 4], [4, 6, 8]]), np.array([4, 5, 10]))
    >>> linear_forecast(train, [[10, 20, 30]]).round(6).tolist()
    [40.0]
    """
    from sklearn.linear_model import LinearRegression

    train = _training_windows(train)
    train_x = _windows(train.x, "train.x")
    train_y = as_finite_array(train.y, "train.y", ndim=(1, 2)).astype(np.float64)
    windows = _windows(x)
    if len(train_y) != len(train_x):
        raise ValueError(f"train.y must have one row per window: {len(train_y)} for {len(train_x)} windows")
    if windows.shape[1] != train_x.shape[1]:
        raise ValueError(
            f"x must have {train_x.shape[1]} values per window like train.x, got {windows.shape}"
        )
    return LinearRegression().fit(train_x, train_y).predict(windows)


def baseline_forecasts(train: Windows, x: object) -> dict[str, np.ndarray]:
    """The three next-value baselines for windows ``x``: naive, drift and linear regression.

    >>> train = Windows(np.array([[1, 2, 3], [2, 3, 4], [4, 6, 8]]), np.array([4, 5, 10]))
    >>> {name: values.round(6).tolist() for name, values in baseline_forecasts(train, [[3, 5, 7]]).items()}
    {'naive (last value)': [7.0], 'drift (last value + last difference)': [9.0], 'linear regression': [9.0]}
    """
    train = _training_windows(train)
    return {
        "naive (last value)": naive_forecast(x),
        "drift (last value + last difference)": drift_forecast(x),
        "linear regression": linear_forecast(train, x),
    }
