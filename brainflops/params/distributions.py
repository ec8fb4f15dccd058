"""Probability distributions for uncertain parameters, specified by their 90% interval.

Every distribution is a small immutable value object, sampled through its inverse CDF from
standard normal scores (:meth:`Distribution.log_ppf_from_normal`): reusing the same scores
across two model variants gives common random numbers, and correlating parameters only
needs correlated normal scores (a Gaussian copula, :func:`copula_cholesky`).

Estimates of the brain's computation span dozens of orders of magnitude, so every
distribution that is strictly positive also offers :meth:`Distribution.log_ppf`, which
returns the natural log of the quantile without ever forming the value itself.

Distributions round-trip through plain dictionaries (:meth:`Distribution.to_spec`,
:func:`from_spec`) so that presets and scenarios can store them in TOML or JSON.

Examples
--------
>>> import numpy as np
>>> synapses = lognormal90(1e14, 1e15)
>>> round(synapses.median / 1e14, 4)
3.1623
>>> [f"{x:.3g}" for x in synapses.ppf([0.05, 0.95])]
['1e+14', '1e+15']
>>> synapses.sample(3, np.random.default_rng(0)).shape
(3,)
>>> from_spec(synapses.to_spec()) == synapses
True
"""

from __future__ import annotations

import math
import numbers
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike
from scipy.special import ndtr, ndtri

from brainflops.core.constants import Z90
from brainflops.core.errors import InvalidValueError

__all__ = [
    "KINDS",
    "Distribution",
    "LogNormal90",
    "LogUniform",
    "Mixture",
    "Normal90",
    "Point",
    "SplitLogNormal90",
    "Truncated",
    "Uniform",
    "copula_cholesky",
    "from_spec",
    "lognormal90",
    "loguniform",
    "mixture",
    "normal90",
    "point",
    "split_lognormal90",
    "truncated",
    "two_piece_lognormal_log",
    "uniform",
]

FloatArray = npt.NDArray[np.float64]

# ``Generator.random`` returns k / 2**53 for k in [0, 2**53), so its largest value is
# already below 1 and only 0 must be moved off the boundary; 2**-54 sits below every
# other draw, so the map keeps the order of the draws and changes nothing else.
_OPEN_LOW = 2.0**-54
_OPEN_HIGH = 1.0 - 2.0**-53

# The mixture quantile is found to this absolute error in log space, which is a
# relative error in the value; in linear space it is the relative error of the value.
_MIXTURE_TOL = 1e-12
# At least every fourth step splits the bracket, and ~120 splits close any bracket of
# doubles (12 geometric, 60 arithmetic, 52 through the subnormals to an answer of 0) or
# of their logs (60), so this cap only bounds the loop.
_MAX_ITERATIONS = 500


