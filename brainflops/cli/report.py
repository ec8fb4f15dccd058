"""The ``report`` command: a shareable HTML report and its Markdown twin."""

from __future__ import annotations

import argparse
import sys

from brainflops.cli._common import add_output_arguments, emit, positive_int
from brainflops.cli._terminal import fit, width
from brainflops.cli.core import add_model_arguments, model_from_args
from brainflops.outputs.report import DEFAULT_SAMPLES, write_report

__all__ = ["register"]


def _report(args: argparse.Namespace) -> int:
    model = model_from_args(args)
    paths = write_report(model, args.out, force=args.force, samples=args.samples, seed=args.seed)
    print(f"wrote {paths['html']}", file=sys.stderr)
    print(f"wrote {paths['markdown']}", file=sys.stderr)
    return 0


def _cite(args: argparse.Namespace) -> int:
    from brainflops.outputs import cite  # noqa: PLC0415 - only this command needs it

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
    """Add the ``report`` and ``cite`` commands."""
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
        description="Write DIR/report.html (figures inlined, opens without Python), "
        "DIR/report.md and DIR/figures/*.png for one preset or scenario.",
    )
    add_model_arguments(p)
    p.add_argument(
        "--out",
        metavar="DIR",
        default="brainflops-report",
        help="output folder (default brainflops-report)",
    )
    p.add_argument("--force", action="store_true", help="overwrite existing report files")
    p.add_argument(
        "--samples",
        type=positive_int,
        default=DEFAULT_SAMPLES,
        metavar="N",
        help=f"Monte Carlo draws (default {DEFAULT_SAMPLES})",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.set_defaults(handler=_report)
