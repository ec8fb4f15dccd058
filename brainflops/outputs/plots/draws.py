"""Charts of Monte Carlo draws: several distributions side by side, and convergence.

* :func:`distributions`: one ridge per labelled set of draws (a model's :class:`Samples`
  or plain positive values such as a distribution's draws): histogram on a log axis,
  median and 90% interval;
* :func:`convergence`: the 5th, 50th and 95th percentiles against the number of draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Union

import numpy as np

from brainflops.core.errors import DataError
from brainflops.outputs.plots import style
from brainflops.outputs.plots.charts import _log10_axis, _short

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from brainflops.uncertainty.samples import Samples

__all__ = ["convergence", "distributions"]

Draws = Union["Samples", np.ndarray]
_QUANTILES = (5.0, 50.0, 95.0)
_BINS = 50


def _log_view(draws: Draws) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Histogram counts, edges (log10) and the 5th/50th/95th percentiles of ``draws``."""
    if isinstance(draws, np.ndarray):
        values = np.asarray(draws, dtype=float)
        logs = np.log10(values[values > 0])
        if logs.size == 0:
            raise DataError("nothing to plot: no positive draws")
        counts, edges = np.histogram(logs, _BINS)
        return counts, edges, [float(v) for v in np.percentile(logs, _QUANTILES)]
    counts, edges = draws.histogram(_BINS)
    return counts, edges, [float(draws.percentile_log10(q)) for q in _QUANTILES]


def distributions(
    samples: Mapping[str, Draws],
    *,
    title: str = "",
    subtitle: str = "",
    unit: str = "FLOP/s",
    source: str = "",
) -> Figure:
    """One ridge per labelled set of draws: histogram, median and 90% interval.

    ``samples`` maps a human label to a model's :class:`Samples` or to an array of draws in
    ``unit`` (non-positive draws are left out: the axis is logarithmic). Every ridge shares
    one log10 axis, so distributions far beyond the float range still plot.

    >>> import brainflops
    >>> from brainflops.outputs.plots import distributions
    >>> model = brainflops.load_preset("mechanistic-modern")
    >>> fig = distributions({"seed 1": model.sample(500, seed=1), "seed 2": model.sample(500, seed=2)})
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['seed 1', 'seed 2']
    """
    if not samples:
        raise DataError("nothing to plot: no samples")
    fig, (ax,) = style.new_figure(
        title or "Monte Carlo distributions of the estimates",
        subtitle
        or "Histogram of each estimate's draws on a log axis; dot: median; line: 90% interval",
        height=1.7 + 0.55 * len(samples),
    )
    rows = len(samples)
    for index, draws in enumerate(samples.values()):
        base = rows - 1 - index  # the first entry on top
        colour = style.color(index % 6)  # six colours that read on white (not yellow, black)
        counts, edges, (p5, p50, p95) = _log_view(draws)
        ax.stairs(base + 0.8 * counts / max(counts.max(), 1), edges, baseline=base, fill=True,
                  color=colour, alpha=0.35, lw=0)  # fmt: skip
        ax.plot([p5, p95], [base, base], color=colour, lw=2.2, solid_capstyle="butt")
        ax.plot([p50], [base], "o", color=colour, ms=6, markeredgecolor="white")
    ax.set_yticks(range(rows)[::-1], [_short(label) for label in samples], fontsize=8)
    ax.set_ylim(-0.5, rows - 0.1)
    ax.grid(axis="y", visible=False)
    _log10_axis(ax)
    ax.set_xlabel(f"{unit} (log scale)")
    return style.finish(fig, source=source or "brainflops Monte Carlo over each input's range")


def convergence(by_size: Mapping[int, Samples], *, model_title: str = "") -> Figure:
    """The 5th, 50th and 95th percentiles of the total against the number of draws.

    ``by_size`` maps a number of draws to a run of that size (e.g. ``{n: model.sample(n)}``);
    where the lines flatten, more draws no longer change the answer.
    """
    if len(by_size) < 2:
        raise DataError("a convergence chart needs runs of at least two sizes")
    sizes = sorted(by_size)
    fig, (ax,) = style.new_figure(
        "How many draws the percentiles need",
        f"{model_title + ': ' if model_title else ''}5th, 50th and 95th percentile of the "
        f"total from {sizes[0]:,} to {sizes[-1]:,} Monte Carlo draws",
        height=4.0,
    )
    labels = []
    for index, (q, name) in enumerate(zip(_QUANTILES, ("5th", "median", "95th"), strict=True)):
        values = [float(by_size[n].percentile_log10(q)) for n in sizes]
        ax.plot(sizes, values, "o-", color=style.color(index), ms=4)
        labels.append(style.DirectLabel(sizes[-1], values[-1], name, style.color(index)))
    ax.set_xscale("log")
    ax.set_xlim(sizes[0] / 1.5, sizes[-1] * 3)  # room for the labels at the right
    style.log_axis(ax, "x", unit="")
    _log10_axis(ax, "y")
    ax.set_xlabel("Monte Carlo draws")
    ax.set_ylabel("FLOP/s (log scale)")
    style.direct_labels(ax, labels)
    return style.finish(fig, source="brainflops Monte Carlo, one seed per run size")
