"""The calibrated ensemble: trend models weighted and widened by their out-of-sample record.

Each member model forecasts *how long* it takes a series to reach a target from the last
data point (its horizon ``h``). Rolling-origin backtests (Tashman 2000: refit at every past
list date, forecast 10x and 100x the record at that date, compare with the date the list
actually reached it) give each member's errors as log-ratios ``e = ln(h_actual / h_forecast)``.
The ensemble then

* weights the members by **stacking of predictive distributions** (Yao, Vehtari, Simpson &
  Gelman 2018, Bayesian Analysis 13(3)): weights on the simplex that maximise the
  leave-one-out log score of the mixture, each member's predictive density being a Gaussian
  kernel density of its past errors;
* forms the interval from those **empirical errors** (Williams & Goodman 1971, JASA 66; the
  split-conformal idea of Vovk, Gammerman & Shafer 2005): a draw picks a member by weight
  and one of its past errors (smoothed by the kernel; recent errors weigh more, half-life
  6 years), and scales the member's horizon by ``exp(e)``. A forecast whose date has
  passed without the target being reached counts with its censored error (a known lower
  bound) as soon as that is seen, so a slowdown enters before its targets are reached.
  Out-of-sample errors contain the parameter uncertainty (without assuming the staircase
  lists are independent) and the regime changes that history has shown, so the fit's own
  t-intervals are not added on top;
* on the TOP500 series, widens those errors by the adaptive conformal factor of
  :mod:`brainflops.forecast.trends.adaptive` (``spread``), learned from the ensemble's
  own scored forecasts (Gibbs & Candès 2021), because right after a slowdown the observed
  errors are too small.

Only errors *known at the forecast origin* are used: a backtest case made before the origin
counts with its exact error once its target was reached, or with its censored error once
its forecast date has passed. :func:`fit_calibrated` at the end of the data
uses every case reached so far; :mod:`brainflops.forecast.trends.calibration` scores the
ensemble at each past origin with only the cases known then (strictly out-of-sample).

Members: ``exponential`` (all data), ``exponential-recent`` (the last 10 years),
``piecewise`` (estimated break), ``logistic`` (a physical ceiling, where the series has one)
and ``doubling`` (growth from the last record at the recent doubling time).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from brainflops.core.errors import InvalidValueError
from brainflops.data.datasets import value_column, value_unit
from brainflops.forecast.trends.adaptive import Progress
from brainflops.forecast.trends.base import TrendModel
from brainflops.forecast.trends.case_cache import cached
from brainflops.forecast.trends.fit import doubling, fit_exponential, fit_logistic, fit_piecewise
from brainflops.forecast.trends.limits import CMOS_LIMIT_OPS_PER_JOULE, ceiling_from_limit
from brainflops.forecast.trends.series import (
    LOG10_2,
    ML_TRAINING_SERIES,
    FloatArray,
    RngLike,
    _check_log10,
    _check_n,
    as_generator,
    first_reached_years,
    load_any_series,
    never_as_null,
)

__all__ = [
    "MEMBERS",
    "CalibratedTrend",
    "CalibrationCase",
    "calibration_cases",
    "member_forecasts",
]

MEMBERS = ("exponential", "exponential-recent", "piecewise", "logistic", "doubling")
MULTIPLES = (10.0, 100.0)  # backtest targets: this many times the record at the origin
RECENT_YEARS = 10.0  # window of the exponential-recent and doubling members (a choice)
MIN_TRAIN_POINTS = 8  # first backtest origin: a series needs this many points before it
MIN_KNOWN_CASES = 6  # fewest known errors per member before the ensemble forecasts
# Past errors count less as they age (half-life in years since the target was reached), so
# a regime change (the post-2013 slowdown) enters the intervals as soon as it is observed
# instead of being outvoted by decades of older errors (a choice; see the calibrate docs).
HALF_LIFE_YEARS = 6.0
_H_MIN = 0.5  # years; a forecast is never sooner than one list interval after the origin
# A member whose forecast implies a doubling time of this many years or more saw no growth
# in its fit (the packaged hardware trends double every 1-5 years): it gave no lead time,
# so its case gives it no error (a choice; see CalibrationCase.log_error).
NO_GROWTH_DOUBLING_YEARS = 30.0
_EPS = 1e-9

# Facility powers behind the logistic member's ceilings (assumed round numbers, not data):
# the largest systems of 2026 draw 20-40 MW; 100 MW for one system and 2 GW for all 500
# leave room above every list. Efficiency series are capped by the CMOS limit itself.
_LOGISTIC_POWER_W = {"top500-rank1": 1e8, "top500-rank500": 1e8, "top500-sum": 2e9}
_LOGISTIC_POWER_W |= {"hpcg-rank1": 1e8}


def _series_frame(series: pd.DataFrame | str) -> tuple[pd.DataFrame, str]:
    frame = load_any_series(series) if isinstance(series, str) else series
    name = series if isinstance(series, str) else str(frame.attrs.get("series", "custom"))
    return frame.sort_values("year", kind="stable"), name


def _ceiling(name: str, unit: str) -> float | None:
    """The logistic member's ceiling for a series (``None``: the series has none)."""
    if name in _LOGISTIC_POWER_W:
        return ceiling_from_limit(_LOGISTIC_POWER_W[name])
    if unit == "FLOP/s/W":
        return CMOS_LIMIT_OPS_PER_JOULE
    return None


