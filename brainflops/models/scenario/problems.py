"""The problems found in one scenario file, and the small helpers that word them."""

from __future__ import annotations

import difflib
from typing import Any

from brainflops.core.errors import BrainflopsError, UnitMismatchError
from brainflops.core.text import printable
from brainflops.models.scenario.lines import KeyLines

__all__ = ["ProblemLog", "is_table_list", "kind_of", "suggest", "tail_of"]


class ProblemLog:
    """Problems of one scenario text, as ``(key, message)`` pairs.

    The key is the dotted path of the offending entry in the file (``set.firing_rate``,
    ``populations[0].stages``), which also finds its line; an empty key concerns the whole
    file.
    """

    def __init__(self, text: str, origin: str) -> None:
        self.text = text
        self.origin = origin
        self.problems: list[tuple[str, str]] = []
        self._lines: KeyLines | None = None

    def __bool__(self) -> bool:
        return bool(self.problems)

    def add(self, key: str, message: str) -> None:
        """Record one problem at ``key`` (empty when it concerns the whole file)."""
        self.problems.append((key, message))

    def formatted(self) -> list[str]:
        """The problems as ``FILE:LINE: key: message`` lines in file order, without repeats.

        Control characters are escaped, so that a key or file name cannot break a message
        into lines or send escape sequences to the terminal.
        """
        placed: dict[str, int] = {}
        for key, message in self.problems:
            line = self._line_of(key) if key else None
            place = f"{self.origin}:{line}" if line else self.origin
            text = printable(f"{place}: {key}: {message}" if key else f"{place}: {message}")
            placed.setdefault(text, line or 0)
        return sorted(placed, key=placed.__getitem__)

    def _line_of(self, key: str) -> int | None:
        if self._lines is None:  # scanned only when a problem needs a line
            self._lines = KeyLines(self.text)
        return self._lines.find(key)


def is_table_list(value: Any) -> bool:
    """Whether ``value`` is an array of tables."""
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def kind_of(value: Any) -> str:
    """What a TOML value is, in words (``an integer``, ``a table``)."""
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "text",
        list: "an array",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


def suggest(name: str, known: Any) -> str:
    """``; did you mean 'x'?`` for the closest of ``known``, or nothing.

    >>> suggest("firing_rat", ["firing_rate", "count"])
    "; did you mean 'firing_rate'?"
    """
    close = difflib.get_close_matches(str(name), sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def tail_of(exc: BrainflopsError, key: str) -> str:
    """The error's message on one line, without the leading ``key`` (the log adds it).

    >>> tail_of(UnitMismatchError("x.unit", "a known unit", "'blorps'", "unknown unit"), "x.unit")
    "unknown unit: expected a quantity in a known unit, got 'blorps'"
    """
    if isinstance(exc, UnitMismatchError) and exc.name == key:
        text = f"expected a quantity in {exc.expected}, got {exc.actual}"
        return f"{exc.context}: {text}" if exc.context else text
    return str(exc).replace("\n", "; ").removeprefix(f"{key}: ")
