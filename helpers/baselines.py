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
    if not isinstance(train, tuple | list) or len(train) != 2:
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
    """Drift: the last value plus the mean change over the window, once per step ahead.

    The forecasting literature's drift method, with the window as the history used: a straight
    line through the window's first and last values, continued.

    >>> drift_forecast([[1, 2, 4], [5, 4, 7]]).tolist()  # mean changes 1.5 and 1
    [5.5, 8.0]
    >>> drift_forecast([[1, 2, 4]], horizon=3).tolist()
    [[5.5, 7.0, 8.5]]
    """
    windows = _windows(x)
    if windows.shape[1] < 2:
        raise ValueError(f"x must hold at least 2 values per window for a change, got {windows.shape}")
    mean_change = (windows[:, -1] - windows[:, 0]) / (windows.shape[1] - 1)
    return _continue(windows[:, -1], mean_change, horizon)


def last_difference_forecast(x: object, horizon: int = 1) -> np.ndarray:
    """Last-difference extrapolation: the last value plus the last change, once per step ahead.

    Not drift (which uses the mean change): one noisy change is continued as it is.

    >>> last_difference_forecast([[1, 2, 4], [5, 4, 7]]).tolist()
    [6.0, 10.0]
    >>> last_difference_forecast([[1, 2, 4]], horizon=3).tolist()
    [[6.0, 8.0, 10.0]]
    """
    windows = _windows(x)
    if windows.shape[1] < 2:
        raise ValueError(f"x must hold at least 2 values per window for a difference, got {windows.shape}")
    return _continue(windows[:, -1], windows[:, -1] - windows[:, -2], horizon)


def _continue(last: np.ndarray, change: np.ndarray, horizon: object) -> np.ndarray:
    """``last + h * change`` for ``h = 1 .. horizon``; flat when ``horizon`` is 1."""
    horizon = _horizon(horizon)
    forecast = last[:, np.newaxis] + change[:, np.newaxis] * np.arange(1, horizon + 1)
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
    """The baselines that need no training, for windows ``x``: naive, drift, last difference, and
    a linear regression fitted on ``train``. They forecast as many steps as ``train`` has targets.

    >>> train = Windows(np.array([[1, 2, 3], [2, 3, 4], [4, 6, 8]]), np.array([4, 5, 10]))
    >>> {name: values.round(6).tolist() for name, values in baseline_forecasts(train, [[3, 5, 7]]).items()}
    {'naive': [7.0], 'drift': [9.0], 'last difference': [9.0], 'linear regression': [9.0]}
    """
    train = _training_windows(train)
    targets = as_finite_array(train.y, "train.y", ndim=(1, 2))
    horizon = 1 if targets.ndim == 1 else targets.shape[1]
    return {
        "naive": naive_forecast(x, horizon),
        "drift": drift_forecast(x, horizon),
        "last difference": last_difference_forecast(x, horizon),
        "linear regression": linear_forecast(train, x),
    }
