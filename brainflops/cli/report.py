"""The ``report`` command: a shareable HTML report and its Markdown twin."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from brainflops.cli._common import non_empty, positive_int, seed
from brainflops.cli.core import add_model_arguments, model_from_args
from brainflops.core.io import check_output_path

__all__ = ["register"]

# Written out so that --help loads no library module; tests/test_cli_startup.py checks it
# against brainflops.outputs.report.DEFAULT_SAMPLES.
DEFAULT_SAMPLES = 20_000


def _report(args: argparse.Namespace) -> int:
    # Refuse an existing report (or a link, device...) before the slow build.
    for name in ("report.html", "report.md"):
        check_output_path(Path(args.out) / name, overwrite=args.force, force_hint="--force")
    from brainflops.outputs.report import write_report

    model = model_from_args(args)
    paths = write_report(model, args.out, force=args.force, samples=args.samples, seed=args.seed)
    print(f"wrote {paths['html']}", file=sys.stderr)
    print(f"wrote {paths['markdown']}", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``report`` command."""
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
        help=f"Monte Carlo draws (default {DEFAULT_SAMPLES})",
    )
    p.add_argument("--seed", type=seed, default=0, help="random seed (default 0)")
    p.set_defaults(handler=_report, out_is_folder=True)
