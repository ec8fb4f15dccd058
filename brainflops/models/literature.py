"""Published brain-compute estimates side by side: table, JSON records and chart.

Every estimate is a built-in preset (``brainflops/data/presets``) that rebuilds its source's
estimate from the source's own inputs. ``reported`` is what the source printed, in the
source's unit and form: a point (``1e8 MIPS``), a range (``1e13-1e17 FLOP/s``) or a bound
(``< 1e21 FLOP/s``); where that unit is not FLOP/s, ``converted`` is brainflops' FLOP/s
conversion (derived, with its citation) and the ``headline`` column says so. Where the
source gives no figure for the brain (``landauer``, ``carlsmith2020:functional``),
``reported`` is empty and ``reported_note`` says why. Each row's ``kind`` says whether it
is an estimate or a bound; ``published`` is False for this project's own estimate.

This module loads them all, puts each one's central value and 90% range on a common
FLOP/s scale, and draws them against two reference machines: the current TOP500 #1 (FP64
HPL Rmax) and one NVIDIA H100 (dense BF16 tensor FLOP/s), both read from
:mod:`brainflops.data.datasets`.

A preset with variants contributes one row per variant; its base row is left out when a
variant is marked ``default = true`` (it would duplicate that variant). Variants may carry
their own ``method``, ``group`` and ``counts``, which take precedence over the preset's.

Examples
--------
>>> table = comparison_table(["kurzweil1999", "merkle1989"])
>>> [f"{name}: {central:.3g}" for name, central in zip(table["preset"], table["central"])]
['kurzweil1999: 2e+16', 'merkle1989: 1e+16']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pint
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from brainflops.core.errors import DataError
from brainflops.core.units import FLOPS, as_quantity
from brainflops.data.datasets import load_accelerators, load_series, series_citations, value_column
from brainflops.models.model import Model
from brainflops.models.presets import list_presets, load_preset, preset_document

__all__ = [
    "GROUP_ORDER",
    "ReferenceLine",
    "comparison_records",
    "comparison_table",
    "estimate_names",
    "lifetime_anchor",
    "plot_comparison",
    "reference_lines",
]

#: Method groups in the order the chart stacks them (top to bottom); others follow.
GROUP_ORDER: tuple[str, ...] = (
    "mechanistic",
    "emulation",
    "functional",
    "communication",
    "limit",
    "survey",
    "brainflops",
)
_GROUP_TITLES = {
    "brainflops": "This project's estimate (not published)",
    "mechanistic": "Mechanistic (count operations in the brain's parts)",
    "emulation": "Whole-brain emulation (simulation detail levels)",
    "functional": "Functional (scale an artificial equivalent of a brain part)",
    "communication": "Communication (traversed edges per second)",
    "limit": "Physical limit (an upper bound, not an estimate)",
    "survey": "Surveys and priors",
}
_GROUP_COLOURS = {
    "mechanistic": "#1f77b4",
    "emulation": "#9467bd",
    "functional": "#2ca02c",
    "communication": "#8c564b",
    "limit": "#d62728",
    "survey": "#ff7f0e",
    "brainflops": "#555555",
}
_OTHER_COLOUR = "#555555"

#: Draws and seed for presets whose range is not monotone in their inputs.
SAMPLES = 20_000
SEED = 20240101
_LABEL_WIDTH = 66
_H100 = "NVIDIA H100 SXM5 80GB"
_H100_COLUMN = "tensor_fp16_bf16 [FLOP/s]"
_COLUMNS = (
    "preset",
    "base",
    "variant",
    "title",
    "method",
    "group",
    "year",
    "central",
    "low",
    "high",
    "interval",
    "unit",
    "counts",
    "kind",
    "published",
    "headline",
    "reported",
    "reported_unit",
    "reported_bound",
    "converted",
    "conversion_source",
    "reported_note",
    "source",
    "unverified",
)
#: The group of this project's own estimates: listed apart, never counted as published.
OWN_GROUP = "brainflops"


# --------------------------------------------------------------------------- selection
def _variants(base: str) -> list[Mapping[str, Any]]:
    return list(preset_document(base).get("variants", []))


def estimate_names(presets: Iterable[str] | None = None) -> list[str]:
    """The ``preset`` or ``preset:variant`` names a comparison shows.

    Parameters
    ----------
    presets:
        Preset names (each expanded to its variants) or ``preset:variant`` names (kept as
        they are). ``None`` means every built-in preset.

    Returns
    -------
    list of str
        In the order given (built-ins: alphabetical), variants in file order. A preset's
        base row is omitted when one of its variants is marked ``default = true``.
    """
    names = list_presets() if presets is None else list(presets)
    out: list[str] = []
    for name in names:
        if ":" in name:
            out.append(name)
            continue
        variants = _variants(name)
        if not any(v.get("default") is True for v in variants):
            out.append(name)
        out.extend(f"{name}:{v['name']}" for v in variants)
    return out


# --------------------------------------------------------------------------- table
def _meta(model: Model, key: str, default: Any = None) -> Any:
    variant = model.metadata.get("variant") or {}
    if key in variant:
        return variant[key]
    return model.metadata.get(key, default)


def _interval(model: Model, central: float) -> tuple[float, float, str]:
    used = set(model.used_parameters())
    if not any(model.parameters[n].is_uncertain for n in used):
        return central, central, "none"
    # The 90% interval of the estimate itself, not the corners of the input box: with
    # several uncertain inputs the corners are far more extreme than the 5th/95th
    # percentiles of the output.
    samples = model.sample(SAMPLES, seed=SEED)
    p5, p95 = samples.percentile_log10(np.array([5.0, 95.0]))
    return float(10.0**p5), float(10.0**p95), "sampled"


def _row(name: str) -> dict[str, Any]:
    model = load_preset(name)
    base, _, variant = name.partition(":")
    central = float(model.central().m_as(FLOPS))
    low, high, how = _interval(model, central)
    used = model.used_parameters()
    year = _meta(model, "year")
    return {
        "preset": name,
        "base": base,
        "variant": variant or None,
        "title": model.title,
        "method": str(_meta(model, "method", "")),
        "group": str(_meta(model, "group", "other")),
        "year": int(year) if year is not None else None,
        "central": central,
        "low": low,
        "high": high,
        "interval": how,
        "unit": "FLOP/s",
        "counts": str(_meta(model, "counts", "")),
        "kind": model.kind,
        "published": str(_meta(model, "group", "other")) != OWN_GROUP,
        **_headline_columns(model),
        "reported_note": " ".join(str(_meta(model, "reported_note", "")).split()),
        "source": str(_meta(model, "source", "")),
        "unverified": [n for n in used if not model.parameters[n].verified],
    }


def _headline_columns(model: Model) -> dict[str, Any]:
    headline = model.metadata.get("headline")
    if headline is None:
        return {
            "headline": "none",
            "reported": None,
            "reported_unit": None,
            "reported_bound": None,
            "converted": None,
            "conversion_source": None,
        }
    record = headline.to_record()
    return {
        # Whose number the FLOP/s figure is: the source's own, or our conversion of it.
        "headline": "source" if headline.is_flops else "our conversion",
        "reported": record["reported"],
        "reported_unit": record["reported_unit"],
        "reported_bound": record["reported_bound"],
        "converted": record["converted"],
        "conversion_source": record["conversion_source"],
    }


def comparison_table(presets: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per published estimate, all in FLOP/s.

    Parameters
    ----------
    presets:
        What to compare (see :func:`estimate_names`); every built-in preset by default.

    Returns
    -------
    pandas.DataFrame
        Columns: ``preset`` (name to pass to :func:`~brainflops.load_preset`), ``base``,
        ``variant``, ``title``, ``method``, ``group``, ``year``, ``central`` (FLOP/s at the
        inputs' central values), ``low`` and ``high`` (the 90% range, see below),
        ``interval`` (how the range was obtained), ``unit`` (always ``"FLOP/s"``),
        ``counts`` (what the estimate counts), ``reported`` (the source's own headline
        figure in FLOP/s; missing where the source states only a range or no figure),
        ``reported_note``, ``source`` (citation key) and ``unverified`` (used parameters
        not checked against their primary source).

    Notes
    -----
    ``low``/``high`` are the 5th and 95th percentiles of :data:`SAMPLES` Monte Carlo draws
    with seed :data:`SEED` (``interval == "sampled"``), and equal to ``central`` for an
    estimate without stated uncertainty (``"none"``).
    """
    rows = [_row(name) for name in estimate_names(presets)]
    return pd.DataFrame(rows, columns=list(_COLUMNS))


