"""How much of an estimate's spread is structural: a weighted choice between model forms.

Tornado and Sobol' analyses see a model's continuous inputs. Some of the uncertainty is a
choice of structure instead: which reconstruction of a source's arithmetic (the three
Dettmers reconstructions), convolutional or point-neuron dendrites. A
:class:`StructuralChoice` treats that choice as one more, discrete, input: alternative
``k`` (a whole model) is taken with probability ``w_k``, and each alternative's own inputs
are sampled as usual. :func:`~brainflops.uncertainty.sensitivity.tornado` shows it as a row
(low and high: the alternatives' extremes) and :func:`~brainflops.uncertainty.sobol.sobol`
gives it first-order and total indices, sampled by its weights inside the same
pick-freeze design as the continuous inputs.

:func:`structural_share` is the plain Monte Carlo view. By the law of total variance, the
variance of ``log10 F`` over the mixture splits exactly into a *between* part (the spread of
the alternatives' means: the choice's first-order Sobol' index times the total) and a
*within* part (the weighted mean of each alternative's own variance). The structural share
is between / total. The swing of the choice is the range of the alternatives' ``log10 F``
with their inputs at their medians, in decades: the same ends as the tornado row.

Examples
--------
>>> from brainflops.models.presets import load_preset
>>> result = structural_share(
...     {"(a) cerebellar": (load_preset("dettmers2015:cerebellar"), 0.5),
...      "(c) granule filter": (load_preset("dettmers2015:granule-own-filter"), 0.5)},
...     n=2000, seed=1)
>>> 0 <= result.share <= 1, round(result.swing, 3)
(True, 0.036)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from brainflops.core.errors import InvalidValueError
from brainflops.uncertainty._common import (
    LN10,
    logs_at_quantiles,
    median_logs,
    uncertain_inputs,
)
from brainflops.uncertainty.protocol import LogModel
from brainflops.uncertainty.samples import Streaming, draw_samples

__all__ = ["StructuralChoice", "StructuralShare", "structural_share"]

_MAX_DRAWS = 10_000_000


@dataclass(frozen=True)
class StructuralChoice:
    """A discrete input: one of several whole models, taken with given probabilities.

    Build it with :meth:`of`. ``weights`` sum to 1.

    Examples
    --------
    >>> from brainflops.models.presets import load_preset
    >>> choice = StructuralChoice.of("reconstruction", {
    ...     "a": (load_preset("dettmers2015:cerebellar"), 1),
    ...     "b": (load_preset("dettmers2015:all-neurons"), 3)})
    >>> choice.weights, choice.pick(np.array([0.1, 0.3, 0.99])).tolist()
    ((0.25, 0.75), [0, 1, 1])
    """

    label: str
    names: tuple[str, ...]
    models: tuple[LogModel, ...]
    weights: tuple[float, ...]

    @classmethod
    def of(
        cls, label: str, alternatives: Mapping[str, tuple[LogModel, float]]
    ) -> StructuralChoice:
        """``{name: (model, weight)}`` with two or more entries; weights are normalised."""
        if not isinstance(label, str) or not label.strip():
            raise InvalidValueError("label", "a structural choice needs a name")
        if len(alternatives) < 2:
            raise InvalidValueError(label, "a structural choice needs two or more models")
        weights = [w for _, w in alternatives.values()]
        if not all(
            isinstance(w, int | float) and not isinstance(w, bool) and math.isfinite(w) and w > 0
            for w in weights
        ):
            raise InvalidValueError(label, f"weights must be positive and finite, got {weights}")
        total = float(sum(weights))
        return cls(
            label=label,
            names=tuple(alternatives),
            models=tuple(model for model, _ in alternatives.values()),
            weights=tuple(float(w) / total for w in weights),
        )

    def pick(self, uniforms: np.ndarray) -> np.ndarray:
        """The alternative (its index) for each uniform number: the weights' inverse CDF."""
        edges = np.cumsum(self.weights)[:-1]
        return np.searchsorted(edges, np.asarray(uniforms, dtype=float), side="right")

    def median_log10(self) -> tuple[float, ...]:
        """``log10 F`` of each alternative with its uncertain inputs at their medians."""
        return tuple(
            float(model.evaluate_logs(median_logs(model)[:, None])[0]) / LN10
            for model in self.models
        )

    def inputs(self) -> list[str]:
        """The uncertain, used inputs of every alternative (first appearance order)."""
        return list(dict.fromkeys(n for m in self.models for n in uncertain_inputs(m)))

    def evaluate_log10(
        self, names: Sequence[str], quantiles: np.ndarray, uniforms: np.ndarray
    ) -> np.ndarray:
        """``log10 F`` for each design row: its alternative picked by ``uniforms``, that
        alternative's inputs ``names`` set to the row's ``quantiles``."""
        chosen = self.pick(uniforms)
        out = np.empty(len(quantiles))
        for k, model in enumerate(self.models):
            rows = chosen == k
            if rows.any():
                logs = logs_at_quantiles(model, names, quantiles[rows])
                out[rows] = model.evaluate_logs(logs) / LN10
        return out


@dataclass(frozen=True)
class StructuralShare:
    """The split of ``var(log10 F)`` between a structural choice and the inputs.

    Attributes
    ----------
    names, weights:
        The alternatives and their probabilities (summing to 1).
    median_log10:
        Each alternative's ``log10 F`` with its uncertain inputs at their medians (the
        tornado row's ends; a truncated input's median differs from its stated value).
    means, variances:
        Mean and variance of ``log10 F`` over each alternative's own draws.
    """

    names: tuple[str, ...]
    weights: tuple[float, ...]
    median_log10: tuple[float, ...]
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
        """Tornado swing of the choice: range of :attr:`median_log10`, in decades."""
        return max(self.median_log10) - min(self.median_log10)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "alternatives": [
                {"name": n, "weight": w, "median_log10": c, "mean_log10": m, "var_log10": v}
                for n, w, c, m, v in zip(
                    self.names,
                    self.weights,
                    self.median_log10,
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
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= _MAX_DRAWS:
        raise InvalidValueError("n", f"must be an integer from 1 to {_MAX_DRAWS:,}, got {n!r}")
    choice = StructuralChoice.of("alternatives", alternatives)
    means, variances = [], []
    for model in choice.models:
        draws = draw_samples(
            model, n, seed=seed, correlations=model.correlations, streaming=Streaming(n, False)
        ).log10
        assert draws is not None  # chunk_size = n keeps every draw
        means.append(float(np.mean(draws)))
        variances.append(float(np.var(draws)))
    return StructuralShare(
        names=choice.names,
        weights=choice.weights,
        median_log10=choice.median_log10(),
        means=tuple(means),
        variances=tuple(variances),
    )
