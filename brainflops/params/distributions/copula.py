"""Gaussian copula: correlated normal scores from Spearman rank correlations."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from brainflops.core.errors import InvalidValueError
from brainflops.params.distributions.base import FloatArray, _named, _real


def copula_cholesky(
    names: Sequence[str], rank_correlations: Mapping[tuple[str, str], float]
) -> FloatArray:
    """Cholesky factor of the Gaussian copula behind Spearman ``rank_correlations``.

    Each rank correlation ``rho`` becomes the normal correlation ``2 sin(pi rho / 6)``;
    multiplying independent standard normal scores (one row per name, in ``names``
    order) by the factor gives scores with the requested rank correlations. Validates
    the pairs (known, distinct names; numbers in [-1, 1]; a pair listed both ways only
    with one value) and that the matrix is positive definite.
    """
    labels = list(names)
    index: dict[str, int] = {}
    for i, label in enumerate(labels):
        if label in index:
            raise InvalidValueError(name="names", reason=f"duplicate name {label!r}")
        index[label] = i
    pearson = np.eye(len(labels))
    given: dict[tuple[int, int], float] = {}
    for pair, value in rank_correlations.items():
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise InvalidValueError(
                name="rank_correlations", reason=f"key {pair!r} must be a (name, name) pair"
            )
        for label in pair:
            if label not in index:
                raise InvalidValueError(
                    name="rank_correlations",
                    reason=f"pair {pair!r} names {label!r}, which is not among {labels!r}",
                )
        i, j = sorted((index[pair[0]], index[pair[1]]))
        if i == j:
            raise InvalidValueError(
                name="rank_correlations", reason=f"pair {pair!r} correlates a name with itself"
            )
        with _named("rank_correlations"):
            rho = _real(value, f"rank correlation of {pair!r}")
        if abs(rho) > 1.0:
            raise InvalidValueError(
                name="rank_correlations",
                reason=f"rank correlation of {pair!r} must be in [-1, 1], got {rho!r}",
            )
        if given.setdefault((i, j), rho) != rho:
            raise InvalidValueError(
                name="rank_correlations",
                reason=f"pair {pair!r} is given twice with different values "
                f"({given[i, j]!r}, {rho!r})",
            )
        pearson[i, j] = pearson[j, i] = 2.0 * math.sin(math.pi * rho / 6.0)
    try:
        return np.asarray(np.linalg.cholesky(pearson), dtype=np.float64)
    except np.linalg.LinAlgError:
        raise InvalidValueError(
            name="rank_correlations",
            reason="the correlation matrix is not positive definite: the requested rank "
            "correlations cannot all hold together",
        ) from None
