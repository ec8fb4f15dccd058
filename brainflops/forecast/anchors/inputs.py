"""Inputs of the biological-anchors forecast: packaged variants and user overrides.

A *variant* (``brainflops/data/anchors/<name>.toml``) holds every input as a
:class:`~brainflops.params.parameters.Parameter` record (value, unit, 90% range, source,
locator, provenance), plus a ``[variant]`` table with calendar settings. A variant may
name a ``base`` variant and list only what it changes. An *inputs file* written by a user
has the same shape (``[anchors] variant = ...``, ``[set]`` for new values,
``[parameters.NAME]`` for whole records) and is read with the scenario reader's safe
parsing (size limit, UTF-8, TOML errors with line numbers, never evaluated).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from brainflops.core.errors import (
    BrainflopsError,
    InvalidValueError,
    ScenarioError,
    UnitMismatchError,
    UnknownNameError,
)
from brainflops.core.units import ureg
from brainflops.models.scenario.files import parse_toml, read_text
from brainflops.params.parameters import Parameter, parameter_from_record

__all__ = [
    "ANCHOR_UNITS",
    "INPUT_TITLES",
    "AnchorInputs",
    "inputs_from_text",
    "list_variants",
    "load_inputs",
    "load_variant",
]

#: Human labels of the inputs (tables and charts; the ids stay the keys of inputs files).
INPUT_TITLES: Mapping[str, str] = MappingProxyType(
    {
        "brain_flops": "Brain FLOP/s",
        "nn_efficiency_penalty": "Model vs brain efficiency penalty",
        "scaling_exponent": "Data scaling exponent",
        "horizon_short": "Short horizon",
        "horizon_medium": "Medium horizon",
        "horizon_long": "Long horizon",
        "lifetime_penalty": "Lifetime-anchor penalty",
        "genome_horizon": "Genome horizon",
        "evolution_individuals": "Ancestral individuals (nematodes)",
        "evolution_flops_per_individual": "FLOP/s per ancestral brain",
        "hardware_halving_time": "FLOP/$ halving time",
        "algorithmic_halving_time": "Algorithmic halving time",
        "algorithmic_max_reduction": "Algorithmic progress cap",
        "spend_doubling_time": "Spend doubling time",
        "weight_short": "Weight: short horizon",
        "weight_medium": "Weight: medium horizon",
        "weight_long": "Weight: long horizon",
        "weight_lifetime": "Weight: lifetime",
        "weight_genome": "Weight: genome",
        "weight_evolution": "Weight: evolution",
    }
)

#: The unit every input is computed in (and so the dimension it must have).
ANCHOR_UNITS: Mapping[str, str] = MappingProxyType(
    {
        "nn_efficiency_penalty": "dimensionless",
        "flop_per_parameter": "FLOP/s",
        "reference_parameters": "dimensionless",
        "data_at_reference": "dimensionless",
        "scaling_exponent": "dimensionless",
        "horizon_short": "s",
        "horizon_medium": "s",
        "horizon_long": "s",
        "lifetime_seconds": "s",
        "lifetime_penalty": "dimensionless",
        "genome_parameters": "dimensionless",
        "genome_horizon": "s",
        "evolution_seconds": "s",
        "evolution_individuals": "dimensionless",
        "evolution_flops_per_individual": "FLOP/s",
        "weight_short": "dimensionless",
        "weight_medium": "dimensionless",
        "weight_long": "dimensionless",
        "weight_lifetime": "dimensionless",
        "weight_genome": "dimensionless",
        "weight_evolution": "dimensionless",
        "low_flop_floor": "FLOP",
        "flop_per_dollar": "FLOP",
        "hardware_halving_time": "year",
        "flop_per_dollar_ceiling": "FLOP",
        "spend_start": "dimensionless",
        "spend_ramp_end": "dimensionless",
        "spend_doubling_time": "year",
        "max_spend_fraction": "dimensionless",
        "gdp_start": "dimensionless",
        "gdp_growth": "dimensionless",
        "algorithmic_halving_time": "year",
        "algorithmic_max_reduction": "dimensionless",
    }
)
_SETTINGS = {"base_year": (1950, 2100), "spend_ramp_end_year": (1950, 2150)}
_VARIANT_KEYS = {"name", "title", "source", "base", "brain_preset", *_SETTINGS}


@dataclass(frozen=True)
class AnchorInputs:
    """Every input of one forecast.

    Attributes
    ----------
    name, title, source:
        The variant's identifier, a human title and its bibliography key.
    parameters:
        One :class:`Parameter` per name in :data:`ANCHOR_UNITS`.
    base_year:
        Year of the FLOP-per-dollar start value and of the algorithms the anchors assume.
    spend_ramp_end_year:
        Year in which the largest run's spend reaches ``spend_ramp_end``.
    brain_preset:
        The brain preset used when no other brain is given.
    """

    name: str
    title: str
    source: str
    parameters: Mapping[str, Parameter]
    base_year: int
    spend_ramp_end_year: int
    brain_preset: str
    overridden: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        missing = set(ANCHOR_UNITS) - set(self.parameters)
        if missing:
            raise InvalidValueError(self.name, f"missing input(s) {', '.join(sorted(missing))}")
        for name, parameter in self.parameters.items():
            check_unit(parameter, ANCHOR_UNITS[name])
        if not self.base_year < self.spend_ramp_end_year:
            raise InvalidValueError("spend_ramp_end_year", "must come after base_year")
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))

    def factor(self, name: str) -> float:
        """Multiply a value of input ``name`` in its own unit by this for the working unit."""
        parameter = self.parameters[name]
        return float(ureg.Quantity(1.0, parameter.unit).m_as(ANCHOR_UNITS[name]))

    def central(self, name: str) -> float:
        """The central value of input ``name`` in its working unit."""
        return self.parameters[name].value * self.factor(name)

    def with_parameters(self, parameters: Mapping[str, Parameter]) -> AnchorInputs:
        """A copy with some inputs replaced (each checked for its unit)."""
        unknown = set(parameters) - set(ANCHOR_UNITS)
        if unknown:
            raise UnknownNameError("anchor input", min(unknown), ANCHOR_UNITS)
        merged = {**self.parameters, **parameters}
        changed = tuple(dict.fromkeys((*self.overridden, *parameters)))
        return replace(self, parameters=merged, overridden=changed)


def check_unit(parameter: Parameter, unit: str) -> None:
    """Raise :class:`UnitMismatchError` naming the input when its unit is not ``unit``'s."""
    if (
        ureg.Quantity(1.0, parameter.unit).dimensionality
        != ureg.Quantity(1.0, unit).dimensionality
    ):
        raise UnitMismatchError(parameter.name, unit, parameter.unit)


