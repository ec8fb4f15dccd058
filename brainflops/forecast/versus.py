"""The brain and deep learning on one scale: lifetime compute, energy, DL units.

* **Lifetime compute**: the brain's FLOP/s times the seconds to a given age,
  :func:`lifetime_flop`. The default age is ``lifetime_seconds`` of ``data/facility.toml``
  (1e9 s, about 32 years: the lifetime anchor of Cotra's biological-anchors report, read
  through the reference notes, bioanchors.md).
* **Energy per FLOP**: the brain's power (``brain_power``, 20 W) over its FLOP/s, next to
  accelerators' dense 16-bit tensor peak over their board power (Epoch AI's hardware table).
* **The brain in deep-learning units**: forward passes per second of the reference
  networks (:mod:`brainflops.ops.networks`) the brain's FLOP/s would pay for, brain-seconds
  and brain-lifetimes per training run, and H100s at peak.

Every uncertain figure is a central value (the model's central estimate) and the 5th, 50th
and 95th percentiles of Monte Carlo draws. Quantities that fall as the brain grows (seconds
per training run) take their 5th percentile from the brain's 95th.

Examples
--------
>>> round(lifetime_flop(1e15, 1e9) / 1e24, 6)
1.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike

from brainflops.core.errors import InvalidValueError
from brainflops.data.datasets import EPOCH_CREDIT, load_accelerators
from brainflops.data.ml_models import first_model_above
from brainflops.ops.networks import Network
from brainflops.params.assumption_files import facility_assumptions, facility_value
from brainflops.uncertainty.samples import Samples

__all__ = [
    "ENERGY_DEVICES",
    "REFERENCE_DEVICE",
    "Interval",
    "VersusResult",
    "brain_interval",
    "default_lifetime_seconds",
    "device_efficiency",
    "lifetime_flop",
    "lifetime_source",
    "versus",
]

# Accelerators compared on energy per FLOP (names as in Epoch AI's hardware table).
ENERGY_DEVICES = (
    "NVIDIA Tesla V100 SXM2 32 GB",
    "NVIDIA A100 SXM4 80 GB",
    "NVIDIA H100 SXM5 80GB",
    "NVIDIA B200",
)
REFERENCE_DEVICE = "NVIDIA H100 SXM5 80GB"  # "the brain in H100s"
_MAX_AGE_SECONDS = 1e12  # about 31,700 years: any age beyond is a typo
_PERCENTILES = (5.0, 50.0, 95.0)


class _CentralModel(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def title(self) -> str: ...

    def central_log10(self) -> float: ...

    def sample(self, n: int, *, seed: int | None = None) -> Samples: ...


def default_lifetime_seconds() -> float:
    """The default age in seconds (``lifetime_seconds`` of ``data/facility.toml``)."""
    return facility_value("lifetime_seconds", "s")


def lifetime_source() -> str:
    """Where the default age comes from (citation key and locator)."""
    parameter = facility_assumptions()["lifetime_seconds"]
    return f"{parameter.source}: {parameter.locator}"


def _age(age_seconds: float | None) -> float:
    age = default_lifetime_seconds() if age_seconds is None else float(age_seconds)
    if not (math.isfinite(age) and 0 < age <= _MAX_AGE_SECONDS):
        raise InvalidValueError(
            name="age_seconds",
            reason=f"must be in (0, {_MAX_AGE_SECONDS:g}] s, got {age_seconds!r}",
        )
    return age


def lifetime_flop(
    model_or_samples: _CentralModel | Samples | ArrayLike, age_seconds: float | None = None
) -> Any:
    """The brain's compute summed over ``age_seconds`` (default 1e9 s), in FLOP.

    Parameters
    ----------
    model_or_samples:
        A model (its central estimate is used: returns a float), a
        :class:`~brainflops.uncertainty.samples.Samples` (every draw: returns an array), or
        FLOP/s as a number or array.
    age_seconds:
        Seconds of life; default :func:`default_lifetime_seconds`.

    Examples
    --------
    >>> lifetime_flop([1e14, 1e15], 2e9).tolist()
    [2e+23, 2e+24]
    """
    age = _age(age_seconds)
    if isinstance(model_or_samples, Samples):
        if model_or_samples.log10 is None:
            raise InvalidValueError(name="samples", reason="streamed samples hold no draws")
        return np.power(10.0, np.asarray(model_or_samples.log10, dtype=float)) * age
    central = getattr(model_or_samples, "central_log10", None)
    if callable(central):
        return 10.0 ** float(central()) * age
    values = np.asarray(model_or_samples, dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise InvalidValueError(name="flops", reason="FLOP/s must be positive and finite")
    return float(values) * age if values.ndim == 0 else values * age


@dataclass(frozen=True)
class Interval:
    """A central value and the 5th, 50th and 95th percentiles."""

    central: float
    p5: float
    p50: float
    p95: float

    def scaled(self, factor: float) -> Interval:
        """Every value times ``factor`` (> 0)."""
        return Interval(
            self.central * factor, self.p5 * factor, self.p50 * factor, self.p95 * factor
        )

    def inverted(self, numerator: float) -> Interval:
        """``numerator / value``: percentiles swap ends (the 5th comes from the 95th)."""
        return Interval(
            numerator / self.central,
            numerator / self.p95,
            numerator / self.p50,
            numerator / self.p5,
        )

    def to_dict(self) -> dict[str, float]:
        """Return ``{central, p5, p50, p95}``."""
        return asdict(self)


def brain_interval(model: _CentralModel, samples: int = 10_000, seed: int = 0) -> Interval:
    """The model's FLOP/s: central estimate and Monte Carlo percentiles."""
    if not 1 <= samples <= 10_000_000:
        raise InvalidValueError(name="samples", reason=f"must be 1 to 1e7, got {samples}")
    draws = model.sample(samples, seed=seed)
    p5, p50, p95 = (float(10.0**v) for v in draws.percentile_log10(np.asarray(_PERCENTILES)))
    return Interval(10.0 ** float(model.central_log10()), p5, p50, p95)


