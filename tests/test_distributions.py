"""Tests for brainflops.params.distributions."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.optimize import brentq

from brainflops.core.constants import Z90
from brainflops.core.errors import InvalidValueError
from brainflops.params.distributions import (
    KINDS,
    Distribution,
    Truncated,
    copula_cholesky,
    from_spec,
    lognormal90,
    loguniform,
    mixture,
    normal90,
    point,
    split_lognormal90,
    truncated,
    two_piece_lognormal_log,
    uniform,
)

SEED = 20240601
LN10 = math.log(10.0)

EXAMPLES: dict[str, Distribution] = {
    "lognormal90": lognormal90(1e13, 1e17),
    "normal90": normal90(-3.0, 7.0),
    "uniform": uniform(2.0, 5.0),
    "loguniform": loguniform(1e-3, 1e4),
    "point": point(86e9),
    "mixture": mixture([(1.0, lognormal90(1e13, 1e15)), (3.0, loguniform(1e15, 1e18))]),
    "mixed-sign mixture": mixture([(2.0, normal90(-1.0, 1.0)), (1.0, lognormal90(10.0, 1e3))]),
    "nested mixture": mixture(
        [(0.2, point(5e14)), (0.8, mixture([(1, uniform(1e13, 2e13)), (1, lognormal90(1, 2))]))]
    ),
}
CONTINUOUS = ["lognormal90", "normal90", "uniform", "loguniform", "mixture", "mixed-sign mixture"]


def close_log(actual: float, expected: float, rel: float = 1e-9) -> bool:
    return math.isclose(actual, expected, rel_tol=rel, abs_tol=rel)


# ---------------------------------------------------------------------------- lognormal90


@settings(deadline=None, max_examples=60)
@given(exp_lo=st.floats(-30, 300), gap=st.floats(0.01, 40))
def test_lognormal90_round_trips_its_interval(exp_lo: float, gap: float) -> None:
    assume(exp_lo + gap <= 307)
    lo, hi = 10.0**exp_lo, 10.0 ** (exp_lo + gap)
    d = lognormal90(lo, hi)
    log_lo, log_hi = d.log_ppf([0.05, 0.95])
    assert close_log(log_lo, math.log(lo))
    assert close_log(log_hi, math.log(hi))
    assert np.allclose(d.ppf([0.05, 0.95]), [lo, hi], rtol=1e-9, atol=0)
    assert d.interval90() == (lo, hi)
    assert close_log(math.log(d.median), (math.log(lo) + math.log(hi)) / 2, rel=1e-12)


def test_lognormal90_median_is_geometric_mean() -> None:
    assert lognormal90(4.0, 9.0).median == 6.0
    assert lognormal90(1e13, 1e17).median == pytest.approx(math.sqrt(1e13 * 1e17), rel=1e-15)
    assert float(lognormal90(1e13, 1e17).ppf(0.5)) == pytest.approx(1e15, rel=1e-14)


def test_lognormal90_worked_example_matches_scipy() -> None:
    d = lognormal90(1e13, 1e17)
    assert d.sigma == pytest.approx(2.7997, abs=5e-5)
    assert d.sigma == pytest.approx(math.log(1e4) / (2 * 1.6448536269514722), rel=1e-12)
    reference = stats.lognorm(s=d.sigma, scale=math.exp(d.mu))
    mean = math.exp(d.mu + d.sigma**2 / 2)
    assert mean == pytest.approx(5.04e16, rel=2e-3)
    assert reference.mean() == pytest.approx(mean, rel=1e-12)
    q = np.array([1e-9, 0.05, 0.3, 0.5, 0.95, 1 - 1e-9])
    assert np.allclose(d.ppf(q), reference.ppf(q), rtol=1e-10)
    x = np.array([1e10, 1e13, 3e15, 1e17, 1e20])
    assert np.allclose(d.cdf(x), reference.cdf(x), rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize(
    ("lo", "hi"), [(1e250, 1e290), (1e-300, 1e-250), (1e-300, 1e300), (1e300, 1e308)]
)
def test_log_ppf_stays_finite_beyond_double_range(lo: float, hi: float) -> None:
    d = lognormal90(lo, hi)
    q = np.array([1e-300, 1e-16, 0.05, 0.5, 0.95, 1 - 1e-16])
    logs = d.log_ppf(q)
    assert np.isfinite(logs).all()
    assert np.all(np.diff(logs) > 0)
    assert close_log(logs[2], math.log(lo))
    values = d.ppf(q)  # saturates at 0 / inf (warnings are errors under pytest)
    assert np.all(np.diff(values) >= 0)


def test_log_ppf_goes_beyond_what_ppf_can_represent() -> None:
    huge = lognormal90(1e250, 1e290)
    assert float(huge.log_ppf(1 - 1e-12)) > 710  # exp would overflow a double
    assert float(huge.ppf(1 - 1e-12)) == math.inf
    tiny = lognormal90(1e-300, 1e-250)
    assert float(tiny.log_ppf(1e-12)) < -745  # exp would underflow to 0
    assert float(tiny.ppf(1e-12)) == 0.0


@settings(deadline=None, max_examples=40)
@given(
    exp_lo=st.floats(-20, 20),
    gap=st.floats(0.01, 10),
    extra=st.floats(0, 10),
    q=st.floats(0.5, 1.0),
)
def test_widening_hi_never_lowers_upper_quantiles(
    exp_lo: float, gap: float, extra: float, q: float
) -> None:
    narrow = lognormal90(10.0**exp_lo, 10.0 ** (exp_lo + gap))
    wide = lognormal90(10.0**exp_lo, 10.0 ** (exp_lo + gap + extra))
    assert wide.median >= narrow.median
    assert wide.ppf(q) >= narrow.ppf(q)
    assert wide.log_ppf(q) >= narrow.log_ppf(q)


# ------------------------------------------------------------------------- other kinds


def test_normal90_interval_and_moments() -> None:
    d = normal90(10.0, 20.0)
    assert d.interval90() == (10.0, 20.0)
    assert d.median == 15.0
    assert np.allclose(d.ppf([0.05, 0.95]), [10.0, 20.0], rtol=1e-14)
    reference = stats.norm(15.0, 5.0 / 1.6448536269514722)
    assert np.allclose(d.cdf([8.0, 15.0, 21.0]), reference.cdf([8.0, 15.0, 21.0]), rtol=1e-12)
    assert not d.positive


def test_uniform_and_loguniform_endpoints_and_median() -> None:
    u = uniform(2.0, 4.0)
    assert u.ppf([0.0, 0.5, 1.0]).tolist() == [2.0, 3.0, 4.0]
    assert u.cdf([1.0, 3.0, 5.0]).tolist() == [0.0, 0.5, 1.0]
    assert u.positive
    assert not uniform(0.0, 1.0).positive
    lu = loguniform(1e-3, 1e4)
    ends = lu.ppf([0.0, 1.0])
    assert np.allclose(ends, [1e-3, 1e4], rtol=1e-15, atol=0)
    assert 1e-3 <= ends[0] < ends[1] <= 1e4
    assert lu.median == pytest.approx(math.sqrt(10.0), rel=1e-15)
    assert float(lu.log_ppf(0.5)) == pytest.approx(0.5 * math.log(10.0), rel=1e-14)
    assert lu.cdf([1e-4, 1e-3, 1e4, 1e5]).tolist() == [0.0, 0.0, 1.0, 1.0]
    assert uniform(-1.0, 1.0).interval90() == pytest.approx((-0.9, 0.9))


def test_point_is_constant() -> None:
    d = point(7.0)
    assert d.ppf([0.0, 0.3, 1.0]).tolist() == [7.0, 7.0, 7.0]
    assert d.cdf([6.9, 7.0]).tolist() == [0.0, 1.0]
    assert d.log_ppf([0.5]).tolist() == [math.log(7.0)]
    assert d.median == 7.0
    assert d.interval90() == (7.0, 7.0)
    assert d.sample(3, np.random.default_rng(SEED)).tolist() == [7.0, 7.0, 7.0]


@pytest.mark.parametrize(
    "d",
    [
        normal90(1.0, 2.0),
        uniform(0.0, 1.0),
        point(0.0),
        point(-1.0),
        EXAMPLES["mixed-sign mixture"],
    ],
)
def test_log_ppf_rejects_distributions_with_non_positive_values(d: Distribution) -> None:
    assert not d.positive
    with pytest.raises(InvalidValueError, match="positive"):
        d.log_ppf([0.5])


def test_positive_flags() -> None:
    for name in ("lognormal90", "uniform", "loguniform", "point", "mixture", "nested mixture"):
        assert EXAMPLES[name].positive, name
    assert not EXAMPLES["normal90"].positive


def test_ppf_of_scalar_and_shape() -> None:
    d = EXAMPLES["lognormal90"]
    assert d.ppf(0.5).shape == ()
    assert d.ppf(np.full((2, 3), 0.5)).shape == (2, 3)
    assert EXAMPLES["mixture"].ppf(np.full((2, 3), 0.5)).shape == (2, 3)
    assert EXAMPLES["mixture"].ppf([]).shape == (0,)


@pytest.mark.parametrize("kind", CONTINUOUS)
def test_ppf_inverts_cdf(kind: str) -> None:
    d = EXAMPLES[kind]
    q = np.linspace(0.001, 0.999, 999)
    assert np.allclose(d.cdf(d.ppf(q)), q, rtol=0, atol=1e-9)


def test_ppf_at_zero_and_one_gives_the_ends_of_the_support() -> None:
    assert lognormal90(1.0, 10.0).ppf([0.0, 1.0]).tolist() == [0.0, math.inf]
    assert lognormal90(1.0, 10.0).log_ppf([0.0, 1.0]).tolist() == [-math.inf, math.inf]
    assert normal90(1.0, 10.0).ppf([0.0, 1.0]).tolist() == [-math.inf, math.inf]
    m = mixture([(1, uniform(1.0, 2.0)), (1, uniform(3.0, 4.0))])
    assert m.ppf([0.0, 1.0]).tolist() == [1.0, 4.0]
    assert EXAMPLES["mixture"].ppf([0.0, 1.0]).tolist() == [0.0, math.inf]
    assert mixture([(1, loguniform(1.0, 2.0)), (1, point(3.0))]).ppf(0.0) == 1.0


# ---------------------------------------------------------------------------- mixtures


def reference_quantile(d: Distribution, q: float) -> float:
    """Mixture quantile by scalar Brent root finding, in log space."""
    guess = float(d.log_ppf(q))
    return brentq(
        lambda t: float(d.cdf(math.exp(t))) - q, guess - 2, guess + 2, xtol=1e-14, rtol=1e-15
    )


@settings(deadline=None, max_examples=40)
@given(q=st.floats(1e-6, 1 - 1e-6))
def test_mixture_quantile_matches_brent_to_1e10_relative(q: float) -> None:
    d = mixture([(1.0, lognormal90(1e13, 1e15)), (3.0, lognormal90(1e16, 1e18))])
    assert abs(float(d.log_ppf(q)) - reference_quantile(d, q)) < 1e-10
    assert float(d.cdf(d.ppf(q))) == pytest.approx(q, rel=1e-9)


def test_mixture_weights_are_normalised_and_order_respected() -> None:
    d = mixture([(2, point(1.0)), (6, point(2.0))])
    assert d.weights == (0.25, 0.75)
    assert np.allclose(d.ppf([0.2, 0.25, 0.26, 1.0]), [1.0, 1.0, 2.0, 2.0], rtol=1e-15)
    assert d.median == pytest.approx(2.0, rel=1e-15)


def test_mixture_quantile_at_an_atom_and_in_a_gap() -> None:
    d = mixture([(0.5, point(1.0)), (0.5, uniform(2.0, 4.0))])
    assert d.ppf([0.1, 0.5]).tolist() == [1.0, 1.0]  # inside the atom's mass
    assert float(d.ppf(0.75)) == pytest.approx(3.0, rel=1e-11)
    gap = mixture([(1, uniform(1.0, 2.0)), (1, uniform(3.0, 4.0))])
    # cdf is 0.5 on [2, 3]; the quantile is the smallest such x.
    assert float(gap.ppf(0.5)) == pytest.approx(2.0, rel=1e-11)
    interior_atom = mixture([(1, lognormal90(1e13, 1e18)), (1, point(3e15))])
    mass_below = 0.5 * float(lognormal90(1e13, 1e18).cdf(3e15))
    q = np.linspace(mass_below + 1e-6, mass_below + 0.5 - 1e-6, 7)
    assert np.allclose(interior_atom.ppf(q), 3e15, rtol=1e-11)


def test_mixture_of_extreme_components_in_log_space() -> None:
    d = mixture([(1, lognormal90(1e250, 1e290)), (1, lognormal90(1e-300, 1e-250))])
    q = np.array([1e-12, 0.25, 0.5, 0.75, 1 - 1e-12])
    logs = d.log_ppf(q)
    assert np.isfinite(logs).all()
    assert np.all(np.diff(logs) > 0)
    assert logs[0] < -745 < 710 < logs[-1]


def test_mixed_sign_mixture_in_linear_space() -> None:
    d = EXAMPLES["mixed-sign mixture"]
    # Not too near q = 1: there the CDF's own rounding (1e-16 absolute) limits any inversion.
    q = np.array([1e-9, 0.1, 0.5, 0.7, 0.9, 1 - 1e-6])
    x = d.ppf(q)
    for qi, xi in zip(q, x, strict=True):
        ref = brentq(lambda t, qi=qi: float(d.cdf(t)) - qi, -100, 1e7, xtol=1e-300, rtol=1e-15)
        assert xi == pytest.approx(ref, rel=1e-10)


def test_linear_space_mixture_spanning_hundreds_of_decades() -> None:
    tiny = lognormal90(1e-290, 1e-280)
    # Not positive, so searched on the values, in brackets such as [-3, 3e4].
    d = mixture([(1, point(-3.0)), (1, tiny), (2, uniform(1e4, 5e4))])
    q = np.array([0.2501, 0.3, 0.4, 0.45, 0.4999])
    assert np.allclose(d.ppf(q), tiny.ppf(4 * q - 1), rtol=1e-10, atol=0)
    assert d.ppf([0.1, 0.25]).tolist() == [-3.0, -3.0]
    assert float(d.ppf(0.75)) == pytest.approx(3e4, rel=1e-12)


# ---------------------------------------------------------------------------- sampling


@pytest.mark.parametrize("kind", CONTINUOUS)
def test_samples_follow_the_distribution(kind: str) -> None:
    d = EXAMPLES[kind]
    x = d.sample(50_000, np.random.default_rng(SEED))
    assert stats.kstest(x, d.cdf).pvalue > 1e-3


def test_sample_quantiles_near_ppf() -> None:
    d = lognormal90(1e13, 1e17)
    x = d.sample(200_000, np.random.default_rng(SEED))
    q = np.array([0.05, 0.25, 0.5, 0.75, 0.95])
    assert np.allclose(np.log(np.quantile(x, q)), d.log_ppf(q), atol=0.03)


def test_same_seed_gives_same_samples() -> None:
    for d in EXAMPLES.values():
        a = d.sample(1000, np.random.default_rng(SEED))
        b = d.sample(1000, np.random.default_rng(SEED))
        assert np.array_equal(a, b)
    c = EXAMPLES["lognormal90"].sample(1000, np.random.default_rng(SEED + 1))
    assert not np.array_equal(c, EXAMPLES["lognormal90"].sample(1000, np.random.default_rng(SEED)))


def test_sample_uses_common_random_numbers() -> None:
    a = lognormal90(1.0, 100.0).sample(1000, np.random.default_rng(SEED))
    b = lognormal90(2.0, 200.0).sample(1000, np.random.default_rng(SEED))
    assert np.allclose(b, 2 * a, rtol=1e-12)
    assert EXAMPLES["normal90"].sample(0, np.random.default_rng(SEED)).shape == (0,)


def test_sample_never_hits_the_ends_of_an_open_interval() -> None:
    class ZeroFirst(np.random.Generator):
        def random(self, size: Any = None, *args: Any, **kwargs: Any) -> Any:
            out = super().random(size, *args, **kwargs)
            out[0] = 0.0
            return out

    rng = ZeroFirst(np.random.PCG64(SEED))
    x = lognormal90(1.0, 10.0).sample(5, rng)
    assert np.isfinite(x).all()
    assert x[0] > 0


# ---------------------------------------------------------------- scaling and specs


@settings(deadline=None, max_examples=30)
@given(factor=st.floats(1e-6, 1e6))
def test_scaled_is_exact(factor: float) -> None:
    assert lognormal90(1e13, 1e17).scaled(factor) == lognormal90(1e13 * factor, 1e17 * factor)
    assert normal90(-1.0, 3.0).scaled(factor) == normal90(-factor, 3.0 * factor)
    assert uniform(2.0, 5.0).scaled(factor) == uniform(2.0 * factor, 5.0 * factor)
    assert loguniform(1e-3, 1e4).scaled(factor) == loguniform(1e-3 * factor, 1e4 * factor)
    assert point(7.0).scaled(factor) == point(7.0 * factor)
    m = mixture([(1, point(2.0)), (3, lognormal90(1.0, 9.0))])
    assert m.scaled(factor) == mixture(
        [(1, point(2.0 * factor)), (3, lognormal90(factor, 9.0 * factor))]
    )


@pytest.mark.parametrize("factor", [1e-6, 1e3])
@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_scaled_scales_every_quantile(kind: str, factor: float) -> None:
    d = EXAMPLES[kind]
    q = np.linspace(0.01, 0.99, 9)
    assert np.allclose(d.scaled(factor).ppf(q), factor * d.ppf(q), rtol=1e-9)


def test_scaled_converts_units() -> None:
    khz = lognormal90(0.1, 10.0)
    hz = khz.scaled(1e3)
    assert hz.interval90() == (100.0, 10_000.0)
    assert hz.median == pytest.approx(1e3 * khz.median, rel=1e-15)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_spec_round_trip(name: str) -> None:
    d = EXAMPLES[name]
    spec = d.to_spec()
    assert spec["kind"] == d.kind
    assert from_spec(spec) == d
    assert from_spec(json.loads(json.dumps(spec))) == d


def test_spec_forms() -> None:
    assert lognormal90(1.0, 2.0).to_spec() == {"kind": "lognormal90", "low": 1.0, "high": 2.0}
    assert point(3.0).to_spec() == {"kind": "point", "value": 3.0}
    spec = mixture([(1, point(1.0)), (1, uniform(0.0, 1.0))]).to_spec()
    assert spec == {
        "kind": "mixture",
        "components": [
            {"weight": 0.5, "kind": "point", "value": 1.0},
            {"weight": 0.5, "kind": "uniform", "low": 0.0, "high": 1.0},
        ],
    }
    assert from_spec({"kind": "loguniform", "low": 1, "high": 10}) == loguniform(1.0, 10.0)
    assert set(KINDS) == {
        "lognormal90",
        "split_lognormal90",
        "normal90",
        "uniform",
        "loguniform",
        "point",
        "mixture",
        "truncated",
    }


def test_mixture_spec_with_unnormalised_weights_round_trips() -> None:
    d = mixture([(1, point(1.0)), (1, point(2.0)), (1, point(3.0))])
    assert from_spec(d.to_spec()) == d
    assert from_spec(from_spec(d.to_spec()).to_spec()) == d


# ------------------------------------------------------------------------------ errors

NAN, INF = math.nan, math.inf

FACTORY_ERRORS: list[tuple[Callable[..., Distribution], tuple[Any, ...], str]] = [
    (lognormal90, (5.0, 5.0), "low < high"),
    (lognormal90, (5.0, 3.0), "low < high"),
    (lognormal90, (0.0, 3.0), "low > 0"),
    (lognormal90, (-1.0, 3.0), "low > 0"),
    (lognormal90, (NAN, 3.0), "finite"),
    (lognormal90, (1.0, INF), "finite"),
    (lognormal90, ("1", 3.0), "real number"),
    (normal90, (2.0, 1.0), "low < high"),
    (normal90, (-INF, 1.0), "finite"),
    (uniform, (1.0, 1.0), "low < high"),
    (uniform, (1.0, NAN), "finite"),
    (uniform, (-1e308, 1e308), "overflows"),
    (loguniform, (0.0, 1.0), "low > 0"),
    (loguniform, (3.0, 2.0), "low < high"),
    (point, (NAN,), "finite"),
    (point, (INF,), "finite"),
    (point, (True,), "real number"),
    (mixture, ([],), "at least one"),
    (mixture, ([(0.0, point(1.0))],), "> 0"),
    (mixture, ([(1.0, point(1.0)), (-2.0, point(2.0))],), "> 0"),
    (mixture, ([(NAN, point(1.0))],), "finite"),
    (mixture, ([(1.0, "x")],), "Distribution"),
    (mixture, ([point(1.0)],), "pair"),
]


@pytest.mark.parametrize(("factory", "args", "reason"), FACTORY_ERRORS)
def test_factory_errors_name_the_parameter(
    factory: Callable[..., Distribution], args: tuple[Any, ...], reason: str
) -> None:
    with pytest.raises(InvalidValueError, match=r"^synapse_count: .*" + reason) as info:
        factory(*args, name="synapse_count")
    assert info.value.name == "synapse_count"
    with pytest.raises(InvalidValueError, match=reason):
        factory(*args)


@pytest.mark.parametrize("q", [-0.1, 1.1, NAN, [0.5, 2.0], [NAN, 0.5]])
@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_ppf_rejects_probabilities_outside_unit_interval(kind: str, q: Any) -> None:
    d = EXAMPLES[kind]
    with pytest.raises(InvalidValueError, match=r"^q: ") as info:
        d.ppf(q)
    assert info.value.name == "q"
    if d.positive:
        with pytest.raises(InvalidValueError, match=r"^q: "):
            d.log_ppf(q)


@pytest.mark.parametrize("n", [-1, 2.5, True, "10"])
def test_sample_rejects_bad_sizes(n: Any) -> None:
    with pytest.raises(InvalidValueError, match=r"^n: "):
        EXAMPLES["lognormal90"].sample(n, np.random.default_rng(SEED))


def test_sample_requires_a_generator() -> None:
    with pytest.raises(InvalidValueError, match=r"^rng: .*Generator"):
        EXAMPLES["lognormal90"].sample(3, 42)  # type: ignore[arg-type]


@pytest.mark.parametrize("factor", [0.0, -2.0, NAN, INF])
def test_scaled_rejects_bad_factors(factor: float) -> None:
    with pytest.raises(InvalidValueError, match=r"^factor: "):
        EXAMPLES["lognormal90"].scaled(factor)


def test_scaled_rejects_overflow() -> None:
    with pytest.raises(InvalidValueError, match="finite"):
        lognormal90(1.0, 1e300).scaled(1e10)


def test_cdf_rejects_nan() -> None:
    with pytest.raises(InvalidValueError, match=r"^x: "):
        EXAMPLES["normal90"].cdf([0.0, NAN])


SPEC_ERRORS: list[tuple[Any, str]] = [
    ({"kind": "gamma", "low": 1, "high": 2}, "unknown distribution kind 'gamma'; valid kinds: "),
    ({"low": 1, "high": 2}, "missing key 'kind'"),
    ({"kind": ["point"], "value": 1}, r"unknown distribution kind \['point'\]"),
    ({"kind": "lognormal90", "low": 1}, "missing key 'high'"),
    ({"kind": "lognormal90", "low": 1, "high": 2, "median": 3}, "unexpected key 'median'"),
    ({"kind": "point", "x": 1}, "missing key 'value'"),
    ({"kind": "lognormal90", "low": -1, "high": 2}, "low > 0"),
    ({"kind": "normal90", "low": "1", "high": 2}, "real number"),
    ({"kind": "mixture", "components": []}, "non-empty list"),
    ({"kind": "mixture", "components": [{"kind": "point", "value": 1}]}, "missing key 'weight'"),
    (
        {"kind": "mixture", "components": [{"weight": 1, "kind": "uniform", "low": 2, "high": 1}]},
        r"components\[0\]: uniform needs low < high",
    ),
    ({"kind": "mixture", "components": [{"weight": 0, "kind": "point", "value": 1}]}, "> 0"),
    ("lognormal90", "must be a table"),
]


@pytest.mark.parametrize(("spec", "reason"), SPEC_ERRORS)
def test_from_spec_errors_name_the_parameter(spec: Any, reason: str) -> None:
    with pytest.raises(InvalidValueError, match=r"^synapse_count: .*" + reason) as info:
        from_spec(spec, name="synapse_count")
    assert info.value.name == "synapse_count"


def test_unknown_kind_lists_every_valid_kind() -> None:
    with pytest.raises(InvalidValueError) as info:
        from_spec({"kind": "beta"}, name="p")
    assert all(kind in str(info.value) for kind in KINDS)


# ----------------------------------------------------------------- monotone quantiles

DISTRIBUTIONS = st.one_of(
    st.builds(
        lambda e, g: lognormal90(10.0**e, 10.0 ** (e + g)), st.floats(-30, 30), st.floats(0.01, 20)
    ),
    st.builds(lambda a, w: normal90(a, a + w), st.floats(-1e6, 1e6), st.floats(1e-3, 1e6)),
    st.builds(lambda a, w: uniform(a, a + w), st.floats(-1e6, 1e6), st.floats(1e-3, 1e6)),
    st.builds(
        lambda e, g: loguniform(10.0**e, 10.0 ** (e + g)), st.floats(-30, 30), st.floats(0.01, 20)
    ),
    st.builds(point, st.floats(-1e6, 1e6)),
)
MIXTURES = st.lists(st.tuples(st.floats(0.01, 10), DISTRIBUTIONS), min_size=1, max_size=3).map(
    mixture
)


@settings(deadline=None, max_examples=80)
@given(d=st.one_of(DISTRIBUTIONS, MIXTURES), q1=st.floats(0, 1), q2=st.floats(0, 1))
def test_ppf_is_monotone(d: Distribution, q1: float, q2: float) -> None:
    lo, hi = sorted((q1, q2))
    x_lo, x_hi = d.ppf([lo, hi])
    # A mixture quantile is found to 1e-12 relative, so it is monotone to that tolerance.
    rel = 1e-11 if d.kind == "mixture" else 0.0
    assert x_lo <= x_hi or x_lo - x_hi <= rel * abs(x_hi)
    if d.positive:
        log_lo, log_hi = d.log_ppf([lo, hi])
        assert log_lo <= log_hi or log_lo - log_hi <= rel
    assert d.ppf(0.0) <= d.median <= d.ppf(1.0)


# ----------------------------------------------------------------- correlated uniforms

N_CORR = 20_000


def correlated_uniforms(
    n: int, names: list[str], corr: dict[Any, float], rng: np.random.Generator
) -> np.ndarray:
    """The package's copula (as uncertainty.samples uses it), mapped to uniforms."""
    factor = copula_cholesky(names, corr)
    return stats.norm.cdf(factor @ rng.standard_normal((len(names), n))).T


