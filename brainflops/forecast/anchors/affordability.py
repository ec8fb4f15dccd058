"""What the largest training run can afford, year by year, in log10 effective FLOP.

Three factors multiply (they add in log10):

* FLOP per dollar: ``c_0 2^((year - base) / t_hw)``, never above the ceiling ``c_max``;
* dollars on the largest run: a log-linear ramp from ``S_0`` (base year) to ``S_1`` (ramp
  end), then doubling every ``t_S`` years, never above ``f_GDP`` of a GDP that starts at
  ``G_0`` and grows by the factor ``g`` a year;
* algorithmic progress: requirements divided by ``2^((year - base) / t_alg)``, at most by
  ``A_max``.

Every function takes log10 inputs (arrays of draws, working units of
:data:`~brainflops.forecast.anchors.inputs.ANCHOR_UNITS`) and a column of years, and
returns an array of shape (draws, years). All three factors are non-decreasing in time,
so the first affordable year is a count of the years that fall short.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from brainflops.forecast.anchors.inputs import AnchorInputs
from brainflops.params.parameters import Parameter

__all__ = [
    "AFFORDABILITY_INPUTS",
    "GPU_SERIES",
    "GpuFit",
    "algorithmic_log10",
    "effective_log10",
    "fitted_halving_time",
    "flop_per_dollar_log10",
    "gpu_fit",
    "spend_log10",
    "with_fitted_hardware",
]

AFFORDABILITY_INPUTS = (
    "flop_per_dollar",
    "hardware_halving_time",
    "flop_per_dollar_ceiling",
    "spend_start",
    "spend_ramp_end",
    "spend_doubling_time",
    "max_spend_fraction",
    "gdp_start",
    "gdp_growth",
    "algorithmic_halving_time",
    "algorithmic_max_reduction",
)
_LOG2 = math.log10(2.0)

Log10Inputs = Mapping[str, np.ndarray]


def _column(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=float).reshape(-1, 1)


def _halvings(elapsed: np.ndarray, log10_halving_time: np.ndarray) -> np.ndarray:
    """log10 of ``2^(elapsed / t)`` with ``t = 10**log10_halving_time`` (one row per draw)."""
    return _LOG2 * elapsed[None, :] / np.power(10.0, _column(log10_halving_time))


def flop_per_dollar_log10(x: Log10Inputs, years: np.ndarray, base_year: int) -> np.ndarray:
    """log10 FLOP per dollar in each year.

    Examples
    --------
    >>> x = {"flop_per_dollar": np.array([17.0]), "hardware_halving_time": np.log10([2.5]),
    ...      "flop_per_dollar_ceiling": np.array([24.0])}
    >>> flop_per_dollar_log10(x, np.array([2020, 2045, 2100]), 2020).round(3).tolist()
    [[17.0, 20.01, 24.0]]
    """
    elapsed = np.asarray(years, dtype=float) - base_year
    grown = _column(x["flop_per_dollar"]) + _halvings(elapsed, x["hardware_halving_time"])
    return np.minimum(grown, _column(x["flop_per_dollar_ceiling"]))


def spend_log10(
    x: Log10Inputs, years: np.ndarray, base_year: int, ramp_end_year: int
) -> np.ndarray:
    """log10 dollars on the largest training run in each year.

    Examples
    --------
    >>> x = {"spend_start": np.array([6.0]), "spend_ramp_end": np.array([9.0]),
    ...      "spend_doubling_time": np.log10([2.0]), "max_spend_fraction": np.array([-2.0]),
    ...      "gdp_start": np.log10([2.1e13]), "gdp_growth": np.log10([1.03])}
    >>> spend_log10(x, np.array([2020, 2025, 2035, 2100]), 2020, 2025).round(2).tolist()
    [[6.0, 9.0, 10.51, 12.35]]
    """
    years = np.asarray(years, dtype=float)
    start, ramp_end = _column(x["spend_start"]), _column(x["spend_ramp_end"])
    share = np.clip((years - base_year) / (ramp_end_year - base_year), 0.0, 1.0)[None, :]
    ramp = start + share * (ramp_end - start)
    after = np.maximum(years - ramp_end_year, 0.0)
    wanted = ramp + _halvings(after, x["spend_doubling_time"])
    gdp = _column(x["gdp_start"]) + _column(x["gdp_growth"]) * (years - base_year)[None, :]
    return np.minimum(wanted, gdp + _column(x["max_spend_fraction"]))


def algorithmic_log10(x: Log10Inputs, years: np.ndarray, base_year: int) -> np.ndarray:
    """log10 of the factor by which algorithms have cut requirements since the base year."""
    elapsed = np.maximum(np.asarray(years, dtype=float) - base_year, 0.0)
    gain = _halvings(elapsed, x["algorithmic_halving_time"])
    return np.minimum(gain, _column(x["algorithmic_max_reduction"]))


def effective_log10(
    x: Log10Inputs, years: np.ndarray, base_year: int, ramp_end_year: int
) -> np.ndarray:
    """log10 effective FLOP (in base-year algorithms) the largest run affords each year."""
    return (
        flop_per_dollar_log10(x, years, base_year)
        + spend_log10(x, years, base_year, ramp_end_year)
        + algorithmic_log10(x, years, base_year)
    )


def fitted_halving_time(years: np.ndarray, log10_values: np.ndarray) -> tuple[float, float]:
    """Least-squares doubling time (years) of a log10 series and its standard error.

    Examples
    --------
    >>> t = np.arange(2000, 2021)
    >>> round(fitted_halving_time(t, (t - 2000) * np.log10(2) / 2.5)[0], 6)
    2.5
    """
    from scipy import stats  # noqa: PLC0415 - only the fit needs scipy

    fit = stats.linregress(np.asarray(years, dtype=float), np.asarray(log10_values, dtype=float))
    doubling = _LOG2 / fit.slope
    return float(doubling), float(abs(doubling * fit.stderr / fit.slope))


#: The packaged price-performance series the hardware fit uses (Epoch AI, CC BY 4.0).
GPU_SERIES = "gpu-flops-per-dollar"


@dataclass(frozen=True)
class GpuFit:
    """Least-squares trend of the best FP32 FLOP/s per launch-price dollar by release year."""

    doubling_time: float
    standard_error: float
    points: int
    first_year: float
    last_year: float
    citation: str


def gpu_fit() -> GpuFit:
    """Fit :data:`GPU_SERIES` (one frontier part per release year) in log10 space."""
    from brainflops.data.datasets import load_series, series_citations, value_column  # noqa: PLC0415 - pandas

    frame = load_series(GPU_SERIES)
    years = frame["year"].to_numpy(dtype=float)
    values = np.log10(frame[value_column(frame)].to_numpy(dtype=float))
    doubling, error = fitted_halving_time(years, values)
    return GpuFit(
        doubling,
        error,
        len(years),
        float(years.min()),
        float(years.max()),
        series_citations()[GPU_SERIES],
    )


def with_fitted_hardware(inputs: AnchorInputs) -> AnchorInputs:
    """``inputs`` with the FLOP-per-dollar halving time fitted to the packaged GPU data.

    The fitted doubling time is the central value and its 90% range is +-1.645 standard
    errors of the slope; the start value and the ceiling stay as they were.
    """
    fit = gpu_fit()
    spread = 1.645 * fit.standard_error
    parameter = Parameter(
        name="hardware_halving_time",
        symbol="t_{hw}",
        unit="year",
        value=fit.doubling_time,
        low=fit.doubling_time - spread,
        high=fit.doubling_time + spread,
        source=fit.citation,
        locator=f"series {GPU_SERIES}: {fit.points} release years "
        f"{fit.first_year:.0f}-{fit.last_year:.0f}, least squares on log10",
        provenance="derived",
        note="Doubling time of the best FP32 FLOP/s per launch-price dollar (nominal US$).",
    )
    return inputs.with_parameters({"hardware_halving_time": parameter})
