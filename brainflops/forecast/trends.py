"""Hardware trend models, crossing years, physical ceilings and backtests.

Every model works in log10 space: it predicts ``log10(value)`` as a function of the decimal
year, so values from 1e-30 to 1e300 (and targets such as 1e43 FLOP/s) never overflow. All
models share the :class:`TrendModel` interface:

* :meth:`TrendModel.log10_value` -- the fitted curve;
* :meth:`TrendModel.crossing_year` -- the first year from which the curve stays at or above a
  target (``math.inf`` when never, ``-math.inf`` when always);
* :meth:`TrendModel.crossing_year_samples` -- crossing years under parameter draws from the
  fit's uncertainty;
* :attr:`TrendModel.doubling_time_years` and :attr:`TrendModel.doubling_time_interval`;
* :meth:`TrendModel.to_dict`, a JSON-able summary.

Factories: :func:`fit_exponential`, :func:`fit_piecewise`, :func:`fit_logistic` (fitted to a
series) and :func:`doubling` (a user-stated doubling time).

Fit windows
-----------
``start`` and ``end`` are explicit and inclusive. A whole number (``2013`` or ``2013.0``) is a
calendar year: ``start=1993, end=2013`` takes every point dated in 1993 through 2013. A
string ``"YYYY-MM"`` or ``"YYYY-MM-DD"`` is that date under the data convention of
:mod:`brainflops.data.datasets` (a list dated 2013-06 sits at 2013.458), and a fractional number
is a decimal year. ``None`` leaves that side open. A window with fewer than 3 points raises
:class:`~brainflops.core.errors.InvalidValueError`.

Uncertainty
-----------
Least-squares fits report 95 % intervals from Student's t, and parameter draws come from
the multivariate t distribution with the fit's covariance and residual degrees of freedom
(the posterior of a Gaussian linear model under flat priors). The residuals of the TOP500
series are autocorrelated (the #1 system is a staircase), so these intervals are optimistic;
the literature notes make the same caveat (literature.md section 5.5).
"""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, stats

from brainflops.core.constants import Z95
from brainflops.core.errors import InvalidValueError, UnitMismatchError, UnknownNameError
from brainflops.core.units import magnitude_in, parse_unit
from brainflops.data.datasets import decimal_year, load_series, value_column, value_unit

__all__ = [
    "BOLTZMANN_J_PER_K",
    "CMOS_LIMIT_OPS_PER_JOULE",
    "CMOS_LIMIT_SOURCE",
    "CONFIDENCE",
    "MODELS",
    "BacktestResult",
    "DoublingTrend",
    "ExponentialTrend",
    "FitInfo",
    "LogisticTrend",
    "PiecewiseTrend",
    "TrendModel",
    "backtest",
    "backtest_table",
    "ceiling_from_limit",
    "doubling",
    "first_reached",
    "fit_exponential",
    "fit_logistic",
    "fit_model",
    "fit_piecewise",
    "landauer_bit_erasures_per_second",
    "landauer_joules_per_bit",
    "parse_value",
    "parse_year",
    "sample_quantiles",
    "select_window",
]

LOG10_2 = math.log10(2.0)
LN10 = math.log(10.0)
CONFIDENCE = 0.95  # every interval this module reports is a central 95 % interval
MODELS = ("exponential", "piecewise", "logistic")
_EPS_YEAR = 1e-9  # years; tolerance when comparing decimal years built by the same formula
_MIN_POINTS = 3  # fewest points a fit window (and each piecewise segment) may have
_LOG10_FLOAT_MAX = math.log10(np.finfo(float).max)  # 308.25: larger values overflow float64
_EXP_MAX = math.log(np.finfo(float).max)  # 709.78: math.exp overflows above this
_RSS_TIE_REL = 1e-9  # relative RSS difference treated as a tie (rounding noise)

FloatArray = NDArray[np.float64]
YearLike = int | float | str | None
RngLike = np.random.Generator | int | None

# --------------------------------------------------------------------------- physics

# Boltzmann constant, exact since the 2019 SI redefinition: CODATA 2018 (Tiesinga et al.,
# Rev. Mod. Phys. 93, 025010, 2021; bibliography key "codata2018"). A physical constant,
# not an assumption; the brain's power and temperature are read from data/facility.toml.
BOLTZMANN_J_PER_K = 1.380649e-23
CMOS_LIMIT_OPS_PER_JOULE = 4.7e15  # geometric-mean maximum, FP4 ops/J; see CMOS_LIMIT_SOURCE
CMOS_LIMIT_SOURCE = (
    "Ho, Erdil & Besiroglu, 'Limits to the energy efficiency of CMOS microprocessors', "
    "IEEE ICRC 2023, arXiv:2312.08595 (and https://epochai.org/blog/limits-to-the-energy-"
    "efficiency-of-cmos-microprocessors): geometric-mean maximum about 4.7e15 FP4 "
    "operations per joule, 50-1000x above current hardware; literature.md section 5.3"
)


def _facility(name: str, unit: str) -> float:
    """A facility assumption (``brain_power``, ``body_temperature``) in ``unit``."""
    from brainflops.params.assumption_files import facility_value  # noqa: PLC0415 - pint only when asked

    return facility_value(name, unit)


def landauer_joules_per_bit(temperature_k: float | str | None = None) -> float:
    """Return the Landauer energy ``k_B T ln 2`` in joules per bit erased.

    Parameters
    ----------
    temperature_k:
        Temperature in K (a number or a quantity such as ``"310 K"``). Default: body
        temperature, ``body_temperature`` of ``data/facility.toml`` (310 K).

    Examples
    --------
    >>> f"{landauer_joules_per_bit(310):.4g}"
    '2.967e-21'
    """
    if temperature_k is None:
        temperature = _facility("body_temperature", "K")
    else:
        temperature = magnitude_in(temperature_k, "K", "temperature_k")
    if not temperature > 0 or not math.isfinite(temperature):
        raise InvalidValueError(name="temperature_k", reason="must be positive and finite")
    return BOLTZMANN_J_PER_K * temperature * math.log(2.0)


def landauer_bit_erasures_per_second(
    power_w: float | str | None = None,
    temperature_k: float | str | None = None,
) -> float:
    """Return the Landauer bound ``P / (k_B T ln 2)`` on irreversible bit erasures per second.

    Parameters
    ----------
    power_w:
        Power budget in W (a number, or a quantity such as ``"20 W"``). Default: the
        brain's power, ``brain_power`` of ``data/facility.toml`` (20 W).
    temperature_k:
        Temperature in K. Default: body temperature (see :func:`landauer_joules_per_bit`).

    Examples
    --------
    >>> f"{landauer_bit_erasures_per_second():.3g}"  # literature.md section 4: 6.7e21 /s
    '6.74e+21'
    """
    if power_w is None:
        power = _facility("brain_power", "W")
    else:
        power = magnitude_in(power_w, "W", "power_w")
    if not power >= 0 or not math.isfinite(power):
        raise InvalidValueError(name="power_w", reason="must be non-negative and finite")
    return power / landauer_joules_per_bit(temperature_k)