def achieved_rank_correlation(u: np.ndarray) -> np.ndarray:
    return np.corrcoef(stats.rankdata(u, axis=0), rowvar=False)


def pearson_of(rho: float) -> float:
    return 2 * math.sin(math.pi * rho / 6)


@settings(deadline=None, max_examples=15)
@given(rho=st.floats(-0.9, 0.9))
def test_two_variables_achieve_requested_rank_correlation(rho: float) -> None:
    u = correlated_uniforms(N_CORR, ["a", "b"], {("a", "b"): rho}, np.random.default_rng(SEED))
    assert u.shape == (N_CORR, 2)
    assert abs(achieved_rank_correlation(u)[0, 1] - rho) < 0.02


@settings(deadline=None, max_examples=15)
@given(rhos=st.tuples(st.floats(-0.9, 0.9), st.floats(-0.9, 0.9), st.floats(-0.9, 0.9)))
def test_three_variables_achieve_requested_rank_correlations(
    rhos: tuple[float, float, float],
) -> None:
    ab, ac, bc = rhos
    p_ab, p_ac, p_bc = (pearson_of(rho) for rho in rhos)
    r = np.array([[1.0, p_ab, p_ac], [p_ab, 1.0, p_bc], [p_ac, p_bc, 1.0]])
    assume(np.linalg.eigvalsh(r).min() > 0.05)
    wanted = {("a", "b"): ab, ("a", "c"): ac, ("c", "b"): bc}
    u = correlated_uniforms(N_CORR, ["a", "b", "c"], wanted, np.random.default_rng(SEED))
    achieved = achieved_rank_correlation(u)
    assert abs(achieved[0, 1] - ab) < 0.02
    assert abs(achieved[0, 2] - ac) < 0.02
    assert abs(achieved[1, 2] - bc) < 0.02


