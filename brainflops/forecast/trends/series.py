"""Series input for the trend models: years, values, fit windows and first crossings.

Notes
-----
Fit windows: ``start`` and ``end`` are explicit and inclusive. A whole number (``2013`` or ``2013.0``) is a
calendar year: ``start=1993, end=2013`` takes every point dated in 1993 through 2013. A
string ``"YYYY-MM"`` or ``"YYYY-MM-DD"`` is that date under the data convention of
:mod:`brainflops.data.datasets` (a list dated 2013-06 sits at 2013.458), and a fractional number
is a decimal year. ``None`` leaves that side open. A window with fewer than 3 points raises
:class:`~brainflops.core.errors.InvalidValueError`.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from brainflops.core.errors import InvalidValueError, UnitMismatchError
from brainflops.core.units import magnitude_in, parse_unit
from brainflops.data.datasets import decimal_year, load_series, value_column, value_unit

__all__ = [
    "CONFIDENCE",
    "FitInfo",
    "Reached",
    "as_generator",
    "first_reached",
    "first_reached_record",
    "first_reached_years",
    "load_any_series",
    "never_as_null",
    "parse_value",
    "parse_year",
    "sample_quantiles",
    "select_window",
]

LOG10_2 = math.log10(2.0)
LN10 = math.log(10.0)
CONFIDENCE = 0.95  # every interval the trend models report is a central 95 % interval
_EPS_YEAR = 1e-9  # years; tolerance when comparing decimal years built by the same formula
_MIN_POINTS = 3  # fewest points a fit window (and each piecewise segment) may have
_LOG10_FLOAT_MAX = math.log10(np.finfo(float).max)  # 308.25: larger values overflow float64

FloatArray = NDArray[np.float64]
YearLike = int | float | str | None
RngLike = np.random.Generator | int | None


#: Series outside :mod:`brainflops.data.datasets`: the record of the largest ML training runs
#: (Epoch AI's notable models, :func:`brainflops.data.ml_models.training_series`).
ML_TRAINING_SERIES = "ml-training-largest"


def load_any_series(name: str) -> pd.DataFrame:
    """A packaged hardware series by name, or the largest-training-run record.

    Examples
    --------
    >>> load_any_series("ml-training-largest").attrs["series"]
    'ml-training-largest'
    """
    if name != ML_TRAINING_SERIES:
        return load_series(name)
    from brainflops.data.ml_models import training_series  # noqa: PLC0415 - only when asked

    frame = training_series("largest")
    frame.attrs = dict(frame.attrs) | {"series": name}
    return frame


def as_generator(rng: RngLike) -> np.random.Generator:
    """A numpy ``Generator`` from a generator (returned as is), a seed or ``None``.

    Examples
    --------
    >>> float(as_generator(0).random()) == float(np.random.default_rng(0).random())
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, int) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise InvalidValueError(
        name="rng", reason=f"expected a numpy Generator or a seed, got {rng!r}"
    )


