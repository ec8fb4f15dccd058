"""The out-of-sample check of the widening (benchmarks/bench_calibration_step.py): its rules."""

import importlib.util
import math
from pathlib import Path

import pytest

from brainflops.forecast.trends.adaptive import ScoredInterval

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    path = ROOT / "benchmarks" / "bench_calibration_step.py"
    spec = importlib.util.spec_from_file_location("bench_calibration_step", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_interval_score_is_the_width_plus_the_scaled_miss(bench):
    hit = ScoredInterval(2000.0, 2002.0, 2006.0, 2004.0)
    late = ScoredInterval(2000.0, 2002.0, 2006.0, 2007.0)  # 1 year past the upper bound
    assert bench._interval_score([hit], 2010.0, 0.1) == 4.0
    assert bench._interval_score([late], 2010.0, 0.1) == pytest.approx(4.0 + 20.0 * 1.0)
    # overdue and open at 2008: the actual year is at least 2008, 2 years past the bound
    open_late = ScoredInterval(2000.0, 2002.0, 2006.0, math.inf)
    assert bench._interval_score([open_late], 2008.0, 0.1) == pytest.approx(4.0 + 20.0 * 2.0)
    # nothing known before the origin's outcome: no score, and forecasts made later ignored
    assert bench._interval_score([hit], 2003.0, 0.1) == 0.0
    assert (
        bench._interval_score([ScoredInterval(2011.0, 2012.0, 2013.0, 2012.5)], 2010.0, 0.1) == 0.0
    )


def test_coverage_gap_counts_hits_and_weights_recent_scores(bench):
    hit = ScoredInterval(2000.0, 2002.0, 2006.0, 2004.0)  # known in 2004
    miss = ScoredInterval(2000.0, 2002.0, 2006.0, 2007.0)  # known in 2006 (overdue)
    assert bench._coverage_gap([hit, miss], 2010.0, 0.1, math.inf) == pytest.approx(0.4)
    # half-life 2 years at 2010: the hit weighs 1/8, the miss 1/4; coverage 1/3
    gap = bench._coverage_gap([hit, miss], 2010.0, 0.1, 2.0)
    assert gap == pytest.approx(0.9 - 1.0 / 3.0)
