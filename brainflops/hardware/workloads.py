"""Training workloads from networks: the reference networks' batches and published runs.

A :class:`~brainflops.ops.networks.Network` gives FLOP, parameters and activations per
input; ``data/training.toml`` adds what training needs besides (global batch, micro-batch)
and the runs papers published, each with its source and locator.

Memory per device counts the layers' outputs for one micro-batch (activation
checkpointing at layer boundaries, as large runs do; recomputing the inside of a layer
costs FLOP that published model-FLOP utilisation already absorbs, e.g. PaLM's 46.2% MFU
against 57.8% hardware-FLOP utilisation).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from brainflops.core.errors import InvalidValueError
from brainflops.hardware.training import PublishedRun, Workload, training_document

if TYPE_CHECKING:
    from brainflops.ops import networks

__all__ = ["reference_settings", "workload_from_network"]


def reference_settings(name: str) -> Mapping[str, Any]:
    """Batch, micro-batch and published runs of a reference network (empty if none)."""
    return training_document().get("workloads", {}).get(name, {})


def _io_elements(network: networks.Network) -> float:
    """Inputs and outputs the operations read and write per input, weights excluded."""
    moved = sum(
        float(op.elements_moved() - op.weights)
        for layer in network.layers
        for op in layer.operations
    )
    return moved / network.inputs_per_pass


def workload_from_network(network: networks.Network, *, batch: float | None = None) -> Workload:
    """The training workload of ``network``: its FLOP, parameters, activations and runs.

    ``batch`` (inputs per optimizer step) overrides the reference batch; a network
    without one needs it.
    """
    settings = reference_settings(network.name)
    chosen = batch if batch is not None else settings.get("batch")
    if chosen is None:
        raise InvalidValueError(
            "--batch", f"{network.name} has no reference batch size; give --batch"
        )
    micro = float(settings.get("micro_batch", network.inputs_per_pass))
    sizes = [size for _, size in network.activation_sizes()]
    runs = tuple(
        PublishedRun(
            device=run["device"],
            count=int(run["count"]),
            days=float(run["days"]),
            source=run["source"],
            locator=run["locator"],
        )
        for run in settings.get("runs", [])
    )
    return Workload(
        name=network.name,
        title=network.title,
        parameters=float(network.parameter_count()),
        flop_per_example=network.training_flop(1.0),
        unit=network.input_unit,
        examples=network.training_inputs,
        batch=float(chosen),
        micro_batch=min(micro, float(chosen)),
        layers=len(network.layers),
        layer_output_elements=float(max(sizes)),
        activation_elements=float(sum(sizes)),
        io_elements=_io_elements(network),
        reported=runs,
    )
