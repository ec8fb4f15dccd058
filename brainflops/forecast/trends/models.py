"""The four trend models: exponential, piecewise (broken) exponential, logistic, doubling.

Each is a frozen dataclass implementing :class:`~brainflops.forecast.trends.base.TrendModel`
on batches of parameters; the fits that build them live in
:mod:`brainflops.forecast.trends.fit`.

Parameter draws: least-squares fits report 95 % intervals from Student's t, and parameter draws come from
the multivariate t distribution with the fit's covariance and residual degrees of freedom
(the posterior of a Gaussian linear model under flat priors). The residuals of the TOP500
series are autocorrelated (the #1 system is a staircase), so these intervals are
optimistic; the calibrated ensemble (:mod:`brainflops.forecast.trends.ensemble`) replaces
them by intervals learned from out-of-sample errors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np

from brainflops.core.constants import Z90, Z95
from brainflops.forecast.trends.base import (
    TrendModel,
    _doubling_from_slope,
    _doubling_interval,
    _mvt_draws,
)
from brainflops.forecast.trends.series import (
    _LOG10_FLOAT_MAX,
    LN10,
    LOG10_2,
    FitInfo,
    FloatArray,
    _log10_target,
    never_as_null,
)
from brainflops.params.distributions import SplitLogNormal90

__all__ = ["DoublingTrend", "ExponentialTrend", "LogisticTrend", "PiecewiseTrend", "Rounding"]

_EXP_MAX = math.log(np.finfo(float).max)  # 709.78: math.exp overflows above this


def _sqrt_psd(cov: FloatArray) -> FloatArray:
    """Square roots ``S`` with ``S @ S.T == cov`` of (semi-)definite matrices (stacks too)."""
    vals, vecs = np.linalg.eigh(np.asarray(cov, dtype=float))
    return np.asarray(vecs * np.sqrt(np.clip(vals, 0.0, None))[..., None, :], dtype=np.float64)


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
        draws = _mvt_draws(mean, self.cov, self.dof, n, rng)
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


def _pw_design(years: FloatArray, c: FloatArray, continuous: bool) -> FloatArray:
    """Design matrices for breakpoints ``c`` (shape ``(G,)``): shape ``(G, n, k)``."""
    rel = years[None, :] - np.asarray(c, dtype=float).reshape(-1, 1)
    if continuous:
        columns = [np.ones_like(rel), np.minimum(rel, 0.0), np.maximum(rel, 0.0)]
    else:
        left = (rel < 0).astype(float)
        right = 1.0 - left
        columns = [left, left * rel, right, right * rel]
    return np.stack(columns, axis=-1)


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
            interval = (
                None
                if se == 0
                else [never_as_null(bound) for bound in _doubling_interval(slope, se, self.dof)]
            )
            out.append(
                {
                    "segment": segment,
                    "slope_decades_per_year": slope,
                    "slope_se": se,
                    "doubling_time_years": never_as_null(_doubling_from_slope(slope)),
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
        draws = _mvt_draws(np.array([self.rate, self.midpoint]), self.cov, self.dof, n, rng)
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
            "doubling_time_at_fit_end": None
            if end is None
            else never_as_null(self.doubling_time_at(end)),
            "residual_sd_log10": self.residual_sd,
            "dof": self.dof,
            "fit": None if self.fit is None else self.fit.to_dict(),
        }


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
            periods = np.exp(self._period_distribution().log_ppf_from_normal(z))
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

    def _period_distribution(self) -> SplitLogNormal90:
        """The two-piece log-normal of the doubling time, from its 95 % ``interval``.

        :class:`~brainflops.params.distributions.SplitLogNormal90` is parametrised by its 5th
        and 95th percentiles; the interval's ends are the 2.5th and 97.5th, so each half's
        log-distance is rescaled by ``Z90 / Z95`` (:mod:`brainflops.core.constants`).
        """
        assert self.interval is not None
        lo, hi = self.interval
        mid = self.doubling_years
        shrink = Z90 / Z95
        return SplitLogNormal90(
            lo=mid * (lo / mid) ** shrink, mid=mid, hi=mid * (hi / mid) ** shrink
        )

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