def device_efficiency(name: str) -> dict[str, Any]:
    """An accelerator's dense 16-bit tensor peak, board power and FLOP per joule."""
    table = load_accelerators()
    rows = table[table["name"] == name]
    if rows.empty:
        raise InvalidValueError(name="device", reason=f"{name!r} is not in the accelerator table")
    row = rows.iloc[0]
    peak, power = float(row["tensor_fp16_bf16 [FLOP/s]"]), float(row["tdp [W]"])
    return {
        "name": name,
        "peak_flops": peak,
        "precision": "dense FP16/BF16 tensor",
        "power_w": power,
        "flop_per_joule": peak / power,
        "source": f"Epoch AI, Data on Machine Learning Hardware; {EPOCH_CREDIT}",
    }


@dataclass(frozen=True)
class VersusResult:
    """The comparison for one brain estimate (see :func:`versus`)."""

    preset: str
    title: str
    brain_flops: Interval
    lifetime_seconds: float
    lifetime_flop: Interval
    brain_power_w: float
    devices: tuple[dict[str, Any], ...]
    workloads: tuple[dict[str, Any], ...]
    samples: int
    seed: int
    first_run_above_lifetime: dict[str, Any] | None = None
    notes: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (the ``brainflops versus --json`` payload)."""
        brain_flop_per_joule = self.brain_flops.scaled(1.0 / self.brain_power_w)
        reference = next(d for d in self.devices if d["name"] == REFERENCE_DEVICE)
        return {
            "preset": self.preset,
            "title": self.title,
            "samples": self.samples,
            "seed": self.seed,
            "brain_flops": self.brain_flops.to_dict(),
            "lifetime_seconds": self.lifetime_seconds,
            "lifetime_flop": self.lifetime_flop.to_dict(),
            "energy": {
                "brain_power_w": self.brain_power_w,
                "brain_flop_per_joule": brain_flop_per_joule.to_dict(),
                "devices": list(self.devices),
            },
            "brain_in_h100s": self.brain_flops.scaled(1.0 / reference["peak_flops"]).to_dict(),
            "first_training_run_above_lifetime": self.first_run_above_lifetime,
            "workloads": list(self.workloads),
            "notes": dict(self.notes),
        }


def _workload(network: Network, brain: Interval, lifetime: Interval) -> dict[str, Any]:
    forward = network.forward_flop()
    training = None if network.training_inputs is None else network.training_flop()
    reported = network.published_figure("training_flop")
    equivalent: dict[str, Any] = {
        f"{network.input_unit}s_per_second": brain.scaled(1.0 / forward).to_dict(),
    }
    if training is not None:
        equivalent["brain_seconds_per_training_run"] = brain.inverted(training).to_dict()
        equivalent["training_runs_per_lifetime"] = lifetime.scaled(1.0 / training).to_dict()
    return {
        "name": network.name,
        "title": network.title,
        "input_unit": network.input_unit,
        "forward_flop": forward,
        "training_inputs": network.training_inputs,
        "training_flop": training,
        "reported_training_flop": None if reported is None else reported.value,
        "reported_training_source": None
        if reported is None
        else f"{reported.source}, {reported.locator}",
        "parameters": network.parameter_count(),
        "brain_equivalent": equivalent,
    }


def versus(
    model: _CentralModel,
    networks: Sequence[Network],
    age_seconds: float | None = None,
    samples: int = 10_000,
    seed: int = 0,
) -> VersusResult:
    """Compare one brain estimate with deep-learning workloads and accelerators.

    Parameters
    ----------
    model:
        A preset or scenario model.
    networks:
        Workloads (see :func:`brainflops.ops.networks.get_network`).
    age_seconds:
        Seconds of life summed into the lifetime compute; default 1e9 s (sourced).
    samples, seed:
        Monte Carlo draws for the percentiles.
    """
    age = _age(age_seconds)
    brain = brain_interval(model, samples, seed)
    lifetime = brain.scaled(age)
    first = first_model_above(lifetime.central)
    return VersusResult(
        preset=model.name,
        title=model.title,
        brain_flops=brain,
        lifetime_seconds=age,
        lifetime_flop=lifetime,
        brain_power_w=facility_value("brain_power", "W"),
        devices=tuple(device_efficiency(name) for name in ENERGY_DEVICES),
        workloads=tuple(_workload(network, brain, lifetime) for network in networks),
        samples=samples,
        seed=seed,
        first_run_above_lifetime=None if first is None else first.to_dict(),
        notes={
            "lifetime_seconds": lifetime_source(),
            "training_flop": "3 x forward FLOP x training inputs (forward + backward)",
            "first_training_run_above_lifetime": (
                "first model of Epoch AI's notable-models data whose training compute exceeds "
                f"the central lifetime compute; {EPOCH_CREDIT}"
            ),
        },
    )
