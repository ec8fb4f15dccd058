"""The anchors: training-compute requirements (FLOP, with 2020 algorithms) as models.

Each anchor is an :class:`AnchorModel`, a small model over named
:class:`~brainflops.params.parameters.Parameter` inputs that fulfils the package's
:class:`~brainflops.uncertainty.protocol.LogModel` protocol, so the package's sampler
(:func:`~brainflops.uncertainty.samples.draw_parameters`: common random numbers keyed by
seed and input name, inverse-transform draws in log space) draws its inputs and the
assumption table exports it. Formulas work on log10 values in the units of
:data:`~brainflops.forecast.anchors.inputs.ANCHOR_UNITS`:

* model FLOP per subjective second ``F = brain x k_NN``; parameters ``P = F / f_P``;
  training samples ``D = D_0 (P / P_0)^alpha``;
* neural network with horizon ``H``: ``F x H x D``;
* lifetime: ``brain x T_life x k_life``;
* genome: ``F x H_g x D(P_genome)``;
* evolution: ``T_evo x N_evo x F_evo``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from brainflops.core.errors import UnknownNameError
from brainflops.core.units import FLOPS, ureg
from brainflops.forecast.anchors.inputs import ANCHOR_UNITS, AnchorInputs
from brainflops.params.parameters import Parameter

__all__ = ["ANCHORS", "BRAIN", "Anchor", "AnchorModel", "anchor_models", "brain_parameter"]

#: Name of the brain FLOP/s input that the lifetime and neural-network anchors share.
BRAIN = "brain_flops"
_LN10 = math.log(10)

Log10Inputs = Mapping[str, np.ndarray]


def _model_flops(x: Log10Inputs) -> np.ndarray:
    return x[BRAIN] + x["nn_efficiency_penalty"]


def _samples(x: Log10Inputs, log10_parameters: np.ndarray) -> np.ndarray:
    exponent = np.power(10.0, x["scaling_exponent"])
    return x["data_at_reference"] + exponent * (log10_parameters - x["reference_parameters"])


def _network(horizon: str) -> Callable[[Log10Inputs], np.ndarray]:
    def requirement(x: Log10Inputs) -> np.ndarray:
        flops = _model_flops(x)
        return flops + x[horizon] + _samples(x, flops - x["flop_per_parameter"])

    return requirement


def _lifetime(x: Log10Inputs) -> np.ndarray:
    return x[BRAIN] + x["lifetime_seconds"] + x["lifetime_penalty"]


def _genome(x: Log10Inputs) -> np.ndarray:
    return _model_flops(x) + x["genome_horizon"] + _samples(x, x["genome_parameters"])


def _evolution(x: Log10Inputs) -> np.ndarray:
    return (
        x["evolution_seconds"] + x["evolution_individuals"] + x["evolution_flops_per_individual"]
    )


_NETWORK_INPUTS = (
    BRAIN,
    "nn_efficiency_penalty",
    "flop_per_parameter",
    "reference_parameters",
    "data_at_reference",
    "scaling_exponent",
)


@dataclass(frozen=True)
class Anchor:
    """One anchor: its name, label, inputs, weight input and requirement formula."""

    name: str
    label: str
    inputs: tuple[str, ...]
    weight: str
    log10_flop: Callable[[Log10Inputs], np.ndarray]


ANCHORS: tuple[Anchor, ...] = (
    Anchor("lifetime", "Lifetime", (BRAIN, "lifetime_seconds", "lifetime_penalty"),
           "weight_lifetime", _lifetime),
    Anchor("short", "Short-horizon neural network", (*_NETWORK_INPUTS, "horizon_short"),
           "weight_short", _network("horizon_short")),
    Anchor("genome", "Genome",
           (BRAIN, "nn_efficiency_penalty", *_NETWORK_INPUTS[3:], "genome_parameters",
            "genome_horizon"),
           "weight_genome", _genome),
    Anchor("medium", "Medium-horizon neural network", (*_NETWORK_INPUTS, "horizon_medium"),
           "weight_medium", _network("horizon_medium")),
    Anchor("long", "Long-horizon neural network", (*_NETWORK_INPUTS, "horizon_long"),
           "weight_long", _network("horizon_long")),
    Anchor("evolution", "Evolution",
           ("evolution_seconds", "evolution_individuals", "evolution_flops_per_individual"),
           "weight_evolution", _evolution),
)  # fmt: skip


def brain_parameter(central_flops: float, *, source: str, locator: str, note: str) -> Parameter:
    """The brain FLOP/s input, at the central value of a brain model.

    Its draws come from the brain model's own Monte Carlo, not from this record, so the
    record is a point mass (``derived`` from the brain model).
    """
    return Parameter(
        name=BRAIN,
        symbol="F_{brain}",
        unit=str(FLOPS),
        value=central_flops,
        source=source,
        locator=locator,
        provenance="derived",
        note=note,
    )


class AnchorModel:
    """A log-space model of one quantity over named inputs (fulfils ``LogModel``).

    ``formula`` maps log10 inputs (working units) to log10 of the output; the protocol's
    natural-log interface wraps it.
    """

    def __init__(
        self,
        name: str,
        parameters: Mapping[str, Parameter],
        formula: Callable[[Log10Inputs], np.ndarray],
        units: Mapping[str, str],
    ) -> None:
        self._name = name
        self._parameters = MappingProxyType(dict(parameters))
        self._formula = formula
        self._names = tuple(parameters)
        # ln of one working unit in root units: root-unit logs minus this are working logs.
        self._offsets = np.array([math.log(_root_factor(units[key])) for key in parameters])

    @property
    def name(self) -> str:
        """The model's name."""
        return self._name

    @property
    def parameters(self) -> Mapping[str, Parameter]:
        """The inputs, by name."""
        return self._parameters

    @property
    def correlations(self) -> Mapping[tuple[str, str], float]:
        """No correlated inputs."""
        return {}

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """Row order of every ``logs`` array."""
        return self._names

    def parameter(self, name: str) -> Parameter:
        """The input called ``name``."""
        if name not in self._parameters:
            raise UnknownNameError("input", name, self._parameters)
        return self._parameters[name]

    def root_log(self, name: str, values: np.ndarray | float) -> np.ndarray:
        """Natural log of ``values`` (in the input's unit) in root units."""
        return np.log(np.asarray(values, dtype=float) * self.parameter(name).root_factor)

    def central_logs(self) -> np.ndarray:
        """The central point as a ``logs`` column."""
        return np.array([float(self.root_log(k, p.value)) for k, p in self._parameters.items()])

    def log10_inputs(self, logs: np.ndarray) -> dict[str, np.ndarray]:
        """log10 of each input in its working unit, from root-unit natural logs."""
        working = (np.asarray(logs, dtype=float).T - self._offsets).T / _LN10
        return dict(zip(self._names, working, strict=True))

    def evaluate_logs(self, logs: np.ndarray) -> np.ndarray:
        """Natural log of the output for each column of ``logs``."""
        return self._formula(self.log10_inputs(logs)) * _LN10

    def used_parameters(self) -> tuple[str, ...]:
        """Every input (each anchor's inputs are chosen to be the ones it uses)."""
        return self._names

    def elasticities(self) -> dict[str, float]:
        """``d ln output / d ln input`` at the central point, by central differences."""
        centre = self.central_logs()[:, None]
        step = 1e-4
        result = {}
        for i, key in enumerate(self._names):
            shifted = np.repeat(centre, 2, axis=1)
            shifted[i] += (step, -step)
            up, down = self.evaluate_logs(shifted)
            result[key] = float((up - down) / (2 * step))
        return result

    def central_log10(self) -> float:
        """log10 of the output at the central inputs."""
        return float(self.evaluate_logs(self.central_logs()[:, None])[0]) / _LN10


def _root_factor(unit: str) -> float:
    return float(ureg.Quantity(1.0, unit).to_root_units().magnitude)


def anchor_models(inputs: AnchorInputs, brain: Parameter) -> dict[str, AnchorModel]:
    """One :class:`AnchorModel` per anchor, over the inputs it uses."""
    everything = {**inputs.parameters, BRAIN: brain}
    units = {**ANCHOR_UNITS, BRAIN: str(FLOPS)}
    return {
        anchor.name: AnchorModel(
            anchor.name,
            {key: everything[key] for key in anchor.inputs},
            anchor.log10_flop,
            units,
        )
        for anchor in ANCHORS
    }
