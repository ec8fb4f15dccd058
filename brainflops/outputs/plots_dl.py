"""The brain against deep learning: the training-run chart and the report section.

* :func:`training_runs_figure`: the training compute of notable ML models over time (all
  models, Epoch's frontier models, and the running record), with one horizontal line per
  brain estimate at its lifetime compute (FLOP/s x seconds to adulthood), directly labelled;
* :func:`lifetimes`: those lifetime values for a set of presets.

The report's section on deep learning (:mod:`brainflops.outputs.report.compute`) draws
the chart with these.

matplotlib is imported by the style module, so import this module only where a chart is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from brainflops.core import fmt
from brainflops.data.datasets import load_series
from brainflops.forecast.versus import default_lifetime_seconds, lifetime_flop
from brainflops.models.presets import list_presets, load_preset
from brainflops.outputs.plots.style import (
    EPOCH_CREDIT,
    GREY,
    DirectLabel,
    color,
    direct_labels,
    finish,
    log_axis,
    new_figure,
    year_axis,
)

__all__ = ["lifetimes", "training_runs_figure"]

_FIRST_YEAR = 2010.0  # the deep-learning era of Epoch's trend analyses
_AXES_SHARE = 0.68  # of the figure's width; the rest holds the direct labels


def lifetimes(
    presets: Sequence[str] | None = None, age_seconds: float | None = None
) -> dict[str, float]:
    """``{preset title: central lifetime compute in FLOP}`` for ``presets`` (default: all)."""
    names = list_presets() if presets is None else list(presets)
    out = {}
    for name in names:
        model = load_preset(name)
        out[model.title.split(":")[0]] = float(lifetime_flop(model, age_seconds))
    return out


def training_runs_figure(
    brain_lifetimes: Mapping[str, float],
    *,
    start_year: float = _FIRST_YEAR,
    age_seconds: float | None = None,
    highlight: str | None = None,
) -> Figure:
    """Training runs over time, with a line per brain estimate at its lifetime compute.

    Parameters
    ----------
    brain_lifetimes:
        ``{label: lifetime compute in FLOP}``, e.g. from :func:`lifetimes`.
    start_year:
        First year shown (default 2010).
    age_seconds:
        The age the lifetimes were computed for, for the subtitle (default 1e9 s).
    highlight:
        A label of ``brain_lifetimes`` drawn in colour; the others are grey. None colours
        every line.
    """
    age = default_lifetime_seconds() if age_seconds is None else age_seconds
    every = load_series("ml-training-all")
    frontier = load_series("ml-training-frontier")
    record = load_series("ml-training-largest")
    every = every[every["year"] >= start_year]
    frontier = frontier[frontier["year"] >= start_year]
    end_year = float(every["year"].max()) + 0.5
    fig, (ax,) = new_figure(
        "Training runs against the brain's lifetime compute",
        f"Training compute of notable ML models since {start_year:.0f} (Epoch AI, snapshot "
        f"2026-08-19). Lines: each estimate's brain FLOP/s x {fmt.sci(age)} s "
        f"(about {age / 3.156e7:.0f} years), central values. Blue: Epoch's frontier models; "
        "grey: other notable models; black: the largest run to date.",
        width=8.5,
        height=5.2,
    )
    ax.scatter(every["year"], every["value [FLOP]"], s=7, color="#BBBBBB", zorder=2)
    ax.scatter(frontier["year"], frontier["value [FLOP]"], s=12, color=color(0), zorder=3)
    start_value = float(record.loc[record["year"] <= start_year, "value [FLOP]"].iloc[-1])
    steps = record[record["year"] > start_year]
    xs = [start_year, *steps["year"].tolist(), end_year]
    ys = [start_value, *steps["value [FLOP]"].tolist(), float(steps["value [FLOP]"].iloc[-1])]
    ax.step(xs, ys, where="post", color="#000000", lw=1.2, zorder=4)
    labels = [DirectLabel(end_year, ys[-1], "largest run to date", "#000000")]
    grouped: dict[float, list[str]] = {}
    for label, value in brain_lifetimes.items():  # equal lifetimes share one line and label
        grouped.setdefault(float(f"{value:.4g}"), []).append(label)
    for index, (value, names) in enumerate(sorted(grouped.items())):
        # Six palette colours that read well as thin lines and text (not yellow, not black).
        shade = color(index % 6) if highlight is None or highlight in names else GREY
        ax.axhline(value, color=shade, lw=1.0, ls="--", zorder=1)
        labels.append(DirectLabel(end_year, value, f"{', '.join(names)}: {fmt.sci(value)}", shade))
    engine = fig.get_layout_engine()
    assert isinstance(engine, ConstrainedLayoutEngine)  # new_figure sets one
    left, bottom, width, height = engine.get()["rect"]
    engine.set(rect=(left, bottom, width * _AXES_SHARE, height))  # room for the labels
    ax.set_xlim(start_year, end_year)
    values = [*every["value [FLOP]"], *brain_lifetimes.values()]
    ax.set_ylim(min(values) / 3, max(values) * 3)
    log_axis(ax, "y", unit="FLOP")
    year_axis(ax)
    ax.set_ylabel("training compute (FLOP)")
    direct_labels(ax, labels, fontsize=7.0)
    return finish(
        fig,
        source="Epoch AI, Data on Notable AI Models; brainflops presets (brainflops versus)",
        credit=EPOCH_CREDIT,
    )
