"""Stage 1: neurotransmitter release onto synaptic receptors, a dense weight layer.

The amount of transmitter released, the number of synapses and the share reaching a
matching receptor act together like one weight per synapse; the cell's total input is the
dot product of its inputs with those weights (Dettmers 2015, stage 1).
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from brainflops.ops.operations import Operation, dense
from brainflops.ops.stages.base import StageDefinition


def _build(role: Mapping[str, sp.Symbol]) -> tuple[Operation, ...]:
    return (dense(role["synapses"], 1, role["time_steps"], label="synaptic weights"),)


STAGE = StageDefinition(
    name="synapses",
    title="Synaptic transmission",
    biology="Vesicles release neurotransmitter that binds receptors on the receiving cell.",
    analogue="dense layer: one weight per synapse, inputs summed as a dot product",
    roles={"synapses": "synapse/neuron", "time_steps": "step"},
    build=_build,
)
