"""When will computers match the brain? Parity-year distributions.

:func:`parity_years` combines samples of a brain estimate (log10 FLOP/s, e.g.
``load_preset(name).sample(n, seed=...).log10``) with the uncertainty of a hardware trend:
sample ``i`` of the brain estimate is paired with parameter draw ``i`` of the trend, and its
parity year is the trend's crossing year of the criterion's target. The summary is the
median, the 5th and 95th percentiles, the probability of parity by given years and the
fraction of samples that never reach parity.

Criteria
--------
Each criterion names the series to compare with and how a brain estimate ``B`` (FLOP/s)
becomes a target on that series:

========== ===================== ==================================================
criterion  series (unit)         target
========== ===================== ==================================================
hpl        top500-rank1 (FLOP/s) ``B``: the #1 supercomputer's HPL Rmax reaches B
hpcg       hpcg-rank1 (FLOP/s)   ``B``: the HPCG #1 reaches B (Dettmers' metric)
hpcg-hpl   top500-rank1 (FLOP/s) ``B / ratio``: HPL #1 × measured HPCG/HPL ratio ≥ B
top500-sum top500-sum (FLOP/s)   ``B``: all 500 systems together
budget     gpu-flops-per-dollar  ``B / budget``: ``budget`` US$ of accelerators give B
                                 (FP32; at a chosen precision P, the series
                                 gpu-flops-per-dollar-P)
energy     green500-rank1        ``B / power``: ``power`` W (default the brain's 20 W,
           (FLOP/s/W)            ``brain_power`` of ``data/facility.toml``) at the
                                 Green500 #1's efficiency give B; at a chosen
                                 precision P, accelerators' P FLOP/s per W of TDP
                                 (gpu-flops-per-watt-P)
training-  ml-training-largest   ``B × age``: the largest ML training run's compute
run        (FLOP)                reaches the brain's compute over ``lifetime_seconds``
                                 (1e9 s) of ``data/facility.toml``
========== ===================== ==================================================

Every criterion looks at the data first: a target the series already reached is reported
with the date and the system (or model) that reached it, and is not extrapolated.

The HPCG/HPL ratio is computed from ``hpcg_history.csv`` by
:func:`brainflops.data.datasets.hpcg_hpl_ratio` (median over distinct #1 results).

Dettmers (2015)
---------------
His arithmetic (2037, 2053 and 2078) lives in :mod:`brainflops.forecast.dettmers`; its names
are re-exported here.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from brainflops.core.errors import InvalidValueError, UnitMismatchError, UnknownNameError
from brainflops.data.datasets import hpcg_hpl_ratio, load_series, precision_series
from brainflops.forecast.dettmers import (
    DETTMERS_BASELINE_FLOPS,
    DETTMERS_BASELINE_YEAR,
    DETTMERS_CRITERION,
    DETTMERS_DOUBLING_YEARS,
    DETTMERS_MOORE_YEAR,
    DETTMERS_SCENARIOS,
    DETTMERS_TARGET_FLOPS,
    DettmersTimeline,
    by_year,
    check_dettmers_criterion,
    dettmers_implied_doubling_years,
    dettmers_scenario,
    dettmers_timeline,
)
from brainflops.forecast.trends import (
    CalibratedTrend,
    Reached,
    RngLike,
    TrendModel,
    as_generator,
    first_reached_record,
    first_reached_years,
    fit_calibrated,
    fit_model,
    load_any_series,
    never_as_null,
    sample_quantiles,
)
from brainflops.forecast.trends.series import ML_TRAINING_SERIES

__all__ = [
    "BUDGET_USD_RANGE",
    "DEFAULT_YEARS",
    "DETTMERS_BASELINE_FLOPS",
    "DETTMERS_BASELINE_YEAR",
    "DETTMERS_CRITERION",
    "DETTMERS_DOUBLING_YEARS",
    "DETTMERS_MOORE_YEAR",
    "DETTMERS_SCENARIOS",
    "DETTMERS_TARGET_FLOPS",
    "POWER_W_RANGE",
    "Criterion",
    "DettmersTimeline",
    "ParityResult",
    "by_year",
    "check_amount",
    "check_dettmers_criterion",
    "criteria",
    "dettmers_implied_doubling_years",
    "dettmers_scenario",
    "dettmers_timeline",
    "forecast_parity",
    "format_year",
    "get_criterion",
    "never_reason",
    "parity_years",
    "trend_rng",
]

DEFAULT_YEARS = (2030, 2040, 2050, 2075, 2100)  # report years; a presentation choice
DEFAULT_BUDGET_USD = 1000.0  # "e.g. $1000 or $1M" (issue 5); the cheaper one by default
#: Purchase budgets of the ``budget`` criterion, US$. One dollar buys less than any
#: accelerator (a smaller budget only moves the same line later); 1e15 is about ten years
#: of the whole world's output (gross world product is of the order of US$1e14 a year),
#: beyond any purchase, and keeps the budget's text short.
BUDGET_USD_RANGE = (1.0, 1e15)
#: Power budgets of the ``energy`` criterion, W. One milliwatt is 20,000 times below the
#: brain's 20 W; 1e12 W is a third of the world's mean electricity generation (some
#: 30,000 TWh a year, about 3.4e12 W), more than any machine could draw.
POWER_W_RANGE = (1e-3, 1e12)


def format_year(year: float | None, digits: int = 2) -> str:
    """A crossing or parity year as text, the one wording every output uses.

    ``None`` and ``inf`` read ``"never"`` (the trend does not reach the target); ``-inf``
    reads ``"already"`` (the trend is at or above the target from its start).

    Examples
    --------
    >>> format_year(2052.8), format_year(2052.8, 1), format_year(-math.inf)
    ('2052.80', '2052.8', 'already')
    """
    if year is None or math.isnan(year):
        return "never" if year is None else "n/a"
    if math.isinf(year):
        return "never" if year > 0 else "already"
    return f"{year:.{digits}f}"


def trend_rng(seed: int) -> np.random.Generator:
    """The generator of a trend's parameter draws for a run with ``seed``.

    Brain samples use ``seed`` itself (``Model.sample(n, seed=seed)``); the trend's draws
    use a stream derived from it, ``default_rng([seed, 1])``, so the two are independent
    and the CLI and the report give the same parity years for the same seed.
    """
    return np.random.default_rng([int(seed), 1])


# --------------------------------------------------------------------------- criteria


@dataclass(frozen=True)
class Criterion:
    """How a brain estimate in FLOP/s becomes a target on a hardware series.

    Attributes
    ----------
    name:
        Criterion name.
    series:
        The series whose trend is compared (its default).
    unit:
        The unit the trend must have.
    log10_offset:
        Added to ``log10(brain FLOP/s)`` to get ``log10(target)`` in ``unit``.
    description, source:
        What the criterion means and where its numbers come from.
    """

    name: str
    series: str
    unit: str
    log10_offset: float
    description: str
    source: str

    def log10_target(self, log10_brain: ArrayLike) -> NDArray[np.float64]:
        """Targets (log10, in ``unit``) for brain estimates in log10 FLOP/s."""
        return np.asarray(log10_brain, dtype=float) + self.log10_offset

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict."""
        return {
            "name": self.name,
            "series": self.series,
            "unit": self.unit,
            "log10_offset": self.log10_offset,
            "description": self.description,
            "source": self.source,
        }


