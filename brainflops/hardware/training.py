"""How long, at what energy and cost, a network trains on a machine.

A :class:`Workload` gives a network's training FLOP per example (or token), parameter
count, the bytes its operations move and the activations it keeps. :func:`train` splits
``count`` devices into ``d`` data-parallel replicas of a model cut ``t`` ways by tensor
parallelism and ``p`` ways by pipeline stages (``d x t x p <= count``), and times one step:

* compute: the device's share of the step's FLOP and bytes on its roofline
  (:func:`~brainflops.hardware.roofline.roofline_seconds`), divided by the utilisation ``u``;
* pipeline bubble: compute / (1 - (p - 1) / (m + p - 1)) for ``m`` micro-batches;
* tensor-parallel all-reduces and pipeline boundary transfers: on the critical path;
* the gradient all-reduce: overlapped with the backward pass, only its excess counts.

The utilisation ``u`` (data/training.toml) is published *model-FLOP utilisation* of large
runs, which already includes some communication and bubble time; adding the modelled
communication on top therefore errs towards longer runs where communication is exposed.
Group traffic stays on the intra-node link (NVLink) when the group fits in one node of
``node_size`` devices, and uses the inter-node link otherwise.

``parallelism="auto"`` tries every split with ``t`` a power of two and ``p`` up to the
layer count, keeps those whose memory per device
(:func:`~brainflops.hardware.memory.device_memory_bytes`) fits, and picks the fastest
(for a fixed device count the fastest is also the cheapest in energy).

Uncertainty: ``u`` is drawn with the package's sampler
(:func:`brainflops.uncertainty.samples.draw_samples`, seeded) and the chosen split's
time evaluated for every draw.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np

from brainflops.core.errors import InvalidValueError
from brainflops.hardware.devices import Device, get_device
from brainflops.hardware.facility import assumption
from brainflops.hardware.links import Link, get_links
from brainflops.hardware.memory import TRAINING_PRECISIONS, device_memory_bytes
from brainflops.hardware.parallelism import (
    BACKWARD_SHARE,
    allreduce_seconds,
    exposed_seconds,
    pipeline_bubble,
    tensor_parallel_bytes,
)
from brainflops.hardware.roofline import Bound, roofline_seconds
from brainflops.ops.operations import PRECISION_BYTES
from brainflops.params.parameters import Parameter, parameter_from_record

__all__ = [
    "STRATEGIES",
    "Fabric",
    "Layout",
    "PublishedRun",
    "StepTime",
    "Workload",
    "candidate_layouts",
    "step_time",
    "training_document",
    "utilization_parameter",
]

Strategy = Literal["data", "model", "pipeline", "auto"]
STRATEGIES: tuple[str, ...] = ("data", "model", "pipeline", "auto")
_TRAINING_FACTOR = 3.0  # forward + backward (2 x forward) bytes, as for FLOP
_SECONDS_PER_DAY = 86_400.0


@cache
def training_document() -> dict[str, Any]:
    """The parsed ``data/training.toml`` (utilisation, reference batches, published runs)."""
    with (resources.files("brainflops") / "data" / "training.toml").open("rb") as handle:
        return tomllib.load(handle)


def utilization_parameter() -> Parameter:
    """The model-FLOP utilisation parameter (median 0.33, 90% range 0.2-0.5) with its source."""
    record = training_document()["parameters"]["utilization"]
    return parameter_from_record("utilization", record)


@dataclass(frozen=True, slots=True)
class PublishedRun:
    """A training run as published: hardware, count and wall-clock time, with its source."""

    device: str
    count: int
    days: float
    source: str
    locator: str
    examples: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping (JSON-ready)."""
        return {
            "device": self.device,
            "count": self.count,
            "days": self.days,
            "source": self.source,
            "locator": self.locator,
        }


