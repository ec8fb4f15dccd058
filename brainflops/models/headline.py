"""What a source printed, kept apart from what brainflops converts it to.

A preset's ``reported`` is the source's own figure in the source's own unit and words: a
point (``"1e8 MIPS"``), a range (``{low = "1e13 FLOP/s", high = "1e17 FLOP/s"}``) or a
bound (``{value = "1e21 FLOP/s", bound = "upper"}``). When that unit is not FLOP/s, the
preset's ``converted`` table holds the FLOP/s figure the conversion gives, tagged
``derived`` and citing the conversion (``{value = "3.03e13 FLOP/s", source = "..."}``).
The two are never merged: :attr:`Headline.source_flops` is set only when the source itself
printed FLOP/s.

A preset's ``kind`` says whether it is an estimate or a bound (:data:`KINDS`);
:func:`kind_of` reads it from a model's metadata so that commands can refuse or label a
bound (a hardware plan for an upper bound is not a plan for the brain).

Examples
--------
>>> h = headline_from_meta({"reported": "1e8 MIPS",
...                         "converted": {"value": "3.03e13 FLOP/s", "source": "x"}})
>>> h.text(), h.source_flops, f"{h.converted:.3g}"
('1e+08 MIPS', None, '3.03e+13')
>>> headline_from_meta({"reported": {"value": "1e21 FLOP/s", "bound": "upper"}}).text()
'< 1e+21 FLOP/s'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from brainflops.core.errors import InvalidValueError

__all__ = ["KINDS", "Headline", "compare_lines", "headline_from_meta", "kind_of"]

#: What a preset is: an estimate of the brain's computation, or a bound on it.
KINDS: tuple[str, ...] = ("estimate", "upper bound", "lower bound")
_BOUNDS = {"upper": "<", "lower": ">"}
_REPORTED_KEYS = frozenset({"value", "low", "high", "bound"})
_CONVERTED_KEYS = frozenset({"value", "low", "high", "source", "locator", "note"})


@dataclass(frozen=True, slots=True)
class Headline:
    """A source's printed figure and, separately, our FLOP/s conversion of it.

    Attributes
    ----------
    unit:
        The source's unit (pint text, e.g. ``"MIPS"``, ``"cps"``, ``"FLOP/s"``).
    value, low, high:
        A point (``value``), a range (``low``/``high``) or a bound (``value`` with
        ``bound``), in :attr:`unit`.
    bound:
        ``"upper"`` (the source says the true figure is below ``value``), ``"lower"``
        or ``None``.
    converted, converted_low, converted_high:
        Our FLOP/s conversion (``derived``) when the unit is not FLOP/s, else ``None``.
    conversion_source, conversion_note:
        Citation key and one line on how the conversion was made.
    """

    unit: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    bound: str | None = None
    converted: float | None = None
    converted_low: float | None = None
    converted_high: float | None = None
    conversion_source: str = ""
    conversion_note: str = ""

    @property
    def is_flops(self) -> bool:
        """Whether the source printed its figure in FLOP/s (no conversion of ours)."""
        from brainflops.core.units import FLOPS, ureg  # noqa: PLC0415 - pint only when parsing

        return bool(ureg.Unit(self.unit).is_compatible_with(FLOPS))

    @property
    def source_flops(self) -> float | None:
        """The source's own point figure in FLOP/s; ``None`` for ranges, bounds, other units."""
        from brainflops.core.units import FLOPS, ureg  # noqa: PLC0415 - pint only when parsing

        if not self.is_flops or self.value is None or self.bound is not None:
            return None
        return float(ureg.Quantity(self.value, self.unit).m_as(FLOPS))

    def text(self) -> str:
        """The figure as the source gives it, e.g. ``"1e+13-1e+17 FLOP/s"``, ``"< 1e+21 FLOP/s"``."""
        if self.value is None:
            return f"{self.low:.4g}-{self.high:.4g} {self.unit}"
        prefix = f"{_BOUNDS[self.bound]} " if self.bound else ""
        return f"{prefix}{self.value:.4g} {self.unit}"

    def contains(self, value: float) -> bool:
        """Whether ``value`` (in :attr:`unit`) agrees with the figure: within 1% of a
        point, inside a range, or on the allowed side of a bound."""
        if self.low is not None and self.high is not None:
            return self.low <= value <= self.high
        assert self.value is not None
        if self.bound == "upper":
            return value <= self.value
        if self.bound == "lower":
            return value >= self.value
        return abs(value / self.value - 1.0) <= 0.01

    def to_record(self) -> dict[str, Any]:
        """A plain mapping for tables and JSON."""
        return {
            "reported": self.text(),
            "reported_unit": self.unit,
            "reported_bound": self.bound,
            "converted": self.converted,
            "converted_low": self.converted_low,
            "converted_high": self.converted_high,
            "conversion_source": self.conversion_source or None,
        }


def _magnitude(raw: Any, where: str) -> tuple[float, str]:
    from brainflops.core.units import FLOPS, as_quantity, parse_quantity, ureg  # noqa: PLC0415 - pint only when parsing

    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise InvalidValueError(where, f"expected a quantity such as '1e8 MIPS', got {raw!r}")
    quantity = parse_quantity(raw, where) if isinstance(raw, str) else ureg.Quantity(raw, FLOPS)
    if not quantity.units or quantity.dimensionality == ureg.Hz.dimensionality:
        as_quantity(raw, FLOPS, where)  # a bare number or a bare rate: say what is missing
    magnitude = float(quantity.magnitude)
    if not magnitude > 0:
        raise InvalidValueError(where, f"must be positive, got {raw!r}")
    return magnitude, f"{quantity.units:~}" if quantity.units != FLOPS else "FLOP/s"


