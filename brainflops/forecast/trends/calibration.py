"""Calibration of trend forecasts: stated versus achieved coverage, by horizon.

:func:`calibrate` replays the rolling-origin backtests of
:func:`~brainflops.forecast.trends.ensemble.calibration_cases` (an origin at every list date
from the 8th on; targets 10x and 100x the record at the origin) and scores each forecast whose
target has since been reached: was the actual year inside the stated interval, how far was
the median, how wide was the interval.

For the calibrated ensemble each origin uses only the backtests *resolved before it*
(strictly out-of-sample: the weights and errors a forecaster could have had then); origins
with too few resolved backtests are skipped and counted. For a single model the interval is
the fit's own parameter uncertainty (Student-t draws), the method the ensemble replaces.

Forecasts whose target is not reached yet cannot be scored; they are counted as
``unresolved``. Dropping them favours forecasts that came true early, so the achieved
coverage of the latest origins is optimistic; the count says how many were dropped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from brainflops.core.errors import InvalidValueError, UnknownNameError
from brainflops.forecast.trends.ensemble import (
    MULTIPLES,
    CalibratedTrend,
    CalibrationCase,
    _known,
    _series_frame,
    calibrate_members,
    calibration_cases,
    pooled_cases,
)
from brainflops.forecast.trends.fit import MODELS, fit_model
from brainflops.forecast.trends.series import FloatArray, sample_quantiles

__all__ = ["DEFAULT_CONFIDENCE", "CalibrationReport", "HorizonScore", "calibrate"]

DEFAULT_CONFIDENCE = 0.9  # the 5-95 % interval every timeline reports
CURVE_CONFIDENCES = (0.5, 0.8, 0.9, 0.95)  # points of the stated-vs-achieved curve
_DRAWS = 2000  # draws per scored forecast; the interval ends move by about 0.1 year


@dataclass(frozen=True)
class Forecast:
    """One scored (or unresolved) backtest forecast."""

    origin: float
    multiple: float
    predicted_year: float
    interval: tuple[float, float]
    actual_year: float | None
    intervals: dict[float, tuple[float, float]] = field(repr=False)


@dataclass(frozen=True)
class HorizonScore:
    """Scores of the resolved forecasts of one target multiple (horizon).

    ``coverage`` is the share whose actual year lay inside the stated interval; errors are
    ``predicted - actual`` in years (positive: predicted too late).
    """

    horizon: str
    n: int
    unresolved: int
    confidence: float
    coverage: float
    mean_error_years: float
    median_error_years: float
    median_abs_error_years: float
    median_width_years: float
    coverage_by_confidence: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict."""
        return asdict(self)


