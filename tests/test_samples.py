"""Monte Carlo sampling, streamed summaries and exact bounds (issue 3).

Property tests use hypothesis over seeds, presets and small formula-only models whose
answers are known in closed form (a product of independent lognormals is lognormal).
"""

import dataclasses
import math
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import ndtr, ndtri

import brainflops
from brainflops.core.errors import InvalidValueError, NonMonotoneError, UnknownNameError
from brainflops.models.presets import build_model
from brainflops.params.distributions import (
    Distribution,
    Truncated,
    lognormal90,
    loguniform,
    mixture,
    split_lognormal90,
    uniform,
)
from brainflops.uncertainty.samples import _BIN_WIDTH, _BLOCK, draw_parameters

DETTMERS = brainflops.load_preset("dettmers2015")
MODERN = brainflops.load_preset("mechanistic-modern")
VARIANT = brainflops.load_preset("dettmers2015:granule-own-filter")
PRESETS = [DETTMERS, MODERN, VARIANT]
Z90 = float(ndtri(0.95))

presets = st.sampled_from(PRESETS)
seeds = st.integers(0, 2**32 - 1)


def product_model(widths, exponents=None, base=1e15, name="product"):
    """``a * b**e_b * c**e_c ...``: ``a`` in FLOP/s, the rest dimensionless.

    ``widths`` are the 90% ranges in decades of each factor (first is ``a``), centred on
    ``base`` for ``a`` and on 1 for the others.
    """
    exponents = exponents or [1] * len(widths)
    parameters, factors = {}, []
    for i, (width, power) in enumerate(zip(widths, exponents, strict=True)):
        name_i = f"x{i}"
        centre = base if i == 0 else 1.0
        parameters[name_i] = {
            "value": centre,
            "unit": "FLOP/s" if i == 0 else "dimensionless",
            "low": centre * 10 ** (-width / 2),
            "high": centre * 10 ** (width / 2),
        }
        factors.append(name_i if power == 1 else f"{name_i}**({power})")
    document = {
        "preset": {"name": name, "title": name},
        "parameters": parameters,
        "formulas": [{"name": "f", "formula": " * ".join(factors)}],
    }
    return build_model(document)


def without_bounds(model, name):
    """The model with ``name``'s physical bounds (refractory ceiling, counts of at least
    one) lifted: these tests probe the sampler's algebra, far outside them."""
    p = model.parameters[name]
    shape = p.distribution.base if isinstance(p.distribution, Truncated) else p.distribution
    free = dataclasses.replace(p, minimum=None, maximum=None, distribution=shape)
    return model.with_parameters([free])


def widen_high(model, name, factor):
    """The model with ``name``'s 95th percentile multiplied by ``factor``.

    Low and central value are kept; the parameter rebuilds its default distribution
    from the new range.
    """
    p = model.parameters[name]
    return model.with_parameters([dataclasses.replace(p, high=p.high * factor, distribution=None)])


def shift_up(model, name, factor):
    """The model with ``name``'s whole distribution multiplied by ``factor``."""
    p = model.parameters[name]
    return model.with_parameters(
        [
            dataclasses.replace(
                p,
                value=p.value * factor,
                low=p.low * factor,
                high=p.high * factor,
                distribution=p.distribution.scaled(factor),
            )
        ]
    )


def uncertain(model):
    return [n for n in model.parameter_names if model.parameters[n].is_uncertain]


# ------------------------------------------------------------------ summary statistics
@settings(max_examples=25)
@given(model=presets, seed=seeds, n=st.integers(1, 3000))
def test_percentiles_are_ordered(model, seed, n):
    s = model.sample(n, seed=seed)
    p5, p50, p95 = (q.m_as("FLOP/s") for q in s.percentiles().values())
    assert p5 <= p50 <= p95
    assert s.median.m_as("FLOP/s") == pytest.approx(p50)


def test_summary_of_a_product_of_lognormals_matches_closed_form():
    widths = [2.0, 1.0, 0.5]
    model = product_model(widths)
    s = model.sample(200_000, seed=3)
    sigma_log10 = math.sqrt(sum((w / 2 / Z90) ** 2 for w in widths))
    # log10 F is normal with mean 15 and sd sigma_log10.
    assert math.log10(s.median.m_as("FLOP/s")) == pytest.approx(15, abs=0.01)
    assert math.log10(s.geometric_mean.m_as("FLOP/s")) == pytest.approx(15, abs=0.01)
    assert s.spread_decades == pytest.approx(2 * Z90 * sigma_log10, rel=0.01)
    assert s.probability_above("1e15 FLOP/s") == pytest.approx(0.5, abs=0.005)
    threshold = 10 ** (15 + Z90 * sigma_log10)
    assert s.probability_above(threshold) == pytest.approx(0.05, abs=0.003)
    assert s.percentile(95).m_as("PFLOP/s") == pytest.approx(threshold / 1e15, rel=0.02)


