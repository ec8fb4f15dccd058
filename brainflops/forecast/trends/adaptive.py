"""Adaptive conformal widening: the ensemble's interval scaled by its own running record.

The calibrated ensemble draws from past out-of-sample errors, but after a regime change
(the TOP500 slowdowns from 2008 and 2013) those errors are too small and the forecasts
miss. Adaptive conformal inference (ACI; Gibbs & Candès 2021, "Adaptive conformal inference
under distribution shift", NeurIPS 34) corrects a forecaster online: after each scored
forecast it moves the quantity that sets the interval by ``gamma (err_t - alpha)``, where
``err_t`` is 1 for a miss and 0 for a hit, so misses widen the interval until they stop
and hits narrow it. Gibbs & Candès move the miscoverage level; here the step moves the
logarithm of a widening factor of the ensemble's errors, the scale form of the same update
(online quantile tracking; Angelopoulos, Candès & Tibshirani 2023, "Conformal PID control
for time series prediction", NeurIPS 36), which keeps the draws a distribution:

    log s <- max(log s + ETA (err - alpha), 0),     s capped at MAX_SCALE.

Feedback is delayed: a forecast made at ``t`` is scored once its target is reached (hit or
miss), or as a miss as soon as its upper bound has passed without the target, or as a miss
as soon as the pace the series has kept since ``t`` (at least :data:`INTERIM_MIN_YEARS`
of it) puts the target outside the interval (:func:`pace_arrival`). A 100x target takes
6-15 years to be reached, so without that last rule a slowdown widened nothing until the
forecasts made during it were already scored. Updates are applied in the order the scores
became known, and only scores known at the forecast origin count (strictly out of
sample); a pace-based miss is re-judged at every date, so it is withdrawn when the series
catches up. The floor at 1 keeps the interval at least as wide
as the observed errors; the cap bounds the width. Both, and ``ETA``, are choices; with them
the long-run guarantee of ACI no longer holds exactly (it needs unbounded widths).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import fmean

__all__ = [
    "ETA",
    "INTERIM_MIN_YEARS",
    "MAX_SCALE",
    "ScoredInterval",
    "adaptive_scale",
    "pace_arrival",
]

ETA = 0.7  # step of the log scale (a choice: two misses in a row reach the cap)
MAX_SCALE = 3.0  # widest: three times the observed error spread (bounds the width)
# Years after an origin before the progress towards its target counts as evidence of the
# pace (a choice, set before any scoring: the #1 staircase takes a step every 1-3 years).
INTERIM_MIN_YEARS = 2.0

Progress = tuple[tuple[float, float], ...]  # (date, decades gained since the origin)


def pace_arrival(origin: float, decades: float, progress: Progress, at: float) -> float:
    """The year a target ``decades`` above the origin's record is reached at the pace so far.

    After ``elapsed = at - origin`` years the series has gained ``p`` decades (the last
    ``progress`` entry dated ``<= at``); at that pace the target takes
    ``elapsed * decades / p`` years. ``nan`` before :data:`INTERIM_MIN_YEARS` (one list's
    noise, or the wait for the next #1 machine, is not a pace) or without progress data;
    ``inf`` when nothing was gained.

    Examples
    --------
    >>> pace_arrival(2000.0, 1.0, ((2001.0, 0.1), (2003.0, 0.5)), 2003.0)  # 3 years, half
    2006.0
    """
    elapsed = at - origin
    seen = [gain for year, gain in progress if year <= at + 1e-9]
    if elapsed < INTERIM_MIN_YEARS or not seen:
        return math.nan
    return origin + elapsed * decades / seen[-1] if seen[-1] > 0 else math.inf


@dataclass(frozen=True)
class ScoredInterval:
    """A past interval forecast: when it was made, its bounds and the year it came true.

    ``decades`` (the target's height above the record at the origin, log10) and
    ``progress`` let a miss be seen from the pace before the target is reached.
    """

    origin: float
    low: float
    high: float
    actual_year: float  # inf while the target is not reached
    decades: float = math.nan
    progress: Progress = ()


def _error_known(item: ScoredInterval, at: float) -> tuple[float, float] | None:
    """``(date known, 1 for a miss or 0 for a hit)`` as known at ``at``; ``None`` if open.

    An open forecast whose target the pace so far (:func:`pace_arrival`) puts outside its
    interval counts as a miss from the last list seen; it counts as a hit only once its
    target is reached inside the interval.
    """
    if item.high < min(item.actual_year, at):  # overdue: a miss from the moment it was
        return item.high, 1.0
    if item.actual_year <= at:
        return item.actual_year, 0.0 if item.low <= item.actual_year else 1.0
    arrival = pace_arrival(item.origin, item.decades, item.progress, at)
    if not item.low <= arrival <= item.high and not math.isnan(arrival):
        return max(year for year, _ in item.progress if year <= at + 1e-9), 1.0
    return None


def adaptive_scale(
    past: Iterable[ScoredInterval],
    at: float,
    alpha: float,
    eta: float = ETA,
    cap: float = MAX_SCALE,
) -> float:
    """The widening factor at ``at`` after the forecasts made and scored before it.

    ``eta`` and ``cap`` default to the shipped setting; other values serve the
    out-of-sample check of that setting (``benchmarks/bench_calibration_step.py``).

    Examples
    --------
    >>> hit = ScoredInterval(2000.0, 2001.0, 2005.0, 2003.0)
    >>> miss = ScoredInterval(2000.0, 2001.0, 2005.0, 2009.0)
    >>> adaptive_scale([hit, miss], 2004.0, 0.1)  # the miss is not known yet
    1.0
    >>> round(adaptive_scale([hit, miss], 2006.0, 0.1), 3)  # overdue: exp(0.7 * 0.9)
    1.878
    """
    events = [
        known
        for item in past
        if item.origin < at and (known := _error_known(item, at)) is not None
    ]
    # Forecasts scored on one date were scored by one list (or one overdue date): they are
    # one observation, so their misses count as their mean, not one step each.
    by_date: dict[float, list[float]] = {}
    for when, err in events:
        by_date.setdefault(when, []).append(err)
    log_scale = 0.0
    for when in sorted(by_date):  # in the order the scores became known
        log_scale = max(log_scale + eta * (fmean(by_date[when]) - alpha), 0.0)
    return float(min(math.exp(log_scale), cap))
