"""Core commands: ``presets``, ``estimate``, ``explain`` and ``table``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import sympy as sp

from brainflops.cli._common import add_output_arguments, dumps, emit, positive_int, text_table
from brainflops.cli._terminal import add_quiet_argument, fit, stage, width
from brainflops.core import fmt
from brainflops.models.model import Model
from brainflops.models.presets import list_presets, load_preset
from brainflops.ops.stages import STAGES
from brainflops.outputs.export import COLUMNS, FORMATS, assumptions, parse_columns
from brainflops.outputs.plots import check_path

DEFAULT_PRESET = "dettmers2015"


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """``--preset NAME`` (default dettmers2015) and ``--scenario FILE``."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--preset",
        default=None,
        help=f"built-in preset, or preset:variant (default {DEFAULT_PRESET})",
    )
    group.add_argument("--scenario", metavar="FILE", help="a scenario TOML file")


def model_from_args(args: argparse.Namespace) -> Model:
    """The model chosen by ``--preset`` or ``--scenario``."""
    scenario = getattr(args, "scenario", None)
    if scenario:
        from brainflops.models.scenario import load_scenario  # noqa: PLC0415 - only when asked

        return load_scenario(scenario)
    return load_preset(args.preset or DEFAULT_PRESET)


def _presets(args: argparse.Namespace) -> int:
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
    if args.plot:
        check_path(args.plot)
    model = model_from_args(args)
    central = model.central().m_as("FLOP/s")
    breakdown = model.breakdown()
    result: dict = {
        "preset": model.name,
        "title": model.title,
        "unit": "FLOP/s",
        "central": central,
        "log10_central": model.central_log10(),
        "reported": model.reported,
        "breakdown": [
            {
                "population": r.population,
                "stage": r.stage,
                "operation": r.operation,
                "flops": float(r.flops),
            }
            for r in breakdown.itertuples(index=False)
        ],
    }
    samples = None
    if args.samples:
        with stage(f"sampling {args.samples:,} draws", args if args.samples >= 10**6 else None):
            samples = model.sample(args.samples, seed=args.seed)
        result["samples"] = args.samples
        result["seed"] = args.seed
        result["percentiles"] = {k: v.m_as("FLOP/s") for k, v in samples.percentiles().items()}
        result["spread_decades"] = samples.spread_decades
    if args.plot:
        from brainflops.outputs import plots  # noqa: PLC0415 - matplotlib only when asked

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
    emit(fit(_estimate_text(model, breakdown, result), width()), args)
    return 0


def _estimate_text(model: Model, breakdown: Any, result: dict[str, Any]) -> str:
    """The estimate for people: the total, the source's figure, percentiles, the stages."""
    from brainflops.ops.stages import STAGES  # noqa: PLC0415 - stage titles

    # Four figures where the reconstruction meets the source's number (1.076 vs 1.075).
    digits = 4 if model.reported is not None else fmt.DIGITS

    lines = [
        model.title,
        f"  central estimate:   {fmt.from_log10(model.central_log10(), 'FLOP/s', digits)}",
    ]
    if model.reported is not None:
        ratio = result["central"] / model.reported
        lines.append(
            f"  reported by source: {fmt.sci(model.reported, 'FLOP/s', digits)} "
            f"(reconstruction / reported = {ratio:.4f})"
        )
    if "percentiles" in result:
        p = result["percentiles"]
        lines.append(
            f"  {result['samples']:,} draws (seed {result['seed']}): median "
            f"{fmt.sci(p['50'], 'FLOP/s')}, 90% interval {fmt.interval(p['5'], p['95'])} "
            f"({result['spread_decades']:.2f} orders of magnitude)"
        )
    lines.append("")
    rows = [
        (
            r.population,
            STAGES[r.stage].title if r.stage in STAGES else r.stage,
            r.operation,
            fmt.sci(r.flops),
            fmt.share(r.share),
        )
        for r in breakdown.itertuples(index=False)
    ]
    header = ("population", "stage", "operation", "FLOP/s", "share")
    lines.append(text_table(header, rows, right=(3, 4), rule=True, width=width()))
    return "\n".join(lines) + "\n"


def _explain(args: argparse.Namespace) -> int:
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
    if args.json:
        emit(dumps({"preset": model.name, "unit": "FLOP/s", "terms": items}), args)
        return 0
    lines = [f"{model.title}: every term is in FLOP/s", ""]
    for item in items:
        lines += [
            f"[{item['population']}] {item['title']} -> {item['analogue']}",
            f"    operation: {item['operation']}",
            f"    formula:   {item['formula']}",
            f"    LaTeX:     {item['latex']}",
            "    units:     " + ", ".join(f"{k} [{v}]" for k, v in item["symbols"].items()),
            "",
        ]
    emit("\n".join(lines), args)
    return 0


def _table(args: argparse.Namespace) -> int:
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
    p.add_argument("--seed", type=int, default=0, help="random seed for --samples (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--plot",
        metavar="FILE",
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
        help=f"columns to keep, in order, from: {', '.join(COLUMNS)}",
    )
    add_output_arguments(p)
    p.set_defaults(handler=_table)


__all__ = ["add_model_arguments", "model_from_args", "register"]
