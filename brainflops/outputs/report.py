"""A shareable report: one self-contained HTML file and a Markdown twin.

:func:`build_report` computes everything a reader needs about one model (the estimate and
its breakdown, the Monte Carlo distribution, sensitivity, the comparison with the
literature, the timeline and the hardware needed) and returns a :class:`Report`: a list of
:class:`Section` records holding text, tables (:class:`pandas.DataFrame`) and figures
(PNG bytes). :func:`render_html` inlines the figures as base64 ``data:`` URIs, so the HTML
file opens anywhere without Python or network access; :func:`render_markdown` refers to
the same figures as PNG files written next to it by :func:`write_report`.

A section that does not apply (sensitivity for a model without uncertain inputs) is
left out and listed in :attr:`Report.omitted`, never replaced by a placeholder. Sobol'
indices need the optional SALib; without it the sensitivity section says so and keeps
the tornado.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from brainflops import __version__
from brainflops.core.errors import (
    BrainflopsError,
    MissingDependencyError,
    NonMonotoneError,
    OutputExistsError,
)
from brainflops.core.io import atomic_write, figure_png
from brainflops.data import citations
from brainflops.forecast import timeline, trends
from brainflops.hardware import plan as hardware
from brainflops.models import literature
from brainflops.models.headline import compare_lines
from brainflops.outputs import plots, plots_trends
from brainflops.outputs.export import assumptions_frame
from brainflops.uncertainty import sensitivity

if TYPE_CHECKING:
    from brainflops.models.model import Model
    from brainflops.uncertainty.samples import Samples

__all__ = [
    "DEFAULT_SAMPLES",
    "Report",
    "ReportFigure",
    "ReportTable",
    "Section",
    "build_report",
    "render_html",
    "render_markdown",
    "write_report",
]

DEFAULT_SAMPLES = 20_000
_DPI = 110


@dataclass(frozen=True)
class ReportFigure:
    """One figure of a report.

    Attributes
    ----------
    name:
        File stem used for the Markdown's PNG file (``distribution``).
    caption:
        One sentence under the figure.
    png:
        The image as PNG bytes.
    """

    name: str
    caption: str
    png: bytes


@dataclass(frozen=True)
class ReportTable:
    """One table of a report: a caption and a DataFrame of display strings."""

    name: str
    caption: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class Section:
    """A titled part of the report: paragraphs, then tables, then figures."""

    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[ReportTable, ...] = ()
    figures: tuple[ReportFigure, ...] = ()


@dataclass(frozen=True)
class Report:
    """Everything that goes into the report files.

    Attributes
    ----------
    title:
        The report's heading.
    model_name:
        The preset or scenario name.
    samples, seed:
        Monte Carlo draws and seed used.
    sections:
        The sections, in reading order.
    omitted:
        ``{section key: reason}`` for sections left out because they do not apply to
        this model.
    """

    title: str
    model_name: str
    samples: int
    seed: int
    sections: tuple[Section, ...]
    omitted: dict[str, str] = field(default_factory=dict)

    @property
    def figures(self) -> list[ReportFigure]:
        """Every figure of every section, in order."""
        return [f for s in self.sections for f in s.figures]

    @property
    def tables(self) -> list[ReportTable]:
        """Every table of every section, in order."""
        return [t for s in self.sections for t in s.tables]


# ----------------------------------------------------------------------------- helpers
def _png(fig: Figure) -> bytes:
    """Every report figure is rendered at the same resolution."""
    return figure_png(fig, _DPI)


def _new_figure(width: float = 7.5, height: float = 4.0) -> Figure:
    return Figure(figsize=(width, height), dpi=_DPI, layout="constrained")


def _sci(value: float, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:.{digits}e}"


# ----------------------------------------------------------------------------- sections
def _estimate_section(model: Model, samples: Samples) -> Section:
    central = model.central().m_as("FLOP/s")
    lines = [f"Central estimate: {_sci(central, 4)} FLOP/s."]
    headline = model.metadata.get("headline")
    lines += [
        f"{line[0].upper()}{line[1:]}."
        for line in compare_lines(
            central,
            kind=model.kind,
            printed=None if headline is None else headline.text(),
            reported=model.reported,
            converted=None if headline is None else headline.converted,
        )
    ]
    p = samples.percentile_log10([5, 50, 95])
    lines.append(
        f"Monte Carlo ({samples.n} draws): median {_sci(10 ** p[1])} FLOP/s, "
        f"90% interval {_sci(10 ** p[0])} to {_sci(10 ** p[2])} FLOP/s "
        f"({samples.spread_decades:.2f} orders of magnitude).",
    )
    try:
        low, high = model.bounds()
    except NonMonotoneError as exc:
        lines.append(
            "No exact bounds: the model is not monotone in "
            + ", ".join(exc.parameters)
            + " over the 90% box of the inputs.",
        )
    else:
        lines.append(
            f"Exact bounds over the 90% box of the inputs: {_sci(low.m_as('FLOP/s'))} to "
            f"{_sci(high.m_as('FLOP/s'))} FLOP/s.",
        )
    description = str(model.metadata.get("description", "")).strip()
    if description:
        lines.append(" ".join(description.split()))

    breakdown = model.breakdown()
    table = pd.DataFrame(
        {
            "population": breakdown.population,
            "stage": breakdown.stage,
            "operation": breakdown.operation,
            "FLOP/s": breakdown.flops.map(_sci),
            "share": breakdown.share.map(lambda v: f"{100 * v:.3g}%"),
        }
    )

    by_stage = breakdown.groupby("stage", sort=False)["flops"].sum()
    fig = _new_figure(7.5, 0.45 * len(by_stage) + 1.2)
    ax = fig.add_subplot()
    values = by_stage.to_numpy(dtype=float)
    ax.set_xscale("log")
    ax.set_xlim(values.min() / 10, values.max() * 10)  # bars start at the left edge
    ax.barh(list(by_stage.index)[::-1], values[::-1], left=values.min() / 10, color="C0")
    ax.set_xlabel("FLOP/s (log scale)")
    ax.set_title("FLOP/s by pipeline stage")
    ax.grid(axis="x", alpha=0.3)
    return Section(
        key="estimate",
        title="Estimate",
        paragraphs=tuple(lines),
        tables=(
            ReportTable(
                "breakdown", "FLOP/s of every population and stage at the central values.", table
            ),
        ),
        figures=(
            ReportFigure(
                "breakdown",
                "FLOP/s by pipeline stage, summed over cell populations (log scale).",
                _png(fig),
            ),
        ),
    )


def _distribution_section(model: Model, samples: Samples) -> Section:
    counts, edges = samples.histogram(bins=60)
    fig = _new_figure()
    ax = fig.add_subplot()
    ax.stairs(counts / samples.n, edges, fill=True, alpha=0.6, color="C0", label="draws")
    p5, p50, p95 = samples.percentile_log10([5, 50, 95])
    ax.axvline(model.central_log10(), color="k", label="central estimate")
    ax.axvline(p50, color="C1", linestyle="--", label="median")
    ax.axvspan(p5, p95, color="C1", alpha=0.1, label="90% interval")
    headline = model.metadata.get("headline")
    if model.reported is not None:
        ax.axvline(math.log10(model.reported), color="C3", linestyle=":", label="reported")
    elif headline is not None and headline.converted is not None:
        ax.axvline(
            math.log10(headline.converted),
            color="C3",
            linestyle=":",
            label="reported, in FLOP/s by our conversion",
        )
    ax.set_xlabel("log10 FLOP/s")
    ax.set_ylabel("share of draws")
    ax.set_title("Monte Carlo distribution of the total")
    ax.legend(loc="upper left", fontsize="small")
    pcts = samples.percentiles((5, 25, 50, 75, 95))
    table = pd.DataFrame(
        {
            "percentile": [f"{k}%" for k in pcts],
            "FLOP/s": [_sci(v.m_as("FLOP/s")) for v in pcts.values()],
        }
    )
    return Section(
        key="distribution",
        title="Distribution",
        paragraphs=(
            (
                f"Every uncertain input is drawn from its distribution ({samples.n} draws, "
                "inverse-transform sampling with the preset's rank correlations) and the model is "
                "evaluated in log space."
            ),
        ),
        tables=(ReportTable("percentiles", "Percentiles of the total FLOP/s.", table),),
        figures=(
            ReportFigure(
                "distribution",
                "Histogram of log10 FLOP/s over the Monte Carlo draws.",
                _png(fig),
            ),
        ),
    )


_SOBOL_N = 512  # base sample of the Sobol' estimate: n * (k + 2) model evaluations


def _sensitivity_section(model: Model, seed: int) -> Section | None:
    """Tornado and, when SALib is installed, Sobol' indices; None without uncertain inputs."""
    if not sensitivity.uncertain_inputs(model):
        return None
    swings = sensitivity.tornado(model)
    elasticity = sensitivity.elasticities(model)
    frame = swings.to_frame()
    table = pd.DataFrame(
        {
            "parameter": frame.parameter,
            "unit": frame.unit,
            "5th / 95th pct": [
                f"{lo:.4g} / {hi:.4g}"
                for lo, hi in zip(frame.input_p5, frame.input_p95, strict=True)
            ],
            "log10 FLOP/s at 5th": frame.log10_flops_at_p5.map("{:.3f}".format),
            "log10 FLOP/s at 95th": frame.log10_flops_at_p95.map("{:.3f}".format),
            "swing [decades]": frame.swing_decades.map("{:.3f}".format),
            "elasticity": [f"{elasticity.value(n):.3g}" for n in frame.parameter],
        }
    )
    tables = [
        ReportTable(
            "tornado",
            "One-at-a-time swings over each input's 90% interval, "
            "and the elasticity d ln F / d ln x at the central values.",
            table,
        )
    ]
    figures = [
        ReportFigure(
            "tornado",
            "Tornado chart: how far log10 FLOP/s moves when each "
            "input goes from its 5th to its 95th percentile.",
            _png(swings.figure()),
        )
    ]
    paragraphs = [
        (
            "Each uncertain input is moved alone from the 5th to the 95th percentile of its "
            "distribution while the others stay at their medians; the bars show log10 FLOP/s "
            "at each end."
        ),
    ]
    try:
        indices = sensitivity.sobol(model, _SOBOL_N, seed=seed)
    except MissingDependencyError:
        paragraphs.append(
            "Sobol' indices need SALib (pip install brainflops[sensitivity]); they are left out."
        )
    else:
        sob = indices.to_frame()
        tables.append(
            ReportTable(
                "sobol",
                f"Sobol' indices of log10 FLOP/s ({indices.evaluations} evaluations; "
                "inputs taken as independent).",
                pd.DataFrame(
                    {
                        "parameter": sob.parameter,
                        "first order S1": [
                            f"{v:.3f} ± {c:.3f}" for v, c in zip(sob.S1, sob.S1_conf, strict=True)
                        ],
                        "total ST": [
                            f"{v:.3f} ± {c:.3f}" for v, c in zip(sob.ST, sob.ST_conf, strict=True)
                        ],
                    }
                ),
            )
        )
        figures.append(
            ReportFigure(
                "sobol",
                "Sobol' indices: the share of the variance of "
                "log10 FLOP/s due to each input (first order) and "
                "including its interactions (total).",
                _png(indices.figure()),
            )
        )
        paragraphs.append(
            "Sobol' indices split the variance of log10 FLOP/s over the Monte "
            "Carlo distribution between the inputs."
        )
    return Section(
        key="sensitivity",
        title="Sensitivity",
        paragraphs=tuple(paragraphs),
        tables=tuple(tables),
        figures=tuple(figures),
    )


