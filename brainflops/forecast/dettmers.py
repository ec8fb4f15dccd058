"""Dettmers' (2015) timeline arithmetic, reproducible as named scenarios.

:func:`dettmers_timeline` reproduces the arithmetic of Dettmers' blog post (see
``dettmers2015.md`` section 9.3): from 0.58 PFLOP/s (Tianhe-2 on HPCG) in 2015 to his
1.075e21 FLOP/s takes ``ceil(log2(1.075e21 / 0.58e15)) = ceil(20.82) = 21`` whole doublings;
at 1.8 years per doubling that is 2015 + 37.8 = 2052.8, which he reports as 2053, and at
3 years 2078. The "by" year (:func:`by_year`) rounds the decimal year *up* to a whole year
("by 2053"); rounding to whole doublings is his choice, and ``rounding="none"`` gives the continuous
2052.5. His Moore's-law year, 2037, is stated without a doubling time; the doubling time it
implies, (2037 - 2015) / 21 ≈ 1.05 years, is derived here by
:func:`dettmers_implied_doubling_years`.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass
from typing import Any

from brainflops.core.errors import InvalidValueError, UnknownNameError
from brainflops.forecast.trends import DoublingTrend, Rounding, doubling

__all__ = [
    "DETTMERS_BASELINE_FLOPS",
    "DETTMERS_BASELINE_YEAR",
    "DETTMERS_CRITERION",
    "DETTMERS_DOUBLING_YEARS",
    "DETTMERS_MOORE_YEAR",
    "DETTMERS_SCENARIOS",
    "DETTMERS_TARGET_FLOPS",
    "DettmersTimeline",
    "by_year",
    "check_dettmers_criterion",
    "dettmers_implied_doubling_years",
    "dettmers_scenario",
    "dettmers_timeline",
]

# Dettmers (2015), as recorded in shared/reference/dettmers2015.md:
DETTMERS_TARGET_FLOPS = 1.075e21  # headline lower bound, section 7.1
DETTMERS_BASELINE_FLOPS = 0.58e15  # Tianhe-2 on HPCG, 0.58 PFLOP/s, section 9.2
DETTMERS_BASELINE_YEAR = 2015  # implied by his 2053 and 2078 (derived), section 9.3
DETTMERS_DOUBLING_YEARS = (1.8, 3.0)  # "last 60 years" and slowed growth, section 9.3
DETTMERS_MOORE_YEAR = 2037  # stated for Moore's law without a doubling time, section 9.3
#: The only parity criterion his scenarios apply to: their baseline is an HPCG result, so
#: on another series (HPL, or HPL scaled by the HPCG/HPL ratio) they would compare HPCG
#: growth with another metric, or apply the HPCG/HPL ratio a second time.
DETTMERS_CRITERION = "hpcg"

_YEAR_TOL = 1e-6  # years; 2015 + 21 × 3 must report 2078, not 2079, despite rounding error


def by_year(year: float) -> float:
    """Round a decimal year up to a whole year ("by year Y"); infinities pass through.

    Examples
    --------
    >>> by_year(2052.8), by_year(2078.0)
    (2053, 2078)
    """
    if not math.isfinite(year):
        return year
    return math.ceil(year - _YEAR_TOL)


def _positive_target(value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidValueError(name="target", reason=f"expected a number, got {value!r}")
    if not (math.isfinite(float(value)) and value > 0):
        raise InvalidValueError(name="target", reason="must be positive and finite")
    return float(value)


@dataclass(frozen=True)
class DettmersTimeline:
    """Dettmers-style arithmetic: baseline × 2^doublings ≥ target.

    Attributes
    ----------
    exact_doublings:
        ``log2(target / baseline)`` (20.82 for his numbers).
    doublings:
        Doublings counted (21 when rounding to whole doublings).
    crossing_year:
        ``baseline_year + doublings × doubling_years`` (2052.8 for 1.8 years).
    by_year:
        ``crossing_year`` rounded up to a whole year (2053): "by 2053", our rounding.
    """

    target: float
    baseline: float
    baseline_year: float
    doubling_years: float
    rounding: str
    exact_doublings: float
    doublings: float
    crossing_year: float
    by_year: float

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict."""
        return asdict(self)


