"""Data windows: turning a series into (input window, target) pairs an LSTM can learn from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

import numpy as np

from helpers._validation import ArgumentError, _typed, as_finite_array, check_int


def split_sequence(
    sequence: object, n_steps: int, n_out: int = 1, target: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into sliding windows of ``n_steps`` values and the ``n_out`` values after each.

    The stride is 1, so a series of length ``L`` gives ``L - n_steps - n_out + 1`` samples.
    ``y`` has shape ``(samples,)`` when ``n_out == 1``, else ``(samples, n_out)``.

    A series of several features, ``(L, features)``, gives windows ``(samples, n_steps,
    features)`` (every feature is an input) and the targets of column ``target``.

    >>> X, y = split_sequence([1, 2, 3, 4, 5], n_steps=3)
    >>> X.tolist(), y.tolist()
    ([[1, 2, 3], [2, 3, 4]], [4, 5])
    >>> split_sequence([1, 2, 3, 4, 5], n_steps=2, n_out=2)[1].tolist()
    [[3, 4], [4, 5]]
    >>> X, y = split_sequence([[1, 10], [2, 20], [3, 30], [4, 40]], n_steps=2, target=1)
    >>> X.shape, X[0].tolist(), y.tolist()
    ((2, 2, 2), [[1, 10], [2, 20]], [30, 40])
    """
    n_steps = check_int(n_steps, "n_steps")
    n_out = check_int(n_out, "n_out")
    series = as_finite_array(sequence, "sequence")
    if series.ndim == 2:
        if target is None:
            raise ValueError(
                f"target must name the column to forecast of a series with {series.shape[1]} features"
            )
        target = check_int(target, "target", minimum=0, maximum=series.shape[1] - 1)
    elif series.ndim != 1:
        raise ValueError(f"sequence must be 1-D, or 2-D (time, features), got shape {series.shape}")
    elif target is not None:
        raise ValueError("target applies to a series of several features (2-D); this one is 1-D")
    if len(series) < n_steps + n_out:
        raise ValueError(
            f"sequence is too short: {len(series)} values cannot make one window of "
            f"n_steps={n_steps} plus n_out={n_out} targets (need at least {n_steps + n_out})"
        )
    # (samples, steps) for one feature, (samples, features, steps) for several
    windows = np.lib.stride_tricks.sliding_window_view(series, n_steps + n_out, axis=0)
    if series.ndim == 2:
        X = np.moveaxis(windows[..., :n_steps], 1, 2).copy()
        y = windows[:, target, n_steps:].copy()
    else:
        X = windows[:, :n_steps].copy()
        y = windows[:, n_steps:].copy()
    return X, (y[:, 0] if n_out == 1 else y)


def to_3d(x: object) -> np.ndarray:
    """Reshape windows ``(samples, timesteps)`` to ``(samples, timesteps, 1)``, the shape an LSTM wants.

    Keras recurrent layers read ``(samples, timesteps, features)``; a univariate series has one
    feature per step. A 3-D array passes through unchanged.

    >>> to_3d([[1, 2, 3], [4, 5, 6]]).shape
    (2, 3, 1)
    """
    return windows_3d(x, "x")


def windows_3d(x: object, name: str) -> np.ndarray:
    """:func:`to_3d` for an argument called ``name`` (its errors say so)."""
    array = as_finite_array(x, name)
    if array.ndim == 2:
        return array[:, :, np.newaxis]
    if array.ndim == 3:
        return array
    raise ValueError(
        f"{name} must be 2-D (samples, timesteps) or 3-D (samples, timesteps, features), "
        f"got {array.ndim}-D with shape {array.shape}"
    )


def _last_values(x: object) -> tuple[np.ndarray, np.ndarray]:
    """Return ``x`` as a float array with its 3-D view, and the last value of each window."""
    windows = to_3d(x).astype(np.float64)
    if windows.shape[2] != 1:
        raise ValueError(f"x must be univariate (one feature per step), got shape {windows.shape}")
    return windows, windows[:, -1, 0]


