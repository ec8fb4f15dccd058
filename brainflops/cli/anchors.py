"""Biological-anchors commands: ``anchors`` (the requirement distributions) and ``tai``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from brainflops.cli._common import bounded_int, dumps, seed, text_table
from brainflops.cli._terminal import fit, width

__all__ = ["register"]

_VARIANTS = ("cotra2020", "cotra2022")
_MAX_SAMPLES = 100_000  # as montecarlo.MAX_SAMPLES (not imported: numpy stays out of --help)
_FORMATS = ("markdown", "csv", "latex", "json", "html")


_samples = bounded_int(1, _MAX_SAMPLES, "a number of draws")


def _run(args: argparse.Namespace) -> Any:
    from brainflops.forecast.anchors.affordability import with_fitted_hardware
    from brainflops.forecast.anchors.inputs import load_inputs, load_variant
    from brainflops.forecast.anchors.montecarlo import forecast
    from brainflops.models.presets import load_preset
    from brainflops.models.scenario import load_scenario

    if args.inputs:
        inputs = load_inputs(args.inputs, args.variant)
    else:
        inputs = load_variant(args.variant or "cotra2020")
    if args.hardware == "fit":
        inputs = with_fitted_hardware(inputs)
    if args.scenario:
        brain, label = load_scenario(args.scenario), f"scenario {args.scenario}"
    else:
        name = args.brain or inputs.brain_preset
        brain, label = load_preset(name), name
    return forecast(inputs, brain, n=args.samples, seed=args.seed, brain_name=label)


def _anchors(args: argparse.Namespace) -> int:
    plot = _plot_target(args)
    result = _run(args)
    if plot is not None:
        from brainflops.outputs.plots_anchors import anchors_figure

        _save(anchors_figure(result), plot, args)
    if args.assumptions:
        from brainflops.forecast.anchors.montecarlo import assumption_models
        from brainflops.outputs.export import assumptions

        for name, model in assumption_models(result.inputs, _brain_of(args, result)).items():
            if args.assumptions in ("markdown", "html"):
                sys.stdout.write(f"\n{name}\n\n")
            sys.stdout.write(assumptions(model, args.assumptions))
        return 0
    rows = result.anchor_rows()
    if args.json:
        sys.stdout.write(
            dumps(
                {
                    "variant": result.inputs.name,
                    "brain": result.brain_name,
                    "samples": result.n,
                    "seed": result.seed,
                    "anchors": rows,
                }
            )
        )
        return 0
    print(
        fit(
            f"{result.inputs.title}; brain: {result.brain_name}; {result.n:,} draws, seed "
            f"{result.seed}. Training FLOP with {result.inputs.base_year} algorithms, log10:",
            width(),
        )
    )
    table = [
        [r["label"], f"{r['weight']:.2f}", f"{r['p10']:.1f}", f"{r['p50']:.1f}", f"{r['p90']:.1f}"]
        for r in rows
    ]
    print(
        text_table(["anchor", "weight", "p10", "p50", "p90"], table, right=(1, 2, 3, 4), rule=True)
    )
    return 0


def _brain_of(args: argparse.Namespace, result: Any) -> Any:
    from brainflops.models.presets import load_preset
    from brainflops.models.scenario import load_scenario

    if args.scenario:
        return load_scenario(args.scenario)
    return load_preset(args.brain or result.inputs.brain_preset)


def _plot_target(args: argparse.Namespace) -> Any:
    """The --plot path, refused before any computing when its type or existence is wrong."""
    if not args.plot:
        return None
    from brainflops.core.errors import OutputExistsError
    from brainflops.outputs.plots import check_path

    target = check_path(args.plot)
    if target.exists() and not args.force:
        raise OutputExistsError(str(target))
    return target


def _save(fig: Any, target: Any, args: argparse.Namespace) -> None:
    from brainflops.outputs.plots.style import save

    save(fig, target, overwrite=args.force)
    print(f"wrote {target}", file=sys.stderr)


def _tai(args: argparse.Namespace) -> int:
    plot = _plot_target(args)
    from brainflops.forecast.anchors.montecarlo import tornado

    result = _run(args)
    rows = tornado(result) if args.tornado else []
    summary = result.to_dict()
    if args.tornado:
        summary["tornado"] = [
            {
                "input": r.name,
                "low": r.low_value,
                "high": r.high_value,
                "unit": r.unit,
                "median_year_at_low": r.median_low,
                "median_year_at_high": r.median_high,
            }
            for r in rows
        ]
    if plot is not None:
        from brainflops.outputs.plots_anchors import tai_figure

        _save(tai_figure([result]), plot, args)
    if args.json:
        sys.stdout.write(dumps(summary))
        return 0
    median = summary["median_year"] or "after 2200"
    print(
        fit(
            f"{result.inputs.title}; brain: {result.brain_name}; {result.n:,} draws, seed "
            f"{result.seed}",
            width(),
        )
    )
    print(f"median year of transformative AI: {median}")
    for year, p in summary["probability_by"].items():
        print(f"  P(by end of {year}) = {p:.1%}")
    print(
        f"  not by 2200 (including {1 - sum(result.weights.values()):.0%} on no anchor): "
        f"{result.never_fraction:.1%}"
    )
    if rows:
        print("\nmedian year with one input at its 5th / 95th percentile (largest swing first):")
        from brainflops.core import fmt
        from brainflops.forecast.anchors.inputs import INPUT_TITLES

        table = [
            [
                fmt.label(r.name, INPUT_TITLES),
                fmt.sci(r.low_value),
                fmt.sci(r.high_value),
                "" if r.unit == "dimensionless" else r.unit,
                r.median_low or ">2200",
                r.median_high or ">2200",
            ]
            for r in rows
        ]
        print(
            text_table(
                ["input", "low", "high", "unit", "median@low", "median@high"],
                table,
                right=(1, 2, 4, 5),
                rule=True,
                width=width(),
            )
        )
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--variant", choices=_VARIANTS, help="the report's inputs (default cotra2020)")
    brain = p.add_mutually_exclusive_group()
    brain.add_argument(
        "--brain",
        metavar="PRESET",
        help="brain FLOP/s from this preset (default: the variant's, cotra2020)",
    )
    brain.add_argument("--scenario", metavar="FILE", help="brain FLOP/s from a scenario file")
    p.add_argument(
        "--inputs",
        metavar="FILE",
        help="TOML file changing anchor inputs ([anchors] variant, [set], "
        "[parameters.NAME]); see docs/anchors.md",
    )
    p.add_argument(
        "--hardware",
        choices=("report", "fit"),
        default="report",
        help="FLOP/$ halving time: the report's, or fitted to the packaged GPU data",
    )
    p.add_argument(
        "--samples",
        type=_samples,
        default=10_000,
        metavar="N",
        help=f"Monte Carlo draws, 1 to {_MAX_SAMPLES:,} (default 10000)",
    )
    p.add_argument("--seed", type=seed, default=2020, metavar="S", help="seed (default 2020)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--plot", metavar="FILE", help="write the chart (.png, .svg or .pdf)")
    p.add_argument("--force", action="store_true", help="overwrite an existing --plot file")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``anchors`` and ``tai``."""
    p = subparsers.add_parser(
        "anchors",
        help="biological anchors: training-compute requirement of each anchor",
        description="Each anchor's 10th/50th/90th percentile of training FLOP (log10, "
        "with the base year's algorithms, after the update against low FLOP) and its weight.",
    )
    _common(p)
    p.add_argument(
        "--assumptions",
        choices=_FORMATS,
        metavar="FORMAT",
        help=f"print the inputs as assumption tables ({', '.join(_FORMATS)})",
    )
    p.set_defaults(handler=_anchors)

    p = subparsers.add_parser(
        "tai",
        help="biological anchors: probability of transformative AI by year",
        description="Monte Carlo of Cotra's biological-anchors model: the first year the "
        "largest training run can afford each anchor's requirement, mixed by the anchor "
        "weights.",
    )
    _common(p)
    p.add_argument(
        "--tornado",
        action="store_true",
        help="sensitivity of the median year to each input and anchor weight",
    )
    p.set_defaults(handler=_tai)
