"""Command ``compare``: every published brain-compute estimate side by side.

Examples
--------
::

    brainflops compare
    brainflops compare --json
    brainflops compare --plot estimates.png --force
    brainflops compare --preset carlsmith2020 --preset moravec1998 --json
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from brainflops.cli._common import (
    add_output_arguments,
    dpi,
    dumps,
    emit,
    text_table,
)

__all__ = ["register"]


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:.3g}"


def _text(records: list[dict[str, Any]], samples: int) -> str:
    header = ("preset", "kind", "year", "central", "low", "high", "reported", "FLOP/s by")
    rows = [
        (
            r["preset"] + ("" if r["published"] else " *"),
            r["kind"],
            str(r["year"] or "-"),
            _fmt(r["central"]),
            _fmt(r["low"]),
            _fmt(r["high"]),
            r["reported"] or "-",
            {"source": "source", "our conversion": "us"}.get(r["headline"], "-"),
        )
        for r in records
    ]
    out = [text_table(header, rows, right=(2, 3, 4, 5))]
    out.append("")
    out.append(
        f"central/low/high: FLOP/s; low/high are 5th-95th percentiles of "
        f"{samples:,} Monte Carlo draws (equal to central without a range). "
        "reported: what the source printed, in its own unit (a point, a range or a bound); "
        "'-' where it gives no figure (see reported_note in --json). FLOP/s by: 'source' "
        "when the source printed FLOP/s, 'us' when the FLOP/s figure is our conversion "
        "(converted, conversion_source in --json). kind: an upper or lower bound is not "
        "an estimate. * this project's own estimate, not a published one."
    )
    return "\n".join(out) + "\n"


def _comparison(presets: list[str] | None) -> dict[str, Any]:
    from brainflops.models.literature import comparison_summary

    return comparison_summary(presets)


def _compare(args: argparse.Namespace) -> int:
    from brainflops.core.cache import cached_json
    from brainflops.models.prebuilt import prebuilt

    presets = args.preset or None
    result: dict[str, Any]
    if args.plot:
        from brainflops.outputs import plots

        plots.check_path(args.plot)
    if args.plot:
        from brainflops.models import literature

        table = literature.comparison_table(presets)
        figure = plots.comparison(table)
        plots.save(figure, args.plot, dpi=args.dpi, overwrite=bool(args.force))
        sys.stderr.write(f"wrote {args.plot}\n")
        result = {
            "samples": literature.SAMPLES,
            "records": literature.comparison_records(table=table),
        }
    else:
        # Deterministic (fixed seeds) and a function of the package's files alone: shipped
        # prebuilt for every built-in preset, else cached once built.
        result = (prebuilt("compare") if presets is None else None) or cached_json(
            f"compare {presets}", lambda: _comparison(presets)
        )
    records = result["records"]
    emit(dumps(records) if args.json else _text(records, result["samples"]), args)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``compare`` command."""
    p = subparsers.add_parser(
        "compare",
        help="compare every published brain-compute estimate (table, JSON, chart)",
        description="Reproduce every literature preset from its own inputs and compare them "
        "in FLOP/s, with their 90% ranges.",
    )
    p.add_argument(
        "--preset",
        action="append",
        metavar="NAME",
        help="compare only this preset or preset:variant (repeatable; default all)",
    )
    p.add_argument(
        "--json", action="store_true", help="print a JSON list, one object per estimate"
    )
    p.add_argument(
        "--plot", metavar="FILE", help="also draw the comparison chart to FILE (.svg, .png, .pdf)"
    )
    p.add_argument("--dpi", type=dpi, default=300, help="resolution of a PNG --plot (default 300)")
    add_output_arguments(p)
    p.set_defaults(handler=_compare)
