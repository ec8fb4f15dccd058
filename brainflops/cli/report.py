"""The ``report`` command: a shareable HTML report and its Markdown twin."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from brainflops.cli._common import add_output_arguments, emit, non_empty, positive_int, seed
from brainflops.cli._terminal import add_quiet_argument, fit, progress_enabled, width
from brainflops.cli.core import add_model_arguments, model_from_args
from brainflops.cli.hardware import PRECISIONS
from brainflops.cli.trends import CRITERIA

__all__ = ["register"]

# Written out so that --help loads no library module; tests/test_cli_startup.py checks it
# against brainflops.outputs.report.DEFAULT_SAMPLES.
DEFAULT_SAMPLES = 20_000


# The report's tables and charts are in floats, and some multiply the brain's FLOP/s by up
# to ~1e9 (lifetime compute) or by costs: its draws must stay well inside a float.
_REPORT_MAX_LOG10 = 280.0


def _check_report_range(model: Any, args: argparse.Namespace) -> None:
    """Refuse, before the slow build, a model whose draws leave the report's float range."""
    from brainflops.core.errors import InvalidValueError

    highest = float(model.sample(args.samples, seed=args.seed).percentile_log10(100.0))
    if highest > _REPORT_MAX_LOG10:
        raise InvalidValueError(
            "report",
            f"the estimate reaches 10^{highest:.1f} FLOP/s in its draws, beyond the "
            f"10^{_REPORT_MAX_LOG10:.0f} the report's tables and charts can show; "
            "`brainflops estimate` works in log space for such a model",
        )


def _report(args: argparse.Namespace) -> int:
    from brainflops.hardware.plan import get_device
    from brainflops.outputs.report import Options, write_report

    model = model_from_args(args)
    get_device(args.device)  # an unknown device fails before the slow build
    _check_report_range(model, args)
    options = Options(args.samples, args.seed, args.device, args.precision, args.criterion)
    show = progress_enabled(args)

    def progress(step: str) -> None:
        if show:
            sys.stderr.write(f"report: {step}…\n")

    paths = write_report(model, args.out, force=args.force, options=options, progress=progress)
    print(f"wrote {paths['html']}", file=sys.stderr)
    print(f"wrote {paths['markdown']}", file=sys.stderr)
    return 0


def _cite(args: argparse.Namespace) -> int:
    from brainflops.outputs import cite

    model = model_from_args(args)
    if args.format == "bibtex":
        emit(cite.bibtex(model), args)
        return 0
    lines = [f"Sources of {model.title}:", ""]
    for reference in cite.references(model):
        lines.append(f"[{reference.key}] {reference.text}")
        if reference.link:
            lines.append(f"    {reference.link}")
    emit(fit("\n".join(lines) + "\n", width()), args)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``cite`` and ``report`` commands."""
    p = subparsers.add_parser(
        "cite",
        help="the sources a preset or scenario uses, as text or BibTeX",
        description="List every source the model cites (its own and each used parameter's) "
        "with its DOI or URL; --format bibtex writes entries to paste into a paper.",
    )
    add_model_arguments(p)
    p.add_argument("--format", choices=("text", "bibtex"), default="text")
    add_output_arguments(p)
    p.set_defaults(handler=_cite)

    p = subparsers.add_parser(
        "report",
        help="write a self-contained HTML report and its Markdown",
        description="Write DIR/report.html (figures and formulas inline, opens without "
        "Python or a network), DIR/report.md and DIR/figures/*.svg for one preset or "
        "scenario. Every section uses the same Monte Carlo draws.",
    )
    add_model_arguments(p)
    p.add_argument(
        "--out",
        metavar="DIR",
        type=non_empty("--out"),
        default="brainflops-report",
        help="output folder (default brainflops-report)",
    )
    p.add_argument("--force", action="store_true", help="overwrite existing report files")
    p.add_argument(
        "--samples",
        type=positive_int,
        default=DEFAULT_SAMPLES,
        metavar="N",
        help=f"Monte Carlo draws, shared by every section (default {DEFAULT_SAMPLES:,})",
    )
    p.add_argument("--seed", type=seed, default=0, help="random seed (default 0)")
    p.add_argument(
        "--device",
        default="H100 SXM5",
        help="accelerator of the hardware section (default H100 SXM5)",
    )
    p.add_argument(
        "--precision",
        default="bf16",
        choices=PRECISIONS,
        help="precision of the hardware section (default bf16)",
    )
    p.add_argument(
        "--criterion",
        default="hpl",
        choices=CRITERIA,
        help="what the timeline compares with (default hpl: the TOP500 #1); budget and energy "
        "read accelerators at --precision, as the hardware section does",
    )
    add_quiet_argument(p)
    p.set_defaults(handler=_report, out_is_folder=True)