def _comparison_section(model: Model) -> Section:
    table = literature.comparison_table()
    fig = plots.comparison(table, highlight=model.name)
    central = model.central().m_as("FLOP/s")
    below = int((table.central < central).sum())
    shown = pd.DataFrame(
        {
            "estimate": table.preset,
            "year": table.year.map(lambda v: "" if pd.isna(v) else str(int(v))),
            "method": table.method,
            "central FLOP/s": table.central.map(_sci),
            "90% range": [
                f"{_sci(lo)} to {_sci(hi)}" for lo, hi in zip(table.low, table.high, strict=True)
            ],
            "source": table.source,
        }
    )
    return Section(
        key="comparison",
        title="Comparison with published estimates",
        paragraphs=(
            (
                f"This model's central estimate, {_sci(central)} FLOP/s, lies above {below} of "
                f"the {len(table)} published estimates built into brainflops (each reproduced "
                "from its source's own inputs)."
            ),
        ),
        tables=(ReportTable("literature", "Published estimates on one FLOP/s scale.", shown),),
        figures=(
            ReportFigure(
                "comparison",
                "Published estimates of the brain's computation "
                "(dot: central value; bar: 90% range).",
                _png(fig),
            ),
        ),
    )


_TIMELINE_SERIES = "top500-rank1"