def comparison_records(
    presets: Iterable[str] | None = None,
    *,
    table: pd.DataFrame | None = None,
) -> list[dict[str, Any]]:
    """:func:`comparison_table` as a list of plain dicts, ready for JSON.

    Parameters
    ----------
    presets:
        As for :func:`comparison_table`; ignored when ``table`` is given.
    table:
        An already computed :func:`comparison_table`.

    Returns
    -------
    list of dict
        One dict per row with the table's columns; missing values are ``None`` and numbers
        are Python floats and ints.
    """
    frame = comparison_table(presets) if table is None else table
    records = []
    for row in frame.to_dict("records"):
        records.append({key: _plain(value) for key, value in row.items()})
    return records


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# --------------------------------------------------------------------------- lifetime anchor
def lifetime_anchor(
    brain: Model | str | pint.Quantity = "cotra2020",
    lifetime: pint.Quantity | str | float | None = None,
) -> pint.Quantity:
    """The raw product behind Cotra's lifetime anchor: brain FLOP/s x a lifetime's seconds.

    Parameters
    ----------
    brain:
        A model (its central FLOP/s is used), a preset name, or a FLOP/s quantity (a
        string starting with a digit, such as ``"1e15 FLOP/s"``, is read as a quantity).
        Defaults to the ``cotra2020`` preset (median about 1e15 FLOP/s).
    lifetime:
        Duration (a quantity, a string such as ``"30 year"``, or seconds). Defaults to
        the ``lifetime`` parameter of ``cotra2020`` (1e9 s, from the Rethink Priorities port).

    Returns
    -------
    pint.Quantity
        Total FLOP, about 1e24 with the defaults: only the raw brain x lifetime product.
        Cotra's lifetime anchor adds an efficiency penalty on top (the Rethink Priorities
        port: 2-5 orders of magnitude, 90% interval), which is not modelled here.

    Examples
    --------
    >>> f"{lifetime_anchor().m_as('FLOP'):.1e}"
    '1.0e+24'
    """
    if isinstance(brain, str) and not brain[:1].isdigit():
        brain = load_preset(brain)
    rate = brain.central() if isinstance(brain, Model) else as_quantity(brain, FLOPS, "brain")
    if lifetime is None:
        seconds = load_preset("cotra2020").parameter("lifetime").quantity
    else:
        seconds = as_quantity(lifetime, "s", "lifetime")
    return (rate * seconds).to("FLOP")


