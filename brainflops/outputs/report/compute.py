"""Compute every section of a report from one model and ONE set of Monte Carlo draws.

Every number that appears in more than one section (the median and 90% interval of the
estimate above all) comes from the same draws, so the sections agree. The model itself is
never counted among the published estimates: it is shown as its own, highlighted row.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from brainflops.core import fmt
from brainflops.core.errors import MissingDependencyError, NonMonotoneError
from brainflops.data.datasets import series_description
from brainflops.forecast import timeline, trends
from brainflops.hardware import plan as hardware
from brainflops.models import literature
from brainflops.models.alternatives import choice_for
from brainflops.models.headline import compare_lines
from brainflops.models.presets import preset_document
from brainflops.ops.stages import STAGES
from brainflops.outputs import cite, plots
from brainflops.outputs.export import assumptions_frame
from brainflops.outputs.formula import svg
from brainflops.outputs.report.anchors import anchors_section
from brainflops.outputs.report.document import Cell, Report, ReportFigure, Section, table
from brainflops.outputs.report.figures import as_report_figure, brain_band_trend
from brainflops.outputs.report.versus import versus_section
from brainflops.uncertainty import sensitivity
from brainflops.uncertainty.sobol import sobol

if TYPE_CHECKING:
    from brainflops.models.model import Model
    from brainflops.uncertainty.samples import Samples

__all__ = ["DEFAULT_SAMPLES", "Options", "build_report"]

DEFAULT_SAMPLES = 20_000
_SOBOL_N = 512  # base sample of the Sobol' design: n * (k + 2) model evaluations


@dataclass(frozen=True)
class Options:
    """What a report is computed for (the command line's flags)."""

    samples: int = DEFAULT_SAMPLES
    seed: int = 0
    device: str = "H100 SXM5"
    precision: str = "bf16"
    criterion: str = "hpl"


Progress = Callable[[str], None]


def _stage_title(stage: str) -> str:
    return STAGES[stage].title if stage in STAGES else fmt.label(stage)


def _interval(samples: Samples) -> tuple[float, float, float]:
    p5, p50, p95 = (float(v) for v in samples.percentile_log10([5, 50, 95]))
    return p5, p50, p95


# --------------------------------------------------------------------------- sections
def _estimate(model: Model, samples: Samples) -> Section:
    p5, p50, p95 = _interval(samples)
    digits = 4 if model.reported is not None else fmt.DIGITS  # 1.076 against 1.075
    lines = [f"Central estimate: {fmt.from_log10(model.central_log10(), 'FLOP/s', digits)}."]
    headline = model.metadata.get("headline")
    # The source's figure in its own unit and form, and our conversion where there is one.
    lines += [
        f"{line[0].upper()}{line[1:]}."
        for line in compare_lines(
            model.central().m_as("FLOP/s"),
            kind=model.kind,
            printed=None if headline is None else headline.text(),
            reported=model.reported,
            converted=None if headline is None else headline.converted,
        )
    ]
    lines.append(
        f"Over {samples.n:,} Monte Carlo draws: median {fmt.from_log10(p50, 'FLOP/s')}, "
        f"90% interval {fmt.interval(10**p5, 10**p95, 'FLOP/s')} "
        f"({samples.spread_decades:.2f} orders of magnitude)."
    )
    try:
        low, high = model.bounds()
    except NonMonotoneError as exc:
        lines.append(f"No exact bounds: the model is not monotone in {', '.join(exc.parameters)}.")
    else:
        lines.append(
            "Exact bounds over the 90% box of the inputs: "
            f"{fmt.interval(low.m_as('FLOP/s'), high.m_as('FLOP/s'), 'FLOP/s')}."
        )
    description = " ".join(str(model.metadata.get("description", "")).split())
    if description:
        lines.append(description)
    display = {model.symbols[n]: sp.Symbol(p.symbol) for n, p in model.parameters.items()}
    breakdown = model.breakdown()
    rows = []
    for term, row in zip(model.terms, breakdown.itertuples(index=False), strict=True):
        latex = sp.latex(term.expr.subs(display))
        analogue = STAGES[term.stage].analogue if term.stage in STAGES else term.operation
        rows.append(
            [
                term.population,
                _stage_title(term.stage),
                analogue,
                str(row.operation),
                Cell(f"${latex}$", svg(latex)),
                fmt.sci(row.flops),
                fmt.share(row.share),
            ]
        )
    columns = (
        "population",
        "stage",
        "conv-net analogue",
        "operation",
        "formula (FLOP/s)",
        "FLOP/s",
        "share",
    )
    return Section(
        key="estimate",
        title="Estimate",
        paragraphs=tuple(lines),
        tables=(
            table(
                "breakdown",
                "Each stage: its conv-net operation, its formula in the "
                "parameters' symbols, and its FLOP/s at the central values.",
                columns,
                rows,
            ),
        ),
        figures=(
            as_report_figure(
                "breakdown", "FLOP/s of each stage at the central values.", plots.breakdown(model)
            ),
        ),
    )


def _distribution(model: Model, samples: Samples) -> Section:
    rows = [
        [f"{q}th", fmt.from_log10(float(samples.percentile_log10(q)), "FLOP/s")]
        for q in (5, 25, 50, 75, 95)
    ]
    return Section(
        key="distribution",
        title="Distribution",
        paragraphs=(
            (
                f"Every uncertain input is drawn from its distribution ({samples.n:,} draws, seed "
                "shown above, with the preset's rank correlations) and the model is evaluated in "
                "log space. These draws are the ones every other section uses."
            ),
        ),
        tables=(
            table("percentiles", "Percentiles of the total.", ("percentile", "FLOP/s"), rows),
        ),
        figures=(
            as_report_figure(
                "distribution",
                "The Monte Carlo distribution of the total.",
                plots.distribution(samples, model_title=model.title),
            ),
        ),
    )


def _sensitivity(model: Model, seed: int) -> Section | None:
    choice = choice_for(model)
    if not sensitivity.uncertain_inputs(model) and choice is None:
        return None
    swings = sensitivity.tornado(model, structural=choice)
    elasticity = sensitivity.elasticities(model)
    rows = [
        [
            fmt.label(name),
            f"alternatives {swings.alternative_low} to {swings.alternative_high}"
            if name == swings.structural
            else fmt.interval(lo, hi, unit),
            fmt.sig(abs(h - lo_out)),
            "—" if name == swings.structural else fmt.sig(elasticity.value(name)),
        ]
        for name, unit, lo, hi, lo_out, h in zip(
            swings.names,
            swings.units,
            swings.input_low,
            swings.input_high,
            swings.output_low,
            swings.output_high,
            strict=True,
        )
    ]
    tables = [
        table(
            "tornado",
            "Each input's 90% interval, the swing of the total over it (orders "
            "of magnitude) and the elasticity d ln F / d ln x at the central values.",
            ("input", "90% interval", "swing [decades]", "elasticity"),
            rows,
        ),
    ]
    paragraphs = [
        (
            "Each uncertain input moves alone from its 5th to its 95th percentile while the "
            "others stay at their medians."
        )
    ]
    if choice is not None:
        paragraphs.append(
            f"{fmt.label(choice.label)} is a structural choice between "
            f"{', '.join(choice.names)} (weights "
            f"{', '.join(f'{w:.2g}' for w in choice.weights)}): its tornado row spans the "
            "alternatives' lowest and highest totals, inputs at their medians, and Sobol' "
            "draws it by its weights as one more input."
        )
    try:
        indices = sobol(model if choice is None else choice, _SOBOL_N, seed=seed)
    except MissingDependencyError:
        paragraphs.append("Sobol' indices need SALib (pip install 'brainflops[sensitivity]').")
    else:
        sob = indices.to_frame()
        tables.append(
            table(
                "sobol",
                f"Sobol' indices of log10 FLOP/s ({indices.evaluations:,} evaluations of their own "
                "design, inputs independent).",
                ("input", "first order", "total"),
                [
                    [fmt.label(p), f"{a:.2f} ± {b:.2f}", f"{c:.2f} ± {d:.2f}"]
                    for p, a, b, c, d in zip(
                        sob.parameter, sob.S1, sob.S1_conf, sob.ST, sob.ST_conf, strict=True
                    )
                ],
            )
        )
        paragraphs.append(
            "Sobol' indices split the variance of log10 FLOP/s between the inputs; their "
            "sampling design is their own (Saltelli), the only numbers not from the draws above."
        )
    return Section(
        key="sensitivity",
        title="Sensitivity",
        paragraphs=tuple(paragraphs),
        tables=tuple(tables),
        figures=(
            as_report_figure(
                "tornado",
                "Which assumptions move the estimate most.",
                plots.tornado(swings, model=model),
            ),
        ),
    )


def _same_estimate(row: str, name: str) -> bool:
    """Whether a comparison row is the model itself: its name, or its default variant."""
    base, _, variant = row.partition(":")
    if row == name or not variant or base != name:
        return row == name
    variants = preset_document(base).get("variants", [])
    return any(v.get("name") == variant and v.get("default") for v in variants)


def _comparison(model: Model, samples: Samples) -> Section:
    every = literature.comparison_table()
    published = every[[not _same_estimate(name, model.name) for name in every.preset]]
    p5, _, p95 = _interval(samples)
    central = model.central_log10()
    below = int((np.log10(published.central.to_numpy(float)) < central).sum())
    extra = {
        "title": f"This report: {model.title}",
        "central": 10**central,
        "low": 10**p5,
        "high": 10**p95,
    }
    figure = plots.comparison(published, extra=extra)
    rows = [
        [
            Cell(f"**{extra['title']}**", f"<strong>{extra['title']}</strong>"),
            "",
            "",
            fmt.from_log10(central),
            fmt.interval(10**p5, 10**p95),
            "",
        ]
    ]
    for row in published.to_dict("records"):
        year = "" if row["year"] is None or math.isnan(row["year"]) else str(int(row["year"]))
        rows.append(
            [
                row["title"],
                year,
                str(row["method"]),
                fmt.sci(row["central"]),
                fmt.interval(row["low"], row["high"]),
                _source_cell(str(row["source"])),
            ]
        )
    return Section(
        key="comparison",
        title="Comparison with published estimates",
        paragraphs=(
            (
                f"This model's central estimate, {fmt.from_log10(central, 'FLOP/s')}, lies above "
                f"{below} of the {len(published)} published estimates built into brainflops (each "
                "reproduced from its source's own inputs; the model itself is not counted)."
            ),
        ),
        tables=(
            table(
                "literature",
                "Published estimates on one FLOP/s scale; this model first.",
                ("estimate", "year", "method", "central FLOP/s", "90% interval", "source"),
                rows,
            ),
        ),
        figures=(
            as_report_figure(
                "comparison", "This model (black) among the published estimates.", figure
            ),
        ),
    )


_MEMBER_MIN_WEIGHT = 0.01  # ensemble members below this weight are not drawn


def _timeline(model: Model, samples: Samples, options: Options) -> Section:
    # The budget and energy series are read at the hardware section's precision, so the
    # report's plan and its timeline price the same arithmetic.
    accelerator = options.criterion in ("budget", "energy")
    criterion = timeline.get_criterion(
        options.criterion, precision=options.precision if accelerator else None
    )
    series = criterion.series
    ensemble = trends.fit_calibrated(series)
    single = {
        "exponential (all years)": trends.fit_model("exponential", series, None, None),
        "piecewise (estimated break)": trends.fit_model("piecewise", series, None, None),
    }
    log10 = samples.log10
    note = ""
    if log10 is None:  # a streamed run keeps only the histogram: the timeline needs draws
        log10 = model.sample(DEFAULT_SAMPLES, seed=options.seed).log10
        note = f" (The parity years use the first {DEFAULT_SAMPLES:,} draws of this seed.)"
    assert log10 is not None
    default_label = "calibrated ensemble (default)"
    results = {
        label: timeline.parity_years(log10, trend, timeline.trend_rng(options.seed), criterion)
        for label, trend in {default_label: ensemble, **single}.items()
    }
    p5, _, p95 = _interval(samples)
    low, high = (float(v) for v in 10 ** criterion.log10_target(np.array([p5, p95])))
    finite = [r.p95_year for r in results.values() if math.isfinite(r.p95_year)]
    members = {
        f"{name} (ensemble weight {weight:.2f})": ensemble.members[name]
        for name, weight in ensemble.weights.items()
        if weight >= _MEMBER_MIN_WEIGHT
    }
    trend_fig = brain_band_trend(
        series,
        members,
        (f"{model.title.split(':')[0]} (90%)", low, high),
        max(finite) if finite else None,
    )
    doubling = {label: fmt.sig(trend.doubling_time_years) for label, trend in single.items()}
    rows = [
        [
            label,
            doubling.get(label, ""),
            timeline.format_year(r.median_year, 1),
            timeline.format_year(r.p5_year, 1),
            timeline.format_year(r.p95_year, 1),
            fmt.share(r.reached_fraction),
            fmt.share(r.never_fraction),
        ]
        for label, r in results.items()
    ]
    # Seed 0: the replay whose widening the ensemble itself uses (and the README quotes).
    calibration = trends.calibrate(series, seed=0)
    scored = [score for score in calibration.scores if score.n]
    coverage = "; ".join(
        f"{score.coverage:.0%} of {score.n} forecasts of {score.horizon} targets "
        f"({score.windows} of them independent; 90% range "
        f"{score.coverage_interval[0]:.0%}-{score.coverage_interval[1]:.0%})"
        for score in scored
    )
    paragraphs = [
        f"Criterion {criterion.name}: {criterion.description}"
        + (f" (at {options.precision}, the hardware section's precision)" if accelerator else "")
        + ". Trends are fitted to the "
        f"{series_description(series)} series in log space; the default is the "
        "calibrated ensemble: exponential, piecewise, logistic and last-record members "
        "weighted by their out-of-sample skill, with intervals set by the errors of "
        "rolling-origin backtests and widened after misses (adaptive conformal inference). "
        "Each draw of the estimate meets a draw of the trend, and its parity year is when "
        "that trend reaches it; a target the data already reached is reported as reached. "
        "Two single fits are shown for comparison. Any extrapolation assumes the past's "
        "growth, or its slowing, carries on: the weakest step of such a forecast." + note,
        (
            f"On the backtests of this series, the default's stated "
            f"{calibration.confidence:.0%} intervals covered the actual year in {coverage} "
            "(each forecast calibrated only on what was known at its date). Forecasts "
            "made a list apart are judged on nearly the same later lists, so only the "
            "independent ones count as trials of the range."
            if scored
            else "This series has too little history to score the intervals on backtests."
        ),
    ]
    figures = [
        as_report_figure(
            "trend",
            "The hardware series, the ensemble's members with their weights and 95% bands, "
            "and this estimate's 90% interval.",
            trend_fig,
        ),
        as_report_figure(
            "parity",
            "Probability that the trend has reached the estimate by each year.",
            plots.parity_cdf(results),
        ),
    ]
    if scored:
        figures.append(
            as_report_figure(
                "calibration",
                "Stated against achieved coverage of the default's intervals on "
                "rolling-origin backtests of this series, with 90% ranges given the "
                "number of independent forecasts.",
                plots.calibration([calibration]),
            )
        )
    return Section(
        key="timeline",
        title="Timeline",
        paragraphs=tuple(paragraphs),
        tables=(
            table(
                "parity",
                f"Parity years ({criterion.name}).",
                (
                    "trend",
                    "doubling time [years]",
                    "median year",
                    "5th percentile",
                    "95th percentile",
                    "already reached",
                    "never",
                ),
                rows,
            ),
        ),
        figures=tuple(figures),
    )


def _hardware(model: Model, options: Options) -> Section:
    plan = hardware.plan(model, options.device, options.precision)
    facts = [
        ("device", f"{plan.device.name} at {plan.precision}"),
        ("devices needed", f"{fmt.count(plan.devices_needed)} (set by {plan.limited_by})"),
        ("bound", plan.bound),
        ("power", fmt.si(plan.power_watts, "W") or "unknown"),
        (
            "power / the brain's",
            f"{fmt.sci(plan.power_vs_brain)} ×" if plan.power_vs_brain else "",
        ),
        ("purchase", fmt.money(plan.cost_usd) or "unknown"),
        ("energy per hour", fmt.money(plan.energy_cost_per_hour_usd) or "unknown"),
        ("weights", fmt.si(plan.memory_bytes, "B") or "unknown"),
    ]
    stages = [
        [
            s.population,
            _stage_title(s.stage),
            fmt.sci(s.flops),
            fmt.sig(s.intensity) if s.intensity else "",
            s.bound,
            fmt.count(s.devices),
        ]
        for s in plan.stages
    ]
    figures: tuple[ReportFigure, ...] = ()
    if any(s.intensity for s in plan.stages):
        figures = (
            as_report_figure(
                "roofline", "Each stage on the device's roofline.", plots.roofline(plan)
            ),
        )
    paragraphs = [
        (
            f"Running the model in real time on {plan.device.name} at {plan.precision}: each "
            "stage's arithmetic intensity places it on the roofline; devices add up over stages; "
            "power and cost follow from the device's TDP and price and the facility assumptions."
        )
    ]
    if not plan.bytes_known:
        paragraphs.append("Formula terms have no bytes: counted compute-bound, a lower bound.")
    return Section(
        key="hardware",
        title="Hardware",
        paragraphs=tuple(paragraphs),
        tables=(
            table(
                "hardware", "Scale-out summary.", ("quantity", "value"), [list(f) for f in facts]
            ),
            table(
                "stages",
                "Each stage on the roofline (devices: the stage alone, rounded up).",
                ("population", "stage", "FLOP/s", "FLOP/byte", "bound", "devices"),
                stages,
            ),
        ),
        figures=figures,
    )


def _link(text: str, url: str) -> Cell:
    from html import escape  # noqa: PLC0415

    if not url:
        return Cell(text, escape(text))
    return Cell(f"{text} <{url}>", f'{escape(text)} <a href="{escape(url)}">{escape(url)}</a>')


def _source_cell(key: str) -> Cell:
    """A short citation linked to its DOI or URL (the key itself when none is known)."""
    from html import escape  # noqa: PLC0415

    ref = cite.reference(key)
    if not ref.link:
        return Cell(ref.short, escape(ref.short))
    return Cell(
        f"[{ref.short}]({ref.link})", f'<a href="{escape(ref.link)}">{escape(ref.short)}</a>'
    )


def _parameter_cell(name: str, titles: dict[str, str]) -> Cell:
    """The parameter's human label, with the id that ``--set`` and scenarios use below it."""
    from html import escape  # noqa: PLC0415

    label = fmt.label(name, titles)
    return Cell(f"{label} ({name})", f"{escape(label)}<br><code>{escape(name)}</code>")


def _assumptions(model: Model) -> Section:
    frame = assumptions_frame(model)
    titles = dict(model.metadata.get("titles", {}))
    rows = [
        [
            _parameter_cell(r["name"], titles),
            fmt.sci(r["value"], r["unit"]),
            "" if r["low"] is None or math.isnan(r["low"]) else fmt.interval(r["low"], r["high"]),
            r["provenance"] + ("" if r["verified"] else ", unverified"),
            f"{r['source']}: {r['locator']}".strip(": "),
            r["note"],
        ]
        for r in frame.to_dict("records")
    ]
    references = [[ref.key, _link(ref.text, ref.link)] for ref in cite.references(model)]
    return Section(
        key="assumptions",
        title="Assumptions and sources",
        paragraphs=(
            (
                "Every input with its value, 90% range, basis (stated by the source, derived from "
                "stated numbers, or assumed; 'unverified' where the primary source could not be "
                "checked) and where in the source it comes from."
            ),
        ),
        tables=(
            table(
                "assumptions",
                "The assumption table.",
                ("parameter", "value", "90% range", "basis", "source", "note"),
                rows,
            ),
            table("references", "Sources, with DOI or URL.", ("key", "reference"), references),
        ),
    )


# ------------------------------------------------------------------------------ build
def build_report(
    model: Model, options: Options | None = None, *, progress: Progress | None = None
) -> Report:
    """Compute every section of the report for ``model`` from one set of draws.

    ``progress`` is called with the name of each stage before it runs (the command line
    shows it on a terminal).
    """
    options = options or Options()
    step = progress or (lambda _: None)
    step(f"sampling {options.samples:,} draws")
    draws = model.sample(options.samples, seed=options.seed)
    omitted: dict[str, str] = {}
    step("estimate and distribution")
    sections = [_estimate(model, draws), _distribution(model, draws)]
    step("sensitivity")
    section = _sensitivity(model, options.seed)
    if section is None:
        omitted["sensitivity"] = "the model has no uncertain inputs"
    else:
        sections.append(section)
    step("comparison with the literature")
    sections.append(_comparison(model, draws))
    step(f"timeline ({options.criterion})")
    sections.append(_timeline(model, draws, options))
    step("deep learning")
    sections.append(versus_section(model, options.samples, options.seed))
    step("biological anchors")
    sections.append(anchors_section(model, options.samples, options.seed))
    step(f"hardware ({options.device}, {options.precision})")
    sections.append(_hardware(model, options))
    sections.append(_assumptions(model))
    return Report(
        title=f"brainflops report: {model.title}",
        model_name=model.name,
        samples=options.samples,
        seed=options.seed,
        device=options.device,
        precision=options.precision,
        criterion=options.criterion,
        sections=tuple(sections),
        omitted=omitted,
    )
