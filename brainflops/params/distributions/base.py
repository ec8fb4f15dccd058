"""The :class:`Distribution` base class and the validators every kind shares."""

from __future__ import annotations

import math
import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from statistics import NormalDist
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike

from brainflops.core.errors import InvalidValueError

FloatArray = npt.NDArray[np.float64]

# ``Generator.random`` returns k / 2**53 for k in [0, 2**53), so its largest value is
# already below 1 and only 0 must be moved off the boundary; 2**-54 sits below every
# other draw, so the map keeps the order of the draws and changes nothing else.
_OPEN_LOW = 2.0**-54
_OPEN_HIGH = 1.0 - 2.0**-53


def open_unit(points: ArrayLike) -> FloatArray:
    """``points`` clipped into the open unit interval, so that every quantile is finite.

    >>> open_unit([0.0, 0.5, 1.0]).tolist() == [2.0**-54, 0.5, 1.0 - 2.0**-53]
    True
    """
    return np.clip(np.asarray(points, dtype=np.float64), _OPEN_LOW, _OPEN_HIGH)


# scipy.special is imported on first use, not with this module: it costs about a quarter
# of a second of CPU to import on a small machine. Building a distribution (every preset
# load) evaluates the normal CDF and quantile only at a few points (the ends of a support,
# the probability mass kept between declared bounds), which the standard library computes
# to within about 1e-14 of scipy, so building a model never imports it; arrays of draws
# use scipy's ufuncs.
_FEW_POINTS = 16


def _pointwise(values: ArrayLike, function: Any) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    return np.array([function(float(v)) for v in array.flat], dtype=np.float64).reshape(
        array.shape
    )


def _stdlib_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _stdlib_ppf(q: float) -> float:
    if 0.0 < q < 1.0:
        return _STANDARD_NORMAL.inv_cdf(q)
    return {0.0: -math.inf, 1.0: math.inf}.get(q, math.nan)  # as ndtri: nan outside [0, 1]


def normal_cdf(z: ArrayLike) -> FloatArray:
    """The standard normal CDF, ``Phi(z)`` (``scipy.special.ndtr``; ``math.erfc`` for a few
    points).

    >>> float(normal_cdf(1.6448536269514722)), float(normal_cdf(np.array([0.0]))[0])
    (0.95, 0.5)
    """
    if np.size(z) <= _FEW_POINTS:
        return _pointwise(z, _stdlib_cdf)
    from scipy.special import ndtr  # noqa: PLC0415 - deferred for start-up, see above

    return np.asarray(ndtr(z), dtype=np.float64)


def normal_ppf(q: ArrayLike) -> FloatArray:
    """The standard normal quantile, ``Phi^-1(q)`` (``scipy.special.ndtri``; the standard
    library's ``NormalDist.inv_cdf`` for a few points).

    >>> round(float(normal_ppf(0.975)), 9), normal_ppf([0.0, 1.0, 2.0]).tolist()
    (1.959963985, [-inf, inf, nan])
    """
    if np.size(q) <= _FEW_POINTS:
        return _pointwise(q, _stdlib_ppf)
    from scipy.special import ndtri  # noqa: PLC0415 - deferred for start-up, see above

    return np.asarray(ndtri(q), dtype=np.float64)


_STANDARD_NORMAL = NormalDist()


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


def _positive_ordered(kind: str, lo: Any, hi: Any) -> tuple[float, float]:
    """``_ordered`` for the kinds that live on a log scale, which also need ``low > 0``."""
    low, high = _ordered(kind, lo, hi)
    if low <= 0.0:
        raise InvalidValueError(name="", reason=f"{kind} needs low > 0, got {low!r}")
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
        return self.log_ppf(open_unit(normal_cdf(np.asarray(z, dtype=np.float64))))

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        """Draw ``n`` values as ``ppf(Phi(z))`` of ``n`` standard normal scores from ``rng``.

        The same engine as model sampling: the scores are ``rng.standard_normal(n)``, so
        the same generator state gives the same scores for every distribution (common
        random numbers).

        Examples
        --------
        >>> from brainflops.params.distributions import uniform
        >>> import numpy as np
        >>> a = uniform(0, 1).sample(4, np.random.default_rng(1))
        >>> b = uniform(10, 20).sample(4, np.random.default_rng(1))
        >>> bool(np.allclose(b, 10 + 10 * a))
        True
        """
        count = _check_count(n)
        _check_rng(rng)
        z = rng.standard_normal(count)
        return self.ppf(open_unit(normal_cdf(z)))

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

    def _cdf_through_log(self, x: ArrayLike) -> FloatArray:
        """``cdf`` of a positive kind from its :meth:`_cdf_of_log`: 0 at and below 0."""
        arr = _points(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_x = np.log(arr)
        return np.where(arr > 0.0, self._cdf_of_log(log_x), 0.0)

    def _cdf_of_log(self, log_x: FloatArray) -> FloatArray:
        """``cdf(exp(log_x))``; log-scale subclasses override it to avoid forming exp."""
        with np.errstate(over="ignore"):
            return self.cdf(np.exp(log_x))