@dataclass(frozen=True, slots=True)
class Workload:
    """What a training run computes, per example (or token) and in total.

    Attributes
    ----------
    name, title:
        Identifier and human name.
    parameters:
        Trainable parameters.
    flop_per_example:
        Training FLOP (forward + backward) per example, in ``unit``.
    unit:
        What one example is: ``token``, ``image``, ...
    examples:
        Examples of the reference run (dataset size x epochs), or None.
    batch:
        Global batch in examples per optimizer step.
    micro_batch:
        Examples per micro-batch (one sequence for a language model).
    layers:
        Layers that pipeline stages can split, or None (no pipeline split).
    layer_output_elements:
        Elements of one layer's output per example (tensor-parallel and pipeline
        traffic), or None.
    activation_elements:
        Elements kept for the backward pass per example, or None (unknown: memory then
        counts the training states only).
    io_elements:
        Inputs and outputs every operation reads and writes per example in the forward
        pass (roofline bytes besides the weights), or None (bytes unknown: the run is
        taken as compute-bound).
    reported:
        Published runs of this workload.
    """

    name: str
    title: str
    parameters: float
    flop_per_example: float
    unit: str
    examples: float | None
    batch: float
    micro_batch: float = 1.0
    layers: int | None = None
    layer_output_elements: float | None = None
    activation_elements: float | None = None
    io_elements: float | None = None
    reported: tuple[PublishedRun, ...] = field(default=())

    def __post_init__(self) -> None:
        for label in ("parameters", "flop_per_example", "batch", "micro_batch"):
            value = getattr(self, label)
            if not value > 0 or not math.isfinite(value):
                raise InvalidValueError(label, f"must be positive and finite, got {value!r}")


@dataclass(frozen=True, slots=True)
class Layout:
    """A split of the devices: ``data`` replicas x ``tensor`` x ``pipeline`` stages."""

    data: int
    tensor: int
    pipeline: int

    @property
    def devices(self) -> int:
        """Devices in use, ``data x tensor x pipeline``."""
        return self.data * self.tensor * self.pipeline

    @property
    def strategy(self) -> str:
        """A short name: data, model, pipeline or a combination such as model+pipeline."""
        parts = [
            name
            for name, degree in (("model", self.tensor), ("pipeline", self.pipeline))
            if degree > 1
        ]
        if self.data > 1 or not parts:
            parts.insert(0, "data")
        return "+".join(parts)


@dataclass(frozen=True, slots=True)
class StepTime:
    """One step of a layout at utilisation ``u``: its parts in seconds and memory per device.

    ``compute`` is the roofline time at full utilisation (divide by ``u``); the other
    terms do not depend on ``u`` except through the overlap window of the all-reduce.
    """

    layout: Layout
    compute: float
    bound: Bound
    bubble: float
    tensor_comm: float
    pipeline_comm: float
    allreduce: float
    overlap: bool
    memory_bytes: float
    fits: bool | None

    def seconds(self, utilization: np.ndarray | float) -> np.ndarray:
        """Step time for each utilisation value."""
        compute = self.compute / np.asarray(utilization, dtype=float)
        window = BACKWARD_SHARE * compute if self.overlap else np.zeros_like(compute)
        exposed = np.maximum(0.0, self.allreduce - window)
        return compute / (1.0 - self.bubble) + self.tensor_comm + self.pipeline_comm + exposed

    def communication(self, utilization: float) -> float:
        """Seconds per step spent communicating outside compute (exposed)."""
        window = BACKWARD_SHARE * self.compute / utilization if self.overlap else 0.0
        return self.tensor_comm + self.pipeline_comm + exposed_seconds(self.allreduce, window)


@dataclass(frozen=True, slots=True)
class Fabric:
    """How the devices talk: links inside and between nodes, node size, compression, overlap.

    A group of devices that fits in one node (at most ``node_size``) uses ``intra``;
    larger groups use ``inter``. ``compression_bits`` compresses gradients (None: none);
    ``overlap`` lets the gradient all-reduce run under the backward pass.
    """

    intra: Link
    inter: Link
    node_size: int = 8
    compression_bits: float | None = None
    overlap: bool = True

    @classmethod
    def from_names(cls, intra: str, inter: str, **settings: Any) -> Fabric:
        """A fabric from ``data/interconnects.toml`` link names."""
        intra_link, inter_link = get_links([intra, inter])
        return cls(intra_link, inter_link, **settings)

    def link_for(self, group: int) -> Link:
        """The link a group of ``group`` devices communicates over."""
        return self.intra if group <= self.node_size else self.inter


