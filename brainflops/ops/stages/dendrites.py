"""Stage 3: dendrites. Diffusion along branches as convolution, dendritic spikes as pooling.

Charge spreading from many synapses along a dendrite is a convolution of the synaptic
input map with a local kernel; voltage-gated channels let the strongest branch dominate,
which behaves like max-pooling (Dettmers 2015, stage 3; Smith et al. 2013).
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from brainflops.ops.operations import Operation, conv, max_pool
from brainflops.ops.stages.base import StageDefinition


def _convolution(role: Mapping[str, sp.Symbol]) -> tuple[Operation, ...]:
    # The post models one spatial dimension (data on tree shape are lacking), so the
    # branches x dendrites extent of the filter lies along the input's synapse axis.
    inputs = (role["synapses"], role["time_steps"])
    kernel = (role["kernel_branches"] * role["kernel_dendrites"], role["time_steps"])
    return (conv(inputs, kernel, label="dendritic diffusion"),)


def _spikes(role: Mapping[str, sp.Symbol]) -> tuple[Operation, ...]:
    # Each of the neuron's own dendrites pools its share of the synapses; the window is
    # the neuron's synapses per dendrite, not the kernel's (they differ where a preset
    # borrows another cell type's kernel).
    inputs = (role["synapses"], role["time_steps"])
    window = (role["synapses"] / role["dendrites"], 1)
    return (max_pool(inputs, window, label="dendritic spikes"),)


CONVOLUTION = StageDefinition(
    name="dendrites",
    title="Dendritic diffusion",
    biology="Ions diffuse along dendritic branches, mixing neighbouring synaptic inputs over time.",
    analogue="convolution of the synapse x time input map with a (branches x dendrites) x time kernel",
    roles={
        "synapses": "synapse/neuron",
        "time_steps": "step",
        "kernel_branches": "branch/dendrite",
        "kernel_dendrites": "dendrite/neuron",
    },
    build=_convolution,
)

SPIKES = StageDefinition(
    name="dendritic_spikes",
    title="Dendritic spikes",
    biology="Voltage-gated channels amplify the most strongly driven branch of each dendrite.",
    analogue="max-pooling over the synapses of each dendrite",
    roles={
        "synapses": "synapse/neuron",
        "time_steps": "step",
        "dendrites": "dendrite/neuron",
    },
    build=_spikes,
)