@pytest.mark.parametrize("rho", [0.6, -0.6])
def test_rank_correlation_is_converted_for_the_normal_copula(rho: float) -> None:
    # Using rho itself as the normal correlation would give 6/pi asin(rho/2) = 0.582,
    # a gap the 0.02 tolerance above cannot see; with more draws this one can.
    u = correlated_uniforms(200_000, ["a", "b"], {("a", "b"): rho}, np.random.default_rng(SEED))
    assert abs(achieved_rank_correlation(u)[0, 1] - rho) < 0.006


def test_correlated_marginals_are_uniform_on_the_open_interval() -> None:
    wanted = {("a", "b"): 0.8, ("b", "c"): -0.5}
    u = correlated_uniforms(N_CORR, ["a", "b", "c"], wanted, np.random.default_rng(SEED))
    for j in range(3):
        assert stats.kstest(u[:, j], "uniform").pvalue > 1e-3
    assert (u > 0).all()
    assert (u < 1).all()


def test_correlated_columns_give_correlated_samples() -> None:
    u = correlated_uniforms(N_CORR, ["x", "y"], {("x", "y"): -0.6}, np.random.default_rng(SEED))
    x = lognormal90(1e13, 1e17).ppf(u[:, 0])
    y = normal90(0.0, 1.0).ppf(u[:, 1])
    assert stats.spearmanr(x, y).statistic == pytest.approx(-0.6, abs=0.02)


