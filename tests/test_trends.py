"""Trend models, crossing years, physical limits and backtests."""

from __future__ import annotations

import itertools
import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainflops.core.errors import InvalidValueError, UnknownNameError
from brainflops.forecast import trends as tr


def frame(years, log10_values, unit="FLOP/s"):
    years = np.asarray(years, dtype=float)
    return pd.DataFrame(
        {
            "year": years,
            "date": [f"{y:.3f}" for y in years],
            f"value [{unit}]": np.power(10.0, np.asarray(log10_values, dtype=float)),
            "label": "synthetic",
        }
    )


# --------------------------------------------------------------------------- shipped data


def test_top500_rank1_doubling_times_before_and_after_2013():
    """Issue 5: about 1.07 y (1993-2013) and 1.87 y (2013-2026) with the shipped data."""
    early = tr.fit_exponential("top500-rank1", 1993, 2013)
    late = tr.fit_exponential("top500-rank1", 2013, 2026)
    assert early.doubling_time_years == pytest.approx(1.069, abs=0.002)
    assert late.doubling_time_years == pytest.approx(1.868, abs=0.002)
    assert early.fit.n_points == 42
    assert late.fit.n_points == 27
    lo, hi = early.doubling_time_interval
    assert lo < early.doubling_time_years < hi
    lo, hi = late.doubling_time_interval
    assert lo == pytest.approx(1.73, abs=0.01)
    assert hi == pytest.approx(2.03, abs=0.01)


def test_list_date_windows_reproduce_the_literature_fit():
    """literature.md 5.5: 1993-06 -> 2013-06 gives 1.07 y [1.04, 1.11]."""
    trend = tr.fit_exponential("top500-rank1", "1993-06", "2013-06")
    assert trend.fit.first_date == "1993-06"
    assert trend.fit.last_date == "2013-06"
    assert trend.doubling_time_years == pytest.approx(1.0715, abs=0.001)
    lo, hi = trend.doubling_time_interval
    assert lo == pytest.approx(1.04, abs=0.005)
    assert hi == pytest.approx(1.11, abs=0.005)


def test_window_conventions():
    years = np.arange(2000.0, 2006.0) + 0.5
    df = frame(years, 10 + 0.3 * (years - 2000))
    # a whole-number end is the whole calendar year; a fractional one is a decimal year
    assert tr.select_window(df, 2001, 2003)["year"].tolist() == [2001.5, 2002.5, 2003.5]
    assert tr.select_window(df, 2001, 2003.0)["year"].tolist() == [2001.5, 2002.5, 2003.5]
    assert tr.select_window(df, 2001, 2003.25)["year"].tolist() == [2001.5, 2002.5]
    assert len(tr.select_window(df, None, None)) == 6
    top = tr.select_window("top500-rank1", "2013-06", "2013-11")
    assert top["date"].tolist() == ["2013-06", "2013-11"]
    with pytest.raises(InvalidValueError) as info:
        tr.fit_exponential(df, 2001, 2002)
    assert info.value.name == "window"
    with pytest.raises(InvalidValueError):
        tr.fit_exponential(df, 2004, 2001)
    with pytest.raises(InvalidValueError):
        tr.fit_exponential(df, "20x1", None)


def test_parse_year():
    assert tr.parse_year("2013") == 2013
    assert tr.parse_year("2013.5") == 2013.5
    assert tr.parse_year("2013-06") == "2013-06"
    with pytest.raises(InvalidValueError):
        tr.parse_year("2013-13")
    with pytest.raises(InvalidValueError):
        tr.parse_year(math.nan)


# --------------------------------------------------------------------------- exponential


def test_exact_exponential_crossing_is_closed_form():
    years = np.linspace(2000, 2010, 11)
    trend = tr.fit_exponential(frame(years, 12 + 0.25 * (years - 2000)), None, None)
    assert trend.slope == pytest.approx(0.25)
    assert trend.doubling_time_years == pytest.approx(math.log10(2) / 0.25)
    assert trend.crossing_year(1e15) == pytest.approx(2012.0)
    assert trend.crossing_year(1e43) == pytest.approx(2000 + 31 / 0.25)
    assert trend.crossing_year(1e-30) == pytest.approx(2000 - 42 / 0.25)
    np.testing.assert_allclose(trend.log10_value([2004, 2020]), [13.0, 17.0])
    # no residuals (up to rounding): the interval collapses and every draw is the fit
    lo, hi = trend.doubling_time_interval or (trend.doubling_time_years,) * 2
    assert lo == pytest.approx(trend.doubling_time_years)
    assert hi == pytest.approx(trend.doubling_time_years)
    np.testing.assert_allclose(trend.crossing_year_samples(1e15, 50, 1), 2012.0)


def test_noisy_exponential_interval_covers_the_truth():
    rng = np.random.default_rng(4)
    years = np.linspace(1990, 2020, 61)
    true_slope = 0.2
    df = frame(years, 10 + true_slope * (years - 1990) + rng.normal(0, 0.1, years.size))
    trend = tr.fit_exponential(df, None, None)
    lo, hi = trend.doubling_time_interval
    assert lo < math.log10(2) / true_slope < hi
    samples = trend.crossing_year_samples(1e18, 4000, 7)
    q = np.quantile(samples, [0.025, 0.5, 0.975])
    assert q[0] < trend.crossing_year(1e18) < q[2]
    assert q[1] == pytest.approx(trend.crossing_year(1e18), abs=0.3)


