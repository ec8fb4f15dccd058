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
from brainflops.cli._terminal import fit, width

__all__ = ["register"]


_BOUND_MARK = {"upper bound": "≤ ", "lower bound": "≥ "}


def _text(records: list[dict[str, Any]], samples: int) -> str:
    from brainflops.core import fmt

    # The year is in nearly every preset's id; --json has it (and every other field).
    header = ("preset", "central FLOP/s", "90% range", "reported")
    rows = [
        (
            r["preset"] + ("" if r["published"] else " *"),
            _BOUND_MARK.get(r["kind"], "")
            + fmt.sci(r["central"])
            + (" †" if r["headline"] == "our conversion" else ""),
            "-"
            if fmt.sci(r["low"]) == fmt.sci(r["high"])
            else f"{fmt.sci(r['low'])}–{fmt.sci(r['high'])}",
            r["reported"] or "-",
        )
        for r in records
    ]
    out = [text_table(header, rows, right=(1, 2), width=width())]
    out.append("")
    note = (
        f"90% range: 5th-95th percentiles of {samples:,} Monte Carlo draws ('-': no spread). "
        "≤, ≥: an upper or lower bound, not an estimate. reported: what the source printed, in "
        "its own unit (a point, a range or a bound); '-' where it gives no figure (see "
        "reported_note in --json). † the FLOP/s figure is our conversion of the source's unit "
        "(converted, conversion_source in --json); without it the source printed FLOP/s. "
        "* this project's own estimate, not a published one."
    )
    out.append(fit(note, width()))
    return "\n".join(out) + "\n"


def _comparison(presets: list[str] | None) -> dict[str, Any]:
    from brainflops.models.literature import comparison_summary

    return comparison_summary(presets)


def _shipped(shipped: dict[str, Any] | None, presets: list[str] | None) -> dict[str, Any] | None:
    """The shipped comparison, or its rows for ``presets`` in the order a build gives them.

    A preset name selects its rows (its variants, in file order), a ``preset:variant`` name
    its one row; a name with no shipped row gives None, so the comparison is built and
    an unknown name is refused there.
    """
    if shipped is None or presets is None:
        return shipped
    records = shipped["records"]
    chosen = []
    for name in presets:
        key = "preset" if ":" in name else "base"
        rows = [record for record in records if record[key] == name]
        if not rows:
            return None
        chosen += rows
    return {"samples": shipped["samples"], "records": chosen}


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
        result = _shipped(prebuilt("compare"), presets) or cached_json(
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