# --------------------------------------------------------------------------- references
@dataclass(frozen=True)
class ReferenceLine:
    """A machine drawn as a vertical line on the comparison chart.

    Attributes
    ----------
    label:
        Legend text.
    value:
        FLOP/s.
    note:
        What the number measures and where it comes from.
    source:
        Bibliography key of the data (see :func:`brainflops.data.citations.cite`).
    """

    label: str
    value: float
    note: str
    source: str = ""


def reference_lines() -> list[ReferenceLine]:
    """The TOP500 #1 of the latest list (FP64 HPL Rmax) and one H100 (dense BF16).

    Raises
    ------
    DataError
        If the packaged data lack either figure.
    """
    top = load_series("top500-rank1")
    last = top.iloc[-1]
    rmax = float(last[value_column(top)])
    accelerators = load_accelerators()
    h100 = accelerators[accelerators["name"] == _H100]
    if h100.empty or not np.isfinite(h100[_H100_COLUMN].iloc[0]):
        msg = f"the accelerator table has no {_H100_COLUMN} figure for {_H100}"
        raise DataError(msg)
    bf16 = float(h100[_H100_COLUMN].iloc[0])
    return [
        ReferenceLine(
            f"TOP500 #1 ({last['label']}, {last['date']}): {_short(rmax)} FLOP/s FP64 HPL",
            rmax,
            "HPL Rmax of the #1 system on the latest TOP500 list (brainflops.data.datasets)",
            series_citations()["top500-rank1"],
        ),
        ReferenceLine(
            f"One H100 SXM: {_short(bf16)} FLOP/s dense BF16",
            bf16,
            "Dense BF16 tensor peak of the NVIDIA H100 SXM5 (Epoch AI hardware data)",
            series_citations()["gpu-tensor-fp16"],
        ),
    ]