def test_declining_or_flat_trend_never_crosses():
    years = np.linspace(2000, 2010, 6)
    falling = tr.fit_exponential(frame(years, 15 - 0.1 * (years - 2000)), None, None)
    assert falling.crossing_year(1e16) == math.inf
    assert falling.doubling_time_years == math.inf


@settings(deadline=None, max_examples=60)
@given(
    level=st.floats(-30, 300),
    slope=st.floats(0.01, 1.0),
    target=st.floats(-30, 300),
)
def test_exponential_crossing_matches_closed_form_in_log_space(level, slope, target):
    trend = tr.ExponentialTrend(
        unit="FLOP/s", pivot=2000.0, level=level, slope=slope, cov=np.zeros((2, 2)), dof=math.inf
    )
    year = float(trend.crossing_year_log10(target))
    assert year == pytest.approx(2000.0 + (target - level) / slope, rel=1e-12, abs=1e-9)
    assert float(trend.log10_value(year)) == pytest.approx(target, abs=1e-6)


def test_extreme_targets_do_not_overflow():
    trend = tr.fit_exponential("top500-rank1", 2013, 2026)
    for target in (1e-30, 1e43, 1e300):
        year = trend.crossing_year(target)
        assert math.isfinite(year)
        samples = trend.crossing_year_samples(target, 200, 0)
        assert not np.any(np.isnan(samples))
    curves = trend.sample_log10_values([1e4, 1e6], 10, 0)
    assert np.all(np.isfinite(curves))
    with pytest.raises(InvalidValueError):
        trend.crossing_year(0.0)
    with pytest.raises(InvalidValueError):
        trend.crossing_year(math.inf)


# --------------------------------------------------------------------------- piecewise


def broken(years, break_year, slope1, slope2, jump=0.0, noise=0.0, seed=0):
    rel = years - break_year
    logs = 15 + np.where(rel < 0, slope1 * rel, jump + slope2 * rel)
    return logs + np.random.default_rng(seed).normal(0, noise, years.size)


def test_breakpoint_recovered_on_a_continuous_broken_trend():
    years = np.arange(1990, 2025, 0.5) + 0.25
    df = frame(years, broken(years, 2008.3, 0.3, 0.12, noise=0.03, seed=1))
    trend = tr.fit_piecewise(df, None, None)
    assert trend.breakpoint == pytest.approx(2008.3, abs=0.4)
    lo, hi = trend.breakpoint_interval
    assert lo <= 2008.3 <= hi
    assert hi - lo < 3
    assert trend.b1 == pytest.approx(0.3, abs=0.01)
    assert trend.b2 == pytest.approx(0.12, abs=0.01)
    assert trend.doubling_time_years == pytest.approx(math.log10(2) / trend.b2)
    segments = trend.segment_doubling_times()
    assert segments[0]["doubling_time_years"] < segments[1]["doubling_time_years"]


def test_breakpoint_recovered_on_a_discontinuous_trend():
    years = np.arange(1990, 2025, 0.5) + 0.25
    df = frame(years, broken(years, 2012.0, 0.3, 0.1, jump=0.8, noise=0.02, seed=2))
    trend = tr.fit_piecewise(df, None, None, continuous=False)
    # the fit only changes when a point changes side: the estimate is the middle of the gap
    assert trend.breakpoint == pytest.approx(2012.0, abs=0.5)
    assert trend.a2 - trend.a1 == pytest.approx(0.8, abs=0.1)
    continuous = tr.fit_piecewise(df, None, None)
    assert np.sum((continuous.log10_value(years) - np.log10(df["value [FLOP/s]"])) ** 2) > (
        np.sum((trend.log10_value(years) - np.log10(df["value [FLOP/s]"])) ** 2)
    )


def test_given_breakpoint_and_crossing_consistency():
    years = np.arange(1990, 2025, 1.0)
    df = frame(years, broken(years, 2010.0, 0.3, 0.1))
    trend = tr.fit_piecewise(df, None, None, breakpoint=2010.0)
    assert trend.breakpoint_interval is None
    assert trend.b1 == pytest.approx(0.3)
    assert trend.b2 == pytest.approx(0.1)
    # 10**18 is reached on the second segment: 15 + 0.1 (t - 2010) = 18
    assert trend.crossing_year(1e18) == pytest.approx(2040.0)
    assert trend.crossing_year(1e12) == pytest.approx(2000.0)
    with pytest.raises(InvalidValueError) as info:
        tr.fit_piecewise(df, None, None, breakpoint=1991.5)
    assert info.value.name == "breakpoint"


def test_piecewise_fit_of_top500_breaks_near_2013():
    """literature.md 5.5: the slowdown shows around 2013 at the top."""
    trend = tr.fit_piecewise("top500-rank1", None, None)
    assert 2011.0 < trend.breakpoint < 2015.0
    lo, hi = trend.breakpoint_interval
    assert lo <= trend.breakpoint <= hi
    samples = trend.crossing_year_samples(1e21, 2000, 3)
    assert np.all(np.isfinite(samples))
    assert np.quantile(samples, 0.025) < trend.crossing_year(1e21) < np.quantile(samples, 0.975)


