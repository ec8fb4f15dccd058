import dataclasses
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import brainflops
from brainflops.core.errors import (
    BrainflopsError,
    InvalidValueError,
    ScenarioError,
    UnitMismatchError,
    UnknownNameError,
)
from brainflops.models.presets import build_model, preset_document
from brainflops.params.distributions import Truncated

DETTMERS = brainflops.load_preset("dettmers2015")
MODERN = brainflops.load_preset("mechanistic-modern")


def test_dettmers_central_within_one_percent_of_reported():
    central = DETTMERS.central().m_as("FLOP/s")
    assert DETTMERS.reported == 1.075e21
    assert central == pytest.approx(1.075e21, rel=0.01)


def test_dettmers_reconstruction_terms_from_closed_form():
    rows = DETTMERS.breakdown().set_index(["population", "stage"]).flops
    # Purkinje: 1e8 cells x 200 Hz x 2 x (1e5 x 5) x (10 x 1000 x 5)
    assert rows["cerebellar Purkinje cells", "dendrites"] == pytest.approx(
        1e8 * 200 * 2 * 5e5 * 5e4
    )
    # Granule: 5e10 x 200 x 2 x (15 x 5) x 5e4
    assert rows["cerebellar granule cells", "dendrites"] == pytest.approx(
        5e10 * 200 * 2 * 75 * 5e4
    )


def test_variant_with_granule_own_filter():
    variant = brainflops.load_preset("dettmers2015:granule-own-filter")
    rows = variant.breakdown().set_index(["population", "stage"]).flops
    assert rows["cerebellar granule cells", "dendrites"] == pytest.approx(5e10 * 200 * 2 * 75 * 60)
    assert variant.central() < DETTMERS.central()


@pytest.mark.parametrize("model", [DETTMERS, MODERN], ids=["dettmers", "modern"])
def test_breakdown_rows_are_the_terms_evaluated_directly(model):
    # Oracle independent of the log-space evaluation: each term's sympy expression
    # substituted with the central values, in linear space, one term at a time.
    values = model.central_values()
    direct = [float(term.expr.subs(values)) for term in model.terms]
    np.testing.assert_allclose(model.breakdown().flops, direct, rtol=1e-12)
    assert model.central().m_as("FLOP/s") == pytest.approx(math.fsum(direct), rel=1e-12)
    assert model.breakdown().share.sum() == pytest.approx(1.0)


def test_formula_matches_lambdified_central():
    values = DETTMERS.central_values()
    assert float(DETTMERS.formula().subs(values)) == pytest.approx(
        DETTMERS.central().m_as("FLOP/s")
    )


def test_modern_preset_inside_carlsmith_mechanistic_band():
    assert 1e13 <= MODERN.central().m_as("FLOP/s") <= 1e17


def test_every_parameter_has_source_and_provenance():
    for model in (DETTMERS, MODERN):
        for parameter in model.parameters.values():
            assert parameter.source, parameter.name
            assert parameter.provenance in ("stated", "derived", "assumed")


def test_with_values_accepts_quantities_and_strings():
    slower = DETTMERS.with_values(firing_rate="100 Hz")
    assert slower.central().m_as("FLOP/s") == pytest.approx(DETTMERS.central().m_as("FLOP/s") / 2)
    same = DETTMERS.with_values(firing_rate=brainflops.Q_(0.2, "kHz"))
    assert same.central() == DETTMERS.central()


def test_with_values_wrong_unit_names_parameter():
    with pytest.raises(UnitMismatchError) as info:
        DETTMERS.with_values(**{"purkinje.synapses": "3 Hz"})
    assert info.value.name == "purkinje.synapses"


def test_with_values_unknown_name_suggests():
    with pytest.raises(UnknownNameError, match=r"purkinje\.synapses"):
        DETTMERS.with_values(**{"purkinje.synapse": 3})


@pytest.mark.parametrize("bad", [0, -1, math.nan, math.inf])
def test_with_values_rejects_non_positive_or_non_finite(bad):
    with pytest.raises(InvalidValueError):
        DETTMERS.with_values(firing_rate=bad)


COUNTS_AND_RATES = [
    name
    for name, p in DETTMERS.parameters.items()
    if p.unit in ("neuron", "Hz", "synapse/neuron", "step", "branch/dendrite", "dendrite/neuron")
]


# The same model without its physical bounds (firing-rate ceiling, at least one time step),
# so that the algebraic properties below can be probed far outside them.
UNBOUNDED = DETTMERS.with_parameters(
    dataclasses.replace(
        p,
        minimum=None,
        maximum=None,
        # the shape before truncation (an explicit shape, such as log-uniform, stays)
        distribution=p.distribution.base
        if isinstance(p.distribution, Truncated)
        else p.distribution,
    )
    for p in DETTMERS.parameters.values()
    if p.minimum is not None or p.maximum is not None
)


