"""``brainflops train``: training time, energy and cost of a network on a machine.

brainflops train --workload gpt3-175b --device "NVIDIA Tesla V100 DGXS 32 GB" --count 10000
brainflops train --workload bert-large --device "Google TPU v2" --count 64 --json
brainflops train --workload gpt3-175b --device "NVIDIA H100 SXM5 80GB" --count 1024 --plot s.png
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from brainflops.cli._common import (
    add_output_arguments,
    bounded_int,
    dumps,
    emit,
    positive_int,
    seed,
)
from brainflops.cli._terminal import fit, width
from brainflops.core.errors import InvalidValueError

__all__ = ["register"]

_STRATEGIES = ("data", "model", "pipeline", "auto")
_PRECISIONS = ("fp64", "fp32", "tf32", "bf16", "fp16", "fp8")
_COMPRESSION = {"none": None, "8bit": 8.0, "1bit": 1.0}
_MAX_COUNT = 10_000_000
_MAX_SIZE = 1e18  # tokens, examples or steps: far beyond any run (GPT-4 class: ~1e13 tokens)


_count = bounded_int(1, _MAX_COUNT, "a number of devices")


def _size(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= _MAX_SIZE:
        msg = f"expected a positive number up to {_MAX_SIZE:g}, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``train`` command."""
    p = subparsers.add_parser(
        "train",
        help="training time, energy and cost of a network on N accelerators",
        description=(
            "Time a network's training on N devices of one kind: each step on the device's "
            "roofline at a published model-FLOP utilisation (with uncertainty), split by data, "
            "tensor (model) or pipeline parallelism, with gradient all-reduce, activation "
            "traffic and the pipeline bubble over the interconnect table's links."
        ),
    )
    p.add_argument(
        "--workload",
        required=True,
        metavar="NAME",
        help="reference network (see brainflops workloads)",
    )
    p.add_argument(
        "--device",
        required=True,
        metavar="NAME",
        help="accelerator (see brainflops hardware --list)",
    )
    p.add_argument("--count", required=True, type=_count, metavar="N", help="number of devices")
    size = p.add_mutually_exclusive_group()
    size.add_argument(
        "--tokens", type=_size, metavar="T", help="training tokens (language models)"
    )
    size.add_argument("--examples", type=_size, metavar="E", help="training examples (images)")
    size.add_argument(
        "--steps", type=_size, metavar="S", help="optimizer steps (of --batch inputs)"
    )
    p.add_argument("--batch", type=_size, metavar="B", help="inputs per optimizer step")
    p.add_argument(
        "--precision", choices=_PRECISIONS, help="default: the device's 16-bit tensor format"
    )
    p.add_argument("--parallelism", choices=_STRATEGIES, default="auto", help="default auto")
    p.add_argument(
        "--compression", choices=list(_COMPRESSION), default="none", help="gradient compression"
    )
    p.add_argument(
        "--no-overlap", action="store_true", help="do not overlap the all-reduce with backward"
    )
    p.add_argument("--link", default="infiniband_ndr", metavar="NAME", help="link between nodes")
    p.add_argument(
        "--node-link", default="nvlink4", metavar="NAME", help="link inside a node of 8"
    )
    p.add_argument(
        "--utilization", metavar="U", help="model-FLOP utilisation (default 0.33, 90%% 0.2-0.5)"
    )
    p.add_argument(
        "--samples", type=positive_int, default=2000, metavar="N", help="Monte Carlo draws"
    )
    p.add_argument("--seed", type=seed, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--plot",
        metavar="FILE",
        help="speed-up against device count per strategy (.svg, .png, .pdf)",
    )
    add_output_arguments(p)
    p.set_defaults(handler=_train)


def _inputs(args: argparse.Namespace, unit: str) -> tuple[float | None, float | None]:
    """(examples, steps) from --tokens/--examples/--steps, checked against the unit."""
    if args.tokens is not None and unit != "token":
        raise InvalidValueError("--tokens", f"{args.workload} counts {unit}s; use --examples")
    if args.examples is not None and unit == "token":
        raise InvalidValueError("--examples", f"{args.workload} counts tokens; use --tokens")
    if args.steps is not None and args.batch is None:
        raise InvalidValueError("--steps", "needs --batch (inputs per step)")
    return (args.tokens if args.tokens is not None else args.examples), args.steps


def _train(args: argparse.Namespace) -> int:
    from brainflops.hardware.training_plan import TrainingOptions, train
    from brainflops.hardware.workloads import workload_from_network
    from brainflops.ops.networks import get_network
    from brainflops.outputs.plots import check_path

    if args.plot:
        check_path(args.plot)
    workload = workload_from_network(get_network(args.workload), batch=args.batch)
    examples, steps = _inputs(args, workload.unit)
    options = TrainingOptions(
        examples=examples,
        steps=steps,
        precision=args.precision,
        parallelism=args.parallelism,
        compression_bits=_COMPRESSION[args.compression],
        overlap=not args.no_overlap,
        intra_link=args.node_link,
        inter_link=args.link,
        utilization=args.utilization,
        samples=args.samples,
        seed=args.seed,
    )
    plan = train(workload, args.device, args.count, options)
    if args.plot:
        from brainflops.outputs import plots

        plots.save(plots.scaling(plan), args.plot, overwrite=args.force)
    emit(dumps(plan.to_dict()) if args.json else fit(_text(plan), width()), args)
    return 0


def _text(plan: Any) -> str:
    from brainflops.core import fmt

    d = plan.to_dict()
    days = d["training_days"]
    energy, cost = d["energy_kwh"], d["cost_usd"]
    split = d["split"]
    lines = [
        f"{plan.workload.title} on {d['count']:,} x {d['device']} at {d['precision']}",
        (
            f"  data: {fmt.sci(d['examples'])} {d['example_unit']}s in {fmt.count(d['steps'])} "
            f"steps of {fmt.count(d['batch'])}; {fmt.sci(d['training_flop'], 'FLOP')}"
        ),
        f"  split: {split['reason']}",
        f"  training time: {days['central']:.3g} days (90%: {days['p5']:.3g}-{days['p95']:.3g})",
        (
            f"  bound: {d['bound']}; utilisation achieved {d['utilization']:.1%}; "
            f"communication {d['communication_fraction']:.1%} of a step; "
            f"pipeline bubble {d['pipeline_bubble']:.1%}"
        ),
        (
            f"  memory per device: {d['memory_per_device_bytes'] / 1e9:.3g} GB of "
            f"{d['device_memory_bytes'] / 1e9:.3g} GB"
        ),
    ]
    if energy["central"] is not None:
        lines.append(
            f"  energy: {fmt.sig(energy['central'])} kWh (PUE {d['pue']:g}); electricity {fmt.money(cost['central'])} at "
            f"${d['electricity_price_usd_per_kwh']:g}/kWh"
        )
    if d["purchase_usd"] is not None:
        lines.append(f"  purchase of the devices: {fmt.money(d['purchase_usd'])}")
    if d["reported_days"] is not None:
        run = d["reported"]
        lines.append(
            f"  published: {d['reported_days']:.3g} days ({run['source']}: {run['locator']}); "
            f"predicted / published = {days['central'] / d['reported_days']:.2f}"
        )
    else:
        lines.append("  published: no figure for this device and count")
    return "\n".join(lines) + "\n"