# --------------------------------------------------------------------------- chart
def _short(value: float) -> str:
    exponent = math.floor(math.log10(value))
    mantissa = value / 10**exponent
    return f"{mantissa:.1f}e{exponent}"


def _decade_label(value: float, _pos: int) -> str:
    if value <= 0:
        return ""
    exponent = round(math.log10(value))
    return f"$10^{{{exponent}}}$" if math.isclose(value, 10.0**exponent, rel_tol=1e-6) else ""


def _ordered(table: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    groups = list(dict.fromkeys(table["group"]))
    known = [g for g in GROUP_ORDER if g in groups]
    ordered = known + sorted(g for g in groups if g not in GROUP_ORDER)
    return [
        (g, table[table["group"] == g].sort_values(["central", "year", "preset"])) for g in ordered
    ]


def _label(row: Mapping[str, Any]) -> str:
    title = str(row["title"])
    if row.get("headline") == "our conversion":
        title = f"{title} [FLOP/s: our conversion]"
    if len(title) > _LABEL_WIDTH:
        title = title[: _LABEL_WIDTH - 2].rstrip(" ,:;") + "..."
    year = row.get("year")
    if year and f"({year})" not in title:
        title = f"{title} ({year})"
    return title


def plot_comparison(
    table: pd.DataFrame | None = None,
    *,
    presets: Iterable[str] | None = None,
    references: Sequence[ReferenceLine] | None = None,
    title: str = "Published estimates of the brain's computation",
    width: float = 11.0,
) -> Figure:
    """Chart every estimate on one log axis, grouped by method.

    Each row is one estimate: a dot at its central value and a bar over its 90% range
    (estimates stated without uncertainty have no bar). Physical limits are drawn as
    left-pointing triangles: they bound computation from above. Vertical lines mark the
    reference machines.

    Parameters
    ----------
    table:
        A :func:`comparison_table`; built from ``presets`` when omitted.
    presets:
        Passed to :func:`comparison_table` when ``table`` is None.
    references:
        Reference lines; default :func:`reference_lines`. Pass ``[]`` for none.
    title:
        Figure title.
    width:
        Figure width in inches; the height follows the number of rows.

    Returns
    -------
    matplotlib.figure.Figure
        Not attached to pyplot; save it with :func:`brainflops.core.io.save_figure_png`.
    """
    if table is None:
        table = comparison_table(presets)
    if table.empty:
        msg = "nothing to plot: the comparison table is empty"
        raise DataError(msg)
    refs = reference_lines() if references is None else list(references)
    blocks = _ordered(table)
    n_rows = len(table) + len(blocks)  # one header line per group
    fig = Figure(figsize=(width, 2.2 + 0.3 * n_rows), layout="constrained")
    ax = fig.add_subplot()

    y = 0.0
    ticks: list[float] = []
    labels: list[str] = []
    headers: list[tuple[float, str, str]] = []
    for group, rows in blocks:
        colour = _GROUP_COLOURS.get(group, _OTHER_COLOUR)
        headers.append((y, _GROUP_TITLES.get(group, group.capitalize()), colour))
        top = y
        y += 1.0
        for row in rows.to_dict("records"):
            marker = {"upper bound": "<", "lower bound": ">"}.get(str(row["kind"]), "o")
            if row["high"] > row["low"] * (1 + 1e-9):
                ax.plot(
                    [row["low"], row["high"]],
                    [y, y],
                    color=colour,
                    lw=2.2,
                    solid_capstyle="butt",
                    alpha=0.55,
                    zorder=2,
                )
                ax.plot(
                    [row["low"], row["high"]],
                    [y, y],
                    ls="none",
                    marker="|",
                    color=colour,
                    ms=7,
                    zorder=2,
                )
            ax.plot(
                [row["central"]],
                [y],
                ls="none",
                marker=marker,
                ms=7,
                color=colour,
                markeredgecolor="white",
                markeredgewidth=0.6,
                zorder=3,
            )
            ticks.append(y)
            labels.append(_label(row))
            y += 1.0
        ax.axhspan(top - 0.5, y - 0.5, color=colour, alpha=0.05, lw=0, zorder=0)
        y += 0.3

    values = np.concatenate(
        [table["low"].to_numpy(float), table["high"].to_numpy(float), [r.value for r in refs]]
    )
    lo_exp = math.floor(math.log10(values.min())) - 1
    hi_exp = math.ceil(math.log10(values.max())) + 1
    ax.set_xscale("log")
    ax.set_xlim(10.0**lo_exp, 10.0**hi_exp)
    ax.set_ylim(y - 0.5, -0.8)
    span = hi_exp - lo_exp
    step = 1 if span <= 16 else (2 if span <= 30 else 5)
    ax.xaxis.set_major_locator(LogLocator(base=10.0**step, numticks=span // step + 2))
    ax.xaxis.set_major_formatter(FuncFormatter(_decade_label))
    ax.xaxis.set_minor_locator(LogLocator(base=10.0, subs=(1.0,), numticks=span + 2))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.grid(axis="x", which="major", color="0.85", lw=0.8, zorder=1)
    ax.grid(axis="x", which="minor", color="0.93", lw=0.5, zorder=1)
    ax.tick_params(axis="x", which="both", top=True, labeltop=True)

    ax.set_yticks(ticks, labels, fontsize=8.5)
    ax.tick_params(axis="y", length=0)
    for y_header, text, colour in headers:
        ax.text(
            0.005,
            y_header,
            text,
            transform=ax.get_yaxis_transform(),
            ha="left",
            va="center",
            fontsize=9,
            fontweight="bold",
            color=colour,
            zorder=4,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5},
        )

    handles: list[Line2D] = []
    for ref, style in zip(refs, ("--", ":", "-.", (0, (5, 1, 1, 1))), strict=False):
        ax.axvline(ref.value, color="0.2", ls=style, lw=1.1, zorder=1.5)
        handles.append(Line2D([], [], color="0.2", ls=style, lw=1.1, label=ref.label))
    handles += [
        Line2D(
            [], [], ls="none", marker="o", color="0.35", label="central value (source's inputs)"
        ),
        Line2D(
            [],
            [],
            color="0.35",
            lw=2.2,
            alpha=0.55,
            label="90% interval (Monte Carlo 5th-95th percentiles)",
        ),
        Line2D([], [], ls="none", marker="<", color="0.35", label="upper bound"),
        Line2D([], [], ls="none", marker=">", color="0.35", label="lower bound"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    ax.set_xlabel("FLOP/s (operations converted to FLOP as each preset states)")
    ax.set_title(title, fontsize=12, loc="left", pad=30)
    for side in ("right", "left"):
        ax.spines[side].set_visible(False)
    return fig
