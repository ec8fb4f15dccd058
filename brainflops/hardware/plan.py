"""What it takes in hardware to run a brain model in real time.

A model's FLOP/s says nothing about memory traffic, yet accelerators are often limited by
bytes, not FLOPs. This module gives every conv-net operation a byte count (weights,
inputs and outputs at a chosen precision, :meth:`brainflops.ops.operations.Operation.bytes_moved`),
places each stage on the roofline of an accelerator from the packaged table, and scales
the result out to a machine: device count, memory to hold the weights, power, purchase
and energy cost, and traffic between devices.

Roofline
--------
For a stage with ``F`` FLOP/s and ``B`` bytes/s its arithmetic intensity is ``I = F / B``
(FLOP per byte). On a device with peak ``P`` (FLOP/s at the chosen precision) and memory
bandwidth ``W`` (B/s) the attainable rate is ``min(P, I x W)``; the stage is
*memory-bound* when ``I`` lies below the ridge point ``P / W``. Running the stage in real
time then needs ``F / min(P, I x W) = max(F / P, B / W)`` devices. Stages are taken to run
one after another on the same devices (no fusion), so the model needs the **sum** of its
stages' device counts; the model is called memory-bound when its memory-bound stages
account for most of that sum.

Scale-out
---------
``devices_needed = ceil(max(throughput devices, parameter bytes / device memory))``.
Power is ``devices x TDP x PUE``; cost is ``devices x launch price``; energy cost per
hour is ``power [kW] x 1 h x price per kWh``. Parameters are the stored weights
(``Operation.weights`` per cell times the cell count) at the chosen precision.

Interconnect: under *model parallelism* the cells are spread over the devices at random,
so each cell's outputs (the output of its population's last operation, one value per
target synapse and time step) leave its device with probability ``1 - 1/N``; the traffic
per device is that total divided by ``N``. Under *data parallelism* every device holds
all parameters (possible only when they fit in one device's memory) and replicas
exchange every weight once per update with a ring all-reduce, ``2 (N - 1) / N x
parameter bytes x update rate`` per device. Both are compared with the per-direction
bandwidth of the links in ``data/interconnects.toml``.

Formula presets (no operations): their bytes are unknown. They are treated as
compute-bound at peak, which gives a *lower* bound on devices, and the plan says
``bytes_known: false``; memory to hold parameters is then unknown (``None``).

Hand check (dettmers2015 on "NVIDIA H100 SXM5 80GB" at fp32; table row: 66.91 TFLOP/s
fp32, 3,350 GB/s, 80 GB, 700 W, 33,600 USD; ridge point 66.91e12 / 3.35e12 = 19.97
FLOP/B). The three terms that set the answer:

* Purkinje dendrites: 1e8 cells x 200 Hz = 2e10 evaluations/s, each a convolution of
  1e5 x 5 inputs with a 10 x 1000 x 5 kernel: 2 x 5e5 x 5e4 = 5e10 FLOP and
  4 B x (5e4 + 5e5 + 5e5) = 4.2e6 B; intensity 11,905 FLOP/B, compute-bound:
  1e21 / 66.91e12 = 14,945,449 devices.
* Granule dendrites: 1e13 evaluations/s x 2 x 75 x 5e4 = 7.5e19 FLOP/s and
  4 x (5e4 + 75 + 75) = 200,600 B per evaluation; intensity 37.4, compute-bound:
  7.5e19 / 66.91e12 = 1,120,909 devices.
* Synapses and axons of the other neurons: 3.59e10 x 200 = 7.18e12 evaluations/s, each
  1e5 FLOP over 4 x (1e4 + 5e4 + 5) = 240,020 B; intensity 0.417, memory-bound:
  7.18e12 x 240,020 / 3.35e12 = 514,431 devices each.
* The other 13 (mostly memory-bound) stages add 96,205: ``devices_for_throughput`` =
  17,191,425.3 against 16,088,469 for FLOPs alone, so ``devices_needed = 17,191,426``,
  ``bound = "compute"`` (93% of the devices serve compute-bound stages).
* Power 17,191,426 x 700 W x 1.58 = 1.901e10 W (19.0 GW, 9.5e8 brains of 20 W); cost
  17,191,426 x 33,600 = 5.78e11 USD; energy 1.901e7 kW x 0.0806 USD/kWh = 1.53e6 USD/h.
* Weights (1e5 + 5e4 + 5 + 1e3) x 1e8 + (15 + 5e4 + 5 + 100) x 5e10 + (1e4 + 5 + 1e4)
  x 3.59e10 = 3.239e15, so ``memory_bytes`` = 1.296e16 B (161,964 devices' memory).
* Model parallelism: axon outputs 2e10 x 5e3 + 1e13 x 500 + 7.18e12 x 5e4 = 3.641e17
  values/s x 4 B = 1.456e18 B/s over 17.2 M devices: 84.7 GB/s per device, more than
  one InfiniBand NDR port (50 GB/s) or PCIe 5.0 x16 (63 GB/s) carries.

``tests/test_hardware.py`` recomputes these from the table row and the model.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import sympy as sp

from brainflops.core import fmt
from brainflops.hardware.devices import (
    PRECISION_COLUMNS,
    Device,
    check_precision,
    devices_frame,
    get_device,
    list_devices,
    match_device,
)
from brainflops.hardware.facility import assumption, machine_costs
from brainflops.hardware.links import LinkLoad, get_links
from brainflops.hardware.parallelism import ring_allreduce_bytes
from brainflops.hardware.roofline import Bound, attainable_flops, roofline_bound
from brainflops.models.model import Model
from brainflops.ops.operations import PRECISION_BYTES
from brainflops.params.assumption_files import (
    facility_assumptions,
    facility_value,
    interconnects,
    sources,
)

# The names below stay importable from here, as before the split into modules
# (devices, roofline, facility, links): callers need not change.
__all__ = [
    "PRECISION_COLUMNS",
    "Device",
    "HardwarePlan",
    "LinkLoad",
    "PlanOptions",
    "StageRoofline",
    "attainable_flops",
    "devices_frame",
    "facility_assumptions",
    "facility_value",
    "get_device",
    "interconnects",
    "list_devices",
    "match_device",
    "plan",
    "roofline_bound",
    "sources",
]

_ROUNDING = 1e-12  # relative slack before rounding a device count up


@dataclass(frozen=True, slots=True)
class StageRoofline:
    """One model term on one device's roofline.

    Attributes
    ----------
    population, stage, operation:
        As in :class:`brainflops.models.model.Term`.
    flops:
        FLOP/s of the term at the model's central values.
    bytes_per_second:
        Bytes moved per second (weights + inputs + outputs per evaluation x evaluations
        per second), or None for formula terms.
    intensity:
        ``flops / bytes_per_second`` (FLOP/B), or None.
    attainable:
        FLOP/s one device reaches on this term (the peak when bytes are unknown).
    bound:
        ``compute`` or ``memory``.
    devices:
        Devices busy with this term in real time, ``flops / attainable``.
    weights:
        Stored weights of the term (per-cell weights x cells), or None.
    """

    population: str
    stage: str
    operation: str
    flops: float
    bytes_per_second: float | None
    intensity: float | None
    attainable: float
    bound: Bound
    devices: float
    weights: float | None

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping (JSON-ready)."""
        return {
            "population": self.population,
            "stage": self.stage,
            "operation": self.operation,
            "flops_per_second": self.flops,
            "bytes_per_second": self.bytes_per_second,
            "intensity_flop_per_byte": self.intensity,
            "attainable_flops_per_device": self.attainable,
            "bound": self.bound,
            "devices": self.devices,
            "weights": self.weights,
        }


