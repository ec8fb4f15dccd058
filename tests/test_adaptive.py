"""Adaptive conformal widening (brainflops.forecast.trends.adaptive): invariants."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from brainflops.forecast.trends.adaptive import (
    MAX_SCALE,
    ScoredInterval,
    adaptive_scale,
    pace_arrival,
)

years = st.floats(1990.0, 2030.0)


@st.composite
def intervals(draw: st.DrawFn) -> ScoredInterval:
    origin = draw(years)
    low = origin + draw(st.floats(0.5, 5.0))
    high = low + draw(st.floats(0.1, 10.0))
    reached = draw(st.booleans())
    actual = origin + draw(st.floats(0.5, 20.0)) if reached else math.inf
    # the record's climb after the origin (decades gained by each later list), while open
    steps = draw(st.lists(st.tuples(st.floats(0.5, 3.0), st.floats(0.0, 0.3)), max_size=6))
    years_after = [origin + sum(d for d, _ in steps[: k + 1]) for k in range(len(steps))]
    gains = [sum(g for _, g in steps[: k + 1]) for k in range(len(steps))]
    progress = tuple((y, g) for y, g in zip(years_after, gains, strict=True) if y < actual)
    return ScoredInterval(origin, low, high, actual, 1.0, progress)


@given(st.lists(intervals(), max_size=30), years)
def test_scale_is_bounded(past: list[ScoredInterval], at: float) -> None:
    assert 1.0 <= adaptive_scale(past, at, 0.1) <= MAX_SCALE


@given(st.lists(intervals(), max_size=30), years)
def test_only_what_is_known_at_the_origin_counts(past: list[ScoredInterval], at: float) -> None:
    # Forecasts made at or after ``at``, and outcomes after ``at``, cannot matter: replacing
    # every such outcome by "not reached yet" leaves the widening unchanged.
    def as_seen(item: ScoredInterval) -> ScoredInterval:
        progress = tuple((y, g) for y, g in item.progress if y <= at)
        actual = math.inf if item.actual_year > at else item.actual_year
        return ScoredInterval(item.origin, item.low, item.high, actual, item.decades, progress)

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


def test_an_open_forecast_falling_behind_its_interval_counts_as_a_miss() -> None:
    # 10x forecast for 2003-2006; by 2004 a quarter decade in 4 years: at that pace 2016.
    slow = ScoredInterval(2000.0, 2003.0, 2006.0, math.inf, 1.0, ((2002.0, 0.2), (2004.0, 0.25)))
    assert pace_arrival(2000.0, 1.0, slow.progress, 2004.0) == 2016.0
    assert adaptive_scale([slow], 2004.5, 0.1) == math.exp(0.7 * 0.9)
    # before two years have passed the pace is not evidence yet
    assert adaptive_scale([slow], 2001.9, 0.1) == 1.0
    # on pace (half a decade in 2 years: 2004, inside): nothing is known until it is reached
    on_pace = ScoredInterval(2000.0, 2003.0, 2006.0, math.inf, 1.0, ((2002.0, 0.5),))
    assert adaptive_scale([on_pace], 2002.5, 0.1) == 1.0


def test_step_and_cap_can_be_set() -> None:
    # the cap bounds the factor, not the state: uncapped, two misses on two dates give
    # exp(2 x 2.8 x 0.9); capped at 8, the same record gives 8
    misses = [ScoredInterval(2000.0 + k, 2001.0 + k, 2002.0 + k, math.inf) for k in range(2)]
    assert adaptive_scale(misses, 2006.0, 0.1, 2.8, math.inf) == math.exp(2 * 2.8 * 0.9)
    assert adaptive_scale(misses, 2006.0, 0.1, 2.8, 8.0) == 8.0
    assert adaptive_scale(misses, 2006.0, 0.1) == MAX_SCALE
