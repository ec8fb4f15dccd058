"""Deep-learning commands: ``versus`` (the brain against DL workloads) and ``workloads``.

Examples::

    brainflops versus --preset mechanistic-modern --workload gpt3-175b --json
    brainflops versus --scenario my.toml --age 5.7e8
    brainflops workloads --json
"""

from __future__ import annotations

import argparse
from typing import Any

from brainflops.cli._common import (
    add_output_arguments,
    dumps,
    emit,
    positive_int,
    seed,
    text_table,
)
from brainflops.cli.core import add_model_arguments, model_from_args
from brainflops.core.errors import InvalidValueError

__all__ = ["register"]

_DEFAULT_SAMPLES = 10_000
_MAX_AGE_SECONDS = 1e12  # about 31,700 years


def _networks(names: list[str] | None) -> list[Any]:
    """Reference networks by name, or network TOML files (a name ending in .toml)."""
    from brainflops.ops.networks import get_network, list_networks  # sympy: only when run

    chosen = names or list_networks()
    if len(chosen) > 50:
        raise InvalidValueError(name="--workload", reason="at most 50 workloads")
    networks = []
    for name in chosen:
        if name.endswith(".toml"):
            from brainflops.models.network_file import load_network_file

            networks.append(load_network_file(name))
        else:
            networks.append(get_network(name))
    return networks


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def _range(interval: dict[str, float]) -> str:
    return f"{interval['central']:.3g} (90%: {interval['p5']:.3g} .. {interval['p95']:.3g})"


def _versus(args: argparse.Namespace) -> int:
    from brainflops.forecast.versus import versus  # pandas, sympy: only when run

    if args.age is not None and not 0 < args.age <= _MAX_AGE_SECONDS:
        raise InvalidValueError(
            name="--age", reason=f"must be in (0, {_MAX_AGE_SECONDS:g}] seconds, got {args.age:g}"
        )
    model = model_from_args(args)
    result = versus(model, _networks(args.workload), args.age, args.samples, args.seed)
    payload = result.to_dict()
    if args.json:
        emit(dumps(payload), args)
        return 0
    lines = [
        f"{payload['title']} ({payload['preset']}), {payload['samples']} samples",
        f"  brain: {_range(payload['brain_flops'])} FLOP/s",
        f"  lifetime ({payload['lifetime_seconds']:.3g} s): {_range(payload['lifetime_flop'])} FLOP",
        f"  in H100 SXM5s (dense BF16 peak): {_range(payload['brain_in_h100s'])}",
        (
            f"  brain FLOP per joule at {payload['energy']['brain_power_w']:g} W: "
            f"{_range(payload['energy']['brain_flop_per_joule'])}"
        ),
    ]
    lines += [
        f"    {d['name']}: {d['flop_per_joule']:.3g} FLOP/J ({d['precision']}, {d['power_w']:g} W)"
        for d in payload["energy"]["devices"]
    ]
    first = payload["first_training_run_above_lifetime"]
    lines.append(
        "  first training run above the central lifetime compute: "
        + ("none in the data" if first is None else f"{first['name']} ({first['date']})")
    )
    rows = []
    for w in payload["workloads"]:
        eq = w["brain_equivalent"]
        per_second = eq[f"{w['input_unit']}s_per_second"]["central"]
        seconds = eq.get("brain_seconds_per_training_run", {}).get("central")
        rows.append(
            (
                w["title"],
                _fmt(w["forward_flop"]),
                f"{per_second:.3g} {w['input_unit']}s/s",
                _fmt(w["training_flop"]),
                _fmt(w["reported_training_flop"]),
                _fmt(seconds),
            )
        )
    header = ("workload", "forward FLOP", "brain pays for", "training FLOP", "reported", "brain-s")
    lines += ["", text_table(header, rows, right=(1, 2, 3, 4, 5), rule=True)]
    lines.append("Training runs: Data: Epoch AI (epoch.ai), CC BY 4.0")
    emit("\n".join(lines) + "\n", args)
    return 0


def _workloads(args: argparse.Namespace) -> int:
    networks = _networks(None)
    summaries = [network.summary() for network in networks]
    if args.json:
        emit(dumps(summaries), args)
        return 0
    rows = []
    for s in summaries:
        published: dict[str, Any] = {}
        for figure in s["published"]:  # the first figure of each kind is the headline one
            published.setdefault(figure["quantity"], figure)
        rows.append(
            (
                s["name"],
                _fmt(s["forward_flop"]),
                _fmt(published.get("forward_flop", {}).get("value")),
                _fmt(s["training_flop"]),
                _fmt(published.get("training_flop", {}).get("value")),
                _fmt(s["parameters"]),
                _fmt(published.get("parameters", {}).get("value")),
            )
        )
    header = (
        "network",
        "forward FLOP",
        "published",
        "training FLOP",
        "published",
        "parameters",
        "published",
    )
    note = "forward FLOP per image or token; multiply-add = 2 FLOP; training = 3 x forward"
    emit(text_table(header, rows, right=range(1, 7), rule=True) + f"\n{note}\n", args)
    return 0


def register(subparsers: Any) -> None:
    """Add ``versus`` and ``workloads``."""
    p = subparsers.add_parser(
        "versus",
        help="the brain against deep-learning workloads, training runs and accelerators",
        description="Compare a brain estimate with reference networks: lifetime compute "
        "(FLOP/s x seconds to an age), energy per FLOP, forward passes per second the "
        "brain's compute would pay for, and brain-seconds per training run.",
    )
    add_model_arguments(p)
    p.add_argument(
        "--workload",
        action="append",
        metavar="W",
        help="reference network (see 'brainflops workloads') or a network .toml file; "
        "repeatable (default: every reference network)",
    )
    p.add_argument(
        "--age",
        type=float,
        default=None,
        metavar="SECONDS",
        help="seconds of life in the lifetime compute (default 1e9 s, Cotra's lifetime anchor)",
    )
    p.add_argument(
        "--samples",
        type=positive_int,
        default=_DEFAULT_SAMPLES,
        metavar="N",
        help=f"Monte Carlo draws for the percentiles (default {_DEFAULT_SAMPLES})",
    )
    p.add_argument("--seed", type=seed, default=0, metavar="S", help="random seed")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_output_arguments(p)
    p.set_defaults(handler=_versus)

    p = subparsers.add_parser(
        "workloads",
        help="reference networks: computed and published FLOP and parameters",
        description="List the reference networks with the forward and training FLOP and "
        "parameter counts computed from their layer shapes, next to published figures.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    add_output_arguments(p)
    p.set_defaults(handler=_workloads)
