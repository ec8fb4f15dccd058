"""Small validators for numbers given by a user or a data file.

Each returns the value, converted, when it is acceptable, and otherwise raises
:class:`~brainflops.core.errors.InvalidValueError` naming the parameter, so call sites
read as one line (``n = positive_int("samples", n)``) instead of a hand-written guard.

Examples
--------
>>> positive_int("samples", 10)
10
>>> finite_float("rate", "2.5")
2.5
>>> in_range("probability", 0.5, 0.0, 1.0)
0.5
>>> positive_int("samples", 0)
Traceback (most recent call last):
...
brainflops.core.errors.InvalidValueError: samples: must be a positive integer, got 0
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from brainflops.core.errors import InvalidValueError

__all__ = ["finite_float", "in_range", "positive_float", "positive_int"]


def positive_int(name: str, value: Any, *, maximum: int | None = None) -> int:
    """``value`` as an int of at least 1 (and at most ``maximum`` when given).

    Booleans and non-integral numbers are refused: ``True`` is not a count, and
    ``2.5`` samples is a mistake rather than something to round.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 1:
        raise InvalidValueError(name, f"must be a positive integer, got {value!r}")
    if maximum is not None and int(value) > maximum:
        raise InvalidValueError(name, f"must be at most {maximum}, got {value!r}")
    return int(value)


def finite_float(name: str, value: Any) -> float:
    """``value`` as a finite float (numbers and numeric text; no NaN, no infinity, no bool)."""
    if isinstance(value, bool):
        raise InvalidValueError(name, f"must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidValueError(name, f"must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise InvalidValueError(name, f"must be finite, got {value!r}")
    return number


def positive_float(name: str, value: Any) -> float:
    """``value`` as a finite float greater than zero."""
    number = finite_float(name, value)
    if number <= 0:
        raise InvalidValueError(name, f"must be positive, got {value!r}")
    return number


def in_range(name: str, value: Any, low: float, high: float) -> float:
    """``value`` as a finite float with ``low <= value <= high``."""
    number = finite_float(name, value)
    if not low <= number <= high:
        raise InvalidValueError(name, f"must be between {low:g} and {high:g}, got {value!r}")
    return number