def test_piecewise_needs_points_on_both_sides():
    years = np.arange(2000.0, 2005.0)
    with pytest.raises(InvalidValueError):
        tr.fit_piecewise(frame(years, years - 1990), None, None)


# --------------------------------------------------------------------------- logistic


def test_logistic_recovers_parameters_and_never_crosses_the_ceiling():
    years = np.linspace(1990, 2030, 41)
    ceiling_log10, rate, midpoint = 20.0, 0.6, 2015.0
    logs = ceiling_log10 - np.logaddexp(0, -rate * (years - midpoint)) / math.log(10)
    trend = tr.fit_logistic(frame(years, logs), None, None, ceiling=1e20)
    assert trend.rate == pytest.approx(rate, rel=1e-4)
    assert trend.midpoint == pytest.approx(midpoint, abs=1e-3)
    assert trend.crossing_year(1e20) == math.inf
    assert trend.crossing_year(1e25) == math.inf
    assert trend.crossing_year(1e19) == pytest.approx(midpoint - math.log(9) / rate, rel=1e-6)
    far = np.array([2100.0, 1e4, 1e6])
    assert np.all(trend.log10_value(far) <= 20.0)
    assert np.all(trend.sample_log10_values(far, 500, 1) <= 20.0)
    assert np.all(np.isposinf(trend.crossing_year_samples(2e20, 500, 2)))
    assert trend.doubling_time_years == pytest.approx(math.log(2) / rate, rel=1e-4)
    # near the ceiling growth slows: a longer instantaneous doubling time
    assert trend.doubling_time_at(2030) > trend.doubling_time_at(1990)


def test_logistic_on_real_data_and_ceiling_validation():
    ceiling = tr.ceiling_from_limit("20 MW")
    trend = tr.fit_logistic("top500-rank1", 2013, 2026, ceiling)
    assert trend.crossing_year(ceiling) == math.inf
    exponential = tr.fit_exponential("top500-rank1", 2013, 2026)
    # saturation can only delay the crossing of a level below the ceiling
    assert trend.crossing_year(1e22) >= exponential.crossing_year(1e22)
    with pytest.raises(InvalidValueError) as info:
        tr.fit_logistic("top500-rank1", 2013, 2026, 1e18)
    assert info.value.name == "ceiling"
    with pytest.raises(InvalidValueError):
        tr.fit_model("logistic", "top500-rank1", 2013, 2026)


# --------------------------------------------------------------------------- doubling


def test_doubling_model_reproduces_dettmers_arithmetic():
    whole = tr.doubling("0.58PFLOP/s", 2015, 1.8, rounding="whole-doublings")
    assert whole.doublings_needed(1.075e21) == 21
    assert whole.crossing_year(1.075e21) == pytest.approx(2052.8)
    slow = tr.doubling("0.58 PFLOP/s", 2015, 3.0, rounding="whole-doublings")
    assert slow.crossing_year(1.075e21) == pytest.approx(2078.0)
    smooth = tr.doubling(0.58e15, 2015, 1.8)
    assert smooth.crossing_year(1.075e21) == pytest.approx(
        2015 + 1.8 * math.log2(1.075e21 / 0.58e15)
    )
    # an exact power of two counts as that many doublings despite rounding error
    assert whole.doublings_needed(0.58e15 * 2**21) == 21
    # the stepped curve reaches the target exactly at the crossing year
    assert float(whole.log10_value(2052.8)) >= math.log10(1.075e21)
    assert float(whole.log10_value(2052.7)) < math.log10(1.075e21)


def test_doubling_with_interval_draws_around_the_stated_time():
    trend = tr.doubling(1e15, 2020, 2.0, interval=(1.5, 3.0))
    samples = trend.crossing_year_samples(1e15 * 2**10, 20000, 0)
    years_per_doubling = (samples - 2020) / 10
    q = np.quantile(years_per_doubling, [0.025, 0.5, 0.975])
    np.testing.assert_allclose(q, [1.5, 2.0, 3.0], rtol=0.03)
    with pytest.raises(InvalidValueError):
        tr.doubling(1e15, 2020, 2.0, interval=(2.5, 3.0))
    with pytest.raises(InvalidValueError):
        tr.doubling(1e15, 2020, -1.0)
    with pytest.raises(UnknownNameError):
        tr.doubling(1e15, 2020, 2.0, rounding="nearest")  # type: ignore[arg-type]


def test_doubling_handles_values_from_1e_minus_30_to_1e300():
    trend = tr.doubling(1e-30, 2000, 1.0)
    assert trend.crossing_year(1e300) == pytest.approx(2000 + 330 * math.log2(10))
    assert np.all(np.isfinite(trend.log10_value([1e5])))


