"""``brainflops sensitivity``: which assumptions move the estimate.

Examples
--------
``brainflops sensitivity --preset dettmers2015 --method tornado --plot tornado.png``
``brainflops sensitivity --method sobol --samples 4096 --seed 1 --json``
``brainflops sensitivity --method sobol --no-structural``

A preset that declares structural alternatives (``[preset.alternatives]``: Dettmers' three
reconstructions) gets them as one more row of tornado and Sobol' by default, when the
preset is named without a variant. ``--structural`` asks for them (and fails where the
preset declares none), ``--no-structural`` leaves them out. A named variant or a scenario
is analysed alone unless ``--structural`` is given (a scenario never has alternatives).
"""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from typing import TYPE_CHECKING

from brainflops.cli._common import (
    add_output_arguments,
    dumps,
    emit,
    non_empty,
    power_of_two,
    seed,
    text_table,
)
from brainflops.cli._terminal import add_quiet_argument, stage
from brainflops.cli.core import add_model_arguments, model_from_args, preset_name
from brainflops.core.errors import InvalidValueError

if TYPE_CHECKING:
    from brainflops.uncertainty.sensitivity import Elasticities, Tornado
    from brainflops.uncertainty.sobol import SobolIndices
    from brainflops.uncertainty.structural import StructuralChoice


__all__ = ["register"]

DEFAULT_SOBOL_SAMPLES = 1024
# Written out so that --help loads no library module; tests/test_cli_startup.py checks it
# against brainflops.uncertainty.sensitivity.METHODS.
METHODS = ("elasticity", "tornado", "sobol")


def _table(result: Elasticities | Tornado | SobolIndices) -> list[str]:
    from brainflops.uncertainty.sensitivity import Elasticities, Tornado

    if isinstance(result, Elasticities):
        header = ["parameter", "unit", "central", "elasticity"]
        rows = [
            [n, u, f"{c:.4g}", f"{e:+.4f}"]
            for n, u, c, e in zip(
                result.names, result.units, result.central, result.values, strict=True
            )
        ]
    elif isinstance(result, Tornado):
        header = ["parameter", "unit", "p5", "p95", "log10 at p5", "log10 at p95", "swing"]
        ends = {result.structural: (result.alternative_low, result.alternative_high)}
        rows = [
            [n, u, *ends.get(n, (f"{a:.4g}", f"{b:.4g}")), f"{lo:.3f}", f"{hi:.3f}", f"{s:.3f}"]
            for n, u, a, b, lo, hi, s in zip(
                result.names,
                result.units,
                result.input_low,
                result.input_high,
                result.output_low,
                result.output_high,
                result.swings,
                strict=True,
            )
        ]
    else:
        header = ["parameter", "S1", "+/-", "ST", "+/-"]
        rows = [
            [n, f"{s1:.3f}", f"{c1:.3f}", f"{st:.3f}", f"{ct:.3f}"]
            for n, s1, c1, st, ct in zip(
                result.names,
                result.first,
                result.first_conf,
                result.total,
                result.total_conf,
                strict=True,
            )
        ]
    return text_table(header, rows).splitlines()


def _summary(result: Elasticities | Tornado | SobolIndices, title: str) -> list[str]:
    from brainflops.uncertainty.sensitivity import Elasticities, Tornado

    if isinstance(result, Elasticities):
        return [f"{title}", "  elasticities d ln(FLOP/s) / d ln(x) at the central values", ""]
    if isinstance(result, Tornado):
        lines = [
            f"{title}",
            f"  log10 FLOP/s with every input at its median: {result.base_log10:.3f}",
            "  swing (decades) as each input spans its 5th-95th percentile, others at median",
        ]
        if result.structural:
            lines.append(
                f"  {result.structural}: the alternatives' lowest and highest log10 FLOP/s, "
                "each with its inputs at their medians (--no-structural leaves it out)"
            )
        return [*lines, ""]
    lines = [
        f"{title}",
        (
            f"  Sobol' indices of log10 FLOP/s: n = {result.n} ({result.evaluations} "
            f"evaluations), seed {result.seed}, {100 * result.confidence:g}% intervals"
        ),
    ]
    if result.structural:
        weights = ", ".join(f"{n} {w:.3g}" for n, w in result.alternatives)
        lines.append(
            f"  {result.structural}: a discrete input drawn by its weights ({weights}) in the "
            "same design (--no-structural leaves it out)"
        )
    if result.ignored_correlations:
        lines.append("  note: inputs treated as independent; the model's correlations are ignored")
    return [*lines, ""]


