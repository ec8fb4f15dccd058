"""Declared physical bounds (issue 12): no draw of any preset or variant leaves them.

A count is at least one (time steps, synapses, neurons) and a firing rate stays under the
refractory ceiling of about 1,000 spikes per second. Each bound names who says it holds.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainflops.data.citations import bibliography
from brainflops.models.presets import list_presets, load_preset
from brainflops.uncertainty.samples import draw_parameters

PRESETS = list_presets(variants=True)
# exp(log(x)) may differ from x in the last bits.
_ULP = 1e-12


def bounded(model):
    return {
        name: p
        for name, p in model.parameters.items()
        if p.minimum is not None or p.maximum is not None
    }


def assert_inside(values, parameter):
    if parameter.minimum is not None:
        assert values.min() >= parameter.minimum * (1 - _ULP), parameter.name
    if parameter.maximum is not None:
        assert values.max() <= parameter.maximum * (1 + _ULP), parameter.name


@pytest.mark.parametrize("preset", PRESETS)
def test_no_draw_leaves_a_declared_bound(preset):
    model = load_preset(preset)
    draws = draw_parameters(model, 200_000, seed=11)
    for name, parameter in bounded(model).items():
        assert_inside(draws[name], parameter)
        # The most extreme values any draw can take (the open ends of the quantile range).
        extremes = parameter.distribution.ppf(np.array([0.0, 1.0]))
        assert_inside(extremes, parameter)


@settings(max_examples=25, deadline=None)
@given(preset=st.sampled_from(PRESETS), seed=st.integers(0, 2**32 - 1))
def test_bounds_hold_for_any_seed(preset, seed):
    model = load_preset(preset)
    draws = draw_parameters(model, 5_000, seed=seed)
    for name, parameter in bounded(model).items():
        assert_inside(draws[name], parameter)


@pytest.mark.parametrize("preset", PRESETS)
def test_every_bound_says_who_declares_it(preset):
    entries = bibliography()
    for parameter in bounded(load_preset(preset)).values():
        assert parameter.bounds_source in entries, parameter.name
        assert parameter.bounds_locator.strip(), parameter.name


def _declared(kind):
    """(preset, parameter) pairs whose unit marks them as rates or counts."""
    out = []
    for preset in PRESETS:
        for name, p in load_preset(preset).parameters.items():
            rate = p.unit in {"Hz", "spike/s"}  # by unit: merkle1989 calls it impulse_rate
            count = p.unit in {"step", "synapse/neuron", "synapse", "neuron"} and p.is_uncertain
            if (kind == "rate" and rate) or (kind == "count" and (count or name == "time_steps")):
                out.append((preset, name))
    return out


@pytest.mark.parametrize(("preset", "name"), _declared("rate"))
def test_every_firing_rate_has_the_refractory_ceiling(preset, name):
    parameter = load_preset(preset).parameters[name]
    assert parameter.maximum == 1000  # Hz or spike/s: about 1 / (1 ms)
    assert parameter.bounds_source == "kalat-refractory"
    assert "refractory" in parameter.bounds_locator


def test_the_rate_selection_is_not_empty():
    # A renamed unit or parameter must not empty the parametrisation above silently.
    assert {preset for preset, _ in _declared("rate")} >= {
        "dettmers2015",
        "mechanistic-modern",
        "merkle1989",
    }


@pytest.mark.parametrize(("preset", "name"), _declared("count"))
def test_every_sampled_count_is_at_least_one(preset, name):
    assert load_preset(preset).parameters[name].minimum == 1


def test_the_issues_examples_are_gone():
    # time_steps drew down to 0.65 steps and firing rates to 4 kHz before bounds.
    dettmers = load_preset("dettmers2015")
    draws = draw_parameters(dettmers, 400_000, seed=3)
    assert draws["time_steps"].min() >= 1 - _ULP
    assert draws["firing_rate"].max() <= 1000 * (1 + _ULP)
    # The stated 100,000 Purkinje synapses is the top of a log-uniform 75,000-100,000,
    # not a point mass that half of the draws pile onto.
    synapses = draws["purkinje.synapses"]
    assert np.mean(synapses >= 1e5 * (1 - 1e-9)) < 1e-3
    assert synapses.min() >= 75_000 * (1 - _ULP)
    assert synapses.max() <= 1e5 * (1 + _ULP)
