"""Figures for trends and timelines (matplotlib, Agg canvas, no pyplot state).

* :func:`trend_figure` / :func:`plot_trend`: a series on a log axis with fitted trends and
  their 95 % bands, backtest predictions and horizontal bands for brain estimates.
* :func:`parity_cdf_figure` / :func:`plot_parity_cdf`: cumulative distribution of parity
  years, one curve per result.
* :func:`calibration_figure` / :func:`plot_calibration`: stated versus achieved coverage of
  backtested interval forecasts.
* :func:`limits_figure`: brain estimates against physical limits (the CMOS energy limit at
  a power budget, Landauer's bound on bit erasures).

The ``plot_*`` functions render SVG, PNG or PDF bytes in memory (by the file suffix) and
write them with :func:`brainflops.outputs.plots.style.save`, so an interrupted run never
leaves a partial file.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from brainflops.core import fmt
from brainflops.data.datasets import (
    load_series,
    series_citations,
    series_description,
    series_sources,
    value_column,
    value_unit,
)
from brainflops.forecast.timeline import ParityResult, format_year
from brainflops.forecast.trends import (
    CONFIDENCE,
    BacktestResult,
    CalibrationReport,
    TrendModel,
    ceiling_from_limit,
    coverage_interval,
    landauer_bit_erasures_per_second,
)
from brainflops.outputs.plots import style
from brainflops.uncertainty.samples import Samples

__all__ = [
    "BrainBand",
    "calibration_figure",
    "limits_figure",
    "parity_cdf_figure",
    "plot_calibration",
    "plot_parity_cdf",
    "plot_trend",
    "trend_figure",
]

BrainBand = tuple[str, float, float]  # (label, low, high) in the series' unit
_LOG10_MAX = 300.0  # clip curves to 1e±300 before exponentiating for the log axis
_BAND_DRAWS = 1000  # parameter draws per trend band
_HORIZON_YEARS = 100.0  # the x axis never extends more than this past the data


def _pow10(log10_values: np.ndarray) -> np.ndarray:
    return np.power(10.0, np.clip(log10_values, -_LOG10_MAX, _LOG10_MAX))


def _x_end(last: float, backtests: Sequence[BacktestResult], until: float | None) -> float:
    if until is not None:
        return max(float(until), last + 1.0)  # never cut off data already observed
    end = last + 10.0
    for result in backtests:
        for year in (result.predicted_year, result.predicted_interval[1]):
            if math.isfinite(year):
                end = max(end, year + 1.0)
    return min(end, last + _HORIZON_YEARS)


def _forecaster(model: str) -> str:
    """A backtest's model in words ("calibrated ensemble", "exponential fit")."""
    return "calibrated ensemble" if model == "calibrated" else f"{model} fit"


