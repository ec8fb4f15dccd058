"""Stage 7: axon and terminals, the output dense layer that closes the loop.

Terminal shape and size set how strongly each output synapse releases transmitter; the
release onto the next cells is again a dense weight multiplication (Dettmers 2015,
stage 7).
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from brainflops.ops.operations import Operation, dense
from brainflops.ops.stages.base import StageDefinition


def _build(role: Mapping[str, sp.Symbol]) -> tuple[Operation, ...]:
    return (dense(1, role["outputs"], role["time_steps"], label="terminal strengths"),)


STAGE = StageDefinition(
    name="axon",
    title="Axon and terminals",
    biology="The spike travels down the axon; each terminal releases transmitter with its own strength.",
    analogue="dense layer from the cell's output to its output synapses",
    roles={"outputs": "synapse/neuron", "time_steps": "step"},
    build=_build,
)
