"""The package-wide unit registry.

pint's default registry knows nothing about computation or neurons, so brainflops adds
its own base dimensions. Units whose relation to FLOP is a modelling choice of a source
(MIPS, TEPS, synaptic operations, bit erasures) are *not* defined as multiples of FLOP
here: each gets its own dimension, and the presets convert with an explicit, cited
parameter (see ``data/presets``). Only prefixes and pure aliases are defined here.

Use :data:`ureg` and :func:`Q_` everywhere; quantities from another registry are rejected.
"""

from __future__ import annotations

import logging
import math
import pickle
import re
from typing import Any

import pint

from brainflops.core.cache import cache_folder
from brainflops.core.errors import InvalidValueError, UnitMismatchError

__all__ = [
    "FLOPS",
    "Q_",
    "as_quantity",
    "magnitude_in",
    "parse_quantity",
    "parse_unit",
    "quantity_text_problem",
    "unit_text_problem",
    "ureg",
]


def _registry() -> pint.UnitRegistry:
    """pint's registry, with its parsed definitions cached on disk when a cache folder exists.

    Parsing pint's definition file is most of the registry's start-up cost (about 0.2 s of
    CPU against 0.03 s from the cache); pint keys its cache by the definition files' content.
    """
    folder = cache_folder("pint")
    if folder is not None:
        try:
            return pint.UnitRegistry(autoconvert_offset_to_baseunit=True, cache_folder=folder)
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            pass  # an unusable cache: parse the definitions instead
    return pint.UnitRegistry(autoconvert_offset_to_baseunit=True)


ureg: pint.UnitRegistry = _registry()

# One definition per line: name = reference [= symbol] [= aliases].
_DEFINITIONS = """
FLOP = [computation] = flop = flops_unit
FLOPS = FLOP / second
synapse = [synapse]
neuron = [neuron]
spike = [spike]
step = [time_step] = time_step
dendrite = [dendrite]
branch = [dendrite_branch]
evaluation = [evaluation]
instruction = [instruction]
traversed_edge = [edge_traversal] = TE
synaptic_operation = [synaptic_operation] = synop
bit_erasure = [bit_erasure]
calculation = [calculation] = calc
MIPS = 1e6 * instruction / second
TEPS = traversed_edge / second
cps = calculation / second
"""
# pint's defaults spell counts per second ``cps``; the literature's ``cps`` is calculations
# per second (Kurzweil), so that one redefinition is intended and its log line is dropped.
_pint_log = logging.getLogger("pint.util")
_pint_level = _pint_log.level
_pint_log.setLevel(logging.ERROR)
try:
    for _line in _DEFINITIONS.strip().splitlines():
        ureg.define(_line)
finally:
    _pint_log.setLevel(_pint_level)

Q_ = ureg.Quantity
FLOPS = ureg.Unit("FLOP/s")


# Screening of quantity and unit text before it reaches pint: pint's parser evaluates
# arithmetic such as "10**10**10 Hz", which can hang, so only a small grammar passes.
_MAX_QUANTITY_TEXT = 120
_NUMBER = re.compile(
    r"[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d+)?",
)
_UNIT_GRAMMAR = "names, *, /, parentheses and integer powers up to 99"
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)\b", re.IGNORECASE)
_UNIT_TOKEN = re.compile(r"\s*(\*\*|\^|[*/()\-]|[^\W\d]\w*|[%°]|\d+)")


def unit_text_problem(text: str) -> str | None:
    """Why ``text`` is not an acceptable unit expression (None when it is).

    The grammar: names (``synapse``, ``kHz``), ``1``, ``*``, ``/``, juxtaposition,
    parentheses, and powers by an integer of at most two digits. Nothing else reaches pint.
    """
    if len(text) > _MAX_QUANTITY_TEXT:
        return f"unit text longer than {_MAX_QUANTITY_TEXT} characters"
    tokens: list[str] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _UNIT_TOKEN.match(text, pos)
        if not match:
            return f"unexpected character {text[pos:].lstrip()[0]!r} in unit {text!r}"
        tokens.append(match.group(1))
        pos = match.end()
    if not tokens:
        return "the unit is empty"
    index = 0

    def atom(depth: int) -> bool:
        nonlocal index
        if index >= len(tokens) or depth > 4:
            return False
        token = tokens[index]
        if token == "(":
            index += 1
            if not expression(depth + 1) or index >= len(tokens) or tokens[index] != ")":
                return False
            index += 1
        elif token == "1" or re.fullmatch(r"[^\W\d]\w*|[%°]", token):
            index += 1
        else:
            return False
        if index < len(tokens) and tokens[index] in ("**", "^"):
            index += 1
            return exponent()
        return True

    def exponent() -> bool:
        nonlocal index
        wrapped = index < len(tokens) and tokens[index] == "("
        index += wrapped
        index += index < len(tokens) and tokens[index] == "-"
        if index >= len(tokens) or not re.fullmatch(r"\d{1,2}", tokens[index]):
            return False
        index += 1
        if wrapped:
            if index >= len(tokens) or tokens[index] != ")":
                return False
            index += 1
        return True

    def expression(depth: int) -> bool:
        nonlocal index
        if not atom(depth):
            return False
        while index < len(tokens) and tokens[index] != ")":
            if tokens[index] in ("*", "/"):
                index += 1
            if not atom(depth):
                return False
        return True

    if not expression(0) or index != len(tokens):
        return f"cannot read {text!r} as a unit ({_UNIT_GRAMMAR})"
    return None