@given(
    name=st.sampled_from(COUNTS_AND_RATES),
    factor_log10=st.floats(0.01, 3),
)
def test_monotone_in_every_count_and_rate(name, factor_log10):
    base = DETTMERS.parameters[name].value
    bigger = UNBOUNDED.with_values(**{name: base * 10**factor_log10})
    assert bigger.central_log10() >= DETTMERS.central_log10() - 1e-12


@given(factor_log10=st.floats(-5, 5))
def test_linear_in_firing_rate(factor_log10):
    # Every term is proportional to the shared firing rate.
    factor = 10.0**factor_log10
    scaled = UNBOUNDED.with_values(firing_rate=200 * factor)
    assert scaled.central_log10() == pytest.approx(
        DETTMERS.central_log10() + factor_log10, abs=1e-9
    )


@given(
    count=st.floats(0, 250).map(lambda e: 10.0**e),
    # up to the refractory ceiling of 1,000 Hz that the preset declares
    rate=st.floats(-30, 3).map(lambda e: 10.0**e),
)
def test_extreme_values_stay_finite(count, rate):
    model = MODERN.with_values(**{"neurons.count": count, "firing_rate": rate})
    expected = math.log10(count) + math.log10(rate) + math.log10(2 * 3673 + 2 + 1 + 1)
    assert model.central_log10() == pytest.approx(expected, abs=1e-6)
    assert math.isfinite(model.central_log10())


def test_products_beyond_float_range_stay_finite_in_log_space():
    huge = UNBOUNDED.with_values(**{"purkinje.count": 1e300, "firing_rate": 1e300})
    assert huge.central_log10() == pytest.approx(
        300 + 300 + math.log10(2 * 5e5 * 5e4 + 2 * 5e5 + 5e5 + 55 + 5 + 1e4), abs=1e-6
    )


def test_breakdown_sums_for_random_values():
    rng = np.random.default_rng(3)
    for _ in range(5):
        # counts and rates of at least one (a cell has at least one synapse and dendrite)
        updates = {
            n: max(1.0, DETTMERS.parameters[n].value * 10 ** rng.uniform(-2, 2))
            for n in COUNTS_AND_RATES
        }
        model = UNBOUNDED.with_values(**updates)
        assert model.breakdown().flops.sum() == pytest.approx(
            model.central().m_as("FLOP/s"), rel=1e-12
        )


def test_elasticities_exact_for_product_terms():
    elasticity = DETTMERS.elasticities()
    assert elasticity["firing_rate"] == pytest.approx(1.0)
    # Oracle: central finite difference of ln F in ln x.
    h = 1e-5
    for name in ("time_steps", "purkinje.synapses", "other.synapses"):
        value = DETTMERS.parameters[name].value
        up = DETTMERS.with_values(**{name: value * math.exp(h)}).central_log10()
        down = DETTMERS.with_values(**{name: value * math.exp(-h)}).central_log10()
        assert elasticity[name] == pytest.approx((up - down) * math.log(10) / (2 * h), rel=1e-6)
    assert elasticity["purkinje.outputs"] == pytest.approx(
        DETTMERS.breakdown()
        .set_index(["population", "stage"])
        .share["cerebellar Purkinje cells", "axon"]
    )
    symbolic = DETTMERS.elasticity_expressions()["firing_rate"]
    assert sp.simplify(symbolic - 1) == 0


def _document_with(changes):
    document = preset_document("mechanistic-modern")
    changes(document)
    return document


def test_stage_parameter_in_wrong_unit_is_named():
    def wrong(document):
        document["parameters"]["neurons"]["synapses"]["unit"] = "Hz"
        for key in ("low", "high"):
            document["parameters"]["neurons"]["synapses"].pop(key)

    with pytest.raises(ScenarioError) as info:
        build_model(_document_with(wrong))
    assert "neurons.synapses" in str(info.value)
    assert "synapse / neuron" in str(info.value) or "synapse/neuron" in str(info.value)


def test_formula_that_is_not_flops_is_rejected():
    def add_formula(document):
        document["formulas"] = [{"name": "bad", "formula": "neurons.count * firing_rate"}]

    with pytest.raises(ScenarioError, match=r"formulas\.bad"):
        build_model(_document_with(add_formula))


def test_formula_term_adds_to_total():
    def add_formula(document):
        document["parameters"]["learning_cost"] = {
            "value": 1e14,
            "unit": "FLOP/s",
            "source": "test",
            "provenance": "assumed",
        }
        document["formulas"] = [{"name": "learning", "formula": "2 * learning_cost"}]

    model = build_model(_document_with(add_formula))
    assert model.central().m_as("FLOP/s") == pytest.approx(MODERN.central().m_as("FLOP/s") + 2e14)


def test_unknown_stage_and_missing_role_reported_together():
    def break_it(document):
        document["populations"][0]["stages"] = ["synapses", "dendrites", "telepathy"]

    with pytest.raises(ScenarioError) as info:
        build_model(_document_with(break_it))
    problems = info.value.problems
    assert any("telepathy" in p for p in problems)
    assert any("kernel_branches" in p for p in problems)


