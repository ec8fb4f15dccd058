"""The package-wide unit registry.

pint's default registry knows nothing about computation or neurons, so brainflops adds
its own base dimensions. Units whose relation to FLOP is a modelling choice of a source
(MIPS, TEPS, synaptic operations, bit erasures) are *not* defined as multiples of FLOP
here: each gets its own dimension, and the presets convert with an explicit, cited
parameter (see ``data/presets``). Only prefixes and pure aliases are defined here.

Use :data:`ureg` and :func:`Q_` everywhere; quantities from another registry are rejected.
"""

from __future__ import annotations

from typing import Any

import pint

from brainflops.errors import InvalidValueError, UnitMismatchError

__all__ = ["FLOPS", "Q_", "as_quantity", "magnitude_in", "parse_unit", "ureg"]

ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)

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
for _line in _DEFINITIONS.strip().splitlines():
    ureg.define(_line)

Q_ = ureg.Quantity
FLOPS = ureg.Unit("FLOP/s")


def parse_unit(text: str, name: str = "unit") -> pint.Unit:
    """Parse a unit string, raising :class:`UnitMismatchError` naming ``name`` on failure.

    Examples
    --------
    >>> str(parse_unit("PFLOP/s"))
    'petaFLOP / second'
    """
    try:
        return ureg.Unit(text)
    except (
        pint.UndefinedUnitError,
        pint.errors.DefinitionSyntaxError,
        ValueError,
        AttributeError,
        TypeError,
    ) as exc:
        raise UnitMismatchError(name, "a known unit", repr(text), "cannot parse unit") from exc


def as_quantity(value: Any, unit: str | pint.Unit, name: str) -> pint.Quantity:
    """Turn ``value`` into a Quantity compatible with ``unit``.

    ``value`` may be a Quantity, a string such as ``"75000 synapse/neuron"``, or a bare
    number, which is taken to be in ``unit``. Raises :class:`UnitMismatchError` (naming
    ``name``) when the dimension is wrong and :class:`InvalidValueError` when the number
    is not finite.
    """
    target = parse_unit(str(unit), name) if isinstance(unit, str) else unit
    if isinstance(value, str):
        try:
            quantity = ureg.Quantity(value)
        except (
            pint.UndefinedUnitError,
            pint.errors.DefinitionSyntaxError,
            ValueError,
            AttributeError,
            TypeError,
            SyntaxError,
        ) as exc:
            raise InvalidValueError(name, f"cannot read {value!r} as a quantity") from exc
        if not isinstance(quantity, pint.Quantity) or quantity.dimensionless:
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