def _timeline_section(model: Model, samples: Samples, seed: int) -> Section:
    fitted = {
        "exponential (all years)": trends.fit_model("exponential", _TIMELINE_SERIES, None, None),
        "piecewise (estimated break)": trends.fit_model("piecewise", _TIMELINE_SERIES, None, None),
    }
    log10 = samples.log10
    if log10 is None:  # a streamed run keeps only the histogram: resample a smaller set
        # Fewer draws than one chunk, so this run keeps them.
        log10 = cast(np.ndarray, model.sample(min(samples.n, DEFAULT_SAMPLES), seed=seed).log10)
    results = {
        # The trend's draws come from timeline.trend_rng(seed), as in `brainflops timeline`,
        # so the same seed and sample count give the same parity years there and here.
        label: timeline.parity_years(log10, trend, timeline.trend_rng(seed), "hpl")
        for label, trend in fitted.items()
    }
    p5, p95 = samples.percentile_log10([5, 95])
    # A band needs a width: an estimate without uncertainty is drawn as a line instead.
    spread = p95 > p5
    trend_fig = plots_trends.trend_figure(
        _TIMELINE_SERIES,
        fitted,
        brain_bands=[(f"{model.name} (90%)", 10.0**p5, 10.0**p95)] if spread else [],
        title="TOP500 #1 (HPL) with fitted trends and this estimate",
        until=max(r.p95_year for r in results.values() if math.isfinite(r.p95_year))
        if any(math.isfinite(r.p95_year) for r in results.values())
        else None,
        seed=seed,
    )
    if not spread:
        trend_ax = trend_fig.axes[0]
        trend_ax.axhline(10.0**p5, color="tab:purple", linestyle="--", linewidth=1)
        trend_ax.annotate(
            model.name,
            (1.0, 10.0**p5),
            xycoords=("axes fraction", "data"),
            ha="right",
            va="bottom",
            fontsize=8,
            color="tab:purple",
        )
    cdf_fig = plots_trends.parity_cdf_figure(
        results, title="When does the TOP500 #1 reach this estimate?"
    )

    rows = []
    for label, result in results.items():
        trend = fitted[label]
        rows.append(
            {
                "trend": label,
                "doubling time [years]": f"{trend.doubling_time_years:.2f}",
                "median parity year": timeline.format_year(result.median_year, 1),
                "5th percentile": timeline.format_year(result.p5_year, 1),
                "95th percentile": timeline.format_year(result.p95_year, 1),
                "never": f"{100 * result.never_fraction:.1f}%",
            }
        )
    return Section(
        key="timeline",
        title="Timeline",
        paragraphs=(
            (
                "Trends are fitted to the TOP500 #1 system's HPL performance in log space. Each "
                "Monte Carlo draw of the brain estimate is paired with a draw of the trend's "
                "parameters; its parity year is when that trend reaches it. The extrapolation "
                "assumes the fitted growth continues, which is the weakest step of any such "
                "forecast."
            ),
        ),
        tables=(
            ReportTable(
                "parity",
                "Parity years of the TOP500 #1 (HPL) with this estimate.",
                pd.DataFrame(rows),
            ),
        ),
        figures=(
            ReportFigure(
                "trend",
                "TOP500 #1 performance with fitted trends (95% bands) and "
                "this estimate's 90% interval.",
                _png(trend_fig),
            ),
            ReportFigure("parity", "Cumulative distribution of parity years.", _png(cdf_fig)),
        ),
    )


