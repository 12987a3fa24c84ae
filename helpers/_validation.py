"""Input checks shared by the helpers, so every error names the argument and what was expected."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np


class ArgumentError(TypeError, ValueError):
    """A bad argument of the wrong type: both a ``TypeError`` and a ``ValueError``, so either
    ``except`` clause catches it."""


def check_int(value: object, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is a whole number >= ``minimum`` (and <= ``maximum``).

    >>> check_int(3, "n_steps")
    3
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArgumentError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return int(value)


def check_bool(value: object, name: str) -> bool:
    """Return ``value`` if it is a real ``bool``: ``"False"`` or ``0`` are refused, not guessed at.

    >>> check_bool(True, "relative")
    True
    """
    if not isinstance(value, bool | np.bool_):
        raise ArgumentError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def check_positive(value: object, name: str) -> float:
    """Return ``value`` as a ``float`` if it is a finite real number > 0.

    >>> check_positive(0.01, "learning_rate")
    0.01
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return float(value)


def check_real(value: object, name: str) -> float:
    """Return ``value`` as a ``float`` if it is a finite real number (not a bool).

    >>> check_real(14, "target")
    14.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    return float(value)


def check_str(value: object, name: str) -> str:
    """Return ``value`` if it is a string.

    >>> check_str("Training loss", "title")
    'Training loss'
    """
    if not isinstance(value, str):
        raise ArgumentError(f"{name} must be a string, got {type(value).__name__} {value!r}")
    return value


def check_instance(value: object, name: str, kind: type, expected: str) -> object:
    """Return ``value`` if it is an instance of ``kind``; ``expected`` says what in the error.

    >>> check_instance(3, "workers", int, "an int")
    3
    """
    if not isinstance(value, kind):
        raise ArgumentError(f"{name} must be {expected}, got {type(value).__name__} {value!r:.80}")
    return value


def check_mapping(value: object, name: str) -> Mapping:
    """Return ``value`` if it is a non-empty mapping (a dict, say) with string keys.

    >>> check_mapping({"post": [1.0]}, "predictions")
    {'post': [1.0]}
    """
    check_instance(value, name, Mapping, "a dict of name -> values")
    if not value:
        raise ValueError(f"{name} must name at least one entry")
    for key in value:
        check_str(key, f"a key of {name}")
    return value


def check_choice(value: object, name: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of the strings in ``choices``.

    >>> check_choice("tanh", "activation", ("relu", "tanh"))
    'tanh'
    """
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value


def as_finite_array(values: object, name: str, ndim: tuple[int, ...] | None = None) -> np.ndarray:
    """Return ``values`` as a real, numeric NumPy array with no NaN or inf.

    ``ndim`` lists the numbers of dimensions accepted (for example ``(1, 2)``).

    >>> as_finite_array([1, 2, 3], "sequence").tolist()
    [1, 2, 3]
    """
    if isinstance(values, str | bytes):
        raise ArgumentError(f"{name} must hold numbers, got the string {values!r}")
    try:
        array = np.asarray(values)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {error}") from None
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise ArgumentError(f"{name} must hold real numbers, got values of dtype {array.dtype}")
    if ndim is not None and array.ndim not in ndim:
        names = [f"{n}-D" for n in ndim]
        expected = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        raise ValueError(f"{name} must be {expected}, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must not contain NaN or inf")
    return array