@dataclass(frozen=True)
class CalibrationReport:
    """Calibration of one model on one series: scores per horizon and every forecast."""

    series: str
    model: str
    confidence: float
    method: str
    skipped_origins: int
    scores: tuple[HorizonScore, ...]
    forecasts: tuple[Forecast, ...] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict (scores only; forecasts as compact rows)."""
        return {
            "series": self.series,
            "model": self.model,
            "confidence": self.confidence,
            "method": self.method,
            "skipped_origins": self.skipped_origins,
            "horizons": [s.to_dict() for s in self.scores],
            "forecasts": [
                {
                    "origin": f.origin,
                    "multiple": f.multiple,
                    "predicted_year": f.predicted_year,
                    "predicted_interval": list(f.interval),
                    "actual_year": f.actual_year,
                }
                for f in self.forecasts
            ],
        }


def _bounds(confidence: float) -> list[float]:
    return [0.5 - confidence / 2.0, 0.5 + confidence / 2.0]


def _forecast(case: CalibrationCase, samples: FloatArray, confidence: float) -> Forecast:
    levels = sorted({confidence, *CURVE_CONFIDENCES})
    intervals = {c: tuple(float(v) for v in sample_quantiles(samples, _bounds(c))) for c in levels}
    return Forecast(
        origin=case.origin,
        multiple=case.multiple,
        predicted_year=float(sample_quantiles(samples, [0.5])[0]),
        interval=intervals[confidence],  # type: ignore[arg-type]
        actual_year=case.actual_year if math.isfinite(case.actual_year) else None,
        intervals=intervals,  # type: ignore[arg-type]
    )


def _ensemble_samples(
    case: CalibrationCase, cases: tuple[CalibrationCase, ...], rng: np.random.Generator
) -> FloatArray | None:
    """Draws of the ensemble a forecaster could have built at ``case.origin``."""
    known = _known(cases, case.origin)
    try:
        weights, errors, bandwidths, recency = calibrate_members(
            known, set(case.horizons), case.origin
        )
    except InvalidValueError:
        return None
    # The members were fitted at the origin; the case stores their horizons, so a stand-in
    # whose "trends" return those horizons lets the ensemble's own draw code run unchanged.
    members = {m: _FixedHorizon(case.origin + case.horizons[m]) for m in weights}
    ensemble = CalibratedTrend(
        unit="",
        last_year=case.origin,
        members=members,  # type: ignore[arg-type]
        weights=weights,
        errors=errors,
        bandwidths=bandwidths,
        recency=recency,
        n_cases=len(known),
    )
    return ensemble.crossing_year_samples_log10(case.log10_target, _DRAWS, rng)


@dataclass(frozen=True)
class _FixedHorizon:
    """A member reduced to its crossing year of one backtest target."""

    year: float

    def crossing_year_log10(self, log10_target: Any) -> FloatArray:
        return np.full(np.shape(log10_target), self.year)


def _model_samples(
    frame: pd.DataFrame, case: CalibrationCase, model: str, rng: np.random.Generator
) -> FloatArray | None:
    upto = frame[frame["year"].to_numpy(dtype=float) <= case.origin + 1e-9]
    try:
        trend = fit_model(model, upto, None, None)
    except InvalidValueError:
        return None
    samples = trend.crossing_year_samples_log10(case.log10_target, _DRAWS, rng)
    return np.maximum(samples, case.origin)  # not reached at the origin: never earlier


def _score(
    forecasts: Sequence[Forecast], multiple: float, unresolved: int, confidence: float
) -> HorizonScore:
    done = [f for f in forecasts if f.multiple == multiple and f.actual_year is not None]
    actual = np.array([f.actual_year for f in done], dtype=float)
    predicted = np.array([f.predicted_year for f in done])
    lo = np.array([f.interval[0] for f in done])
    hi = np.array([f.interval[1] for f in done])

    def coverage(level: float) -> float:
        inside = [f.intervals[level][0] <= f.actual_year <= f.intervals[level][1] for f in done]  # type: ignore[operator]
        return float(np.mean(inside)) if inside else math.nan

    error = predicted - actual
    return HorizonScore(
        horizon=f"{multiple:g}x",
        n=len(done),
        unresolved=unresolved,
        confidence=confidence,
        coverage=coverage(confidence),
        mean_error_years=float(np.mean(error)) if done else math.nan,
        median_error_years=float(np.median(error)) if done else math.nan,
        median_abs_error_years=float(np.median(np.abs(error))) if done else math.nan,
        median_width_years=float(np.median(hi - lo)) if done else math.nan,
        coverage_by_confidence={
            f"{c:g}": coverage(c) for c in sorted({confidence, *CURVE_CONFIDENCES})
        },
    )


def calibrate(
    series: pd.DataFrame | str,
    model: str = "calibrated",
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = 0,
) -> CalibrationReport:
    """Score ``model``'s interval forecasts on the rolling-origin backtests of ``series``.

    Parameters
    ----------
    series:
        Series name or DataFrame.
    model:
        ``"calibrated"`` (the default ensemble) or one of :data:`MODELS` (``logistic``
        excluded: it needs a ceiling per series).
    confidence:
        Stated confidence of the interval scored in :attr:`HorizonScore.coverage`.
    seed:
        Seed of the draws.
    """
    if model not in ("calibrated", "exponential", "piecewise"):
        raise UnknownNameError(
            kind="model",
            name=str(model),
            known=("calibrated", *[m for m in MODELS if m != "logistic"]),
        )
    if not 0.0 < confidence < 1.0:
        raise InvalidValueError(name="confidence", reason="must lie strictly between 0 and 1")
    frame, name = _series_frame(series)
    cases = calibration_cases(series)
    pooled = pooled_cases(series) if isinstance(series, str) else cases
    rng = np.random.default_rng(seed)
    forecasts: list[Forecast] = []
    skipped: set[float] = set()
    for case in cases:
        samples = (
            _ensemble_samples(case, pooled, rng)
            if model == "calibrated"
            else _model_samples(frame, case, model, rng)
        )
        if samples is None:
            skipped.add(case.origin)
            continue
        forecasts.append(_forecast(case, samples, confidence))
    scores = tuple(
        _score(
            forecasts,
            multiple,
            sum(1 for f in forecasts if f.multiple == multiple and f.actual_year is None),
            confidence,
        )
        for multiple in MULTIPLES
    )
    method = (
        "stacked ensemble; weights and errors from backtests resolved before each origin"
        if model == "calibrated"
        else "the fit's parameter uncertainty (Student-t draws)"
    )
    return CalibrationReport(
        series=name,
        model=model,
        confidence=confidence,
        method=method,
        skipped_origins=len(skipped),
        scores=scores,
        forecasts=tuple(forecasts),
    )