_DEVICE = "NVIDIA H100 SXM5 80GB"
_PRECISION = "fp32"


def _roofline_figure(plan: Any) -> Figure:
    known = [s for s in plan.stages if s.intensity]
    fig = _new_figure(7.5, 4.0 + 0.12 * len(known))
    ax = fig.add_subplot()
    lo = min([plan.ridge_point / 100, *(s.intensity for s in known)]) / 2
    hi = max([plan.ridge_point * 100, *(s.intensity for s in known)]) * 2
    grid = np.geomspace(lo, hi, 200)
    ax.plot(grid, np.minimum(plan.peak, grid * plan.bandwidth), color="k", label="roofline")
    ax.axvline(plan.ridge_point, color="grey", linestyle=":", label="ridge point")
    stage_names = list(dict.fromkeys(s.stage for s in known))
    populations = list(dict.fromkeys(s.population for s in known))
    markers = "osD^vP*Xh"
    for stage in known:
        ax.scatter(
            stage.intensity,
            stage.attainable,
            s=40,
            zorder=3,
            color=f"C{stage_names.index(stage.stage) % 10}",
            marker=markers[populations.index(stage.population) % len(markers)],
            label=f"{stage.population} / {stage.stage}",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("arithmetic intensity [FLOP/byte]")
    ax.set_ylabel("attainable FLOP/s per device")
    ax.set_title(f"Roofline: {plan.device.name}, {plan.precision}")
    fig.legend(loc="outside lower center", ncol=2, fontsize="x-small")
    return fig


def _hardware_section(model: Model) -> Section:
    plan = hardware.plan(model, _DEVICE, _PRECISION)
    figures = []
    if any(s.intensity for s in plan.stages):
        figures.append(
            ReportFigure(
                "roofline",
                "Each stage on the device's roofline: below "
                "the ridge point a stage is limited by memory bandwidth.",
                _png(_roofline_figure(plan)),
            )
        )
    rows = {
        "device": plan.device.name,
        "precision": plan.precision,
        "devices needed": f"{plan.devices_needed:,}",
        "limited by": plan.limited_by,
        "bound": plan.bound,
        "power [W]": _sci(plan.power_watts) if plan.power_watts is not None else "n/a",
        "power / brain": f"{plan.power_vs_brain:.3g}" if plan.power_vs_brain else "n/a",
        "purchase cost [USD]": _sci(plan.cost_usd) if plan.cost_usd is not None else "n/a",
        "energy cost [USD/h]": (
            _sci(plan.energy_cost_per_hour_usd)
            if plan.energy_cost_per_hour_usd is not None
            else "n/a"
        ),
    }
    summary = pd.DataFrame({"quantity": list(rows), "value": list(rows.values())})
    stages = pd.DataFrame(
        {
            "population": [s.population for s in plan.stages],
            "stage": [s.stage for s in plan.stages],
            "FLOP/s": [_sci(s.flops) for s in plan.stages],
            "FLOP/byte": [
                "n/a" if s.intensity is None else f"{s.intensity:.3g}" for s in plan.stages
            ],
            "bound": [s.bound for s in plan.stages],
            "devices": [f"{s.devices:,.0f}" for s in plan.stages],
        }
    )
    paragraphs = [
        (
            f"Running the model in real time on {plan.device.name} at {plan.precision}: each "
            "stage's arithmetic intensity (FLOP per byte moved) places it on the device's "
            "roofline, the devices needed add up over stages, and power and cost follow from "
            "the device's TDP and price and the facility assumptions."
        ),
    ]
    if not plan.bytes_known:
        paragraphs.append(
            "This model is a formula without conv-net operations, so its bytes "
            "are unknown and it is treated as compute-bound: the device count "
            "is a lower bound."
        )
    return Section(
        key="hardware",
        title="Hardware",
        paragraphs=tuple(paragraphs),
        tables=(
            ReportTable("hardware", "Scale-out summary.", summary),
            ReportTable("stages", "Each stage on the roofline.", stages),
        ),
        figures=tuple(figures),
    )


def _citation(key: str) -> str:
    """The full citation of ``key``, or a note when the bibliography lacks it."""
    try:
        return citations.cite(key)
    except BrainflopsError:
        return "(not in the bibliography)"


def _assumptions_section(model: Model) -> Section:
    frame = assumptions_frame(model)

    def fmt(value: object) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:.4g}"
        return str(value)

    text = frame.map(fmt)
    shown = pd.DataFrame(
        {
            "name": text.name,
            "value": text.value,
            "unit": text.unit,
            "90% range": [
                f"{lo} to {hi}" if lo else "" for lo, hi in zip(text.low, text.high, strict=True)
            ],
            "distribution": text.distribution,
            "provenance": text.provenance,
            "verified": text.verified,
            "source": [
                f"{key}: {where}" if where else key
                for key, where in zip(text.source, text.locator, strict=True)
            ],
            "note": text.note,
        }
    )
    own = str(model.metadata.get("source") or "")
    keys = sorted({k for k in frame.source if k} | ({own} if own else set()))
    references = pd.DataFrame({"key": keys, "citation": [_citation(k) for k in keys]})
    return Section(
        key="assumptions",
        title="Assumptions",
        paragraphs=(
            (
                "Every input with its unit, 90% range, distribution, source and provenance "
                "(stated by the source, derived from stated numbers, or assumed). "
                "'verified = no' marks a figure that could not be checked against its primary "
                "source."
            ),
        ),
        tables=(
            ReportTable("assumptions", "The assumption table.", shown),
            ReportTable("references", "Citations for the source keys above.", references),
        ),
    )


