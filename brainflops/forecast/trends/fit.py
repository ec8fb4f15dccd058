"""Fitting the trend models to a series, and choosing one by name.

Factories: :func:`fit_exponential`, :func:`fit_piecewise`, :func:`fit_logistic` (fitted to a
series), :func:`doubling` (a user-stated doubling time) and :func:`fit_model` (by name).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from brainflops.core.errors import InvalidValueError, UnknownNameError
from brainflops.data.datasets import decimal_year
from brainflops.forecast.trends.base import TrendModel
from brainflops.forecast.trends.models import (
    _ROUNDINGS,
    DoublingTrend,
    ExponentialTrend,
    LogisticTrend,
    PiecewiseTrend,
    Rounding,
    _pw_design,
    _pw_params,
    _sqrt_psd,
)
from brainflops.forecast.trends.series import (
    _MIN_POINTS,
    CONFIDENCE,
    LN10,
    FloatArray,
    YearLike,
    _log10_target,
    _prepare,
    parse_value,
    parse_year,
)

__all__ = ["MODELS", "doubling", "fit_exponential", "fit_logistic", "fit_model", "fit_piecewise"]

MODELS = ("exponential", "piecewise", "logistic")
_RSS_TIE_REL = 1e-9  # relative RSS difference treated as a tie (rounding noise)


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
    line = stats.linregress(years - pivot, logs)
    rss = float(np.sum((logs - line.intercept - line.slope * (years - pivot)) ** 2))
    dof = years.size - 2
    # Centred on the mean year, level and slope are uncorrelated: the covariance is diagonal.
    cov = np.diag([line.intercept_stderr**2, line.stderr**2])
    return ExponentialTrend(
        unit=unit,
        pivot=pivot,
        level=float(line.intercept),
        slope=float(line.slope),
        cov=cov,
        dof=float(dof),
        residual_sd=math.sqrt(rss / dof) if dof > 0 else 0.0,
        fit=info,
    )


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
    grid = _breakpoint_grid(years, breakpoint, _GRID_STEP_YEARS)
    dof = years.size - (3 if continuous else 4)
    betas, covs, rss, logdets = _grid_fits(years, logs, grid, continuous)
    best_rss = float(rss.min())
    # Flat regions (a discontinuous fit only changes when a point changes side) tie: take
    # the middle of the tied grid points.
    tied = np.flatnonzero(rss <= best_rss * (1.0 + _RSS_TIE_REL) + np.finfo(float).tiny)
    best = int(tied[len(tied) // 2])
    interval: tuple[float, float] | None = None
    weights = np.ones(1)
    if breakpoint is None:
        inside = grid[years.size * np.log(rss / best_rss) <= _CHI2_1_95]
        interval = (float(inside.min()), float(inside.max()))
        # Marginal posterior of the breakpoint under flat priors.
        log_w = -0.5 * logdets - 0.5 * dof * np.log(rss)
        weights = np.exp(log_w - log_w.max())
        weights /= weights.sum()
    a1, b1, a2, b2 = (float(v) for v in _pw_params(betas[best], continuous))
    return PiecewiseTrend(
        unit=unit,
        breakpoint=float(grid[best]),
        continuous=continuous,
        a1=a1,
        b1=b1,
        a2=a2,
        b2=b2,
        cov=covs[best],
        dof=float(dof),
        breakpoint_interval=interval,
        residual_sd=math.sqrt(float(rss[best]) / dof) if dof > 0 else 0.0,
        fit=info,
        grid=grid,
        grid_weights=weights,
        grid_beta=betas,
        grid_root=_sqrt_psd(covs),
    )


def _breakpoint_grid(years: FloatArray, breakpoint: float | str | None, step: float) -> FloatArray:
    """The given breakpoint, or the search grid leaving at least 3 points on each side."""
    n = years.size
    if breakpoint is not None:
        parsed = parse_year(breakpoint, "breakpoint")
        c = decimal_year(parsed) if isinstance(parsed, str) else float(parsed)
        left = int(np.sum(years < c))
        if min(left, n - left) < _MIN_POINTS:
            raise InvalidValueError(
                name="breakpoint",
                reason=f"{c:g} leaves {left} point(s) before and {n - left} after it; "
                f"each segment needs at least {_MIN_POINTS}",
            )
        return np.array([c])
    if n < 2 * _MIN_POINTS:
        raise InvalidValueError(
            name="window",
            reason=f"{n} points; estimating a breakpoint needs at least {2 * _MIN_POINTS}",
        )
    lo, hi = years[_MIN_POINTS - 1], years[n - _MIN_POINTS]
    candidates = np.linspace(lo, hi, max(math.ceil((hi - lo) / step), 1) + 1)
    left = np.sum(years[None, :] < candidates[:, None], axis=1)
    grid = candidates[np.minimum(left, n - left) >= _MIN_POINTS]
    if grid.size == 0:
        raise InvalidValueError(name="window", reason="no breakpoint leaves 3 points a side")
    return grid


def _grid_fits(
    years: FloatArray, logs: FloatArray, grid: FloatArray, continuous: bool
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Least squares at every breakpoint at once: coefficients, covariances, RSS, log|XᵀX|.

    Batched normal equations (a handful of columns, each segment with at least 3 points, so
    ``XᵀX`` is well conditioned): one call for the whole grid instead of a thousand fits.
    """
    x = _pw_design(years, grid, continuous)
    xtx = np.einsum("gni,gnj->gij", x, x)
    beta = np.linalg.solve(xtx, np.einsum("gni,n->gi", x, logs)[..., None])[..., 0]
    resid = logs[None, :] - np.einsum("gni,gi->gn", x, beta)
    rss = np.maximum(np.sum(resid**2, axis=1), np.finfo(float).tiny)
    dof = years.size - x.shape[2]
    sigma2 = rss / dof if dof > 0 else np.zeros_like(rss)
    covs = sigma2[:, None, None] * np.linalg.inv(xtx)
    return beta, covs, rss, np.linalg.slogdet(xtx)[1]


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


def doubling(  # noqa: PLR0913 - the stated doubling's keyword-only options
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


_MODEL_OPTIONS = {"breakpoint": "piecewise", "continuous": "piecewise", "ceiling": "logistic"}


def fit_model(
    model: str,
    df: pd.DataFrame | str,
    start: YearLike,
    end: YearLike,
    **options: Any,
) -> TrendModel:
    """Fit one of :data:`MODELS` by name (``ceiling`` is required for ``"logistic"``).

    ``options``: ``breakpoint`` and ``continuous`` apply to ``"piecewise"`` only and
    ``ceiling`` to ``"logistic"`` only; giving them with another model (other than at their
    defaults, ``None`` and ``continuous=True``) raises rather than being ignored.
    """
    unknown = sorted(set(options) - set(_MODEL_OPTIONS))
    if unknown:
        raise InvalidValueError(name="options", reason=f"unknown fit options {unknown}")
    breakpoint = options.get("breakpoint")
    ceiling = options.get("ceiling")
    continuous = bool(options.get("continuous", True))
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
