"""Backtests: fit on data up to a past year, predict when a target is reached, compare."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from brainflops.core.errors import InvalidValueError
from brainflops.forecast.trends.fit import fit_model
from brainflops.forecast.trends.series import (
    CONFIDENCE,
    YearLike,
    _log10_target,
    first_reached,
    load_any_series,
    never_as_null,
    sample_quantiles,
    select_window,
)

__all__ = ["BacktestResult", "backtest", "backtest_table"]


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
    confidence: float = CONFIDENCE

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
        """Return a JSON-able dict.

        ``predicted_year``, a bound of ``predicted_interval`` and ``error_years`` are
        ``null`` where the forecast never reaches the target (an infinite year); an
        ``actual_year`` of ``null`` means the data has not reached it (yet).
        """
        return {
            "series": self.series,
            "model": self.model,
            "train_start": self.train_start,
            "train_end": self.train_end,
            "first_train_date": self.first_train_date,
            "last_train_date": self.last_train_date,
            "n_train": self.n_train,
            "target": self.target,
            "predicted_year": never_as_null(self.predicted_year),
            "predicted_interval": [never_as_null(year) for year in self.predicted_interval],
            "actual_year": self.actual_year,
            "actual_date": self.actual_date,
            "error_years": never_as_null(self.error_years),
            "covered": self.covered,
            "confidence": self.confidence,
        }


_BACKTEST_SAMPLES = 4000  # draws for the predicted interval; its Monte Carlo error is ~0.1 yr


def backtest(
    series: pd.DataFrame | str,
    train_end: YearLike,
    target: float,
    model: str = "calibrated",
    *,
    seed: int = 0,
    **options: Any,
) -> BacktestResult:
    """Fit ``model`` to the series up to ``train_end`` and predict when it reaches ``target``.

    The training window must hold data, the series must go on after it, and the target
    must lie above every training point (else there is nothing to predict);
    :class:`~brainflops.core.errors.InvalidValueError` otherwise.

    ``model`` is ``"calibrated"`` (the default: the ensemble a forecaster could have built
    at ``train_end``, from backtests resolved by then; 90 % interval) or one of
    :data:`~brainflops.forecast.trends.fit.MODELS` (95 % interval from the fit). ``options``
    (``start`` of the window, ``breakpoint``, ``ceiling``, ``continuous``) are passed to
    :func:`fit_model`. The interval comes from 4000 draws seeded with ``seed``.

    Examples
    --------
    >>> result = backtest("top500-rank1", 2004, 1e15, "exponential")
    >>> result.actual_date
    '2008-06'
    """
    if train_end is None:
        raise InvalidValueError(name="train_end", reason="a backtest needs an end of training")
    frame = load_any_series(series) if isinstance(series, str) else series
    start = options.pop("start", None)
    log10_target = _log10_target(target)
    window = _training_window(frame, start, train_end)
    reached = _reached_in_training(frame, window, target)
    if reached is not None:
        raise InvalidValueError(
            name="target",
            reason=f"{target:g} was already reached in the training data ({reached}): "
            "a backtest predicts a target the training data has not reached",
        )
    if model == "calibrated":
        if start is not None or options:
            raise InvalidValueError(
                name="model", reason="the calibrated model takes no window start or fit options"
            )
        from brainflops.forecast.trends.calibration import (  # noqa: PLC0415 - it builds on backtests
            DEFAULT_CONFIDENCE,
            fit_calibrated,
        )

        trend: Any = fit_calibrated(series, at=float(window["year"].max()))
        confidence = DEFAULT_CONFIDENCE
    else:
        trend = fit_model(model, frame, start, train_end, **options)
        confidence = CONFIDENCE
    samples = trend.crossing_year_samples_log10(
        log10_target, _BACKTEST_SAMPLES, np.random.default_rng(seed)
    )
    lo, mid, hi = sample_quantiles(samples, [0.5 - confidence / 2.0, 0.5, 0.5 + confidence / 2.0])
    predicted = float(mid if model == "calibrated" else trend.crossing_year_log10(log10_target))
    actual = first_reached(frame, float(target))
    return BacktestResult(
        series=str(frame.attrs.get("series", "custom")),
        model=model,
        train_start=None if start is None else str(start),
        train_end=str(train_end),
        first_train_date=str(window["date"].iloc[0]),
        last_train_date=str(window["date"].iloc[-1]),
        target=float(target),
        predicted_year=predicted,
        predicted_interval=(float(lo), float(hi)),
        actual_year=None if actual is None else actual[0],
        actual_date=None if actual is None else actual[1],
        n_train=len(window),
        confidence=confidence,
    )


def _training_window(frame: pd.DataFrame, start: YearLike, train_end: YearLike) -> pd.DataFrame:
    """The rows up to ``train_end``; refused when empty or when no data follows it."""
    window = select_window(frame, start, train_end)
    dates = frame.sort_values("year", kind="stable")["date"]
    if window.empty:
        where = "training ends" if start is None else f"the window from {start} ends"
        raise InvalidValueError(
            name="train_end",
            reason=f"{where} at {train_end}, before the data: the series starts {dates.iloc[0]}",
        )
    if not (frame["year"] > window["year"].max()).any():
        raise InvalidValueError(
            name="train_end",
            reason=f"no data after the end of training ({train_end}): the series ends "
            f"{dates.iloc[-1]}, so nothing is held out to compare with",
        )
    return window


def _reached_in_training(frame: pd.DataFrame, window: pd.DataFrame, target: float) -> str | None:
    """Date on which the series first reached ``target``, if that is inside ``window``."""
    actual = first_reached(frame, float(target))
    return actual[1] if actual is not None and actual[0] <= window["year"].max() else None


def backtest_table(
    series: pd.DataFrame | str,
    train_ends: Iterable[YearLike],
    targets: Iterable[float],
    model: str = "calibrated",
    start: YearLike = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Run :func:`backtest` for every (train_end, target) pair; one row each.

    Columns: ``series``, ``model``, ``train_end``, ``last_train_date``, ``target``,
    ``predicted_year``, ``predicted_lo``, ``predicted_hi``, ``actual_year``,
    ``actual_date``, ``error_years`` (predicted - actual; NaN when not reached) and
    ``covered``. A pair whose target the training data already reached is left out
    (there is nothing to predict); :func:`backtest` refuses it.
    """
    frame = load_any_series(series) if isinstance(series, str) else series
    rows = []
    target_list: Sequence[float] = list(targets)
    for train_end in train_ends:
        window = _training_window(frame, start, train_end)
        for target in target_list:
            if _reached_in_training(frame, window, target) is not None:
                continue
            result = backtest(series, train_end, target, model, start=start, **kwargs)
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