# ----------------------------------------------------------------------------- build
SectionBuilder = Callable[["Model", "Samples", int], Section | None]


def build_report(model: Model, *, samples: int = DEFAULT_SAMPLES, seed: int = 0) -> Report:
    """Compute every section of the report for ``model``.

    Parameters
    ----------
    model:
        The model to report on.
    samples:
        Monte Carlo draws for the distribution (and the timeline, when available).
    seed:
        Random seed; the same seed gives the same report.

    Returns
    -------
    Report
        The sections, and the reasons for any section left out.
    """
    draws = model.sample(samples, seed=seed)
    omitted: dict[str, str] = {}
    sections = [_estimate_section(model, draws), _distribution_section(model, draws)]
    section = _sensitivity_section(model, seed)
    if section is None:
        omitted["sensitivity"] = "the model has no uncertain inputs"
    else:
        sections.append(section)
    sections.append(_comparison_section(model))
    sections.append(_timeline_section(model, draws, seed))
    sections.append(_hardware_section(model))
    sections.append(_assumptions_section(model))
    return Report(
        title=f"brainflops report: {model.title}",
        model_name=model.name,
        samples=samples,
        seed=seed,
        sections=tuple(sections),
        omitted=omitted,
    )


# ----------------------------------------------------------------------------- render
_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1300px;
       margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { border-bottom: 2px solid #ccc; padding-bottom: .2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
figure { margin: 1.5em 0; text-align: center; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: .9em; color: #555; }
table { border-collapse: collapse; font-size: .85em; margin: 1em 0; }
th, td { border: 1px solid #ddd; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
caption { caption-side: top; text-align: left; font-weight: bold; padding: .3em 0; }
.table-wrap { overflow-x: auto; }
table.table-assumptions td:nth-child(8) { min-width: 16em; }
table.table-assumptions td:nth-child(9) { min-width: 20em; }
.meta { color: #666; font-size: .9em; }
nav ul { columns: 2; }
"""


def _html_table(table: ReportTable) -> str:
    body = table.frame.to_html(index=False, escape=True, border=0, classes=f"table-{table.name}")
    caption = f"<caption>{html.escape(table.caption)}</caption>"
    body = body.replace(">\n  <thead>", f">\n  {caption}\n  <thead>", 1)
    return f'<div class="table-wrap">{body}</div>'


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document (figures inlined as base64 PNG)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(report.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{html.escape(report.title)}</h1>",
        (
            f'<p class="meta">Model <code>{html.escape(report.model_name)}</code>; '
            f"{report.samples} Monte Carlo draws, seed {report.seed}; brainflops {__version__}.</p>"
        ),
        "<nav><ul>",
    ]
    parts += [f'<li><a href="#{s.key}">{html.escape(s.title)}</a></li>' for s in report.sections]
    parts.append("</ul></nav>")
    for section in report.sections:
        parts.append(f'<section id="{section.key}">')
        parts.append(f"<h2>{html.escape(section.title)}</h2>")
        parts += [f"<p>{html.escape(p)}</p>" for p in section.paragraphs]
        for figure in section.figures:
            data = base64.b64encode(figure.png).decode("ascii")
            parts.append(
                f'<figure id="figure-{figure.name}"><img alt="{html.escape(figure.caption)}" '
                f'src="data:image/png;base64,{data}">'
                f"<figcaption>{html.escape(figure.caption)}</figcaption></figure>",
            )
        parts += [_html_table(t) for t in section.tables]
        parts.append("</section>")
    if report.omitted:
        parts.append(
            '<p class="meta">Not included: '
            + html.escape("; ".join(f"{k} ({v})" for k, v in report.omitted.items()))
            + ".</p>"
        )
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _md_cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(_md_cell(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = [
        "| " + " | ".join(_md_cell(v) for v in row) + " |" for row in frame.itertuples(index=False)
    ]
    return "\n".join([header, rule, *rows])


def render_markdown(report: Report, figure_dir: str = "figures") -> str:
    """The report as Markdown; figures are referenced as ``<figure_dir>/<name>.png``."""
    lines = [
        f"# {report.title}",
        "",
        (
            f"Model `{report.model_name}`; {report.samples} Monte Carlo draws, seed {report.seed}; "
            f"brainflops {__version__}."
        ),
    ]
    for section in report.sections:
        lines += ["", f"## {section.title}", ""]
        for paragraph in section.paragraphs:
            lines += [paragraph, ""]
        for figure in section.figures:
            lines += [
                f"![{figure.caption}]({figure_dir}/{figure.name}.png)",
                "",
                f"*{figure.caption}*",
                "",
            ]
        for table in section.tables:
            lines += [f"**{table.caption}**", "", _markdown_table(table.frame), ""]
    if report.omitted:
        lines += [
            "",
            "Not included: " + "; ".join(f"{k} ({v})" for k, v in report.omitted.items()) + ".",
        ]
    return "\n".join(lines).rstrip() + "\n"


def write_report(
    model: Model,
    out_dir: str | Path,
    *,
    force: bool = False,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
) -> dict[str, Path]:
    """Build the report and write ``report.html``, ``report.md`` and ``figures/*.png``.

    Every file is written atomically. Nothing is written when any target exists and
    ``force`` is false.

    Returns
    -------
    dict
        ``{"html": path, "markdown": path, "figures": folder}``.

    Raises
    ------
    OutputExistsError
        If an output file exists and ``force`` is false.
    """
    folder = Path(out_dir)
    if not force:  # fail before the (slow) build when the main files are in the way
        for name in ("report.html", "report.md"):
            if (folder / name).exists():
                raise OutputExistsError(str(folder / name))
    report = build_report(model, samples=samples, seed=seed)
    targets: dict[Path, str | bytes] = {
        folder / "report.html": render_html(report),
        folder / "report.md": render_markdown(report),
    }
    for figure in report.figures:
        targets[folder / "figures" / f"{figure.name}.png"] = figure.png
    if not force:
        for path in targets:
            if path.exists():
                raise OutputExistsError(str(path))
    for path, data in targets.items():
        atomic_write(path, data, overwrite=force)
    return {
        "html": folder / "report.html",
        "markdown": folder / "report.md",
        "figures": folder / "figures",
    }