def to_relative(x: object, y: object | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Express each window, and optionally its targets, relative to the window's last value.

    ``[13, 14, 15] -> 14`` becomes ``[-2, -1, 0] -> -1``, exactly what ``[1, 2, 3] -> 2`` becomes:
    the task turns shift-invariant, so a query far from the training values looks familiar.
    ``x`` keeps its rank; ``y`` may be ``(samples,)`` or ``(samples, n_out)``.

    >>> x_rel, y_rel = to_relative([[13, 14, 15]], [14])
    >>> x_rel.tolist(), y_rel.tolist()
    ([[-2.0, -1.0, 0.0]], [-1.0])
    """
    windows, last = _last_values(x)
    x_rel = (windows - last[:, np.newaxis, np.newaxis]).reshape(np.shape(x))
    if y is None:
        return x_rel, None
    targets = as_finite_array(y, "y", ndim=(1, 2)).astype(np.float64)
    if len(targets) != len(last):
        raise ValueError(f"y must have one row per window: {len(targets)} targets for {len(last)} windows")
    return x_rel, targets - (last if targets.ndim == 1 else last[:, np.newaxis])


def from_relative(x: object, y_rel: object) -> np.ndarray:
    """Undo :func:`to_relative` for predictions: add each window's last value back.

    >>> from_relative([[13, 14, 15]], [[-1.0]]).tolist()
    [[14.0]]
    """
    _, last = _last_values(x)
    predictions = as_finite_array(y_rel, "y_rel", ndim=(1, 2)).astype(np.float64)
    if len(predictions) != len(last):
        raise ValueError(
            f"y_rel must have shape ({len(last)},) or ({len(last)}, n_out), got {predictions.shape}"
        )
    return predictions + (last if predictions.ndim == 1 else last[:, np.newaxis])


class LabelCheck(NamedTuple):
    """Result of :func:`find_label_outliers`."""

    positions: tuple[int, ...]
    outliers: np.ndarray


def find_label_outliers(x: object, y: object) -> LabelCheck:
    """Find the windows whose labels break the rule that most labels follow.

    The rule looked for: each output copies one position of its window (the middle value, say).
    For every output, ``positions`` gives the window position that most labels equal, and
    ``outliers`` the indices of the windows whose labels do not equal theirs. If no position is
    matched by more than half of the labels, there is no such rule and a ``ValueError`` says so.

    >>> check = find_label_outliers([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]], [2, 5, 8, 1])
    >>> check.positions, check.outliers.tolist()
    ((1,), [3])
    """
    windows = as_finite_array(x, "x", ndim=(2,))
    labels = as_finite_array(y, "y", ndim=(1, 2))
    if labels.ndim == 1:
        labels = labels[:, np.newaxis]
    if len(labels) != len(windows):
        raise ValueError(
            f"y must have one label (or row of labels) per window: shape {np.shape(y)} "
            f"for {len(windows)} windows"
        )
    positions, broken = [], np.zeros(len(windows), dtype=bool)
    for output in range(labels.shape[1]):
        copies = windows == labels[:, [output]]
        position = int(np.argmax(copies.sum(axis=0)))
        if copies[:, position].sum() * 2 <= len(windows):
            raise ValueError(f"no window position matches more than half of the labels of output {output}")
        positions.append(position)
        broken |= ~copies[:, position]
    return LabelCheck(positions=tuple(positions), outliers=np.flatnonzero(broken))


class Windows(NamedTuple):
    """Input windows ``x`` ``(samples, n_steps)`` and their targets ``y`` ``(samples,)`` or
    ``(samples, n_out)``."""

    x: np.ndarray
    y: np.ndarray


class TimeSplit(NamedTuple):
    """Windows whose targets lie in the training, validation and test spans of one series."""

    train: Windows
    val: Windows
    test: Windows


def split_in_time(
    sequence: object, n_steps: int, val_size: int, test_size: int, n_out: int = 1, target: int | None = None
) -> TimeSplit:
    """Cut a series into windows and split them in time order, by where their targets lie.

    The last ``test_size`` values of the series are the test span, the ``val_size`` before them
    the validation span, the rest the training span. A window belongs to the span all of its
    targets lie in; one whose targets straddle two spans is dropped, so no training target
    comes from a later span. Inputs may reach back into an earlier span: that is the past,
    which a forecaster is allowed to see. A series of several features ``(time, features)``
    needs ``target``, the column to forecast (see :func:`split_sequence`).

    >>> split = split_in_time(np.arange(10), n_steps=3, val_size=2, test_size=2)
    >>> split.train.y.tolist(), split.val.y.tolist(), split.test.y.tolist()
    ([3, 4, 5], [6, 7], [8, 9])
    >>> split.val.x.tolist()
    [[3, 4, 5], [4, 5, 6]]
    """
    series = as_finite_array(sequence, "sequence", ndim=(1, 2))
    n_steps = check_int(n_steps, "n_steps")
    n_out = check_int(n_out, "n_out")
    val_size = check_int(val_size, "val_size")
    test_size = check_int(test_size, "test_size")
    if series.ndim == 2 and series.shape[0] < series.shape[1] and series.shape[0] < n_steps + n_out:
        raise ValueError(
            f"sequence must be (time, features), got shape {series.shape}: {series.shape[0]} time steps "
            f"of {series.shape[1]} features. Is it transposed? Pass sequence.T"
        )
    sizes = {"val_size": val_size, "test_size": test_size}
    shrinkable = [f"{name}={size}" for name, size in sizes.items() if size > n_out]
    if val_size + test_size >= len(series) and shrinkable:
        named = [f"{name}={size}" for name, size in sizes.items() if size >= len(series)]
        culprit = " and ".join(named) or f"val_size={val_size} + test_size={test_size}"
        culprit += " leave" if len(named) == 2 else " leaves"
        raise ValueError(
            f"{culprit} no room for a training span in a series of {len(series)} values: "
            f"make test_size or val_size smaller"
        )
    shortest = n_steps + n_out + val_size + test_size  # one training window, then the two spans
    if len(series) < shortest and not shrinkable:
        raise ValueError(
            f"sequence of {len(series)} values is too short for one training window (n_steps={n_steps} + "
            f"n_out={n_out}) before val_size={val_size} and test_size={test_size}: it needs at least "
            f"{shortest} values"
        )
    x, y = split_sequence(series, n_steps, n_out, target)
    first_target = np.arange(len(x)) + n_steps
    last_target = first_target + n_out - 1
    test_start = len(series) - test_size
    val_start = test_start - val_size
    hints = {
        "train": f"its {val_start} values (those before the last val_size + test_size = "
        f"{val_size + test_size}) need at least n_steps + n_out = {n_steps + n_out}: "
        f"make the series longer or val_size/test_size smaller",
        "val": f"make val_size={val_size} at least n_out={n_out}",
        "test": f"make test_size={test_size} at least n_out={n_out}",
    }
    spans = {
        "train": (0, val_start - 1),
        "val": (val_start, test_start - 1),
        "test": (test_start, len(series) - 1),
    }
    parts = {}
    for span, (start, end) in spans.items():
        inside = (first_target >= start) & (last_target <= end)
        if not inside.any():
            raise ValueError(
                f"the {span} span holds no window of n_steps={n_steps} inputs and n_out={n_out} "
                f"targets: {hints[span]}"
            )
        parts[span] = Windows(x[inside], y[inside])
    return TimeSplit(**parts)


def walk_forward(
    sequence: object, n_steps: int, horizon: int, origins: Iterable[int], val_size: int
) -> list[TimeSplit]:
    """One time-ordered split per forecast origin, for a walk-forward backtest.

    For origin ``o`` (the index of the first value to forecast), the series is cut at
    ``o + horizon`` and :func:`split_in_time` splits it: the test span is the ``horizon`` values
    from ``o`` on (one window, whose inputs are the ``n_steps`` values before ``o``), the
    validation span the ``val_size`` values before ``o``, and training windows all end before
    that. The training span grows with the origin (an expanding window); nothing at or after
    ``o`` trains or validates.

    >>> splits = walk_forward(np.arange(20), n_steps=3, horizon=2, origins=[14, 16], val_size=4)
    >>> [(int(s.train.y.max()), int(s.val.y.max()), s.test.x.tolist(), s.test.y.tolist()) for s in splits]
    [(9, 13, [[11, 12, 13]], [[14, 15]]), (11, 15, [[13, 14, 15]], [[16, 17]])]
    """
    series = as_finite_array(sequence, "sequence", ndim=(1,))
    n_steps = check_int(n_steps, "n_steps")
    horizon = check_int(horizon, "horizon")
    val_size = check_int(val_size, "val_size")
    if val_size < horizon:
        raise ValueError(
            f"val_size must hold at least one window's horizon={horizon} targets, got val_size={val_size}"
        )
    if (
        isinstance(origins, str | bytes | Mapping)
        or not isinstance(origins, Iterable)
        or (isinstance(origins, np.ndarray) and origins.ndim != 1)
    ):
        raise ArgumentError(f"origins must be a list of indices of the series, got {_typed(origins)}")
    origins = list(origins)
    if not origins:
        raise ValueError("origins must name at least one index of the series")
    first, last = n_steps + horizon + val_size, len(series) - horizon
    checked = [check_int(origin, "each origin", minimum=0) for origin in origins]
    for origin in checked:
        if origin < first:
            raise ValueError(
                f"origin {origin} leaves no room for a training window and {val_size} validation values "
                f"before it: use a later origin (the first usable is {first})"
            )
        if origin > last:
            raise ValueError(
                f"origin {origin} leaves no room for the {horizon} values to forecast after it: use an "
                f"earlier origin (the last usable is {last})"
            )
    repeated = sorted({origin for origin in checked if checked.count(origin) > 1})
    if repeated:
        raise ValueError(f"origins must be distinct: {repeated} appear more than once")
    return [
        split_in_time(series[: origin + horizon], n_steps, val_size, horizon, n_out=horizon)
        for origin in checked
    ]