_CRITERIA = ("hpl", "hpcg", "hpcg-hpl", "top500-sum", "budget", "energy", "training-run")


def criteria() -> list[str]:
    """Names of the parity criteria."""
    return list(_CRITERIA)


def _positive(value: float, name: str) -> float:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise InvalidValueError(name=name, reason=f"expected a number, got {value!r}")
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise InvalidValueError(name=name, reason="must be positive and finite")
    return float(value)


def check_amount(value: float, name: str, bounds: tuple[float, float], unit: str) -> float:
    """``value`` as a float if it is a number within ``bounds``, else an error naming ``name``.

    Examples
    --------
    >>> check_amount(1000, "budget_usd", BUDGET_USD_RANGE, "US$")
    1000.0
    """
    value = _positive(value, name)
    low, high = bounds
    if not low <= value <= high:
        raise InvalidValueError(
            name=name, reason=f"expected {low:g} to {high:g} {unit}, got {value:g}"
        )
    return value


def get_criterion(
    name: str,
    *,
    budget_usd: float = DEFAULT_BUDGET_USD,
    power_w: float | None = None,
    precision: str | None = None,
) -> Criterion:
    """Return the :class:`Criterion` called ``name`` (see the module docstring).

    Parameters
    ----------
    name:
        One of :func:`criteria`.
    budget_usd:
        Purchase budget for ``budget`` (US$, nominal launch prices).
    power_w:
        Power budget for ``energy`` (W); default the brain's power, ``brain_power`` of
        ``data/facility.toml`` (20 W).
    precision:
        Arithmetic precision of ``budget`` and ``energy``, as in the hardware plans
        (:data:`~brainflops.data.accelerators.PRECISION_COLUMNS`): the accelerators' peak at
        that precision per launch-price dollar, or per W of board TDP. ``None``: FP32 per
        dollar for ``budget``, and for ``energy`` the Green500 #1 (HPL, FP64, whole system).

    Examples
    --------
    >>> get_criterion("budget", precision="bf16").series
    'gpu-flops-per-dollar-bf16'
    >>> get_criterion("energy").series, get_criterion("energy", precision="fp32").series
    ('green500-rank1', 'gpu-flops-per-watt')
    """
    if precision is not None and name not in ("budget", "energy"):
        raise InvalidValueError(
            name="precision", reason=f"applies to the budget and energy criteria, not {name!r}"
        )
    if name in _FIXED_CRITERIA:
        series, description, source = _FIXED_CRITERIA[name]
        return Criterion(name, series, "FLOP/s", 0.0, description, source)
    if name == "hpcg-hpl":
        return _hpcg_hpl_criterion()
    if name == "budget":
        budget = check_amount(budget_usd, "budget_usd", BUDGET_USD_RANGE, "US$")
        chosen = precision or "fp32"
        return _accelerator_criterion(
            name,
            "per-dollar",
            chosen,
            budget,
            f"US${budget:,.0f} of accelerators ({chosen.upper()} FLOP/s per nominal "
            "launch-price dollar) reach the brain estimate",
        )
    if name == "energy":
        power = (
            _brain_power_w()
            if power_w is None
            else check_amount(power_w, "power_w", POWER_W_RANGE, "W")
        )
        if precision is not None:
            return _accelerator_criterion(
                name,
                "per-watt",
                precision,
                power,
                f"{power:g} W of accelerators (peak {precision.upper()} FLOP/s per W of "
                "board TDP) reaches the brain estimate",
            )
        return Criterion(
            name,
            "green500-rank1",
            "FLOP/s/W",
            -math.log10(power),
            f"{power:g} W at the Green500 #1's efficiency (HPL FLOP/s per W) reaches the "
            "brain estimate",
            "Green500 lists; brain power: brain_power of data/facility.toml "
            "(literature.md section 3.4)",
        )
    if name == "training-run":
        return _training_run_criterion()
    raise UnknownNameError(kind="criterion", name=str(name), known=_CRITERIA)