def _check_n(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InvalidValueError(name="n", reason=f"must be a positive integer, got {n!r}")
    return int(n)


def _log10_target(target: ArrayLike, name: str = "target") -> FloatArray:
    try:
        values = np.asarray(target, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidValueError(name=name, reason=f"expected a number, got {target!r}") from exc
    if values.size == 0 or not np.all(np.isfinite(values)) or not np.all(values > 0):
        raise InvalidValueError(name=name, reason="must be positive and finite")
    return np.log10(values)


def _check_log10(log10_target: ArrayLike, name: str = "log10_target") -> FloatArray:
    try:
        values = np.asarray(log10_target, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidValueError(
            name=name, reason=f"expected numbers, got {log10_target!r}"
        ) from exc
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise InvalidValueError(name=name, reason="must be finite")
    return values


def sample_quantiles(samples: ArrayLike, q: ArrayLike) -> FloatArray:
    """Quantiles of samples that may contain ``±inf`` (the inverse-CDF definition).

    Linear interpolation between an infinite and a finite order statistic gives NaN or a
    spurious infinity; the inverse-CDF definition returns an actual sample value, so a
    quantile is ``inf`` exactly when more than ``1 - q`` of the samples never cross.
    """
    values = np.asarray(samples, dtype=float)
    if values.size == 0 or np.any(np.isnan(values)):
        raise InvalidValueError(name="samples", reason="must be non-empty and free of NaN")
    probabilities = np.asarray(q, dtype=np.float64)
    return np.asarray(np.quantile(values, probabilities, method="inverted_cdf"), dtype=np.float64)


def never_as_null(value: float | None) -> float | None:
    """A year or doubling time for JSON: ``None`` (``null``) where it is ``+inf``.

    JSON has no infinity. A crossing or parity year of ``+inf`` means the target is never
    reached; a doubling time (or an interval bound) of ``+inf`` means the trend does not
    grow (unbounded). Every ``to_dict`` writes such a field through this one helper, and
    documents ``null`` so. Other non-finite values (``-inf``, NaN) pass through unchanged,
    so that the JSON writer still refuses them: they would be overflow bugs, not results.

    >>> never_as_null(2031.5), never_as_null(float("inf")), never_as_null(None)
    (2031.5, None, None)
    """
    return None if value is None or value == math.inf else value


def parse_year(text: str | float, name: str = "year") -> int | float | str:
    """Interpret a year given on the command line or in a config.

    ``"2013"`` -> ``2013`` (a calendar year), ``"2013.5"`` -> ``2013.5`` (a decimal year),
    ``"2013-06"`` / ``"2013-06-15"`` -> the string itself (a date). Numbers pass through.
    """
    if isinstance(text, bool):
        raise InvalidValueError(name=name, reason=f"expected a year, got {text!r}")
    if isinstance(text, int | float):
        if not math.isfinite(text):
            raise InvalidValueError(name=name, reason="must be finite")
        return text
    stripped = str(text).strip()
    if re.fullmatch(r"[+-]?\d+", stripped):
        return int(stripped)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?", stripped):
        return float(stripped)
    if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", stripped):
        decimal_year(stripped)  # validates the date
        return stripped
    raise InvalidValueError(
        name=name, reason=f"expected YYYY, a decimal year or YYYY-MM[-DD], got {text!r}"
    )


def _bound(value: YearLike, side: Literal["start", "end"]) -> tuple[float, bool]:
    """Return ``(decimal year, inclusive)`` for one side of a window."""
    if value is None:
        return (-math.inf if side == "start" else math.inf), True
    parsed = parse_year(value, side)
    if isinstance(parsed, str):
        return decimal_year(parsed), True
    number = float(parsed)
    if number.is_integer():  # a calendar year: from 1 January, or up to 31 December
        return (number, True) if side == "start" else (number + 1.0, False)
    return number, True


def _window_mask(years: FloatArray, start: YearLike, end: YearLike) -> NDArray[np.bool_]:
    lo, _ = _bound(start, "start")
    hi, inclusive = _bound(end, "end")
    if lo > hi:
        raise InvalidValueError(name="start", reason=f"start {start!r} is after end {end!r}")
    upper = years <= hi + _EPS_YEAR if inclusive else years < hi - _EPS_YEAR
    return (years >= lo - _EPS_YEAR) & upper


def select_window(df: pd.DataFrame | str, start: YearLike, end: YearLike) -> pd.DataFrame:
    """Return the rows of a series (name or DataFrame) inside the window ``[start, end]``."""
    frame = load_any_series(df) if isinstance(df, str) else df
    mask = _window_mask(frame["year"].to_numpy(dtype=float), start, end)
    out = frame[mask].copy()
    out.attrs = dict(frame.attrs)
    return out


@dataclass(frozen=True)
class FitInfo:
    """What a trend was fitted to.

    Attributes
    ----------
    series:
        Series name (``frame.attrs["series"]``) or ``"custom"``.
    start, end:
        The window as requested (``None`` when open), as text.
    first_date, last_date:
        Dates of the first and last point used.
    first_year, last_year:
        Their decimal years.
    n_points:
        Number of points fitted.
    """

    series: str
    start: str | None
    end: str | None
    first_date: str
    last_date: str
    first_year: float
    last_year: float
    n_points: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict."""
        return asdict(self)


def _prepare(
    df: pd.DataFrame | str,
    start: YearLike,
    end: YearLike,
) -> tuple[FloatArray, FloatArray, str, FitInfo]:
    frame = load_any_series(df) if isinstance(df, str) else df
    if not isinstance(frame, pd.DataFrame) or "year" not in frame.columns:
        raise InvalidValueError(
            name="df", reason="expected a series DataFrame with a 'year' column"
        )
    column = value_column(frame)
    unit = value_unit(frame)
    years_all = frame["year"].to_numpy(dtype=float)
    values_all = frame[column].to_numpy(dtype=float)
    if not np.all(np.isfinite(years_all)):
        raise InvalidValueError(name="df", reason="the 'year' column has non-finite values")
    if not np.all(np.isfinite(values_all) & (values_all > 0)):
        raise InvalidValueError(name="df", reason=f"{column} must be positive and finite")
    mask = _window_mask(years_all, start, end)
    years, values = years_all[mask], values_all[mask]
    if years.size < _MIN_POINTS:
        raise InvalidValueError(
            name="window",
            reason=f"{years.size} point(s) between {start!r} and {end!r}; "
            f"at least {_MIN_POINTS} are needed",
        )
    if np.ptp(years) == 0:
        raise InvalidValueError(name="window", reason="all points in the window share one date")
    order = np.argsort(years, kind="stable")
    years, values = years[order], values[order]
    dates = (
        frame["date"].astype(str).to_numpy()[mask][order]
        if "date" in frame.columns
        else np.array([f"{y:.3f}" for y in years])
    )
    info = FitInfo(
        series=str(frame.attrs.get("series", "custom")),
        start=None if start is None else str(start),
        end=None if end is None else str(end),
        first_date=str(dates[0]),
        last_date=str(dates[-1]),
        first_year=float(years[0]),
        last_year=float(years[-1]),
        n_points=int(years.size),
    )
    return years, np.log10(values), unit, info


def parse_value(text: str | float, unit: str, name: str) -> float:
    """Read a positive, finite value in ``unit``: ``5.8e14``, ``"0.58PFLOP/s"``, ``"0.58 PFLOP/s"``.

    A plain number (or numeric text) is taken to be in ``unit``; text with a unit is
    converted by :func:`brainflops.core.units.magnitude_in`. Units pint does not know, those
    with a currency such as ``FLOP/s/USD`` or ``USD/kWh``, accept a plain number,
    optionally followed by exactly that unit (``"0.1 USD/kWh"``).

    Raises
    ------
    InvalidValueError, UnitMismatchError
        Naming ``name``, when the text is not a number or a quantity of the right
        dimension, or the value is not positive and finite.
    """
    if isinstance(text, np.generic):
        text = text.item()
    if isinstance(text, bool):
        raise InvalidValueError(name=name, reason=f"expected a number, got {text!r}")
    if isinstance(text, int | float):
        value = float(text)
    else:
        stripped = str(text).strip()
        try:
            value = float(stripped)
        except ValueError:
            value = _quantity_in(stripped, unit, name)
    if not (math.isfinite(value) and value > 0):
        raise InvalidValueError(name=name, reason=f"must be positive and finite, got {text!r}")
    return value


def _quantity_in(text: str, unit: str, name: str) -> float:
    """``text`` (a number with a unit) in ``unit``; see :func:`parse_value`."""
    try:
        parse_unit(unit, name)
    except UnitMismatchError:
        pass  # a unit pint does not know (a currency per FLOP/s, say): matched as text below
    else:
        return magnitude_in(text, unit, name)
    match = re.fullmatch(r"([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*)", text)
    if match and match.group(2).replace(" ", "") == unit.replace(" ", ""):
        return float(match.group(1))
    raise InvalidValueError(name=name, reason=f"give a plain number in {unit}, got {text!r}")


@dataclass(frozen=True)
class Reached:
    """The first point of a series at or above a target: an observation, not a fit.

    Attributes
    ----------
    year, date:
        Decimal year and date as written in the data (a list date ``YYYY-MM`` or a release
        date).
    label:
        What reached it: the system (TOP500 #1), the part (accelerators) or the aggregate.
    value:
        Its value, in ``unit``.
    """

    year: float
    date: str
    label: str
    value: float
    unit: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict."""
        return asdict(self)


def first_reached_record(df: pd.DataFrame | str, target: float) -> Reached | None:
    """The first point of a series at or above ``target``, or ``None`` when none is.

    Examples
    --------
    >>> hit = first_reached_record("top500-rank1", 2.8e14)
    >>> hit.date, hit.label[:7]
    ('2005-11', 'BlueGen')
    """
    frame = load_any_series(df) if isinstance(df, str) else df
    column = value_column(frame)
    float(_log10_target(target))  # validates
    ordered = frame.sort_values("year", kind="stable")
    hits = ordered[ordered[column].to_numpy(dtype=float) >= target]
    if hits.empty:
        return None
    row = hits.iloc[0]
    return Reached(
        year=float(row["year"]),
        date=str(row["date"]) if "date" in hits.columns else f"{row['year']:.3f}",
        label=str(row["label"]) if "label" in hits.columns else "",
        value=float(row[column]),
        unit=value_unit(frame),
    )


def first_reached(df: pd.DataFrame | str, target: float) -> tuple[float, str] | None:
    """``(decimal year, date)`` of the first point at or above ``target``, or ``None``."""
    hit = first_reached_record(df, target)
    return None if hit is None else (hit.year, hit.date)


def first_reached_years(df: pd.DataFrame | str, log10_targets: ArrayLike) -> FloatArray:
    """Decimal year each target (log10, series unit) was first reached; ``inf`` if not yet.

    Vectorised over many targets (one per brain sample) by a search on the running maximum
    of the series, so a higher target is never reached earlier than a lower one.
    """
    frame = load_any_series(df) if isinstance(df, str) else df
    ordered = frame.sort_values("year", kind="stable")
    years = ordered["year"].to_numpy(dtype=float)
    record = np.maximum.accumulate(np.log10(ordered[value_column(frame)].to_numpy(dtype=float)))
    targets = _check_log10(log10_targets)
    index = np.searchsorted(record, targets, side="left")
    padded = np.append(years, math.inf)
    return np.asarray(padded[index], dtype=np.float64)
