"""Lifetime compute and the versus comparison (library level)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainflops.core.errors import InvalidValueError
from brainflops.forecast import versus as vs
from brainflops.models.presets import load_preset
from brainflops.ops.networks import get_network


def test_default_age_is_the_sourced_lifetime_anchor():
    assert vs.default_lifetime_seconds() == 1e9
    assert "bioanchors" in vs.lifetime_source()


def test_lifetime_flop_of_a_model_samples_and_numbers():
    model = load_preset("mechanistic-modern")
    central = model.central().m_as("FLOP/s")
    assert vs.lifetime_flop(model) == pytest.approx(central * 1e9)
    assert vs.lifetime_flop(model, 2e9) == pytest.approx(central * 2e9)
    draws = model.sample(100, seed=3)
    values = vs.lifetime_flop(draws, 1e9)
    assert values.shape == (100,)
    assert np.allclose(values, 10 ** np.asarray(draws.log10) * 1e9)
    assert vs.lifetime_flop(1e15) == pytest.approx(1e24)
    with pytest.raises(InvalidValueError):
        vs.lifetime_flop(1e15, 0)
    with pytest.raises(InvalidValueError):
        vs.lifetime_flop(-1.0)


@settings(max_examples=40, deadline=None)
@given(
    flops=st.floats(1e10, 1e25),
    age=st.floats(1.0, 1e9),
    factor=st.floats(1.01, 100.0),
)
def test_lifetime_is_linear_and_monotone_in_age(flops, age, factor):
    assert vs.lifetime_flop(flops, age * factor) > vs.lifetime_flop(flops, age)
    assert vs.lifetime_flop(flops, age) == pytest.approx(flops * age)


def test_interval_inversion_swaps_the_ends():
    interval = vs.Interval(10.0, 2.0, 8.0, 50.0)
    inverted = interval.inverted(100.0)
    assert (inverted.p5, inverted.p50, inverted.p95) == (2.0, 12.5, 50.0)
    assert inverted.central == 10.0


def test_versus_result_matches_a_direct_computation():
    model = load_preset("kurzweil2005")  # a point estimate: 1e16 FLOP/s, no spread
    result = vs.versus(model, [get_network("gpt3-175b")], age_seconds=1e9, samples=10)
    payload = result.to_dict()
    for value in payload["brain_flops"].values():
        assert value == pytest.approx(1e16, rel=1e-12)
    workload = payload["workloads"][0]
    seconds = workload["brain_equivalent"]["brain_seconds_per_training_run"]["central"]
    assert seconds == pytest.approx(get_network("gpt3-175b").training_flop() / 1e16)
    assert (
        payload["first_training_run_above_lifetime"]["name"] == "GPT-4 (Mar 2023)"
    )  # 2.1e25 > 1e25


def test_device_efficiency_from_the_table():
    h100 = vs.device_efficiency("NVIDIA H100 SXM5 80GB")
    assert h100["flop_per_joule"] == pytest.approx(989.4e12 / 700)
    with pytest.raises(InvalidValueError):
        vs.device_efficiency("NVIDIA H200")