def _accelerator_criterion(
    name: str, quantity: str, precision: str, amount: float, description: str
) -> Criterion:
    """A criterion on an accelerator frontier: ``amount`` dollars or watts of parts give B."""
    source = "Epoch AI, Data on Machine Learning Hardware (CC BY 4.0)"
    if quantity == "per-watt":
        source += "; brain power: brain_power of data/facility.toml (literature.md section 3.4)"
    unit = "FLOP/s/USD" if quantity == "per-dollar" else "FLOP/s/W"
    series = precision_series(quantity, precision)
    points = len(load_series(series))
    if points < _MIN_FRONTIER_POINTS:
        reason = (
            f"the {precision.upper()} FLOP/s {quantity} frontier has only {points} release "
            f"years of data, too few to fit a trend (at least {_MIN_FRONTIER_POINTS})"
        )
        raise InvalidValueError(name="precision", reason=reason)
    return Criterion(name, series, unit, -math.log10(amount), description, source)


# Fewer release years than this leave a trend fit to two or three parts (FP8: 2-3).
_MIN_FRONTIER_POINTS = 6


# Criteria that compare the brain's FLOP/s directly with a FLOP/s series:
# name -> (series, description, source).
_FIXED_CRITERIA = {
    "hpl": (
        "top500-rank1",
        "TOP500 #1 HPL Rmax (FP64) reaches the brain estimate",
        "TOP500 lists",
    ),
    "hpcg": (
        "hpcg-rank1",
        "HPCG #1 (FP64, memory-bound; Dettmers' 2015 metric) reaches the brain estimate",
        "HPCG lists",
    ),
    "top500-sum": (
        "top500-sum",
        "the sum of all 500 TOP500 systems (HPL, FP64) reaches the brain estimate",
        "TOP500 lists",
    ),
}


def _hpcg_hpl_criterion() -> Criterion:
    ratio = hpcg_hpl_ratio()
    return Criterion(
        "hpcg-hpl",
        "top500-rank1",
        "FLOP/s",
        -math.log10(ratio.median),
        f"TOP500 #1 HPL Rmax scaled by the measured HPCG/HPL ratio {ratio.median:.4f} "
        f"(range {ratio.minimum:.4f}-{ratio.maximum:.4f}) reaches the brain estimate",
        ratio.source,
    )


