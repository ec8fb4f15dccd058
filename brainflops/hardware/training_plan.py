"""The training plan: the fastest split that fits, its time with uncertainty, energy and cost.

See :mod:`brainflops.hardware.training` for the step model. :func:`train` chooses the
split, draws the utilisation with the package's sampler and reports training time
(median and 90% interval), energy, cost and, when the request matches a published run,
the published time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from brainflops.core.errors import InvalidValueError, UnknownNameError
from brainflops.hardware.devices import Device, get_device
from brainflops.hardware.facility import machine_costs
from brainflops.hardware.training import (
    Fabric,
    StepTime,
    Workload,
    candidate_layouts,
    check_training_precision,
    day_interval,
    default_precision,
    facility,
    resolve_device,
    step_time,
    utilization_parameter,
)
from brainflops.params.parameters import Parameter
from brainflops.uncertainty.samples import Streaming, draw_samples

__all__ = ["MAX_DEVICES", "MAX_SAMPLES", "TrainingOptions", "TrainingPlan", "train"]

MAX_DEVICES = 10_000_000
MAX_SAMPLES = 1_000_000
_GB = 1e9


class _TrainingTime:
    """Training seconds as a log-space model of the utilisation (the sampler's LogModel)."""

    def __init__(self, name: str, utilization: Parameter, steps: float, step: StepTime) -> None:
        self.name = name
        self.parameters: Mapping[str, Parameter] = {"utilization": utilization}
        self.correlations: Mapping[tuple[str, str], float] = {}
        self.parameter_names = ("utilization",)
        self._steps = steps
        self._step = step

    def parameter(self, name: str) -> Parameter:
        if name not in self.parameters:
            raise UnknownNameError(kind="parameter", name=name, known=self.parameters)
        return self.parameters[name]

    def root_log(self, name: str, values: np.ndarray | float) -> np.ndarray:
        self.parameter(name)
        return np.log(np.asarray(values, dtype=float))  # dimensionless: root unit = own unit

    def central_logs(self) -> np.ndarray:
        return np.array([math.log(self.parameters["utilization"].value)])

    def evaluate_logs(self, logs: np.ndarray) -> np.ndarray:
        utilization = np.minimum(np.exp(logs[0]), 1.0)  # a utilisation never exceeds the peak
        return np.log(self._steps * self._step.seconds(utilization))

    def used_parameters(self) -> tuple[str, ...]:
        return self.parameter_names

    def elasticities(self) -> dict[str, float]:
        logs = self.central_logs()[:, None] + np.array([[-1e-6, 1e-6]])
        values = self.evaluate_logs(logs)
        return {"utilization": float((values[1] - values[0]) / 2e-6)}


@dataclass(frozen=True)
class TrainingPlan:
    """A workload trained on ``count`` devices: the split, time, energy, cost and comparison."""

    workload: Workload
    device: Device
    count: int
    precision: str
    options: TrainingOptions
    fabric: Fabric
    step: StepTime
    reason: str
    examples: float
    steps: float
    utilization: Parameter
    days: Mapping[str, float]
    energy_kwh: Mapping[str, float | None]
    cost_usd: Mapping[str, float | None]
    purchase_usd: float | None
    pue: float
    electricity_price: float

    @property
    def training_flop(self) -> float:
        """Examples x training FLOP per example."""
        return self.examples * self.workload.flop_per_example

    @property
    def achieved_utilization(self) -> float:
        """Model FLOP/s achieved over the peak of all ``count`` devices (central time)."""
        seconds = self.days["central"] * 86_400.0
        return self.training_flop / (seconds * self.count * self.device.peak(self.precision))

    @property
    def communication_fraction(self) -> float:
        """Share of a step (at the central utilisation) spent in exposed communication."""
        u = self.utilization.value
        return self.step.communication(u) / float(self.step.seconds(u))

    @property
    def reported_days(self) -> float | None:
        """The published time of a run on this device and count, or None."""
        run = self.reported_run
        return None if run is None else run.days

    @property
    def reported_run(self) -> Any:
        """The published run on this device and count, if any."""
        for run in self.workload.reported:
            if run.count == self.count and get_device(run.device) == self.device:
                return run
        return None

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready mapping with units in the key names."""
        layout = self.step.layout
        run = self.reported_run
        return {
            "workload": self.workload.name,
            "title": self.workload.title,
            "device": self.device.name,
            "count": self.count,
            "precision": self.precision,
            "parallelism": self.options.parallelism,
            "split": {
                "strategy": layout.strategy,
                "data": layout.data,
                "tensor": layout.tensor,
                "pipeline": layout.pipeline,
                "devices_used": layout.devices,
                "reason": self.reason,
            },
            "examples": self.examples,
            "example_unit": self.workload.unit,
            "steps": self.steps,
            "batch": self.workload.batch,
            "parameters": self.workload.parameters,
            "training_flop": self.training_flop,
            "training_days": dict(self.days),
            "bound": self.step.bound,
            "utilization": self.achieved_utilization,
            "utilization_assumed": self.utilization.to_record(),
            "communication_fraction": self.communication_fraction,
            "pipeline_bubble": self.step.bubble,
            "memory_per_device_bytes": self.step.memory_bytes,
            "device_memory_bytes": self.device.memory_bytes,
            "energy_kwh": dict(self.energy_kwh),
            "cost_usd": dict(self.cost_usd),
            "purchase_usd": self.purchase_usd,
            "pue": self.pue,
            "electricity_price_usd_per_kwh": self.electricity_price,
            "reported_days": self.reported_days,
            "reported": None if run is None else run.to_dict(),
            "samples": self.options.samples,
            "seed": self.options.seed,
        }


def _describe(step: StepTime, u: float) -> str:
    layout = step.layout
    days = float(step.seconds(u))
    return (
        f"{layout.strategy} (data {layout.data} x tensor {layout.tensor} x pipeline "
        f"{layout.pipeline}): {days:.4g} s per step, {step.memory_bytes / _GB:.3g} GB per device"
    )


def _choose(
    steps: list[StepTime], strategy: str, device: Device, u: float
) -> tuple[StepTime, str]:
    """The fastest fitting step of the candidates, and a sentence saying why."""
    fitting = [s for s in steps if s.fits]
    capacity = (device.memory_bytes or 0.0) / _GB
    if not fitting:
        smallest = min(steps, key=lambda s: s.memory_bytes)
        msg = (
            f"the model fits nowhere with --parallelism {strategy} on {smallest.layout.devices} "
            f"{device.name}: even {_describe(smallest, u)} exceeds the {capacity:.3g} GB of memory"
        )
        raise InvalidValueError("--count", msg)
    best = min(fitting, key=lambda s: (float(s.seconds(u)), s.layout.tensor * s.layout.pipeline))
    if strategy != "auto":
        return best, f"{strategy}: the fastest split of this kind that fits: {_describe(best, u)}"
    per_kind: dict[str, StepTime] = {}
    for s in fitting:
        kind = s.layout.strategy
        if kind not in per_kind or s.seconds(u) < per_kind[kind].seconds(u):
            per_kind[kind] = s
    others = "; ".join(
        f"{kind} at best {float(s.seconds(u)) / float(best.seconds(u)):.3g}x slower"
        for kind, s in sorted(per_kind.items())
        if s is not best
    )
    data_fits = any(s.layout.tensor * s.layout.pipeline == 1 for s in fitting)
    reason = f"auto: fastest split that fits: {_describe(best, u)}"
    if not data_fits:
        reason += f"; a full replica does not fit in {capacity:.3g} GB"
    return best, reason + (f"; {others}" if others else "")


def _examples(workload: Workload, examples: float | None, steps: float | None) -> float:
    if examples is not None and steps is not None:
        raise InvalidValueError(
            "--steps", "give the data size (--tokens/--examples) or --steps, not both"
        )
    total = steps * workload.batch if steps is not None else examples
    if total is not None:
        if not 0 < total < math.inf:
            raise InvalidValueError("--tokens", f"the data size must be positive, got {total!r}")
        return total
    if workload.examples is None:
        raise InvalidValueError(
            "--tokens",
            f"{workload.name} has no reference data size; give --tokens, --examples or --steps",
        )
    return workload.examples


@dataclass(frozen=True, slots=True)
class TrainingOptions:
    """Everything about a training request besides the workload, device and count.

    Attributes
    ----------
    examples, steps:
        Data size in the workload's unit, or optimizer steps (one or neither: the
        workload's reference size).
    precision:
        Training precision (default: the device's 16-bit tensor format, else fp32).
    parallelism:
        ``data``, ``model``, ``pipeline`` or ``auto``.
    compression_bits, overlap, intra_link, inter_link, node_size:
        See :class:`~brainflops.hardware.training.Fabric` (links by name).
    utilization:
        Override of the utilisation's central value (fraction of peak), or None.
    samples, seed:
        Monte Carlo draws of the utilisation and their seed.
    pue, electricity_price:
        Overrides of ``data/facility.toml``.
    """

    examples: float | None = None
    steps: float | None = None
    precision: str | None = None
    parallelism: str = "auto"
    compression_bits: float | None = None
    overlap: bool = True
    intra_link: str = "nvlink4"
    inter_link: str = "infiniband_ndr"
    node_size: int = 8
    utilization: Any = None
    samples: int = 2000
    seed: int = 0
    pue: Any = None
    electricity_price: Any = None


def _utilization(override: Any) -> Parameter:
    u = utilization_parameter()
    if override is None:
        return u
    u = u.with_value(override)
    if u.value > 1:
        raise InvalidValueError(
            "--utilization", f"is a fraction of the peak, at most 1, got {u.value:g}"
        )
    return u


def train(
    workload: Workload,
    device: Device | str,
    count: int,
    options: TrainingOptions | None = None,
) -> TrainingPlan:
    """Plan training ``workload`` on ``count`` devices; see the module docstrings.

    Raises
    ------
    InvalidValueError
        A precision the device lacks, a model that fits in no split, a device without a
        memory size in the table, or a size out of bounds.

    Examples
    --------
    >>> from brainflops.hardware.training import Workload
    >>> toy = Workload("toy", "toy", parameters=1e8, flop_per_example=6e8, unit="token",
    ...                examples=1e10, batch=1e5)
    >>> plan = train(toy, "NVIDIA H100 SXM5 80GB", 8, TrainingOptions(utilization=0.6, samples=100))
    >>> plan.step.layout.strategy, round(plan.days["central"] * 86400)  # 6e18 / (8 x 989.4e12 x 0.6)
    ('data', 1263)
    """
    opts = TrainingOptions() if options is None else options
    chosen = resolve_device(device)
    _check_request(chosen, count, opts)
    precision = default_precision(chosen) if opts.precision is None else opts.precision
    check_training_precision(chosen, precision)
    total = _examples(workload, opts.examples, opts.steps)
    fabric = Fabric.from_names(
        opts.intra_link,
        opts.inter_link,
        node_size=opts.node_size,
        compression_bits=opts.compression_bits,
        overlap=opts.overlap,
    )
    pue, price = facility(opts.pue, opts.electricity_price)
    u = _utilization(opts.utilization)
    candidates = [
        step_time(workload, chosen, precision, layout, fabric)
        for layout in candidate_layouts(count, opts.parallelism, workload.layers)
    ]
    best, reason = _choose(candidates, opts.parallelism, chosen, u.value)
    n_steps = total / workload.batch
    drawn = draw_samples(
        _TrainingTime(workload.name, u, n_steps, best),
        opts.samples,
        seed=opts.seed,
        correlations={},
        streaming=Streaming(opts.samples, progress=False),
    )
    days = day_interval(np.power(10.0, drawn.log10))  # type: ignore[arg-type]  # draws kept
    costs = machine_costs(best.layout.devices, chosen, pue, price)
    return TrainingPlan(
        workload=workload,
        device=chosen,
        count=count,
        precision=precision,
        options=opts,
        fabric=fabric,
        step=best,
        reason=reason,
        examples=total,
        steps=n_steps,
        utilization=u,
        days=days,
        energy_kwh=_per_interval(days, costs.power_watts, 1e-3),
        cost_usd=_per_interval(days, costs.energy_cost_per_hour_usd, 1.0),
        purchase_usd=costs.cost_usd,
        pue=pue,
        electricity_price=price,
    )


def _per_interval(
    days: Mapping[str, float], per_hour: float | None, scale: float
) -> dict[str, float | None]:
    """``per_hour x scale x hours`` for each of central, p5 and p95 (None if unknown)."""
    return {
        key: None if per_hour is None else per_hour * scale * value * 24.0
        for key, value in days.items()
    }


def _check_request(device: Device, count: int, opts: TrainingOptions) -> None:
    """Refuse out-of-bounds counts and draws, and devices without a memory size."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_DEVICES:
        raise InvalidValueError(
            "--count", f"must be an integer from 1 to {MAX_DEVICES:,}, got {count!r}"
        )
    samples = opts.samples
    if (
        isinstance(samples, bool)
        or not isinstance(samples, int)
        or not 1 <= samples <= MAX_SAMPLES
    ):
        raise InvalidValueError("--samples", f"must be an integer from 1 to {MAX_SAMPLES:,}")
    if device.memory_bytes is None:
        raise InvalidValueError(
            "--device",
            f"the accelerator table gives no memory size for {device.name!r}; "
            "pick a row that has one",
        )