def _real(value: Any, what: str) -> float:
    """Return ``value`` as a finite float, or raise naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidValueError(name="", reason=f"{what} must be a real number, got {value!r}")
    try:
        result = float(value)
    except OverflowError:
        result = math.inf
    if not math.isfinite(result):
        raise InvalidValueError(name="", reason=f"{what} must be finite, got {result!r}")
    return result


def _ordered(kind: str, lo: Any, hi: Any) -> tuple[float, float]:
    low, high = _real(lo, f"{kind} low"), _real(hi, f"{kind} high")
    if not low < high:
        raise InvalidValueError(
            name="", reason=f"{kind} needs low < high, got low={low!r}, high={high!r}"
        )
    return low, high


def _positive_factor(factor: Any) -> float:
    with _named("factor"):
        result = _real(factor, "scale factor")
    if result <= 0.0:
        raise InvalidValueError(name="factor", reason=f"scale factor must be > 0, got {result!r}")
    return result


def _quantiles(q: ArrayLike) -> FloatArray:
    """Validate probabilities: every entry in [0, 1], none NaN."""
    arr = np.asarray(q, dtype=np.float64)
    # min/max propagate NaN, and NaN fails both comparisons, so one pass catches it too.
    if arr.size and not (arr.min() >= 0.0 and arr.max() <= 1.0):
        bad = arr[~((arr >= 0.0) & (arr <= 1.0))].flat[0]
        raise InvalidValueError(name="q", reason=f"probabilities must lie in [0, 1], got {bad!r}")
    return arr


def _points(x: ArrayLike) -> FloatArray:
    arr = np.asarray(x, dtype=np.float64)
    if np.isnan(arr).any():
        raise InvalidValueError(name="x", reason="cdf is undefined at NaN")
    return arr


def _check_rng(rng: Any) -> None:
    if not isinstance(rng, np.random.Generator):
        raise InvalidValueError(
            name="rng",
            reason=f"expected a numpy.random.Generator (np.random.default_rng(seed)), got {rng!r}",
        )


def _check_count(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise InvalidValueError(name="n", reason=f"sample size must be an integer >= 0, got {n!r}")
    return int(n)


def _split_point(a: FloatArray, b: FloatArray) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """A point strictly inside each bracket ``a < b`` of values that may span decades.

    Returns the point and whether the bracket is *wide*: it straddles 0 (split at 0) or
    its ends differ by more than a factor of 2 (split at the signed geometric mean, a 0
    end counting as the smallest normal double). Otherwise the point is the midpoint.
    """
    positive_side = a >= 0.0
    near = np.maximum(np.where(positive_side, a, -b), np.finfo(np.float64).tiny)
    far = np.where(positive_side, b, -a)
    geometric = np.sqrt(near) * np.sqrt(far)
    straddles = (a < 0.0) & (b > 0.0)
    decades = far > 2.0 * near
    split = np.where(decades, np.where(positive_side, geometric, -geometric), 0.5 * a + 0.5 * b)
    return np.where(straddles, 0.0, split), straddles | decades


@contextmanager
def _named(name: str) -> Iterator[None]:
    """Attribute validation errors raised inside the block to the parameter ``name``."""
    try:
        yield
    except InvalidValueError as exc:
        if not name or exc.name == name:
            raise
        raise InvalidValueError(name, exc.reason) from None


class Distribution(ABC):
    """A univariate distribution, sampled through its inverse CDF.

    Subclasses are frozen dataclasses; build them with :func:`lognormal90`,
    :func:`normal90`, :func:`uniform`, :func:`loguniform`, :func:`point`,
    :func:`mixture` or :func:`from_spec`.

    ``ppf(0)`` and ``ppf(1)`` return the true ends of the support, which may be
    infinite (``lognormal90(...).ppf(0) == 0``, ``.ppf(1) == inf``); :meth:`sample`
    maps normal scores into the open interval (0, 1), so samples are always finite unless
    the value itself overflows a double.
    """

    __slots__ = ()

    kind: ClassVar[str]

    @property
    @abstractmethod
    def positive(self) -> bool:
        """Whether every value is > 0, so that :meth:`log_ppf` is available."""

    @property
    def median(self) -> float:
        """The 50th percentile."""
        return float(self.ppf(0.5))

    @abstractmethod
    def ppf(self, q: ArrayLike) -> FloatArray:
        """Inverse CDF at probabilities ``q`` in [0, 1] (vectorised)."""

    @abstractmethod
    def cdf(self, x: ArrayLike) -> FloatArray:
        """Probability of a value <= ``x`` (vectorised)."""

    @abstractmethod
    def scaled(self, factor: float) -> Distribution:
        """The distribution of ``factor * X`` for ``factor > 0`` (e.g. a unit change)."""

    @abstractmethod
    def to_spec(self) -> dict[str, Any]:
        """A plain dictionary that :func:`from_spec` turns back into this distribution."""

    def log_ppf(self, q: ArrayLike) -> FloatArray:
        """Natural log of :meth:`ppf`, valid only for :attr:`positive` distributions.

        Distributions that live on a log scale compute it without forming the value,
        so it stays finite where ``ppf`` would overflow or underflow a double.

        Raises
        ------
        InvalidValueError
            If the distribution can take values <= 0.
        """
        self._require_positive()
        return np.log(self.ppf(q))

    def log_ppf_from_normal(self, z: ArrayLike) -> FloatArray:
        """``log_ppf(Phi(z))`` for standard normal scores ``z``.

        Sampling draws normal scores (so that a Gaussian copula can correlate them);
        log-normal kinds map them linearly and skip the normal CDF round trip.
        """
        return self.log_ppf(np.clip(ndtr(np.asarray(z, dtype=np.float64)), _OPEN_LOW, _OPEN_HIGH))

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        """Draw ``n`` values as ``ppf(Phi(z))`` of ``n`` standard normal scores from ``rng``.

        The same engine as model sampling: the scores are ``rng.standard_normal(n)``, so
        the same generator state gives the same scores for every distribution (common
        random numbers).

        Examples
        --------
        >>> import numpy as np
        >>> a = uniform(0, 1).sample(4, np.random.default_rng(1))
        >>> b = uniform(10, 20).sample(4, np.random.default_rng(1))
        >>> bool(np.allclose(b, 10 + 10 * a))
        True
        """
        count = _check_count(n)
        _check_rng(rng)
        z = rng.standard_normal(count)
        return self.ppf(np.clip(ndtr(z), _OPEN_LOW, _OPEN_HIGH))

    def interval90(self) -> tuple[float, float]:
        """The 5th and 95th percentiles."""
        low, high = self.ppf([0.05, 0.95])
        return float(low), float(high)

    def _require_positive(self) -> None:
        if not self.positive:
            raise InvalidValueError(
                name="",
                reason=f"log_ppf needs a distribution with only positive values; {self!r} is not",
            )

    def _cdf_of_log(self, log_x: FloatArray) -> FloatArray:
        """``cdf(exp(log_x))``; log-scale subclasses override it to avoid forming exp."""
        with np.errstate(over="ignore"):
            return self.cdf(np.exp(log_x))


@dataclass(frozen=True, slots=True)
class LogNormal90(Distribution):
    """Log-normal distribution with 5th percentile ``lo`` and 95th percentile ``hi``.

    ``ln X ~ Normal(mu, sigma)`` with ``mu = (ln lo + ln hi) / 2`` and
    ``sigma = (ln hi - mu) / Z90``.

    Examples
    --------
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
        low, high = _ordered(self.kind, self.lo, self.hi)
        if low <= 0.0:
            raise InvalidValueError(name="", reason=f"lognormal90 needs low > 0, got {low!r}")
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
    def positive(self) -> bool:
        return True

    @property
    def median(self) -> float:
        # Product of roots rather than root of product: lo * hi may overflow.
        return math.sqrt(self.lo) * math.sqrt(self.hi)

    def ppf(self, q: ArrayLike) -> FloatArray:
        with np.errstate(over="ignore"):
            return np.exp(self.log_ppf(q))

    def log_ppf(self, q: ArrayLike) -> FloatArray:
        return self.log_ppf_from_normal(ndtri(_quantiles(q)))

    def log_ppf_from_normal(self, z: ArrayLike) -> FloatArray:
        return self.mu + self.sigma * np.asarray(z, dtype=np.float64)

    def cdf(self, x: ArrayLike) -> FloatArray:
        arr = _points(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_x = np.log(arr)
        return np.where(arr > 0.0, self._cdf_of_log(log_x), 0.0)

    def interval90(self) -> tuple[float, float]:
        return self.lo, self.hi

    def scaled(self, factor: float) -> LogNormal90:
        k = _positive_factor(factor)
        return LogNormal90(self.lo * k, self.hi * k)

    def to_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "low": self.lo, "high": self.hi}

    def _cdf_of_log(self, log_x: FloatArray) -> FloatArray:
        return ndtr((log_x - self.mu) / self.sigma)


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
class SplitLogNormal90(Distribution):
    """Two-piece log-normal: median ``median``, 5th percentile ``lo``, 95th ``hi``.

    Below the median ``ln X`` follows a half-normal of width ``ln(median/lo) / Z90``,
    above it one of width ``ln(hi/median) / Z90``. This is what a source means by "a
    central value of m, somewhere between lo and hi" when m is not the geometric midpoint
    of the range: the stated value stays the median instead of being replaced by
    ``sqrt(lo * hi)``. A median equal to ``lo`` or ``hi`` makes that half a point mass.

    Examples
    --------
    >>> d = split_lognormal90(2.4, 5, 6)
    >>> [round(float(v), 6) for v in d.ppf([0.05, 0.5, 0.95])]
    [2.4, 5.0, 6.0]
    """

    kind: ClassVar[str] = "split_lognormal90"
    lo: float
    mid: float
    hi: float

    def __post_init__(self) -> None:
        low, high = _ordered(self.kind, self.lo, self.hi)
        mid = _real(self.mid, "median")
        if low <= 0.0:
            raise InvalidValueError(name="", reason=f"{self.kind} needs low > 0, got {low!r}")
        if not low <= mid <= high:
            raise InvalidValueError(
                name="",
                reason=f"{self.kind} needs low <= median <= high, got {low!r}, {mid!r}, {high!r}",
            )
        object.__setattr__(self, "lo", low)
        object.__setattr__(self, "mid", mid)
        object.__setattr__(self, "hi", high)

    @property
    def positive(self) -> bool:
        return True

    @property
    def median(self) -> float:
        return self.mid

    def _sigmas(self) -> tuple[float, float]:
        log_mid = math.log(self.mid)
        return (log_mid - math.log(self.lo)) / Z90, (math.log(self.hi) - log_mid) / Z90

    def ppf(self, q: ArrayLike) -> FloatArray:
        with np.errstate(over="ignore"):
            return np.exp(self.log_ppf(q))

    def log_ppf(self, q: ArrayLike) -> FloatArray:
        return self.log_ppf_from_normal(ndtri(_quantiles(q)))

    def log_ppf_from_normal(self, z: ArrayLike) -> FloatArray:
        below, above = self._sigmas()
        return two_piece_lognormal_log(z, math.log(self.mid), below, above)

    def cdf(self, x: ArrayLike) -> FloatArray:
        arr = _points(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_x = np.log(arr)
        return np.where(arr > 0.0, self._cdf_of_log(log_x), 0.0)

    def interval90(self) -> tuple[float, float]:
        return self.lo, self.hi

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
                return ndtr(d / sigma)
            return np.where(d < 0.0, 0.0, 1.0)  # a point-mass half is a step at the median

        return np.where(d < 0.0, half(below), half(above))


@dataclass(frozen=True, slots=True)
class Normal90(Distribution):
    """Normal distribution with 5th percentile ``lo`` and 95th percentile ``hi``.

    Its support is the whole real line, so it is never :attr:`positive`.

    Examples
    --------
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
            return self.mu + self.sigma * ndtri(_quantiles(q))

    def cdf(self, x: ArrayLike) -> FloatArray:
        return ndtr((_points(x) - self.mu) / self.sigma)

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
    >>> [f"{x:.3g}" for x in loguniform(1e3, 1e9).ppf([0.0, 0.5, 1.0])]
    ['1e+03', '1e+06', '1e+09']
    """

    kind: ClassVar[str] = "loguniform"
    lo: float
    hi: float

    def __post_init__(self) -> None:
        low, high = _ordered(self.kind, self.lo, self.hi)
        if low <= 0.0:
            raise InvalidValueError(name="", reason=f"loguniform needs low > 0, got {low!r}")
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
        arr = _points(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_x = np.log(arr)
        return np.where(arr > 0.0, self._cdf_of_log(log_x), 0.0)

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


@dataclass(frozen=True, slots=True)
class Mixture(Distribution):
    """Weighted mixture of distributions; weights are normalised to sum to 1.

    The quantile has no closed form, so :meth:`ppf` inverts the CDF by vectorised
    bisection, between the smallest and largest component quantile at the same
    probability (the mixture quantile always lies between them). For a positive
    mixture the search runs in log space, so the result has a relative error below
    1e-12 even for values beyond the range of a double (:meth:`log_ppf`); otherwise
    it runs on the values, to a relative error below 1e-12. (Close to q = 1 the CDF
    itself rounds to within 1e-16 of 1, which limits any inversion: at q = 1 - 1e-9
    the quantile of a log-normal tail is only known to ~1e-8.) At an atom or in a gap
    between components it returns the smallest ``x`` with ``cdf(x) >= q``; since the
    answer is found to a tolerance, ``ppf`` is monotone to within that tolerance.

    Examples
    --------
    >>> d = mixture([(0.5, point(1.0)), (0.5, uniform(2.0, 4.0))])
    >>> d.ppf([0.25, 0.75]).round(9).tolist()
    [1.0, 3.0]
    >>> d.to_spec()["components"][0]
    {'weight': 0.5, 'kind': 'point', 'value': 1.0}
    """

    kind: ClassVar[str] = "mixture"
    weights: tuple[float, ...]
    components: tuple[Distribution, ...]

    def __post_init__(self) -> None:
        weights = tuple(_real(w, "mixture weight") for w in self.weights)
        components = tuple(self.components)
        if not components:
            raise InvalidValueError(name="", reason="a mixture needs at least one component")
        if len(weights) != len(components):
            raise InvalidValueError(
                name="",
                reason=f"mixture has {len(weights)} weights for {len(components)} components",
            )
        for i, (weight, component) in enumerate(zip(weights, components, strict=True)):
            if weight <= 0.0:
                raise InvalidValueError(
                    name="", reason=f"mixture weight {i} must be > 0, got {weight!r}"
                )
            if not isinstance(component, Distribution):
                raise InvalidValueError(
                    name="",
                    reason=f"mixture component {i} must be a Distribution, got {component!r}",
                )
        total = math.fsum(weights)
        # Weights that already sum to 1 are kept as given, so that re-normalising the
        # output of to_spec cannot drift by an ulp and break the round trip.
        if abs(total - 1.0) > 4.0 * len(weights) * np.finfo(np.float64).eps:
            weights = tuple(w / total for w in weights)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "components", components)

    @property
    def positive(self) -> bool:
        return all(c.positive for c in self.components)

    def ppf(self, q: ArrayLike) -> FloatArray:
        if self.positive:
            with np.errstate(over="ignore"):
                return np.exp(self.log_ppf(q))
        return self._invert(
            _quantiles(q), [c.ppf for c in self.components], self.cdf, relative=True
        )

    def log_ppf(self, q: ArrayLike) -> FloatArray:
        self._require_positive()
        return self._invert(
            _quantiles(q), [c.log_ppf for c in self.components], self._cdf_of_log, relative=False
        )

    def cdf(self, x: ArrayLike) -> FloatArray:
        arr = _points(x)
        return sum((w * c.cdf(arr) for w, c in self._pairs()), np.zeros(arr.shape))

    def scaled(self, factor: float) -> Mixture:
        k = _positive_factor(factor)
        return Mixture(self.weights, tuple(c.scaled(k) for c in self.components))

    def to_spec(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "components": [{"weight": w, **c.to_spec()} for w, c in self._pairs()],
        }

    def _pairs(self) -> Iterator[tuple[float, Distribution]]:
        return zip(self.weights, self.components, strict=True)

    def _cdf_of_log(self, log_x: FloatArray) -> FloatArray:
        return sum((w * c._cdf_of_log(log_x) for w, c in self._pairs()), np.zeros(log_x.shape))

    @staticmethod
    def _invert(
        q: FloatArray,
        component_quantiles: Sequence[Callable[[FloatArray], FloatArray]],
        cdf: Callable[[FloatArray], FloatArray],
        *,
        relative: bool,
    ) -> FloatArray:
        """Smallest ``x`` with ``cdf(x) >= q``, by safeguarded false position.

        The bracket starts at the smallest and largest component quantile. Each step
        takes the Illinois false-position point, kept at least half a tolerance inside
        the bracket so that an end already at the root lets the other end jump to it.
        When the bracket has not halved over the last three steps (atoms, flat
        stretches, a CDF rounded to 1) the step splits the bracket at its midpoint
        instead. In linear space a bracket that straddles 0 or spans more than a factor
        of 2 is always split, at 0 or at its geometric mean, so that a bracket such as
        [-1, 1e6] around an answer of 1e-200 closes in tens of steps, not a thousand.
        On smooth mixtures this takes 10 to 20 CDF evaluations per value, against
        bisection's 45.

        ``relative`` makes the tolerance relative to the value (linear space) instead
        of absolute (log space, where an absolute error is a relative error in the value).
        """
        flat = q.ravel()
        bounds = np.stack([quantile(flat) for quantile in component_quantiles])
        lo, hi = bounds.min(axis=0), bounds.max(axis=0)
        g_lo = cdf(lo) - flat
        # The lower end is the answer when it already reaches q: always at q = 0, and at
        # an atom there; checking first makes those answers exact. At q = 1 the upper end
        # is the top of the support.
        hi = np.where((flat == 0.0) | (g_lo >= 0.0), lo, hi)
        active = np.flatnonzero(
            (flat > 0.0) & (flat < 1.0) & (hi > lo) & np.isfinite(lo) & np.isfinite(hi)
        )
        target = flat[active]
        a, b, g_a = lo[active], hi[active], g_lo[active]
        g_b = cdf(b) - target
        kept_a = np.zeros(a.shape, dtype=bool)
        kept_b = np.zeros(a.shape, dtype=bool)
        unbounded = np.full(a.shape, np.inf)
        widths = (unbounded, unbounded, unbounded)  # bracket widths 3, 2 and 1 steps ago
        for _ in range(_MAX_ITERATIONS):
            if active.size == 0:
                break
            with np.errstate(over="ignore"):
                width = b - a
            tol = _MIXTURE_TOL * np.maximum(np.abs(a), np.abs(b)) if relative else _MIXTURE_TOL
            if relative:
                mid, wide = _split_point(a, b)
            else:
                mid, wide = 0.5 * a + 0.5 * b, np.zeros(a.shape, dtype=bool)
            margin = np.minimum(0.5 * tol, 0.25 * width)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                secant = np.clip(b - g_b * (width / (g_b - g_a)), a + margin, b - margin)
            use_secant = (secant > a) & (secant < b) & (width <= 0.5 * widths[0]) & ~wide
            x = np.where(use_secant, secant, mid)
            g_x = cdf(x) - target
            reached = g_x >= 0.0
            # Illinois: halve the residual of an end kept twice in a row, so that the next
            # false-position point lands on its far side and the bracket closes from both.
            g_a = np.where(reached, np.where(kept_a, 0.5 * g_a, g_a), g_x)
            g_b = np.where(reached, g_x, np.where(kept_b, 0.5 * g_b, g_b))
            splittable = (mid > a) & (mid < b)
            a, b = np.where(reached, a, x), np.where(reached, x, b)
            tol = _MIXTURE_TOL * np.maximum(np.abs(a), np.abs(b)) if relative else _MIXTURE_TOL
            # Stop at the tolerance, or once no float lies strictly inside the bracket.
            with np.errstate(over="ignore"):
                going = (b - a > tol) & splittable
            hi[active] = b
            active, target, a, b, g_a, g_b, kept_a, kept_b = (
                v[going] for v in (active, target, a, b, g_a, g_b, reached, ~reached)
            )
            widths = (widths[1][going], widths[2][going], width[going])
        return hi.reshape(q.shape)


@dataclass(frozen=True, slots=True)
class Truncated(Distribution):
    """``base`` restricted to ``[minimum, maximum]`` (either end may be ``None``).

    For physical bounds a source's range does not carry: a count is at least 1, a firing
    rate has a refractory ceiling. The probability outside the bounds is spread over the
    rest in proportion (the renormalised conditional distribution), so no draw falls
    outside them. ``interval90`` is that of the truncated distribution; the shape's own
    interval stays on ``base``.

    Examples
    --------
    >>> d = truncated(lognormal90(50, 1000), maximum=1000)
    >>> bool(d.ppf(1.0) <= 1000.0), round(float(d.ppf(1.0))), float(d.ppf(0.5)) < d.base.median
    (True, 1000, True)
    """

    kind: ClassVar[str] = "truncated"
    base: Distribution
    minimum: float | None = None
    maximum: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.base, Distribution) or isinstance(self.base, Point | Truncated):
            raise InvalidValueError(
                name="", reason="truncated needs an uncertain, untruncated base distribution"
            )
        lo = None if self.minimum is None else _real(self.minimum, "minimum")
        hi = None if self.maximum is None else _real(self.maximum, "maximum")
        if lo is None and hi is None:
            raise InvalidValueError(name="", reason="truncated needs a minimum or a maximum")
        if lo is not None and hi is not None and not lo < hi:
            raise InvalidValueError(name="", reason=f"minimum {lo!r} must be below maximum {hi!r}")
        object.__setattr__(self, "minimum", lo)
        object.__setattr__(self, "maximum", hi)
        low_mass, high_mass = self._masses()
        if high_mass - low_mass < 1e-9:
            raise InvalidValueError(
                name="",
                reason=f"the bounds [{lo}, {hi}] leave (almost) none of the distribution",
            )

    def _masses(self) -> tuple[float, float]:
        low = 0.0 if self.minimum is None else float(self.base.cdf(self.minimum))
        high = 1.0 if self.maximum is None else float(self.base.cdf(self.maximum))
        return low, high

    def _inner(self, q: FloatArray) -> FloatArray:
        low, high = self._masses()
        return np.clip(low + q * (high - low), _OPEN_LOW, _OPEN_HIGH)

    def _clip(self, x: FloatArray) -> FloatArray:
        lo = -np.inf if self.minimum is None else self.minimum
        hi = np.inf if self.maximum is None else self.maximum
        return np.clip(x, lo, hi)

    @property
    def positive(self) -> bool:
        return self.base.positive or (self.minimum is not None and self.minimum > 0.0)

    def ppf(self, q: ArrayLike) -> FloatArray:
        return self._clip(self.base.ppf(self._inner(_quantiles(q))))

    def log_ppf(self, q: ArrayLike) -> FloatArray:
        self._require_positive()
        if not self.base.positive:
            return np.log(self.ppf(q))
        logs = self.base.log_ppf(self._inner(_quantiles(q)))
        lo = -np.inf if self.minimum is None else math.log(self.minimum)
        hi = np.inf if self.maximum is None else math.log(self.maximum)
        return np.clip(logs, lo, hi)

    def cdf(self, x: ArrayLike) -> FloatArray:
        low, high = self._masses()
        inside = (self.base.cdf(self._clip(_points(x))) - low) / (high - low)
        return np.clip(inside, 0.0, 1.0)

    def scaled(self, factor: float) -> Truncated:
        k = _positive_factor(factor)
        return Truncated(
            self.base.scaled(k),
            None if self.minimum is None else self.minimum * k,
            None if self.maximum is None else self.maximum * k,
        )

    def to_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"kind": self.kind, "base": self.base.to_spec()}
        for key in ("minimum", "maximum"):
            if getattr(self, key) is not None:
                spec[key] = getattr(self, key)
        return spec


