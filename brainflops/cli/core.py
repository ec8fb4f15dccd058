"""Core commands: ``presets``, ``estimate``, ``explain`` and ``table``."""

from __future__ import annotations

import argparse
import math
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from brainflops.models.model import Model


from brainflops.cli._common import (
    MAX_FLOAT_LOG10,
    add_output_arguments,
    dumps,
    emit,
    flops_fields,
    model_name,
    non_empty,
    positive_int,
    seed,
    text_table,
)
from brainflops.cli._terminal import add_quiet_argument, fit, stage, width
from brainflops.core import fmt

DEFAULT_PRESET = "dettmers2015"
# Written out so that --help loads no library module; tests/test_cli_startup.py checks it
# against brainflops.outputs.export.FORMATS.
FORMATS = ("text", "markdown", "csv", "latex", "json", "html")


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """``--preset NAME`` (default dettmers2015) and ``--scenario FILE``."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--preset",
        default=None,
        type=model_name,
        help=f"built-in preset, or preset:variant (default {DEFAULT_PRESET})",
    )
    group.add_argument(
        "--scenario", metavar="FILE", type=non_empty("--scenario"), help="a scenario TOML file"
    )


def model_from_args(args: argparse.Namespace) -> Model:
    """The model chosen by ``--preset`` or ``--scenario``."""
    from brainflops.models.presets import load_preset

    scenario = getattr(args, "scenario", None)
    if scenario:
        from brainflops.models.scenario import load_scenario

        return load_scenario(scenario)
    return load_preset(preset_name(args))


def preset_name(args: argparse.Namespace) -> str:
    """The built-in preset chosen by ``--preset`` (default dettmers2015)."""
    return args.preset or DEFAULT_PRESET


def _presets(args: argparse.Namespace) -> int:
    from brainflops.models.presets import list_presets, load_preset

    rows = []
    for name in list_presets(variants=True):
        model = load_preset(name)
        rows.append(
            {
                "preset": name,
                "title": model.title,
                "central": model.central().m_as("FLOP/s"),
                "reported": model.reported,
            }
        )
    if args.json:
        emit(dumps(rows), args)
        return 0
    table = [(r["preset"], fmt.sci(r["central"]), r["title"]) for r in rows]
    text = text_table(("preset", "FLOP/s", "title"), table, right=(1,), rule=True, width=width())
    emit(text + "\n", args)
    return 0


def _estimate(args: argparse.Namespace) -> int:
    from brainflops.models.summary import preset_summary, summarize

    if args.plot:
        from brainflops.outputs.plots import check_path

        check_path(args.plot)
    if args.samples or args.plot or getattr(args, "scenario", None):
        model = model_from_args(args)
        summary = summarize(model)
    else:
        # No draws of a built-in preset: the cached summary spares building the model.
        summary = preset_summary(preset_name(args))
    # Everything in log10, so that an estimate beyond the float range (a scenario may
    # reach 10^309) is shown as a power of ten instead of failing or turning into inf.
    central = summary.log10_central
    term_logs = [term.log_flops / math.log(10) for term in summary.terms]
    result: dict = {
        "preset": summary.name,
        "title": summary.title,
        "unit": "FLOP/s",
        **flops_fields("central", central),
        "kind": summary.kind,
        "reported": summary.reported,
        "headline": summary.headline,
        "converted": summary.converted,
        "breakdown": [
            {
                "population": term.population,
                "stage": term.stage,
                "operation": term.operation,
                **flops_fields("flops", log),
            }
            for term, log in zip(summary.terms, term_logs, strict=True)
        ],
    }
    samples = None
    if args.samples:
        with (
            stage(f"sampling {args.samples:,} draws", args) if args.samples >= 10**6 else _quiet()
        ):
            samples = model.sample(args.samples, seed=args.seed)
        quantiles = [float(q) for q in samples.percentile_log10([5, 50, 95])]
        result["samples"] = args.samples
        result["seed"] = args.seed
        result["percentiles_log10"] = dict(zip(("5", "50", "95"), quantiles, strict=True))
        if max(quantiles) < MAX_FLOAT_LOG10:
            result["percentiles"] = {k: 10**v for k, v in result["percentiles_log10"].items()}
        result["spread_decades"] = samples.spread_decades
    if args.plot:
        from brainflops.outputs import plots

        figure = (
            plots.breakdown(model)
            if samples is None
            else plots.distribution(samples, model_title=model.title)
        )
        plots.save(figure, args.plot, overwrite=bool(args.force))
        sys.stderr.write(f"wrote {args.plot}\n")
    if args.json:
        emit(dumps(result), args)
        return 0
    emit(fit(_estimate_text(summary, term_logs, result), width()), args)
    return 0


def _quiet() -> Any:
    from contextlib import nullcontext

    return nullcontext()


def _estimate_text(summary: Any, term_logs: list[float], result: dict[str, Any]) -> str:
    """The estimate for people: the total, the source's figure, percentiles, the stages."""
    # Four figures where the reconstruction meets the source's number (1.076 vs 1.075).
    digits = 4 if summary.reported is not None else fmt.DIGITS
    central = summary.log10_central
    lines = [summary.title, f"  central estimate: {fmt.from_log10(central, 'FLOP/s', digits)}"]
    lines += [f"  {line}" for line in summary.comparison]
    if "percentiles_log10" in result:
        p5, p50, p95 = result["percentiles_log10"].values()
        lines.append(
            f"  {result['samples']:,} draws (seed {result['seed']}): median "
            f"{fmt.from_log10(p50, 'FLOP/s')}, 90% interval {fmt.from_log10(p5)} to "
            f"{fmt.from_log10(p95, 'FLOP/s')} ({result['spread_decades']:.2f} orders of magnitude)"
        )
    lines.append("")
    rows = [
        (
            term.population,
            fmt.label(term.stage),
            term.operation,
            fmt.from_log10(log),
            fmt.share(share),
        )
        for term, log, share in zip(summary.terms, term_logs, summary.shares(), strict=True)
    ]
    header = ("population", "stage", "operation", "FLOP/s", "share")
    lines.append(text_table(header, rows, right=(3, 4), rule=True, width=width()))
    return "\n".join(lines) + "\n"


