"""Physical limits that bound hardware trends: Landauer's bound and the CMOS efficiency limit.

The brain's power and temperature are read from ``data/facility.toml``; the logistic trend
of :mod:`brainflops.forecast.trends.fit` takes :func:`ceiling_from_limit` as its ceiling.
"""

from __future__ import annotations

import math

from brainflops.core.errors import InvalidValueError
from brainflops.core.units import magnitude_in

__all__ = [
    "BOLTZMANN_J_PER_K",
    "CMOS_LIMIT_OPS_PER_JOULE",
    "CMOS_LIMIT_SOURCE",
    "ceiling_from_limit",
    "landauer_bit_erasures_per_second",
    "landauer_joules_per_bit",
]

# Boltzmann constant, exact since the 2019 SI redefinition: CODATA 2018 (Tiesinga et al.,
# Rev. Mod. Phys. 93, 025010, 2021; bibliography key "codata2018"). A physical constant,
# not an assumption; the brain's power and temperature are read from data/facility.toml.
BOLTZMANN_J_PER_K = 1.380649e-23
CMOS_LIMIT_OPS_PER_JOULE = 4.7e15  # geometric-mean maximum, FP4 ops/J; see CMOS_LIMIT_SOURCE
CMOS_LIMIT_SOURCE = (
    "Ho, Erdil & Besiroglu, 'Limits to the energy efficiency of CMOS microprocessors', "
    "IEEE ICRC 2023, arXiv:2312.08595 (and https://epochai.org/blog/limits-to-the-energy-"
    "efficiency-of-cmos-microprocessors): geometric-mean maximum about 4.7e15 FP4 "
    "operations per joule, 50-1000x above current hardware; literature.md section 5.3"
)


def _facility(name: str, unit: str) -> float:
    """A facility assumption (``brain_power``, ``body_temperature``) in ``unit``."""
    from brainflops.params.assumption_files import facility_value  # noqa: PLC0415 - pint only when asked

    return facility_value(name, unit)


def landauer_joules_per_bit(temperature_k: float | str | None = None) -> float:
    """Return the Landauer energy ``k_B T ln 2`` in joules per bit erased.

    Parameters
    ----------
    temperature_k:
        Temperature in K (a number or a quantity such as ``"310 K"``). Default: body
        temperature, ``body_temperature`` of ``data/facility.toml`` (310 K).

    Examples
    --------
    >>> f"{landauer_joules_per_bit(310):.4g}"
    '2.967e-21'
    """
    if temperature_k is None:
        temperature = _facility("body_temperature", "K")
    else:
        temperature = magnitude_in(temperature_k, "K", "temperature_k")
    if not temperature > 0 or not math.isfinite(temperature):
        raise InvalidValueError(name="temperature_k", reason="must be positive and finite")
    return BOLTZMANN_J_PER_K * temperature * math.log(2.0)


def landauer_bit_erasures_per_second(
    power_w: float | str | None = None,
    temperature_k: float | str | None = None,
) -> float:
    """Return the Landauer bound ``P / (k_B T ln 2)`` on irreversible bit erasures per second.

    Parameters
    ----------
    power_w:
        Power budget in W (a number, or a quantity such as ``"20 W"``). Default: the
        brain's power, ``brain_power`` of ``data/facility.toml`` (20 W).
    temperature_k:
        Temperature in K. Default: body temperature (see :func:`landauer_joules_per_bit`).

    Examples
    --------
    >>> f"{landauer_bit_erasures_per_second():.3g}"  # literature.md section 4: 6.7e21 /s
    '6.74e+21'
    """
    if power_w is None:
        power = _facility("brain_power", "W")
    else:
        power = magnitude_in(power_w, "W", "power_w")
    if not power >= 0 or not math.isfinite(power):
        raise InvalidValueError(name="power_w", reason="must be non-negative and finite")
    return power / landauer_joules_per_bit(temperature_k)


def ceiling_from_limit(
    power_w: float | str,
    efficiency_per_joule: float | str = CMOS_LIMIT_OPS_PER_JOULE,
) -> float:
    """Turn a power budget and an energy-efficiency limit into a FLOP/s ceiling.

    ``ceiling = power × efficiency``. The default efficiency is the CMOS limit of
    :data:`CMOS_LIMIT_OPS_PER_JOULE` (4.7e15 FP4 operations per joule; see
    :data:`CMOS_LIMIT_SOURCE`): treating those operations as FLOP is generous to the
    hardware, since FP64 HPL operations cost more. Use the result as ``ceiling`` of
    :func:`fit_logistic`.

    Parameters
    ----------
    power_w:
        Power budget in W (number or quantity such as ``"20 MW"``).
    efficiency_per_joule:
        Operations per joule (number, or a quantity in FLOP/J).

    Examples
    --------
    >>> f"{ceiling_from_limit(20e6):.3g}"  # a 20 MW machine at the CMOS limit
    '9.4e+22'
    """
    power = magnitude_in(power_w, "W", "power_w")
    efficiency = magnitude_in(efficiency_per_joule, "FLOP/J", "efficiency_per_joule")
    if not power > 0 or not math.isfinite(power):
        raise InvalidValueError(name="power_w", reason="must be positive and finite")
    if not efficiency > 0 or not math.isfinite(efficiency):
        raise InvalidValueError(name="efficiency_per_joule", reason="must be positive and finite")
    return power * efficiency
