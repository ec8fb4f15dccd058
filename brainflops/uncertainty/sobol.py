"""Sobol' indices of ``log10 F``, with an optional structural choice among the inputs.

The pipeline is SALib's (Saltelli's design and estimators): a scrambled Sobol' sample of
the unit hypercube, each column mapped through an input's quantile function, the model
evaluated once per row, then :func:`SALib.analyze.sobol.analyze`. SALib is an optional
dependency (``pip install brainflops[sensitivity]``).

A structural choice (:class:`~brainflops.uncertainty.structural.StructuralChoice`) enters
as one more column of the same design: its uniform number picks an alternative through the
weights' inverse CDF, so the choice is a discrete factor sampled by its weights, mixed with
the continuous inputs in one pick-freeze design. Sobol' indices are defined for any
independent inputs, discrete ones included; treating a choice between model structures as
a discrete factor of the design follows Baroni & Tarantola (2014), "A General Probabilistic
Framework for uncertainty and global sensitivity analysis of deterministic models: A
hydrological case study", Environmental Modelling & Software 51: 26-34. The estimators are
those of Saltelli et al. (2010), Computer Physics Communications 181: 259-270, as SALib
implements them. A continuous input's column is its quantile in every alternative, so an
input that two alternatives share moves together in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from brainflops.core.errors import (
    InvalidValueError,
    MissingDependencyError,
    UnknownNameError,
)
from brainflops.uncertainty._common import (
    LN10,
    Result,
    json_float,
    logs_at_quantiles,
    open_unit,
    require_uncertain,
)
from brainflops.uncertainty.protocol import LogModel
from brainflops.uncertainty.structural import StructuralChoice

if TYPE_CHECKING:
    from types import ModuleType

__all__ = ["SobolIndices", "sobol"]


@dataclass(frozen=True)
class SobolIndices(Result):
    """Sobol' indices of ``log10 F`` over the uncertain inputs (taken as independent).

    Attributes
    ----------
    model:
        The model's name.
    names:
        The uncertain inputs, ordered by total index, largest first.
    first, first_conf:
        First-order indices ``S1`` (share of the variance of ``log10 F`` due to the input
        alone) and the half-width of their bootstrap confidence interval.
    total, total_conf:
        Total indices ``ST`` (share including every interaction) and their half-widths.
    n:
        Base sample size (a power of two); the model was evaluated ``evaluations`` times.
    evaluations:
        ``n * (len(names) + 2)``.
    seed:
        Seed of the scrambled Sobol' sequence and of the bootstrap.
    confidence:
        Confidence level of the intervals.
    variance_log10:
        Variance of ``log10 F`` over the sample (decades squared).
    ignored_correlations:
        The model's rank correlations, which the indices do not include: Sobol' indices
        are defined for independent inputs.
    structural:
        The row that is a structural choice (its label), or ``""`` when there is none.
    alternatives:
        That choice's alternatives and their weights.
    """

    model: str
    names: tuple[str, ...]
    first: tuple[float, ...]
    first_conf: tuple[float, ...]
    total: tuple[float, ...]
    total_conf: tuple[float, ...]
    n: int
    evaluations: int
    seed: int
    confidence: float
    variance_log10: float
    ignored_correlations: tuple[tuple[str, str, float], ...] = ()
    structural: str = ""
    alternatives: tuple[tuple[str, float], ...] = ()

    def index(self, name: str) -> tuple[float, float]:
        """``(S1, ST)`` of one input."""
        if name not in self.names:
            raise UnknownNameError("parameter", name, self.names)
        i = self.names.index(name)
        return self.first[i], self.total[i]

    def to_frame(self) -> pd.DataFrame:
        """One row per input: ``parameter, S1, S1_conf, ST, ST_conf``."""
        return pd.DataFrame(
            {
                "parameter": list(self.names),
                "S1": list(self.first),
                "S1_conf": list(self.first_conf),
                "ST": list(self.total),
                "ST_conf": list(self.total_conf),
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "method": "sobol",
            "model": self.model,
            "output": "log10 FLOP/s",
            "n": self.n,
            "evaluations": self.evaluations,
            "seed": self.seed,
            "confidence": self.confidence,
            "variance_log10": json_float(self.variance_log10),
            "ignored_correlations": [
                {"a": a, "b": b, "rho": rho} for a, b, rho in self.ignored_correlations
            ],
            "structural": (
                {
                    "factor": self.structural,
                    "alternatives": [{"name": n, "weight": w} for n, w in self.alternatives],
                }
                if self.structural
                else None
            ),
            "parameters": [
                {
                    "parameter": n,
                    "S1": json_float(s1),
                    "S1_conf": json_float(c1),
                    "ST": json_float(st),
                    "ST_conf": json_float(ct),
                }
                for n, s1, c1, st, ct in zip(
                    self.names,
                    self.first,
                    self.first_conf,
                    self.total,
                    self.total_conf,
                    strict=True,
                )
            ],
        }


def _salib() -> tuple[ModuleType, ModuleType]:
    """SALib's Sobol' sampler and analyser, imported on first use."""
    try:
        from SALib.analyze import sobol as analyse_module  # noqa: PLC0415 - optional extra
        from SALib.sample import sobol as sample_module  # noqa: PLC0415 - optional extra
    except ImportError:
        raise MissingDependencyError("SALib", "sensitivity", "Sobol' analysis") from None
    return sample_module, analyse_module


def _check_sobol_arguments(n: Any, seed: Any, num_resamples: Any, confidence: Any) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2 or n & (n - 1):
        reason = f"the Sobol' base sample must be a power of two >= 2 (e.g. 1024), got {n!r}"
        raise InvalidValueError("n", reason)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        reason = f"must be a non-negative integer, got {seed!r}"
        raise InvalidValueError("seed", reason)
    if isinstance(num_resamples, bool) or not isinstance(num_resamples, int) or num_resamples < 1:
        reason = f"must be a positive integer, got {num_resamples!r}"
        raise InvalidValueError("num_resamples", reason)
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, float | int)
        or not (0.0 < confidence < 1.0)
    ):
        reason = f"must lie strictly between 0 and 1, got {confidence!r}"
        raise InvalidValueError("confidence", reason)


def sobol(
    model: LogModel | StructuralChoice,
    n: int = 1024,
    *,
    seed: int = 0,
    num_resamples: int = 100,
    confidence: float = 0.95,
) -> SobolIndices:
    """Sobol' first-order and total indices of ``log10 F``, estimated with SALib.

    The pipeline is SALib's: a scrambled Sobol' sample of the unit hypercube
    (:func:`SALib.sample.sobol.sample`, ``n * (k + 2)`` points for ``k`` inputs),
    mapped through each input's quantile function
    (:meth:`~brainflops.params.distributions.Distribution.log_ppf`, in log space), evaluated
    with :meth:`Model.evaluate_logs`, then :func:`SALib.analyze.sobol.analyze`. Inputs
    are treated as independent; the model's rank correlations are reported in
    ``ignored_correlations``.

    Parameters
    ----------
    model:
        The model to analyse; its uncertain, used parameters are the inputs. Or a
        structural choice between models: one more, discrete, input (see the module
        notes), the continuous inputs then being every alternative's uncertain inputs.
    n:
        Base sample size, a power of two.
    seed:
        Seed of the scrambling and of the bootstrap confidence intervals.
    num_resamples, confidence:
        Bootstrap resamples and confidence level of the intervals.

    Raises
    ------
    MissingDependencyError
        If SALib is not installed.
    InvalidValueError
        For a bad argument, a model without uncertain inputs, an output that does not
        vary, or a sample that SALib returns in an unexpected shape.

    Examples
    --------
    >>> import brainflops
    >>> result = sobol(brainflops.load_preset("mechanistic-modern"), 256, seed=1)
    >>> result.names[0]
    'firing_rate'
    """
    _check_sobol_arguments(n, seed, num_resamples, confidence)
    sample_module, analyse_module = _salib()
    if isinstance(model, StructuralChoice):
        name, models = f"{model.label}, {' / '.join(model.names)}", model.models
        names = model.inputs()
        factors = [*names, model.label]
        if model.label in names:
            raise InvalidValueError(model.label, "names both a parameter and the choice")
    else:
        name, models = model.name, (model,)
        names = require_uncertain(model, "no variance to apportion")
        factors = list(names)
    k = len(factors)
    problem = {"num_vars": k, "names": factors, "bounds": [[0.0, 1.0]] * k}
    points = np.asarray(
        sample_module.sample(
            problem, int(n), calc_second_order=False, scramble=True, seed=int(seed)
        ),
        dtype=float,
    )
    expected = (int(n) * (k + 2), k)
    if points.shape != expected:
        reason = f"SALib returned a sample of shape {points.shape}, expected {expected}"
        raise InvalidValueError("n", reason)
    points = open_unit(points)
    if isinstance(model, StructuralChoice):
        outputs = model.evaluate_log10(names, points[:, :-1], points[:, -1])
    else:
        outputs = model.evaluate_logs(logs_at_quantiles(model, names, points)) / LN10
    if not np.isfinite(outputs).all():
        raise InvalidValueError(name, "evaluates to a non-finite FLOP/s on the Sobol' sample")
    variance = float(np.var(outputs))
    if not variance > 0.0:
        raise InvalidValueError(name, "log10 FLOP/s does not vary over the sample")
    indices = analyse_module.analyze(
        problem,
        outputs,
        calc_second_order=False,
        num_resamples=int(num_resamples),
        conf_level=float(confidence),
        print_to_console=False,
        seed=int(seed),
    )
    columns = {}
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        values = np.asarray(indices[key], dtype=float)
        if values.shape != (k,):
            reason = f"SALib returned {key} of shape {values.shape}, expected ({k},)"
            raise InvalidValueError("n", reason)
        columns[key] = values
    order = sorted(range(k), key=lambda j: -columns["ST"][j])
    correlations = {pair: rho for m in models for pair, rho in m.correlations.items()}
    return SobolIndices(
        model=name,
        names=tuple(factors[j] for j in order),
        first=tuple(float(columns["S1"][j]) for j in order),
        first_conf=tuple(float(columns["S1_conf"][j]) for j in order),
        total=tuple(float(columns["ST"][j]) for j in order),
        total_conf=tuple(float(columns["ST_conf"][j]) for j in order),
        n=int(n),
        evaluations=len(points),
        seed=int(seed),
        confidence=float(confidence),
        variance_log10=variance,
        ignored_correlations=tuple(
            (a, b, float(rho)) for (a, b), rho in sorted(correlations.items())
        ),
        structural=model.label if isinstance(model, StructuralChoice) else "",
        alternatives=tuple(zip(model.names, model.weights, strict=True))
        if isinstance(model, StructuralChoice)
        else (),
    )