def _explain(args: argparse.Namespace) -> int:
    import sympy as sp

    from brainflops.ops.stages import STAGES

    model = model_from_args(args)
    display = {model.symbols[n]: sp.Symbol(p.symbol) for n, p in model.parameters.items()}
    units = {p.symbol: p.unit for p in model.parameters.values()}
    items = []
    for term in model.terms:
        shown = term.expr.subs(display)
        stage = STAGES.get(term.stage)
        items.append(
            {
                "population": term.population,
                "stage": term.stage,
                "title": stage.title if stage else term.stage,
                "analogue": stage.analogue if stage else term.operation,
                "operation": term.operation
                if not term.operations
                else " + ".join(op.describe(dict(display)) for op in term.operations),
                "formula": sp.sstr(shown),
                "latex": sp.latex(shown),
                "symbols": {str(s): units[str(s)] for s in sorted(shown.free_symbols, key=str)},
            }
        )
    headline = model.metadata.get("headline")
    about = {
        "kind": model.kind,
        "reported": None if headline is None else headline.text(),
        "converted": None if headline is None else headline.converted,
        "reconstruction": " ".join(str(model.metadata.get("reconstruction", "")).split()) or None,
    }
    if args.json:
        emit(dumps({"preset": model.name, "unit": "FLOP/s", **about, "terms": items}), args)
        return 0
    lines = [f"{model.title}: every term is in FLOP/s", f"  kind: {about['kind']}"]
    if about["reported"] is not None:
        lines.append(f"  the source's headline, as printed: {about['reported']}")
    if about["converted"] is not None:
        lines.append(f"  our FLOP/s conversion of it (derived): {about['converted']:.4g} FLOP/s")
    if about["reconstruction"]:
        lines += ["", "How this reconstruction was chosen:", *_wrapped(about["reconstruction"])]
    lines.append("")
    for item in items:
        lines += [
            f"[{item['population']}] {item['title']} -> {item['analogue']}",
            f"    operation: {item['operation']}",
            f"    formula:   {item['formula']}",
            f"    LaTeX:     {item['latex']}",
            "    units:     " + ", ".join(f"{k} [{v}]" for k, v in item["symbols"].items()),
            "",
        ]
    emit(fit("\n".join(lines), width()), args)
    return 0


def _wrapped(text: str) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=88, initial_indent="  ", subsequent_indent="  ")


def _table(args: argparse.Namespace) -> int:
    from brainflops.outputs.export import assumptions, parse_columns

    chosen = args.format
    if chosen is None:  # people at a terminal get the readable view; pipes get Markdown
        chosen = "text" if sys.stdout.isatty() and not args.out else "markdown"
    columns = parse_columns(args.columns)
    emit(assumptions(model_from_args(args), chosen, columns=columns, width=width()), args)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the core commands."""
    p = subparsers.add_parser("presets", help="list the built-in presets")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_output_arguments(p)
    p.set_defaults(handler=_presets)

    p = subparsers.add_parser("estimate", help="estimate the brain's FLOP/s")
    add_model_arguments(p)
    p.add_argument(
        "--samples",
        type=positive_int,
        default=0,
        metavar="N",
        help="add Monte Carlo percentiles from N draws",
    )
    p.add_argument("--seed", type=seed, default=0, help="random seed for --samples (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--plot",
        metavar="FILE",
        type=non_empty("--plot"),
        help="also draw the breakdown (with --samples: the distribution) to FILE "
        "(.svg, .png, .pdf)",
    )
    add_quiet_argument(p)
    add_output_arguments(p)
    p.set_defaults(handler=_estimate)

    p = subparsers.add_parser("explain", help="show each stage's formula with units")
    add_model_arguments(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    add_output_arguments(p)
    p.set_defaults(handler=_explain)

    p = subparsers.add_parser("table", help="print the assumption table")
    add_model_arguments(p)
    p.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="text (default on a terminal), markdown (default otherwise), csv, latex, json, html",
    )
    p.add_argument(
        "--columns",
        metavar="A,B,...",
        help="columns to keep, in order (the names of the csv header: name, symbol, unit, "
        "value, low, high, ...)",
    )
    add_output_arguments(p)
    p.set_defaults(handler=_table)


__all__ = ["add_model_arguments", "model_from_args", "preset_name", "register"]