def ceiling_from_limit(
    power_w: float | str,
    efficiency_per_joule: float | str = CMOS_LIMIT_OPS_PER_JOULE,
) -> float:
    """Turn a power budget and an energy-efficiency limit into a FLOP/s ceiling.

    ``ceiling = power × efficiency``. The default efficiency is the CMOS limit of
    :data:`CMOS_LIMIT_OPS_PER_JOULE` (4.7e15 FP4 operations per joule; see
    :data:`CMOS_LIMIT_SOURCE`): treating those operations as FLOP is generous to the
    hardware, since FP64 HPL operations cost more. Use the result as ``ceiling`` of
    :func:`fit_logistic`.

    Parameters
    ----------
    power_w:
        Power budget in W (number or quantity such as ``"20 MW"``).
    efficiency_per_joule:
        Operations per joule (number, or a quantity in FLOP/J).

    Examples
    --------
    >>> f"{ceiling_from_limit(20e6):.3g}"  # a 20 MW machine at the CMOS limit
    '9.4e+22'
    """
    power = magnitude_in(power_w, "W", "power_w")
    efficiency = magnitude_in(efficiency_per_joule, "FLOP/J", "efficiency_per_joule")
    if not power > 0 or not math.isfinite(power):
        raise InvalidValueError(name="power_w", reason="must be positive and finite")
    if not efficiency > 0 or not math.isfinite(efficiency):
        raise InvalidValueError(name="efficiency_per_joule", reason="must be positive and finite")
    return power * efficiency


# --------------------------------------------------------------------------- helpers


def _rng(rng: RngLike) -> np.random.Generator:
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


def _t_quantile(dof: float) -> float:
    return float(stats.t.ppf(0.5 + CONFIDENCE / 2.0, dof)) if dof > 0 else math.inf


def _sqrt_psd(cov: FloatArray) -> FloatArray:
    """A matrix square root ``S`` with ``S @ S.T == cov`` for a (semi-)definite ``cov``."""
    vals, vecs = np.linalg.eigh(np.asarray(cov, dtype=float))
    return vecs * np.sqrt(np.clip(vals, 0.0, None))


def _mvt_draws(
    mean: FloatArray,
    root: FloatArray,
    dof: float,
    n: int,
    rng: np.random.Generator,
) -> FloatArray:
    """Draw ``n`` vectors from a multivariate t (``dof`` = inf gives the normal)."""
    z = rng.standard_normal((n, mean.size)) @ root.T
    if math.isfinite(dof) and dof > 0:
        z *= np.sqrt(dof / rng.chisquare(dof, size=n))[:, None]
    return mean[None, :] + z


def _doubling_from_slope(slope: float) -> float:
    """Doubling time in years of a log10 slope (decades per year); inf when not growing."""
    return LOG10_2 / slope if slope > 0 else math.inf


def _doubling_interval(slope: float, se: float, dof: float) -> tuple[float, float]:
    half = _t_quantile(dof) * se
    return _doubling_from_slope(slope + half), _doubling_from_slope(slope - half)


# --------------------------------------------------------------------------- windows


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
    frame = load_series(df) if isinstance(df, str) else df
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
        return {
            "series": self.series,
            "start": self.start,
            "end": self.end,
            "first_date": self.first_date,
            "last_date": self.last_date,
            "first_year": self.first_year,
            "last_year": self.last_year,
            "n_points": self.n_points,
        }


def _prepare(
    df: pd.DataFrame | str,
    start: YearLike,
    end: YearLike,
) -> tuple[FloatArray, FloatArray, str, FitInfo]:
    frame = load_series(df) if isinstance(df, str) else df
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


# --------------------------------------------------------------------------- base class


