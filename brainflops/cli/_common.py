"""Helpers shared by the CLI commands: JSON output, file output, model selection."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from brainflops.io import atomic_write

__all__ = ["add_output_arguments", "dumps", "emit", "positive_int"]


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
