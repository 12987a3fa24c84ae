"""Data windows: turning a series into (input window, target) pairs an LSTM can learn from."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from helpers._validation import as_finite_array, check_int


def split_sequence(sequence: object, n_steps: int, n_out: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Cut a 1-D series into sliding windows of ``n_steps`` values and the ``n_out`` values after each.

    The stride is 1, so a series of length ``L`` gives ``L - n_steps - n_out + 1`` samples.
    ``y`` has shape ``(samples,)`` when ``n_out == 1``, else ``(samples, n_out)``.

    >>> X, y = split_sequence([1, 2, 3, 4, 5], n_steps=3)
    >>> X.tolist(), y.tolist()
    ([[1, 2, 3], [2, 3, 4]], [4, 5])
    >>> split_sequence([1, 2, 3, 4, 5], n_steps=2, n_out=2)[1].tolist()
    [[3, 4], [4, 5]]
    """
    n_steps = check_int(n_steps, "n_steps")
    n_out = check_int(n_out, "n_out")
    series = as_finite_array(sequence, "sequence")
    if series.ndim != 1:
        raise ValueError(f"sequence must be 1-D (one value per time step), got shape {series.shape}")
    if len(series) < n_steps + n_out:
        raise ValueError(
            f"sequence is too short: {len(series)} values cannot make one window of "
            f"n_steps={n_steps} plus n_out={n_out} targets (need at least {n_steps + n_out})"
        )
    windows = np.lib.stride_tricks.sliding_window_view(series, n_steps + n_out)
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
    array = as_finite_array(x, "x")
    if array.ndim == 2:
        return array[:, :, np.newaxis]
    if array.ndim == 3:
        return array
    raise ValueError(
        "x must be 2-D (samples, timesteps) or 3-D (samples, timesteps, features), "
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
    shape = np.shape(x)
    x_rel = (windows - last[:, np.newaxis, np.newaxis]).reshape(shape)
    if y is None:
        return x_rel, None
    targets = as_finite_array(y, "y").astype(np.float64)
    if len(targets) != len(last):
        raise ValueError(f"y must have one row per window: {len(targets)} targets for {len(last)} windows")
    if targets.ndim not in (1, 2):
        raise ValueError(f"y must be 1-D or 2-D, got shape {targets.shape}")
    return x_rel, targets - (last if targets.ndim == 1 else last[:, np.newaxis])


def from_relative(x: object, y_rel: object) -> np.ndarray:
    """Undo :func:`to_relative` for predictions: add each window's last value back.

    >>> from_relative([[13, 14, 15]], [[-1.0]]).tolist()
    [[14.0]]
    """
    _, last = _last_values(x)
    predictions = as_finite_array(y_rel, "y_rel").astype(np.float64)
    if len(predictions) != len(last) or predictions.ndim not in (1, 2):
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
    windows = as_finite_array(x, "x")
    if windows.ndim != 2:
        raise ValueError(f"x must be 2-D (samples, timesteps), got shape {windows.shape}")
    labels = as_finite_array(y, "y")
    if labels.ndim == 1:
        labels = labels[:, np.newaxis]
    if labels.ndim != 2 or len(labels) != len(windows):
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