class TrendModel(ABC):
    """Common interface of every trend model (all quantities in log10 of the series' unit).

    Subclasses implement the curve and the crossing rule on batches of parameters
    (:meth:`_curve`, :meth:`_cross`), their point estimate (:meth:`_point`) and parameter
    draws (:meth:`_draw`); this class builds the public methods from them. Draws depend
    only on ``n`` and the generator, never on the target, so two calls with equally seeded
    generators use the same parameter draws (common random numbers).
    """

    model: ClassVar[str]
    unit: str

    # ---- to implement
    @abstractmethod
    def _point(self) -> dict[str, FloatArray]:
        """Point-estimate parameters as 0-d arrays."""

    @abstractmethod
    def _draw(self, n: int, rng: np.random.Generator) -> dict[str, FloatArray]:
        """``n`` parameter draws from the fit uncertainty, as arrays of shape ``(n,)``."""

    @staticmethod
    @abstractmethod
    def _curve(params: Mapping[str, FloatArray], year: FloatArray) -> FloatArray:
        """log10 value at ``year`` (broadcast against the parameter arrays)."""

    @staticmethod
    @abstractmethod
    def _cross(params: Mapping[str, FloatArray], log10_target: FloatArray) -> FloatArray:
        """Crossing year of ``log10_target`` (broadcast against the parameter arrays)."""

    @property
    @abstractmethod
    def doubling_time_years(self) -> float:
        """Doubling time in years (``inf`` when the trend does not grow)."""

    @property
    @abstractmethod
    def doubling_time_interval(self) -> tuple[float, float] | None:
        """95 % interval of the doubling time, or ``None`` when the model has none."""

    @abstractmethod
    def _details(self) -> dict[str, Any]:
        """Model-specific entries of :meth:`to_dict`."""

    # ---- public API
    def log10_value(self, year: ArrayLike) -> FloatArray:
        """Return the fitted ``log10(value)`` at ``year`` (decimal years, any shape)."""
        years = np.asarray(year, dtype=float)
        with np.errstate(all="ignore"):
            return np.asarray(self._curve(self._point(), years), dtype=float)

    def crossing_year_log10(self, log10_target: ArrayLike) -> FloatArray:
        """Vectorised :meth:`crossing_year` for targets given as log10 values."""
        targets = _check_log10(log10_target)
        with np.errstate(all="ignore"):
            return np.asarray(self._cross(self._point(), targets), dtype=float)

    def crossing_year(self, target: float) -> float:
        """Return the first year from which the trend stays at or above ``target``.

        Parameters
        ----------
        target:
            Value in the series' unit (e.g. FLOP/s), positive and finite.

        Returns
        -------
        float
            Decimal year; ``math.inf`` when the trend never reaches the target and
            ``-math.inf`` when it is above it at all times.
        """
        log10_target = _log10_target(target)
        if log10_target.ndim != 0:
            raise InvalidValueError(name="target", reason="expected one number")
        return float(self.crossing_year_log10(log10_target))

    def crossing_year_samples_log10(
        self,
        log10_target: ArrayLike,
        n: int,
        rng: RngLike = None,
    ) -> FloatArray:
        """Crossing years of ``log10_target`` under ``n`` parameter draws.

        ``log10_target`` is a scalar or an array of shape ``(n,)``; element ``i`` is crossed
        under draw ``i``.
        """
        n = _check_n(n)
        targets = _check_log10(log10_target)
        if targets.ndim not in (0, 1) or (targets.ndim == 1 and targets.size not in (1, n)):
            raise InvalidValueError(
                name="log10_target", reason=f"expected a scalar or {n} values, got {targets.shape}"
            )
        params = self._draw(n, _rng(rng))
        with np.errstate(all="ignore"):
            out = self._cross(params, targets.reshape(-1) if targets.ndim else targets)
        return np.broadcast_to(np.asarray(out, dtype=float), (n,)).copy()

    def crossing_year_samples(self, target: ArrayLike, n: int, rng: RngLike = None) -> FloatArray:
        """Crossing years of ``target`` (series unit) under ``n`` draws of the fit uncertainty.

        Returns an array of shape ``(n,)``, ``inf`` where a draw never reaches the target.
        ``target`` may be a scalar or ``n`` values (one per draw).
        """
        return self.crossing_year_samples_log10(_log10_target(target), n, rng)

    def sample_log10_values(self, year: ArrayLike, n: int, rng: RngLike = None) -> FloatArray:
        """Curves under ``n`` parameter draws: an array of shape ``(n, len(year))``."""
        n = _check_n(n)
        years = np.atleast_1d(np.asarray(year, dtype=float))
        params = {k: v[:, None] for k, v in self._draw(n, _rng(rng)).items()}
        with np.errstate(all="ignore"):
            out = self._curve(params, years[None, :])
        return np.broadcast_to(np.asarray(out, dtype=float), (n, years.size)).copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary (infinite values are converted to ``null`` by the CLI)."""
        interval = self.doubling_time_interval
        out: dict[str, Any] = {
            "model": self.model,
            "unit": self.unit,
            "doubling_time_years": self.doubling_time_years,
            "doubling_time_interval": None if interval is None else list(interval),
            "confidence": CONFIDENCE,
        }
        out.update(self._details())
        return out


# --------------------------------------------------------------------------- exponential


def _exp_cross(
    level: FloatArray,
    slope: FloatArray,
    pivot: FloatArray,
    target: FloatArray,
) -> FloatArray:
    crossing = pivot + (target - level) / slope
    flat_reached = (slope == 0) & (target <= level)
    return np.where(slope > 0, crossing, np.where(flat_reached, -np.inf, np.inf))


@dataclass(frozen=True, eq=False)
class ExponentialTrend(TrendModel):
    """``log10 v(t) = level + slope × (t - pivot)``.

    Attributes
    ----------
    unit:
        Unit of the values.
    pivot:
        Reference year (the mean year of the fit, which makes level and slope uncorrelated).
    level:
        log10 value at ``pivot``.
    slope:
        Growth in decades (factors of 10) per year.
    cov:
        2×2 covariance of ``(level, slope)``; zeros for an exact model.
    dof:
        Residual degrees of freedom (``n - 2``); ``inf`` draws from a normal.
    residual_sd:
        Residual standard deviation in log10 units.
    fit:
        The data window, or ``None`` for a model built by hand.
    """

    model: ClassVar[str] = "exponential"
    unit: str
    pivot: float
    level: float
    slope: float
    cov: FloatArray = field(repr=False)
    dof: float
    residual_sd: float = 0.0
    fit: FitInfo | None = None

    def _point(self) -> dict[str, FloatArray]:
        return {
            "level": np.array(self.level),
            "slope": np.array(self.slope),
            "pivot": np.array(self.pivot),
        }

    def _draw(self, n: int, rng: np.random.Generator) -> dict[str, FloatArray]:
        mean = np.array([self.level, self.slope])
        draws = _mvt_draws(mean, _sqrt_psd(self.cov), self.dof, n, rng)
        return {"level": draws[:, 0], "slope": draws[:, 1], "pivot": np.full(n, self.pivot)}

    @staticmethod
    def _curve(params: Mapping[str, FloatArray], year: FloatArray) -> FloatArray:
        return params["level"] + params["slope"] * (year - params["pivot"])

    @staticmethod
    def _cross(params: Mapping[str, FloatArray], log10_target: FloatArray) -> FloatArray:
        return _exp_cross(params["level"], params["slope"], params["pivot"], log10_target)

    @property
    def slope_se(self) -> float:
        """Standard error of the slope (decades per year)."""
        return math.sqrt(max(float(self.cov[1, 1]), 0.0))

    @property
    def doubling_time_years(self) -> float:
        return _doubling_from_slope(self.slope)

    @property
    def doubling_time_interval(self) -> tuple[float, float] | None:
        if self.slope_se == 0:
            return None
        return _doubling_interval(self.slope, self.slope_se, self.dof)

    @property
    def growth_factor_per_year(self) -> float:
        """Multiplicative growth per year, ``10 ** slope``."""
        return 10.0**self.slope

    def _details(self) -> dict[str, Any]:
        return {
            "pivot_year": self.pivot,
            "log10_level_at_pivot": self.level,
            "slope_decades_per_year": self.slope,
            "slope_se": self.slope_se,
            "growth_factor_per_year": self.growth_factor_per_year,
            "residual_sd_log10": self.residual_sd,
            "dof": self.dof,
            "fit": None if self.fit is None else self.fit.to_dict(),
        }


def _ols(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray, float, int]:
    """Least squares ``y ~ x @ beta``: (beta, covariance, rss, dof)."""
    beta, _, rank, _ = np.linalg.lstsq(x, y, rcond=None)
    if rank < x.shape[1]:
        raise InvalidValueError(name="df", reason="the points do not determine the trend")
    resid = y - x @ beta
    rss = float(resid @ resid)
    dof = x.shape[0] - x.shape[1]
    sigma2 = rss / dof if dof > 0 else 0.0
    cov = np.asarray(sigma2 * np.linalg.inv(x.T @ x), dtype=np.float64)
    return np.asarray(beta, dtype=np.float64), cov, rss, int(dof)


def fit_exponential(df: pd.DataFrame | str, start: YearLike, end: YearLike) -> ExponentialTrend:
    """Fit ``log10(value) = a + b·t`` by ordinary least squares over ``[start, end]``.

    Parameters
    ----------
    df:
        A series name (see :func:`brainflops.data.datasets.list_series`) or a DataFrame with
        ``year`` and one ``value [UNIT]`` column.
    start, end:
        The fit window (see the module docstring); ``None`` leaves a side open.

    Returns
    -------
    ExponentialTrend
        With the slope's 95 % t-interval turned into the doubling-time interval.

    Examples
    --------
    >>> trend = fit_exponential("top500-rank1", 1993, 2013)
    >>> round(trend.doubling_time_years, 2)
    1.07
    """
    years, logs, unit, info = _prepare(df, start, end)
    pivot = float(np.mean(years))
    x = np.column_stack([np.ones_like(years), years - pivot])
    beta, cov, rss, dof = _ols(x, logs)
    return ExponentialTrend(
        unit=unit,
        pivot=pivot,
        level=float(beta[0]),
        slope=float(beta[1]),
        cov=cov,
        dof=float(dof),
        residual_sd=math.sqrt(rss / dof) if dof > 0 else 0.0,
        fit=info,
    )


# --------------------------------------------------------------------------- piecewise


def _pw_curve(params: Mapping[str, FloatArray], year: FloatArray) -> FloatArray:
    rel = year - params["c"]
    left = params["a1"] + params["b1"] * rel
    right = params["a2"] + params["b2"] * rel
    return np.where(rel < 0, left, right)


def _pw_cross(params: Mapping[str, FloatArray], target: FloatArray) -> FloatArray:
    """First year from which a two-segment trend stays at or above ``target``."""
    c, a1, b1, a2, b2 = (params[k] for k in ("c", "a1", "b1", "a2", "b2"))
    t_right = c + (target - a2) / b2
    # On the right segment the target is reached from the breakpoint on ...
    from_c = ((b2 > 0) & (t_right <= c)) | ((b2 == 0) & (target <= a2))
    # ... so the answer lies on the left: where an increasing left segment reaches it, the
    # breakpoint when the left segment is below it just before the break, and -inf when a
    # non-increasing left segment is above it all along.
    t_left = c + (target - a1) / b1
    left = np.where(b1 > 0, np.minimum(t_left, c), np.where(a1 >= target, -np.inf, c))
    return np.where(from_c, left, np.where(b2 > 0, t_right, np.inf))


def _pw_design(years: FloatArray, c: float, continuous: bool) -> FloatArray:
    rel = years - c
    ones = np.ones_like(years)
    if continuous:
        return np.column_stack([ones, np.minimum(rel, 0.0), np.maximum(rel, 0.0)])
    left = (rel < 0).astype(float)
    right = 1.0 - left
    return np.column_stack([left, left * rel, right, right * rel])


def _pw_params(beta: FloatArray, continuous: bool) -> tuple[FloatArray, ...]:
    """(a1, b1, a2, b2) from the coefficient vector(s); works on shape (k,) or (n, k)."""
    if continuous:
        return beta[..., 0], beta[..., 1], beta[..., 0], beta[..., 2]
    return beta[..., 0], beta[..., 1], beta[..., 2], beta[..., 3]


@dataclass(frozen=True, eq=False)
class PiecewiseTrend(TrendModel):
    """Two exponential segments joined at a breakpoint ``c``.

    ``log10 v(t) = a1 + b1 (t - c)`` before ``c`` and ``a2 + b2 (t - c)`` from ``c`` on; a
    continuous ("broken-stick") trend has ``a1 = a2``.

    When the breakpoint is estimated, parameter draws first draw the breakpoint from its
    marginal posterior on the search grid (flat priors: weight ∝ ``|XᵀX|^-1/2 ·
    RSS^-(n-k)/2``), then the segment parameters from the multivariate t given that
    breakpoint, so crossing-year samples carry the breakpoint uncertainty too.

    Attributes
    ----------
    breakpoint:
        Estimated or given breakpoint (decimal year).
    breakpoint_interval:
        95 % profile-likelihood interval of the breakpoint (the grid points with
        ``n·ln(RSS/RSS_min) <= χ²₁(0.95)``), or ``None`` when the breakpoint was given.
    continuous:
        Whether the segments meet at the breakpoint.
    a1, b1, a2, b2:
        Segment levels at the breakpoint (log10) and slopes (decades per year).
    cov:
        Covariance of the coefficient vector ``(a, b1, b2)`` or ``(a1, b1, a2, b2)``.
    """

    model: ClassVar[str] = "piecewise"
    unit: str
    breakpoint: float
    continuous: bool
    a1: float
    b1: float
    a2: float
    b2: float
    cov: FloatArray = field(repr=False)
    dof: float
    breakpoint_interval: tuple[float, float] | None = None
    residual_sd: float = 0.0
    fit: FitInfo | None = None
    grid: FloatArray = field(repr=False, default_factory=lambda: np.zeros(0))
    grid_weights: FloatArray = field(repr=False, default_factory=lambda: np.zeros(0))
    grid_beta: FloatArray = field(repr=False, default_factory=lambda: np.zeros((0, 0)))
    grid_root: FloatArray = field(repr=False, default_factory=lambda: np.zeros((0, 0, 0)))

    def _point(self) -> dict[str, FloatArray]:
        return {k: np.array(getattr(self, k)) for k in ("a1", "b1", "a2", "b2")} | {
            "c": np.array(self.breakpoint)
        }

    def _draw(self, n: int, rng: np.random.Generator) -> dict[str, FloatArray]:
        if self.grid.size == 0:  # built by hand: one breakpoint, coefficients as given
            beta = np.array(
                [self.a1, self.b1, self.b2]
                if self.continuous
                else [self.a1, self.b1, self.a2, self.b2]
            )
            roots = _sqrt_psd(self.cov)[None]
            betas, idx, grid = beta[None], np.zeros(n, dtype=int), np.array([self.breakpoint])
        else:
            betas, roots, grid = self.grid_beta, self.grid_root, self.grid
            idx = rng.choice(grid.size, size=n, p=self.grid_weights)
        z = np.einsum("nij,nj->ni", roots[idx], rng.standard_normal((n, betas.shape[1])))
        if math.isfinite(self.dof) and self.dof > 0:
            z *= np.sqrt(self.dof / rng.chisquare(self.dof, size=n))[:, None]
        draws = betas[idx] + z
        a1, b1, a2, b2 = _pw_params(draws, self.continuous)
        return {"a1": a1, "b1": b1, "a2": a2, "b2": b2, "c": grid[idx]}

    @staticmethod
    def _curve(params: Mapping[str, FloatArray], year: FloatArray) -> FloatArray:
        return _pw_curve(params, year)

    @staticmethod
    def _cross(params: Mapping[str, FloatArray], log10_target: FloatArray) -> FloatArray:
        return _pw_cross(params, log10_target)

    def _slope_se(self, segment: int) -> float:
        index = (1 if segment == 1 else 2) if self.continuous else (1 if segment == 1 else 3)
        return math.sqrt(max(float(self.cov[index, index]), 0.0))

    @property
    def doubling_time_years(self) -> float:
        """Doubling time of the latest segment (the one that extrapolates)."""
        return _doubling_from_slope(self.b2)

    @property
    def doubling_time_interval(self) -> tuple[float, float] | None:
        se = self._slope_se(2)
        return None if se == 0 else _doubling_interval(self.b2, se, self.dof)

    def segment_doubling_times(self) -> list[dict[str, Any]]:
        """Doubling time and its 95 % interval (given the breakpoint) of both segments."""
        out = []
        for segment, slope in ((1, self.b1), (2, self.b2)):
            se = self._slope_se(segment)
            interval = None if se == 0 else list(_doubling_interval(slope, se, self.dof))
            out.append(
                {
                    "segment": segment,
                    "slope_decades_per_year": slope,
                    "slope_se": se,
                    "doubling_time_years": _doubling_from_slope(slope),
                    "doubling_time_interval": interval,
                }
            )
        return out

    def _details(self) -> dict[str, Any]:
        return {
            "breakpoint": self.breakpoint,
            "breakpoint_interval": None
            if self.breakpoint_interval is None
            else list(self.breakpoint_interval),
            "breakpoint_estimated": self.breakpoint_interval is not None,
            "continuous": self.continuous,
            "segments": self.segment_doubling_times(),
            "residual_sd_log10": self.residual_sd,
            "dof": self.dof,
            "fit": None if self.fit is None else self.fit.to_dict(),
        }


_GRID_STEP_YEARS = 1.0 / 48.0  # breakpoint search resolution: about a week
_CHI2_1_95 = float(stats.chi2.ppf(CONFIDENCE, 1))  # likelihood-ratio threshold, 1 parameter


def fit_piecewise(
    df: pd.DataFrame | str,
    start: YearLike,
    end: YearLike,
    breakpoint: float | str | None = None,
    *,
    continuous: bool = True,
) -> PiecewiseTrend:
    """Fit a two-segment (broken) exponential trend in log10 space.

    Parameters
    ----------
    df, start, end:
        Series and window, as for :func:`fit_exponential`.
    breakpoint:
        Decimal year (or ``"YYYY-MM"`` date) of the break. ``None`` estimates it by grid
        search over the profile likelihood (every ~week between the 3rd and the 3rd-last
        point) and reports a 95 % profile-likelihood interval.
    continuous:
        ``True`` for a continuous broken-stick trend, ``False`` for two independent lines.

    Raises
    ------
    InvalidValueError
        If either segment would have fewer than 3 points.
    """
    years, logs, unit, info = _prepare(df, start, end)
    n = years.size
    k = 3 if continuous else 4

    def side_counts(c: float) -> tuple[int, int]:
        left = int(np.sum(years < c))
        return left, n - left

    if breakpoint is not None:
        parsed = parse_year(breakpoint, "breakpoint")
        c = decimal_year(parsed) if isinstance(parsed, str) else float(parsed)
        left, right = side_counts(c)
        if min(left, right) < _MIN_POINTS:
            raise InvalidValueError(
                name="breakpoint",
                reason=f"{c:g} leaves {left} point(s) before and {right} after it; "
                f"each segment needs at least {_MIN_POINTS}",
            )
        grid = np.array([c])
    else:
        if n < 2 * _MIN_POINTS:
            raise InvalidValueError(
                name="window",
                reason=f"{n} points; estimating a breakpoint needs at least {2 * _MIN_POINTS}",
            )
        lo, hi = years[_MIN_POINTS - 1], years[n - _MIN_POINTS]
        count = max(math.ceil((hi - lo) / _GRID_STEP_YEARS), 1) + 1
        candidates = np.linspace(lo, hi, count)
        grid = np.array([c for c in candidates if min(side_counts(c)) >= _MIN_POINTS])
        if grid.size == 0:
            raise InvalidValueError(name="window", reason="no breakpoint leaves 3 points a side")

    betas, roots, rss, logdets = [], [], [], []
    dof = n - k
    for c in grid:
        x = _pw_design(years, float(c), continuous)
        beta, cov, r, _ = _ols(x, logs)
        betas.append(beta)
        roots.append(_sqrt_psd(cov))
        rss.append(r)
        logdets.append(float(np.linalg.slogdet(x.T @ x)[1]))
    betas_a, roots_a = np.array(betas), np.array(roots)
    rss_a = np.maximum(np.array(rss), np.finfo(float).tiny)
    best_rss = float(rss_a.min())
    # Flat regions (a discontinuous fit only changes when a point changes side) tie: take
    # the middle of the tied grid points.
    tied = np.flatnonzero(rss_a <= best_rss * (1.0 + _RSS_TIE_REL) + np.finfo(float).tiny)
    best = int(tied[len(tied) // 2])
    c_hat = float(grid[best])
    if breakpoint is None:
        inside = grid[n * np.log(rss_a / best_rss) <= _CHI2_1_95]
        interval: tuple[float, float] | None = (float(inside.min()), float(inside.max()))
        log_w = -0.5 * np.array(logdets) - 0.5 * dof * np.log(rss_a)
        weights = np.exp(log_w - log_w.max())
        weights /= weights.sum()
    else:
        interval = None
        weights = np.ones(1)
    x_best = _pw_design(years, c_hat, continuous)
    beta, cov, r_best, _ = _ols(x_best, logs)
    a1, b1, a2, b2 = (float(v) for v in _pw_params(beta, continuous))
    return PiecewiseTrend(
        unit=unit,
        breakpoint=c_hat,
        continuous=continuous,
        a1=a1,
        b1=b1,
        a2=a2,
        b2=b2,
        cov=cov,
        dof=float(dof),
        breakpoint_interval=interval,
        residual_sd=math.sqrt(r_best / dof) if dof > 0 else 0.0,
        fit=info,
        grid=grid,
        grid_weights=weights,
        grid_beta=betas_a,
        grid_root=roots_a,
    )


# --------------------------------------------------------------------------- logistic


def _log_expm1(x: FloatArray) -> FloatArray:
    """``log(exp(x) - 1)`` for ``x > 0`` without overflow or cancellation."""
    return x + np.log(-np.expm1(-x))


@dataclass(frozen=True, eq=False)
class LogisticTrend(TrendModel):
    """Saturating growth towards a ceiling ``C``: ``v(t) = C / (1 + exp(-r (t - t_m)))``.

    In log10 space ``log10 v = log10 C - log10(1 + exp(-r (t - t_m)))``: early on this is
    an exponential with rate ``r`` per year (doubling time ``ln 2 / r``), and the curve
    approaches but never reaches ``C``, so a target at or above the ceiling is never
    crossed (``inf``).

    Attributes
    ----------
    ceiling_log10:
        log10 of the ceiling ``C``.
    rate:
        ``r``, per year (natural-log units).
    midpoint:
        ``t_m``, the year at which the curve is at ``C / 2``.
    cov:
        Covariance of ``(rate, midpoint)``.
    """

    model: ClassVar[str] = "logistic"
    unit: str
    ceiling_log10: float
    rate: float
    midpoint: float
    cov: FloatArray = field(repr=False)
    dof: float
    residual_sd: float = 0.0
    fit: FitInfo | None = None

    def _point(self) -> dict[str, FloatArray]:
        return {
            "y_c": np.array(self.ceiling_log10),
            "r": np.array(self.rate),
            "t_m": np.array(self.midpoint),
        }

    def _draw(self, n: int, rng: np.random.Generator) -> dict[str, FloatArray]:
        draws = _mvt_draws(
            np.array([self.rate, self.midpoint]), _sqrt_psd(self.cov), self.dof, n, rng
        )
        return {"y_c": np.full(n, self.ceiling_log10), "r": draws[:, 0], "t_m": draws[:, 1]}

    @staticmethod
    def _curve(params: Mapping[str, FloatArray], year: FloatArray) -> FloatArray:
        return params["y_c"] - np.logaddexp(0.0, -params["r"] * (year - params["t_m"])) / LN10

    @staticmethod
    def _cross(params: Mapping[str, FloatArray], log10_target: FloatArray) -> FloatArray:
        gap = params["y_c"] - log10_target
        safe_gap = np.where(gap > 0, gap, 1.0)
        crossing = params["t_m"] - _log_expm1(safe_gap * LN10) / params["r"]
        return np.where((gap > 0) & (params["r"] > 0), crossing, np.inf)

    @property
    def rate_se(self) -> float:
        """Standard error of the rate."""
        return math.sqrt(max(float(self.cov[0, 0]), 0.0))

    @property
    def doubling_time_years(self) -> float:
        """Early-phase (asymptotic exponential) doubling time ``ln 2 / r``."""
        return math.log(2.0) / self.rate if self.rate > 0 else math.inf

    @property
    def doubling_time_interval(self) -> tuple[float, float] | None:
        if self.rate_se == 0:
            return None
        # ln 2 / r = log10(2) / (r / ln 10): the same map as a log10 slope.
        return _doubling_interval(self.rate / LN10, self.rate_se / LN10, self.dof)

    def doubling_time_at(self, year: float) -> float:
        """Instantaneous doubling time at ``year`` (grows without bound near the ceiling)."""
        exponent = min(self.rate * (year - self.midpoint), _EXP_MAX)
        slope = self.rate / LN10 / (1.0 + math.exp(exponent))
        return _doubling_from_slope(slope)

    def _details(self) -> dict[str, Any]:
        end = None if self.fit is None else self.fit.last_year
        return {
            "ceiling": 10.0**self.ceiling_log10
            if self.ceiling_log10 < _LOG10_FLOAT_MAX
            else math.inf,
            "log10_ceiling": self.ceiling_log10,
            "rate_per_year": self.rate,
            "rate_se": self.rate_se,
            "midpoint_year": self.midpoint,
            "doubling_time_at_fit_end": None if end is None else self.doubling_time_at(end),
            "residual_sd_log10": self.residual_sd,
            "dof": self.dof,
            "fit": None if self.fit is None else self.fit.to_dict(),
        }


_MIN_START_SLOPE = 1e-3  # decades/yr; numerical floor for the logistic's starting guess


def fit_logistic(
    df: pd.DataFrame | str,
    start: YearLike,
    end: YearLike,
    ceiling: float,
) -> LogisticTrend:
    """Fit saturating growth towards ``ceiling`` (same unit as the series) in log10 space.

    Nonlinear least squares (``scipy.optimize.least_squares``) of
    ``log10 v = log10 C - log10(1 + exp(-r (t - t_m)))`` for ``r > 0`` and ``t_m``; the
    covariance is ``s² (JᵀJ)⁻¹`` at the optimum. :func:`ceiling_from_limit` turns a power
    budget and an efficiency limit into a ceiling.

    Raises
    ------
    InvalidValueError
        If the ceiling is not above every value in the window.
    """
    years, logs, unit, info = _prepare(df, start, end)
    y_c = float(_log10_target(ceiling, "ceiling"))
    if y_c <= float(logs.max()):
        raise InvalidValueError(
            name="ceiling",
            reason=f"{ceiling:g} {unit} is not above the largest value in the window "
            f"({10.0 ** float(logs.max()):g})",
        )
    start_trend = fit_exponential(
        pd.DataFrame({"year": years, f"value [{unit}]": 10.0**logs}), None, None
    )
    slope0 = max(start_trend.slope, _MIN_START_SLOPE)
    x0 = np.array([slope0 * LN10, start_trend.pivot + (y_c - start_trend.level) / slope0])

    def residuals(theta: FloatArray) -> FloatArray:
        curve = LogisticTrend._curve({"y_c": np.array(y_c), "r": theta[0], "t_m": theta[1]}, years)
        return curve - logs

    result = optimize.least_squares(
        residuals, x0, bounds=([0.0, -np.inf], [np.inf, np.inf]), x_scale="jac"
    )
    rss = float(result.fun @ result.fun)
    dof = years.size - 2
    jac = result.jac
    cov = (rss / dof if dof > 0 else 0.0) * np.linalg.pinv(jac.T @ jac)
    return LogisticTrend(
        unit=unit,
        ceiling_log10=y_c,
        rate=float(result.x[0]),
        midpoint=float(result.x[1]),
        cov=cov,
        dof=float(dof),
        residual_sd=math.sqrt(rss / dof) if dof > 0 else 0.0,
        fit=info,
    )


# --------------------------------------------------------------------------- doubling

Rounding = Literal["none", "whole-doublings"]
_ROUNDINGS: tuple[str, ...] = ("none", "whole-doublings")
_WHOLE_TOL = 1e-9  # doublings; 2**21 × baseline counts as 21 doublings despite rounding error


@dataclass(frozen=True, eq=False)
class DoublingTrend(TrendModel):
    """A user-stated trend: ``baseline`` at ``baseline_year``, doubling every ``doubling_years``.

    With ``rounding="whole-doublings"`` the capacity grows in steps, one per completed
    doubling period, so a target is reached after ``ceil(log2(target / baseline))`` whole
    periods -- Dettmers' (2015) arithmetic (21 doublings from 0.58 PFLOP/s to 1.075e21).
    With ``"none"`` growth is continuous.

    With an ``interval`` (a 95 % interval of the doubling time) draws use a two-piece
    lognormal whose median is ``doubling_years`` and whose 2.5 % and 97.5 % quantiles are the
    interval's ends; without one, draws repeat the point model.
    """

    model: ClassVar[str] = "doubling"
    unit: str
    baseline_log10: float
    baseline_year: float
    doubling_years: float
    interval: tuple[float, float] | None = None
    rounding: Rounding = "none"

    def _point(self) -> dict[str, FloatArray]:
        return {
            "b0": np.array(self.baseline_log10),
            "tb": np.array(self.baseline_year),
            "T": np.array(self.doubling_years),
            "whole": np.array(self._whole),
        }

    @property
    def _whole(self) -> bool:
        return self.rounding == "whole-doublings"

    def _draw(self, n: int, rng: np.random.Generator) -> dict[str, FloatArray]:
        z = rng.standard_normal(n)
        if self.interval is None:
            periods = np.full(n, self.doubling_years)
        else:
            lo, hi = self.interval
            sigma = (
                np.where(
                    z < 0, math.log(self.doubling_years / lo), math.log(hi / self.doubling_years)
                )
                / Z95  # the interval is a central 95 % one (CONFIDENCE)
            )
            periods = self.doubling_years * np.exp(z * sigma)
        return {
            "b0": np.full(n, self.baseline_log10),
            "tb": np.full(n, self.baseline_year),
            "T": periods,
            "whole": np.full(n, self._whole),
        }

    @staticmethod
    def _curve(params: Mapping[str, FloatArray], year: FloatArray) -> FloatArray:
        periods = (year - params["tb"]) / params["T"]
        periods = np.where(params["whole"], np.floor(periods + _WHOLE_TOL), periods)
        return params["b0"] + periods * LOG10_2

    @staticmethod
    def _cross(params: Mapping[str, FloatArray], log10_target: FloatArray) -> FloatArray:
        doublings = (log10_target - params["b0"]) / LOG10_2
        doublings = np.where(params["whole"], np.ceil(doublings - _WHOLE_TOL), doublings)
        return params["tb"] + doublings * params["T"]

    def doublings_needed(self, target: float) -> float:
        """Doublings from the baseline to ``target`` (whole when rounding says so)."""
        doublings = (float(_log10_target(target)) - self.baseline_log10) / LOG10_2
        return float(math.ceil(doublings - _WHOLE_TOL)) if self._whole else doublings

    @property
    def doubling_time_years(self) -> float:
        return self.doubling_years

    @property
    def doubling_time_interval(self) -> tuple[float, float] | None:
        return self.interval

    def _details(self) -> dict[str, Any]:
        return {
            "baseline": 10.0**self.baseline_log10
            if self.baseline_log10 < _LOG10_FLOAT_MAX
            else math.inf,
            "log10_baseline": self.baseline_log10,
            "baseline_year": self.baseline_year,
            "rounding": self.rounding,
        }


def doubling(
    baseline: float | str,
    baseline_year: float,
    doubling_years: float,
    *,
    interval: tuple[float, float] | None = None,
    rounding: Rounding = "none",
    unit: str = "FLOP/s",
) -> DoublingTrend:
    """Build a :class:`DoublingTrend` from a stated baseline and doubling time.

    Parameters
    ----------
    baseline:
        Value at ``baseline_year``: a number in ``unit`` or, for ``unit="FLOP/s"``, a
        quantity string such as ``"0.58 PFLOP/s"`` or ``"0.58PFLOP/s"``.
    baseline_year:
        Decimal year of the baseline.
    doubling_years:
        Doubling time in years (positive).
    interval:
        Optional 95 % interval ``(lo, hi)`` of the doubling time, ``lo < doubling_years < hi``.
    rounding:
        ``"none"`` or ``"whole-doublings"`` (see :class:`DoublingTrend`).
    unit:
        The unit of the values.

    Examples
    --------
    >>> trend = doubling("0.58 PFLOP/s", 2015, 1.8, rounding="whole-doublings")
    >>> round(trend.crossing_year(1.075e21), 6)
    2052.8
    """
    base = parse_value(baseline, unit, "baseline") if isinstance(baseline, str) else baseline
    b0 = float(_log10_target(base, "baseline"))
    parsed_year = parse_year(baseline_year, "baseline_year")
    year = decimal_year(parsed_year) if isinstance(parsed_year, str) else float(parsed_year)
    if (
        isinstance(doubling_years, bool)
        or not isinstance(doubling_years, int | float)
        or not (math.isfinite(doubling_years) and doubling_years > 0)
    ):
        raise InvalidValueError(name="doubling_years", reason="must be a positive number")
    if interval is not None:
        lo, hi = (float(v) for v in interval)
        if not (0 < lo < doubling_years < hi and math.isfinite(hi)):
            raise InvalidValueError(
                name="interval",
                reason=f"need 0 < lo < doubling_years ({doubling_years:g}) < hi, got {interval!r}",
            )
        interval = (lo, hi)
    if rounding not in _ROUNDINGS:
        raise UnknownNameError(kind="rounding", name=str(rounding), known=_ROUNDINGS)
    return DoublingTrend(
        unit=unit,
        baseline_log10=b0,
        baseline_year=year,
        doubling_years=float(doubling_years),
        interval=interval,
        rounding=rounding,
    )


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
        pass
    else:
        return magnitude_in(text, unit, name)
    match = re.fullmatch(r"([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*)", text)
    if match and match.group(2).replace(" ", "") == unit.replace(" ", ""):
        return float(match.group(1))
    raise InvalidValueError(name=name, reason=f"give a plain number in {unit}, got {text!r}")


# --------------------------------------------------------------------------- dispatch


def fit_model(
    model: str,
    df: pd.DataFrame | str,
    start: YearLike,
    end: YearLike,
    *,
    breakpoint: float | str | None = None,
    ceiling: float | None = None,
    continuous: bool = True,
) -> TrendModel:
    """Fit one of :data:`MODELS` by name (``ceiling`` is required for ``"logistic"``).

    ``breakpoint`` and ``continuous=False`` apply to ``"piecewise"`` only and ``ceiling`` to
    ``"logistic"`` only; giving them with another model raises rather than being ignored.
    """
    unused = [
        option
        for option, given, uses in (
            ("breakpoint", breakpoint is not None, "piecewise"),
            ("continuous=False", not continuous, "piecewise"),
            ("ceiling", ceiling is not None, "logistic"),
        )
        if given and model != uses and model in MODELS
    ]
    if unused:
        raise InvalidValueError(
            name="model", reason=f"the {model} model does not take {', '.join(unused)}"
        )
    if model == "exponential":
        return fit_exponential(df, start, end)
    if model == "piecewise":
        return fit_piecewise(df, start, end, breakpoint, continuous=continuous)
    if model == "logistic":
        if ceiling is None:
            raise InvalidValueError(name="ceiling", reason="the logistic model needs a ceiling")
        return fit_logistic(df, start, end, ceiling)
    raise UnknownNameError(kind="model", name=str(model), known=MODELS)


# --------------------------------------------------------------------------- backtests


def first_reached(df: pd.DataFrame | str, target: float) -> tuple[float, str] | None:
    """``(decimal year, date)`` of the first point at or above ``target``, or ``None``."""
    frame = load_series(df) if isinstance(df, str) else df
    column = value_column(frame)
    float(_log10_target(target))  # validates
    ordered = frame.sort_values("year", kind="stable")
    hits = ordered[ordered[column].to_numpy(dtype=float) >= target]
    if hits.empty:
        return None
    row = hits.iloc[0]
    return float(row["year"]), str(row["date"]) if "date" in hits.columns else f"{row['year']:.3f}"


@dataclass(frozen=True)
class BacktestResult:
    """A prediction from data up to ``train_end``, compared with what happened.

    Attributes
    ----------
    series, model:
        What was fitted.
    train_start, train_end:
        The window as requested.
    first_train_date, last_train_date:
        Dates of the first and last training point.
    target:
        The value whose first crossing is predicted (series unit).
    predicted_year:
        Crossing year of the fitted trend.
    predicted_interval:
        95 % interval of the crossing year from the fit uncertainty.
    actual_year, actual_date:
        First list (or release) date on which the series reached the target, ``None``
        when it has not (yet).
    n_train:
        Number of training points.
    """

    series: str
    model: str
    train_start: str | None
    train_end: str
    first_train_date: str
    last_train_date: str
    target: float
    predicted_year: float
    predicted_interval: tuple[float, float]
    actual_year: float | None
    actual_date: str | None
    n_train: int

    @property
    def error_years(self) -> float | None:
        """``predicted_year - actual_year`` (positive: predicted too late)."""
        return None if self.actual_year is None else self.predicted_year - self.actual_year

    @property
    def covered(self) -> bool | None:
        """Whether the actual year lies inside the predicted interval."""
        if self.actual_year is None:
            return None
        lo, hi = self.predicted_interval
        return bool(lo <= self.actual_year <= hi)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict."""
        return {
            "series": self.series,
            "model": self.model,
            "train_start": self.train_start,
            "train_end": self.train_end,
            "first_train_date": self.first_train_date,
            "last_train_date": self.last_train_date,
            "n_train": self.n_train,
            "target": self.target,
            "predicted_year": self.predicted_year,
            "predicted_interval": list(self.predicted_interval),
            "actual_year": self.actual_year,
            "actual_date": self.actual_date,
            "error_years": self.error_years,
            "covered": self.covered,
            "confidence": CONFIDENCE,
        }


