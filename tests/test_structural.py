"""Structural alternatives as a weighted discrete choice (uncertainty/structural.py)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainflops.core.constants import Z90
from brainflops.core.errors import InvalidValueError
from brainflops.models.presets import build_model, load_preset
from brainflops.uncertainty.structural import structural_share


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
    centrals = [math.log10(m.central().m_as("FLOP/s")) for m, _ in alternatives.values()]
    assert result.swing == pytest.approx(max(centrals) - min(centrals))
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