def test_a_pair_may_be_listed_both_ways_with_the_same_value() -> None:
    both = {("a", "b"): 0.3, ("b", "a"): 0.3}
    once = {("a", "b"): 0.3}
    assert np.array_equal(
        correlated_uniforms(100, ["a", "b"], both, np.random.default_rng(SEED)),
        correlated_uniforms(100, ["a", "b"], once, np.random.default_rng(SEED)),
    )


@pytest.mark.parametrize(
    ("names", "corr", "reason"),
    [
        (
            ["a", "b", "c"],
            {("a", "b"): 0.9, ("b", "c"): 0.9, ("a", "c"): -0.9},
            "positive definite",
        ),
        (["a", "b"], {("a", "z"): 0.5}, "'z'"),
        (["a", "b"], {("a", "a"): 0.5}, "itself"),
        (["a", "b"], {("a", "b"): 1.5}, r"\[-1, 1\]"),
        (["a", "b"], {("a", "b"): NAN}, "finite"),
        (["a", "b"], {("a", "b"): 0.5, ("b", "a"): 0.4}, "twice"),
        (["a", "b"], {"ab": 0.5}, "pair"),
    ],
)
def test_correlation_errors(names: list[str], corr: dict[Any, float], reason: str) -> None:
    with pytest.raises(InvalidValueError, match=r"^rank_correlations: .*" + reason) as info:
        correlated_uniforms(10, names, corr, np.random.default_rng(SEED))
    assert info.value.name == "rank_correlations"