def lognormal90(lo: float, hi: float, *, name: str = "") -> LogNormal90:
    """Log-normal distribution with 5th percentile ``lo`` and 95th percentile ``hi``.

    ``name`` (the parameter being described) is put on any :class:`InvalidValueError`.

    Examples
    --------
    >>> d = lognormal90(1e13, 1e17)
    >>> f"{d.median:.3g}", d.interval90() == (1e13, 1e17)
    ('1e+15', True)
    """
    with _named(name):
        return LogNormal90(lo, hi)


def normal90(lo: float, hi: float, *, name: str = "") -> Normal90:
    """Normal distribution with 5th percentile ``lo`` and 95th percentile ``hi``.

    Examples
    --------
    >>> round(normal90(10, 20).sigma, 4)
    3.0398
    """
    with _named(name):
        return Normal90(lo, hi)


def uniform(lo: float, hi: float, *, name: str = "") -> Uniform:
    """Uniform distribution on ``[lo, hi]``.

    Examples
    --------
    >>> uniform(0, 10).median
    5.0
    """
    with _named(name):
        return Uniform(lo, hi)


def loguniform(lo: float, hi: float, *, name: str = "") -> LogUniform:
    """Log-uniform distribution on ``[lo, hi]``, ``0 < lo < hi``.

    Examples
    --------
    >>> round(loguniform(1, 100).median, 12)
    10.0
    """
    with _named(name):
        return LogUniform(lo, hi)