def dettmers_timeline(
    target: float = DETTMERS_TARGET_FLOPS,
    baseline: float = DETTMERS_BASELINE_FLOPS,
    baseline_year: float = DETTMERS_BASELINE_YEAR,
    doubling_years: float = DETTMERS_DOUBLING_YEARS[0],
    rounding: Rounding = "whole-doublings",
) -> DettmersTimeline:
    """Reproduce Dettmers' (2015) timeline arithmetic.

    Examples
    --------
    >>> dettmers_timeline().by_year
    2053
    >>> dettmers_timeline(doubling_years=3.0).by_year
    2078
    """
    target = _positive_target(target)
    trend = doubling(baseline, baseline_year, doubling_years, rounding=rounding)
    exact = doubling(baseline, baseline_year, doubling_years).doublings_needed(target)
    year = trend.crossing_year(target)
    return DettmersTimeline(
        target=float(target),
        baseline=float(baseline),
        baseline_year=trend.baseline_year,
        doubling_years=trend.doubling_years,
        rounding=rounding,
        exact_doublings=exact,
        doublings=trend.doublings_needed(target),
        crossing_year=year,
        by_year=by_year(year),
    )


def dettmers_implied_doubling_years(
    stated_year: float = DETTMERS_MOORE_YEAR,
    target: float = DETTMERS_TARGET_FLOPS,
    baseline: float = DETTMERS_BASELINE_FLOPS,
    baseline_year: float = DETTMERS_BASELINE_YEAR,
    rounding: Rounding = "whole-doublings",
) -> float:
    """Doubling time implied by a stated parity year: ``(stated - baseline_year) / doublings``.

    Dettmers states 2037 for Moore's law but no doubling time; with his 21 doublings from
    2015 that is 22 / 21 ≈ 1.05 years (derived, not his number).

    Examples
    --------
    >>> round(dettmers_implied_doubling_years(), 3)
    1.048
    """
    trend: DoublingTrend = doubling(baseline, baseline_year, 1.0, rounding=rounding)
    doublings = trend.doublings_needed(target)
    if doublings <= 0:
        raise InvalidValueError(name="target", reason="is not above the baseline")
    return (float(stated_year) - trend.baseline_year) / doublings


DETTMERS_SCENARIOS = {
    "dettmers-moore": None,  # the doubling time implied by his 2037 (derived)
    "dettmers-1.8y": DETTMERS_DOUBLING_YEARS[0],
    "dettmers-3y": DETTMERS_DOUBLING_YEARS[1],
}


def dettmers_scenario(name: str) -> DoublingTrend:
    """Dettmers' (2015) arithmetic as a trend: 0.58 PFLOP/s in 2015, whole doublings.

    ``dettmers-1.8y`` and ``dettmers-3y`` use his stated doubling times (2053 and 2078 for
    his 1.075e21 FLOP/s); ``dettmers-moore`` the 1.05 years implied by his 2037 (derived).
    Compare with the ``hpcg`` criterion (:data:`DETTMERS_CRITERION`), his metric and the
    only one the parity functions accept for these scenarios.

    Examples
    --------
    >>> [by_year(dettmers_scenario(n).crossing_year(DETTMERS_TARGET_FLOPS))
    ...  for n in DETTMERS_SCENARIOS]
    [2037, 2053, 2078]
    """
    if name not in DETTMERS_SCENARIOS:
        raise UnknownNameError(kind="scenario", name=str(name), known=tuple(DETTMERS_SCENARIOS))
    years = DETTMERS_SCENARIOS[name]
    period = dettmers_implied_doubling_years() if years is None else years
    return doubling(
        DETTMERS_BASELINE_FLOPS, DETTMERS_BASELINE_YEAR, period, rounding="whole-doublings"
    )


def check_dettmers_criterion(model: str, criterion: str, *, option: str = "model") -> None:
    """Refuse a Dettmers scenario with any criterion but :data:`DETTMERS_CRITERION`.

    The scenarios grow Tianhe-2's HPCG result (0.58 PFLOP/s in 2015); on the HPL series
    they would compare HPCG growth with HPL results, and ``hpcg-hpl`` would scale the HPCG
    baseline by the HPCG/HPL ratio a second time.
    """
    if model in DETTMERS_SCENARIOS and criterion != DETTMERS_CRITERION:
        raise InvalidValueError(
            name=f"{option} {model}",
            reason=f"extrapolates Tianhe-2's HPCG result (0.58 PFLOP/s in 2015), so it "
            f"compares with the {DETTMERS_CRITERION} criterion only, not {criterion}",
        )