@pytest.mark.parametrize("rho", [1.0, -1.0])
def test_perfect_rank_correlation(rho: float) -> None:
    u = correlated_uniforms(1000, ["a", "b"], {("a", "b"): rho}, np.random.default_rng(SEED))
    assert achieved_rank_correlation(u)[0, 1] == pytest.approx(rho, abs=1e-6)


def test_duplicate_names_rejected() -> None:
    with pytest.raises(InvalidValueError, match=r"^names: .*duplicate"):
        correlated_uniforms(10, ["a", "a"], {}, np.random.default_rng(SEED))


# ---------------------------------------------------------------- split log-normal


@given(
    log_lo=st.floats(-30, 290),
    below=st.floats(0.01, 5),
    above=st.floats(0.01, 5),
)
def test_split_lognormal_keeps_stated_median_and_percentiles(log_lo, below, above) -> None:
    lo, mid, hi = 10.0**log_lo, 10.0 ** (log_lo + below), 10.0 ** (log_lo + below + above)
    d = split_lognormal90(lo, mid, hi)
    logs = d.log_ppf([0.05, 0.5, 0.95]) / math.log(10)
    assert logs == pytest.approx([log_lo, log_lo + below, log_lo + below + above], abs=1e-9)
    assert d.median == pytest.approx(mid)
    q = np.array([0.01, 0.2, 0.5, 0.7, 0.99])
    assert d.cdf(d.ppf(q)) == pytest.approx(q, abs=1e-9)
    assert from_spec(d.to_spec()) == d or d.kind == "lognormal90"


