"""What the command line needs to know about the terminal: its width, and progress.

Human output is laid out for :func:`width` columns (``shutil.get_terminal_size``, which
honours ``COLUMNS``). Progress goes to standard error and only to a terminal: piped or
redirected runs and ``--quiet`` stay silent, so machine output is never interleaved.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["add_quiet_argument", "fit", "progress_enabled", "stage", "width"]

_MIN_WIDTH = 60  # narrower terminals get this layout and wrap it themselves


def width() -> int:
    """Columns available for human output (at least 60)."""
    return max(shutil.get_terminal_size(fallback=(100, 24)).columns, _MIN_WIDTH)


def fit(text: str, columns: int | None = None) -> str:
    """Wrap every line of ``text`` longer than ``columns``; continuations are indented.

    >>> print(fit("  a line with several words in it", 16))
      a line with
        several
        words in it
    """
    limit = columns or width()
    out = []
    for line in text.splitlines():
        if len(line) <= limit:
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        out += textwrap.wrap(line, limit, initial_indent="", subsequent_indent=indent + "  ")
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def add_quiet_argument(parser: argparse.ArgumentParser) -> None:
    """``--quiet``: no progress messages on standard error."""
    parser.add_argument(
        "--quiet", action="store_true", help="no progress messages on standard error"
    )


def progress_enabled(args: argparse.Namespace | None = None) -> bool:
    """True when progress should be shown: standard error is a terminal and not ``--quiet``."""
    if args is not None and getattr(args, "quiet", False):
        return False
    return sys.stderr.isatty()


@contextmanager
def stage(message: str, args: argparse.Namespace | None = None) -> Iterator[None]:
    """Show ``message…`` on standard error while the block runs, then its duration.

    Silent unless :func:`progress_enabled`.
    """
    if not progress_enabled(args):
        yield
        return
    start = time.perf_counter()
    sys.stderr.write(f"{message}…")
    sys.stderr.flush()
    try:
        yield
    finally:
        sys.stderr.write(f" {time.perf_counter() - start:.1f} s\n")
        sys.stderr.flush()
