"""The estimate's charts: distribution, breakdown, tornado, comparison and roofline.

Each function takes the package's own result objects and returns a styled
:class:`matplotlib.figure.Figure` (see :mod:`brainflops.outputs.plots.style`); labels are
human titles, never internal ids. Values that may exceed the float range are plotted on a
log10 axis labelled with powers of ten.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, Formatter, FuncFormatter, MaxNLocator

from brainflops.core import fmt
from brainflops.core.errors import BrainflopsError, DataError
from brainflops.outputs.plots import style
from brainflops.outputs.plots.style import short_label

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from brainflops.hardware.plan import HardwarePlan
    from brainflops.models.literature import ReferenceLine
    from brainflops.models.model import Model
    from brainflops.uncertainty.samples import Samples
    from brainflops.uncertainty.sensitivity import Elasticities, Tornado
    from brainflops.uncertainty.sobol import SobolIndices

__all__ = [
    "breakdown",
    "comparison",
    "distribution",
    "elasticities",
    "roofline",
    "sensitivity",
    "sobol",
    "tornado",
]

_MAX_BARS = 12  # bars beyond this are summed into "all others"
_LEGEND_ROWS = 3  # empty rows under the comparison's estimates, for its "for scale" legend
_LABEL_CHARS = 58


def _log10_axis(ax: Axes, axis: str = "x") -> None:
    """A linear axis in log10 units labelled as powers of ten (works beyond float range).

    A span holding fewer than two whole-decade ticks gets ticks at 1, 2 and 5 times a power
    of ten, or evenly spaced ones when it is narrower still, labelled with as many digits
    as keep them distinct (never two ticks both written "10^21").
    """
    target = ax.xaxis if axis == "x" else ax.yaxis
    low, high = sorted(ax.get_xlim() if axis == "x" else ax.get_ylim())
    if math.floor(high) - math.ceil(low) >= 1:
        target.set_major_locator(MaxNLocator(nbins=9, integer=True))
        target.set_major_formatter(FuncFormatter(lambda v, _: f"$10^{{{v:.0f}}}$"))
        return
    ticks = [
        exponent + math.log10(mantissa)
        for exponent in range(math.floor(low), math.ceil(high) + 1)
        for mantissa in (1, 2, 5)
        if low <= exponent + math.log10(mantissa) <= high
    ]
    # A span too narrow for two such ticks gets evenly spaced ones.
    target.set_major_locator(FixedLocator(ticks) if len(ticks) >= 2 else MaxNLocator(nbins=5))
    target.set_major_formatter(_MantissaPowerFormatter())


def _mantissa_power(log10_value: float, digits: int = 2) -> str:
    """``2 × 10^20`` (mathtext) for log10 2e20; ``10^21`` for a whole decade."""
    exponent = math.floor(log10_value + 1e-9)
    mantissa = f"{10 ** (log10_value - exponent):.{digits}g}"
    power = f"10^{{{exponent}}}"
    return f"${power}$" if mantissa == "1" else f"${mantissa} \\times {power}$"


class _MantissaPowerFormatter(Formatter):
    """:func:`_mantissa_power` labels with as many digits as keep every tick distinct."""

    def __call__(self, x: float, pos: int | None = None) -> str:  # noqa: ARG002 - matplotlib API
        return _mantissa_power(x)

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        labels = [_mantissa_power(v) for v in values]
        for digits in range(3, 8):  # a span of a few hundredths of a decade needs more
            if len(set(labels)) == len(labels):
                break
            labels = [_mantissa_power(v, digits) for v in values]
        return labels


def _preset_title(name: str) -> str | None:
    """A built-in preset's title; None for a name that is not one (a scenario, a row of
    the caller's own table), which is then matched by its row name alone."""
    from brainflops.models.presets import load_preset  # noqa: PLC0415 - loaded on use

    try:
        return load_preset(name).title
    except BrainflopsError:
        return None


def _short(text: str, width: int = _LABEL_CHARS) -> str:
    return short_label(text, width)


def _titles(model: Model | None) -> dict[str, str]:
    """Human titles of a model's parameters where it declares them (``metadata.titles``)."""
    if model is None:
        return {}
    return dict(model.metadata.get("titles", {}))


