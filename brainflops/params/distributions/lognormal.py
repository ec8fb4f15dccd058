"""Log-normal kinds: :class:`LogNormal90` and the two-piece :class:`SplitLogNormal90`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from brainflops.core.constants import Z90
from brainflops.core.errors import InvalidValueError
from brainflops.params.distributions.base import (
    Distribution,
    FloatArray,
    _positive_factor,
    _positive_ordered,
    _quantiles,
    _real,
    normal_cdf,
    normal_ppf,
)


class _LogScale(Distribution):
    """What the log-normal kinds share: quantiles, CDF and 90% interval.

    ``ln X`` is a map of a normal score (each kind's :meth:`log_ppf_from_normal`), and
    ``lo`` and ``hi`` are the 5th and 95th percentiles.
    """

    __slots__ = ()

    lo: float
    hi: float

    @property
    def positive(self) -> bool:
        return True

    def ppf(self, q: ArrayLike) -> FloatArray:
        with np.errstate(over="ignore"):
            return np.exp(self.log_ppf(q))

    def log_ppf(self, q: ArrayLike) -> FloatArray:
        return self.log_ppf_from_normal(normal_ppf(_quantiles(q)))

    def cdf(self, x: ArrayLike) -> FloatArray:
        return self._cdf_through_log(x)

    def interval90(self) -> tuple[float, float]:
        return self.lo, self.hi


@dataclass(frozen=True, slots=True)
class LogNormal90(_LogScale):
    """Log-normal distribution with 5th percentile ``lo`` and 95th percentile ``hi``.

    ``ln X ~ Normal(mu, sigma)`` with ``mu = (ln lo + ln hi) / 2`` and
    ``sigma = (ln hi - mu) / Z90``.

    Examples
    --------
    >>> from brainflops.params.distributions import lognormal90
    >>> d = lognormal90(1e13, 1e17)
    >>> round(d.sigma, 4)
    2.7997
    >>> f"{d.median:.3g}"
    '1e+15'
    """

    kind: ClassVar[str] = "lognormal90"
    lo: float
    hi: float

    def __post_init__(self) -> None:
        low, high = _positive_ordered(self.kind, self.lo, self.hi)
        object.__setattr__(self, "lo", low)
        object.__setattr__(self, "hi", high)

    @property
    def mu(self) -> float:
        """Mean of ``ln X``."""
        return (math.log(self.lo) + math.log(self.hi)) / 2.0

    @property
    def sigma(self) -> float:
        """Standard deviation of ``ln X``."""
        return (math.log(self.hi) - math.log(self.lo)) / (2.0 * Z90)

    @property
    def median(self) -> float:
        # Product of roots rather than root of product: lo * hi may overflow.
        return math.sqrt(self.lo) * math.sqrt(self.hi)

    def log_ppf_from_normal(self, z: ArrayLike) -> FloatArray:
        return self.mu + self.sigma * np.asarray(z, dtype=np.float64)

    def scaled(self, factor: float) -> LogNormal90:
        k = _positive_factor(factor)
        return LogNormal90(self.lo * k, self.hi * k)

    def to_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "low": self.lo, "high": self.hi}

    def _cdf_of_log(self, log_x: FloatArray) -> FloatArray:
        return normal_cdf((log_x - self.mu) / self.sigma)


def two_piece_lognormal_log(
    z: ArrayLike, log_median: float, sigma_below: float, sigma_above: float
) -> FloatArray:
    """Natural log of a two-piece log-normal draw from standard normal scores ``z``.

    ``log_median + z * sigma_below`` for ``z < 0`` and ``log_median + z * sigma_above``
    otherwise: each half of ``ln X`` is a half-normal of its own width, so the median
    stays ``exp(log_median)`` however lopsided the two widths are. A zero width makes that
    half a point mass (also at ``z = -inf``). This is the one implementation of the shape
    in the package (:class:`SplitLogNormal90` and trend fits with asymmetric intervals).

    Examples
    --------
    >>> two_piece_lognormal_log([-1.0, 0.0, 2.0], 0.0, 0.5, 1.5).tolist()
    [-0.5, 0.0, 3.0]
    """
    scores = np.asarray(z, dtype=np.float64)
    with np.errstate(invalid="ignore"):  # 0 * inf at q = 0 or 1 of a point half
        out = log_median + scores * np.where(scores < 0.0, sigma_below, sigma_above)
    return np.where(np.isnan(out), log_median, out)


@dataclass(frozen=True, slots=True)
class SplitLogNormal90(_LogScale):
    """Two-piece log-normal: median ``median``, 5th percentile ``lo``, 95th ``hi``.

    Below the median ``ln X`` follows a half-normal of width ``ln(median/lo) / Z90``,
    above it one of width ``ln(hi/median) / Z90``. This is what a source means by "a
    central value of m, somewhere between lo and hi" when m is not the geometric midpoint
    of the range: the stated value stays the median instead of being replaced by
    ``sqrt(lo * hi)``. A median equal to ``lo`` or ``hi`` makes that half a point mass.

    Examples
    --------
    >>> from brainflops.params.distributions import split_lognormal90
    >>> d = split_lognormal90(2.4, 5, 6)
    >>> [round(float(v), 6) for v in d.ppf([0.05, 0.5, 0.95])]
    [2.4, 5.0, 6.0]
    """

    kind: ClassVar[str] = "split_lognormal90"
    lo: float
    mid: float
    hi: float

    def __post_init__(self) -> None:
        low, high = _positive_ordered(self.kind, self.lo, self.hi)
        mid = _real(self.mid, "median")
        if not low <= mid <= high:
            raise InvalidValueError(
                name="",
                reason=f"{self.kind} needs low <= median <= high, got {low!r}, {mid!r}, {high!r}",
            )
        object.__setattr__(self, "lo", low)
        object.__setattr__(self, "mid", mid)
        object.__setattr__(self, "hi", high)

    @property
    def median(self) -> float:
        return self.mid

    def _sigmas(self) -> tuple[float, float]:
        log_mid = math.log(self.mid)
        return (log_mid - math.log(self.lo)) / Z90, (math.log(self.hi) - log_mid) / Z90

    def log_ppf_from_normal(self, z: ArrayLike) -> FloatArray:
        below, above = self._sigmas()
        return two_piece_lognormal_log(z, math.log(self.mid), below, above)

    def scaled(self, factor: float) -> SplitLogNormal90:
        k = _positive_factor(factor)
        return SplitLogNormal90(self.lo * k, self.mid * k, self.hi * k)

    def to_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "low": self.lo, "median": self.mid, "high": self.hi}

    def _cdf_of_log(self, log_x: FloatArray) -> FloatArray:
        below, above = self._sigmas()
        d = log_x - math.log(self.mid)

        def half(sigma: float) -> FloatArray:
            if sigma > 0.0:
                return normal_cdf(d / sigma)
            return np.where(d < 0.0, 0.0, 1.0)  # a point-mass half is a step at the median

        return np.where(d < 0.0, half(below), half(above))
