"""The stage record shared by every pipeline-stage module."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sympy as sp

from brainflops.ops.operations import Operation

__all__ = ["POPULATION_ROLES", "StageDefinition"]

# Every population supplies these two: how many cells, and how often each cell runs its
# pipeline (one evaluation per firing cycle).
POPULATION_ROLES: Mapping[str, str] = {"count": "neuron", "firing_rate": "Hz"}


@dataclass(frozen=True, slots=True)
class StageDefinition:
    """One stage of the neuron's information-processing pipeline.

    Attributes
    ----------
    name:
        Identifier used in preset files (``dendrites``).
    title:
        Biological name (``Dendritic diffusion``).
    biology:
        What happens in the cell, in one sentence.
    analogue:
        The conv-net operation the stage maps to, and why.
    roles:
        The per-cell quantities the stage needs, mapped to the unit each must have.
    build:
        Maps the role symbols (magnitudes in those units) to the stage's operations,
        evaluated once per cell per firing cycle.
    """

    name: str
    title: str
    biology: str
    analogue: str
    roles: Mapping[str, str]
    build: Callable[[Mapping[str, sp.Symbol]], tuple[Operation, ...]]
