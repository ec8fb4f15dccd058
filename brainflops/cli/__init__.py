"""The ``brainflops`` command line.

Each command lives in a module of this package that exposes ``register(subparsers)``;
``register`` adds the command's parser and sets ``handler`` to a function taking the
parsed arguments and returning an exit code. Command modules import the library inside
their handlers, so ``--help`` loads no heavy library.

Exit status and messages (every message one line on stderr, control characters escaped):

* 0: success;
* 2: a user mistake: a bad option (argparse), any ``BrainflopsError``, an unreadable or
  unwritable file, standard output closed;
* 130: interrupted (Ctrl-C), at any point after the interpreter has started this module;
* 141: the reader of standard output went away (a broken pipe, as after ``| head``);
  nothing more is printed;
* 1: a bug: ``internal error``, with a request to report it. ``BRAINFLOPS_DEBUG=1``
  shows the traceback instead.

Python warnings (numpy's RuntimeWarnings on overflow, say) are not printed: results that
matter are checked, and a warning is not a message a user can act on.
"""

# Only the standard library is imported at module level, and as little of it as possible,
# so that a Ctrl-C during start-up is already inside main()'s handling.
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import NoReturn

__all__ = ["main"]

# Order is the order of ``brainflops --help``.
_COMMAND_MODULES = (
    "core",
    "sensitivity",
    "trends",
    "timeline",
    "report",
    "hardware",
    "literature",
    "scenario",
    "dl",
    "train",
    "anchors",
)

EXIT_BUG = 1
EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what the shell reports for a tool killed by it
_ISSUES = "https://github.com/brainflops/brainflops/issues"


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every command registered."""
    import argparse
    from importlib import import_module

    from brainflops import __version__

    class OneLineParser(argparse.ArgumentParser):
        """An argparse parser whose errors are one line: ``brainflops CMD: error: ...``."""

        def error(self, message: str) -> NoReturn:
            _say(f"{self.prog}: error: {message} (see {self.prog} --help)")
            raise SystemExit(EXIT_USER_ERROR)

    parser = OneLineParser(
        prog="brainflops",
        description="Estimate the brain's computation in FLOP/s and when computers match it.",
    )
    parser.add_argument("--version", action="version", version=f"brainflops {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMAND_MODULES:
        import_module(f"brainflops.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        _say("brainflops: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _main(argv: Sequence[str] | None) -> int:
    import warnings

    from brainflops.core.errors import BrainflopsError, OutputExistsError, ScenarioError

    if sys.stdout is None:  # started with standard output closed (``>&-``)
        sys.stdout = _ClosedOutput()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        args = build_parser().parse_args(argv)
        from brainflops.cli._common import check_outputs  # after --help, which needs none

        try:
            check_outputs(args)  # an unusable --out or --plot is refused before any work
            status = int(args.handler(args))
            sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
            return status
        except (KeyboardInterrupt, BrokenPipeError):
            raise
        except ScenarioError as exc:
            if getattr(args, "every_problem", False):  # validate lists them, one a line
                for problem in exc.problems:
                    _say(f"brainflops: error: {problem}")
            else:  # every other command says why it stopped in one line
                _say(f"brainflops: error: {'; '.join(exc.problems)}")
        except OutputExistsError as exc:
            # The library's message names its keyword (overwrite=True); here it is --force,
            # whichever library function found the file (one created after the early check).
            _say(f"brainflops: error: {OutputExistsError(exc.path, '--force')}")
        except BrainflopsError as exc:
            _say(f"brainflops: error: {exc}" if str(exc) else type(exc).__name__)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            _say(f"brainflops: error: {where}{exc.strerror or exc}")
        except OverflowError:
            # Only inputs far outside the brain's range (10^300 FLOP/s and more) get here:
            # this command computes in floats; the estimate itself works in log space.
            _say(
                f"brainflops: error: {args.command}: a value of this model is beyond the range "
                "of a float (about 1.8e308); `brainflops estimate` shows it in log space"
            )
        except Exception as exc:  # noqa: BLE001 - the last line of defence, reported as a bug
            return _internal_error(exc)
    return EXIT_USER_ERROR


def _internal_error(exc: Exception) -> int:
    import os

    if os.environ.get("BRAINFLOPS_DEBUG"):
        raise exc
    _say(
        f"brainflops: internal error: {type(exc).__name__}: {exc} -- this is a bug, please "
        f"report it at {_ISSUES} (BRAINFLOPS_DEBUG=1 shows the traceback)"
    )
    return EXIT_BUG


def _say(line: str) -> None:
    """Print one line on stderr, control characters escaped; never fails."""
    import contextlib

    from brainflops.core.text import printable

    # When stderr is closed too, the exit status is all that is left.
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(printable(line), file=sys.stderr, flush=True)


def _silence_stdout() -> None:
    """Point standard output at /dev/null so that the interpreter's final flush is quiet."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # no usable descriptor: there is nothing left to flush either


class _ClosedOutput:
    """Stands in for a closed ``sys.stdout``: writing is a user error, not a traceback."""

    def write(self, _text: str) -> int:
        import errno

        raise OSError(errno.EBADF, "standard output is closed (use --out FILE)")

    def flush(self) -> None:
        """Nothing was written, so there is nothing to flush."""