@cache
def _variant_documents() -> dict[str, dict[str, Any]]:
    folder = resources.files("brainflops") / "data" / "anchors"
    documents = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            with entry.open("rb") as handle:
                documents[entry.name.removesuffix(".toml")] = tomllib.load(handle)
    return documents


def list_variants() -> list[str]:
    """Names of the packaged variants.

    Examples
    --------
    >>> list_variants()
    ['cotra2020', 'cotra2022']
    """
    return sorted(_variant_documents())


def _records(name: str, seen: tuple[str, ...] = ()) -> tuple[dict[str, Any], dict[str, Any]]:
    """The variant table and parameter records of ``name``, with its base's merged in."""
    documents = _variant_documents()
    if name not in documents:
        raise UnknownNameError("anchors variant", name, documents)
    if name in seen:
        raise InvalidValueError(name, "variants name each other as base in a loop")
    document = documents[name]
    table = dict(document.get("variant", {}))
    records = {key: dict(value) for key, value in document.get("parameters", {}).items()}
    base = table.get("base")
    if base is None:
        return table, records
    base_table, base_records = _records(base, (*seen, name))
    for key, record in records.items():
        base_records[key] = {**base_records.get(key, {}), **record}
    return {**base_table, **table}, base_records


def load_variant(name: str) -> AnchorInputs:
    """The packaged variant ``name`` (see :func:`list_variants`).

    Examples
    --------
    >>> inputs = load_variant("cotra2020")
    >>> inputs.central("flop_per_dollar"), inputs.base_year
    (1e+17, 2020)
    """
    table, records = _records(name)
    unknown = set(table) - _VARIANT_KEYS
    if unknown:
        raise InvalidValueError(name, f"unknown [variant] key(s) {', '.join(sorted(unknown))}")
    return AnchorInputs(
        name=name,
        title=str(table.get("title", name)),
        source=str(table.get("source", "")),
        parameters={key: parameter_from_record(key, rec) for key, rec in records.items()},
        brain_preset=str(table.get("brain_preset", "cotra2020")),
        base_year=_setting(table, "base_year"),
        spend_ramp_end_year=_setting(table, "spend_ramp_end_year"),
    )


