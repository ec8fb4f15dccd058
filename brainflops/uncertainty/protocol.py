"""The model interface that sampling and sensitivity work against.

Sampling and sensitivity need a model's parameters, its central point and a vectorised
evaluation in log space, nothing else. Stating that as a :class:`typing.Protocol` lets
them sit below the model layer: :class:`brainflops.models.model.Model` fulfils it, and so
can any other model (a network's training cost, an anchor) without an import cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import numpy as np

from brainflops.params.parameters import Parameter

__all__ = ["LogModel"]


class LogModel(Protocol):
    """A model evaluated in natural-log space over named parameters.

    ``parameter_names`` fixes the row order of every ``logs`` array: one row per
    parameter, holding the natural log of its value in the model's root units.
    """

    @property
    def name(self) -> str: ...

    @property
    def parameters(self) -> Mapping[str, Parameter]: ...

    @property
    def correlations(self) -> Mapping[tuple[str, str], float]: ...

    @property
    def parameter_names(self) -> tuple[str, ...]: ...

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name`` (raises ``UnknownNameError`` otherwise)."""
        ...

    def root_log(self, name: str, values: np.ndarray | float) -> np.ndarray:
        """Natural log of ``values`` (in the parameter's unit) in root units."""
        ...

    def central_logs(self) -> np.ndarray:
        """The central point as a ``logs`` column."""
        ...

    def evaluate_logs(self, logs: np.ndarray) -> np.ndarray:
        """Natural log of the total for each column of ``logs``."""
        ...

    def used_parameters(self) -> tuple[str, ...]:
        """Names of the parameters that the total depends on."""
        ...

    def elasticities(self) -> dict[str, float]:
        """``d ln total / d ln x`` at the central point for every used parameter."""
        ...
