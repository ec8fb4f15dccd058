"""Cached models cannot be changed in place; formulas that cannot be sampled are refused."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from scipy.special import logsumexp

import brainflops
from brainflops.core.errors import ScenarioError
from brainflops.core.frozen import thaw
from brainflops.models.presets import build_model, preset_document


def _mutations(model):
    document, metadata = model.document, model.metadata
    yield lambda: document.__setitem__("preset", {})
    yield lambda: document["preset"].__setitem__("name", "changed")
    yield lambda: document["parameters"]["firing_rate"].__setitem__("value", 1.0)
    yield lambda: document["populations"].append({})
    yield lambda: document["populations"][0].__setitem__("count", "x")
    yield lambda: metadata.__setitem__("year", 1900)
    yield lambda: model.parameters.__setitem__("firing_rate", None)


def test_a_cached_preset_cannot_be_changed_through_its_document():
    model = brainflops.load_preset("dettmers2015")
    before = thaw(model.document)
    for mutate in _mutations(model):
        with pytest.raises((TypeError, AttributeError)):
            mutate()
    again = brainflops.load_preset("dettmers2015")
    assert again is model  # the cache hands out the same object ...
    assert thaw(again.document) == before == preset_document("dettmers2015")  # ... unchanged
    assert again.central_log10() == model.central_log10()


def test_an_editable_copy_builds_a_new_model():
    model = brainflops.load_preset("dettmers2015")
    document = thaw(model.document)
    document["parameters"]["firing_rate"]["value"] /= 2
    assert build_model(document).central() < model.central()
    assert copy.deepcopy(document) == document


def _with_formula(formula: str, low: float) -> dict:
    document = preset_document("mechanistic-modern")
    document["parameters"]["gross"] = {
        "value": 2e15,
        "low": low,
        "high": 4e15,
        "unit": "FLOP/s",
        "source": "test",
        "provenance": "assumed",
    }
    document["parameters"]["overhead"] = {
        "value": 1e14,
        "unit": "FLOP/s",
        "source": "test",
        "provenance": "assumed",
    }
    document["formulas"] = [{"name": "net", "formula": formula}]
    return document


def test_a_difference_that_can_go_negative_is_refused_naming_the_formula():
    with pytest.raises(ScenarioError) as info:
        build_model(_with_formula("gross - overhead", low=1e13))
    message = str(info.value)
    assert "net = gross - overhead" in message
    assert "non-positive (zero or negative)" in message


def test_a_difference_that_stays_positive_builds_and_samples():
    model = build_model(_with_formula("gross - overhead", low=1e15))
    samples = model.sample(200_000, seed=3)
    assert np.isfinite(samples.percentile_log10([0.001, 50, 99.999])).all()


def test_log_sum_overflow_fallback_runs_and_matches_scipy():
    # Column 0 is the preset at its central values (Purkinje dendrites dominate, so every
    # column is shifted by that row); in column 1 the granule count is e^1500 times larger,
    # so exp(granule - Purkinje) overflows and the per-column fallback must take over.
    model = brainflops.load_preset("dettmers2015")
    logs = np.repeat(model.central_logs()[:, None], 2, axis=1)
    logs[model.parameter_names.index("granule.count"), 1] += 1500.0
    terms = model._compiled.log_terms(logs)
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        np.exp(terms[:, 1] - terms[int(np.argmax(terms[:, 0])), 1])
    expected = logsumexp(terms, axis=0)
    got = model.evaluate_logs(logs)
    np.testing.assert_allclose(got, expected, rtol=1e-14)
    # The granule terms other than the largest add a visible amount to it.
    assert got[1] - terms[:, 1].max() > 1e-6
