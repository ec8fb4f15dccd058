"""The interface every trend model shares, in log10 space.

Every model predicts ``log10(value)`` as a function of the decimal year, so values from
1e-30 to 1e300 (and targets such as 1e43 FLOP/s) never overflow:

* :meth:`TrendModel.log10_value` -- the fitted curve;
* :meth:`TrendModel.crossing_year` -- the first year from which the curve stays at or above a
  target (``math.inf`` when never, ``-math.inf`` when always);
* :meth:`TrendModel.crossing_year_samples` -- crossing years under parameter draws from the
  fit's uncertainty;
* :attr:`TrendModel.doubling_time_years` and :attr:`TrendModel.doubling_time_interval`;
* :meth:`TrendModel.to_dict`, a JSON-able summary.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from brainflops.core.errors import InvalidValueError
from brainflops.forecast.trends.series import (
    CONFIDENCE,
    LOG10_2,
    FloatArray,
    RngLike,
    _check_log10,
    _check_n,
    _log10_target,
    as_generator,
    never_as_null,
)

__all__ = ["TrendModel"]


def _t_quantile(dof: float) -> float:
    return float(stats.t.ppf(0.5 + CONFIDENCE / 2.0, dof)) if dof > 0 else math.inf


def _mvt_draws(
    mean: FloatArray,
    cov: FloatArray,
    dof: float,
    n: int,
    rng: np.random.Generator,
) -> FloatArray:
    """``n`` draws from the multivariate t with scale ``cov`` (``dof`` = inf: the normal)."""
    if not np.any(cov):  # an exact model (built by hand): every draw is the point estimate
        return np.tile(mean, (n, 1))
    df = dof if math.isfinite(dof) and dof > 0 else np.inf
    dist = stats.multivariate_t(loc=mean, shape=cov, df=df, allow_singular=True)
    return np.asarray(dist.rvs(size=n, random_state=rng), dtype=np.float64).reshape(n, -1)


def _doubling_from_slope(slope: float) -> float:
    """Doubling time in years of a log10 slope (decades per year); inf when not growing."""
    return LOG10_2 / slope if slope > 0 else math.inf


def _doubling_interval(slope: float, se: float, dof: float) -> tuple[float, float]:
    half = _t_quantile(dof) * se
    return _doubling_from_slope(slope + half), _doubling_from_slope(slope - half)


class TrendModel(ABC):
    """Common interface of every trend model (all quantities in log10 of the series' unit).

    Subclasses implement the curve and the crossing rule on batches of parameters
    (:meth:`_curve`, :meth:`_cross`), their point estimate (:meth:`_point`) and parameter
    draws (:meth:`_draw`); this class builds the public methods from them. Draws depend
    only on ``n`` and the generator, never on the target, so two calls with equally seeded
    generators use the same parameter draws (common random numbers).
    """

    model: ClassVar[str]
    unit: str

    # ---- to implement
    @abstractmethod
    def _point(self) -> dict[str, FloatArray]:
        """Point-estimate parameters as 0-d arrays."""

    @abstractmethod
    def _draw(self, n: int, rng: np.random.Generator) -> dict[str, FloatArray]:
        """``n`` parameter draws from the fit uncertainty, as arrays of shape ``(n,)``."""

    @staticmethod
    @abstractmethod
    def _curve(params: Mapping[str, FloatArray], year: FloatArray) -> FloatArray:
        """log10 value at ``year`` (broadcast against the parameter arrays)."""

    @staticmethod
    @abstractmethod
    def _cross(params: Mapping[str, FloatArray], log10_target: FloatArray) -> FloatArray:
        """Crossing year of ``log10_target`` (broadcast against the parameter arrays)."""

    @property
    @abstractmethod
    def doubling_time_years(self) -> float:
        """Doubling time in years (``inf`` when the trend does not grow)."""

    @property
    @abstractmethod
    def doubling_time_interval(self) -> tuple[float, float] | None:
        """95 % interval of the doubling time, or ``None`` when the model has none."""

    @abstractmethod
    def _details(self) -> dict[str, Any]:
        """Model-specific entries of :meth:`to_dict`."""

    # ---- public API
    def log10_value(self, year: ArrayLike) -> FloatArray:
        """Return the fitted ``log10(value)`` at ``year`` (decimal years, any shape)."""
        years = np.asarray(year, dtype=float)
        with np.errstate(all="ignore"):
            return np.asarray(self._curve(self._point(), years), dtype=float)

    def crossing_year_log10(self, log10_target: ArrayLike) -> FloatArray:
        """Vectorised :meth:`crossing_year` for targets given as log10 values."""
        targets = _check_log10(log10_target)
        with np.errstate(all="ignore"):
            return np.asarray(self._cross(self._point(), targets), dtype=float)

    def crossing_year(self, target: float) -> float:
        """Return the first year from which the trend stays at or above ``target``.

        Parameters
        ----------
        target:
            Value in the series' unit (e.g. FLOP/s), positive and finite.

        Returns
        -------
        float
            Decimal year; ``math.inf`` when the trend never reaches the target and
            ``-math.inf`` when it is above it at all times.
        """
        log10_target = _log10_target(target)
        if log10_target.ndim != 0:
            raise InvalidValueError(name="target", reason="expected one number")
        return float(self.crossing_year_log10(log10_target))

    def crossing_year_samples_log10(
        self,
        log10_target: ArrayLike,
        n: int,
        rng: RngLike = None,
    ) -> FloatArray:
        """Crossing years of ``log10_target`` under ``n`` parameter draws.

        ``log10_target`` is a scalar or an array of shape ``(n,)``; element ``i`` is crossed
        under draw ``i``.
        """
        n = _check_n(n)
        targets = _check_log10(log10_target)
        if targets.ndim not in (0, 1) or (targets.ndim == 1 and targets.size not in (1, n)):
            raise InvalidValueError(
                name="log10_target", reason=f"expected a scalar or {n} values, got {targets.shape}"
            )
        params = self._draw(n, as_generator(rng))
        with np.errstate(all="ignore"):
            out = self._cross(params, targets.reshape(-1) if targets.ndim else targets)
        return np.broadcast_to(np.asarray(out, dtype=float), (n,)).copy()

    def crossing_year_samples(self, target: ArrayLike, n: int, rng: RngLike = None) -> FloatArray:
        """Crossing years of ``target`` (series unit) under ``n`` draws of the fit uncertainty.

        Returns an array of shape ``(n,)``, ``inf`` where a draw never reaches the target.
        ``target`` may be a scalar or ``n`` values (one per draw).
        """
        return self.crossing_year_samples_log10(_log10_target(target), n, rng)

    def sample_log10_values(self, year: ArrayLike, n: int, rng: RngLike = None) -> FloatArray:
        """Curves under ``n`` parameter draws: an array of shape ``(n, len(year))``."""
        n = _check_n(n)
        years = np.atleast_1d(np.asarray(year, dtype=float))
        params = {k: v[:, None] for k, v in self._draw(n, as_generator(rng)).items()}
        with np.errstate(all="ignore"):
            out = self._curve(params, years[None, :])
        return np.broadcast_to(np.asarray(out, dtype=float), (n, years.size)).copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary.

        ``doubling_time_years`` and a bound of ``doubling_time_interval`` are ``null``
        where unbounded: the trend (or that end of its interval) does not grow.
        """
        interval = self.doubling_time_interval
        out: dict[str, Any] = {
            "model": self.model,
            "unit": self.unit,
            "doubling_time_years": never_as_null(self.doubling_time_years),
            "doubling_time_interval": None
            if interval is None
            else [never_as_null(bound) for bound in interval],
            "confidence": CONFIDENCE,
        }
        out.update(self._details())
        return out