@dataclass(frozen=True)
class HardwarePlan:
    """What running a model in real time takes on one kind of accelerator.

    Attributes
    ----------
    model, title:
        The model's name and title.
    device:
        The accelerator (table row).
    precision, bytes_per_element:
        Storage and arithmetic precision and its size in bytes.
    peak, bandwidth, ridge_point:
        The device's peak FLOP/s at ``precision``, memory bandwidth (B/s) and
        ``peak / bandwidth`` (FLOP/B).
    flops, bytes_per_second, intensity:
        The model's FLOP/s, bytes/s (None if some term's bytes are unknown) and
        arithmetic intensity.
    bytes_known:
        False when some term is a formula without operations (its bytes are unknown and
        it is counted compute-bound at peak: the device count is then a lower bound).
    bound:
        ``compute`` or ``memory``: which roof limits most of the device count.
    devices_compute_only:
        ``flops / peak``: the count a FLOP-only estimate would give.
    devices_for_throughput:
        Sum over stages of ``flops / attainable`` (real time).
    memory_bytes:
        Bytes to hold every stored weight at ``precision`` (None if unknown).
    devices_for_memory:
        ``ceil(memory_bytes / device memory)`` (None if either is unknown).
    devices_needed:
        ``ceil(max(devices_for_throughput, devices_for_memory))``.
    pue, electricity_price, brain_power, update_rate:
        The facility assumptions used (PUE, USD per kWh, W, Hz).
    power_watts, cost_usd, energy_cost_per_hour_usd:
        ``devices x TDP x PUE``; ``devices x price``; ``power / 1000 x price per kWh``
        (None where the table lacks TDP or price).
    model_parallel_bytes_per_second, data_parallel_bytes_per_second:
        Traffic leaving each device under model and data parallelism (see module
        docstring); None when unknown.
    data_parallel_feasible:
        Whether all parameters fit in one device's memory.
    links:
        Per-device traffic against each link's bandwidth.
    stages:
        Every term's roofline.
    """

    model: str
    title: str
    device: Device
    precision: str
    bytes_per_element: int
    peak: float
    bandwidth: float
    ridge_point: float
    flops: float
    bytes_per_second: float | None
    intensity: float | None
    bytes_known: bool
    bound: Bound
    devices_compute_only: float
    devices_for_throughput: float
    memory_bytes: float | None
    devices_for_memory: int | None
    devices_needed: int
    pue: float
    electricity_price: float
    brain_power: float
    update_rate: float
    power_watts: float | None
    cost_usd: float | None
    energy_cost_per_hour_usd: float | None
    model_parallel_bytes_per_second: float | None
    data_parallel_bytes_per_second: float | None
    data_parallel_feasible: bool | None
    links: tuple[LinkLoad, ...]
    stages: tuple[StageRoofline, ...] = field(repr=False)

    @property
    def limited_by(self) -> str:
        """``throughput`` or ``memory capacity``: what sets ``devices_needed``."""
        if (
            self.devices_for_memory is not None
            and self.devices_for_memory > self.devices_for_throughput
        ):
            return "memory capacity"
        return "throughput"

    @property
    def power_vs_brain(self) -> float | None:
        """``power_watts / brain_power``."""
        return None if self.power_watts is None else self.power_watts / self.brain_power

    @property
    def memory_bound_stages(self) -> tuple[StageRoofline, ...]:
        """The stages whose intensity lies below the ridge point."""
        return tuple(s for s in self.stages if s.bound == "memory")

    def _repr_html_(self) -> str:
        """Rich display in notebooks: the scale-out summary."""
        return fmt.html_table(
            f"{self.title} on {self.device.name} at {self.precision}",
            [
                ("devices needed", f"{fmt.count(self.devices_needed)} (set by {self.limited_by})"),
                ("bound", self.bound),
                ("power", fmt.si(self.power_watts, "W")),
                ("purchase", fmt.money(self.cost_usd)),
                ("energy per hour", fmt.money(self.energy_cost_per_hour_usd)),
                ("weights", fmt.si(self.memory_bytes, "B")),
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready mapping with units in the key names."""
        return {
            "model": self.model,
            "title": self.title,
            "device": self.device.name,
            "precision": self.precision,
            "bytes_per_element": self.bytes_per_element,
            "peak_flops": self.peak,
            "peak_column": self.device.peak_columns[self.precision],
            "memory_bandwidth_bytes_per_second": self.bandwidth,
            "ridge_point_flop_per_byte": self.ridge_point,
            "flops_per_second": self.flops,
            "bytes_per_second": self.bytes_per_second,
            "intensity_flop_per_byte": self.intensity,
            "bytes_known": self.bytes_known,
            "bound": self.bound,
            "limited_by": self.limited_by,
            "devices_compute_only": self.devices_compute_only,
            "devices_for_throughput": self.devices_for_throughput,
            "memory_bytes": self.memory_bytes,
            "devices_for_memory": self.devices_for_memory,
            "devices_needed": self.devices_needed,
            "device_memory_bytes": self.device.memory_bytes,
            "device_tdp_watts": self.device.tdp_watts,
            "device_price_usd": self.device.price_usd,
            "pue": self.pue,
            "power_watts": self.power_watts,
            "power_megawatts": None if self.power_watts is None else self.power_watts / 1e6,
            "brain_power_watts": self.brain_power,
            "power_vs_brain": self.power_vs_brain,
            "cost_usd": self.cost_usd,
            "electricity_price_usd_per_kwh": self.electricity_price,
            "energy_cost_per_hour_usd": self.energy_cost_per_hour_usd,
            "interconnect": {
                "model_parallel_bytes_per_second_per_device": self.model_parallel_bytes_per_second,
                "data_parallel_bytes_per_second_per_device": self.data_parallel_bytes_per_second,
                "data_parallel_feasible": self.data_parallel_feasible,
                "update_rate_hz": self.update_rate,
                "links": [link.to_dict() for link in self.links],
            },
            "stages": [stage.to_dict() for stage in self.stages],
        }


# ------------------------------------------------------------------ model terms


def _ceil(value: float) -> int:
    return math.ceil(value * (1 - _ROUNDING))


def _evaluate(expr: sp.Expr, values: Mapping[sp.Symbol, float]) -> float:
    return float(expr.xreplace(values))


def _stage_rows(
    model: Model,
    precision: str,
    peak: float,
    bandwidth: float,
) -> tuple[list[StageRoofline], list[float | None]]:
    """Each term's roofline, and each term's output elements/s when it ends its population."""
    values = model.central_values()
    flops = model.breakdown()["flops"].to_numpy()
    rows: list[StageRoofline] = []
    last_of_population: dict[str, int] = {}
    for index, term in enumerate(model.terms):
        if term.operations and term.evaluations is not None:
            last_of_population[term.population] = index
    outputs: list[float | None] = [None] * len(model.terms)
    for index, (term, raw_flops) in enumerate(zip(model.terms, flops, strict=True)):
        term_flops = float(raw_flops)
        if term.operations and term.evaluations is not None:
            evaluations = _evaluate(term.evaluations, values)
            per_eval = sum(_evaluate(op.bytes_moved(precision), values) for op in term.operations)
            moved = evaluations * per_eval
            intensity = term_flops / moved if moved > 0 else math.inf
            attainable = min(peak, intensity * bandwidth)
            bound = roofline_bound(intensity, peak, bandwidth) if moved > 0 else "compute"
            cells = None if term.count is None else _evaluate(term.count, values)
            per_cell = sum(_evaluate(op.weights, values) for op in term.operations)
            weights = None if cells is None else per_cell * cells
            if last_of_population.get(term.population) == index:
                last = term.operations[-1]
                outputs[index] = evaluations * _evaluate(sp.Mul(*last.output_shape), values)
            row = StageRoofline(
                term.population,
                term.stage,
                term.operation,
                term_flops,
                moved,
                intensity,
                attainable,
                bound,
                term_flops / attainable,
                weights,
            )
        else:
            row = StageRoofline(
                term.population,
                term.stage,
                term.operation,
                term_flops,
                None,
                None,
                peak,
                "compute",
                term_flops / peak,
                None,
            )
        rows.append(row)
    return rows, outputs


# ------------------------------------------------------------------------- plan


@dataclass(frozen=True, slots=True)
class PlanOptions:
    """Overrides of the facility defaults and the links a :func:`plan` compares with.

    Attributes
    ----------
    pue, electricity_price, brain_power, update_rate:
        Override the defaults of ``data/facility.toml`` (numbers in their units:
        dimensionless, USD per kWh, W, Hz; or quantity strings); ``None`` keeps them.
    links:
        Names of ``data/interconnects.toml`` links to compare with (default: all).
    """

    pue: Any = None
    electricity_price: Any = None
    brain_power: Any = None
    update_rate: Any = None
    links: Iterable[str] | None = None


def plan(
    model: Model,
    device: Device | str,
    precision: str = "fp32",
    options: PlanOptions | None = None,
    **overrides: Any,
) -> HardwarePlan:
    """Roofline and scale-out of ``model`` on ``device`` at ``precision``.

    Parameters
    ----------
    model:
        A :class:`~brainflops.models.model.Model` (load presets with
        :func:`brainflops.models.presets.load_preset`; this layer does not read them).
    device:
        A :class:`Device` or a table name (see :func:`get_device`).
    precision:
        ``fp64``, ``fp32``, ``tf32``, ``bf16``, ``fp16``, ``fp8`` or ``int8``: both the
        peak used and the bytes per stored element.
    options:
        Facility overrides and links (:class:`PlanOptions`; default: none, all links).
    **overrides:
        :class:`PlanOptions` fields given as keywords (``pue=1.1``, ``links=[...]``),
        applied on top of ``options``.

    Returns
    -------
    HardwarePlan

    Raises
    ------
    InvalidValueError
        Unknown precision, or the device lacks that peak or its memory bandwidth.
    UnknownNameError
        Unknown device or link.
    TypeError
        A keyword that is not a :class:`PlanOptions` field.

    Examples
    --------
    >>> from brainflops.models.presets import load_preset
    >>> p = plan(load_preset("dettmers2015"), "NVIDIA H100 SXM5 80GB", "fp32")
    >>> p.bound, p.devices_needed
    ('compute', 17131963)
    """
    chosen = device if isinstance(device, Device) else get_device(device)
    check_precision(precision)
    peak, bandwidth = chosen.peak(precision), chosen.bandwidth()
    size = PRECISION_BYTES[precision]
    chosen_options = replace(options or PlanOptions(), **overrides)
    link_rows = get_links(chosen_options.links)
    pue_value = assumption("pue", chosen_options.pue, "dimensionless")
    price = assumption("electricity_price", chosen_options.electricity_price, "1/kWh")
    brain = assumption("brain_power", chosen_options.brain_power, "W")
    rate = assumption("update_rate", chosen_options.update_rate, "Hz")

    stages, outputs = _stage_rows(model, precision, peak, bandwidth)
    total_flops = sum(s.flops for s in stages)
    bytes_known = all(s.bytes_per_second is not None for s in stages)
    moved = sum(s.bytes_per_second for s in stages if s.bytes_per_second is not None)
    total_bytes = moved if bytes_known else None
    memory_devices = sum(s.devices for s in stages if s.bound == "memory")
    compute_devices = sum(s.devices for s in stages if s.bound == "compute")
    bound: Bound = "memory" if memory_devices > compute_devices else "compute"
    throughput = memory_devices + compute_devices

    weights = [s.weights for s in stages]
    memory_bytes = (
        None if any(w is None for w in weights) else size * sum(w or 0.0 for w in weights)
    )
    memory_devices_needed = (
        None
        if memory_bytes is None or chosen.memory_bytes is None
        else max(1, _ceil(memory_bytes / chosen.memory_bytes))
    )
    count = max(1, _ceil(max(throughput, memory_devices_needed or 0)))
    costs = machine_costs(count, chosen, pue_value, price)

    if any(o is not None for o in outputs) and bytes_known:
        cut = sum(o for o in outputs if o is not None) * size * (1 - 1 / count)
        model_parallel: float | None = cut / count
    else:
        model_parallel = None
    if memory_bytes is None:
        data_parallel = None
        feasible = None
    else:
        data_parallel = ring_allreduce_bytes(memory_bytes, count) * rate
        feasible = chosen.memory_bytes is not None and memory_bytes <= chosen.memory_bytes
    loads = [LinkLoad.of(link, model_parallel, data_parallel) for link in link_rows]

    return HardwarePlan(
        model=model.name,
        title=model.title,
        device=chosen,
        precision=precision,
        bytes_per_element=size,
        peak=peak,
        bandwidth=bandwidth,
        ridge_point=peak / bandwidth,
        flops=total_flops,
        bytes_per_second=total_bytes,
        intensity=None if total_bytes is None else total_flops / total_bytes,
        bytes_known=bytes_known,
        bound=bound,
        devices_compute_only=total_flops / peak,
        devices_for_throughput=throughput,
        memory_bytes=memory_bytes,
        devices_for_memory=memory_devices_needed,
        devices_needed=count,
        pue=pue_value,
        electricity_price=price,
        brain_power=brain,
        update_rate=rate,
        power_watts=costs.power_watts,
        cost_usd=costs.cost_usd,
        energy_cost_per_hour_usd=costs.energy_cost_per_hour_usd,
        model_parallel_bytes_per_second=model_parallel,
        data_parallel_bytes_per_second=data_parallel,
        data_parallel_feasible=feasible,
        links=tuple(loads),
        stages=tuple(stages),
    )
