"""How much of an estimate's spread is structural: a weighted choice between model forms.

Tornado and Sobol' analyses see only a model's continuous inputs. Some of the uncertainty
is a choice of structure instead: which reconstruction of a source's arithmetic (the three
Dettmers reconstructions), convolutional or point-neuron dendrites. :func:`structural_share`
treats that choice as one more, discrete, input: alternative ``k`` (a whole model) is taken
with probability ``w_k``, and each alternative's own inputs are sampled as usual.

By the law of total variance, the variance of ``log10 F`` over the mixture splits exactly
into a *between* part (the spread of the alternatives' means: the discrete choice's
first-order Sobol' index times the total) and a *within* part (the weighted mean of each
alternative's own variance). The structural share is between / total. The tornado-style
swing of the choice is the range of the alternatives' central values, in decades.

Examples
--------
>>> from brainflops.models.presets import load_preset
>>> result = structural_share(
...     {"(a) cerebellar": (load_preset("dettmers2015:cerebellar"), 0.5),
...      "(c) granule filter": (load_preset("dettmers2015:granule-own-filter"), 0.5)},
...     n=2000, seed=1)
>>> 0 <= result.share <= 1, round(result.swing, 3)
(True, 0.031)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from brainflops.core.errors import InvalidValueError
from brainflops.uncertainty.protocol import LogModel
from brainflops.uncertainty.samples import Streaming, draw_samples

__all__ = ["StructuralShare", "structural_share"]

_MAX_DRAWS = 10_000_000


@dataclass(frozen=True)
class StructuralShare:
    """The split of ``var(log10 F)`` between a structural choice and the inputs.

    Attributes
    ----------
    names, weights:
        The alternatives and their probabilities (summing to 1).
    central_log10:
        Each alternative's central ``log10 F``.
    means, variances:
        Mean and variance of ``log10 F`` over each alternative's own draws.
    """

    names: tuple[str, ...]
    weights: tuple[float, ...]
    central_log10: tuple[float, ...]
    means: tuple[float, ...]
    variances: tuple[float, ...]

    @property
    def between(self) -> float:
        """Variance of ``log10 F`` due to the choice alone (the weighted spread of means)."""
        w, m = np.asarray(self.weights), np.asarray(self.means)
        return float(np.sum(w * (m - np.sum(w * m)) ** 2))

    @property
    def within(self) -> float:
        """Variance due to the continuous inputs (each alternative's, weighted)."""
        return float(np.sum(np.asarray(self.weights) * np.asarray(self.variances)))

    @property
    def total(self) -> float:
        """Variance of ``log10 F`` over the whole mixture."""
        return self.between + self.within

    @property
    def share(self) -> float:
        """Structural share of the variance (the choice's first-order Sobol' index)."""
        return self.between / self.total if self.total > 0 else 0.0

    @property
    def swing(self) -> float:
        """Tornado swing of the choice: range of the central values, in decades."""
        return max(self.central_log10) - min(self.central_log10)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "alternatives": [
                {"name": n, "weight": w, "central_log10": c, "mean_log10": m, "var_log10": v}
                for n, w, c, m, v in zip(
                    self.names,
                    self.weights,
                    self.central_log10,
                    self.means,
                    self.variances,
                    strict=True,
                )
            ],
            "between": self.between,
            "within": self.within,
            "structural_share": self.share,
            "swing_decades": self.swing,
        }


def structural_share(
    alternatives: Mapping[str, tuple[LogModel, float]],
    *,
    n: int = 20_000,
    seed: int = 0,
) -> StructuralShare:
    """Split the spread of ``log10 F`` between a discrete choice of model and the inputs.

    Parameters
    ----------
    alternatives:
        ``{name: (model, weight)}`` with at least two entries; weights are positive and
        are normalised to sum to 1.
    n:
        Draws per alternative (1 to 10,000,000).
    seed:
        Seed of every alternative's draws (common random numbers).
    """
    if len(alternatives) < 2:
        raise InvalidValueError("alternatives", "a structural choice needs two or more models")
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= _MAX_DRAWS:
        raise InvalidValueError("n", f"must be an integer from 1 to {_MAX_DRAWS:,}, got {n!r}")
    weights = [float(w) for _, w in alternatives.values()]
    if not all(math.isfinite(w) and w > 0 for w in weights):
        raise InvalidValueError("weights", f"must be positive and finite, got {weights}")
    total = sum(weights)
    means, variances, centrals = [], [], []
    for model, _ in alternatives.values():
        draws = draw_samples(
            model, n, seed=seed, correlations=model.correlations, streaming=Streaming(n, False)
        ).log10
        assert draws is not None  # chunk_size = n keeps every draw
        means.append(float(np.mean(draws)))
        variances.append(float(np.var(draws)))
        central = model.evaluate_logs(model.central_logs()[:, None])[0]
        centrals.append(float(central) / math.log(10))
    return StructuralShare(
        names=tuple(alternatives),
        weights=tuple(w / total for w in weights),
        central_log10=tuple(centrals),
        means=tuple(means),
        variances=tuple(variances),
    )
