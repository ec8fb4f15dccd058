"""Hardware trend models, crossing years, physical ceilings, backtests and calibration.

The subpackage is split by concern; every public name is importable from here
(``from brainflops.forecast.trends import fit_model``), loaded on first use so that importing
the package costs nothing until a name is asked for:

* :mod:`~brainflops.forecast.trends.limits` -- Landauer's bound and the CMOS limit;
* :mod:`~brainflops.forecast.trends.series` -- years, values, fit windows, first crossings;
* :mod:`~brainflops.forecast.trends.base` -- the :class:`TrendModel` interface;
* :mod:`~brainflops.forecast.trends.models` -- exponential, piecewise, logistic, doubling;
* :mod:`~brainflops.forecast.trends.fit` -- fitting them to a series, by name;
* :mod:`~brainflops.forecast.trends.backtests` -- rolling-origin backtests of one model;
* :mod:`~brainflops.forecast.trends.ensemble` -- the calibrated ensemble (the default);
* :mod:`~brainflops.forecast.trends.calibration` -- coverage and error of forecasts by horizon.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, tuple[str, ...]] = {
    "limits": (
        "BOLTZMANN_J_PER_K",
        "CMOS_LIMIT_OPS_PER_JOULE",
        "CMOS_LIMIT_SOURCE",
        "ceiling_from_limit",
        "landauer_bit_erasures_per_second",
        "landauer_joules_per_bit",
    ),
    "series": (
        "CONFIDENCE",
        "FitInfo",
        "Reached",
        "RngLike",
        "YearLike",
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
    ),
    "base": ("TrendModel",),
    "models": ("DoublingTrend", "ExponentialTrend", "LogisticTrend", "PiecewiseTrend", "Rounding"),
    "fit": ("MODELS", "doubling", "fit_exponential", "fit_logistic", "fit_model", "fit_piecewise"),
    "backtests": ("BacktestResult", "backtest", "backtest_table"),
    "ensemble": ("MEMBERS", "CalibratedTrend", "calibration_cases"),
    "calibration": (
        "DEFAULT_CONFIDENCE",
        "CalibrationReport",
        "HorizonScore",
        "calibrate",
        "coverage_interval",
        "fit_calibrated",
        "independent_windows",
    ),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = [  # noqa: RUF022 - sorted, as the test of the lazy exports checks
    "BOLTZMANN_J_PER_K",
    "BacktestResult",
    "CMOS_LIMIT_OPS_PER_JOULE",
    "CMOS_LIMIT_SOURCE",
    "CONFIDENCE",
    "CalibratedTrend",
    "CalibrationReport",
    "DEFAULT_CONFIDENCE",
    "DoublingTrend",
    "ExponentialTrend",
    "FitInfo",
    "HorizonScore",
    "LogisticTrend",
    "MEMBERS",
    "MODELS",
    "PiecewiseTrend",
    "Reached",
    "RngLike",
    "Rounding",
    "TrendModel",
    "YearLike",
    "as_generator",
    "backtest",
    "backtest_table",
    "calibrate",
    "calibration_cases",
    "ceiling_from_limit",
    "coverage_interval",
    "doubling",
    "first_reached",
    "first_reached_record",
    "first_reached_years",
    "fit_calibrated",
    "fit_exponential",
    "fit_logistic",
    "fit_model",
    "fit_piecewise",
    "independent_windows",
    "landauer_bit_erasures_per_second",
    "landauer_joules_per_bit",
    "load_any_series",
    "never_as_null",
    "parse_value",
    "parse_year",
    "sample_quantiles",
    "select_window",
]


def __getattr__(name: str) -> Any:
    """Load the submodule that defines ``name`` on first use (PEP 562)."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