def test_split_lognormal_symmetric_range_is_plain_lognormal() -> None:
    assert split_lognormal90(10, 100, 1000) == lognormal90(10, 1000)
    assert split_lognormal90(2.4, 5, 6).kind == "split_lognormal90"


def test_split_lognormal_point_mass_half_and_scaling() -> None:
    d = split_lognormal90(75_000, 100_000, 100_000)
    assert d.ppf([0.5, 0.9, 1.0]) == pytest.approx([1e5, 1e5, 1e5])
    assert d.ppf([0.05])[0] == pytest.approx(75_000)
    assert d.cdf([1e5])[0] == 1.0
    assert d.scaled(2.0) == split_lognormal90(150_000, 200_000, 200_000)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 1, 2), "low > 0"),
        ((1, 5, 2), "median"),
        ((3, 4, 2), "low"),
        ((1, math.nan, 2), "finite"),
    ],
)
def test_split_lognormal_errors(args, message) -> None:
    with pytest.raises(InvalidValueError, match=message):
        split_lognormal90(*args, name="p")


# ---------------------------------------------------------------- truncation


@settings(deadline=None, max_examples=60)
@given(
    log_lo=st.floats(-3, 20),
    width=st.floats(0.05, 6),
    cut_low=st.floats(0.0, 0.9),
    cut_high=st.floats(0.0, 0.9),
    seed=st.integers(0, 2**32 - 1),
)
def test_truncated_draws_never_leave_the_bounds(log_lo, width, cut_low, cut_high, seed) -> None:
    lo, hi = 10.0**log_lo, 10.0 ** (log_lo + width)
    base = lognormal90(lo, hi)
    # Bounds anywhere from well inside to far outside the 90% range.
    minimum = float(base.ppf(cut_low * 0.5))
    maximum = float(base.ppf(1.0 - cut_high * 0.5))
    assume(0 < minimum < maximum)
    d = truncated(base, minimum=minimum if cut_low else None, maximum=maximum)
    z = np.random.default_rng(seed).standard_normal(2000) * 3
    logs = d.log_ppf_from_normal(z)
    if cut_low:
        assert logs.min() >= math.log(minimum)
    assert logs.max() <= math.log(maximum)
    x = d.sample(2000, np.random.default_rng(seed))
    assert x.max() <= maximum
    assert d.cdf(maximum) == pytest.approx(1.0)