def test_percentiles_are_quantities_in_flops():
    s = DETTMERS.sample(2000, seed=0)
    for q in (*s.percentiles((1, 5, 50, 95, 99)).values(), s.median, s.geometric_mean):
        assert q.check("[computation] / [time]")
    assert list(s.percentiles((1, 99))) == ["1", "99"]
    with pytest.raises(InvalidValueError, match="q"):
        s.percentile_log10(101)


def test_histogram_is_on_log10_axes_and_counts_every_draw():
    for chunk in (10**6, 500):
        s = MODERN.sample(5000, seed=2, chunk_size=chunk)
        counts, edges = s.histogram(40)
        assert counts.sum() == 5000
        assert len(edges) == len(counts) + 1
        assert np.all(np.diff(edges) > 0)
        assert 12 < edges[0] < edges[-1] < 17  # log10 FLOP/s, not FLOP/s


def test_quantities_beyond_float_range_raise_a_clear_error():
    model = DETTMERS.with_values(**{"purkinje.count": "1e300 neuron"})
    s = model.sample(100, seed=0)
    assert s.percentile_log10(50) > 308
    with pytest.raises(InvalidValueError, match="percentile_log10"):
        _ = s.median


# ---------------------------------------------------------------------- reproducibility
@settings(max_examples=20)
@given(model=presets, seed=seeds, n=st.integers(1, 2 * _BLOCK + 7))
def test_same_seed_gives_identical_samples(model, seed, n):
    a = model.sample(n, seed=seed)
    b = model.sample(n, seed=seed)
    np.testing.assert_array_equal(a.log10, b.log10)
    assert a.log10_sum == b.log10_sum
    if n > 10:
        c = model.sample(n, seed=seed + 1)
        assert not np.array_equal(a.log10, c.log10)


def test_parameter_draws_are_the_ones_sample_evaluates():
    draws = draw_parameters(DETTMERS, 3000, seed=5)
    logs = np.array([DETTMERS.root_log(n, draws[n]) for n in DETTMERS.parameter_names])
    expected = DETTMERS.evaluate_logs(logs) / math.log(10)
    np.testing.assert_allclose(DETTMERS.sample(3000, seed=5).log10, expected, rtol=0, atol=1e-12)
    # Each named parameter is drawn once per draw and shared by every stage: firing_rate
    # multiplies every term, so the total moves exactly with it.
    for name in ("firing_rate", "time_steps"):
        assert np.ptp(draws[name]) > 0
    assert np.ptp(draws["purkinje.count"]) == 0


def test_one_draw_of_a_shared_parameter_feeds_every_stage():
    # If each stage drew its own firing rate, the total's elasticity to the per-draw
    # firing rate would not be exactly one. Doubling every firing-rate draw must add
    # log10(2) to every total.
    free = without_bounds(DETTMERS, "firing_rate")
    doubled = shift_up(free, "firing_rate", 2.0)
    a = free.sample(4000, seed=9).log10
    b = doubled.sample(4000, seed=9).log10
    np.testing.assert_allclose(b - a, math.log10(2.0), atol=1e-9)


# ------------------------------------------------------------ common random numbers
@settings(max_examples=30)
@given(
    model=presets,
    data=st.data(),
    factor=st.floats(1.5, 100.0),
    seed=seeds,
)
def test_widening_a_range_never_lowers_the_median(model, data, factor, seed):
    name = data.draw(st.sampled_from(uncertain(model)))
    model = without_bounds(model, name)
    wider = widen_high(model, name, factor)
    assert wider.parameters[name].distribution.interval90()[1] > model.parameters[name].high
    old = model.sample(5000, seed=seed)
    new = wider.sample(5000, seed=seed)
    # Common random numbers: the same uniforms feed both runs. The stated value stays the
    # median, so widening 'high' only raises the draws above it, and no percentile falls.
    assert new.percentile_log10(50) >= old.percentile_log10(50)
    assert np.all(new.percentile_log10([5, 50, 95]) >= old.percentile_log10([5, 50, 95]))
    assert new.log10_sum > old.log10_sum  # and the draws above the median did rise