def _reported(raw: Any) -> tuple[str, dict[str, Any]]:
    from brainflops.core.units import as_quantity  # noqa: PLC0415 - pint only when parsing

    table = raw if isinstance(raw, Mapping) else {"value": raw}
    unknown = set(table) - _REPORTED_KEYS
    if unknown:
        raise InvalidValueError("preset.reported", f"unknown key(s) {', '.join(sorted(unknown))}")
    bound = table.get("bound")
    if bound is not None and bound not in _BOUNDS:
        raise InvalidValueError("preset.reported.bound", "must be 'upper' or 'lower'")
    fields: dict[str, Any] = {"bound": bound}
    if ("value" in table) == ("low" in table or "high" in table):
        raise InvalidValueError("preset.reported", "give value, or low and high")
    if "value" in table:
        fields["value"], unit = _magnitude(table["value"], "preset.reported")
        return unit, fields
    if bound is not None or "low" not in table or "high" not in table:
        raise InvalidValueError("preset.reported", "a range needs low and high and no bound")
    fields["low"], unit = _magnitude(table["low"], "preset.reported.low")
    high = as_quantity(table["high"], unit, "preset.reported.high")
    fields["high"] = float(high.m_as(unit))
    if not fields["low"] < fields["high"]:
        raise InvalidValueError("preset.reported", "low must be below high")
    return unit, fields


def _converted(raw: Any) -> dict[str, Any]:
    from brainflops.core.units import FLOPS, as_quantity  # noqa: PLC0415 - pint only when parsing

    if not isinstance(raw, Mapping) or not isinstance(raw.get("source"), str):
        raise InvalidValueError(
            "preset.converted", "expected a table with value (or low, high) and source"
        )
    unknown = set(raw) - _CONVERTED_KEYS
    if unknown:
        raise InvalidValueError("preset.converted", f"unknown key(s) {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {
        "conversion_source": raw["source"],
        "conversion_note": " ".join(str(raw.get("note", "")).split()),
    }
    for key, field in (
        ("value", "converted"),
        ("low", "converted_low"),
        ("high", "converted_high"),
    ):
        if key in raw:
            out[field] = float(as_quantity(raw[key], FLOPS, f"preset.converted.{key}").m_as(FLOPS))
    if "converted" not in out and "converted_low" not in out:
        raise InvalidValueError("preset.converted", "give value, or low and high")
    return out


def headline_from_meta(meta: Mapping[str, Any]) -> Headline | None:
    """The :class:`Headline` of a ``[preset]`` table, or ``None`` without ``reported``.

    Raises
    ------
    InvalidValueError
        For a malformed figure, or a FLOP/s figure that also carries a conversion (there is nothing to convert).
    """
    if meta.get("reported") is None:
        return None  # a conversion without its figure (a scenario's copy) means nothing
    unit, fields = _reported(meta["reported"])
    headline = Headline(unit=unit, **fields)
    if meta.get("converted") is not None:
        if headline.is_flops:
            raise InvalidValueError(
                "preset.converted", "the source already states FLOP/s; nothing to convert"
            )
        headline = Headline(unit=unit, **fields, **_converted(meta["converted"]))
    return headline


def kind_of(meta: Mapping[str, Any]) -> str:
    """The ``kind`` of a model's metadata (variant first), default ``"estimate"``.

    Examples
    --------
    >>> kind_of({"kind": "upper bound"})
    'upper bound'
    >>> kind_of({})
    'estimate'
    """
    variant = meta.get("variant") or {}
    kind = variant.get("kind", meta.get("kind", "estimate"))
    if kind not in KINDS:
        raise InvalidValueError("preset.kind", f"must be one of {', '.join(KINDS)}, got {kind!r}")
    return str(kind)


def compare_lines(
    central: float,
    *,
    kind: str = "estimate",
    printed: str | None = None,
    reported: float | None = None,
    converted: float | None = None,
) -> list[str]:
    """What the source printed, in its unit, set against a central value in FLOP/s.

    A FLOP/s point (``reported``) is compared directly; a figure in another unit is
    compared with our conversion of it (``converted``), labelled as ours; a range or a
    bound is shown as printed. A bound says that it is one.

    Examples
    --------
    >>> compare_lines(3.032e13, printed="1e+08 MIPS", converted=3.03e13)[1]
    'our FLOP/s conversion of it (derived): 3.03e+13 FLOP/s (reconstruction / conversion = 1.0007)'
    >>> compare_lines(6.7e21, kind="upper bound", printed="< 1e+21 FLOP/s")[0]
    "kind: upper bound (a bound on the brain's computation, not an estimate of it)"
    """
    lines = (
        []
        if kind == "estimate"
        else [f"kind: {kind} (a bound on the brain's computation, not an estimate of it)"]
    )
    if printed is None:
        return lines
    if reported is not None:
        ratio = central / reported
        return [*lines, f"reported by source: {printed} (reconstruction / reported = {ratio:.4f})"]
    lines.append(f"reported by source: {printed} (the source's own unit and form)")
    if converted is not None:
        lines.append(
            f"our FLOP/s conversion of it (derived): {converted:.4g} FLOP/s "
            f"(reconstruction / conversion = {central / converted:.4f})"
        )
    return lines