def test_bounds_contain_central_and_are_exact_corners():
    low, high = DETTMERS.bounds()
    central = DETTMERS.central()
    assert low <= central <= high
    corner = DETTMERS
    for parameter in DETTMERS.parameters.values():
        if parameter.is_uncertain:
            corner = corner.with_parameters(
                [parameter.with_value(parameter.distribution.interval90()[1])]
            )
    assert high.m_as("FLOP/s") == pytest.approx(corner.central().m_as("FLOP/s"), rel=1e-9)


def test_errors_share_a_base_class():
    with pytest.raises(BrainflopsError):
        brainflops.load_preset("no-such-preset")
    with pytest.raises(UnknownNameError, match="dettmers2015"):
        brainflops.load_preset("dettmers2016")
    with pytest.raises(UnknownNameError):
        brainflops.load_preset("dettmers2015:nope")


def test_with_values_semantics_are_explicit():
    # A bare value is a point.
    point = DETTMERS.with_values(firing_rate="100 Hz").parameters["firing_rate"]
    assert not point.is_uncertain
    # keep_range keeps the source's range, rebuilt around the new median.
    kept = DETTMERS.with_values(firing_rate="100 Hz", keep_range=True).parameters["firing_rate"]
    # ... as the shape before the refractory ceiling of 1,000 Hz cuts it
    assert kept.distribution.base.median == pytest.approx(100.0)
    assert kept.distribution.base.interval90() == pytest.approx((50.0, 1000.0))
    assert kept.maximum == 1000
    # A value outside the range is an error with keep_range ...
    with pytest.raises(InvalidValueError, match="outside the range"):
        DETTMERS.with_values(firing_rate="1 Hz", keep_range=True)


def test_with_values_records_what_it_replaced():
    changed = DETTMERS.with_values(
        **{"purkinje.synapses": 7000}, source="my.toml", title="fewer synapses"
    ).parameters["purkinje.synapses"]
    assert (changed.provenance, changed.source, changed.locator) == (
        "user",
        "my.toml",
        "fewer synapses",
    )
    assert changed.replaces.startswith("dettmers2015, Part II")
    assert "was 100000 synapse/neuron" in changed.replaces


def test_explicit_distribution_must_match_the_stated_range():
    from brainflops.params.distributions import loguniform

    with pytest.raises(InvalidValueError, match="contradicts"):
        brainflops.Parameter(
            "x", "x", "Hz", 1500, low=1, high=100, distribution=loguniform(1000, 10000)
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"unit": "degC"}, "offset unit"),
        ({"value": "5"}, "must be a number"),
        ({"distribution": {"kind": "point"}}, "Distribution"),
        ({"source": 3}, "text"),
    ],
)
def test_parameter_constructor_validates_its_fields(kwargs, message):
    fields = {"name": "x", "symbol": "x", "unit": "Hz", "value": 5.0} | kwargs
    with pytest.raises(BrainflopsError, match=message):
        brainflops.Parameter(**fields)


def test_stage_role_units_are_root_units():
    # The compiled model feeds root-unit magnitudes to the stage operations, which is
    # right only when each role's unit is its own root unit (factor 1).
    from brainflops.core.units import FLOPS, ureg
    from brainflops.ops.stages import POPULATION_ROLES, STAGES

    units = set(POPULATION_ROLES.values()) | {u for s in STAGES.values() for u in s.roles.values()}
    for unit in units:
        assert ureg.Quantity(1.0, unit).to_root_units().magnitude == 1.0, unit
    per_cell = ureg.Quantity(1, "FLOP/neuron")
    composed = (
        ureg.Quantity(1, POPULATION_ROLES["count"])
        * ureg.Quantity(1, POPULATION_ROLES["firing_rate"])
        * per_cell
    )
    assert composed.is_compatible_with(FLOPS)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["populations"][0].update(bind="x"), "bind"),
        (lambda d: d["populations"][0].update(bind={"synapses": ["a"]}), "bind"),
        (lambda d: d["populations"][0].update(stages=[{"x": 1}]), "stages"),
        (lambda d: d.update(correlations=[{"a": ["x"], "b": "y", "rho": 0.1}]), "names"),
        (lambda d: d.update(preset="x"), "preset"),
        (lambda d: d.update(populations={"a": 1}), "populations"),
        (lambda d: d["parameters"]["neurons"]["count"].update(symbol="S"), "symbol 'S'"),
    ],
)
def test_malformed_documents_give_scenario_errors(change, message):
    with pytest.raises(ScenarioError, match=message):
        build_model(_document_with(change))


def test_bounds_of_a_sum_of_monomials_are_proven_from_exponents():
    # A product-form model never needs the numerical check: signs come from exponents.
    signs = DETTMERS._compiled.monotone_signs(*DETTMERS._compiled.box_logs())
    assert set(signs) <= {0, 1}


def test_cached_presets_cannot_be_modified():
    with pytest.raises(TypeError):
        DETTMERS.metadata["year"] = 1999  # type: ignore[index]