@settings(deadline=None, max_examples=40)
@given(
    model=st.sampled_from(["exponential", "piecewise", "logistic", "doubling"]),
    low=st.floats(10.0, 30.0),
    step=st.floats(0.0, 5.0),
)
def test_crossing_year_never_decreases_with_the_target(model, low, step):
    trend = _MODELS[model]
    a, b = trend.crossing_year_log10([low, low + step])
    assert b >= a
    draws_a = trend.crossing_year_samples_log10(low, 300, 11)
    draws_b = trend.crossing_year_samples_log10(low + step, 300, 11)
    assert np.all(draws_b >= draws_a)


_MODELS = {
    "exponential": tr.fit_exponential("top500-rank1", 2013, 2026),
    "piecewise": tr.fit_piecewise("top500-rank1", None, None),
    "logistic": tr.fit_logistic("top500-rank1", 2013, 2026, 1e25),
    "doubling": tr.doubling(1e15, 2015, 1.8, interval=(1.2, 3.0), rounding="whole-doublings"),
}


@pytest.mark.parametrize("name", sorted(_MODELS))
def test_to_dict_is_json_and_reports_doubling_time(name):
    data = _MODELS[name].to_dict()
    json.dumps(data, allow_nan=True)
    assert data["model"] == name
    assert data["doubling_time_years"] > 0
    assert data["unit"] == "FLOP/s"


def test_fit_model_rejects_unknown_models():
    with pytest.raises(UnknownNameError):
        tr.fit_model("linear", "top500-rank1", None, None)


# --------------------------------------------------------------------------- physics


def test_landauer_bound_matches_the_literature_table():
    """literature.md section 4: 6.7e21 /s at 310 K and 20 W; 7.0e21 at 300 K."""
    assert tr.landauer_bit_erasures_per_second() == pytest.approx(6.74e21, rel=1e-3)
    assert tr.landauer_bit_erasures_per_second(20, 300) == pytest.approx(7.0e21, rel=0.01)
    assert tr.landauer_bit_erasures_per_second("12 W", 310) == pytest.approx(4.0e21, rel=0.02)
    assert tr.landauer_joules_per_bit(293.15) == pytest.approx(2.805e-21, rel=1e-3)
    with pytest.raises(InvalidValueError):
        tr.landauer_bit_erasures_per_second(20, -1)


def test_ceiling_from_limit():
    assert tr.ceiling_from_limit(20.0) == pytest.approx(20 * tr.CMOS_LIMIT_OPS_PER_JOULE)
    assert tr.ceiling_from_limit("20 MW") == pytest.approx(9.4e22)
    assert tr.ceiling_from_limit(1.0, "1e12 FLOP/J") == pytest.approx(1e12)
    assert "2312.08595" in tr.CMOS_LIMIT_SOURCE
    with pytest.raises(InvalidValueError):
        tr.ceiling_from_limit(0.0)


# --------------------------------------------------------------------------- backtests


def test_backtest_first_petaflop_from_data_through_2004():
    result = tr.backtest("top500-rank1", 2004, 1e15, "exponential")
    assert result.last_train_date == "2004-11"
    assert result.actual_date == "2008-06"
    assert result.actual_year == pytest.approx(2008 + 5.5 / 12)
    assert result.predicted_year == pytest.approx(2009.26, abs=0.01)
    lo, hi = result.predicted_interval
    assert lo < result.predicted_year < hi
    assert result.error_years == pytest.approx(0.80, abs=0.01)


def test_backtest_first_exaflop_from_data_through_2013():
    result = tr.backtest("top500-rank1", 2013, 1e18, "exponential")
    assert result.last_train_date == "2013-11"
    assert result.actual_date == "2022-06"
    assert result.predicted_year == pytest.approx(2019.38, abs=0.01)
    # the pre-2013 trend was too optimistic: the slowdown delayed the exaflop by ~3 years
    assert result.error_years == pytest.approx(-3.08, abs=0.02)
    assert result.covered is False


def test_backtest_of_an_unreached_target_and_the_table():
    future = tr.backtest("top500-rank1", 2020, 1e21, "exponential")
    assert future.actual_year is None
    assert future.error_years is None
    assert future.to_dict()["actual_year"] is None
    table = tr.backtest_table("top500-rank1", [2004, 2013], [1e15, 1e18], "exponential")
    # 1e15 was reached in 2008-06, inside the training data to 2013: that pair is left out
    assert list(zip(table["train_end"], table["target"], strict=True)) == [
        ("2004", 1e15),
        ("2004", 1e18),
        ("2013", 1e18),
    ]
    assert {"predicted_year", "actual_year", "error_years", "covered"} <= set(table.columns)
    row = table[(table["train_end"] == "2013") & (table["target"] == 1e18)].iloc[0]
    assert row["error_years"] == pytest.approx(row["predicted_year"] - row["actual_year"])
    with pytest.raises(InvalidValueError):
        tr.backtest("top500-rank1", None, 1e18)


def test_backtest_with_other_models_runs():
    piecewise = tr.backtest("top500-rank1", 2013, 1e18, model="piecewise")
    logistic = tr.backtest("top500-rank1", 2013, 1e18, model="logistic", ceiling=1e21)
    for result in (piecewise, logistic):
        assert 2010 < result.predicted_year < 2030
        assert result.actual_date == "2022-06"