def distribution(
    samples: Samples, *, title: str = "", model_title: str = "", source: str = ""
) -> Figure:
    """Histogram of Monte Carlo draws of the total, with the median and the 90% interval.

    >>> import brainflops
    >>> from brainflops.outputs.plots import distribution
    >>> fig = distribution(brainflops.load_preset("mechanistic-modern").sample(2000, seed=1))
    >>> " ".join(fig.texts[0].get_text().split())  # the title, wrapped to the figure
    "How much computation the brain performs: the model's uncertainty"
    """
    p5, p50, p95 = (float(samples.percentile_log10(q)) for q in (5, 50, 95))
    subtitle = (
        f"{model_title + ': ' if model_title else ''}{samples.n:,} Monte Carlo draws; median "
        f"{fmt.from_log10(p50, 'FLOP/s')}, 90% interval {fmt.from_log10(p5)} to "
        f"{fmt.from_log10(p95, 'FLOP/s')}"
    )
    fig, (ax,) = style.new_figure(
        title or "How much computation the brain performs: the model's uncertainty",
        subtitle,
        height=4.2,
    )
    counts, edges = samples.histogram(60)
    ax.stairs(counts / samples.n, edges, fill=True, color=style.color(0), alpha=0.35)
    ax.stairs(counts / samples.n, edges, color=style.color(0), lw=1)
    ax.axvspan(p5, p95, color=style.color(0), alpha=0.08, lw=0)
    top = float(np.max(counts / samples.n)) if len(counts) else 1.0
    ax.set_ylim(0, top * 1.3)
    for value, text, align in (
        (p5, "5th percentile", "right"),
        (p50, "median", "center"),
        (p95, "95th percentile", "left"),
    ):
        ax.axvline(value, color=style.GREY, lw=1, ls="-" if text == "median" else ":")
        ax.annotate(
            text,
            (value, top * 1.2),
            ha=align,
            va="bottom",
            fontsize=8,
            color=style.GREY,
            xytext=(0, 2),
            textcoords="offset points",
        )
    _log10_axis(ax)
    ax.set_xlabel("FLOP/s (log scale)")
    ax.set_ylabel("share of draws")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.share(v)))
    return style.finish(fig, source=source or "brainflops Monte Carlo over each input's range")


def breakdown(model: Model, *, source: str = "") -> Figure:
    """FLOP/s of every population and pipeline stage at the central values (log scale)."""
    frame = model.breakdown()
    log10 = np.log10(frame["flops"].to_numpy(float).clip(min=1e-300))
    labels = [
        _short(f"{fmt.label(p)}: {fmt.label(s).lower()}")
        for p, s in zip(frame["population"], frame["stage"], strict=True)
    ]
    shares = frame["share"].to_numpy(float)
    order = np.argsort(-log10)
    if len(order) > _MAX_BARS:
        rest = order[_MAX_BARS - 1 :]
        order = order[: _MAX_BARS - 1]
        extra = (
            f"all other {len(rest)} stages",
            float(np.log10(frame["flops"].iloc[rest].sum())),
            float(shares[rest].sum()),
        )
    else:
        extra = None
    rows = [(labels[i], float(log10[i]), float(shares[i])) for i in order]
    if extra:
        rows.append(extra)
    fig, (ax,) = style.new_figure(
        "Where the computation goes",
        f"{model.title}: FLOP/s of each stage at the inputs' central values; total "
        f"{fmt.from_log10(model.central_log10(), 'FLOP/s')}",
        height=1.6 + 0.34 * len(rows),
    )
    y = np.arange(len(rows))[::-1]
    low = min(r[1] for r in rows) - 1
    ax.barh(y, [r[1] - low for r in rows], left=low, color=style.color(0), height=0.6)
    ax.set_yticks(y, [r[0] for r in rows], fontsize=8)
    for yy, (_, value, share) in zip(y, rows, strict=True):
        ax.annotate(
            f"{fmt.from_log10(value)} ({fmt.share(share)})",
            (value, yy),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=7.5,
        )
    ax.set_xlim(low, max(r[1] for r in rows) + 0.35 * (max(r[1] for r in rows) - low + 1))
    _log10_axis(ax)
    ax.set_xlabel("FLOP/s (log scale)")
    ax.grid(axis="y", visible=False)
    return style.finish(fig, source=source or f"brainflops preset {model.name}")