def _member_trends(frame: pd.DataFrame, name: str) -> dict[str, TrendModel]:
    """The member models fitted to ``frame`` (members whose fit is impossible are left out)."""
    unit = value_unit(frame)
    last = float(frame["year"].iloc[-1])
    members: dict[str, TrendModel] = {}
    fits: dict[str, Callable[[], TrendModel]] = {
        "exponential": lambda: fit_exponential(frame, None, None),
        "exponential-recent": lambda: fit_exponential(frame, last - RECENT_YEARS, None),
        "piecewise": lambda: fit_piecewise(frame, None, None),
    }
    ceiling = _ceiling(name, unit)
    if ceiling is not None:
        fits["logistic"] = lambda: fit_logistic(frame, None, None, ceiling)
    for member, make in fits.items():
        try:
            members[member] = make()
        except (InvalidValueError, np.linalg.LinAlgError):
            # Too few points for this member at an early origin, or points it cannot
            # separate (a singular design, e.g. a breakpoint among repeated years).
            continue
    recent = members.get("exponential-recent")
    if recent is not None and math.isfinite(recent.doubling_time_years):
        record = float(np.max(frame[value_column(frame)].to_numpy(dtype=float)))
        members["doubling"] = doubling(record, last, recent.doubling_time_years, unit=unit)
    return members


def member_forecasts(
    series: pd.DataFrame | str, log10_targets: ArrayLike
) -> tuple[float, dict[str, FloatArray], dict[str, TrendModel]]:
    """Each member's forecast horizon (years after the last point) for each target.

    Returns ``(last year, {member: horizons}, {member: trend})``. A horizon is at least
    half a year (one list interval) and ``inf`` where the member never reaches the target.
    """
    frame, name = _series_frame(series)
    targets = _check_log10(log10_targets)
    last = float(frame["year"].iloc[-1])
    trends = _member_trends(frame, name)
    horizons = {
        member: np.maximum(trend.crossing_year_log10(targets) - last, _H_MIN)
        for member, trend in trends.items()
    }
    return last, horizons, trends