# --------------------------------------------------------------------------- review fixes


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("5.8e14", "FLOP/s", 5.8e14),
        ("0.58PFLOP/s", "FLOP/s", 5.8e14),
        ("0.58 PFLOP/s", "FLOP/s", 5.8e14),
        ("100EFLOP/s", "FLOP/s", 1e20),
        (np.float32(2.0), "W", 2.0),
        ("1 MW", "W", 1e6),
        ("3e9", "FLOP/s/USD", 3e9),
        ("3e9 FLOP/s/USD", "FLOP/s/USD", 3e9),
        ("0.1 USD/kWh", "USD/kWh", 0.1),
    ],
)
def test_parse_value_reads_numbers_and_quantities(text, unit, expected):
    assert tr.parse_value(text, unit, "--x") == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(
    ("text", "unit", "reason"),
    [
        ("0", "FLOP/s", "positive and finite"),
        ("-1 PFLOP/s", "FLOP/s", "positive and finite"),
        ("nan", "FLOP/s", "positive and finite"),
        ("inf", "W", "positive and finite"),
        ("0.1 EUR/kWh", "USD/kWh", "plain number in USD/kWh"),
        ("1 PFLOP/s", "FLOP/s/USD", "plain number in FLOP/s/USD"),
        (True, "W", "expected a number"),
    ],
)
def test_parse_value_errors_name_the_argument(text, unit, reason):
    with pytest.raises(InvalidValueError, match=reason) as info:
        tr.parse_value(text, unit, "--target")
    assert str(info.value).startswith("--target: ")


def test_parse_value_rejects_the_wrong_dimension():
    from brainflops.core.errors import UnitMismatchError

    with pytest.raises(UnitMismatchError, match="--target"):
        tr.parse_value("20 W", "FLOP/s", "--target")


def test_fit_model_refuses_options_of_other_models():
    with pytest.raises(InvalidValueError, match="does not take ceiling"):
        tr.fit_model("exponential", "top500-rank1", None, None, ceiling=1e21)
    with pytest.raises(InvalidValueError, match="does not take breakpoint"):
        tr.fit_model("logistic", "top500-rank1", 2013, None, breakpoint=2015, ceiling=1e21)
    with pytest.raises(InvalidValueError, match="continuous=False"):
        tr.backtest("top500-rank1", 2013, 1e18, "exponential", continuous=False)
    with pytest.raises(InvalidValueError, match="no window start or fit options"):
        tr.backtest("top500-rank1", 2013, 1e18, continuous=False)


def test_backtest_passes_continuous_to_the_piecewise_fit():
    joined = tr.backtest("top500-rank1", 2016, 1e18, "piecewise")
    jumped = tr.backtest("top500-rank1", 2016, 1e18, "piecewise", continuous=False)
    fitted = tr.fit_piecewise("top500-rank1", None, 2016, continuous=False)
    assert jumped.predicted_year != joined.predicted_year
    assert jumped.predicted_year == pytest.approx(fitted.crossing_year(1e18))


def test_landauer_defaults_come_from_the_facility_file(monkeypatch):
    from brainflops.params import assumption_files as hardware

    watts = hardware.facility_value("brain_power", "W")
    kelvin = hardware.facility_value("body_temperature", "K")
    assert (watts, kelvin) == (20.0, 310.0)
    assert tr.landauer_bit_erasures_per_second() == tr.landauer_bit_erasures_per_second(
        watts, kelvin
    )
    values = {"brain_power": 12.0, "body_temperature": 300.0}
    monkeypatch.setattr(hardware, "facility_value", lambda name, unit: values[name])
    assert tr.landauer_bit_erasures_per_second() == pytest.approx(
        12.0 / (tr.BOLTZMANN_J_PER_K * 300.0 * math.log(2))
    )


@pytest.mark.parametrize("name", ["landauer", "carlsmith2020:limit"])
def test_landauer_presets_state_the_facility_values(name):
    """The presets cite their sources' 20 W and 310 K; the code reads facility.toml."""
    from brainflops.models.presets import load_preset
    from brainflops.params.assumption_files import facility_value

    model = load_preset(name)
    assert model.parameter("power").quantity.m_as("W") == facility_value("brain_power", "W")
    assert model.parameter("temperature").quantity.m_as("K") == facility_value(
        "body_temperature", "K"
    )
    k_b = model.parameter("boltzmann_constant").quantity.m_as("J/K")
    assert k_b == tr.BOLTZMANN_J_PER_K
    assert model.central().m_as("FLOP/s") == pytest.approx(tr.landauer_bit_erasures_per_second())


# --------------------------------------------------------------------------- subpackage


def test_every_public_name_loads_from_the_package():
    import importlib

    assert tr.__all__ == sorted(tr.__all__)
    for name in tr.__all__:
        assert getattr(tr, name) is not None
    # each submodule's own __all__ is exported by the package
    for module in ("limits", "series", "base", "models", "fit", "backtests", "ensemble"):
        names = importlib.import_module(f"brainflops.forecast.trends.{module}").__all__
        assert set(names) <= set(tr.__all__) | {"MULTIPLES", "member_forecasts", "CalibrationCase"}


