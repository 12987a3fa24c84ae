"""Input checks shared by the helpers, so every error names the argument and what was expected."""

from __future__ import annotations

import numbers

import numpy as np


def check_int(value: object, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an ``int`` if it is a whole number >= ``minimum``.

    >>> check_int(3, "n_steps")
    3
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def as_finite_array(values: object, name: str) -> np.ndarray:
    """Return ``values`` as a numeric NumPy array with no NaN or inf.

    >>> as_finite_array([1, 2, 3], "sequence").tolist()
    [1, 2, 3]
    """
    try:
        array = np.asarray(values)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {error}") from None
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{name} must hold numbers, got values of dtype {array.dtype}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must not contain NaN or inf")
    return array