def _structural_choice(args: argparse.Namespace) -> StructuralChoice | None:
    """The structural alternatives to include (see the module notes), or ``None``."""
    if args.structural is False:
        return None
    if args.structural is None and (
        args.method == "elasticity" or args.scenario or ":" in (args.preset or "")
    ):
        return None
    if args.method == "elasticity":
        raise InvalidValueError("--structural", "applies to --method tornado and sobol only")
    if args.scenario:
        raise InvalidValueError("--structural", "a scenario declares no structural alternatives")
    from brainflops.models.alternatives import structural_choice

    name = preset_name(args)
    choice = structural_choice(name)
    if choice is None and args.structural:
        reason = f"preset {name} declares no structural alternatives"
        raise InvalidValueError("--structural", reason)
    return choice


def _sensitivity(args: argparse.Namespace) -> int:
    from brainflops.uncertainty.sensitivity import analyse

    if args.samples is not None and args.method != "sobol":
        raise InvalidValueError("--samples", "applies to --method sobol only")
    if args.plot is not None:
        from brainflops.outputs.plots import check_path

        check_path(args.plot)
    model = model_from_args(args)
    choice = _structural_choice(args)
    samples = DEFAULT_SOBOL_SAMPLES if args.samples is None else args.samples
    # Only Sobol' takes long enough (seconds) to need a progress line.
    with stage("Sobol' indices", args) if args.method == "sobol" else nullcontext():
        result = analyse(model, args.method, n=samples, seed=args.seed, structural=choice)
    # Sobol' over a structural choice analyses the mixture of the alternatives, not the
    # preset's default variant: its title says so.
    mixture = choice is not None and args.method == "sobol"
    title = f"{model.name} over its alternatives ({result.model})" if mixture else model.title
    if args.plot is not None:
        from brainflops.outputs import plots

        figure = plots.sensitivity(result, model=None if mixture else model)
        plots.save(figure, args.plot, overwrite=args.force)
        print(f"wrote {args.plot}", file=sys.stderr)
    if args.json:
        emit(dumps({"preset": model.name, "title": title, **result.to_dict()}), args)
        return 0
    emit("\n".join([*_summary(result, title), *_table(result)]) + "\n", args)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``sensitivity`` command."""
    p = subparsers.add_parser(
        "sensitivity",
        help="which assumptions move the estimate (elasticities, tornado, Sobol')",
        description="Elasticities (exact, at the central values), a tornado table of swings "
        "over each input's 90% interval, or Sobol' indices of log10 FLOP/s (needs SALib).",
    )
    add_model_arguments(p)
    p.add_argument(
        "--method", choices=METHODS, default="elasticity", help="analysis (default elasticity)"
    )
    p.add_argument(
        "--samples",
        type=power_of_two,
        default=None,
        metavar="N",
        help=f"Sobol' base sample size, a power of two (default {DEFAULT_SOBOL_SAMPLES})",
    )
    p.add_argument("--seed", type=seed, default=0, help="seed for --method sobol (default 0)")
    p.add_argument(
        "--structural",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="include the preset's declared structural alternatives (e.g. Dettmers' "
        "reconstructions) as a row of tornado and Sobol' (default: yes for a preset named "
        "without a variant that declares them)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--plot",
        metavar="FILE",
        type=non_empty("--plot"),
        help="also draw the chart to FILE (.svg, .png, .pdf)",
    )
    add_output_arguments(p)
    add_quiet_argument(p)
    p.set_defaults(handler=_sensitivity)
