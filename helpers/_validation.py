"""Input checks shared by the helpers, so every error names the argument and what was expected."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np


class ArgumentError(TypeError, ValueError):
    """A bad argument of the wrong type: both a ``TypeError`` and a ``ValueError``, so either
    ``except`` clause catches it."""


def _shown(value: object, quoted: bool = False) -> str:
    """``value`` as an error message shows it (``repr`` if ``quoted``), cut to 80 characters.

    An int too long for Python to print is described instead.

    >>> _shown("tanh", quoted=True), _shown(10**5000)
    ("'tanh'", 'an int of about 5001 digits')
    """
    try:
        text = repr(value) if quoted else str(value)
    except ValueError:  # Python refuses to print an int of more than 4300 digits
        if isinstance(value, numbers.Integral):
            return f"an int of about {int(abs(int(value)).bit_length() * math.log10(2)) + 1} digits"
        return f"a {type(value).__name__}"
    return text if len(text) <= 80 else text[:77] + "..."


def _typed(value: object) -> str:
    """``value``'s type and ``repr``, for an error about a wrong type.

    >>> _typed([1, 2])
    'list [1, 2]'
    """
    return f"{type(value).__name__} {_shown(value, quoted=True)}"


def _as_float(value: numbers.Real) -> float:
    """``value`` as a plain ``float``: a narrower NumPy float becomes the number it prints as.

    ``np.float32(0.05)`` is stored as 0.0500000007...; the 0.05 it prints as is what was meant.
    A number too large for a float becomes ``inf``.

    >>> _as_float(np.float32(0.05)), _as_float(10**400)
    (0.05, inf)
    """
    if isinstance(value, np.floating) and value.dtype.itemsize < 8:
        return float(str(value))
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def check_int(value: object, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is a whole number >= ``minimum`` (and <= ``maximum``).

    NumPy integers (``np.int64(3)``) are accepted and returned as a plain ``int``; bools are refused.

    >>> check_int(3, "n_steps"), check_int(np.int64(3), "n_steps")
    (3, 3)
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise ArgumentError(f"{name} must be an int, got {_typed(value)}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {_shown(value)}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {_shown(value)}")
    return int(value)


def check_bool(value: object, name: str) -> bool:
    """Return ``value`` if it is a real ``bool``: ``"False"`` or ``0`` are refused, not guessed at.

    A NumPy bool (``np.bool_(True)``, what ``array > 0`` holds) is returned as a plain ``bool``.

    >>> check_bool(True, "relative"), check_bool(np.bool_(False), "relative")
    (True, False)
    """
    if not isinstance(value, bool | np.bool_):
        raise ArgumentError(f"{name} must be True or False, got {_typed(value)}")
    return bool(value)


def _number(value: object, name: str) -> float:
    """``value`` as a ``float`` if it is a real number and not a bool (which ``numbers.Real`` admits)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ArgumentError(f"{name} must be a number, got {_typed(value)}")
    return _as_float(value)


def check_positive(value: object, name: str) -> float:
    """Return ``value`` as a ``float`` if it is a finite real number > 0.

    NumPy numbers are accepted and returned as a plain ``float`` (see :func:`_as_float`).

    >>> check_positive(0.01, "learning_rate"), check_positive(np.float32(0.01), "learning_rate")
    (0.01, 0.01)
    """
    number = _number(value, name)
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {_shown(value)}")
    return number


def check_real(value: object, name: str) -> float:
    """Return ``value`` as a ``float`` if it is a finite real number (not a bool).

    NumPy numbers are accepted and returned as a plain ``float`` (see :func:`_as_float`).

    >>> check_real(14, "target"), check_real(np.int64(14), "target")
    (14.0, 14.0)
    """
    number = _number(value, name)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {_shown(value)}")
    return number


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

    A value that is not a string at all (a list, say) raises :class:`ArgumentError`; a string
    that is not among ``choices`` a plain ``ValueError``.

    >>> check_choice("tanh", "activation", ("relu", "tanh"))
    'tanh'
    """
    if not isinstance(value, str):
        raise ArgumentError(f"{name} must be one of {choices} (a string), got {_typed(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {_shown(value, quoted=True)}")
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
    except ValueError:  # ragged nested lists: rows of different lengths, or a list beside a number
        raise ArgumentError(
            f"{name} must be a rectangular array of numbers (every row as long as the others), "
            f"got a ragged {type(values).__name__}"
        ) from None
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