def trend_figure(  # noqa: PLR0913 - keyword-only figure options
    df: pd.DataFrame | str,
    trends: Mapping[str, TrendModel] | Sequence[TrendModel] = (),
    *,
    backtests: Sequence[BacktestResult] = (),
    brain_bands: Sequence[BrainBand] = (),
    title: str | None = None,
    until: float | None = None,
    seed: int = 0,
) -> Figure:
    """Plot a series with fitted trends, backtests and brain-estimate bands.

    Parameters
    ----------
    df:
        Series name or DataFrame (``year`` and ``value [UNIT]`` columns).
    trends:
        Trends to draw, as ``{label: trend}`` or a sequence (labelled by model name). Each
        is drawn from the start of its fit (or its baseline) on: solid over the fitted
        data, dashed where it extrapolates, with its 95 % band from parameter draws.
    backtests:
        Backtest results: the predicted year (with the interval of the backtest's model,
        95 % for a fit, 90 % for the calibrated ensemble) and the actual year are marked at
        the target's height, labelled with the model that made the forecast.
    brain_bands:
        ``(label, low, high)`` horizontal bands in the series' unit.
    title:
        Figure title (default: the series name).
    until:
        Last year on the x axis (default: 10 years past the data, extended to show the
        backtests, capped at 100 years past the data).
    seed:
        Seed of the parameter draws for the bands.
    """
    frame = load_series(df) if isinstance(df, str) else df
    column = value_column(frame)
    unit = value_unit(frame)
    named = dict(trends) if isinstance(trends, Mapping) else {t.model: t for t in trends}
    years = frame["year"].to_numpy(dtype=float)
    first, last = float(years.min()), float(years.max())
    end = _x_end(last, backtests, until)

    series = str(frame.attrs.get("series", ""))
    description = series_description(series) if series else "data"
    fig, (ax,) = style.new_figure(
        title or description[:1].upper() + description[1:],
        f"{len(frame):,} data points {first:.0f}-{last:.0f}"
        + (
            f"; fitted trends solid over their data, dashed beyond, with {CONFIDENCE:.0%} bands"
            if named
            else ""
        )
        + ("; diamonds: backtest forecasts with their intervals" if backtests else ""),
        width=8.0,
        height=5.0,
    )
    ax.set_yscale("log")
    for label, low, high in brain_bands:
        if high > low:
            ax.axhspan(low, high, color=style.color(4), alpha=0.12, lw=0)
        else:  # a figure without a range is a line, not an invisible band
            ax.axhline(low, color=style.color(4), ls="--", lw=1)
        ax.text(
            end,
            math.sqrt(low * high),
            f"{label} ",
            ha="right",
            va="center",
            fontsize=8,
            color=style.color(4),
            zorder=6,  # above the trend curves, on a backing that keeps it readable
            bbox={"facecolor": "white", "alpha": 0.85, "linewidth": 0, "pad": 1.5},
        )
    ax.scatter(years, frame[column], s=12, color="#222222", zorder=3, label="data")
    rng = np.random.default_rng(seed)
    for index, (label, trend) in enumerate(named.items()):
        colour = style.color(index)
        fit = getattr(trend, "fit", None)
        begin = fit.first_year if fit is not None else getattr(trend, "baseline_year", first)
        fitted_end = fit.last_year if fit is not None else begin
        grid = np.linspace(min(begin, end), end, 400)
        curve = _pow10(trend.log10_value(grid))
        inside = grid <= fitted_end
        ax.plot(grid[inside], curve[inside], color=colour, label=label)
        ax.plot(grid[~inside], curve[~inside], color=colour, linestyle="--")
        draws = trend.sample_log10_values(grid, _BAND_DRAWS, rng)
        lo, hi = np.quantile(draws, [0.5 - CONFIDENCE / 2, 0.5 + CONFIDENCE / 2], axis=0)
        ax.fill_between(grid, _pow10(lo), _pow10(hi), color=colour, alpha=0.2, linewidth=0)
    for result in backtests:
        lo, hi = result.predicted_interval
        if math.isfinite(result.predicted_year):
            left = max(result.predicted_year - lo, 0.0) if math.isfinite(lo) else 0.0
            right = max(hi - result.predicted_year, 0.0) if math.isfinite(hi) else 0.0
            ax.errorbar(
                [result.predicted_year],
                [result.target],
                xerr=np.array([[left], [right]]),
                fmt="D",
                color=style.color(1),
                capsize=3,
                zorder=4,
                label=f"{_forecaster(result.model)} forecast from data to "
                f"{result.last_train_date}, {result.confidence:.0%} interval",
            )
        if result.actual_year is not None:
            ax.scatter(
                [result.actual_year],
                [result.target],
                marker="*",
                s=140,
                color=style.color(3),
                edgecolors="#222222",
                zorder=5,
                label=f"reached {result.actual_date}",
            )
    ax.set_xlim(first - 1.0, end)
    style.year_axis(ax)
    style.log_axis(ax, "y", unit=unit, labels="si" if unit == "FLOP/s" else "power")
    ax.set_ylabel(unit)
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    citation = series_citations().get(series, "")
    return style.finish(
        fig,
        source=series_sources().get(series, "") if series else "",
        credit=style.EPOCH_CREDIT if citation.startswith("epoch") else "",
    )


def plot_trend(
    path: str | os.PathLike[str],
    df: pd.DataFrame | str,
    trends: Mapping[str, TrendModel] | Sequence[TrendModel] = (),
    *,
    overwrite: bool = False,
    **figure_options: Any,
) -> Path:
    """Render :func:`trend_figure` (``figure_options`` are its keyword arguments) to ``path``.

    Written atomically, as SVG, PNG or PDF by the suffix.
    """
    fig = trend_figure(df, trends, **figure_options)
    return style.save(fig, path, overwrite=overwrite)


