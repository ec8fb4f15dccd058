"""Exception hierarchy.

Every error brainflops raises for a user mistake derives from :class:`BrainflopsError`.
Each specific error also derives from the builtin a Python user would expect (a unit
mismatch is a ``TypeError``, a bad value a ``ValueError``, an unknown name a ``KeyError``),
so existing ``except`` clauses keep working. Errors carry structured fields so that
callers (the CLI, the scenario validator) can report them without parsing messages.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "BrainflopsError",
    "DataError",
    "ExpressionError",
    "InvalidValueError",
    "MissingDependencyError",
    "NonMonotoneError",
    "OutputExistsError",
    "ScenarioError",
    "UnitMismatchError",
    "UnknownNameError",
]


class BrainflopsError(Exception):
    """Base class of every error raised by brainflops for bad input or data."""


class UnitMismatchError(BrainflopsError, TypeError):
    """A quantity has the wrong physical dimension.

    Attributes
    ----------
    name:
        The parameter, stage or argument whose unit is wrong.
    expected, actual:
        The expected and the given unit (or dimensionality), as text.
    """

    def __init__(self, name: str, expected: str, actual: str, context: str = "") -> None:
        self.name = name
        self.expected = expected
        self.actual = actual
        self.context = context
        where = f" ({context})" if context else ""
        super().__init__(
            f"{name}{where}: expected a quantity in {expected}, got {actual}",
        )


class InvalidValueError(BrainflopsError, ValueError):
    """A value is outside its domain (negative count, lo >= hi, NaN, ...).

    Attributes
    ----------
    name:
        The parameter or argument at fault (may be empty when not known).
    reason:
        What is wrong with it.
    """

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"{name}: {reason}" if name else reason)


class UnknownNameError(BrainflopsError, KeyError):
    """A name (parameter, preset, series, device, ...) does not exist.

    The message suggests the closest known names.
    """

    def __init__(self, kind: str, name: str, known: Iterable[str] = ()) -> None:
        self.kind = kind
        self.name = name
        self.known = sorted(known)
        close = difflib.get_close_matches(name, self.known, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        super().__init__(f"unknown {kind} {name!r}{hint}")

    def __str__(self) -> str:  # KeyError would otherwise quote the whole message
        return str(self.args[0])


class ExpressionError(BrainflopsError, ValueError):
    """A formula in a preset or scenario is not allowed or cannot be parsed."""

    def __init__(self, expression: str, reason: str, name: str = "") -> None:
        self.expression = expression
        self.reason = reason
        self.name = name
        where = f"{name}: " if name else ""
        super().__init__(f"{where}invalid expression {expression!r}: {reason}")


class ScenarioError(BrainflopsError, ValueError):
    """A scenario or preset file is malformed.

    Attributes
    ----------
    problems:
        Every problem found, each a one-line message naming file, line (where known)
        and the key at fault. ``str(error)`` joins them with newlines.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class DataError(BrainflopsError, ValueError):
    """A packaged or user-supplied data file is missing or inconsistent."""


class NonMonotoneError(BrainflopsError, ValueError):
    """Exact bounds were requested for a formula that is not monotone in some input."""

    def __init__(self, parameters: list[str]) -> None:
        self.parameters = parameters
        super().__init__(
            "the model is not monotone in "
            + ", ".join(parameters)
            + " over the 90% box; corner bounds would not be exact",
        )


class OutputExistsError(BrainflopsError, FileExistsError):
    """An output file exists and overwriting it was not requested."""

    def __init__(self, path: str, force_hint: str = "overwrite=True") -> None:
        self.path = path
        super().__init__(f"{path} exists; pass {force_hint} to replace it")


class MissingDependencyError(BrainflopsError, ImportError):
    """An optional dependency needed for the requested analysis is not installed.

    Attributes
    ----------
    package:
        The missing distribution (``SALib``).
    extra:
        The brainflops extra that installs it (``sensitivity``).
    """

    def __init__(self, package: str, extra: str, purpose: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"{purpose} needs the optional package {package}; "
            f"install it with: pip install 'brainflops[{extra}]'",
        )
