"""Assumptions read from the packaged TOML files: interconnects and facility.

``data/interconnects.toml`` holds device-to-device links, ``data/facility.toml`` PUE,
electricity price, the brain's power and body temperature. Both are parameters with
sources, so they sit in the parameter layer where trends, timelines and hardware read them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from brainflops.core.errors import DataError, UnknownNameError
from brainflops.core.units import ureg
from brainflops.params.parameters import Parameter, parameter_from_record

__all__ = ["facility_assumptions", "facility_value", "interconnects", "sources"]


def _read_toml(filename: str) -> dict[str, Any]:
    resource = resources.files("brainflops") / "data" / filename
    try:
        with resource.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        msg = f"packaged data file {filename!r} is missing"
        raise DataError(msg) from exc


def _parameters(document: Mapping[str, Any], table: str, filename: str) -> dict[str, Parameter]:
    records = document.get(table, {})
    sources = document.get("sources", {})
    out = {}
    for key, record in records.items():
        parameter = parameter_from_record(key, record)
        if parameter.source and parameter.source not in sources:
            msg = f"{filename}: {table}.{key} cites unknown source {parameter.source!r}"
            raise DataError(msg)
        out[key] = parameter
    return out


@cache
def interconnects() -> Mapping[str, Parameter]:
    """Device-to-device links from ``data/interconnects.toml`` (per-direction GB/s)."""
    return MappingProxyType(
        _parameters(_read_toml("interconnects.toml"), "links", "interconnects.toml")
    )


@cache
def facility_assumptions() -> Mapping[str, Parameter]:
    """PUE, electricity price, brain power, body temperature and update rate (``data/facility.toml``)."""
    return MappingProxyType(
        _parameters(_read_toml("facility.toml"), "parameters", "facility.toml")
    )


def facility_value(name: str, unit: str) -> float:
    """One assumption of ``data/facility.toml`` as a float in ``unit``.

    The single source of the brain's power (``brain_power``, 20 W) and body temperature
    (``body_temperature``, 310 K) used by :mod:`brainflops.forecast.trends` and
    :mod:`brainflops.forecast.timeline`.

    Examples
    --------
    >>> facility_value("brain_power", "W")
    20.0
    """
    known = facility_assumptions()
    if name not in known:
        raise UnknownNameError(kind="facility assumption", name=name, known=known)
    parameter = known[name]
    return float(ureg.Quantity(parameter.value, parameter.unit).m_as(unit))


def sources() -> dict[str, dict[str, str]]:
    """Citation and URL of every source key used by the hardware data files."""
    out: dict[str, dict[str, str]] = {}
    for filename in ("interconnects.toml", "facility.toml"):
        out.update(_read_toml(filename).get("sources", {}))
    return out
