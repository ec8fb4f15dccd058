"""Factories that validate and name their parameter, and the dictionary form of every kind."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from brainflops.core.errors import InvalidValueError
from brainflops.params.distributions.base import Distribution, _named, _ordered, _real
from brainflops.params.distributions.compound import Mixture, Truncated
from brainflops.params.distributions.lognormal import LogNormal90, SplitLogNormal90
from brainflops.params.distributions.simple import LogUniform, Normal90, Point, Uniform


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

    A bound the distribution cannot reach anyway (its whole support, ``ppf`` at 0 and 1,
    lies inside it) is dropped, so bounded kinds stay what they are. A bound that only a
    negligible tail crosses (``cdf`` rounding to 0 or 1) is kept: the tail is still
    reachable in principle, and the bound is then the distribution's true end.
    """
    with _named(name):
        if base.kind == "truncated" or isinstance(base, Point):
            return base
        lowest, highest = (float(v) for v in base.ppf([0.0, 1.0]))
        low = None if minimum is None or lowest >= minimum else minimum
        high = None if maximum is None or highest <= maximum else maximum
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