@dataclass(frozen=True)
class CalibrationCase:
    """One rolling-origin backtest of every member: a forecast made at ``origin``.

    ``log_errors[m] = ln(actual horizon / member m's horizon)``; ``actual_year`` is ``inf``
    while the target has not been reached.
    """

    origin: float
    multiple: float
    log10_target: float
    horizons: dict[str, float]
    actual_year: float
    progress: Progress = ()

    def log_error(self, member: str, at: float = math.inf) -> float:
        """``ln(h_actual / h_member)`` as known at ``at``; ``nan`` when nothing is known yet.

        Before the target is reached the error is censored: once the member's forecast
        date has passed, ``ln((at - origin) / h_member)`` is a known lower bound and is
        used as the error (a miss seen as it happens); before that date, nothing is known.
        ``nan`` too when the member was not fitted, or when its forecast implies a
        doubling time of :data:`NO_GROWTH_DOUBLING_YEARS` or more: a fit that saw no
        growth, such as the HPCG #1's in 2017 after four flat years, forecasts no lead
        time to compare with (its 477 years against the 2.6 the 10x target took, a ratio
        of e^-5.2, would put the crossing of any later 100-year forecast within months).
        (The pace so far, ``progress``, is not an error: it feeds only the hit-or-miss
        record of the adaptive widening, where one stalled list cannot weigh more than
        one miss.)
        """
        forecast = self.horizons.get(member, math.nan)
        if not forecast < NO_GROWTH_DOUBLING_YEARS * math.log2(self.multiple):
            return math.nan
        if self.actual_year <= at + _EPS:
            return math.log((self.actual_year - self.origin) / forecast)
        elapsed = at - self.origin
        return math.log(elapsed / forecast) if elapsed > forecast else math.nan

    def known_at(self, at: float) -> float:
        """The date from which this case's (possibly censored) error is known, ``<= at``."""
        return min(self.actual_year, at)


def _cases(frame: pd.DataFrame, name: str) -> tuple[CalibrationCase, ...]:
    years = frame["year"].to_numpy(dtype=float)
    log10_values = np.log10(frame[value_column(frame)].to_numpy(dtype=float))
    out = []
    for index in range(MIN_TRAIN_POINTS - 1, years.size - 1):
        if index + 1 < years.size and years[index + 1] - years[index] < _EPS:
            continue  # several points on one date: the origin is after the last of them
        upto = frame.iloc[: index + 1]
        record = float(np.max(log10_values[: index + 1]))
        targets = record + np.log10(np.array(MULTIPLES))
        _, horizons, _ = member_forecasts(_named(upto, name), targets)
        actual = first_reached_years(frame, targets)
        # Decades gained over the record at the origin, at each later date (the running
        # record, so a list below an earlier peak loses nothing).
        gains = np.maximum.accumulate(log10_values)[index + 1 :] - record
        for k, multiple in enumerate(MULTIPLES):
            later = years[index + 1 :] < actual[k]
            out.append(
                CalibrationCase(
                    origin=float(years[index]),
                    multiple=multiple,
                    log10_target=float(targets[k]),
                    horizons={m: float(h[k]) for m, h in horizons.items()},
                    actual_year=float(actual[k]),
                    progress=tuple(
                        (float(y), float(g))
                        for y, g in zip(years[index + 1 :][later], gains[later], strict=True)
                    ),
                )
            )
    return tuple(out)