def tornado(
    result: Tornado, *, model: Model | None = None, titles: Mapping[str, str] | None = None
) -> Figure:
    """One bar per uncertain input: the total with that input at its 5th and 95th percentile."""
    names = list(result.names[:_MAX_BARS])
    label_titles = {**_titles(model), **(titles or {})}
    labels = [_short(fmt.label(n, label_titles), 40) for n in names]
    base = result.base_log10
    fig, (ax,) = style.new_figure(
        "Which assumptions matter most",
        f"{model.title if model else result.model}: the total as each input moves over "
        "its 90% interval, others at their median",
        height=1.8 + 0.34 * max(len(names), 1),
    )
    y = np.arange(len(names))[::-1]
    low = np.array(result.output_low[: len(names)]) - base
    high = np.array(result.output_high[: len(names)]) - base
    # A structural row's ends are whole alternatives, not percentiles: hatched, and named
    # in the legend.
    hatch = ["//" if name == result.structural else "" for name in names]
    ax.barh(y, low, left=base, color=style.color(0), height=0.6, hatch=hatch)
    ax.barh(y, high, left=base, color=style.color(1), height=0.6, hatch=hatch)
    ax.axvline(base, color="#222222", lw=0.8)
    ax.set_yticks(y, labels, fontsize=8)
    ax.grid(axis="y", visible=False)
    _log10_axis(ax)
    ax.set_xlabel("total FLOP/s (log scale)")
    handles: list[Artist] = [
        Line2D([], [], color=style.color(0), lw=6, label="input at its 5th percentile"),
        Line2D([], [], color=style.color(1), lw=6, label="input at its 95th percentile"),
    ]
    if result.structural in names:
        handles += [
            Patch(
                facecolor=style.color(0), hatch="//", label=f"{result.alternative_low} (lowest)"
            ),
            Patch(
                facecolor=style.color(1), hatch="//", label=f"{result.alternative_high} (highest)"
            ),
        ]
    ax.legend(handles=handles, fontsize=7.5, frameon=False, loc="lower right")
    return style.finish(fig, source=f"brainflops sensitivity --method tornado ({result.model})")


def elasticities(result: Elasticities, *, model: Model | None = None) -> Figure:
    """Bars of ``d ln F / d ln x`` at the central values, largest magnitude on top."""
    names = list(result.names[:_MAX_BARS])
    labels = [_short(fmt.label(n, _titles(model)), 40) for n in names]
    values = np.array(result.values[: len(names)])  # noqa: PD011 - a tuple, not pandas
    fig, (ax,) = style.new_figure(
        "How strongly the estimate responds to each input",
        f"{model.title if model else result.model}: elasticity d ln F / d ln x at the central "
        "values (1: the total scales in proportion)",
        height=1.8 + 0.34 * max(len(names), 1),
    )
    y = np.arange(len(names))[::-1]
    ax.barh(y, values, color=[style.color(0) if v >= 0 else style.color(1) for v in values])
    ax.axvline(0, color="#222222", lw=0.8)
    ax.set_yticks(y, labels, fontsize=8)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("elasticity")
    return style.finish(fig, source=f"brainflops sensitivity --method elasticity ({result.model})")


def sobol(result: SobolIndices, *, model: Model | None = None) -> Figure:
    """First-order and total Sobol' indices per input, with their confidence half-widths."""
    names = list(result.names[:_MAX_BARS])
    labels = [_short(fmt.label(n, _titles(model)), 40) for n in names]
    fig, (ax,) = style.new_figure(
        "Which inputs explain the spread of the estimate",
        f"{model.title if model else result.model}: Sobol' indices of log10 FLOP/s "
        f"({result.evaluations:,} evaluations, inputs independent)",
        height=1.9 + 0.45 * max(len(names), 1),
    )
    y = np.arange(len(names))[::-1].astype(float)
    k = len(names)
    ax.barh(
        y + 0.2,
        result.first[:k],
        height=0.4,
        xerr=result.first_conf[:k],
        color=style.color(0),
        label="first order (alone)",
    )
    ax.barh(
        y - 0.2,
        result.total[:k],
        height=0.4,
        xerr=result.total_conf[:k],
        color=style.color(1),
        label="total (with interactions)",
    )
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlim(0, 1.05)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.share(v)))
    ax.set_xlabel("share of the variance of log10 FLOP/s")
    ax.legend(fontsize=7.5, frameon=False, loc="lower right")
    return style.finish(fig, source=f"brainflops sensitivity --method sobol ({result.model})")