@settings(max_examples=20)
@given(model=presets, data=st.data(), factor=st.floats(1.0, 1e3), seed=seeds)
def test_raising_a_whole_range_never_lowers_any_draw(model, data, factor, seed):
    name = data.draw(st.sampled_from(uncertain(model)))
    model = without_bounds(model, name)
    raised = shift_up(model, name, factor)
    old = model.sample(5000, seed=seed)
    new = raised.sample(5000, seed=seed)
    # Common random numbers: every draw of every percentile moves up together.
    assert np.all(new.log10 >= old.log10 - 1e-12)
    assert np.all(new.percentile_log10([5, 50, 95]) >= old.percentile_log10([5, 50, 95]) - 1e-12)


def test_draws_of_a_parameter_do_not_depend_on_which_others_are_uncertain():
    p = DETTMERS.parameters["purkinje.count"]
    varied = DETTMERS.with_parameters(
        [dataclasses.replace(p, low=p.value / 2, high=p.value * 2, distribution=None)]
    )
    a = draw_parameters(DETTMERS, 1000, seed=4)
    b = draw_parameters(varied, 1000, seed=4)
    assert np.ptp(b["purkinje.count"]) > 0
    for name in uncertain(DETTMERS):
        np.testing.assert_array_equal(a[name], b[name])


# ---------------------------------------------------------------------- correlations
@settings(max_examples=15)
@given(data=st.data(), rho=st.floats(-0.9, 0.9), seed=seeds)
def test_correlated_sampling_achieves_requested_rank_correlation(data, rho, seed):
    # Parameters with a continuous distribution: one whose value sits at an end of its
    # range has an atom there (ties), which lowers any rank correlation.
    names = [
        n
        for n in uncertain(DETTMERS)
        if DETTMERS.parameters[n].low < DETTMERS.parameters[n].value < DETTMERS.parameters[n].high
    ]
    assert len(names) >= 3
    a = data.draw(st.sampled_from(names))
    b = data.draw(st.sampled_from([n for n in names if n != a]))
    n = 20_000
    draws = draw_parameters(DETTMERS, n, seed=seed, correlations={(a, b): rho})
    achieved = stats.spearmanr(draws[a], draws[b]).statistic
    assert achieved == pytest.approx(rho, abs=0.03)
    # And Model.sample evaluates exactly those draws.
    logs = np.array([DETTMERS.root_log(k, draws[k]) for k in DETTMERS.parameter_names])
    sample = DETTMERS.sample(n, seed=seed, correlations={(a, b): rho})
    np.testing.assert_allclose(
        sample.log10, DETTMERS.evaluate_logs(logs) / math.log(10), atol=1e-12
    )


def test_positive_correlation_widens_the_spread_of_a_product():
    model = product_model([1.0, 1.0])
    independent = model.sample(50_000, seed=1).spread_decades
    together = model.sample(50_000, seed=1, correlations={("x0", "x1"): 0.8}).spread_decades
    apart = model.sample(50_000, seed=1, correlations={("x0", "x1"): -0.8}).spread_decades
    assert apart < independent < together


def test_correlating_a_certain_or_unknown_parameter_is_an_error():
    with pytest.raises(InvalidValueError, match=r"purkinje\.count"):
        DETTMERS.sample(10, correlations={("firing_rate", "purkinje.count"): 0.5})
    with pytest.raises(UnknownNameError, match="firing_rat"):
        DETTMERS.sample(10, correlations={("firing_rat", "time_steps"): 0.5})


# -------------------------------------------------------------------------- streaming
@settings(max_examples=15)
@given(model=presets, seed=seeds, n=st.integers(2000, 40_000), chunk=st.integers(1, 1999))
def test_streamed_and_in_memory_percentiles_agree_within_half_a_bin(model, seed, n, chunk):
    kept = model.sample(n, seed=seed)
    streamed = model.sample(n, seed=seed, chunk_size=chunk)
    assert not kept.streamed
    assert streamed.streamed
    assert streamed.log10 is None
    qs = np.array([1, 5, 25, 50, 75, 95, 99])
    np.testing.assert_allclose(
        streamed.percentile_log10(qs),
        kept.percentile_log10(qs),
        rtol=0,
        atol=_BIN_WIDTH / 2 + 1e-9,  # the documented contract: half a bin (plus float rounding)
    )
    assert streamed.log10_sum == pytest.approx(kept.log10_sum, rel=1e-12)
    threshold = 10 ** float(kept.percentile_log10(30))
    assert streamed.probability_above(threshold) == pytest.approx(
        kept.probability_above(threshold), abs=0.01
    )


