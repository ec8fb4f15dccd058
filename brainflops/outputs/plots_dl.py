"""The brain against deep learning: the training-run chart and the report section.

* :func:`training_runs_figure`: the training compute of notable ML models over time (all
  models, Epoch's frontier models, and the running record), with one horizontal line per
  brain estimate at its lifetime compute (FLOP/s x seconds to adulthood), directly labelled;
* :func:`lifetimes`: those lifetime values for a set of presets;
* :func:`operation_shares_figure`: where each network's forward FLOP go, by kind of operation;
* :func:`energy_figure`: FLOP per joule of accelerators against the brain's.

The report's section on deep learning (:mod:`brainflops.outputs.report.compute`) draws
the chart with these.

matplotlib is imported by the style module, so import this module only where a chart is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import FuncFormatter

from brainflops.core import fmt
from brainflops.data.datasets import load_series
from brainflops.forecast.versus import VersusResult, default_lifetime_seconds, lifetime_flop
from brainflops.models.presets import list_presets, load_preset
from brainflops.ops.networks import Network
from brainflops.outputs.plots.style import (
    EPOCH_CREDIT,
    GREY,
    LIGHT_GREY,
    DirectLabel,
    color,
    direct_labels,
    finish,
    log_axis,
    new_figure,
    year_axis,
)

__all__ = ["energy_figure", "lifetimes", "operation_shares_figure", "training_runs_figure"]

_FIRST_YEAR = 2010.0  # the deep-learning era of Epoch's trend analyses
_AXES_SHARE = 0.6  # of the figure's width; the rest holds the direct labels
_MIN_SHARE = 0.005  # operation kinds below this share in every network are summed as "other"
#: Human names of the operation kinds of :mod:`brainflops.ops.operations`.
_KIND_TITLES = {
    "conv": "convolution",
    "conv2d": "convolution",
    "dense": "dense layers",
    "matmul": "attention products",
    "max_pool": "pooling",
    "pool": "pooling",
    "activation": "activations",
    "dropout": "dropout",
    "add": "residual sums",
    "softmax": "softmax",
    "norm": "normalisation",
    "embedding": "embedding lookup",
}


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


def _shares_by_kind(networks: Sequence[Network]) -> dict[str, list[float]]:
    """``{kind title: [share of each network's forward FLOP]}``, small kinds as "other"."""
    by_title: list[dict[str, float]] = []
    for network in networks:
        flops = network.flops_by_kind()
        total = sum(flops.values())
        shares: dict[str, float] = {}
        for kind, value in flops.items():
            title = _KIND_TITLES.get(kind, kind)
            shares[title] = shares.get(title, 0.0) + value / total
        by_title.append(shares)
    titles = list(dict.fromkeys(t for shares in by_title for t in shares))
    kept = [t for t in titles if max(s.get(t, 0.0) for s in by_title) >= _MIN_SHARE]
    out = {t: [s.get(t, 0.0) for s in by_title] for t in kept}
    other = [sum(v for t, v in s.items() if t not in kept) for s in by_title]
    if any(v > 0 for v in other):
        out[f"other (each under {_MIN_SHARE:.1%})"] = other
    return out


def operation_shares_figure(networks: Sequence[Network]) -> Figure:
    """One stacked bar per network: the share of its forward FLOP in each kind of operation.

    Kinds are named in words (convolution, dense layers, attention products, ...); kinds
    under 0.5% in every network are summed as "other".
    """
    shares = _shares_by_kind(networks)
    fig, (ax,) = new_figure(
        "Where deep networks spend their forward FLOP",
        "Share of forward FLOP per input by kind of operation, computed from each network's "
        "layer shapes by the same cost function as the brain's stages (1 multiply-add = 2 FLOP)",
        width=8.0,
        height=2.4 + 0.45 * len(networks),
    )
    y = list(range(len(networks)))[::-1]
    left = [0.0] * len(networks)
    for index, (title, values) in enumerate(shares.items()):
        shade = LIGHT_GREY if title.startswith("other") else color(index)
        ax.barh(y, values, left=left, color=shade, height=0.6, label=title, zorder=2)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(y, [network.title for network in networks], fontsize=8.5)
    ax.set_xlim(0.0, 1.0)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.share(v)))
    ax.set_xlabel("share of forward FLOP")
    ax.grid(axis="y", visible=False)
    ax.legend(
        fontsize=7.5,
        frameon=False,
        ncols=min(len(shares), 5),
        loc="upper left",
        bbox_to_anchor=(0.0, -0.22),
    )
    return finish(fig, source="brainflops.ops.networks (layer shapes and op_flops)")


def energy_figure(result: VersusResult) -> Figure:
    """FLOP per joule of each accelerator (dense 16-bit peak over board power) and the brain's.

    The brain's is its FLOP/s (central value and 90% interval of ``result``) over its power.
    """
    payload = result.to_dict()
    brain = payload["energy"]["brain_flop_per_joule"]
    devices = payload["energy"]["devices"]
    fig, (ax,) = new_figure(
        "Energy per operation: accelerators and the brain",
        f"Accelerators: dense FP16/BF16 tensor peak over board power (Epoch AI). Brain: "
        f"{result.title}, FLOP/s over {result.brain_power_w:g} W; band: 90% "
        f"interval of {result.samples:,} draws",
        width=8.0,
        height=2.2 + 0.4 * len(devices),
    )
    y = list(range(len(devices)))[::-1]
    ax.barh(y, [d["flop_per_joule"] for d in devices], color=color(0), height=0.55, zorder=2)
    ax.set_yticks(y, [d["name"] for d in devices], fontsize=8.5)
    brain_color = color(1)
    ax.axvspan(brain["p5"], brain["p95"], color=brain_color, alpha=0.15, lw=0, zorder=1)
    ax.axvline(brain["central"], color=brain_color, ls="--", lw=1.2, zorder=3)
    values = [d["flop_per_joule"] for d in devices] + [brain["p5"], brain["p95"]]
    ax.set_xlim(min(values) / 10, max(values) * 10)
    log_axis(ax, "x", unit="FLOP/J", labels="si")
    ax.set_ylim(-0.6, len(devices) - 0.4 + 0.6)
    ax.annotate(
        f"the brain: {fmt.si(brain['central'], 'FLOP/J', digits=2)}",
        (brain["central"], len(devices) - 0.5),
        xytext=(4, 0),
        textcoords="offset points",
        fontsize=8,
        color=brain_color,
        va="center",
    )
    ax.set_xlabel("FLOP per joule")
    ax.grid(axis="y", visible=False)
    return finish(
        fig,
        source=f"brainflops versus --preset {result.preset}; Epoch AI hardware data",
        credit=EPOCH_CREDIT,
    )