def test_exponential_fit_matches_the_closed_form():
    years = np.array([2000.0, 2001.0, 2003.0, 2006.0, 2010.0])
    logs = np.array([10.0, 10.4, 10.9, 12.1, 13.2])
    trend = tr.fit_exponential(frame(years, logs), None, None)
    x = years - years.mean()
    slope = float(np.sum(x * (logs - logs.mean())) / np.sum(x**2))  # textbook OLS
    resid = logs - logs.mean() - slope * x
    s2 = float(resid @ resid) / (years.size - 2)
    assert trend.slope == pytest.approx(slope)
    assert trend.level == pytest.approx(logs.mean())
    assert trend.slope_se == pytest.approx(math.sqrt(s2 / np.sum(x**2)))
    assert trend.cov[0, 0] == pytest.approx(s2 / years.size)


def test_doubling_interval_ends_are_the_2_5_and_97_5_percentiles_of_the_draws():
    trend = tr.doubling(1e15, 2015, 2.0, interval=(1.5, 3.0), unit="FLOP/s")
    # log2(target / baseline) = 10 doublings: crossing = 2015 + 10 T, monotone in T
    years = trend.crossing_year_samples(1e15 * 2**10, 200_000, 3)
    periods = (years - 2015) / 10
    lo, mid, hi = np.quantile(periods, [0.025, 0.5, 0.975])
    assert lo == pytest.approx(1.5, rel=0.01)
    assert mid == pytest.approx(2.0, rel=0.01)
    assert hi == pytest.approx(3.0, rel=0.01)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(8.0, 20.0), min_size=3, max_size=25), st.floats(7.0, 21.0))
def test_first_reached_years_is_the_first_point_at_or_above(logs, target):
    years = 2000.0 + np.arange(len(logs))
    data = frame(years, logs)
    got = float(tr.first_reached_years(data, [target])[0])
    expected = next((y for y, v in zip(years, logs, strict=True) if v >= target), math.inf)
    assert got == expected  # a direct loop over the points


# --------------------------------------------------------------------------- calibration


def synthetic_staircase(seed=0, n=40, slowdown_at=None):
    """Semi-annual lists growing 10x every 4 years, with noise (optionally slowing down)."""
    rng = np.random.default_rng(seed)
    years = 1990.0 + 0.5 * np.arange(n)
    slope = np.full(n, 0.25)  # decades per year
    if slowdown_at is not None:
        slope[years > slowdown_at] = 0.125
    logs = 10.0 + np.cumsum(slope * 0.5) + rng.normal(0.0, 0.05, n)
    return frame(years, logs)


def test_cases_use_only_data_up_to_each_origin_and_score_against_the_data():
    from brainflops.forecast.trends import ensemble as ens

    data = synthetic_staircase()
    cases = ens.calibration_cases(data)
    assert cases, "a 40-list series has backtests"
    years = data["year"].to_numpy()
    logs = np.log10(data["value [FLOP/s]"].to_numpy())
    for case in cases[:6]:
        upto = years <= case.origin
        assert case.log10_target == pytest.approx(logs[upto].max() + math.log10(case.multiple))
        later = years[logs >= case.log10_target]
        assert case.actual_year == (later.min() if later.size else math.inf)
        assert case.actual_year > case.origin
        # the members' forecasts equal a refit on the truncated data
        _, horizons, _ = ens.member_forecasts(data[upto], [case.log10_target])
        assert case.horizons["exponential"] == pytest.approx(float(horizons["exponential"][0]))