def test_streaming_memory_does_not_grow_with_the_number_of_draws():
    def peak(n):
        tracemalloc.start()
        MODERN.sample(n, seed=0, chunk_size=1000, progress=False)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(2 * _BLOCK), peak(8 * _BLOCK)
    assert large <= 1.1 * small + 1e6
    assert large < 50e6


def test_streamed_run_shows_a_progress_bar_when_asked(capsys):
    MODERN.sample(3 * _BLOCK, seed=0, chunk_size=1000, progress=True)
    err = capsys.readouterr().err
    assert "sampling" in err
    assert "100%" in err
    MODERN.sample(3 * _BLOCK, seed=0, chunk_size=1000, progress=False)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n": 0}, "n"),
        ({"n": 2.5}, "n"),
        ({"n": 10, "chunk_size": 0}, "chunk_size"),
        ({"n": 10, "seed": "x"}, "seed"),
    ],
)
def test_bad_sampling_arguments_name_the_argument(kwargs, name):
    n = kwargs.pop("n")
    with pytest.raises(InvalidValueError, match=f"^{name}:"):
        MODERN.sample(n, **kwargs)


# ------------------------------------------------------------------- extreme values
@settings(max_examples=40)
@given(
    model=presets,
    data=st.data(),
    exponent=st.floats(-30, 300),
    seed=seeds,
)
def test_values_from_1e_minus_30_to_1e300_stay_finite(model, data, exponent, seed):
    name = data.draw(st.sampled_from(list(model.used_parameters())))
    model = without_bounds(model, name)
    p = model.parameters[name]
    # a count (synapses, dendrites, steps) below one makes no valid pooling window
    if any(word in p.unit for word in ("synapse", "dendrite", "branch", "step", "neuron")):
        exponent = abs(exponent)
    value = 10.0**exponent
    extreme = model.with_parameters(
        [dataclasses.replace(p, value=value, low=value / 3, high=value * 3, distribution=None)]
    )
    assert math.isfinite(extreme.central_log10())
    s = extreme.sample(500, seed=seed)
    assert np.all(np.isfinite(s.log10))
    assert np.all(np.isfinite(s.percentile_log10([5, 50, 95])))
    assert math.isfinite(s.spread_decades)
    if extreme.central_log10() < 308:
        assert math.isfinite(extreme.central().m_as("FLOP/s"))
    elif extreme.central_log10() > 308.5:  # beyond a float: a clear error, never inf
        with pytest.raises(InvalidValueError, match="log10"):
            extreme.central()


# ---------------------------------------------------------------------------- bounds
@pytest.mark.parametrize("model", PRESETS, ids=lambda m: m.name)
def test_bounds_contain_central_value_and_sample_percentiles(model):
    low, high = (b.m_as("FLOP/s") for b in model.bounds())
    assert low <= model.central().m_as("FLOP/s") <= high
    s = model.sample(50_000, seed=11)
    for q in s.percentiles((5, 50, 95)).values():
        assert low <= q.m_as("FLOP/s") <= high


@settings(max_examples=25)
@given(
    widths=st.lists(st.floats(0.3, 2.0), min_size=2, max_size=4),
    signs=st.lists(st.sampled_from([1, -1]), min_size=4, max_size=4),
    seed=seeds,
)
def test_bounds_of_products_contain_percentiles_and_match_closed_form(widths, signs, seed):
    exponents = [1, *signs[: len(widths) - 1]]
    model = product_model(widths, exponents)
    low, high = (math.log10(b.m_as("FLOP/s")) for b in model.bounds())
    # Corner bounds of a product: every factor at the end its exponent favours.
    assert low == pytest.approx(15 - sum(widths) / 2, abs=1e-9)
    assert high == pytest.approx(15 + sum(widths) / 2, abs=1e-9)
    s = model.sample(20_000, seed=seed)
    assert low <= model.central_log10() <= high
    assert np.all(
        (low <= s.percentile_log10([5, 50, 95])) & (s.percentile_log10([5, 50, 95]) <= high)
    )


