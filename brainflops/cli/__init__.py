"""The ``brainflops`` command line.

Each command lives in a module of this package that exposes ``register(subparsers)``;
``register`` adds the command's parser and sets ``handler`` to a function taking the
parsed arguments and returning an exit code. User mistakes (any ``BrainflopsError`` or an
unreadable file) print one line per problem on stderr and exit with status 2, never a
traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from brainflops import __version__
from brainflops.core.errors import BrainflopsError, ScenarioError

__all__ = ["main"]

# Order is the order of ``brainflops --help``.
_COMMAND_MODULES = (
    "core",
    "sensitivity",
    "trends",
    "report",
    "hardware",
    "literature",
    "scenario",
    "train",
    "anchors",
)

EXIT_USER_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="brainflops",
        description="Estimate the brain's computation in FLOP/s and when computers match it.",
    )
    parser.add_argument("--version", action="version", version=f"brainflops {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMAND_MODULES:
        import_module(f"brainflops.cli.{name}").register(subparsers)
    return parser


def _report(problems: Sequence[str]) -> None:
    for problem in problems:
        print(f"brainflops: error: {problem}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except ScenarioError as exc:
        _report(exc.problems)
    except BrainflopsError as exc:
        _report(str(exc).splitlines() or [type(exc).__name__])
    except OSError as exc:
        _report([f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")])
    except KeyboardInterrupt:
        _report(["interrupted"])
        return 130
    return EXIT_USER_ERROR
