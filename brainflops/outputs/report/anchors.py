"""The report's section on the biological anchors: P(transformative AI by year) with this brain."""

from __future__ import annotations

from typing import TYPE_CHECKING

from brainflops.core import fmt
from brainflops.forecast.anchors.inputs import load_variant
from brainflops.forecast.anchors.montecarlo import MAX_SAMPLES, forecast
from brainflops.models.presets import load_preset
from brainflops.outputs.plots_anchors import tai_figure
from brainflops.outputs.report.document import Section, table
from brainflops.outputs.report.figures import as_report_figure

if TYPE_CHECKING:
    from brainflops.models.model import Model

__all__ = ["anchors_section"]

_VARIANT = "cotra2020"
_YEARS = (2030, 2036, 2050, 2100)


def _year(value: int | None) -> str:
    return "after 2200" if value is None else str(value)


def anchors_section(model: Model, samples: int, seed: int) -> Section:
    """Cotra's biological anchors with this model as the brain, next to her own brain prior."""
    inputs = load_variant(_VARIANT)
    # The same seed gives this model's brain the same draws as every other section; the
    # anchors' year grid bounds the draw count.
    n = min(samples, MAX_SAMPLES)
    ours = forecast(inputs, model, n=n, seed=seed)
    cotra = forecast(inputs, load_preset(inputs.brain_preset), n=n, seed=seed)
    rows = [
        [
            label,
            _year(result.median_year),
            *(f"{100 * result.probability_by(y):.0f}%" for y in _YEARS),
        ]
        for label, result in (
            (model.title, ours),
            (f"Cotra's brain ({inputs.brain_preset})", cotra),
        )
    ]
    anchor_rows = [
        [
            row["label"],
            f"{row['weight']:.2f}",
            *(fmt.from_log10(row[q]) for q in ("p10", "p50", "p90")),
        ]
        for row in ours.anchor_rows()
    ]
    return Section(
        key="anchors",
        title="Biological anchors: when transformative AI becomes affordable",
        paragraphs=(
            (
                f"Cotra's biological-anchors model ({inputs.title}) turns a brain estimate into "
                "training-compute requirements and weighs them against what becomes affordable. "
                f"With this model as the brain, the median year is {_year(ours.median_year)} "
                f"({fmt.count(n)} draws); with Cotra's own brain prior it is "
                f"{_year(cotra.median_year)}. Inputs, sources and critiques: docs/anchors.md; "
                "`brainflops tai --brain ...` reproduces these figures."
            ),
        ),
        tables=(
            table(
                "tai",
                "Probability of transformative AI by the end of each year.",
                ("brain", "median year", *(f"P(by {y})" for y in _YEARS)),
                rows,
            ),
            table(
                "anchor-requirements",
                "Training compute each anchor requires with this brain (FLOP, 10th-90th "
                "percentile) and its weight.",
                ("anchor", "weight", "p10", "p50", "p90"),
                anchor_rows,
            ),
        ),
        figures=(
            as_report_figure(
                "tai",
                "Cumulative probability of transformative AI by year, this brain against Cotra's.",
                tai_figure([ours, cotra]),
            ),
        ),
    )