def parity_cdf_figure(
    results: Mapping[str, ParityResult] | Sequence[ParityResult],
    *,
    title: str | None = None,
) -> Figure:
    """Plot the cumulative distribution of parity years of one or more results.

    Curves stop below 1 by the share of samples that never reach parity. Parity years
    outside the plotted range (e.g. already reached on the trend) are drawn at its edge.
    """
    named = (
        dict(results) if isinstance(results, Mapping) else {r.criterion.name: r for r in results}
    )
    fig, (ax,) = style.new_figure(
        title or "When does hardware match the brain estimate?",
        "Share of Monte Carlo draws in which the hardware trend has reached the estimate "
        "by each year; dotted: medians",
        width=8.0,
        height=5.0,
    )
    finite = [r.samples[np.isfinite(r.samples)] for r in named.values()]
    finite_all = np.concatenate(finite) if finite else np.zeros(0)
    if finite_all.size:
        lo, hi = (float(v) for v in np.quantile(finite_all, [0.005, 0.995]))
        lo, hi = lo - 1.0, hi + 1.0
    else:
        lo, hi = 2000.0, 2100.0  # an empty plot still needs an axis
    for index, (label, result) in enumerate(named.items()):
        ordered = np.sort(result.samples)
        reached = ordered[~np.isposinf(ordered)]  # -inf (always above) is clipped to the edge
        xs = np.clip(reached, lo, hi)
        ys = np.arange(1, reached.size + 1) / ordered.size
        top = float(ys[-1]) if ys.size else 0.0
        ax.step(
            np.concatenate([[lo], xs, [hi]]),
            np.concatenate([[0.0], ys, [top]]),
            where="post",
            color=style.color(index),
            label=f"{label}: median {format_year(result.median_year, 1)}, "
            f"never {fmt.share(result.never_fraction)}",
        )
        if math.isfinite(result.median_year):
            ax.axvline(result.median_year, color=style.color(index), linestyle=":", alpha=0.6)
    ax.set_xlim(lo, hi)
    ax.set_ylim(0.0, 1.02)
    style.year_axis(ax)
    ax.set_ylabel("probability of parity by year")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.share(v)))
    ax.legend(fontsize=8, loc="lower right", frameon=False)
    return style.finish(fig, source="brainflops timeline (Monte Carlo over estimate and trend)")


def plot_parity_cdf(
    path: str | os.PathLike[str],
    results: Mapping[str, ParityResult] | Sequence[ParityResult],
    *,
    overwrite: bool = False,
    title: str | None = None,
) -> Path:
    """Render :func:`parity_cdf_figure` and write it to ``path`` atomically (SVG, PNG or PDF by suffix)."""
    fig = parity_cdf_figure(results, title=title)
    return style.save(fig, path, overwrite=overwrite)


def _series_title(name: str) -> str:
    """A series' short human name: its description up to the first comma ("TOP500 #1 system")."""
    return series_description(name).split(",")[0]


def calibration_figure(reports: Sequence[CalibrationReport]) -> Figure:
    """Stated versus achieved coverage of interval forecasts, one line per report and horizon.

    A calibrated forecaster lies on the diagonal; below it, intervals are too narrow. The
    legend gives the number of scored backtests behind each line and how many of them are
    independent windows; the whiskers are the 90% interval of each achieved coverage with
    that many independent trials (:func:`~brainflops.forecast.trends.coverage_interval`).
    """
    lines = sum(1 for report in reports for score in report.scores if score.n)
    models = sorted({report.model for report in reports})
    fig, (ax,) = style.new_figure(
        "Do the stated intervals cover what happened?",
        f"Rolling-origin backtests of the {', '.join(models)} model: share of actual "
        "crossing years inside the stated interval; each origin calibrated only on errors "
        "known before it; whiskers: 90% interval given the number of independent windows",
        width=7.0,
        height=4.8 + 0.2 * (lines + 1),  # room for the legend under the axes
    )
    ax.plot([0, 1], [0, 1], color=style.GREY, linestyle="--", linewidth=1, label="calibrated")
    index = 0
    for report in reports:
        for score in report.scores:
            if score.n == 0:
                continue
            stated = [float(c) for c in score.coverage_by_confidence]
            achieved = list(score.coverage_by_confidence.values())
            spans = np.array([coverage_interval(c, score.windows) for c in achieved]).T
            # Offset along x so the whiskers of several lines at one stated level stay apart.
            shift = 0.005 * (index - 0.5 * (lines - 1))
            ax.errorbar(
                np.array(stated) + shift,
                achieved,
                yerr=np.abs(spans - np.array(achieved)),
                marker="o",
                capsize=2.5,
                elinewidth=0.8,
                color=style.color(index),
                label=f"{_series_title(report.series).split(' (')[0]}, {score.horizon} "
                f"(n = {score.n}; {score.windows} independent)",
            )
            index += 1
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel("stated confidence")
    ax.set_ylabel("achieved coverage")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(FuncFormatter(lambda v, _: fmt.share(v)))
    # Below the axes: the whiskers fill most of the plot area.
    ax.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(0.0, -0.12), frameon=False)
    citations = series_citations()
    epoch = any(citations.get(r.series, "").startswith("epoch") for r in reports)
    return style.finish(
        fig,
        source="brainflops trends calibrate; TOP500.org, HPCG, Green500 lists",
        credit=style.EPOCH_CREDIT if epoch else "",
    )


