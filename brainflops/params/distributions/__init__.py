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

from brainflops.params.distributions.base import Distribution
from brainflops.params.distributions.compound import Mixture, Truncated
from brainflops.params.distributions.copula import copula_cholesky
from brainflops.params.distributions.lognormal import (
    LogNormal90,
    SplitLogNormal90,
    two_piece_lognormal_log,
)
from brainflops.params.distributions.simple import LogUniform, Normal90, Point, Uniform
from brainflops.params.distributions.specs import (
    KINDS,
    from_spec,
    lognormal90,
    loguniform,
    mixture,
    normal90,
    point,
    split_lognormal90,
    truncated,
    uniform,
)

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
