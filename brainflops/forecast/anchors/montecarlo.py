"""Monte Carlo of the biological-anchors forecast: P(transformative AI by year).

For each draw of the inputs (the package's sampler: common random numbers keyed by the
seed and each input's name, log space) and each anchor, the *TAI year* is the first year
in which the effective FLOP the largest run can afford reaches the anchor's requirement.
The anchors mix with their stated weights (each anchor's draws below the low-FLOP floor
are dropped and the rest renormalised within the anchor: the "update against low FLOP");
the weight left over (one minus the sum) is on no anchor at all, i.e. never. The weights
and the floor enter at their central values; every other input is sampled.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from brainflops.core.errors import InvalidValueError
from brainflops.forecast.anchors.affordability import AFFORDABILITY_INPUTS, effective_log10
from brainflops.forecast.anchors.inputs import ANCHOR_UNITS, AnchorInputs
from brainflops.forecast.anchors.requirements import (
    ANCHORS,
    BRAIN,
    AnchorModel,
    anchor_models,
    brain_parameter,
)
from brainflops.models.model import Model
from brainflops.uncertainty.samples import draw_parameters

__all__ = [
    "HEADLINE_YEARS",
    "MAX_SAMPLES",
    "Forecast",
    "TornadoRow",
    "assumption_models",
    "forecast",
    "tornado",
]

HEADLINE_YEARS = (2030, 2036, 2050, 2100)
LAST_YEAR = 2200
MAX_SAMPLES = 100_000  # the year grid holds draws x 181 floats: about 145 MB at this size
_MIXTURE_INPUTS = (*(a.weight for a in ANCHORS), "low_flop_floor")
_REPORT_YEAR_OFFSET = 16  # the affordability model's output: effective FLOP 16 years on


def _brain_record(brain: Model) -> Any:
    source = str(brain.metadata.get("source", "")) if hasattr(brain, "metadata") else ""
    return brain_parameter(
        10.0 ** brain.central_log10(),
        source=source,
        locator=f"central value of the brain model '{brain.name}'",
        note="Draws come from the brain model's own Monte Carlo (same seed).",
    )


def assumption_models(inputs: AnchorInputs, brain: Model) -> dict[str, AnchorModel]:
    """Every input as models: one per anchor, one for affordability, one for the mixture."""
    models = anchor_models(inputs, _brain_record(brain))
    report_year = inputs.base_year + _REPORT_YEAR_OFFSET

    def affordable(x: Mapping[str, np.ndarray]) -> np.ndarray:
        year = np.array([report_year])
        return effective_log10(x, year, inputs.base_year, inputs.spend_ramp_end_year)[:, 0]

    def anchor_mass(x: Mapping[str, np.ndarray]) -> np.ndarray:
        return np.log10(sum(np.power(10.0, x[a.weight]) for a in ANCHORS))

    models["affordability"] = AnchorModel(
        f"affordable effective FLOP in {report_year}",
        {key: inputs.parameters[key] for key in AFFORDABILITY_INPUTS},
        affordable,
        ANCHOR_UNITS,
    )
    models["mixture"] = AnchorModel(
        "weight on the anchors",
        {key: inputs.parameters[key] for key in _MIXTURE_INPUTS},
        anchor_mass,
        ANCHOR_UNITS,
    )
    return models


def _check_count(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_SAMPLES:
        raise InvalidValueError("samples", f"must be a whole number from 1 to {MAX_SAMPLES}")
    return n


def draw_inputs(inputs: AnchorInputs, brain: Model, n: int, seed: int) -> dict[str, np.ndarray]:
    """log10 draws of every input in its working unit; the brain from its own model."""
    count = _check_count(n)
    draws: dict[str, np.ndarray] = {}
    for model in assumption_models(inputs, brain).values():
        for key, values in draw_parameters(model, count, seed=seed).items():
            if key not in draws and key != BRAIN:
                draws[key] = np.log10(values) + math.log10(inputs.factor(key))
    samples = brain.sample(count, seed=seed, chunk_size=count, progress=False)
    draws[BRAIN] = np.asarray(samples.log10, dtype=float)
    return draws


@dataclass(frozen=True)
class Forecast:
    """The result of one Monte Carlo run.

    Attributes
    ----------
    inputs, brain_name:
        What went in.
    years:
        The calendar years of the grid (base year to 2200).
    cdf:
        P(TAI by the end of each year).
    requirements:
        Each anchor's log10 FLOP draws after the low-FLOP update (dropped draws removed).
    weights:
        Each anchor's weight.
    """

    inputs: AnchorInputs
    brain_name: str
    seed: int
    n: int
    years: np.ndarray
    cdf: np.ndarray
    requirements: Mapping[str, np.ndarray]
    weights: Mapping[str, float]
    draws: Mapping[str, np.ndarray] = field(repr=False)

    @property
    def median_year(self) -> int | None:
        """First year by whose end P(TAI) reaches one half (None: not by 2200)."""
        return _quantile_year(self.years, self.cdf, 0.5)

    def probability_by(self, year: int) -> float:
        """P(TAI by the end of ``year``)."""
        if year < self.years[0]:
            return 0.0
        return float(self.cdf[min(int(year - self.years[0]), len(self.cdf) - 1)])

    @property
    def never_fraction(self) -> float:
        """Probability not reached by the end of 2200 (includes the weight on no anchor)."""
        return float(1.0 - self.cdf[-1])

    def anchor_rows(self) -> list[dict[str, Any]]:
        """Name, label, weight and p10/p50/p90 log10 FLOP of each anchor."""
        rows = []
        for anchor in ANCHORS:
            values = self.requirements[anchor.name]
            p10, p50, p90 = np.percentile(values, [10, 50, 90]) if len(values) else [math.nan] * 3
            rows.append(
                {
                    "name": anchor.name,
                    "label": anchor.label,
                    "weight": self.weights[anchor.name],
                    "p10": round(float(p10), 3),
                    "p50": round(float(p50), 3),
                    "p90": round(float(p90), 3),
                }
            )
        return rows

    def to_dict(self, years: Iterable[int] = HEADLINE_YEARS) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "variant": self.inputs.name,
            "title": self.inputs.title,
            "brain": self.brain_name,
            "brain_median_log10_flops": round(float(np.median(self.draws[BRAIN])), 3),
            "samples": self.n,
            "seed": self.seed,
            "median_year": self.median_year,
            "probability_by": {str(y): round(self.probability_by(y), 4) for y in years},
            "never_fraction": round(self.never_fraction, 4),
            "never_means": f"not reached by the end of {int(self.years[-1])}",
            "anchors": self.anchor_rows(),
            "inputs": {
                name: {
                    "value": p.value,
                    "unit": p.unit,
                    "low": p.low,
                    "high": p.high,
                    "provenance": p.provenance,
                    "source": p.source,
                }
                for name, p in self.inputs.parameters.items()
            },
            "overridden": list(self.inputs.overridden),
        }


def _quantile_year(years: np.ndarray, cdf: np.ndarray, q: float) -> int | None:
    reached = np.nonzero(cdf >= q)[0]
    return int(years[reached[0]]) if len(reached) else None


def _weights(inputs: AnchorInputs, scale: Mapping[str, float] | None = None) -> dict[str, float]:
    weights = {a.name: inputs.central(a.weight) for a in ANCHORS}
    total = sum(weights.values())
    if total > 1.0 + 1e-9:
        raise InvalidValueError("weights", f"the anchor weights add up to {total:g}, above 1")
    if scale:
        weights = {k: w * scale.get(k, 1.0) for k, w in weights.items()}
        rescaled = sum(weights.values())
        weights = {k: w * total / rescaled for k, w in weights.items()}
    return weights


def _cdf(
    draws: Mapping[str, np.ndarray],
    inputs: AnchorInputs,
    weights: Mapping[str, float],
    years: np.ndarray,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    affordable = effective_log10(draws, years, inputs.base_year, inputs.spend_ramp_end_year)
    floor = math.log10(inputs.central("low_flop_floor"))
    cdf = np.zeros(len(years))
    kept = {}
    for anchor in ANCHORS:
        requirement = anchor.log10_flop(draws)
        valid = requirement > floor
        kept[anchor.name] = requirement[valid]
        if not valid.any():
            continue
        first = (affordable[valid] < requirement[valid, None]).sum(axis=1)
        counts = np.bincount(first, minlength=len(years) + 1)[: len(years)]
        cdf += weights[anchor.name] * np.cumsum(counts) / valid.sum()
    return cdf, kept


def forecast(
    inputs: AnchorInputs,
    brain: Model,
    *,
    n: int = 10_000,
    seed: int = 2020,
    brain_name: str | None = None,
) -> Forecast:
    """Run the forecast.

    Parameters
    ----------
    inputs:
        A variant, possibly with changed inputs (:func:`load_variant`, :func:`load_inputs`).
    brain:
        The brain model whose FLOP/s draws feed the lifetime and neural-network anchors.
    n, seed:
        Monte Carlo draws (1 to :data:`MAX_SAMPLES`) and the seed (a non-negative integer).

    Examples
    --------
    >>> from brainflops.forecast.anchors.inputs import load_variant
    >>> from brainflops.models.presets import load_preset
    >>> result = forecast(load_variant("cotra2020"), load_preset("cotra2020"), n=2000, seed=1)
    >>> 2040 <= result.median_year <= 2060
    True
    """
    draws = draw_inputs(inputs, brain, n, seed)
    years = np.arange(inputs.base_year, LAST_YEAR + 1)
    weights = _weights(inputs)
    cdf, kept = _cdf(draws, inputs, weights, years)
    return Forecast(
        inputs=inputs,
        brain_name=brain_name or brain.name,
        seed=seed,
        n=n,
        years=years,
        cdf=cdf,
        requirements=kept,
        weights=weights,
        draws=draws,
    )


@dataclass(frozen=True)
class TornadoRow:
    """The median year with one input fixed at its 5th and at its 95th percentile."""

    name: str
    low_value: float
    high_value: float
    unit: str
    median_low: int | None
    median_high: int | None

    @property
    def swing(self) -> int:
        """Years between the two medians (a median beyond 2200 counts as 2201)."""
        low = LAST_YEAR + 1 if self.median_low is None else self.median_low
        high = LAST_YEAR + 1 if self.median_high is None else self.median_high
        return abs(high - low)


def tornado(result: Forecast) -> list[TornadoRow]:
    """Sensitivity of the median year to each uncertain input and to each anchor weight.

    Each uncertain input is fixed at its 5th and then its 95th percentile while every
    other input keeps its draws (common random numbers); the brain at the 5th and 95th
    percentiles of its draws. Each weight is halved and raised by half, the other weights
    rescaled so that their sum (the mass on all anchors) stays as stated. Rows come
    sorted by swing, largest first.
    """
    inputs, draws, years = result.inputs, result.draws, result.years
    rows = []
    uncertain = [k for k, p in inputs.parameters.items() if p.is_uncertain and k in draws]
    for name in [BRAIN, *uncertain]:
        if name == BRAIN:
            ends = np.percentile(draws[BRAIN], [5, 95])
            unit = "FLOP/s"
        else:
            parameter = inputs.parameters[name]
            low, high = parameter.distribution.interval90()
            ends = np.log10([low, high]) + math.log10(inputs.factor(name))
            unit = ANCHOR_UNITS[name]
        medians = []
        for end in ends:
            fixed = {**draws, name: np.full_like(draws[name], end)}
            cdf, _ = _cdf(fixed, inputs, result.weights, years)
            medians.append(_quantile_year(years, cdf, 0.5))
        rows.append(TornadoRow(name, 10.0 ** ends[0], 10.0 ** ends[1], unit, *medians))
    for anchor in ANCHORS:
        medians = []
        for factor in (0.5, 1.5):
            weights = _weights(inputs, {anchor.name: factor})
            cdf, _ = _cdf(draws, inputs, weights, years)
            medians.append(_quantile_year(years, cdf, 0.5))
        weight = result.weights[anchor.name]
        rows.append(TornadoRow(anchor.weight, weight * 0.5, weight * 1.5, "", *medians))
    return sorted(rows, key=lambda row: -row.swing)