def point(x: float, *, name: str = "") -> Point:
    """The constant ``x``.

    Examples
    --------
    >>> point(3.0).interval90()
    (3.0, 3.0)
    """
    with _named(name):
        return Point(x)


def mixture(components: Sequence[tuple[float, Distribution]], *, name: str = "") -> Mixture:
    """Mixture of ``(weight, distribution)`` pairs; weights must be > 0 and are normalised.

    Examples
    --------
    >>> d = mixture([(1, lognormal90(1e13, 1e15)), (3, lognormal90(1e16, 1e18))])
    >>> d.weights
    (0.25, 0.75)
    >>> round(float(d.cdf(d.ppf(0.3))), 9)
    0.3
    """
    with _named(name):
        pairs = list(components)
        for i, pair in enumerate(pairs):
            if not (isinstance(pair, tuple | list) and len(pair) == 2):
                raise InvalidValueError(
                    name="", reason=f"mixture component {i} must be a (weight, distribution) pair"
                )
        return Mixture(tuple(w for w, _ in pairs), tuple(d for _, d in pairs))


def split_lognormal90(lo: float, median: float, hi: float, *, name: str = "") -> Distribution:
    """Two-piece log-normal with the given median and 5th/95th percentiles.

    Returns a plain :func:`lognormal90` when ``median`` is the geometric midpoint of the
    range (to 1e-9), so symmetric ranges keep the simpler kind.

    Examples
    --------
    >>> split_lognormal90(10, 100, 1000).kind
    'lognormal90'
    >>> split_lognormal90(50, 200, 1000).median
    200.0
    """
    with _named(name):
        low, high = _ordered("split_lognormal90", lo, hi)
        mid = _real(median, "median")
        if (
            low > 0
            and mid > 0
            and math.isclose(
                math.log(mid), (math.log(low) + math.log(high)) / 2, rel_tol=0, abs_tol=1e-9
            )
        ):
            return LogNormal90(low, high)
        return SplitLogNormal90(low, mid, high)


