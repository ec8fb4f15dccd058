"""Charts of the biological-anchors forecast, in the package's style.

* :func:`tai_figure`: P(transformative AI by year), one directly labelled curve per forecast.
* :func:`anchors_figure`: each anchor's 10th-90th percentile of training FLOP as a band
  against Epoch AI's notable training runs and the FLOP the largest run can buy.
* :func:`tornado_figure`: the median year with each input at its 5th and 95th percentile.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from brainflops.core import fmt
from brainflops.core.errors import BrainflopsError
from brainflops.data.ml_models import training_series
from brainflops.forecast.anchors.affordability import flop_per_dollar_log10, spend_log10
from brainflops.forecast.anchors.inputs import INPUT_TITLES
from brainflops.forecast.anchors.montecarlo import LAST_YEAR, Forecast, TornadoRow
from brainflops.models.presets import load_preset
from brainflops.outputs.plots import style

__all__ = ["anchors_figure", "tai_figure", "tornado_figure"]

_METHOD = "Cotra (2020, 2022) biological anchors, inputs via secondary sources; brainflops tai"


def _room_for_labels(ax: Axes, first: int, last: int, share: float = 0.4) -> None:
    """Years ``first``..``last`` on the x axis, with empty room on the right for labels."""
    ax.set_xlim(first, last + share * (last - first))
    style.year_axis(ax)
    ax.set_xticks([t for t in ax.get_xticks() if first <= t <= last])
    ax.spines["bottom"].set_bounds(first, last)


def _brain_title(name: str) -> str:
    """The brain preset's human title (its part before any colon), or ``name`` if not a preset."""
    try:
        return load_preset(name).title.split(":")[0]
    except BrainflopsError:  # a brain given as a number or a file: its name is all there is
        return name


def _median_text(result: Forecast) -> str:
    return str(result.median_year) if result.median_year else f"after {LAST_YEAR}"


def _short_inputs(title: str) -> str:
    """An input set's title up to its first comma or colon ("Cotra (2020)")."""
    return title.split(":", maxsplit=1)[0].split(",", maxsplit=1)[0]


def tai_figure(results: Sequence[Forecast], *, last_year: int = 2100) -> Figure:
    """Cumulative probability of transformative AI by year, one labelled curve per result."""
    if not results:
        raise ValueError("tai_figure needs at least one forecast")
    titles = list(dict.fromkeys(r.inputs.title for r in results))
    variants = "; ".join(titles)  # titles hold commas of their own
    fig, (ax,) = style.new_figure(
        "Probability of transformative AI by year, biological anchors",
        f"{variants}; {results[0].n:,} Monte Carlo draws per curve; each curve ends at its "
        f"share by {last_year} (the rest comes later or never)",
    )
    labels = []
    for index, result in enumerate(results):
        shown = result.years <= last_year
        colour = style.color(index)
        ax.step(result.years[shown], result.cdf[shown], where="post", color=colour, lw=1.8)
        # Two short lines: a brain's title beside the curve would run off the figure.
        text = f"brain: {_brain_title(result.brain_name)}\nmedian {_median_text(result)}"
        if len(titles) > 1:  # curves of different input sets: say which set each one is
            text = f"{_short_inputs(result.inputs.title)}, {text}"
        labels.append(style.DirectLabel(last_year, float(result.cdf[shown][-1]), text, colour))
    _room_for_labels(ax, int(min(r.years[0] for r in results)), last_year, 0.7)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_ylabel("P(transformative AI by the end of the year)")
    style.direct_labels(ax, labels, fontsize=7.5, min_gap_pt=22.0)
    return style.finish(fig, source=_METHOD)


