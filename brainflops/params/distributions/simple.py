"""Kinds with closed-form quantiles: normal, uniform, log-uniform and a point."""

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
    _ordered,
    _points,
    _positive_factor,
    _positive_ordered,
    _quantiles,
    _real,
    normal_cdf,
    normal_ppf,
)


@dataclass(frozen=True, slots=True)
class Normal90(Distribution):
    """Normal distribution with 5th percentile ``lo`` and 95th percentile ``hi``.

    Its support is the whole real line, so it is never :attr:`positive`.

    Examples
    --------
    >>> from brainflops.params.distributions import normal90
    >>> d = normal90(10, 20)
    >>> d.median, d.interval90()
    (15.0, (10.0, 20.0))
    """

    kind: ClassVar[str] = "normal90"
    lo: float
    hi: float

    def __post_init__(self) -> None:
        low, high = _ordered(self.kind, self.lo, self.hi)
        object.__setattr__(self, "lo", low)
        object.__setattr__(self, "hi", high)

    @property
    def mu(self) -> float:
        """Mean (halves first, so that lo + hi cannot overflow)."""
        return self.lo / 2.0 + self.hi / 2.0

    @property
    def sigma(self) -> float:
        """Standard deviation."""
        return (self.hi / 2.0 - self.lo / 2.0) / Z90

    @property
    def positive(self) -> bool:
        return False

    @property
    def median(self) -> float:
        return self.mu

    def ppf(self, q: ArrayLike) -> FloatArray:
        with np.errstate(over="ignore"):
            return self.mu + self.sigma * normal_ppf(_quantiles(q))

    def cdf(self, x: ArrayLike) -> FloatArray:
        return normal_cdf((_points(x) - self.mu) / self.sigma)

    def interval90(self) -> tuple[float, float]:
        return self.lo, self.hi

    def scaled(self, factor: float) -> Normal90:
        k = _positive_factor(factor)
        return Normal90(self.lo * k, self.hi * k)

    def to_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "low": self.lo, "high": self.hi}


@dataclass(frozen=True, slots=True)
class Uniform(Distribution):
    """Uniform distribution on ``[lo, hi]`` (the bounds are the 0th and 100th percentiles).

    Examples
    --------
    >>> from brainflops.params.distributions import uniform
    >>> uniform(2, 4).ppf([0.0, 0.25, 1.0]).tolist()
    [2.0, 2.5, 4.0]
    """

    kind: ClassVar[str] = "uniform"
    lo: float
    hi: float

    def __post_init__(self) -> None:
        low, high = _ordered(self.kind, self.lo, self.hi)
        if not math.isfinite(high - low):
            raise InvalidValueError(
                name="", reason=f"uniform width high - low overflows: {low!r}..{high!r}"
            )
        object.__setattr__(self, "lo", low)
        object.__setattr__(self, "hi", high)

    @property
    def positive(self) -> bool:
        return self.lo > 0.0

    @property
    def median(self) -> float:
        return self.lo / 2.0 + self.hi / 2.0

    def ppf(self, q: ArrayLike) -> FloatArray:
        # lo + q * width is monotone in q under rounding; the clip keeps q = 1 at hi.
        return np.minimum(self.lo + _quantiles(q) * (self.hi - self.lo), self.hi)

    def cdf(self, x: ArrayLike) -> FloatArray:
        return np.clip((_points(x) - self.lo) / (self.hi - self.lo), 0.0, 1.0)

    def scaled(self, factor: float) -> Uniform:
        k = _positive_factor(factor)
        return Uniform(self.lo * k, self.hi * k)

    def to_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "low": self.lo, "high": self.hi}


@dataclass(frozen=True, slots=True)
class LogUniform(Distribution):
    """Distribution whose log is uniform on ``[ln lo, ln hi]`` (needs ``0 < lo < hi``).

    Examples
    --------
    >>> from brainflops.params.distributions import loguniform
    >>> [f"{x:.3g}" for x in loguniform(1e3, 1e9).ppf([0.0, 0.5, 1.0])]
    ['1e+03', '1e+06', '1e+09']
    """

    kind: ClassVar[str] = "loguniform"
    lo: float
    hi: float

    def __post_init__(self) -> None:
        low, high = _positive_ordered(self.kind, self.lo, self.hi)
        object.__setattr__(self, "lo", low)
        object.__setattr__(self, "hi", high)

    @property
    def positive(self) -> bool:
        return True

    @property
    def median(self) -> float:
        return math.sqrt(self.lo) * math.sqrt(self.hi)

    def ppf(self, q: ArrayLike) -> FloatArray:
        # exp(log lo) can miss lo by an ulp; the clip keeps the support exactly [lo, hi].
        return np.clip(np.exp(self.log_ppf(q)), self.lo, self.hi)

    def log_ppf(self, q: ArrayLike) -> FloatArray:
        log_lo = math.log(self.lo)
        return log_lo + _quantiles(q) * (math.log(self.hi) - log_lo)

    def cdf(self, x: ArrayLike) -> FloatArray:
        return self._cdf_through_log(x)

    def scaled(self, factor: float) -> LogUniform:
        k = _positive_factor(factor)
        return LogUniform(self.lo * k, self.hi * k)

    def to_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "low": self.lo, "high": self.hi}

    def _cdf_of_log(self, log_x: FloatArray) -> FloatArray:
        log_lo = math.log(self.lo)
        return np.clip((log_x - log_lo) / (math.log(self.hi) - log_lo), 0.0, 1.0)


@dataclass(frozen=True, slots=True)
class Point(Distribution):
    """A known constant ``x`` (every quantile is ``x``).

    Examples
    --------
    >>> from brainflops.params.distributions import point
    >>> point(86e9).ppf([0.1, 0.9]).tolist()
    [86000000000.0, 86000000000.0]
    """

    kind: ClassVar[str] = "point"
    x: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", _real(self.x, "point value"))

    @property
    def positive(self) -> bool:
        return self.x > 0.0

    @property
    def median(self) -> float:
        return self.x

    def ppf(self, q: ArrayLike) -> FloatArray:
        return np.full(_quantiles(q).shape, self.x)

    def log_ppf(self, q: ArrayLike) -> FloatArray:
        self._require_positive()
        return np.full(_quantiles(q).shape, math.log(self.x))

    def cdf(self, x: ArrayLike) -> FloatArray:
        return (_points(x) >= self.x).astype(np.float64)

    def scaled(self, factor: float) -> Point:
        return Point(self.x * _positive_factor(factor))

    def to_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.x}

    def _cdf_of_log(self, log_x: FloatArray) -> FloatArray:
        # Compare against the same math.log(x) that log_ppf returns, so that a mixture's
        # bracket end at this atom counts as reaching it.
        return (log_x >= math.log(self.x)).astype(np.float64)