def quantity_text_problem(text: str) -> str | None:
    """Why ``text`` is not an acceptable ``"<number> [unit]"`` string (None when it is)."""
    stripped = text.strip()
    if len(stripped) > _MAX_QUANTITY_TEXT:
        return f"quantity text longer than {_MAX_QUANTITY_TEXT} characters"
    if _NOT_FINITE.match(stripped):
        return f"must be finite, got {text!r}"
    match = _NUMBER.match(stripped)
    if not match or not match.group(0).strip("+-"):
        return f"expected '<number> <unit>' such as '75000 synapse/neuron', got {text!r}"
    number = float(match.group(0).replace("_", ""))
    if not math.isfinite(number):
        return f"must be finite, got {text!r}"
    rest = stripped[match.end() :].strip()
    if rest and unit_text_problem(rest):
        return f"cannot read {text!r} as '<number> <unit>' (the unit: {_UNIT_GRAMMAR})"
    return None


# What pint raises for text it cannot read.
_PARSE_ERRORS = (
    pint.UndefinedUnitError,
    pint.errors.DefinitionSyntaxError,
    ValueError,
    AttributeError,
    TypeError,
    SyntaxError,
)


def _why_unreadable(exc: Exception) -> str:
    """What pint could not read, naming an unknown unit.

    >>> try:
    ...     ureg.Quantity("5 blorps")
    ... except pint.UndefinedUnitError as exc:
    ...     _why_unreadable(exc)
    "unknown unit 'blorps'"
    """
    if isinstance(exc, pint.UndefinedUnitError):
        names = ", ".join(repr(str(n)) for n in exc.unit_names)
        return f"unknown unit {names}" if names else "unknown unit"
    return "cannot parse unit"


def parse_unit(text: str, name: str = "unit") -> pint.Unit:
    """Parse a unit string, raising :class:`UnitMismatchError` naming ``name`` on failure.

    Examples
    --------
    >>> str(parse_unit("PFLOP/s"))
    'petaFLOP / second'
    """
    problem = unit_text_problem(text) if isinstance(text, str) else "not text"
    if problem:
        raise UnitMismatchError(name, "a known unit", repr(text), problem)
    try:
        unit = ureg.Unit(text)
    except _PARSE_ERRORS as exc:
        raise UnitMismatchError(name, "a known unit", repr(text), _why_unreadable(exc)) from exc
    if not ureg.Quantity(1.0, unit)._is_multiplicative:
        # Offset units (degC) would be converted as absolute values by the root-unit
        # scaling the model relies on; kelvin or delta units are unambiguous.
        raise UnitMismatchError(name, "a multiplicative unit (e.g. K)", repr(text), "offset unit")
    return unit


def parse_quantity(text: str, name: str) -> pint.Quantity:
    """Read ``"<number> [unit]"`` text as a Quantity (dimensionless when it has no unit).

    The text is screened by :func:`quantity_text_problem` before pint sees it.
    Raises :class:`InvalidValueError` naming ``name`` when it cannot be read.
    """
    problem = quantity_text_problem(text)
    if problem:
        raise InvalidValueError(name, problem)
    try:
        quantity: Any = ureg.Quantity(text)
    except _PARSE_ERRORS as exc:
        reason = f"cannot read {text!r} as a quantity: {_why_unreadable(exc)}"
        raise InvalidValueError(name, reason) from exc
    return quantity if isinstance(quantity, pint.Quantity) else ureg.Quantity(float(quantity))


def as_quantity(value: Any, unit: str | pint.Unit, name: str) -> pint.Quantity:
    """Turn ``value`` into a Quantity compatible with ``unit``.

    ``value`` may be a Quantity, a string such as ``"75000 synapse/neuron"``, or a bare
    number, which is taken to be in ``unit``. Raises :class:`UnitMismatchError` (naming
    ``name``) when the dimension is wrong and :class:`InvalidValueError` when the number
    is not finite.
    """
    target = parse_unit(str(unit), name) if isinstance(unit, str) else unit
    if isinstance(value, str):
        quantity = parse_quantity(value, name)
        if quantity.dimensionless:
            if not target.dimensionless:
                raise UnitMismatchError(name, f"{target:~}", f"a plain number {value!r} (no unit)")
            quantity = ureg.Quantity(float(quantity), target)
    elif isinstance(value, pint.Quantity):
        if value._REGISTRY is not ureg:
            raise UnitMismatchError(name, str(target), "a quantity from another registry")
        quantity = value
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValueError(name, f"expected a number or quantity, got {value!r}")
    else:
        quantity = ureg.Quantity(float(value), target)
    if not quantity.is_compatible_with(target):
        raise UnitMismatchError(
            name,
            f"{target:~} ({target.dimensionality})",
            f"{quantity.units:~} ({quantity.dimensionality})",
        )
    return quantity


def magnitude_in(value: Any, unit: str | pint.Unit, name: str) -> float:
    """Return ``value`` (Quantity, string or number) as a float in ``unit``."""
    return float(as_quantity(value, unit, name).m_as(unit))