def test_known_cases_are_strictly_before_the_origin():
    from brainflops.forecast.trends import ensemble as ens

    cases = ens.calibration_cases(synthetic_staircase())
    at = cases[len(cases) // 2].origin
    known = ens._known(cases, at)
    assert known
    assert all(c.origin < at for c in known)
    for case in known:
        error = case.log_error("exponential", at)
        forecast_date = case.origin + case.horizons["exponential"]
        if case.actual_year <= at:  # resolved: the exact error
            assert error == pytest.approx(
                math.log((case.actual_year - case.origin) / case.horizons["exponential"])
            )
        elif forecast_date < at:  # overdue: the censored lower bound, positive
            assert error == pytest.approx(
                math.log((at - case.origin) / (forecast_date - case.origin))
            )
            assert error > 0
        else:  # still open: nothing known
            assert math.isnan(error)


def test_cases_record_the_climb_towards_their_target():
    from brainflops.forecast.trends import ensemble as ens

    data = synthetic_staircase()
    years = data["year"].to_numpy()
    record = np.maximum.accumulate(np.log10(data["value [FLOP/s]"].to_numpy()))
    for case in ens.calibration_cases(data)[:8]:
        at_origin = record[years <= case.origin][-1]
        expected = [
            (y, r - at_origin) for y, r in zip(years, record, strict=True)
            if case.origin < y < case.actual_year
        ]  # fmt: skip
        assert [y for y, _ in case.progress] == pytest.approx([y for y, _ in expected])
        assert [g for _, g in case.progress] == pytest.approx([g for _, g in expected])
        assert all(g < math.log10(case.multiple) for _, g in case.progress)


def test_stacking_weights_favour_the_member_with_smaller_errors():
    from brainflops.forecast.trends import ensemble as ens

    rng = np.random.default_rng(1)
    good = rng.normal(0.0, 0.05, 200)
    bad = rng.normal(0.0, 1.0, 200)
    dens = np.column_stack(
        [ens._loo_log_density(good, ens._bandwidth(good)), ens._loo_log_density(bad, 0.3)]
    )
    weights = ens._stacking_weights(dens)
    assert weights.sum() == pytest.approx(1.0)
    assert weights[0] > 0.9


def test_loo_density_is_a_kernel_density_without_the_point():
    from scipy import stats

    from brainflops.forecast.trends import ensemble as ens

    errors = np.array([0.0, 0.1, 0.5, -0.2])
    got = ens._loo_log_density(errors, 0.2)
    expected = [
        math.log(np.mean(stats.norm.pdf(np.delete(errors, i), errors[i], 0.2)))
        for i in range(errors.size)
    ]
    assert got == pytest.approx(expected)


def test_calibrated_ensemble_on_a_steady_series_is_accurate_and_monotone():
    data = synthetic_staircase(n=50)
    ensemble = tr.fit_calibrated(data)
    assert sum(ensemble.weights.values()) == pytest.approx(1.0)
    last_log = float(np.log10(data["value [FLOP/s]"].max()))
    # 10x beyond the record takes 4 years on this series
    median = float(ensemble.crossing_year_log10(last_log + 1.0))
    assert median == pytest.approx(ensemble.last_year + 4.0, abs=1.0)
    low = ensemble.crossing_year_samples_log10(last_log + 1.0, 500, 4)
    high = ensemble.crossing_year_samples_log10(last_log + 2.0, 500, 4)
    assert np.all(high >= low)


def test_calibrate_reports_every_horizon_and_refuses_bad_input():
    report = tr.calibrate(synthetic_staircase(n=50), confidence=0.8)
    assert [s.horizon for s in report.scores] == ["10x", "100x"]
    ten = report.scores[0]
    assert ten.n > 5
    assert 0.0 <= ten.coverage <= 1.0
    assert set(ten.coverage_by_confidence) == {"0.5", "0.8", "0.9", "0.95"}
    # coverage grows with the stated confidence (nested intervals)
    curve = list(ten.coverage_by_confidence.values())
    assert curve == sorted(curve)
    assert json.loads(json.dumps(report.to_dict()))["horizons"][0]["horizon"] == "10x"
    with pytest.raises(UnknownNameError):
        tr.calibrate(synthetic_staircase(), "logistic")
    with pytest.raises(InvalidValueError):
        tr.calibrate(synthetic_staircase(), confidence=1.0)


def test_calibrate_scores_say_how_many_forecasts_are_independent():
    report = tr.calibrate(synthetic_staircase(n=50), confidence=0.8)
    for score in report.scores:
        if not score.n:
            continue
        # Forecasts made a list apart are judged on overlapping lists: far fewer windows.
        assert 1 <= score.windows < score.n
        low, high = score.coverage_interval
        assert low <= score.coverage <= high
        row = json.loads(json.dumps(report.to_dict()))["horizons"][0]
        assert row["windows"] == report.scores[0].windows
        assert len(row["coverage_interval"]) == 2


def _most_disjoint(windows: list[tuple[float, float]]) -> int:
    """Oracle: the largest subset of windows of which no two overlap, by trying every subset."""
    best = 0
    for mask in range(1 << len(windows)):
        chosen = sorted(w for k, w in enumerate(windows) if mask >> k & 1)
        if all(a[1] <= b[0] for a, b in itertools.pairwise(chosen)):
            best = max(best, len(chosen))
    return best


@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(1, 15)).map(
            lambda w: (w[0] / 2, (w[0] + w[1]) / 2)
        ),
        max_size=8,
    )
)
@settings(max_examples=200, deadline=None)
def test_independent_windows_is_the_largest_disjoint_set(windows):
    assert tr.independent_windows(windows) == _most_disjoint(windows)


@given(st.floats(0.0, 1.0), st.integers(1, 200))
@settings(max_examples=200, deadline=None)
def test_coverage_interval_is_the_jeffreys_interval(coverage, trials):
    from scipy import stats

    low, high = tr.coverage_interval(coverage, trials)
    hits = coverage * trials
    posterior = stats.beta(hits + 0.5, trials - hits + 0.5)
    lower = 0.0 if hits == 0 else min(posterior.ppf(0.05), coverage)
    upper = 1.0 if hits == trials else max(posterior.ppf(0.95), coverage)
    assert (low, high) == (pytest.approx(lower, abs=1e-9), pytest.approx(upper, abs=1e-9))
    # more independent trials, same share: never a wider interval
    wider_low, wider_high = tr.coverage_interval(coverage, trials * 4)
    assert wider_high - wider_low <= high - low + 1e-12


def test_coverage_interval_without_trials_is_unknown():
    assert all(math.isnan(end) for end in tr.coverage_interval(0.9, 0))
    assert all(math.isnan(end) for end in tr.coverage_interval(math.nan, 5))


