"""Helpers shared by the CLI commands: JSON output, file output, text tables."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from brainflops.core.errors import InvalidValueError
from brainflops.core.io import (
    MAX_DPI,
    UnsafePathError,
    atomic_write,
    check_output_dir,
    check_output_path,
)

__all__ = [
    "MAX_FLOAT_LOG10",
    "MAX_MIN_TIME",
    "MAX_SAMPLES",
    "MAX_SEED",
    "MAX_SOBOL_SAMPLES",
    "add_output_arguments",
    "bounded_float",
    "bounded_int",
    "check_outputs",
    "dpi",
    "dumps",
    "emit",
    "flops_fields",
    "flops_text",
    "model_name",
    "non_empty",
    "positive_int",
    "power_of_two",
    "seed",
    "text_table",
]

#: Most Monte Carlo draws any command takes (--samples): about a second of sampling and
#: the largest run kept in memory (longer runs would stream and lose the draws).
MAX_SAMPLES = 1_000_000
#: Largest Sobol' base size N (a power of two); the cost is N * (2 * parameters + 2)
#: model evaluations.
MAX_SOBOL_SAMPLES = 2**16
#: Largest random seed (numpy seeds are non-negative; 2**32 - 1 as in numpy's legacy API).
MAX_SEED = 2**32 - 1
#: Longest time per benchmark case, in seconds (bench --min-time).
MAX_MIN_TIME = 60.0
FORCE_HINT = "--force"


def _finite_or_raise(value: Any, where: str) -> Any:
    """``value`` with tuples as lists, refusing non-finite floats (JSON has none)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidValueError(
            "JSON output",
            f"{where} is {value} (outside the range of floating point); the model's values "
            "are too extreme for this output, use the text output or the log10 fields",
        )
    if isinstance(value, dict):
        return {str(k): _finite_or_raise(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_or_raise(v, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def dumps(data: Any) -> str:
    """Serialise ``data`` deterministically: same input, byte-identical output.

    A non-finite float (inf, NaN) is refused with an error naming its key rather than
    written as ``null``, which would read as "no value" instead of "overflowed".
    """
    checked = _finite_or_raise(data, "result")
    return json.dumps(checked, indent=2, allow_nan=False, ensure_ascii=False) + "\n"


#: Largest log10 a float can hold (about 308.25).
MAX_FLOAT_LOG10 = math.log10(sys.float_info.max)


def flops_text(log10: float, fmt: str = ".4g") -> str:
    """A rate given by its log10 as text: ``1.075e+21``, or ``10^309.2`` beyond a float.

    >>> flops_text(21.0314), flops_text(309.2), flops_text(-400.0)
    ('1.075e+21', '10^309.2', '10^-400.0')
    """
    if not math.isfinite(log10):
        return "0" if log10 < 0 else "inf"
    if -300 < log10 < MAX_FLOAT_LOG10:
        return format(10**log10, fmt)
    return f"10^{log10:.1f}"


def flops_fields(name: str, log10: float) -> dict[str, float]:
    """``{name: value, "log10_" + name: log10}``; only the log10 beyond a float's range.

    JSON has no infinity, so a value too large for a float is given by its log10 alone
    (the field ``name`` is left out) instead of as ``null`` or a clipped number.
    """
    fields = {f"log10_{name}": log10}
    if log10 < MAX_FLOAT_LOG10:
        fields = {name: 10**log10, **fields}
    return fields


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--out FILE`` and ``--force`` to a command that writes a text result."""
    parser.add_argument(
        "--out",
        metavar="FILE",
        type=non_empty("--out"),
        help="write to FILE instead of standard output (a new name, or an existing regular "
        "file with --force; links, folders and devices are refused)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing --out file")


def _check_output_folder(path: str | os.PathLike[str]) -> Path:
    """Return the folder that will hold ``path`` if a new file can be created there.

    The command line creates no folders (the library's writers do): a mistyped folder name
    is refused before any work rather than silently created.

    The folder must exist and be a directory, and a (hidden, immediately removed) file
    is created in it to prove that it takes one: permission bits alone do not tell, since
    the superuser passes them and read-only or virtual file systems (``/proc``) refuse
    every new file whatever they say.

    Raises
    ------
    UnsafePathError
        If the folder does not exist, is not a directory, or refuses a new file.
    """
    text = os.fspath(path)
    folder = Path(text).parent
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise UnsafePathError(text, f"its folder {folder} {what}; create it first")
    try:
        fd, probe = tempfile.mkstemp(prefix=".brainflops-probe.", suffix=".tmp", dir=folder)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UnsafePathError(text, f"its folder {folder} takes no new file ({reason})") from None
    os.close(fd)
    Path(probe).unlink(missing_ok=True)
    return folder


def _same_file(first: str, second: str) -> bool:
    """True when two output paths name one file (``p.svg`` and ``./p.svg``, a link)."""
    one, two = Path(first), Path(second)
    if one.exists() and two.exists():
        return one.samefile(two)
    return os.path.normcase(one.resolve()) == os.path.normcase(two.resolve())


def check_outputs(args: argparse.Namespace) -> None:
    """Refuse unwritable ``--out`` and ``--plot`` paths before any work is done.

    Every command that writes files calls this first, so an existing output without
    ``--force``, a link, a folder or a device, a folder that is missing or takes no new
    file, and two options naming the same file are refused in milliseconds rather than
    after the computation (which would write one output and then fail on, or overwrite
    it with, the other).
    """
    force = bool(getattr(args, "force", False))
    named = [(option, getattr(args, option[2:], None)) for option in ("--out", "--plot")]
    outputs = [(option, path) for option, path in named if path is not None]
    for option, path in outputs:
        _check_output_folder(path)
        if option == "--out" and getattr(args, "out_is_folder", False):
            check_output_dir(path)  # its contents are checked against the files to be written
        else:  # a --plot's format (the file name's suffix) is the command's to check
            check_output_path(path, overwrite=force, force_hint=FORCE_HINT)
    for i, (option, path) in enumerate(outputs):
        for other, other_path in outputs[i + 1 :]:
            if _same_file(path, other_path):
                raise InvalidValueError(
                    f"{option} {path} and {other} {other_path}",
                    "name the same file; give each output its own file",
                )


def emit(text: str, args: argparse.Namespace) -> None:
    """Print ``text``, or write it atomically to ``args.out`` when given."""
    out = getattr(args, "out", None)
    if out is not None:
        atomic_write(
            out, text, overwrite=bool(getattr(args, "force", False)), force_hint=FORCE_HINT
        )
        print(f"wrote {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _integer(text: str) -> int | None:
    try:
        return int(text.strip().replace("_", ""))
    except ValueError:
        return None


def bounded_int(low: int, high: int, what: str = "an integer") -> Callable[[str], int]:
    """argparse type: an integer in ``low..high``, refused before any work otherwise."""

    def parse(text: str) -> int:
        value = _integer(text)
        if value is None or not low <= value <= high:
            msg = f"expected {what} from {low} to {high}, got {text!r}"
            raise argparse.ArgumentTypeError(msg)
        return value

    return parse


def bounded_float(low: float, high: float, what: str = "a number") -> Callable[[str], float]:
    """argparse type: a finite number in ``[low, high]``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not low <= value <= high:  # also false for NaN
            msg = f"expected {what} from {low:g} to {high:g}, got {text!r}"
            raise argparse.ArgumentTypeError(msg)
        return value

    return parse


#: ``--samples``: a count of draws, 1 to :data:`MAX_SAMPLES`.
positive_int = bounded_int(1, MAX_SAMPLES, "a number of draws")
#: ``--seed``: 0 to :data:`MAX_SEED`.
seed = bounded_int(0, MAX_SEED, "a seed")
#: ``--dpi``: 1 to :data:`brainflops.core.io.MAX_DPI`.
dpi = bounded_int(1, MAX_DPI, "a resolution in dots per inch")


def power_of_two(text: str) -> int:
    """argparse type for Sobol' base sizes: a power of two from 2 to MAX_SOBOL_SAMPLES."""
    value = _integer(text)
    if value is None or value < 2 or value > MAX_SOBOL_SAMPLES or value & (value - 1):
        msg = (
            f"Sobol' samples must be a power of two from 2 to {MAX_SOBOL_SAMPLES} "
            f"(e.g. 1024, 4096), got {text!r}"
        )
        raise argparse.ArgumentTypeError(msg)
    return value


def non_empty(option: str) -> Callable[[str], str]:
    """argparse type: any text but the empty string (an unset shell variable)."""

    def parse(text: str) -> str:
        if not text.strip():
            msg = f"{option} needs a value, got an empty string"
            raise argparse.ArgumentTypeError(msg)
        return text

    return parse


def model_name(text: str) -> str:
    """argparse type for ``--preset``: ``NAME`` or ``NAME:VARIANT``, neither part empty."""
    name, colon, variant = text.partition(":")
    if not name.strip() or (colon and not variant.strip()):
        msg = f"expected PRESET or PRESET:VARIANT, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return text


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
    the widest left-aligned text column is wrapped until the table fits ``width`` columns;
    the first column (the rows' names, ids a reader copies) is never wrapped.
    """
    from tabulate import tabulate  # here, not at the top: 40% of `--help`'s start-up

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
        text_columns = [i for i in range(1, len(columns)) if i not in flush_right]
        current = {i: max([len(columns[i]), *(len(r[i]) for r in cells)]) for i in text_columns}
        if widths[max(current, key=current.__getitem__)] is not None and all(
            (widths[i] or current[i]) <= 8 for i in text_columns
        ):
            break  # nothing left to wrap: the terminal wraps the rest
        widest = max(text_columns, key=lambda i: widths[i] or current[i])
        widths[widest] = max(8, (widths[widest] or current[widest]) - 4)
        text = render()
    return "\n".join(line.rstrip() for line in text.splitlines())