def test_truncated_is_the_renormalised_conditional() -> None:
    base = lognormal90(50.0, 1000.0)
    d = truncated(base, maximum=1000.0)
    # Oracle: conditional CDF F(x) / F(1000) by direct formula.
    x = np.array([60.0, 200.0, 700.0])
    assert d.cdf(x) == pytest.approx(base.cdf(x) / base.cdf(1000.0), rel=1e-12)
    assert float(d.ppf(0.5)) == pytest.approx(float(base.ppf(0.5 * 0.95)), rel=1e-9)
    assert from_spec(d.to_spec()) == d
    assert d.scaled(2.0).maximum == 2000.0


def test_truncation_that_cannot_bite_is_dropped() -> None:
    assert truncated(uniform(1.0, 2.0), minimum=0.5, maximum=3.0) == uniform(1.0, 2.0)
    assert truncated(point(3.0), minimum=1.0) == point(3.0)
    with pytest.raises(InvalidValueError, match="none of the distribution"):
        Truncated(lognormal90(1.0, 2.0), minimum=1e6)
    with pytest.raises(InvalidValueError, match="minimum or a maximum"):
        Truncated(lognormal90(1.0, 2.0))


def test_two_piece_log_matches_split_lognormal() -> None:
    d = split_lognormal90(2.4, 5.0, 6.0)
    z = np.linspace(-3, 3, 13)
    below = math.log(5.0 / 2.4) / Z90
    above = math.log(6.0 / 5.0) / Z90
    # Independent oracle: the closed form, piece by piece.
    expected = np.where(z < 0, math.log(5.0) + z * below, math.log(5.0) + z * above)
    assert two_piece_lognormal_log(z, math.log(5.0), below, above) == pytest.approx(expected)
    assert d.log_ppf_from_normal(z) == pytest.approx(expected)