def truncated(
    base: Distribution,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    name: str = "",
) -> Distribution:
    """``base`` restricted to ``[minimum, maximum]``; ``base`` itself when both are ``None``.

    A bound the distribution cannot reach anyway (``cdf`` exactly 0 below ``minimum`` and
    exactly 1 at ``maximum``) is dropped, so bounded kinds stay what they are.
    """
    with _named(name):
        if base.kind == "truncated" or isinstance(base, Point):
            return base
        low = None if minimum is None or float(base.cdf(minimum)) == 0.0 else minimum
        high = None if maximum is None or float(base.cdf(maximum)) == 1.0 else maximum
        if low is None and high is None:
            return base
        return Truncated(base, low, high)


_BOUNDED_KINDS: dict[str, Callable[..., Distribution]] = {
    "lognormal90": lognormal90,
    "normal90": normal90,
    "uniform": uniform,
    "loguniform": loguniform,
}
KINDS = (*_BOUNDED_KINDS, "split_lognormal90", "point", "mixture", "truncated")


def _keys(spec: Mapping[str, Any], required: Sequence[str], where: str) -> None:
    for key in required:
        if key not in spec:
            raise InvalidValueError(
                name="", reason=f"{where}missing key {key!r} for kind {spec['kind']!r}"
            )
    for key in spec:
        if key not in required and key != "kind":
            allowed = ", ".join(repr(k) for k in ("kind", *required))
            raise InvalidValueError(
                name="",
                reason=f"{where}unexpected key {key!r} for kind {spec['kind']!r} "
                f"(allowed: {allowed})",
            )