def sensitivity(
    result: Elasticities | Tornado | SobolIndices, *, model: Model | None = None
) -> Figure:
    """The chart of any sensitivity result: :func:`elasticities`, :func:`tornado` or
    :func:`sobol` by its type."""
    from brainflops.uncertainty import sensitivity as analysis  # noqa: PLC0415
    from brainflops.uncertainty.sobol import SobolIndices  # noqa: PLC0415

    if isinstance(result, analysis.Tornado):
        return tornado(result, model=model)
    if isinstance(result, SobolIndices):
        return sobol(result, model=model)
    return elasticities(result, model=model)


#: Bounds are drawn as triangles pointing to the side the true figure lies on.
_KIND_MARKERS = {"upper bound": "<", "lower bound": ">"}


def _comparison_rows(table: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    from brainflops.models.literature import GROUP_ORDER  # noqa: PLC0415 - layer below

    groups = list(dict.fromkeys(table["group"]))
    ordered = [g for g in GROUP_ORDER if g in groups] + sorted(
        g for g in groups if g not in GROUP_ORDER
    )
    return [
        (g, table[table["group"] == g].sort_values(["central", "year", "preset"])) for g in ordered
    ]


def _row_label(row: Mapping[str, Any]) -> str:
    text = _short(str(row["title"]))
    if row.get("headline") == "our conversion":
        text = f"{text} [FLOP/s: our conversion]"
    year = row.get("year")
    return f"{text} ({year})" if year and f"({year})" not in text else text


def comparison(
    table: pd.DataFrame | None = None,
    *,
    presets: Sequence[str] | None = None,
    highlight: str | None = None,
    references: Sequence[ReferenceLine] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Figure:
    """Every published estimate on one log axis, grouped by method.

    A dot marks each estimate's central value, a bar its 90% interval; upper bounds are
    left-pointing triangles, lower bounds right-pointing ones. A row whose FLOP/s figure is
    brainflops' conversion of the source's unit says so in its label. ``highlight`` names a row (preset) drawn in
    black and bold, e.g. the model a report is about; ``extra`` adds that model as a row of
    its own (keys ``title``, ``central``, ``low``, ``high``) when it is not a published
    estimate.
    """
    from brainflops.models import literature  # noqa: PLC0415 - layer below, loaded on use

    if table is None:
        table = literature.comparison_table(presets)
    if table.empty:
        raise DataError("nothing to plot: the comparison table is empty")
    refs = literature.reference_lines() if references is None else list(references)
    blocks = _comparison_rows(table)
    # A preset is listed under its default variant ("dettmers2015:cerebellar"): match titles.
    highlight_title = _preset_title(highlight) if highlight else None
    if extra is not None:
        import pandas as pd  # noqa: PLC0415

        row = {"preset": "__model__", "group": "this model", "year": None, **extra}
        blocks.insert(0, ("this model", pd.DataFrame([row])))
    n_rows = sum(len(rows) + 1 for _, rows in blocks) + (_LEGEND_ROWS if refs else 0)
    fig, (ax,) = style.new_figure(
        "Published estimates of the brain's computation",
        f"Central value and 90% interval of each estimate, in FLOP/s (operations converted "
        f"to FLOP as each preset states); as of {date.today():%B %Y}",
        width=9.0,
        height=2.4 + 0.27 * n_rows,
    )
    y = 0.0
    ticks, labels, bold = [], [], []
    for index, (group, rows) in enumerate(blocks):
        # Six palette colours that read as text on white (yellow does not), black for the model.
        colour = {"this model": "#000000", "brainflops": style.GREY}.get(
            group, style.color(index % 6)
        )
        ax.text(
            0.0,
            y,
            literature.GROUP_TITLES.get(group, group.capitalize()),
            transform=ax.get_yaxis_transform(),
            ha="left",
            va="center",
            fontsize=8.5,
            fontweight="bold",
            color=colour,
            zorder=4,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1},
        )
        y += 1.0
        for row in rows.to_dict("records"):
            mine = row["preset"] in (highlight, "__model__") or row["title"] == highlight_title
            row_colour = "#000000" if mine else colour
            low, high = math.log10(row["low"]), math.log10(row["high"])
            if high > low + 1e-9:
                ax.plot(
                    [low, high], [y, y], color=row_colour, lw=2.2, alpha=0.6, solid_capstyle="butt"
                )
            ax.plot(
                [math.log10(row["central"])],
                [y],
                ls="none",
                marker=_KIND_MARKERS.get(str(row.get("kind")), "o"),
                ms=8 if mine else 6,
                color=row_colour,
                markeredgecolor="white",
                markeredgewidth=0.6,
                zorder=3,
            )
            ticks.append(y)
            labels.append(_row_label(row))
            bold.append(mine)
            y += 1.0
        y += 0.3
    ax.set_yticks(ticks, labels, fontsize=8)
    for tick, is_bold in zip(ax.get_yticklabels(), bold, strict=True):
        if is_bold:
            tick.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(y - 0.5 + (_LEGEND_ROWS if refs else 0), -0.8)
    ax.grid(axis="y", visible=False)
    handles = []
    for ref, dash in zip(refs, ("--", ":", "-."), strict=False):
        ax.axvline(math.log10(ref.value), color=style.GREY, ls=dash, lw=1, zorder=1)
        handles.append(Line2D([], [], color=style.GREY, ls=dash, lw=1, label=ref.label))
    if handles:
        ax.legend(
            handles=handles,
            loc="lower right",  # in the empty rows kept below the last estimate
            fontsize=7.5,
            frameon=True,
            framealpha=0.9,
            edgecolor="none",
            title="for scale",
            title_fontsize=7.5,
        )
    _log10_axis(ax)
    ax.set_xlabel("FLOP/s (log scale)")
    return style.finish(
        fig,
        source="each source's own inputs and arithmetic (brainflops compare)",
        credit=style.EPOCH_CREDIT if refs else "",
    )


def roofline(plan: HardwarePlan) -> Figure:
    """Each stage on the device's roofline, labelled directly (no legend to decode)."""
    known = [s for s in plan.stages if s.intensity]
    if not known:
        raise DataError(f"{plan.title}: no stage has a known arithmetic intensity to plot")
    fig, (ax,) = style.new_figure(
        f"Roofline: {plan.title} on {plan.device.name}",
        f"{plan.precision}: peak {fmt.si(plan.peak, 'FLOP/s')}, memory bandwidth "
        f"{fmt.si(plan.bandwidth, 'B/s')}; below the ridge point a stage waits on memory",
        width=11.0,
        height=5.0,
    )
    intensities = [float(s.intensity) for s in known if s.intensity]
    lo = min([plan.ridge_point / 100, *intensities]) / 2
    hi = max([plan.ridge_point * 100, *intensities]) * 4
    grid = np.geomspace(lo, hi, 200)
    ax.plot(grid, np.minimum(plan.peak, grid * plan.bandwidth), color="#222222", lw=1.5)
    ax.axvline(plan.ridge_point, color=style.GREY, ls=":", lw=1)
    ax.annotate(
        "ridge point",
        (plan.ridge_point, plan.peak),
        xytext=(3, -12),
        textcoords="offset points",
        fontsize=7.5,
        color=style.GREY,
    )
    points: dict[tuple[float, float], list[str]] = {}
    for stage in known:
        key = (float(stage.intensity or 0), float(stage.attainable))
        points.setdefault(key, []).append(
            f"{fmt.label(stage.population)}: {fmt.label(stage.stage).lower()}"
        )
    # Stages crowd along the roof, so each point gets a number and the key names it: no
    # colour has to be matched, and labels never collide with the roof or each other.
    handles = []
    for i, ((x, y_value), names) in enumerate(points.items(), start=1):
        ax.plot([x], [y_value], "o", color=style.color(i - 1), ms=6, zorder=3)
        handles.append(
            Line2D(
                [],
                [],
                ls="none",
                marker="o",
                color=style.color(i - 1),
                label=f"{i}. {_short('; '.join(names), 60)}",
            )
        )
    ax.set_xlim(lo, hi)
    ax.set_ylim(min(p[1] for p in points) / 5, plan.peak * 3)
    style.log_axis(ax, "x", unit="FLOP/B", labels="power")
    style.log_axis(ax, "y", unit="FLOP/s", labels="si")
    style.direct_labels(
        ax,
        [style.DirectLabel(x, y, str(i), "#222222") for i, (x, y) in enumerate(points, 1)],
        fontsize=7,
        min_gap_pt=9,
    )
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=7,
        frameon=False,
        title="stages",
        title_fontsize=7.5,
        alignment="left",
    )
    ax.set_xlabel("arithmetic intensity (FLOP per byte moved, log scale)")
    ax.set_ylabel("attainable FLOP/s per device")
    return style.finish(
        fig,
        source=f"brainflops hardware --device '{plan.device.name}' --precision {plan.precision}",
        credit=style.EPOCH_CREDIT,
    )