def anchors_figure(result: Forecast, *, until: int = 2060) -> Figure:
    """Each anchor's 10th-90th percentile band (base-year algorithms) against training runs.

    Dots are Epoch AI's frontier training runs; the black line is the largest run to date.
    The dashed line is the median FLOP the largest run can buy (FLOP per dollar x spend,
    without algorithmic progress, which lowers the bands instead).
    """
    inputs = result.inputs
    fig, (ax,) = style.new_figure(
        "Training compute each biological anchor requires, and the largest runs so far",
        f"{inputs.title}; brain: {_brain_title(result.brain_name)}; bands: 10th-90th percentile with "
        f"{inputs.base_year} algorithms, line: median",
        height=5.0,
    )
    frontier = training_series("frontier")
    largest = training_series("largest")
    ax.scatter(frontier["year"], frontier["value [FLOP]"], s=8, color=style.GREY, alpha=0.6,
               label="frontier training runs", zorder=3)  # fmt: skip
    ax.step(largest["year"], largest["value [FLOP]"], where="post", color="#000000", lw=1.2,
            label="largest run to date", zorder=3)  # fmt: skip
    years = np.arange(inputs.base_year, until + 1)
    buyable = flop_per_dollar_log10(result.draws, years, inputs.base_year) + spend_log10(
        result.draws, years, inputs.base_year, inputs.spend_ramp_end_year
    )
    ax.plot(years, 10.0 ** np.median(buyable, axis=0), "--", color="#000000", lw=1.0,
            label="FLOP the largest run can buy (median)")  # fmt: skip
    start = 2010
    labels = []
    for index, row in enumerate(result.anchor_rows()):
        colour = style.color(index)
        ax.fill_between([start, until], 10.0 ** row["p10"], 10.0 ** row["p90"], color=colour,
                        alpha=0.1, lw=0)  # fmt: skip
        ax.plot([start, until], [10.0 ** row["p50"]] * 2, color=colour, lw=1.2)
        text = f"{row['label']} ({row['weight']:.0%})"
        labels.append(style.DirectLabel(until, 10.0 ** row["p50"], text, colour))
    _room_for_labels(ax, start, until, 0.45)
    ax.set_ylim(1e17, 1e46)
    style.log_axis(ax, "y", unit="FLOP")
    ax.set_ylabel("training FLOP")
    ax.legend(fontsize=7.5, frameon=False, loc="upper left")
    style.direct_labels(ax, labels, fontsize=7.5)
    return style.finish(fig, source=_METHOD, credit=style.EPOCH_CREDIT)


def tornado_figure(rows: Sequence[TornadoRow], result: Forecast, *, bars: int = 12) -> Figure:
    """The median year with each input (or weight) at its 5th and 95th percentile."""
    shown = list(rows[:bars])
    base = result.median_year or LAST_YEAR + 1
    fig, (ax,) = style.new_figure(
        "Which inputs move the median year of transformative AI",
        f"{result.inputs.title}; brain: {_brain_title(result.brain_name)}; each input fixed at its 5th and "
        f"95th percentile (weights halved and raised by half), the others sampled",
        height=1.8 + 0.34 * max(len(shown), 1),
    )
    y = np.arange(len(shown))[::-1]
    for offset, attribute, colour in ((0, "median_low", 0), (1, "median_high", 1)):
        ends = np.array([getattr(r, attribute) or LAST_YEAR + 1 for r in shown], dtype=float)
        ax.barh(y, ends - base, left=base, color=style.color(colour), height=0.6,
                zorder=2 + offset)  # fmt: skip
    ax.axvline(base, color="#222222", lw=0.8)
    ax.set_yticks(y, [fmt.label(r.name, INPUT_TITLES) for r in shown], fontsize=8)
    ax.grid(axis="y", visible=False)
    style.year_axis(ax)
    ax.set_xlabel("median year of transformative AI")
    handles = [
        Line2D([], [], color=style.color(0), lw=6, label="input at its 5th percentile"),
        Line2D([], [], color=style.color(1), lw=6, label="input at its 95th percentile"),
    ]
    ax.legend(handles=handles, fontsize=7.5, frameon=False, loc="lower right")
    return style.finish(fig, source=_METHOD)
