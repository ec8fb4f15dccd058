"""Helpers shared by the CLI commands: JSON output, file output, text tables."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from tabulate import tabulate

from brainflops.core.io import atomic_write

__all__ = ["add_output_arguments", "dumps", "emit", "positive_int", "text_table"]


def _finite(value: Any) -> Any:
    """Replace non-finite floats by None so the JSON stays standard (no NaN/Infinity)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def dumps(data: Any) -> str:
    """Serialise ``data`` deterministically: same input, byte-identical output."""
    return json.dumps(_finite(data), indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--out FILE`` and ``--force`` to a command that writes a text result."""
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument("--force", action="store_true", help="overwrite an existing --out file")


def emit(text: str, args: argparse.Namespace) -> None:
    """Print ``text``, or write it atomically to ``args.out`` when given."""
    out = getattr(args, "out", None)
    if out:
        atomic_write(out, text, overwrite=bool(getattr(args, "force", False)))
        print(f"wrote {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def positive_int(text: str) -> int:
    """argparse type for counts such as ``--samples``: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"expected a positive integer, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def text_table(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    right: Iterable[int] = (),
    rule: bool = False,
    width: int | None = None,
) -> str:
    """Rows under a header in aligned columns, as plain text without a trailing newline.

    Cells are shown as given (``str`` of each; numbers are never reformatted), columns
    listed in ``right`` are right-aligned and the others left-aligned, and ``rule`` draws
    a line of dashes under the header. No rows gives the header alone. With ``width``,
    the widest left-aligned text column is wrapped until the table fits ``width`` columns.
    """
    columns = list(header)
    flush_right = set(right)
    cells = [[str(cell) for cell in row] for row in rows]
    widths: list[int | None] = [None] * len(columns)

    def render() -> str:
        return tabulate(
            cells,
            headers=columns,
            tablefmt="simple" if rule else "plain",
            disable_numparse=True,
            colalign=["right" if i in flush_right else "left" for i in range(len(columns))],
            maxcolwidths=widths,
        )

    text = render()
    while width is not None and max(map(len, text.splitlines()), default=0) > width:
        text_columns = [i for i in range(len(columns)) if i not in flush_right]
        current = {i: max([len(columns[i]), *(len(r[i]) for r in cells)]) for i in text_columns}
        if widths[max(current, key=current.__getitem__)] is not None and all(
            (widths[i] or current[i]) <= 8 for i in text_columns
        ):
            break  # nothing left to wrap: the terminal wraps the rest
        widest = max(text_columns, key=lambda i: widths[i] or current[i])
        widths[widest] = max(8, (widths[widest] or current[widest]) - 4)
        text = render()
    return "\n".join(line.rstrip() for line in text.splitlines())