def test_a_member_that_saw_no_growth_gives_no_lead_time_error():
    from brainflops.forecast.trends.ensemble import NO_GROWTH_DOUBLING_YEARS, CalibrationCase

    # The HPCG #1's members in 2017: 477 years for a 10x that took 2.6.
    case = CalibrationCase(2017.875, 10.0, 16.0, {"flat": 477.0, "grows": 4.0}, 2020.46)
    assert math.isnan(case.log_error("flat"))
    assert case.log_error("grows") == pytest.approx(math.log(2.585 / 4.0), abs=1e-3)
    limit = NO_GROWTH_DOUBLING_YEARS * math.log2(100.0)  # the same rule for a 100x target
    at_limit = CalibrationCase(2000.0, 100.0, 16.0, {"m": limit, "n": limit * 0.99}, 2010.0)
    assert math.isnan(at_limit.log_error("m"))
    assert math.isfinite(at_limit.log_error("n"))


def test_no_ensemble_draw_outruns_every_growth_rate_in_the_data():
    # US$1,000 buying 10^20.85 FLOP/s needs 10^17.85 FLOP/s per dollar: over six decades
    # above the frontier, 20 years even at a doubling a year (faster than any packaged trend).
    ensemble = tr.fit_calibrated("gpu-flops-per-dollar")
    draws = ensemble.crossing_year_samples_log10(17.85, 20_000, 1)
    assert np.nanmin(draws) > ensemble.last_year + 15.0


def test_calibrated_backtest_keeps_the_backtest_keys():
    result = tr.backtest("top500-rank1", 2013, 1e18)
    data = result.to_dict()
    for key in ("predicted_year", "predicted_interval", "actual_year", "covered", "confidence"):
        assert key in data
    assert data["model"] == "calibrated"
    assert data["confidence"] == 0.9
    assert data["actual_year"] == pytest.approx(2022 + 5.5 / 12)
    lo, hi = data["predicted_interval"]
    assert 2013.9 <= lo < data["predicted_year"] < hi


def test_case_cache_round_trips_and_is_skipped_when_off(tmp_path, monkeypatch):
    from brainflops.forecast.trends import case_cache

    calls = []

    def compute():
        calls.append(1)
        return [{"origin": 2000.5, "actual_year": math.inf, "horizons": {"exponential": 3.0}}]

    data = synthetic_staircase(n=10)
    monkeypatch.setenv("BRAINFLOPS_CACHE_DIR", str(tmp_path))
    first = case_cache.cached("demo", data, compute)
    again = case_cache.cached("demo", data, compute)
    assert first == again
    assert again[0]["actual_year"] == math.inf
    assert len(calls) == 1  # the second read came from the file
    monkeypatch.setenv("BRAINFLOPS_CACHE_DIR", "")  # caching off: computed every time
    case_cache.cached("demo", data, compute)
    assert len(calls) == 2


# --------------------------------------------------------------------------- review fixes (#13)


def test_never_as_null_maps_only_positive_infinity():
    assert tr.never_as_null(math.inf) is None
    assert tr.never_as_null(None) is None
    assert tr.never_as_null(2031.25) == 2031.25
    assert tr.never_as_null(-math.inf) == -math.inf  # left for the JSON writer to refuse
    assert math.isnan(tr.never_as_null(math.nan))


@pytest.mark.parametrize(
    ("train_end", "target", "message"),
    [
        (1990, 1e15, "the series starts 1993-06"),
        (2013, 1e12, "already reached in the training data (1997-06)"),
        (2013, 1e15, "already reached in the training data (2008-06)"),
        (2030, 1e21, "no data after the end of training"),
    ],
)
@pytest.mark.parametrize("model", ["calibrated", "exponential"])
def test_backtest_refuses_what_it_cannot_score(train_end, target, message, model):
    with pytest.raises(InvalidValueError, match=re.escape(message)):
        tr.backtest("top500-rank1", train_end, target, model)


def test_backtest_of_a_target_just_above_the_training_record_is_scored():
    # The TOP500 #1 record through 2013-11 is 33.86 PFLOP/s (Tianhe-2); just above it the
    # target is first reached after the training data (Sunway TaihuLight, 2016-06).
    result = tr.backtest("top500-rank1", 2013, 3.4e16, "exponential")
    assert result.actual_date == "2016-06"
    assert result.last_train_date == "2013-11"


@pytest.mark.parametrize(
    "series", ["gpu-flops-per-dollar", "gpu-flops-per-watt", "gpu-fp32", "hpcg-rank1"]
)
def test_piecewise_fit_to_dict_is_strict_json_with_null_for_no_growth(series):
    trend = tr.fit_piecewise(series, None, None)
    data = trend.to_dict()
    json.dumps(data, allow_nan=False)  # raised on the infinite doubling-time bound
    low, high = trend.doubling_time_interval
    assert data["doubling_time_interval"] == [tr.never_as_null(low), tr.never_as_null(high)]
    assert None in data["doubling_time_interval"]


def test_backtest_to_dict_writes_null_for_never():
    capped = tr.backtest("top500-rank1", 2013, 1e19, "logistic", ceiling=1e17)
    assert capped.predicted_year == math.inf
    data = capped.to_dict()
    json.dumps(data, allow_nan=False)
    assert data["predicted_year"] is None
    assert data["predicted_interval"] == [None, None]
