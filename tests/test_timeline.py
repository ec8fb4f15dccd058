"""Parity-year distributions, criteria and Dettmers' timeline arithmetic."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainflops.cli._common import dumps
from brainflops.core.errors import InvalidValueError, UnitMismatchError, UnknownNameError
from brainflops.data.datasets import hpcg_hpl_ratio
from brainflops.forecast import timeline as tl
from brainflops.forecast import trends as tr

# --------------------------------------------------------------------------- Dettmers


def test_dettmers_1_8_year_doubling_gives_2053():
    result = tl.dettmers_timeline()
    assert result.exact_doublings == pytest.approx(math.log2(1.075e21 / 0.58e15))
    assert 20.8 < result.exact_doublings < 20.9
    assert result.doublings == 21
    assert result.crossing_year == pytest.approx(2052.8)
    assert result.by_year == 2053


def test_dettmers_3_year_doubling_gives_2078():
    result = tl.dettmers_timeline(doubling_years=3.0)
    assert result.crossing_year == pytest.approx(2078.0)
    assert result.by_year == 2078  # not 2079: exact multiples are not rounded up


def test_dettmers_rounding_is_a_choice():
    smooth = tl.dettmers_timeline(rounding="none")
    assert smooth.doublings == pytest.approx(smooth.exact_doublings)
    assert smooth.crossing_year == pytest.approx(2052.48, abs=0.01)
    assert smooth.by_year == 2053


def test_dettmers_moore_year_implies_about_1_05_years():
    implied = tl.dettmers_implied_doubling_years()
    assert implied == pytest.approx(22 / 21)
    again = tl.dettmers_timeline(doubling_years=implied)
    assert again.crossing_year == pytest.approx(tl.DETTMERS_MOORE_YEAR)


def test_by_year():
    assert tl.by_year(2052.8) == 2053
    assert tl.by_year(2078.0 + 1e-9) == 2078
    assert tl.by_year(math.inf) == math.inf


# --------------------------------------------------------------------------- criteria


def test_criteria_offsets_and_series():
    assert set(tl.criteria()) == {
        "hpl",
        "hpcg",
        "hpcg-hpl",
        "top500-sum",
        "budget",
        "energy",
        "training-run",
    }
    assert tl.get_criterion("hpl").log10_offset == 0.0
    ratio = hpcg_hpl_ratio().median
    scaled = tl.get_criterion("hpcg-hpl")
    assert scaled.series == "top500-rank1"
    assert scaled.log10_offset == pytest.approx(-math.log10(ratio))
    assert scaled.log10_offset > 1  # HPL must be ~50-100x above the brain estimate
    budget = tl.get_criterion("budget", budget_usd=1e6)
    assert budget.unit == "FLOP/s/USD"
    assert budget.log10_offset == pytest.approx(-6.0)
    energy = tl.get_criterion("energy")
    assert energy.unit == "FLOP/s/W"
    assert energy.log10_offset == pytest.approx(-math.log10(20))
    with pytest.raises(UnknownNameError):
        tl.get_criterion("flops")
    with pytest.raises(InvalidValueError):
        tl.get_criterion("budget", budget_usd=0.0)


def test_budget_and_energy_targets_are_consistent():
    trend = tr.doubling(1e9, 2020, 2.0, unit="FLOP/s/USD")
    result = tl.parity_years(
        np.full(10, 15.0), trend, 0, tl.get_criterion("budget", budget_usd=1e3)
    )
    # 1e15 FLOP/s for $1000 needs 1e12 FLOP/s per $: 3 decades above the baseline
    assert result.median_year == pytest.approx(2020 + 2.0 * math.log2(1e3))
    energy = tr.fit_exponential("green500-rank1", None, None)
    out = tl.parity_years(np.full(5, 16.0), energy, 0, "energy")
    # same seed, same draws: the energy target is the brain estimate divided by 20 W
    expected = np.quantile(
        energy.crossing_year_samples(1e16 / 20, 5, 0), 0.5, method="inverted_cdf"
    )
    assert out.median_year == pytest.approx(expected)


def test_trend_unit_must_match_the_criterion():
    trend = tr.fit_exponential("top500-rank1", 2013, None)
    with pytest.raises(UnitMismatchError):
        tl.parity_years(np.full(5, 16.0), trend, 0, "energy")


# --------------------------------------------------------------------------- parity


def test_constant_brain_and_exact_trend_give_a_point_distribution():
    trend = tr.doubling(0.58e15, 2015, 1.8, rounding="whole-doublings")
    result = tl.parity_years(np.full(100, math.log10(1.075e21)), trend, 0, "hpcg")
    assert result.median_year == result.p5_year == result.p95_year == pytest.approx(2052.8)
    assert result.median_by_year == 2053
    assert result.probability_by == {
        2030.0: 0.0,
        2040.0: 0.0,
        2050.0: 0.0,
        2075.0: 1.0,
        2100.0: 1.0,
    }
    assert result.never_fraction == 0.0


def test_quantiles_and_probabilities_of_a_spread():
    rng = np.random.default_rng(0)
    brain = rng.normal(24.0, 1.0, 20000)  # far above every list: only the trend answers
    trend = tr.doubling(1e22, 2030, 2.0)  # exact: year = 2030 + 2 log2(B / 1e22)
    result = tl.parity_years(brain, trend, 1, "hpl", years=[2040, 2050])
    per_decade = 2.0 / math.log10(2)
    assert result.median_year == pytest.approx(2030 + 2 * per_decade, abs=0.1)
    assert result.p5_year == pytest.approx(2030 + (2 - 1.645) * per_decade, abs=0.2)
    assert result.p95_year == pytest.approx(2030 + (2 + 1.645) * per_decade, abs=0.2)
    assert result.p5_year < result.median_year < result.p95_year
    # P(year <= 2040) = P(B <= 1e22 * 2**5), or the last list's date for B below 1e22
    expected = np.mean(brain <= 22 + 5 * math.log10(2))
    assert result.probability_by[2040.0] == pytest.approx(expected)


def test_never_fraction_with_a_saturating_trend():
    years = np.linspace(1990, 2030, 41)
    logs = 20.0 - np.logaddexp(0, -0.6 * (years - 2015)) / math.log(10)
    data = pd.DataFrame({"year": years, "value [FLOP/s]": 10.0**logs})
    trend = tr.fit_logistic(data, None, None, ceiling=1e20)
    brain = np.concatenate([np.full(300, 19.0), np.full(700, 21.0)])
    result = tl.parity_years(brain, trend, 0, "hpl")
    assert result.never_fraction == pytest.approx(0.7)
    assert result.median_year == math.inf
    assert result.p95_year == math.inf
    assert math.isfinite(result.p5_year)
    data = json.loads(dumps(result.to_dict()))
    assert data["median_year"] is None
    assert data["never_fraction"] == pytest.approx(0.7)


def test_extreme_brain_estimates_stay_finite():
    trend = tr.fit_exponential("top500-rank1", 2013, 2026)
    result = tl.parity_years(np.array([-30.0, 43.0, 300.0]), trend, 0, "hpl")
    assert np.all(np.isfinite(result.samples))
    assert result.samples[0] < 2026 < result.samples[1] < result.samples[2]


def test_invalid_brain_samples():
    trend = tr.doubling(1e15, 2015, 2.0)
    for bad in (np.array([]), np.array([np.nan, 16.0]), np.ones((2, 2))):
        with pytest.raises(InvalidValueError) as info:
            tl.parity_years(bad, trend, 0)
        assert info.value.name == "log10_brain"


def test_to_dict_has_the_contract_keys():
    trend = tr.fit_exponential("top500-rank1", 2013, None)
    result = tl.parity_years(np.random.default_rng(0).normal(16, 1, 500), trend, 3)
    data = json.loads(dumps(result.to_dict()))
    assert {"median_year", "p5_year", "p95_year", "probability_by", "never_fraction"} <= set(data)
    assert set(data["probability_by"]) == {"2030", "2040", "2050", "2075", "2100"}
    assert data["trend"]["model"] == "exponential"


# --------------------------------------------------------------------------- properties

_FITTED = tr.fit_exponential("top500-rank1", 2013, 2026)
_PIECEWISE = tr.fit_piecewise("top500-rank1", None, None)


@settings(deadline=None, max_examples=40)
@given(
    centre=st.floats(12.0, 30.0),
    spread=st.floats(0.0, 2.0),
    shift=st.floats(0.0, 5.0),
    seed=st.integers(0, 2**16),
    which=st.sampled_from(["exponential", "piecewise", "doubling"]),
)
def test_a_higher_brain_estimate_never_gives_an_earlier_median(centre, spread, shift, seed, which):
    trend = {
        "exponential": _FITTED,
        "piecewise": _PIECEWISE,
        "doubling": tr.doubling(1e15, 2015, 1.8, interval=(1.2, 3.0)),
    }[which]
    brain = np.random.default_rng(seed).normal(centre, spread, 400)
    low = tl.parity_years(brain, trend, seed, "hpl")  # same seed: common random numbers
    high = tl.parity_years(brain + shift, trend, seed, "hpl")
    assert high.median_year >= low.median_year
    assert high.p5_year >= low.p5_year
    assert high.p95_year >= low.p95_year
    for year, p in high.probability_by.items():
        assert p <= low.probability_by[year]


@settings(deadline=None, max_examples=40)
@given(
    doubling=st.floats(0.5, 5.0),
    speedup=st.floats(1.0, 3.0),
    centre=st.floats(16.0, 30.0),
    seed=st.integers(0, 2**16),
)
def test_faster_growth_never_gives_a_later_median(doubling, speedup, centre, seed):
    """Same baseline, shorter doubling time, brain estimates above the baseline."""
    brain = np.random.default_rng(seed).uniform(centre - 1.0, centre + 1.0, 300)
    interval = (doubling * 0.7, doubling * 1.6)
    slow = tr.doubling(1e15, 2015, doubling, interval=interval)
    fast = tr.doubling(
        1e15, 2015, doubling / speedup, interval=(interval[0] / speedup, interval[1] / speedup)
    )
    a = tl.parity_years(brain, slow, seed)
    b = tl.parity_years(brain, fast, seed)
    assert b.median_year <= a.median_year
    assert b.p95_year <= a.p95_year


@settings(deadline=None, max_examples=30)
@given(
    slope=st.floats(0.05, 0.5),
    speedup=st.floats(1.0, 2.0),
    seed=st.integers(0, 2**16),
)
def test_faster_fitted_growth_never_gives_a_later_median(slope, speedup, seed):
    """Exponential trends with the same level now and slope uncertainty, steeper slope."""

    def trend(growth: float) -> tr.ExponentialTrend:
        cov = np.diag([0.01**2, (0.1 * growth) ** 2])  # 10 % relative slope uncertainty
        return tr.ExponentialTrend(
            unit="FLOP/s", pivot=2025.0, level=18.0, slope=growth, cov=cov, dof=20.0
        )

    brain = np.random.default_rng(seed).uniform(19.0, 25.0, 300)
    slow = tl.parity_years(brain, trend(slope), seed)
    fast = tl.parity_years(brain, trend(slope * speedup), seed)
    assert fast.median_year <= slow.median_year


# --------------------------------------------------------------------------- review fixes


@pytest.mark.parametrize("value", [np.float32(1000.0), np.float64(1000.0), np.int64(1000), 1000])
def test_criteria_accept_numpy_numbers(value):
    criterion = tl.get_criterion("budget", budget_usd=value)
    assert criterion.log10_offset == pytest.approx(-3.0)
    energy = tl.get_criterion("energy", power_w=np.float32(20.0))
    assert energy.log10_offset == pytest.approx(-math.log10(20.0))
    with pytest.raises(InvalidValueError, match="budget_usd"):
        tl.get_criterion("budget", budget_usd=np.bool_(True))


def test_energy_criterion_reads_the_brain_power_from_the_facility_file(monkeypatch):
    from brainflops.params import assumption_files as hardware

    assert tl.get_criterion("energy").log10_offset == pytest.approx(
        -math.log10(hardware.facility_value("brain_power", "W"))
    )
    monkeypatch.setattr(hardware, "facility_value", lambda name, unit: 12.0)
    assert tl.get_criterion("energy").log10_offset == pytest.approx(-math.log10(12.0))
    assert "facility.toml" in tl.get_criterion("energy").source


def test_dettmers_exact_doublings_are_the_continuous_trend_s():
    for rounding in ("whole-doublings", "none"):
        result = tl.dettmers_timeline(target=3e20, rounding=rounding)
        continuous = tr.doubling(tl.DETTMERS_BASELINE_FLOPS, 2015, 1.8)
        assert result.exact_doublings == continuous.doublings_needed(3e20)
    with pytest.raises(InvalidValueError, match="target"):
        tl.dettmers_timeline(target=-1.0)


def test_format_year_is_the_one_wording():
    assert tl.format_year(2052.8) == "2052.80"
    assert tl.format_year(2052.84, 1) == "2052.8"
    assert tl.format_year(math.inf) == "never"
    assert tl.format_year(None) == "never"
    assert tl.format_year(-math.inf) == "already"


def test_trend_rng_is_a_stream_of_its_own():
    a, b = tl.trend_rng(3), tl.trend_rng(3)
    assert a.standard_normal() == b.standard_normal()
    assert tl.trend_rng(3).standard_normal() != np.random.default_rng(3).standard_normal()


# --------------------------------------------------------------------------- observed first


def test_a_level_the_data_passed_is_reported_as_observed_with_its_system():
    # oracle: the shipped TOP500 file; 2.806e14 FLOP/s is BlueGene/L's Rmax in 2005-11
    trend = tr.fit_exponential("top500-rank1", None, None)
    result = tl.parity_years(np.full(50, math.log10(2.8e14)), trend, 0, "hpl")
    assert result.reached_fraction == 1.0
    assert result.observed is not None
    assert (result.observed.date, result.observed.label) == ("2005-11", "BlueGene/L")
    assert result.median_year == result.p5_year == pytest.approx(2005 + 10.5 / 12)
    assert result.probability_by[2030.0] == 1.0


def test_hpcg_first_list_already_passed_mechanistic_modern():
    result = tl.forecast_parity(np.full(20, math.log10(2.8e14)), "hpcg", seed=0)
    assert result.observed is not None
    assert result.observed.date == "2014-06"  # the first HPCG list
    assert result.never_fraction == 0.0


def test_part_reached_mixes_observed_dates_with_projections():
    top = float(np.log10(tr.load_any_series("top500-rank1")["value [FLOP/s]"].max()))
    brain = np.array([15.0] * 30 + [top + 2.0] * 70)
    result = tl.forecast_parity(brain, "hpl", "exponential", seed=1)
    assert result.reached_fraction == pytest.approx(0.3)
    last = float(tr.load_any_series("top500-rank1")["year"].max())
    observed, projected = result.samples[:30], result.samples[30:]
    assert np.all(observed <= last)
    assert np.all(projected >= last)


@settings(max_examples=25, deadline=None)
@given(st.floats(10.0, 22.0), st.floats(0.0, 4.0), st.sampled_from(["calibrated", "exponential"]))
def test_a_higher_target_is_never_reached_earlier(level, extra, model):
    brain = np.full(200, level)
    low = tl.forecast_parity(brain, "hpl", model, seed=3)
    high = tl.forecast_parity(brain + extra, "hpl", model, seed=3)
    assert np.all(high.samples >= low.samples)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 66))
def test_a_target_inside_the_data_is_always_reported_as_reached(row):
    data = tr.load_any_series("top500-rank1")
    value = float(data["value [FLOP/s]"].iloc[row])
    result = tl.forecast_parity(np.full(10, math.log10(value)), "hpl", seed=0)
    assert result.reached_fraction == 1.0
    assert result.median_year <= float(data["year"].iloc[row])


def test_never_is_explained_by_the_logistic_ceiling():
    trend = tr.fit_logistic("top500-rank1", None, None, ceiling=1e20)
    result = tl.parity_years(np.full(100, 21.0), trend, 0, "hpl")
    assert result.never_fraction == 1.0
    assert "ceiling" in result.never_reason
    assert result.to_dict()["never_reason"] == result.never_reason


# --------------------------------------------------------------------------- scenarios


@pytest.mark.parametrize(
    ("name", "year"), [("dettmers-moore", 2037), ("dettmers-1.8y", 2053), ("dettmers-3y", 2078)]
)
def test_dettmers_scenarios_reproduce_his_years(name, year):
    brain = np.full(10, math.log10(tl.DETTMERS_TARGET_FLOPS))
    result = tl.forecast_parity(brain, "hpcg", name)
    assert result.median_by_year == year


def test_training_run_criterion_uses_the_lifetime_and_names_the_first_model():
    from brainflops.data.ml_models import first_model_above
    from brainflops.forecast.versus import default_lifetime_seconds

    crit = tl.get_criterion("training-run")
    assert crit.unit == "FLOP"
    assert crit.log10_offset == pytest.approx(math.log10(default_lifetime_seconds()))
    brain = np.full(20, 13.0)  # 1e13 FLOP/s over 1e9 s = 1e22 FLOP: passed years ago
    result = tl.forecast_parity(brain, crit, "exponential")
    first = first_model_above(1e13 * default_lifetime_seconds())
    assert result.observed is not None
    assert result.observed.label == first.name
    assert result.observed.date == first.date


@pytest.mark.parametrize("precision", ["fp64", "fp32", "bf16", "fp16", "int8"])
def test_budget_and_energy_read_the_accelerators_at_the_chosen_precision(precision):
    import csv
    from importlib import resources

    from brainflops.data.accelerators import PRECISION_COLUMNS
    from brainflops.data.datasets import load_series

    # Oracle: the raw file, read with csv, best rate per dollar (per W) of each release year.
    file_column = {
        "fp64 [FLOP/s]": "fp64_tflops",
        "fp32 [FLOP/s]": "fp32_tflops",
        "fp16 [FLOP/s]": "fp16_nontensor_tflops",
        "tensor_fp16_bf16 [FLOP/s]": "tensor_fp16_bf16_dense_tflops",
        "int8 [OP/s]": "int8_tops",
    }
    text = resources.files("brainflops.data").joinpath("hpc/epoch_ml_hardware_2025-11.csv")
    rows = list(csv.DictReader(text.read_text("utf-8").splitlines()))
    for criterion, per in (("budget", "launch_price_usd"), ("energy", "tdp_w")):
        crit = tl.get_criterion(criterion, precision=precision)
        best: dict[str, float] = {}
        for row in rows:
            rates = [row[file_column[c]] for c in PRECISION_COLUMNS[precision]]
            rate = next((float(r) for r in rates if r), None)
            if rate is None or not row[per] or not row["release_date"]:
                continue
            year, value = row["release_date"][:4], rate * 1e12 / float(row[per])
            best[year] = max(best.get(year, 0.0), value)
        got = load_series(crit.series)
        assert got.iloc[:, 2].to_numpy() == pytest.approx([best[y] for y in sorted(best)])
        assert precision.upper() in crit.description


def test_precision_keeps_the_fp32_budget_and_applies_to_budget_and_energy_only():
    assert tl.get_criterion("budget", precision="fp32").series == "gpu-flops-per-dollar"
    assert tl.get_criterion("budget").series == "gpu-flops-per-dollar"
    assert tl.get_criterion("energy").series == "green500-rank1"
    with pytest.raises(InvalidValueError, match="precision"):
        tl.get_criterion("hpl", precision="fp16")
    with pytest.raises(UnknownNameError):
        tl.get_criterion("budget", precision="fp4")
