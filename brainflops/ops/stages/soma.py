"""Stage 5: the soma, a 1x1xT temporal filter followed by the activation function.

Dettmers (2015, stage 5) treats the soma as a temporal convolution of size one in space
(1x1x5 in the post) whose output goes through a nonlinearity; Purkinje cells sum
linearly, which resembles a rectified linear unit.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from brainflops.ops.operations import Operation, activation, conv
from brainflops.ops.stages.base import StageDefinition


def _build(role: Mapping[str, sp.Symbol]) -> tuple[Operation, ...]:
    steps = role["time_steps"]
    return (
        conv((1, 1, steps), (1, 1, steps), label="somatic temporal filter"),
        activation((1, 1, steps), label="ReLU"),
    )


STAGE = StageDefinition(
    name="soma",
    title="Soma",
    biology="The cell body integrates dendritic current over time into an instantaneous firing rate.",
    analogue="1x1xT temporal convolution followed by ReLU",
    roles={"time_steps": "step"},
    build=_build,
)