def step_time(
    workload: Workload, device: Device, precision: str, layout: Layout, fabric: Fabric
) -> StepTime:
    """Time one optimizer step of ``workload`` on ``layout`` (see the module docstring)."""
    size = PRECISION_BYTES[precision]
    peak = device.peak(precision)
    replica_batch = workload.batch / layout.data
    microbatches = max(1.0, replica_batch / workload.micro_batch)
    flop = workload.batch * workload.flop_per_example / layout.devices
    shards = layout.tensor * layout.pipeline
    bound: Bound = "compute"
    if workload.io_elements is None:
        compute = flop / peak
    else:
        weight_bytes = workload.parameters / shards * size * microbatches
        io_bytes = replica_batch * workload.io_elements * size / shards
        moved = _TRAINING_FACTOR * (weight_bytes + io_bytes)
        compute = roofline_seconds(flop, moved, peak, device.bandwidth())
        if moved / device.bandwidth() > flop / peak:
            bound = "memory"
    layer_bytes = (
        0.0
        if workload.layer_output_elements is None
        else replica_batch * workload.layer_output_elements * size
    )
    tensor_comm = 0.0
    if layout.tensor > 1 and workload.layers:
        link = fabric.link_for(layout.tensor)
        tensor_bytes = tensor_parallel_bytes(
            layer_bytes, workload.layers / layout.pipeline, layout.tensor
        )
        tensor_comm = tensor_bytes / link.bandwidth
    pipeline_comm = 0.0
    if layout.pipeline > 1:
        link = fabric.link_for(shards)
        pipeline_comm = 2.0 * layer_bytes / layout.tensor / link.bandwidth
    link = fabric.link_for(layout.devices)
    allreduce = allreduce_seconds(
        workload.parameters / shards, size, layout.data, link.bandwidth, fabric.compression_bits
    )
    activations = (
        0.0
        if workload.activation_elements is None
        else min(workload.micro_batch, replica_batch)
        * workload.activation_elements
        * size
        / layout.tensor
    )
    memory = device_memory_bytes(workload.parameters, precision, shards, activations)
    return StepTime(
        layout=layout,
        compute=compute,
        bound=bound,
        bubble=pipeline_bubble(layout.pipeline, microbatches),
        tensor_comm=tensor_comm,
        pipeline_comm=pipeline_comm,
        allreduce=allreduce,
        overlap=fabric.overlap,
        memory_bytes=memory,
        fits=None if device.memory_bytes is None else memory <= device.memory_bytes,
    )


def _powers_of_two(limit: int) -> Iterator[int]:
    degree = 1
    while degree <= limit:
        yield degree
        degree *= 2


def candidate_layouts(count: int, strategy: str, layers: int | None) -> Iterator[Layout]:
    """Every split of ``count`` devices that ``strategy`` allows, smallest model split first.

    ``data``: one split, all replicas. ``model``: tensor degrees 1, 2, 4, ... ``pipeline``:
    1 to ``layers`` stages. ``auto``: every tensor degree with every stage count.
    """
    if strategy not in STRATEGIES:
        raise InvalidValueError(
            "parallelism", f"unknown strategy {strategy!r}; use one of {', '.join(STRATEGIES)}"
        )
    max_stages = 1 if not layers else min(layers, count)
    tensors = [1] if strategy in ("data", "pipeline") else list(_powers_of_two(count))
    stages = range(1, max_stages + 1) if strategy in ("pipeline", "auto") else range(1, 2)
    for tensor in tensors:
        for pipeline in stages:
            if tensor * pipeline <= count:
                yield Layout(count // (tensor * pipeline), tensor, pipeline)


def check_training_precision(device: Device, precision: str) -> None:
    """Refuse a precision that is not a training format or that ``device`` lacks."""
    if precision not in TRAINING_PRECISIONS:
        raise InvalidValueError(
            "--precision",
            f"{precision!r} is not a training precision; use one of {', '.join(TRAINING_PRECISIONS)}",
        )
    device.peak(precision)


def default_precision(device: Device) -> str:
    """The device's 16-bit tensor precision when it has one (bf16, then fp16), else fp32."""
    for precision in ("bf16", "fp16", "fp32"):
        if precision in device.peaks:
            return precision
    known = ", ".join(device.peaks) or "none"
    raise InvalidValueError(
        "device", f"{device.name!r} has no training precision in the table (it has: {known})"
    )


def resolve_device(device: Device | str) -> Device:
    """A :class:`Device` from a record or a table name."""
    return device if isinstance(device, Device) else get_device(device)


def facility(pue: Any, electricity_price: Any) -> tuple[float, float]:
    """PUE and USD per kWh: the packaged defaults or checked overrides."""
    return (
        assumption("pue", pue, "dimensionless"),
        assumption("electricity_price", electricity_price, "1/kWh"),
    )


def day_interval(seconds: np.ndarray) -> Mapping[str, float]:
    """Central (median), 5th and 95th percentile of ``seconds`` in days."""
    p5, p50, p95 = np.percentile(seconds, [5, 50, 95]) / _SECONDS_PER_DAY
    return {"central": float(p50), "p5": float(p5), "p95": float(p95)}
