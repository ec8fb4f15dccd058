"""Checking the parameter records a scenario sets or adds: types, numbers, units, ranges."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from brainflops.core.errors import BrainflopsError
from brainflops.core.units import (
    as_quantity,
    parse_quantity,
    parse_unit,
    quantity_text_problem,
    unit_text_problem,
    ureg,
)
from brainflops.models.scenario.problems import ProblemLog, is_table_list, kind_of, tail_of
from brainflops.params.parameters import Parameter

__all__ = ["RecordChecker", "unit_of"]

_NUMBER_KEYS = ("value", "low", "high")
_TEXT_KEYS = ("symbol", "source", "locator", "provenance", "note")
_MAX_MIXTURE_DEPTH = 3


class RecordChecker:
    """Checks parameter records, reporting each problem to ``log`` at its scenario key."""

    def __init__(self, log: ProblemLog) -> None:
        self.log = log

    def clean(
        self,
        record: dict[str, Any],
        key: str,
        unit: str | None,
    ) -> dict[str, Any] | None:
        """Check the types and text of a parameter record; None after reporting a problem.

        Numbers become floats, quantity text is checked against the grammar, and quantity
        text inside ``distribution`` becomes a number in ``unit``.
        """
        ok = True
        for field in _NUMBER_KEYS:
            if field in record:
                record[field] = self.number(record[field], f"{key}.{field}")
                ok = ok and record[field] is not None
        raw_unit = record.get("unit")
        if "unit" in record and not isinstance(raw_unit, str):
            self.log.add(
                f"{key}.unit", f'expected unit text such as "Hz", got {kind_of(raw_unit)}'
            )
            ok = False
        elif (
            isinstance(raw_unit, str) and raw_unit.strip() and (why := unit_text_problem(raw_unit))
        ):
            self.log.add(f"{key}.unit", why)
            ok = False
        for field in _TEXT_KEYS:
            if field in record and not isinstance(record[field], str):
                self.log.add(f"{key}.{field}", f"expected text, got {kind_of(record[field])}")
                ok = False
        if "verified" in record and not isinstance(record["verified"], bool):
            self.log.add(f"{key}.verified", "expected true or false")
            ok = False
        if "distribution" in record:
            usable = ok and unit is not None and (not unit.strip() or not unit_text_problem(unit))
            spec = self._spec(
                record["distribution"], f"{key}.distribution", unit if usable else None, 0
            )
            record["distribution"] = spec
            ok = ok and spec is not None
        return record if ok else None

    def number(self, raw: Any, key: str) -> float | str | None:
        """A finite float, checked quantity text, or None after reporting a problem."""
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            self.log.add(
                key,
                f'expected a number or text such as "75000 synapse/neuron", got {kind_of(raw)}',
            )
            return None
        if isinstance(raw, str):
            problem = quantity_text_problem(raw)
            if problem:
                self.log.add(key, problem)
                return None
            return raw
        try:
            number = float(raw)
        except OverflowError:
            self.log.add(key, "integer too large for a float")
            return None
        if not math.isfinite(number):
            self.log.add(key, f"must be finite, got {raw}")
            return None
        return number

    def positive_flops(self, value: float | str, key: str) -> bool:
        """Whether ``value`` (a number in FLOP/s or quantity text) is a positive rate."""
        try:
            number = float(as_quantity(value, "FLOP/s", key).m_as("FLOP/s"))
        except BrainflopsError as exc:
            self.log.add(key, tail_of(exc, key))
            return False
        if not number > 0:
            self.log.add(key, f"a reported rate must be positive, got {value}")
            return False
        return True

    def _spec(self, spec: Any, key: str, unit: str | None, depth: int) -> dict[str, Any] | None:
        """Check a distribution table; quantity text becomes a number in ``unit``."""
        if depth > _MAX_MIXTURE_DEPTH:
            self.log.add(key, "mixtures nested too deeply")
            return None
        if not isinstance(spec, dict):
            self.log.add(
                key, 'expected a table such as { kind = "lognormal90", low = 1, high = 10 }'
            )
            return None
        out: dict[str, Any] = {}
        ok = True
        for field, raw in spec.items():
            where = f"{key}.{field}"
            if field == "kind":
                if not isinstance(raw, str):
                    self.log.add(where, f"expected text, got {kind_of(raw)}")
                    ok = False
                out[field] = raw
            elif field == "components":
                components = self._components(raw, where, unit, depth)
                ok = ok and components is not None
                out[field] = components
            else:
                number = self._spec_number(raw, where, unit)
                ok = ok and number is not None
                out[field] = number
        return out if ok else None

    def _components(
        self,
        raw: Any,
        key: str,
        unit: str | None,
        depth: int,
    ) -> list[dict[str, Any]] | None:
        if not is_table_list(raw) or not raw:
            self.log.add(key, "expected a non-empty array of tables, each with weight and kind")
            return None
        parts: list[dict[str, Any]] = []
        ok = True
        for index, item in enumerate(raw):
            where = f"{key}[{index}]"
            weight = item.get("weight")
            if "weight" not in item or isinstance(weight, str):
                self.log.add(f"{where}.weight", "expected a number")
                weight = None
            else:
                weight = self.number(weight, f"{where}.weight")  # None once reported
            inner = self._spec(
                {k: v for k, v in item.items() if k != "weight"}, where, unit, depth + 1
            )
            if weight is None or inner is None:
                ok = False
                continue
            parts.append({"weight": weight, **inner})
        return parts if ok else None

    def _spec_number(self, raw: Any, key: str, unit: str | None) -> float | None:
        number = self.number(raw, key)
        if not isinstance(number, str):
            return number
        if unit is None:
            return None  # the unit's own problem is reported already
        try:
            return float(as_quantity(number, unit, key).m_as(unit))
        except BrainflopsError as exc:
            self.log.add(key, tail_of(exc, key))
            return None

    def rescale(
        self,
        record: dict[str, Any],
        parameter: Parameter,
        entry: Mapping[str, Any],
        key: str,
    ) -> dict[str, Any] | None:
        """The base record in the override's unit, or without numbers if not convertible."""
        new_unit = entry["unit"]
        if new_unit == parameter.unit:
            return record
        try:
            target = parse_unit(new_unit, f"{key}.unit")
        except BrainflopsError as exc:
            self.log.add(f"{key}.unit", tail_of(exc, f"{key}.unit"))
            return None
        kept = {k: v for k, v in record.items() if k in _TEXT_KEYS or k == "verified"}
        kept["unit"] = new_unit
        old = ureg.Quantity(1.0, parameter.unit)
        if not old.is_compatible_with(target):
            if "value" in entry:
                return {**kept, "value": entry["value"]}
            self.log.add(
                f"{key}.unit",
                f"{new_unit!r} ({target.dimensionality}) cannot be converted from the "
                f"parameter's unit {parameter.unit!r} ({old.dimensionality}); give value "
                "(and low and high) in the new unit",
            )
            return None
        factor = float(old.m_as(target))
        kept["value"] = parameter.value * factor
        if record.get("low") is not None and parameter.low is not None:
            kept["low"] = parameter.low * factor
        if record.get("high") is not None and parameter.high is not None:
            kept["high"] = parameter.high * factor
        if isinstance(record.get("distribution"), Mapping):
            kept["distribution"] = _scale_spec(record["distribution"], factor)
        return kept


def unit_of(text: str) -> str | None:
    """The unit of quantity text, or None when it cannot be read."""
    try:
        quantity = parse_quantity(text.strip(), "value")
    except BrainflopsError:
        return None
    return "dimensionless" if quantity.dimensionless else f"{quantity.units}"


def _scale_spec(spec: Mapping[str, Any], factor: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in spec.items():
        if (
            key in ("low", "high", "value")
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            out[key] = value * factor
        elif key == "components" and isinstance(value, list):
            out[key] = [_scale_spec(c, factor) if isinstance(c, Mapping) else c for c in value]
        else:
            out[key] = value
    return out