_BACKTEST_SAMPLES = 4000  # draws for the predicted interval; its Monte Carlo error is ~0.1 yr


def backtest(
    series: pd.DataFrame | str,
    train_end: YearLike,
    target: float,
    model: str = "exponential",
    start: YearLike = None,
    *,
    breakpoint: float | str | None = None,
    ceiling: float | None = None,
    continuous: bool = True,
    n_samples: int = _BACKTEST_SAMPLES,
    seed: int = 0,
) -> BacktestResult:
    """Fit ``model`` to the series up to ``train_end`` and predict when it reaches ``target``.

    ``breakpoint``, ``ceiling`` and ``continuous`` are passed to :func:`fit_model`.

    Examples
    --------
    >>> result = backtest("top500-rank1", 2004, 1e15)
    >>> result.actual_date
    '2008-06'
    """
    if train_end is None:
        raise InvalidValueError(name="train_end", reason="a backtest needs an end of training")
    frame = load_series(series) if isinstance(series, str) else series
    trend = fit_model(
        model,
        frame,
        start,
        train_end,
        breakpoint=breakpoint,
        ceiling=ceiling,
        continuous=continuous,
    )
    log10_target = _log10_target(target)
    predicted = float(trend.crossing_year_log10(log10_target))
    samples = trend.crossing_year_samples_log10(
        log10_target, n_samples, np.random.default_rng(seed)
    )
    lo, hi = sample_quantiles(samples, [0.5 - CONFIDENCE / 2.0, 0.5 + CONFIDENCE / 2.0])
    actual = first_reached(frame, float(target))
    fit = getattr(trend, "fit", None)
    assert isinstance(fit, FitInfo)
    return BacktestResult(
        series=fit.series,
        model=model,
        train_start=None if start is None else str(start),
        train_end=str(train_end),
        first_train_date=fit.first_date,
        last_train_date=fit.last_date,
        target=float(target),
        predicted_year=predicted,
        predicted_interval=(float(lo), float(hi)),
        actual_year=None if actual is None else actual[0],
        actual_date=None if actual is None else actual[1],
        n_train=fit.n_points,
    )


