"""Stage 6: the axon hillock's firing decision, a Poisson blockade like dropout.

After a spike the cell is refractory for a random number of cycles, which Dettmers
(2015, stage 6) likens to dropout with a Poisson rather than a uniform mask.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from brainflops.ops.operations import Operation, dropout
from brainflops.ops.stages.base import StageDefinition


def _build(role: Mapping[str, sp.Symbol]) -> tuple[Operation, ...]:
    return (dropout((1, 1, role["time_steps"]), label="Poisson dropout"),)


STAGE = StageDefinition(
    name="axon_hillock",
    title="Axon hillock",
    biology="The firing decision, blocked at random during the refractory period.",
    analogue="dropout with a Poisson mask",
    roles={"time_steps": "step"},
    build=_build,
)