def _training_run_criterion() -> Criterion:
    """The largest ML training run's compute reaches the brain's compute over a lifetime."""
    from brainflops.forecast.versus import lifetime_flop, lifetime_source  # noqa: PLC0415

    seconds = float(lifetime_flop(1.0))  # one FLOP/s over the default lifetime, in FLOP
    return Criterion(
        "training-run",
        ML_TRAINING_SERIES,
        "FLOP",
        math.log10(seconds),
        f"the largest ML training run's compute reaches the brain estimate summed over "
        f"{seconds:.3g} s to adulthood (lifetime compute)",
        f"Data: Epoch AI (epoch.ai), CC BY 4.0 (notable models); age: {lifetime_source()}",
    )


def _brain_power_w() -> float:
    from brainflops.params.assumption_files import facility_value  # noqa: PLC0415 - pint only when asked

    return facility_value("brain_power", "W")


# --------------------------------------------------------------------------- parity


Forecaster: TypeAlias = TrendModel | CalibratedTrend  # what parity_years can draw from


@dataclass(frozen=True, eq=False)
class ParityResult:
    """Distribution of parity years: observed where the data reached the target, else projected.

    Attributes
    ----------
    criterion:
        The criterion used.
    model:
        The trend model's name.
    n_samples:
        Number of samples.
    median_year, p5_year, p95_year:
        Sample quantiles (inverse-CDF definition; ``inf`` when that share never crosses).
    probability_by:
        ``{year: P(parity year <= year)}``.
    never_fraction:
        Share of samples whose trend draw never reaches the target.
    reached_fraction:
        Share of samples whose target the data has already reached (observed, P = 1 from
        the date it was reached).
    observed:
        The first data point at or above the median target, when the data reached it.
    never_reason:
        Why draws never reach the target (empty when none is "never").
    samples:
        The parity year of every sample (for plots); not part of :meth:`to_dict`.
    trend:
        The trend's ``to_dict()``.
    """

    criterion: Criterion
    model: str
    n_samples: int
    median_year: float
    p5_year: float
    p95_year: float
    probability_by: dict[float, float]
    never_fraction: float
    samples: NDArray[np.float64] = field(repr=False)
    trend: dict[str, Any] = field(repr=False, default_factory=dict)
    reached_fraction: float = 0.0
    observed: Reached | None = None
    never_reason: str = ""
    label: str = ""

    @property
    def median_by_year(self) -> float:
        """The median rounded up to a whole year, "by year Y" (see :func:`by_year`)."""
        return by_year(self.median_year)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict; a year that is never reached is ``null`` (see ``never_reason``)."""
        return {
            "label": self.label,
            "criterion": self.criterion.name,
            "criterion_detail": self.criterion.to_dict(),
            "model": self.model,
            "n_samples": self.n_samples,
            "median_year": never_as_null(self.median_year),
            "median_by_year": never_as_null(self.median_by_year),
            "p5_year": never_as_null(self.p5_year),
            "p95_year": never_as_null(self.p95_year),
            "probability_by": {_year_key(y): p for y, p in self.probability_by.items()},
            "reached_fraction": self.reached_fraction,
            "observed": None if self.observed is None else self.observed.to_dict(),
            "never_fraction": self.never_fraction,
            "never_reason": self.never_reason or None,
            "trend": self.trend,
        }


def _year_key(year: float) -> str:
    return str(int(year)) if float(year).is_integer() else f"{year:g}"


def never_reason(trend: Forecaster, log10_target: float) -> str:
    """Why draws of ``trend`` never reach ``log10_target`` (ask only when some do not).

    A logistic ceiling at or below the target, a point estimate that does not grow, or
    (otherwise) parameter draws whose slope is at or below zero. For the calibrated
    ensemble, the members that never reach it and why.
    """
    if isinstance(trend, CalibratedTrend):
        reasons = trend.never_reasons(log10_target)
        return "; ".join(f"{member}: {why}" for member, why in reasons.items())
    ceiling = getattr(trend, "ceiling_log10", None)
    if ceiling is not None and log10_target >= ceiling:
        return f"the logistic ceiling 10^{ceiling:.2f} {trend.unit} is below the target"
    if not math.isfinite(float(trend.crossing_year_log10(log10_target))):
        return f"the trend does not grow (doubling time {trend.doubling_time_years:g} years)"
    return "some parameter draws do not grow (a slope at or below zero)"


def parity_years(
    log10_brain: ArrayLike,
    trend: Forecaster,
    rng: RngLike = None,
    criterion: str | Criterion = "hpl",
    *,
    years: Iterable[float] = DEFAULT_YEARS,
) -> ParityResult:
    """Distribution of the year a trend reaches brain estimates; observed dates first.

    The criterion's series is looked at first: a sample whose target the data already
    reached gets the date it was reached (P = 1 from then) and fits nothing; the others get
    the trend's crossing year, never earlier than the last data point (not reached by then).

    Parameters
    ----------
    log10_brain:
        Samples of the brain estimate, log10 FLOP/s (1-D, finite).
    trend:
        A fitted or stated trend, or the calibrated ensemble, whose unit matches the
        criterion's.
    rng:
        Generator or seed for the trend's draws. Draws depend only on the number of samples
        and the generator, so equal seeds give common random numbers across brain
        estimates and criteria.
    criterion:
        A criterion name (see :func:`criteria`; the ``budget`` and ``energy`` defaults) or
        a :class:`Criterion` from :func:`get_criterion`, e.g. with another budget.
    years:
        Years at which to report the probability of parity.

    Raises
    ------
    InvalidValueError
        For empty or non-finite samples.
    UnitMismatchError
        If the trend's unit is not the criterion's.
    """
    crit = criterion if isinstance(criterion, Criterion) else get_criterion(criterion)
    brain = np.asarray(log10_brain, dtype=float)
    if brain.ndim != 1 or brain.size == 0 or not np.all(np.isfinite(brain)):
        raise InvalidValueError(
            name="log10_brain", reason="expected a non-empty 1-D array of finite log10 FLOP/s"
        )
    if trend.unit != crit.unit:
        raise UnitMismatchError(
            name="trend",
            expected=crit.unit,
            actual=trend.unit,
            context=f"criterion {crit.name!r} compares with {crit.series}",
        )
    report_years = sorted({float(y) for y in years})
    if not all(math.isfinite(y) for y in report_years):
        raise InvalidValueError(name="years", reason="must be finite")
    targets = crit.log10_target(brain)
    samples = trend.crossing_year_samples_log10(targets, brain.size, as_generator(rng))
    samples, reached, hit = _observed_first(crit, targets, samples)
    median, p5, p95 = sample_quantiles(samples, [0.5, 0.05, 0.95])
    never = np.isposinf(samples)
    return ParityResult(
        criterion=crit,
        model=trend.model,
        n_samples=int(brain.size),
        median_year=float(median),
        p5_year=float(p5),
        p95_year=float(p95),
        probability_by={y: float(np.mean(samples <= y)) for y in report_years},
        never_fraction=float(np.mean(never)),
        samples=samples,
        trend=trend.to_dict(),
        reached_fraction=float(np.mean(reached)),
        observed=hit,
        never_reason=never_reason(trend, float(np.median(targets[never]))) if never.any() else "",
    )


def _observed_first(
    crit: Criterion, targets: NDArray[np.float64], projected: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.bool_], Reached | None]:
    """Observed dates where the data reached a target; projections no earlier than the data."""
    frame = load_any_series(crit.series)
    last = float(frame["year"].max())
    seen = first_reached_years(frame, targets)
    reached = np.isfinite(seen)
    samples = np.where(reached, seen, np.maximum(projected, last))
    median_target = float(np.quantile(targets, 0.5, method="inverted_cdf"))
    hit = first_reached_record(frame, 10.0**median_target)
    return samples, reached, hit


def forecast_parity(
    log10_brain: ArrayLike,
    criterion: str | Criterion = "hpl",
    model: str = "calibrated",
    *,
    seed: int = 0,
    years: Iterable[float] = DEFAULT_YEARS,
) -> ParityResult:
    """The library's timeline entry point: parity years on the criterion's series.

    ``model`` is ``"calibrated"`` (the default ensemble), one of the fitted models of
    :data:`~brainflops.forecast.trends.MODELS` (fitted to the whole series; ``logistic``
    needs a ceiling, so use :func:`parity_years` with your own fit) or a Dettmers scenario
    (:data:`DETTMERS_SCENARIOS`, on the ``hpcg`` criterion only). Trend draws use :func:`trend_rng` of ``seed``; give a
    :class:`Criterion` from :func:`get_criterion` for another budget or power.
    """
    crit = criterion if isinstance(criterion, Criterion) else get_criterion(criterion)
    check_dettmers_criterion(model, crit.name)
    trend: Forecaster
    if model == "calibrated":
        trend = fit_calibrated(crit.series)
    elif model in DETTMERS_SCENARIOS:
        trend = dettmers_scenario(model)
    else:
        trend = fit_model(model, crit.series, None, None)
    return parity_years(log10_brain, trend, trend_rng(seed), crit, years=years)
