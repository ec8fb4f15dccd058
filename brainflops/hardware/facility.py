"""Facility assumptions and what a machine costs: power, purchase and energy.

Shared by the brain's real-time plan and the training plan. Power is
``devices x TDP x PUE``; purchase cost ``devices x launch price``; energy cost per hour
``power [kW] x 1 h x price per kWh``. The defaults come from ``data/facility.toml``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from brainflops.core.errors import InvalidValueError
from brainflops.hardware.devices import Device
from brainflops.params.assumption_files import facility_assumptions, facility_value

__all__ = ["MachineCosts", "assumption", "machine_costs"]


def assumption(name: str, override: Any, unit: str) -> float:
    """A facility assumption in ``unit``: the packaged default, or ``override`` checked.

    ``override`` is a number in the assumption's own unit or a quantity string. PUE
    (facility power / IT power) must be at least 1.
    """
    if override is None:
        value = facility_value(name, unit)
    else:
        value = float(facility_assumptions()[name].with_value(override).quantity.m_as(unit))
        if not math.isfinite(value) or value <= 0:
            raise InvalidValueError(name, f"must be positive and finite, got {override!r}")
    if name == "pue" and value < 1:
        raise InvalidValueError(
            name="pue", reason=f"facility power / IT power is at least 1, got {value:g}"
        )
    return value


@dataclass(frozen=True, slots=True)
class MachineCosts:
    """Power, purchase price and energy cost of ``count`` devices (None where unknown)."""

    power_watts: float | None
    cost_usd: float | None
    energy_cost_per_hour_usd: float | None


def machine_costs(
    count: float, device: Device, pue: float, electricity_price: float
) -> MachineCosts:
    """Power (W, with PUE), purchase cost (USD) and energy cost per hour of ``count`` devices.

    Examples
    --------
    >>> from brainflops.hardware.devices import get_device
    >>> costs = machine_costs(10, get_device("NVIDIA H100 SXM5 80GB"), 1.5, 0.1)
    >>> costs.power_watts, costs.cost_usd, round(costs.energy_cost_per_hour_usd, 6)
    (10500.0, 336000.0, 1.05)
    """
    power = None if device.tdp_watts is None else count * device.tdp_watts * pue
    return MachineCosts(
        power_watts=power,
        cost_usd=None if device.price_usd is None else count * device.price_usd,
        energy_cost_per_hour_usd=None if power is None else power / 1000.0 * electricity_price,
    )