def non_monotone_model(b_low, b_high):
    return build_model(
        {
            "preset": {"name": "bathtub", "title": "a * (b + 1/b)"},
            "parameters": {
                "a": {"value": 1e15, "unit": "FLOP/s", "low": 5e14, "high": 2e15},
                "b": {
                    "value": (b_low * b_high) ** 0.5,
                    "unit": "dimensionless",
                    "low": b_low,
                    "high": b_high,
                },
            },
            "formulas": [{"name": "f", "formula": "a * (b + 1/b)"}],
        }
    )


def test_bounds_detect_a_non_monotone_formula():
    with pytest.raises(NonMonotoneError) as info:
        non_monotone_model(0.5, 2.0).bounds()
    assert info.value.parameters == ["b"]
    assert "b" in str(info.value)


def test_bounds_of_the_same_formula_on_a_monotone_box_are_exact():
    low, high = non_monotone_model(2.0, 4.0).bounds()
    assert low.m_as("FLOP/s") == pytest.approx(5e14 * (2 + 1 / 2))
    assert high.m_as("FLOP/s") == pytest.approx(2e15 * (4 + 1 / 4))
    low, high = non_monotone_model(0.25, 0.5).bounds()  # decreasing in b here
    assert low.m_as("FLOP/s") == pytest.approx(5e14 * (0.5 + 2))
    assert high.m_as("FLOP/s") == pytest.approx(2e15 * (0.25 + 4))


# ------------------------------------------------------------- the sampling transform
DISTRIBUTIONS = [
    lognormal90(50, 1000),
    split_lognormal90(50, 200, 1000),
    split_lognormal90(7.5e4, 1e5, 1e5),  # upper half a point mass
    split_lognormal90(2.4, 2.4, 6),  # lower half a point mass
    loguniform(1e-3, 1e3),
    uniform(2, 9),
    mixture([(0.3, lognormal90(1, 10)), (0.7, loguniform(5, 500))]),
]


@settings(max_examples=40)
@given(
    dist=st.sampled_from(DISTRIBUTIONS),
    # Above z = 5 the reference itself loses digits: 1 - ndtr(z) rounds in double.
    z=st.lists(st.floats(-8, 5), min_size=1, max_size=50),
    factor=st.floats(-5, 5),
)
def test_normal_score_transform_is_the_quantile_function(dist, z, factor):
    """Sampling maps normal scores z through log_ppf(ndtr(z)); fast paths must agree."""
    scores = np.array(z)
    out = dist.log_ppf_from_normal(scores) + factor
    expected = Distribution.log_ppf_from_normal(dist, scores) + factor
    np.testing.assert_allclose(
        out,
        dist.log_ppf(np.clip(ndtr(scores), 2.0**-54, 1 - 2.0**-53)) + factor,
        rtol=1e-9,
        atol=1e-9,
    )
    np.testing.assert_allclose(out, expected, rtol=1e-9, atol=1e-9)


def test_a_parameter_draws_from_a_stream_of_its_own_name():
    # firing_rate has different ranges in the two presets, but the same seed gives the
    # same normal scores, hence draws in the same rank order: common random numbers
    # across presets, not only across variants of one.
    a = draw_parameters(DETTMERS, 2000, seed=8)["firing_rate"]
    b = draw_parameters(MODERN, 2000, seed=8)["firing_rate"]
    np.testing.assert_array_equal(np.argsort(a), np.argsort(b))
    c = draw_parameters(MODERN, 2000, seed=9)["firing_rate"]
    assert not np.array_equal(np.argsort(b), np.argsort(c))


def test_a_numpy_generator_seed_is_reproducible_and_advances():
    first = MODERN.sample(1000, seed=np.random.default_rng(3)).log10
    again = MODERN.sample(1000, seed=np.random.default_rng(3)).log10
    np.testing.assert_array_equal(first, again)
    rng = np.random.default_rng(3)
    one, two = MODERN.sample(1000, seed=rng).log10, MODERN.sample(1000, seed=rng).log10
    assert not np.array_equal(one, two)


@pytest.mark.parametrize("threshold", [1e14, 2.79e14, 1e15])
def test_streamed_probability_above_matches_in_memory(threshold):
    kept = MODERN.sample(200_000, seed=1)
    streamed = MODERN.sample(200_000, seed=1, chunk_size=50_000)
    assert streamed.streamed
    # Only draws inside the threshold's 0.001-decade bin can differ.
    assert streamed.probability_above(threshold) == pytest.approx(
        kept.probability_above(threshold), abs=2e-4
    )