def backtest_table(
    series: pd.DataFrame | str,
    train_ends: Iterable[YearLike],
    targets: Iterable[float],
    model: str = "exponential",
    start: YearLike = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Run :func:`backtest` for every (train_end, target) pair; one row each.

    Columns: ``series``, ``model``, ``train_end``, ``last_train_date``, ``target``,
    ``predicted_year``, ``predicted_lo``, ``predicted_hi``, ``actual_year``,
    ``actual_date``, ``error_years`` (predicted - actual; NaN when not reached) and
    ``covered``.
    """
    rows = []
    target_list: Sequence[float] = list(targets)
    for train_end in train_ends:
        for target in target_list:
            result = backtest(series, train_end, target, model, start, **kwargs)
            rows.append(
                {
                    "series": result.series,
                    "model": result.model,
                    "train_end": result.train_end,
                    "last_train_date": result.last_train_date,
                    "target": result.target,
                    "predicted_year": result.predicted_year,
                    "predicted_lo": result.predicted_interval[0],
                    "predicted_hi": result.predicted_interval[1],
                    "actual_year": math.nan if result.actual_year is None else result.actual_year,
                    "actual_date": result.actual_date,
                    "error_years": math.nan if result.error_years is None else result.error_years,
                    "covered": result.covered,
                }
            )
    return pd.DataFrame(rows)
