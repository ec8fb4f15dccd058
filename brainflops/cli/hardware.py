"""Hardware commands: ``hardware`` (roofline and scale-out) and ``bench`` (measure this machine)."""

from __future__ import annotations

import argparse
import math
import sys
import tomllib
from importlib import resources
from typing import Any

from brainflops.cli._common import (
    MAX_MIN_TIME,
    add_output_arguments,
    bounded_float,
    dumps,
    emit,
    non_empty,
    text_table,
)
from brainflops.cli._terminal import fit, width
from brainflops.cli.core import add_model_arguments, model_from_args
from brainflops.core import fmt
from brainflops.core.errors import InvalidValueError

__all__ = ["register"]

#: Largest facility power usage effectiveness accepted (facility power / IT power);
#: real data centres report about 1.1 to 3.
MAX_PUE = 10.0

# Written out so that --help loads no library module; tests/test_cli_startup.py checks it
# against the keys of brainflops.hardware.plan.PRECISION_COLUMNS.
PRECISIONS = ("fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "int8")


def _facility_defaults() -> dict[str, float]:
    """Central values of ``data/facility.toml`` for the help text.

    Read with :mod:`tomllib` rather than through the parameter layer, which would load
    pint, scipy and the rest for ``--help``.
    """
    text = resources.files("brainflops.data").joinpath("facility.toml").read_text("utf-8")
    table = tomllib.loads(text)["parameters"]
    return {name: float(entry["value"]) for name, entry in table.items()}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``hardware`` and ``bench`` commands."""
    hardware = subparsers.add_parser(
        "hardware",
        help="accelerators, memory, power, cost and interconnect to run a model in real time",
        description=(
            "Place every stage of a model on an accelerator's roofline and scale out: devices "
            "for real time, memory for the weights, power (TDP x count x PUE), cost and "
            "traffic between devices. Devices come from the packaged Epoch AI table; see "
            "--list."
        ),
    )
    add_model_arguments(hardware)
    hardware.add_argument("--device", metavar="NAME", help="accelerator name (see --list)")
    hardware.add_argument(
        "--precision",
        default="fp32",
        choices=PRECISIONS,
        help="arithmetic and storage precision (default fp32)",
    )
    defaults = _facility_defaults()
    hardware.add_argument(
        "--pue",
        help=f"facility power usage effectiveness, 1 to {MAX_PUE:g} (default {defaults['pue']:g})",
    )
    hardware.add_argument(
        "--electricity-price",
        metavar="USD_PER_KWH",
        help="electricity price in USD per kWh: a number, or the same with its unit, "
        f"'0.1 USD/kWh' (default {defaults['electricity_price']:g})",
    )
    hardware.add_argument("--list", action="store_true", help="list the accelerators and exit")
    hardware.add_argument(
        "--plot",
        metavar="FILE",
        type=non_empty("--plot"),
        help="also draw the roofline chart to FILE (.svg, .png, .pdf)",
    )
    hardware.add_argument("--json", action="store_true", help="machine-readable output")
    add_output_arguments(hardware)
    hardware.set_defaults(handler=_hardware)

    bench = subparsers.add_parser(
        "bench",
        help="measure this machine's matmul and convolution FLOP/s against the brain",
        description=(
            "Time dense matrix products and 2-D convolutions with numpy (and PyTorch, on "
            "the GPU when present) and compare the best rate with the brain estimates."
        ),
    )
    bench.add_argument("--quick", action="store_true", help="tiny sizes (a smoke test)")
    bench.add_argument(
        "--min-time",
        type=bounded_float(0.0, MAX_MIN_TIME, "seconds per case"),
        default=None,
        metavar="S",
        help=f"seconds per case (at most {MAX_MIN_TIME:g})",
    )
    bench.add_argument("--no-torch", action="store_true", help="numpy only")
    bench.add_argument(
        "--device", metavar="NAME", help="accelerator-table row whose peaks to use for the GPU"
    )
    bench.add_argument(
        "--preset",
        action="append",
        metavar="NAME",
        help="brain estimate to compare with (repeatable; default every preset)",
    )
    bench.add_argument("--json", action="store_true", help="machine-readable output")
    add_output_arguments(bench)
    bench.set_defaults(handler=_bench)


# ------------------------------------------------------------------ hardware


def _number(value: Any, fmt: str = ".3g") -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return format(value, fmt)


def _list(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from brainflops.hardware.plan import devices_frame, list_devices

    if args.json:
        emit(dumps([d.to_dict() for d in list_devices()]), args)
        return 0
    frame = devices_frame()
    rows = [
        [_number(v, ".4g") if isinstance(v, float) else v for v in row]
        for row in frame.itertuples(index=False)
    ]
    emit(tabulate(rows, headers=list(frame.columns), disable_numparse=True) + "\n", args)
    return 0


def _hardware(args: argparse.Namespace) -> int:
    from brainflops.forecast.trends import parse_value
    from brainflops.hardware.plan import PlanOptions, plan

    if args.list:
        return _list(args)
    if not args.device:
        raise InvalidValueError(
            name="--device", reason="required (see brainflops hardware --list)"
        )
    pue = None if args.pue is None else parse_value(args.pue, "dimensionless", "--pue")
    if pue is not None and not 1 <= pue <= MAX_PUE:
        raise InvalidValueError("--pue", f"must be from 1 to {MAX_PUE:g}, got {args.pue}")
    if args.plot:
        from brainflops.outputs.plots import check_path

        check_path(args.plot)
    model = model_from_args(args)
    price = (
        None
        if args.electricity_price is None
        else parse_value(args.electricity_price, "USD/kWh", "--electricity-price")
    )
    result = plan(
        model, args.device, args.precision, PlanOptions(pue=pue, electricity_price=price)
    )
    if args.plot:
        from brainflops.outputs import plots

        plots.save(plots.roofline(result), args.plot, overwrite=bool(args.force))
        sys.stderr.write(f"wrote {args.plot}\n")
    if args.json:
        emit(dumps(result.to_dict()), args)
        return 0
    emit(_hardware_text(result, width()), args)
    return 0


_LINK_TITLES = {
    "pcie3_x16": "PCIe 3.0 x16",
    "pcie4_x16": "PCIe 4.0 x16",
    "pcie5_x16": "PCIe 5.0 x16",
    "infiniband_ndr": "InfiniBand NDR",
    "nvlink4": "NVLink 4",
}


def _times(value: float | None) -> str:
    return "" if value is None else f"{fmt.sci(value)} ×"


def _hardware_text(p: Any, columns: int) -> str:
    from brainflops.ops.stages import STAGES

    d = p.device
    facts: list[tuple[str, str]] = [
        (
            "model",
            f"{fmt.sci(p.flops, 'FLOP/s')}, "
            + (
                f"{fmt.si(p.bytes_per_second, 'B/s')} moved, "
                f"intensity {fmt.sig(p.intensity)} FLOP/B"
                if p.bytes_known
                else "bytes unknown (formula terms counted compute-bound at peak: a lower bound)"
            ),
        ),
        (
            "bound",
            (f"{p.bound} ({len(p.memory_bound_stages)} of {len(p.stages)} stages memory-bound)"),
        ),
        (
            "devices for real time",
            (
                f"{fmt.count(p.devices_for_throughput)} "
                f"(FLOPs alone: {fmt.count(p.devices_compute_only)})"
            ),
        ),
    ]
    if p.memory_bytes is not None:
        memory = (
            f" = {fmt.count(p.devices_for_memory)} devices' memory"
            if p.devices_for_memory is not None
            else " (device memory unknown)"
        )
        facts.append((f"weights at {p.precision}", fmt.si(p.memory_bytes, "B") + memory))
    else:
        facts.append(("weights", "unknown (formula terms have no operations)"))
    facts.append(("devices needed", f"{fmt.count(p.devices_needed)} (set by {p.limited_by})"))
    if p.power_watts is not None:
        facts.append(
            (
                "power",
                (
                    f"{fmt.si(p.power_watts, 'W')} (TDP {fmt.si(d.tdp_watts, 'W')} × PUE {p.pue:g}) "
                    f"= {_times(p.power_vs_brain)} the brain's {fmt.si(p.brain_power, 'W')}"
                ),
            )
        )
        facts.append(
            (
                "energy",
                (
                    f"{fmt.money(p.energy_cost_per_hour_usd)} per hour at "
                    f"${p.electricity_price:g}/kWh"
                ),
            )
        )
    else:
        facts.append(("power", "unknown (no TDP in the table)"))
    facts.append(
        (
            "purchase",
            f"{fmt.money(p.cost_usd)} (launch price {fmt.money(d.price_usd)})"
            if p.cost_usd is not None
            else "unknown (no launch price in the table)",
        )
    )
    if p.model_parallel_bytes_per_second is not None:
        facts.append(
            (
                "model parallelism",
                f"{fmt.si(p.model_parallel_bytes_per_second, 'B/s')} leave each device",
            )
        )
    if p.data_parallel_bytes_per_second is not None:
        feasible = "fits" if p.data_parallel_feasible else "does NOT fit"
        facts.append(
            (
                "data parallelism",
                (
                    f"{fmt.si(p.data_parallel_bytes_per_second, 'B/s')} per device at "
                    f"{p.update_rate:g} update/s; a full replica {feasible} in one device"
                ),
            )
        )
    key_width = max(len(key) for key, _ in facts)
    lines = [
        p.title,
        f"on {d.name} at {p.precision}",
        (
            f"  peak {fmt.si(p.peak, 'FLOP/s')}, memory bandwidth {fmt.si(p.bandwidth, 'B/s')}, "
            f"ridge point {fmt.sig(p.ridge_point)} FLOP/B"
        ),
        "",
        *(f"  {key.ljust(key_width)}  {value}" for key, value in facts),
        "",
    ]
    links = [
        [
            _LINK_TITLES.get(link.name, link.name),
            fmt.si(link.bandwidth, "B/s"),
            fmt.sig(link.model_parallel) if link.model_parallel is not None else "",
            fmt.sci(link.data_parallel),
        ]
        for link in p.links
    ]
    lines.append(
        text_table(
            ["link (one direction)", "bandwidth", "model-parallel load", "data-parallel load"],
            links,
            right=(1, 2, 3),
            rule=True,
        )
    )
    lines.append("")
    stages = [
        [
            s.population,
            STAGES[s.stage].title if s.stage in STAGES else s.stage,
            fmt.sci(s.flops),
            fmt.sci(s.bytes_per_second),
            fmt.sig(s.intensity) if s.intensity else "",
            s.bound,
            fmt.count(s.devices),
        ]
        for s in p.stages
    ]
    lines.append(
        text_table(
            ["population", "stage", "FLOP/s", "B/s", "FLOP/B", "bound", "devices"],
            stages,
            right=(2, 3, 4, 6),
            rule=True,
            width=columns,
        )
    )
    lines.append(
        "Load: traffic as a multiple of one link's bandwidth (above 1: too slow). Devices: each "
        "stage on its own, rounded up."
    )
    return fit("\n".join(lines) + "\n", columns)


# --------------------------------------------------------------------- bench


def _bench(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from brainflops.hardware.bench import BenchOptions, run_bench

    options = BenchOptions(
        quick=args.quick,
        min_time=args.min_time,
        use_torch=not args.no_torch,
        device=args.device,
        presets=args.preset,
    )
    result = run_bench(options, progress=lambda line: sys.stderr.write(f"bench: {line}\n"))
    if args.json:
        emit(dumps(result.to_dict()), args)
        return 0
    machine = result.machine
    lines = [
        f"CPU: {machine['cpu']} ({machine['logical_cores']} logical cores), {machine['platform']}",
        f"numpy {machine['numpy']} ({machine['blas'] or 'BLAS unknown'}); "
        f"PyTorch {machine['torch'] or 'not installed'}"
        + (f"; GPU {machine['gpu']} (CUDA {machine['cuda']})" if machine["gpu"] else ""),
        "",
    ]
    rows = [
        [
            m.backend,
            m.device,
            m.kernel,
            m.precision,
            m.shape,
            _number(m.achieved / 1e9, ".4g"),
            _number(m.flops / m.median_seconds / 1e9, ".4g"),
            "-" if m.fraction_of_peak is None else f"{100 * m.fraction_of_peak:.1f}%",
        ]
        for m in result.measurements
    ]
    lines.append(
        tabulate(
            rows,
            headers=[
                "backend",
                "device",
                "kernel",
                "precision",
                "shape",
                "best GFLOP/s",
                "median GFLOP/s",
                "of peak",
            ],
            disable_numparse=True,
        )
    )
    best = result.best
    lines += [
        "",
        (
            f"best: {best.achieved:.4g} FLOP/s ({best.backend} {best.kernel} "
            f"{best.precision} {best.shape} on {best.device})"
        ),
    ]
    lines += [f"  {c.describe()}" for c in result.comparisons]
    lines += ["", *[f"note: {n}" for n in result.notes]]
    lines.append(f"({result.seconds:.1f} s)")
    emit("\n".join(lines) + "\n", args)
    return 0
