"""Figures for the biological-anchors forecast (matplotlib, no pyplot state).

* :func:`tai_figure`: P(transformative AI by year), one curve per forecast.
* :func:`anchors_figure`: each anchor's 10th-90th percentile of training FLOP on a log axis,
  with the effective FLOP the largest run affords in a few years marked for comparison.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from brainflops.forecast.anchors.affordability import effective_log10
from brainflops.forecast.anchors.forecast import Forecast

__all__ = ["OKABE_ITO", "anchors_figure", "tai_figure"]

#: Okabe-Ito colour-blind-safe palette (black first).
OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
             "#CC79A7")  # fmt: skip
_CREDIT = (
    "Method: Cotra (2020, 2022) biological anchors, inputs via secondary sources "
    "(docs/anchors.md). Chart: brainflops."
)


def tai_figure(results: Sequence[Forecast], *, last_year: int = 2100) -> Figure:
    """Cumulative probability of transformative AI by year, one labelled curve per result."""
    fig = Figure(figsize=(8.0, 5.0), layout="constrained")
    ax = fig.add_subplot()
    for index, result in enumerate(results):
        shown = result.years <= last_year
        colour = OKABE_ITO[(index + 1) % len(OKABE_ITO)]
        median = result.median_year
        ax.step(result.years[shown], result.cdf[shown], where="post", color=colour)
        label = f"{result.inputs.name}, brain {result.brain_name}: median {median or '>2200'}"
        ax.annotate(
            label,
            (last_year, result.cdf[shown][-1]),
            color=colour,
            fontsize=8,
            ha="right",
            va="bottom",
        )
    first = int(min(r.years[0] for r in results))
    ax.set_xlim(first, last_year)
    ax.set_ylim(0, 1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel("year")
    ax.set_ylabel("probability of transformative AI by the end of the year")
    n = results[0].n if results else 0
    fig.suptitle("When could the largest training run afford a brain-anchored requirement?")
    ax.set_title(f"Biological-anchors Monte Carlo, {n:,} draws per curve", fontsize=9)
    fig.supxlabel(_CREDIT, fontsize=7, color="#555555", x=0.01, ha="left")
    ax.grid(True, alpha=0.3)
    return fig


def anchors_figure(result: Forecast, *, years: Sequence[int] = (2020, 2030, 2050)) -> Figure:
    """Each anchor's 10th-90th percentile (bar) and median (dot) in log10 FLOP.

    Dashed lines mark the median effective FLOP (base-year algorithms) that the largest run
    affords in each of ``years``.
    """
    rows = result.anchor_rows()
    fig = Figure(figsize=(8.0, 4.5), layout="constrained")
    ax = fig.add_subplot()
    for index, row in enumerate(rows):
        colour = OKABE_ITO[(index + 1) % len(OKABE_ITO)]
        ax.plot(
            [row["p10"], row["p90"]],
            [index, index],
            color=colour,
            linewidth=6,
            solid_capstyle="butt",
        )
        ax.plot([row["p50"]], [index], "o", color="black")
        ax.annotate(
            f"{row['label']} ({row['weight']:.0%})",
            (row["p90"], index),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    inputs = result.inputs
    affordable = effective_log10(
        result.draws, np.asarray(years), inputs.base_year, inputs.spend_ramp_end_year
    )
    for year, level in zip(years, np.median(affordable, axis=0), strict=True):
        ax.axvline(level, color="#555555", linestyle="--", linewidth=1)
        ax.text(
            level, 1.01, str(year), transform=ax.get_xaxis_transform(), fontsize=8, ha="center"
        )
    ax.set_yticks([])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"$10^{{{v:.0f}}}$"))
    ax.set_xlabel("training FLOP with base-year algorithms")
    fig.suptitle("Training compute each biological anchor requires")
    ax.set_title(
        f"{inputs.name}, brain {result.brain_name}: bars 10th-90th percentile, dots "
        "median; dashed: affordable that year\n",
        fontsize=8,
    )
    ax.set_xlim(right=max(r["p90"] for r in rows) + 4)
    fig.supxlabel(_CREDIT, fontsize=7, color="#555555", x=0.01, ha="left")
    return fig