def _setting(table: Mapping[str, Any], key: str) -> int:
    value = table.get(key)
    low, high = _SETTINGS[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidValueError(key, f"must be a whole year from {low} to {high}, got {value!r}")
    return value


def load_inputs(path: str | os.PathLike[str], variant: str | None = None) -> AnchorInputs:
    """Read an inputs file (see :func:`inputs_from_text`)."""
    origin = os.fspath(path)
    return inputs_from_text(read_text(origin), origin, variant)


def inputs_from_text(
    text: str, origin: str = "<inputs>", variant: str | None = None
) -> AnchorInputs:
    """The inputs an inputs file describes: a variant with some inputs changed.

    The file may hold ``[anchors] variant = NAME`` (else ``variant``, else ``cotra2020``),
    ``[set]`` with ``name = value`` (a number in the input's unit or a quantity string; a
    value inside the stated range keeps the range) and ``[parameters.NAME]`` tables that
    replace an input's whole record.

    Raises
    ------
    ScenarioError
        Listing every problem, each as ``ORIGIN: key: message``.

    Examples
    --------
    >>> text = '[anchors]\\nvariant = "cotra2020"\\n[set]\\nhardware_halving_time = "3.5 year"'
    >>> inputs_from_text(text).central("hardware_halving_time")
    3.5
    """
    document = parse_toml(text, origin)
    problems: list[str] = []
    for key in set(document) - {"anchors", "set", "parameters"}:
        problems.append(f"{origin}: {key}: unknown table (use [anchors], [set], [parameters])")
    head = document.get("anchors", {})
    chosen = head.get("variant", variant or "cotra2020") if isinstance(head, dict) else None
    if not isinstance(head, dict) or set(head) - {"variant"}:
        problems.append(f"{origin}: anchors: the [anchors] table takes only 'variant'")
    try:
        base = load_variant(str(chosen))
    except BrainflopsError as exc:
        raise ScenarioError([*problems, f"{origin}: anchors.variant: {exc}"]) from None
    changed = _changes(document, base, origin, problems)
    if problems:
        raise ScenarioError(sorted(problems))
    return base.with_parameters(changed)


def _changes(
    document: Mapping[str, Any], base: AnchorInputs, origin: str, problems: list[str]
) -> dict[str, Parameter]:
    changed: dict[str, Parameter] = {}
    for table in ("set", "parameters"):
        entries = document.get(table, {})
        if not isinstance(entries, dict):
            problems.append(f"{origin}: {table}: must be a table")
            continue
        for key, value in entries.items():
            try:
                if key not in ANCHOR_UNITS:
                    raise UnknownNameError("anchor input", key, ANCHOR_UNITS)
                if table == "set":
                    changed[key] = base.parameters[key].with_value(value)
                elif not isinstance(value, dict):
                    raise InvalidValueError(key, "a [parameters] entry must be a table")
                else:
                    changed[key] = parameter_from_record(key, value)
                check_unit(changed[key], ANCHOR_UNITS[key])
            except BrainflopsError as exc:
                problems.append(f"{origin}: {table}.{key}: {exc}")
    return changed