def plot_calibration(
    path: str | os.PathLike[str],
    reports: Sequence[CalibrationReport],
    *,
    overwrite: bool = False,
) -> Path:
    """Render :func:`calibration_figure` and write it to ``path`` atomically."""
    return style.save(calibration_figure(reports), path, overwrite=overwrite)


def limits_figure(
    estimates: Mapping[str, Samples],
    *,
    brain_power: str = "20 W",
    machine_power: str = "20 MW",
) -> Figure:
    """Brain estimates (median and 90% interval) against physical limits, on one log axis.

    The limits are the CMOS energy-efficiency limit (:data:`CMOS_LIMIT_OPS_PER_JOULE`
    operations per joule) times ``brain_power`` and times ``machine_power``, and Landauer's
    bound on irreversible bit erasures per second at ``brain_power`` and body temperature
    (a count of erasures, not of FLOP: shown for scale).

    Parameters
    ----------
    estimates:
        ``{human label: samples}``, e.g. ``{model.title: model.sample(10_000)}``.
    brain_power, machine_power:
        Power budgets as quantities (``"20 W"``, ``"20 MW"``).
    """
    limits = [
        (f"CMOS energy limit at {machine_power}", ceiling_from_limit(machine_power)),
        (f"CMOS energy limit at {brain_power}", ceiling_from_limit(brain_power)),
        (
            f"Landauer bound at {brain_power}, 310 K (bit erasures/s)",
            landauer_bit_erasures_per_second(brain_power),
        ),
    ]
    rows = len(limits) + len(estimates)
    fig, (ax,) = style.new_figure(
        "Brain estimates against physical limits",
        "Bars: what a machine at the CMOS energy-efficiency limit (Ho, Erdil & Besiroglu "
        "2023) could compute at each power budget, and Landauer's bound on bit erasures. "
        "Dots: median of each estimate; whiskers: 90% interval",
        width=8.0,
        height=1.9 + 0.42 * rows,
    )
    y = np.arange(rows)[::-1]
    for index, (_, value) in enumerate(limits):
        ax.barh(y[index], value, color=style.LIGHT_GREY, height=0.55, zorder=2)
    points = []
    for offset, samples in enumerate(estimates.values()):
        p5, p50, p95 = _pow10(samples.percentile_log10(np.asarray([5.0, 50.0, 95.0])))
        row = y[len(limits) + offset]
        ax.plot([p5, p95], [row, row], color=style.color(0), lw=2, zorder=3)
        ax.plot([p50], [row], "o", color=style.color(0), zorder=4)
        points += [p5, p95]
    values = [value for _, value in limits] + points
    ax.set_xlim(min(values) / 30, max(values) * 30)
    style.log_axis(ax, "x", unit="FLOP/s")
    ax.set_yticks(y, [label for label, _ in limits] + list(estimates), fontsize=8)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("FLOP/s (the Landauer row: bit erasures per second)")
    return style.finish(
        fig, source="brainflops Monte Carlo; CMOS limit: arXiv:2312.08595; Landauer (1961)"
    )
