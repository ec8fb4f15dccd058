"""Structural alternatives as a weighted discrete choice (uncertainty/structural.py)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainflops.core.constants import Z90
from brainflops.core.errors import InvalidValueError
from brainflops.models.alternatives import choice_for, declared_alternatives, structural_choice
from brainflops.models.presets import build_model, list_presets, load_preset
from brainflops.uncertainty.sensitivity import sobol, tornado
from brainflops.uncertainty.structural import StructuralChoice, structural_share

try:
    import SALib  # noqa: F401 - only whether it is there
except ImportError:
    HAVE_SALIB = False
else:
    HAVE_SALIB = True


def lognormal_model(base: float, width: float, name: str):
    """F = x with x log-normal: median ``base``, 90% range ``width`` decades."""
    document = {
        "preset": {"name": name, "title": name},
        "parameters": {
            "x": {
                "value": base,
                "unit": "FLOP/s",
                "low": base * 10 ** (-width / 2),
                "high": base * 10 ** (width / 2),
            }
        },
        "formulas": [{"name": "f", "formula": "x"}],
    }
    return build_model(document)


@settings(max_examples=8, deadline=None)
@given(
    gap=st.floats(0.0, 4.0),
    width=st.floats(0.2, 3.0),
    weight=st.floats(0.1, 0.9),
)
def test_share_matches_the_law_of_total_variance_in_closed_form(gap, width, weight):
    # log10 F is normal with sd = width / (2 Z90) under either alternative; the means
    # differ by `gap` decades. Between = w (1 - w) gap^2, within = sd^2.
    a = lognormal_model(1e15, width, "a")
    b = lognormal_model(1e15 * 10**gap, width, "b")
    result = structural_share({"a": (a, weight), "b": (b, 1 - weight)}, n=100_000, seed=3)
    sd = width / (2 * Z90)
    between = weight * (1 - weight) * gap**2
    assert result.within == pytest.approx(sd**2, rel=0.03)
    assert result.between == pytest.approx(between, rel=0.03, abs=0.02 * sd**2)
    assert result.share == pytest.approx(between / (between + sd**2), abs=0.02)
    assert result.swing == pytest.approx(gap)


def test_the_mixture_variance_is_the_pooled_variance_of_the_draws():
    # An independent oracle: draw the mixture directly and take its variance.
    a, b = lognormal_model(1e14, 1.0, "a"), lognormal_model(1e16, 2.0, "b")
    result = structural_share({"a": (a, 1.0), "b": (b, 3.0)}, n=200_000, seed=5)
    rng = np.random.default_rng(0)
    pick = rng.random(400_000) < 0.25
    pooled = np.where(
        pick,
        rng.normal(14, 1.0 / (2 * Z90), pick.size),
        rng.normal(16, 2.0 / (2 * Z90), pick.size),
    )
    assert result.weights == (0.25, 0.75)
    assert result.total == pytest.approx(np.var(pooled), rel=0.02)


def test_dettmers_reconstructions_report_their_structural_share():
    alternatives = {
        name: (load_preset(f"dettmers2015:{name}"), 1.0)
        for name in ("cerebellar", "all-neurons", "granule-own-filter")
    }
    result = structural_share(alternatives, n=4000, seed=2)
    # Oracle: each reconstruction rebuilt with every uncertain input fixed at its median
    # (a truncated firing rate's median is 190 Hz, not the stated 200).
    medians = []
    for model, _ in alternatives.values():
        fixed = {
            name: float(p.distribution.ppf(0.5))
            for name, p in model.parameters.items()
            if p.is_uncertain and name in model.used_parameters()
        }
        medians.append(math.log10(model.with_values(**fixed).central().m_as("FLOP/s")))
    assert result.swing == pytest.approx(max(medians) - min(medians), abs=1e-9)
    # ...the same ends as the tornado row of the preset's declared choice.
    row = tornado(load_preset("dettmers2015"), structural=choice_for(load_preset("dettmers2015")))
    k = row.names.index(row.structural)
    assert row.output_high[k] - row.output_low[k] == pytest.approx(result.swing, abs=1e-9)
    assert 0.0 <= result.share <= 1.0
    record = result.to_dict()
    assert [a["name"] for a in record["alternatives"]] == list(alternatives)
    assert record["structural_share"] == pytest.approx(result.share)


@pytest.mark.parametrize(
    ("alternatives", "n", "message"),
    [
        ({"a": (None, 1.0)}, 10, "two or more"),
        ({"a": (None, 1.0), "b": (None, -1.0)}, 10, "positive"),
        ({"a": (None, 1.0), "b": (None, 1.0)}, 0, "integer from 1"),
    ],
)
def test_bad_arguments_are_refused(alternatives, n, message):
    with pytest.raises(InvalidValueError, match=message):
        structural_share(alternatives, n=n)


# ------------------------------------------------- the choice inside tornado and Sobol'
def toy_model(name, level, power, width=1.0):
    """``F = c * x**power``: c fixed at ``level`` FLOP/s, x dimensionless and log-normal
    with median 1 and a 90% range of ``width`` decades, so log10 F = log10 c + power X."""
    return build_model(
        {
            "preset": {"name": name, "title": name},
            "parameters": {
                "c": {"value": level, "unit": "FLOP/s"},
                "x": {
                    "value": 1.0,
                    "unit": "dimensionless",
                    "low": 10 ** (-width / 2),
                    "high": 10 ** (width / 2),
                },
            },
            "formulas": [{"name": "f", "formula": f"c * x**{power}"}],
        }
    )


@pytest.mark.skipif(not HAVE_SALIB, reason="SALib is not installed")
@settings(max_examples=4, deadline=None)
@given(weight=st.floats(0.2, 0.8), gap=st.floats(0.5, 3.0), power=st.sampled_from([1, 2]))
def test_sobol_indices_of_a_choice_match_the_law_of_total_variance(weight, gap, power):
    # Y = log10 F is a + X with probability w and a + gap + p X otherwise, X ~ N(0, s^2).
    # Closed forms (law of total variance, the choice K and X independent):
    #   V      = w (1-w) gap^2 + w s^2 + (1-w) p^2 s^2
    #   S1(K)  = Var(E[Y|K]) / V = w (1-w) gap^2 / V
    #   ST(K)  = E[Var(Y|X)] / V = w (1-w) E[(gap + (p-1) X)^2] / V
    #          = w (1-w) (gap^2 + (p-1)^2 s^2) / V
    #   S1(X)  = Var(E[Y|X]) / V = (w + (1-w) p)^2 s^2 / V
    a, b = toy_model("a", 1e15, 1), toy_model("b", 1e15 * 10**gap, power)
    choice = StructuralChoice.of("structure", {"a": (a, weight), "b": (b, 1 - weight)})
    result = sobol(choice, 2**13, seed=7)
    w, s2 = weight, (1.0 / (2 * Z90)) ** 2
    total = w * (1 - w) * gap**2 + w * s2 + (1 - w) * power**2 * s2
    assert result.index("structure")[0] == pytest.approx(w * (1 - w) * gap**2 / total, abs=0.03)
    expected_total = w * (1 - w) * (gap**2 + (power - 1) ** 2 * s2) / total
    assert result.index("structure")[1] == pytest.approx(expected_total, abs=0.03)
    assert result.index("x")[0] == pytest.approx((w + (1 - w) * power) ** 2 * s2 / total, abs=0.03)
    assert result.variance_log10 == pytest.approx(total, rel=0.05)
    assert result.to_dict()["structural"]["alternatives"] == [
        {"name": "a", "weight": pytest.approx(w)},
        {"name": "b", "weight": pytest.approx(1 - w)},
    ]


def test_tornado_row_of_a_choice_spans_the_alternatives_extremes():
    models = {f"m{i}": toy_model(f"m{i}", level, 1) for i, level in enumerate((1e14, 3e16, 1e15))}
    choice = StructuralChoice.of("structure", {k: (m, 1.0) for k, m in models.items()})
    result = tornado(models["m2"], structural=choice)
    row = result.names.index("structure")
    # Each toy's median is its level c (x has median 1): the extremes are 1e14 and 3e16.
    assert result.output_low[row] == pytest.approx(14.0)
    assert result.output_high[row] == pytest.approx(math.log10(3e16))
    assert (result.alternative_low, result.alternative_high) == ("m0", "m1")
    assert result.base_log10 == pytest.approx(15.0)
    assert result.names[0] == "structure"  # 2.48 decades against x's 1.0
    assert math.isnan(result.input_low[row])
    assert result.to_dict()["parameters"][0]["input_p5"] is None


def test_a_choice_draws_each_alternative_in_proportion_to_its_weight():
    choice = StructuralChoice.of(
        "structure", {k: (toy_model(k, 1e15, 1), w) for k, w in (("a", 1), ("b", 2), ("c", 5))}
    )
    picks = choice.pick(np.linspace(0, 1, 80_000, endpoint=False))
    assert np.bincount(picks).tolist() == [10_000, 20_000, 50_000]


@pytest.mark.parametrize(
    ("label", "weights", "message"),
    [("", (1, 1), "needs a name"), ("s", (1, 0), "positive"), ("s", (1, math.inf), "positive")],
)
def test_a_bad_choice_is_refused(label, weights, message):
    alternatives = {f"m{i}": (toy_model(f"m{i}", 1e15, 1), w) for i, w in enumerate(weights)}
    with pytest.raises(InvalidValueError, match=message):
        StructuralChoice.of(label, alternatives)


@pytest.mark.parametrize("name", list_presets())
def test_every_declared_choice_names_existing_variants(name):
    choice = structural_choice(name)
    if choice is None:
        assert declared_alternatives(name) is None
        return
    assert len(choice.names) >= 2
    assert math.isclose(sum(choice.weights), 1.0)
    for variant, model in zip(choice.names, choice.models, strict=True):
        assert model == load_preset(f"{name}:{variant}")


def test_only_the_unchanged_base_preset_gets_its_choice():
    base = load_preset("dettmers2015")
    assert choice_for(base) is not None
    assert choice_for(load_preset("dettmers2015:all-neurons")) is None
    assert choice_for(base.with_values(firing_rate="100 Hz")) is None
    assert choice_for(load_preset("mechanistic-modern")) is None


@pytest.mark.parametrize("method", ["tornado", "sobol"])
def test_a_choice_named_like_an_input_is_refused_by_both_analyses(method):
    # Two rows of one name would mix the choice's ends with the input's percentiles.
    base = load_preset("dettmers2015")
    choice = StructuralChoice.of(
        "firing_rate",
        {
            "a": (load_preset("dettmers2015:cerebellar"), 1.0),
            "b": (load_preset("dettmers2015:all-neurons"), 1.0),
        },
    )
    run = {
        "tornado": lambda: tornado(base, structural=choice),
        "sobol": lambda: sobol(choice, 64, seed=0),
    }[method]
    with pytest.raises(InvalidValueError, match="names both a parameter and the choice"):
        run()
