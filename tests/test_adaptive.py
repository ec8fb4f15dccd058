"""Adaptive conformal widening (brainflops.forecast.trends.adaptive): invariants."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from brainflops.forecast.trends.adaptive import MAX_SCALE, ScoredInterval, adaptive_scale

years = st.floats(1990.0, 2030.0)


@st.composite
def intervals(draw: st.DrawFn) -> ScoredInterval:
    origin = draw(years)
    low = origin + draw(st.floats(0.5, 5.0))
    high = low + draw(st.floats(0.1, 10.0))
    reached = draw(st.booleans())
    actual = origin + draw(st.floats(0.5, 20.0)) if reached else math.inf
    return ScoredInterval(origin, low, high, actual)


@given(st.lists(intervals(), max_size=30), years)
def test_scale_is_bounded(past: list[ScoredInterval], at: float) -> None:
    assert 1.0 <= adaptive_scale(past, at, 0.1) <= MAX_SCALE


@given(st.lists(intervals(), max_size=30), years)
def test_only_what_is_known_at_the_origin_counts(past: list[ScoredInterval], at: float) -> None:
    # Forecasts made at or after ``at``, and outcomes after ``at``, cannot matter: replacing
    # every such outcome by "not reached yet" leaves the widening unchanged.
    def as_seen(item: ScoredInterval) -> ScoredInterval:
        return (
            ScoredInterval(item.origin, item.low, item.high, math.inf)
            if (item.actual_year > at)
            else item
        )

    visible = [as_seen(i) for i in past if i.origin < at]
    assert adaptive_scale(past, at, 0.1) == adaptive_scale(visible, at, 0.1)


def test_misses_widen_and_hits_narrow_back() -> None:
    miss = ScoredInterval(2000.0, 2001.0, 2002.0, 2004.0)  # known at 2002 (overdue)
    hit = ScoredInterval(2000.0, 2001.0, 2010.0, 2005.0)  # known at 2005
    after_miss = adaptive_scale([miss], 2003.0, 0.1)
    assert after_miss == math.exp(0.7 * 0.9)
    assert adaptive_scale([miss, hit], 2006.0, 0.1) == math.exp(0.7 * 0.9 - 0.7 * 0.1)
    # three misses in a row reach the cap; three on one date count as one
    misses = [ScoredInterval(2000.0 + k, 2001.0 + k, 2002.0 + k, math.inf) for k in range(3)]
    assert adaptive_scale(misses, 2006.0, 0.1) == MAX_SCALE
    assert adaptive_scale([miss] * 3, 2003.0, 0.1) == after_miss