def _named(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    out = frame.copy()
    out.attrs = dict(frame.attrs) | {"series": name}
    return out


@functools.cache
def _cached_cases(name: str) -> tuple[CalibrationCase, ...]:
    frame, _ = _series_frame(name)
    records = cached(name, frame, lambda: [asdict(case) for case in _cases(frame, name)])
    return tuple(
        CalibrationCase(**(record | {"progress": tuple(map(tuple, record["progress"]))}))
        for record in records
    )


def calibration_cases(series: pd.DataFrame | str) -> tuple[CalibrationCase, ...]:
    """Every rolling-origin backtest case of a series (cached per packaged series).

    Origins are the series' dates from the ``MIN_TRAIN_POINTS``-th on; targets are
    :data:`MULTIPLES` times the record at the origin.
    """
    if isinstance(series, str):
        return _cached_cases(series)
    frame, name = _series_frame(series)
    return _cases(frame, name)


# Series driven by the same machines share their error history: the TOP500 #500 and sum
# slowed down years before the #1 did, so pooling lets a forecaster see a regime change as
# soon as any of them shows it; the HPCG #1 runs on the same machines but has only 12 years
# of lists. Efficiency and accelerator series have too short a history of their own
# (10-20 yearly points) and add the TOP500 family's errors to theirs. Choices; the calibration figures
# in the docs are with this pooling.
_TOP500_FAMILY = ("top500-rank1", "top500-rank500", "top500-sum", "hpcg-rank1")


def _family(series: str) -> tuple[str, ...]:
    """The series whose backtest errors calibrate ``series`` (see the note above)."""
    if series == ML_TRAINING_SERIES:  # a long record of its own, growing 4-5x a year
        return (series,)
    return _TOP500_FAMILY if series in _TOP500_FAMILY else (series, *_TOP500_FAMILY)


def pooled_cases(series: pd.DataFrame | str) -> tuple[CalibrationCase, ...]:
    """The backtest cases whose errors calibrate ``series``: its own and its family's."""
    if not isinstance(series, str):
        return calibration_cases(series)
    family = _family(series) if series in _known_series() else (series,)
    return tuple(case for name in family for case in calibration_cases(name))


def _known_series() -> set[str]:
    from brainflops.data.datasets import list_series  # noqa: PLC0415 - only when pooling

    return {*list_series(precisions=True), ML_TRAINING_SERIES}


def _known(cases: tuple[CalibrationCase, ...], at: float) -> list[CalibrationCase]:
    """The cases a forecaster at ``at`` can learn from: those made before it.

    Their errors are taken as known at ``at`` (:meth:`CalibrationCase.log_error`): exact
    when the target was reached by then, a censored lower bound when the forecast date has
    passed without it, unknown otherwise.
    """
    return [c for c in cases if c.origin < at - _EPS]


def _bandwidth(errors: FloatArray) -> float:
    """Silverman's rule-of-thumb bandwidth (Silverman 1986, eq. 3.31), floored at 0.05."""
    spread = min(np.std(errors, ddof=1), (np.subtract(*np.percentile(errors, [75, 25]))) / 1.34)
    return max(0.9 * spread * errors.size ** (-0.2), 0.05)


def _loo_log_density(errors: FloatArray, bandwidth: float) -> FloatArray:
    """Leave-one-out Gaussian kernel log density of each error under the others."""
    diff = (errors[:, None] - errors[None, :]) / bandwidth
    log_kernel = -0.5 * diff**2 - math.log(bandwidth * math.sqrt(2.0 * math.pi))
    np.fill_diagonal(log_kernel, -np.inf)
    return np.asarray(special.logsumexp(log_kernel, axis=1) - math.log(errors.size - 1))


def _stacking_weights(log_densities: FloatArray) -> FloatArray:
    """Weights on the simplex maximising ``sum_k log sum_m w_m p_m(k)`` (Yao et al. 2018).

    With the member densities fixed this is the mixing-weight problem of a finite mixture,
    solved by its EM fixed point ``w_m <- mean_k w_m p_m(k) / sum_j w_j p_j(k)`` (Dempster,
    Laird & Rubin 1977), which never decreases the objective and stays on the simplex.
    """
    # Densities scaled per case (the scale cancels in the update): plain matrix products.
    dens = np.exp(log_densities - log_densities.max(axis=1, keepdims=True))
    weights = np.full(dens.shape[1], 1.0 / dens.shape[1])
    for _ in range(_EM_STEPS):
        mixture = dens @ weights
        updated = weights * np.mean(dens / mixture[:, None], axis=0)
        converged = np.max(np.abs(updated - weights)) < _EM_TOL
        weights = updated
        if converged:
            break
    return np.asarray(weights / weights.sum(), dtype=np.float64)


_EM_STEPS = 500  # iterations of the weight fixed point (it converges in tens)
_EM_TOL = 1e-6  # weight change that counts as converged


@dataclass(frozen=True, eq=False)
class CalibratedTrend:
    """The stacked ensemble of member trends with empirical horizon errors.

    Attributes
    ----------
    unit:
        Unit of the series.
    last_year:
        The forecast origin (the last data point).
    members:
        The fitted member trends.
    weights:
        Stacking weight of each member.
    errors:
        Each member's known out-of-sample log-ratio errors.
    bandwidths:
        Each member's kernel bandwidth (log-ratio units).
    n_cases:
        Number of known backtest cases used.
    """

    model: ClassVar[str] = "calibrated"
    unit: str
    last_year: float
    members: dict[str, TrendModel] = field(repr=False)
    weights: dict[str, float]
    errors: dict[str, FloatArray] = field(repr=False)
    bandwidths: dict[str, float] = field(repr=False)
    recency: dict[str, FloatArray] = field(repr=False)
    n_cases: int
    series: str = "custom"
    spread: float = 1.0  # ACI widening of the errors (:mod:`.adaptive`); 1: as observed

    def _horizons(self, log10_targets: FloatArray) -> dict[str, FloatArray]:
        return {
            m: np.maximum(
                self.members[m].crossing_year_log10(log10_targets) - self.last_year, _H_MIN
            )
            for m in self.weights
        }

    def crossing_year_samples_log10(
        self, log10_target: ArrayLike, n: int, rng: RngLike = None
    ) -> FloatArray:
        """Crossing years under ``n`` ensemble draws (member, past error, kernel jitter).

        ``log10_target`` is a scalar or ``n`` values; draw ``i`` crosses target ``i``. The
        draws depend only on ``n`` and the generator, so a higher target is never crossed
        earlier under the same generator.
        """
        n = _check_n(n)
        targets = np.broadcast_to(_check_log10(log10_target), (n,))
        gen = as_generator(rng)
        names = list(self.weights)
        choice = gen.choice(len(names), size=n, p=np.array([self.weights[m] for m in names]))
        uniforms, jitter = gen.random(n), gen.standard_normal(n)
        horizons = self._horizons(targets)
        out = np.empty(n)
        for index, member in enumerate(names):
            rows = choice == index
            errors = self.errors[member]
            cumulative = np.cumsum(self.recency[member])
            index_of = np.searchsorted(cumulative, uniforms[rows] * cumulative[-1], side="right")
            picked = errors[np.minimum(index_of, errors.size - 1)]
            # The ACI widening acts around the errors' (recency-weighted) median.
            center = _weighted_median(errors, self.recency[member])
            log_error = center + self.spread * (
                picked + self.bandwidths[member] * jitter[rows] - center
            )
            with np.errstate(over="ignore"):
                out[rows] = self.last_year + horizons[member][rows] * np.exp(log_error)
        return out

    def crossing_year_samples(self, target: ArrayLike, n: int, rng: RngLike = None) -> FloatArray:
        """Crossing years of ``target`` (series unit) under ``n`` ensemble draws."""
        return self.crossing_year_samples_log10(np.log10(np.asarray(target, dtype=float)), n, rng)

    def crossing_year_log10(self, log10_target: ArrayLike) -> FloatArray:
        """Median crossing year of each target (4001 draws with a fixed seed)."""
        targets = np.atleast_1d(_check_log10(log10_target))
        medians = [
            float(np.median(self.crossing_year_samples_log10(t, _POINT_DRAWS, 0))) for t in targets
        ]
        return np.asarray(medians).reshape(np.shape(log10_target))

    def crossing_year(self, target: float) -> float:
        """Median crossing year of ``target`` (series unit)."""
        return float(self.crossing_year_log10(math.log10(target)))

    def log10_value(self, year: ArrayLike) -> FloatArray:
        """The weighted mean of the members' curves (for display only)."""
        return np.asarray(
            sum(w * self.members[m].log10_value(year) for m, w in self.weights.items()),
            dtype=np.float64,
        )

    @property
    def doubling_time_years(self) -> float:
        """Weighted harmonic mean of the members' doubling times (a weighted mean growth)."""
        growth = sum(
            w * LOG10_2 / self.members[m].doubling_time_years for m, w in self.weights.items()
        )
        return LOG10_2 / growth if growth > 0 else math.inf

    @property
    def doubling_time_interval(self) -> tuple[float, float] | None:
        """No single doubling time: the interval lives in the crossing-year draws."""
        return None

    def never_reasons(self, log10_target: float) -> dict[str, str]:
        """Why members never reach ``log10_target`` (``{member: reason}``, empty if all do)."""
        reasons = {}
        for member in self.weights:
            trend = self.members[member]
            if math.isfinite(float(trend.crossing_year_log10(log10_target))):
                continue
            ceiling = getattr(trend, "ceiling_log10", None)
            reasons[member] = (
                f"its ceiling 10^{ceiling:.2f} {self.unit} is below the target"
                if ceiling is not None
                else f"it does not grow (doubling time {trend.doubling_time_years:g} years)"
            )
        return reasons

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary: members, weights, error counts and spreads.

        A ``doubling_time_years`` of ``null`` is unbounded: that trend does not grow.
        """
        return {
            "model": self.model,
            "unit": self.unit,
            "series": self.series,
            "method": "stacking of predictive distributions (Yao et al. 2018) with empirical "
            "out-of-sample horizon errors (Williams & Goodman 1971), widened by adaptive "
            "conformal inference (Gibbs & Candes 2021)",
            "spread": self.spread,
            "last_year": self.last_year,
            "n_cases": self.n_cases,
            "doubling_time_years": never_as_null(self.doubling_time_years),
            "members": {
                m: {
                    "weight": w,
                    "n_errors": int(self.errors[m].size),
                    "median_log_error": float(np.median(self.errors[m])),
                    "doubling_time_years": never_as_null(self.members[m].doubling_time_years),
                }
                for m, w in self.weights.items()
            },
        }


def _weighted_median(values: FloatArray, weights: FloatArray) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    at = int(np.searchsorted(cumulative, 0.5 * cumulative[-1]))
    return float(values[order][min(at, values.size - 1)])


_POINT_DRAWS = 4001  # draws behind a median crossing year; Monte Carlo error ~0.05 horizon


def _member_errors(
    cases: list[CalibrationCase], member: str, at: float
) -> tuple[list[CalibrationCase], FloatArray, FloatArray]:
    """The cases with a known error of ``member`` at ``at``, the errors, recency weights."""
    scored = [c for c in cases if member in c.horizons and math.isfinite(c.log_error(member, at))]
    values = np.array([c.log_error(member, at) for c in scored])
    weight = 0.5 ** (np.array([at - c.known_at(at) for c in scored]) / HALF_LIFE_YEARS)
    return scored, values, weight / weight.sum() if weight.size else weight


def calibrate_members(
    cases: list[CalibrationCase], available: set[str], at: float
) -> tuple[dict[str, float], dict[str, FloatArray], dict[str, float], dict[str, FloatArray]]:
    """Stacking weights, known errors, bandwidths and recency weights of the members.

    Members with fewer than :data:`MIN_KNOWN_CASES` known errors are left out.

    Raises
    ------
    InvalidValueError
        When no member has enough known errors.
    """
    known = {m: _member_errors(cases, m, at) for m in MEMBERS if m in available}
    known = {m: k for m, k in known.items() if k[1].size >= MIN_KNOWN_CASES}
    if not known:
        raise InvalidValueError(
            name="series",
            reason=f"fewer than {MIN_KNOWN_CASES} backtests have been resolved; the "
            "calibrated ensemble needs a longer history (choose --model)",
        )
    bandwidths = {m: _bandwidth(values) for m, (_, values, _) in known.items()}
    # Stacking scores every member on the same cases: those all of them have an error for.
    loo = {
        m: dict(zip(map(id, scored), _loo_log_density(values, bandwidths[m]), strict=True))
        for m, (scored, values, _) in known.items()
    }
    shared = [c for c in cases if all(id(c) in loo[m] for m in known)]
    weights = (
        _stacking_weights(np.array([[loo[m][id(c)] for m in known] for c in shared]))
        if len(shared) >= MIN_KNOWN_CASES
        else np.full(len(known), 1.0 / len(known))
    )
    named = dict(zip(known, (float(w) for w in weights), strict=True))
    # Empirical intervals (Williams & Goodman 1971): the errors themselves, bias included,
    # so a history of late arrivals moves the median later as well as widening the interval.
    errors = {m: values for m, (_, values, _) in known.items()}
    recency = {m: weight for m, (_, _, weight) in known.items()}
    return named, errors, bandwidths, recency
