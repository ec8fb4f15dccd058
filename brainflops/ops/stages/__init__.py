"""Pipeline stages of the neuron, in the order a signal passes through them.

Each module defines one stage (the dendrites module two: diffusion and dendritic
spikes) as a :class:`StageDefinition`: the biology, the conv-net analogue, the per-cell
quantities it needs and the operations it maps to.
"""

from brainflops.ops.stages import axon, axon_hillock, dendrites, soma, synapse
from brainflops.ops.stages.base import POPULATION_ROLES, StageDefinition

__all__ = ["PIPELINE", "POPULATION_ROLES", "STAGES", "StageDefinition"]

PIPELINE: tuple[StageDefinition, ...] = (
    synapse.STAGE,
    dendrites.CONVOLUTION,
    dendrites.SPIKES,
    soma.STAGE,
    axon_hillock.STAGE,
    axon.STAGE,
)
STAGES: dict[str, StageDefinition] = {stage.name: stage for stage in PIPELINE}