def _from_spec(spec: Any, where: str) -> Distribution:
    try:
        return _build(spec, where)
    except InvalidValueError as exc:
        # Say which mixture component a value error comes from; key errors already do.
        if not where or exc.reason.startswith(where):
            raise
        raise InvalidValueError(name="", reason=where + exc.reason) from None


def _build(spec: Any, where: str) -> Distribution:
    if not isinstance(spec, Mapping):
        raise InvalidValueError(
            name="", reason=f"{where}a distribution spec must be a table, got {spec!r}"
        )
    if "kind" not in spec:
        raise InvalidValueError(
            name="", reason=f"{where}missing key 'kind' (one of {', '.join(KINDS)})"
        )
    kind = spec["kind"]
    if not isinstance(kind, str) or kind not in KINDS:
        raise InvalidValueError(
            name="",
            reason=f"{where}unknown distribution kind {kind!r}; valid kinds: {', '.join(KINDS)}",
        )
    if kind in _BOUNDED_KINDS:
        _keys(spec, ("low", "high"), where)
        return _BOUNDED_KINDS[kind](spec["low"], spec["high"])
    if kind == "split_lognormal90":
        _keys(spec, ("low", "median", "high"), where)
        return split_lognormal90(spec["low"], spec["median"], spec["high"])
    if kind == "point":
        _keys(spec, ("value",), where)
        return point(spec["value"])
    if kind == "truncated":
        bounds = tuple(k for k in ("minimum", "maximum") if k in spec)
        _keys(spec, ("base", *bounds), where)
        base = _from_spec(spec["base"], f"{where}base: ")
        return Truncated(base, spec.get("minimum"), spec.get("maximum"))
    _keys(spec, ("components",), where)
    entries = spec["components"]
    if isinstance(entries, str | bytes) or not isinstance(entries, Sequence) or not entries:
        raise InvalidValueError(
            name="", reason=f"{where}mixture 'components' must be a non-empty list"
        )
    pairs = []
    for i, entry in enumerate(entries):
        inner = f"{where}components[{i}]: "
        if not isinstance(entry, Mapping) or "weight" not in entry:
            raise InvalidValueError(name="", reason=f"{inner}missing key 'weight'")
        rest = {k: v for k, v in entry.items() if k != "weight"}
        pairs.append((entry["weight"], _from_spec(rest, inner)))
    return mixture(pairs)


def from_spec(spec: Mapping[str, Any], name: str = "") -> Distribution:
    """Build a distribution from the dictionary form written by :meth:`Distribution.to_spec`.

    Forms: ``{"kind": K, "low": lo, "high": hi}`` for K in lognormal90, normal90, uniform,
    loguniform; ``{"kind": "point", "value": x}``; ``{"kind": "mixture", "components":
    [{"weight": w, <spec>}, ...]}``. Errors are :class:`InvalidValueError` with ``name``
    set to ``name`` and the offending key in the message.

    Examples
    --------
    >>> from_spec({"kind": "loguniform", "low": 1, "high": 1000})
    LogUniform(lo=1.0, hi=1000.0)
    >>> from_spec({"kind": "gamma"}, name="synapses")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    brainflops.core.errors.InvalidValueError: synapses: unknown distribution kind 'gamma'; ...
    """
    with _named(name):
        return _from_spec(spec, "")


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
