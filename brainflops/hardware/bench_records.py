"""What :mod:`brainflops.hardware.bench` reports: timed kernels, brain comparisons, the run.

Plain frozen records with ``to_dict`` for JSON output; :mod:`~brainflops.hardware.bench`
re-exports them, so ``from brainflops.hardware.bench import Measurement`` keeps working.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["BenchResult", "Comparison", "Measurement"]


@dataclass(frozen=True, slots=True)
class Measurement:
    """One timed kernel.

    Attributes
    ----------
    backend, device:
        ``numpy`` or ``torch``; ``cpu`` or ``cuda:0``.
    kernel, precision, shape:
        ``matmul`` or ``conv2d``; ``fp64``/``fp32``/``tf32``/``bf16``/``fp16``; the sizes.
    flops:
        FLOPs per call.
    seconds, median_seconds:
        Best and median seconds per call.
    calls:
        Timed calls.
    peak:
        The device's peak FLOP/s at this precision from the table, or None.
    """

    backend: str
    device: str
    kernel: str
    precision: str
    shape: str
    flops: float
    seconds: float
    median_seconds: float
    calls: int
    peak: float | None = None

    @property
    def achieved(self) -> float:
        """FLOP/s of the best call."""
        return self.flops / self.seconds

    @property
    def fraction_of_peak(self) -> float | None:
        """``achieved / peak`` when the peak is known."""
        return None if self.peak is None else self.achieved / self.peak

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping (JSON-ready)."""
        return {
            "backend": self.backend,
            "device": self.device,
            "kernel": self.kernel,
            "precision": self.precision,
            "shape": self.shape,
            "flops_per_call": self.flops,
            "best_seconds": self.seconds,
            "median_seconds": self.median_seconds,
            "calls": self.calls,
            "achieved_flops": self.achieved,
            "median_flops": self.flops / self.median_seconds,
            "peak_flops": self.peak,
            "fraction_of_peak": self.fraction_of_peak,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """The machine's best measured rate against one brain estimate."""

    preset: str
    brain_flops: float
    machine_flops: float

    @property
    def ratio(self) -> float:
        """machine / brain."""
        return self.machine_flops / self.brain_flops

    @property
    def log10_ratio(self) -> float:
        """log10(machine / brain): the N of "10^N of the brain"."""
        return math.log10(self.machine_flops) - math.log10(self.brain_flops)

    @property
    def machines_needed(self) -> float:
        """brain / machine."""
        return self.brain_flops / self.machine_flops

    def describe(self) -> str:
        """E.g. ``this machine is 10^-10.3 of the dettmers2015 brain (1.08e+21 FLOP/s)``."""
        return (
            f"this machine is 10^{self.log10_ratio:.1f} of the {self.preset} brain "
            f"({self.brain_flops:.3g} FLOP/s): {self.machines_needed:.3g} such machines match it"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping (JSON-ready)."""
        return {
            "preset": self.preset,
            "brain_flops": self.brain_flops,
            "machine_flops": self.machine_flops,
            "ratio": self.ratio,
            "log10_ratio": self.log10_ratio,
            "machines_needed": self.machines_needed,
            "text": self.describe(),
        }


@dataclass(frozen=True)
class BenchResult:
    """Everything one ``run_bench`` measured, with the machine it ran on.

    Attributes
    ----------
    machine:
        Description: CPU model, logical cores, OS, Python, numpy and its BLAS, PyTorch
        and CUDA device where present, and the one-minute load average before the run.
    measurements:
        Every timed kernel.
    comparisons:
        The best measured rate against each requested brain estimate.
    peak_device:
        The accelerator-table row whose peaks were used, or None.
    notes:
        What was and was not measured, and why.
    seconds:
        Wall time of the whole run.
    """

    machine: dict[str, Any]
    measurements: tuple[Measurement, ...]
    comparisons: tuple[Comparison, ...]
    peak_device: str | None
    notes: tuple[str, ...]
    seconds: float

    @property
    def best(self) -> Measurement:
        """The measurement with the highest achieved FLOP/s."""
        return max(self.measurements, key=lambda m: m.achieved)

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping (JSON-ready)."""
        best = self.best
        return {
            "machine": self.machine,
            "peak_device": self.peak_device,
            "best": {**best.to_dict()},
            "measurements": [m.to_dict() for m in self.measurements],
            "comparisons": [c.to_dict() for c in self.comparisons],
            "notes": list(self.notes),
            "wall_seconds": self.seconds,
        }