def test_few_point_normal_cdf_and_ppf_agree_with_scipy():
    # Building a distribution evaluates Phi and Phi^-1 at a few points with the standard
    # library (no scipy import); draws use scipy's ufuncs. Both must agree.
    from scipy.special import ndtr, ndtri

    from brainflops.params.distributions.base import normal_cdf, normal_ppf

    z = np.concatenate([np.linspace(-8, 8, 161), [-np.inf, np.inf, np.nan]])
    for chunk in np.array_split(z, 12):  # 12-14 points: the standard-library path
        np.testing.assert_allclose(normal_cdf(chunk), ndtr(chunk), rtol=1e-13, atol=0)
    q = np.concatenate([np.logspace(-15, -1, 60), np.linspace(0.02, 0.98, 49), [0.0, 1.0, 1.5]])
    q = np.concatenate([q, 1 - np.logspace(-15, -1, 60)])
    for chunk in np.array_split(q, 14):
        np.testing.assert_allclose(normal_ppf(chunk), ndtri(chunk), rtol=1e-13, atol=0)


def test_building_every_preset_imports_no_scipy_special():
    import subprocess
    import sys

    code = (
        "import sys, brainflops\n"
        "for name in brainflops.list_presets(variants=True): brainflops.load_preset(name)\n"
        "print('scipy.special' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    ).stdout
    assert out.strip() == "False"


def test_truncation_of_a_negligible_tail_clips_and_matches_the_exact_route():
    # A 1 kHz ceiling on a rate near 1 Hz cuts off far less than 1e-12 of the mass: the
    # fast route (the base's linear map, clipped) must agree with the exact renormalised
    # quantiles wherever draws happen, and never leave the bounds.
    from brainflops.params.distributions import lognormal90, truncated
    from brainflops.params.distributions.base import Distribution
    from brainflops.params.distributions.compound import NEGLIGIBLE_MASS

    dist = truncated(lognormal90(0.1, 2.0), minimum=1e-4, maximum=1000.0)
    low, high = dist._masses()
    assert low + (1 - high) < NEGLIGIBLE_MASS
    z = np.linspace(-6, 6, 1201)
    exact = Distribution.log_ppf_from_normal(dist, z)
    # (beyond 5 sd the round trip through Phi and its inverse itself loses digits: 1e-9)
    np.testing.assert_allclose(dist.log_ppf_from_normal(z), exact, rtol=0, atol=1e-7)
    extreme = dist.log_ppf_from_normal(np.array([-50.0, 50.0]))
    assert np.log(1e-4) <= extreme.min()
    assert extreme.max() <= np.log(1000.0)
    # A real cut (the 95th percentile) takes the exact route: the same answer as ppf.
    cut = truncated(lognormal90(50.0, 1000.0), maximum=1000.0)
    np.testing.assert_allclose(
        cut.log_ppf_from_normal(z[::100]), np.log(cut.ppf(normal_cdf_values(z[::100]))), rtol=1e-12
    )


def normal_cdf_values(z):
    from scipy.special import ndtr

    return ndtr(z)
