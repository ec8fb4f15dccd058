"""The ``data``, ``trends`` and ``timeline`` commands."""

from __future__ import annotations

import inspect
import json
import math
from types import SimpleNamespace

import numpy as np
import pytest

from brainflops import cli
from brainflops.cli import main
from brainflops.forecast import timeline as tl
from brainflops.models import presets

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_commands_are_registered():
    assert "trends" in cli._COMMAND_MODULES


# --------------------------------------------------------------------------- data


def test_data_sources(capsys):
    code, out, _ = run(capsys, "data", "sources")
    assert code == 0
    assert "top500-rank1 [FLOP/s]" in out
    assert "green500-rank1 [FLOP/s/W]" in out
    data = run_json(capsys, "data", "sources")
    assert data["gpu-flops-per-dollar"]["unit"] == "FLOP/s/USD"
    assert "CC BY 4.0" in data["gpu-fp32"]["source"]


def test_data_show(capsys):
    data = run_json(capsys, "data", "show", "--series", "top500-rank1")
    assert data["unit"] == "FLOP/s"
    assert len(data["points"]) == 67
    first = data["points"][0]
    assert first["date"] == "1993-06"
    assert first["value"] == pytest.approx(59.7e9)
    code, out, _ = run(capsys, "data", "show", "--series", "hpcg-rank1")
    assert code == 0
    assert "Tianhe-2" in out


def test_unknown_series_is_one_line_on_stderr(capsys):
    code, out, err = run(capsys, "data", "show", "--series", "top500-rank")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "unknown series 'top500-rank'" in err


# --------------------------------------------------------------------------- trends fit


def test_fit_exponential_json(capsys):
    data = run_json(
        capsys, "trends", "fit", "--series", "top500-rank1", "--model", "exponential",
        "--start", "1993", "--end", "2013",
    )  # fmt: skip
    assert data["doubling_time_years"] == pytest.approx(1.069, abs=0.002)
    lo, hi = data["doubling_time_interval"]
    assert lo < data["doubling_time_years"] < hi
    assert data["fit"]["last_date"] == "2013-11"
    late = run_json(
        capsys, "trends", "fit", "--model", "exponential", "--start", "2013", "--end", "2026"
    )
    assert late["doubling_time_years"] == pytest.approx(1.868, abs=0.002)


def test_fit_piecewise_and_logistic(capsys):
    data = run_json(capsys, "trends", "fit", "--model", "piecewise")
    assert 2011 < data["breakpoint"] < 2015
    assert len(data["breakpoint_interval"]) == 2
    fixed = run_json(capsys, "trends", "fit", "--model", "piecewise", "--breakpoint", "2013-06")
    assert fixed["breakpoint_interval"] is None
    logistic = run_json(
        capsys,
        "trends",
        "fit",
        "--model",
        "logistic",
        "--start",
        "2013",
        "--ceiling",
        "100EFLOP/s",
    )
    assert logistic["ceiling"] == pytest.approx(1e20)
    assert logistic["doubling_time_interval"] is not None


def test_fit_doubling_and_text_output(capsys):
    data = run_json(
        capsys, "trends", "fit", "--model", "doubling", "--baseline", "0.58 PFLOP/s",
        "--baseline-year", "2015", "--doubling-years", "1.8",
    )  # fmt: skip
    assert data["doubling_time_years"] == 1.8
    assert data["baseline"] == pytest.approx(0.58e15)
    code, out, _ = run(capsys, "trends", "fit", "--model", "exponential", "--start", "2013")
    assert code == 0
    assert "doubling time: 1.868 years" in out


def test_fit_errors(capsys):
    code, _, err = run(capsys, "trends", "fit", "--model", "doubling")
    assert code == 2
    assert "--baseline" in err
    code, _, err = run(capsys, "trends", "fit", "--model", "logistic")
    assert code == 2
    assert "ceiling" in err
    code, _, err = run(
        capsys, "trends", "fit", "--model", "exponential", "--start", "2025", "--end", "2025"
    )
    assert code == 2
    assert "window" in err
    with pytest.raises(SystemExit):
        main(["trends", "fit", "--model", "exponential", "--start", "20x3"])


# --------------------------------------------------------------------------- backtest


def test_backtest_exaflop(capsys):
    data = run_json(
        capsys, "trends", "backtest", "--series", "top500-rank1", "--train-end", "2013",
        "--target", "1EFLOP/s", "--model", "exponential",
    )  # fmt: skip
    assert data["predicted_year"] == pytest.approx(2019.38, abs=0.01)
    assert data["actual_year"] == pytest.approx(2022 + 5.5 / 12)
    assert data["actual_date"] == "2022-06"
    same = run_json(
        capsys, "trends", "backtest", "--train-end", "2013", "--target", "1e18", "--model",
        "exponential",
    )  # fmt: skip
    assert same["predicted_year"] == data["predicted_year"]


def test_backtest_petaflop_and_unreached(capsys):
    data = run_json(capsys, "trends", "backtest", "--train-end", "2004", "--target", "1e15")
    assert data["actual_date"] == "2008-06"
    assert 2008 < data["predicted_year"] < 2011
    future = run_json(capsys, "trends", "backtest", "--train-end", "2020", "--target", "1e21")
    assert future["actual_year"] is None
    code, out, _ = run(capsys, "trends", "backtest", "--train-end", "2013", "--target", "1e18")
    assert code == 0
    assert "2022-06" in out


# --------------------------------------------------------------------------- timeline


DETTMERS_ARGS = (
    "--model", "doubling", "--baseline", "0.58PFLOP/s", "--baseline-year", "2015",
    "--doubling-years", "1.8",
)  # fmt: skip


class FakeModel:
    """Stands in for a preset: lognormal samples around a central value."""

    def __init__(self, central_log10: float, spread: float = 0.5) -> None:
        self._central = central_log10
        self._spread = spread

    def central_log10(self) -> float:
        return self._central

    def sample(self, n: int, *, seed: int | None = None) -> SimpleNamespace:
        rng = np.random.default_rng(seed)
        return SimpleNamespace(log10=self._central + self._spread * rng.standard_normal(n))


@pytest.fixture
def fake_presets(monkeypatch):
    models = {"fake-dettmers": FakeModel(math.log10(1.075e21)), "fake-low": FakeModel(15.0)}
    monkeypatch.setattr(presets, "load_preset", models.__getitem__)
    return models


def test_timeline_dettmers_scenario_with_a_synthetic_preset(capsys, fake_presets):
    data = run_json(capsys, "timeline", "--preset", "fake-dettmers", *DETTMERS_ARGS)
    assert data["central_by_year"] == 2053
    assert data["central_year"] == pytest.approx(2052.8)
    assert data["doubling_arithmetic"]["doublings"] == 21
    assert data["doubling_arithmetic"]["by_year"] == 2053
    # symmetric spread around the central value: the median sample lands on 21 doublings too
    assert data["median_year"] == pytest.approx(2052.8)
    assert data["median_by_year"] == 2053
    assert {"p5_year", "p95_year", "probability_by", "never_fraction"} <= set(data)
    slow = run_json(
        capsys, "timeline", "--preset", "fake-dettmers", *DETTMERS_ARGS[:-1], "3", "--central"
    )
    assert slow["median_year"] == pytest.approx(2078.0)
    assert slow["median_by_year"] == 2078
    assert slow["p5_year"] == slow["p95_year"]


def test_timeline_dettmers2015_preset_reports_2053(capsys):
    """The issue's command, with the real preset (its central value is Dettmers' 1.075e21)."""
    data = run_json(capsys, "timeline", "--preset", "dettmers2015", *DETTMERS_ARGS)
    assert data["central_by_year"] == 2053
    assert data["doubling_arithmetic"]["by_year"] == 2053
    assert data["doubling_arithmetic"]["doublings"] == 21
    central = run_json(capsys, "timeline", "--preset", "dettmers2015", "--central", *DETTMERS_ARGS)
    assert central["median_by_year"] == 2053


def test_timeline_fitted_trend_with_uncertainty(capsys, fake_presets):
    data = run_json(
        capsys, "timeline", "--preset", "fake-low", "--series", "top500-rank1", "--start", "2013",
        "--model", "exponential", "--samples", "2000", "--seed", "5", "--years", "2030,2050",
    )  # fmt: skip
    assert data["n_samples"] == 2000
    assert data["p5_year"] <= data["median_year"] <= data["p95_year"]
    assert set(data["probability_by"]) == {"2030", "2050"}
    again = run(capsys, "timeline", "--preset", "fake-low", "--series", "top500-rank1",
                "--start", "2013", "--model", "exponential", "--samples", "2000", "--seed", "5", "--years", "2030,2050",
                "--json")[1]  # fmt: skip
    assert json.loads(again) == data


@pytest.mark.parametrize(
    ("criterion", "series"),
    [
        ("hpl", "top500-rank1"),
        ("hpcg", "hpcg-rank1"),
        ("hpcg-hpl", "top500-rank1"),
        ("top500-sum", "top500-sum"),
        ("budget", "gpu-flops-per-dollar"),
        ("energy", "green500-rank1"),
    ],
)
def test_timeline_criteria(capsys, criterion, series):
    data = run_json(
        capsys, "timeline", "--brain", "1e16", "--criterion", criterion, "--samples", "500"
    )
    assert data["series"] == series
    assert data["criterion"] == criterion
    assert data["central_log10"] == pytest.approx(16.0)


def test_timeline_budget_scales_with_money(capsys):
    cheap = run_json(capsys, "timeline", "--brain", "1e16", "--criterion", "budget",
                     "--budget", "1000", "--samples", "500")  # fmt: skip
    rich = run_json(capsys, "timeline", "--brain", "1e16", "--criterion", "budget",
                    "--budget", "1e6", "--samples", "500")  # fmt: skip
    assert rich["central_year"] < cheap["central_year"]


def test_timeline_errors(capsys):
    code, _, err = run(capsys, "timeline", "--brain", "1e16", "--criterion", "energy",
                       "--series", "top500-rank1")  # fmt: skip
    assert code == 2
    assert "FLOP/s/W" in err
    code, _, err = run(capsys, "timeline", "--brain", "-5")
    assert code == 2
    code, _, err = run(capsys, "timeline")
    assert code == 2
    assert "give --preset, --scenario or --brain" in err


# --------------------------------------------------------------------------- figures


def test_plots_are_written_atomically(capsys, tmp_path, fake_presets):
    fit_png = tmp_path / "fit.png"
    code, _, err = run(capsys, "trends", "fit", "--model", "piecewise", "--plot", str(fit_png))
    assert code == 0, err
    assert fit_png.read_bytes().startswith(PNG_MAGIC)
    code, _, err = run(capsys, "trends", "fit", "--plot", str(fit_png))
    assert code == 2
    assert "--force" in err
    code, _, _ = run(capsys, "trends", "fit", "--plot", str(fit_png), "--force")
    assert code == 0
    back_png = tmp_path / "backtest.png"
    code, _, _ = run(capsys, "trends", "backtest", "--train-end", "2013", "--target", "1e18",
                     "--plot", str(back_png))  # fmt: skip
    assert code == 0
    assert back_png.read_bytes().startswith(PNG_MAGIC)
    cdf_png = tmp_path / "cdf.png"
    code, _, _ = run(capsys, "timeline", "--preset", "fake-low", "--start", "2013",
                     "--model", "exponential", "--samples", "500", "--plot", str(cdf_png))  # fmt: skip
    assert code == 0
    assert cdf_png.read_bytes().startswith(PNG_MAGIC)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backtest.png", "cdf.png", "fit.png"]


def test_plot_functions_directly(tmp_path):
    from brainflops.forecast import timeline as tl
    from brainflops.forecast import trends as tr
    from brainflops.outputs import plots_trends as pt

    trend = tr.fit_exponential("top500-rank1", 2013, None)
    result = tr.backtest("top500-rank1", 2013, 1e18)
    path = pt.plot_trend(
        tmp_path / "trend.png", "top500-rank1", {"exp": trend}, backtests=[result],
        brain_bands=[("Dettmers", 1e21, 1.1e21)],
    )  # fmt: skip
    assert path.read_bytes().startswith(PNG_MAGIC)
    saturating = tr.fit_logistic("top500-rank1", 2013, None, 1e19)
    parity = tl.parity_years(np.linspace(15, 20, 300), saturating, 0)
    assert 0 < parity.never_fraction < 1
    cdf = pt.plot_parity_cdf(tmp_path / "cdf.png", {"logistic": parity})
    assert cdf.read_bytes().startswith(PNG_MAGIC)


# --------------------------------------------------------------------------- review fixes


def test_backtest_discontinuous_is_passed_through(capsys):
    from brainflops.forecast import trends as tr

    argv = (
        "trends",
        "backtest",
        "--model",
        "piecewise",
        "--train-end",
        "2016",
        "--target",
        "1e18",
    )
    joined = run_json(capsys, *argv)
    jumped = run_json(capsys, *argv, "--discontinuous")
    assert jumped["predicted_year"] != joined["predicted_year"]
    expected = tr.backtest("top500-rank1", 2016, 1e18, "piecewise", continuous=False)
    assert jumped["predicted_year"] == pytest.approx(expected.predicted_year)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("trends", "fit", "--ceiling", "1e21"), "--model calibrated: does not take --ceiling"),
        (("trends", "fit", "--discontinuous"), "does not take --discontinuous"),
        (("trends", "fit", "--model", "logistic", "--ceiling", "1e21", "--breakpoint", "2013"),
         "does not take --breakpoint"),
        (("trends", "fit", "--rounding", "none"), "does not take --rounding"),
        (("trends", "fit", "--baseline", "1e15"), "does not take --baseline"),
        (("trends", "fit", *DETTMERS_ARGS, "--start", "2000"), "does not take --start"),
        (("trends", "fit", *DETTMERS_ARGS, "--end", "2020"), "does not take --end"),
        (("trends", "backtest", "--train-end", "2013", "--target", "1e18", "--ceiling", "1e21"),
         "does not take --ceiling"),
        (("trends", "backtest", "--train-end", "2013", "--target", "1e18", "--discontinuous"),
         "does not take --discontinuous"),
        (("timeline", "--brain", "1e18", *DETTMERS_ARGS, "--breakpoint", "2013"),
         "does not take --breakpoint"),
        (("timeline", "--brain", "1e18", "--budget", "1e6"), "--budget: applies to --criterion budget"),
        (("timeline", "--brain", "1e18", "--power", "1MW"), "--power: applies to --criterion energy"),
    ],
)  # fmt: skip
def test_flags_the_model_does_not_use_are_refused(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


def test_timeline_series_must_match_the_criterion(capsys):
    code, out, err = run(capsys, "timeline", "--brain", "1e18", "--series", "hpcg-rank1")
    assert code == 2
    assert out == ""
    assert "the hpl criterion compares with top500-rank1" in err
    assert "use --criterion hpcg" in err
    data = run_json(
        capsys, "timeline", "--brain", "1e18", "--criterion", "hpcg", "--samples", "200"
    )
    assert data["series"] == "hpcg-rank1"
    assert data["criterion_detail"]["series"] == "hpcg-rank1"
    assert "HPCG" in data["criterion_detail"]["description"]


def test_energy_criterion_power_defaults_to_the_facility_value(capsys):
    from brainflops.params.assumption_files import facility_value

    data = run_json(capsys, "timeline", "--brain", "1e16", "--criterion", "energy",
                    "--samples", "200")  # fmt: skip
    watts = facility_value("brain_power", "W")
    assert data["criterion_detail"]["log10_offset"] == pytest.approx(-math.log10(watts))
    more = run_json(capsys, "timeline", "--brain", "1e16", "--criterion", "energy",
                    "--power", "1 MW", "--samples", "200")  # fmt: skip
    assert more["criterion_detail"]["log10_offset"] == pytest.approx(-6.0)


@pytest.mark.parametrize(
    "argv",
    [
        ("trends", "fit", "--plot", "fit.txt"),
        ("trends", "backtest", "--train-end", "2013", "--target", "1e18", "--plot", "b.jpg"),
        ("timeline", "--brain", "1e18", "--plot", "cdf"),
    ],
)
def test_plots_must_be_a_chart_format(capsys, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert "--plot: writes .svg, .png or .pdf files" in err
    assert list(tmp_path.iterdir()) == []


def test_cli_and_report_word_years_alike():
    from brainflops.cli import timeline as timeline_cli
    from brainflops.outputs.report import compute

    # one helper: the CLI (two decimals) and the report (one) agree on the words
    assert "format_year" in timeline_cli._text.__code__.co_names
    assert "timeline.format_year(" in inspect.getsource(compute._timeline)
    assert tl.format_year(-math.inf) == "already"
    assert tl.format_year(math.inf) == tl.format_year(None) == "never"


def test_timeline_and_report_give_the_same_parity_years_for_the_same_seed(capsys):
    import brainflops
    from brainflops.outputs.report import compute

    # dettmers2015 is not yet reached, so the trend model decides the years
    # (mechanistic-modern was passed in 2007 under every model).
    model = brainflops.load_preset("dettmers2015")
    samples, seed = 3000, 7
    options = compute.Options(samples=samples, seed=seed)
    section = compute._timeline(model, model.sample(samples, seed=seed), options)
    row = section.tables[0].frame.iloc[0]
    assert row["trend"] == "calibrated ensemble (default)"  # what `timeline` uses by default
    data = run_json(capsys, "timeline", "--preset", "dettmers2015",
                    "--samples", str(samples), "--seed", str(seed))  # fmt: skip
    assert row["median year"] == f"{data['median_year']:.1f}"
    assert row["5th percentile"] == f"{data['p5_year']:.1f}"
    assert row["95th percentile"] == f"{data['p95_year']:.1f}"


# --------------------------------------------------------------------------- calibration


def test_calibrate_command_reports_each_horizon(capsys, tmp_path, monkeypatch):
    data = run_json(capsys, "trends", "calibrate", "--series", "top500-rank500")
    assert data["model"] == "calibrated"
    assert data["confidence"] == 0.9
    assert [h["horizon"] for h in data["horizons"]] == ["10x", "100x"]
    for row in data["horizons"]:
        for key in ("n", "coverage", "mean_error_years", "median_error_years",
                    "median_width_years", "unresolved", "windows"):  # fmt: skip
            assert key in row
        # the #500's forecasts overlap: a handful of independent windows, a wide range
        assert 1 <= row["windows"] < row["n"]
        low, high = row["coverage_interval"]
        assert low <= row["coverage"] <= high
        assert high - low > 0.3
    monkeypatch.setenv("COLUMNS", "100")
    code, out, _ = run(capsys, "trends", "calibrate", "--series", "top500-rank500")
    assert code == 0
    assert "achieved" in out
    assert "90% range" in out
    assert max(map(len, out.splitlines())) <= 100  # the long method line is wrapped
    png = tmp_path / "calibration.png"
    code, _, err = run(capsys, "trends", "calibrate", "--series", "top500-rank500",
                       "--model", "exponential", "--plot", str(png))  # fmt: skip
    assert code == 0, err
    assert png.read_bytes().startswith(PNG_MAGIC)
    with pytest.raises(SystemExit):
        main(["trends", "calibrate", "--confidence", "1.5"])


def test_timeline_overlays_several_estimates_and_criteria(capsys, tmp_path):
    png = tmp_path / "overlay.png"
    data = run_json(capsys, "timeline", "--brain", "1e16", "--brain", "1e20",
                    "--criterion", "hpl", "--criterion", "top500-sum", "--samples", "200",
                    "--plot", str(png))  # fmt: skip
    assert isinstance(data, list)
    assert [(d["brain"], d["criterion"]) for d in data] == [
        ("1e16", "hpl"),
        ("1e20", "hpl"),
        ("1e16", "top500-sum"),
        ("1e20", "top500-sum"),
    ]
    assert png.read_bytes().startswith(PNG_MAGIC)
    # 1e16 FLOP/s: the K computer passed it on the 2011-11 list (10.51 PFLOP/s)
    assert data[0]["reached_fraction"] == 1.0
    assert (data[0]["observed"]["date"], data[0]["observed"]["label"]) == ("2011-11", "K computer")


def test_timeline_training_run_names_the_first_model(capsys):
    code, out, err = run(capsys, "timeline", "--brain", "1e13", "--criterion", "training-run",
                         "--samples", "100")  # fmt: skip
    assert code == 0, err
    assert "already reached" in out


def test_timeline_precision_reaches_the_budget_criterion_and_is_refused_elsewhere(capsys):
    data = run_json(
        capsys, "timeline", "--brain", "1e16", "--criterion", "budget", "--precision", "bf16"
    )
    entry = data[0] if isinstance(data, list) else data
    assert "gpu-flops-per-dollar-bf16" in json.dumps(entry)
    code, out, err = run(capsys, "timeline", "--brain", "1e16", "--precision", "bf16")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "--precision" in err


def test_calibrate_a_series_too_short_for_any_backtest(capsys):
    # The bf16 price-performance series starts too late for a single backtest: once a
    # KeyError, now a table with nothing scored, blank where a figure would be nan.
    code, out, err = run(capsys, "trends", "calibrate", "--series", "gpu-flops-per-dollar-bf16")
    assert code == 0, err
    assert "nan" not in out
    data = run_json(capsys, "trends", "calibrate", "--series", "gpu-flops-per-dollar-bf16")
    assert [h["n"] for h in data["horizons"]] == [0, 0]
    assert all(h["coverage"] is None for h in data["horizons"])


def test_a_precision_whose_frontier_is_too_short_is_refused(capsys):
    # FP8 parts have two release years with a launch price: no trend to fit.
    code, _, err = run(
        capsys, "timeline", "--preset", "dettmers2015", "--criterion", "budget",
        "--precision", "fp8",
    )  # fmt: skip
    assert code == 2
    assert err.count("\n") == 1
    assert "only 2 release years" in err


def test_calibrate_json_has_no_infinity_and_says_where_no_widening_applies(capsys):
    # A piecewise fit that stops growing never reaches some targets: an infinite mean
    # error, which JSON cannot hold (once a ValueError in the JSON writer).
    data = run_json(
        capsys, "trends", "calibrate", "--series", "ml-training-frontier", "--model", "piecewise"
    )
    assert any(h["mean_error_years"] is None and h["n"] > 0 for h in data["horizons"])
    calibrated = run_json(capsys, "trends", "calibrate", "--series", "ml-training-largest")
    assert "no adaptive widening" in calibrated["method"]


def test_calibrate_widening_can_be_turned_on_or_off(capsys):
    default = run_json(capsys, "trends", "calibrate", "--series", "top500-rank500")
    off = run_json(
        capsys, "trends", "calibrate", "--series", "top500-rank500", "--widening", "off"
    )
    assert "turned off" in off["method"]
    # without the widening the intervals are narrower and cover less (observed errors only)
    for with_it, without in zip(default["horizons"], off["horizons"], strict=True):
        assert without["median_width_years"] < with_it["median_width_years"]
        assert without["coverage"] <= with_it["coverage"]
    on = run_json(
        capsys, "trends", "calibrate", "--series", "ml-training-largest", "--widening", "on"
    )
    assert "widened by adaptive conformal inference" in on["method"]
    code, out, err = run(
        capsys, "trends", "calibrate", "--series", "top500-rank1", "--model", "exponential",
        "--widening", "on",
    )  # fmt: skip
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "calibrated ensemble" in err


# --------------------------------------------------------------------------- review fixes (#13)


def one_line_error(code, err):
    assert code == 2, err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("series", ["gpu-flops-per-dollar", "gpu-flops-per-watt", "gpu-fp32"])
def test_fit_says_no_growth_where_a_member_or_segment_does_not_grow(capsys, series):
    # Their piecewise fits' last segment falls: the calibrated ensemble's piecewise member
    # and the piecewise trend have no doubling time (None in JSON), which used to crash.
    code, out, err = run(capsys, "trends", "fit", "--series", series)
    assert code == 0, err
    assert "member piecewise: weight" in out
    assert "doubling none (no growth)" in out
    code, out, err = run(capsys, "trends", "fit", "--series", series, "--model", "piecewise")
    assert code == 0, err
    assert "segment 2: doubling none (no growth)" in out
    assert "unbounded" in out  # the 95% interval of the doubling time has no upper end


def test_fit_with_a_plot_of_a_series_that_stops_growing(capsys, tmp_path):
    figure = tmp_path / "f2.svg"
    code, out, err = run(capsys, "trends", "fit", "--series", "gpu-fp32", "--plot", str(figure))
    assert code == 0, err
    assert figure.stat().st_size > 0
    assert "no growth" in out


def test_backtest_that_ends_before_the_data_names_its_first_date(capsys):
    code, _, err = run(capsys, "trends", "backtest", "--train-end", "1990", "--target", "1e15")
    assert "before the data: the series starts 1993-06" in one_line_error(code, err)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--train-end", "2013", "--target", "1e12"), "already reached in the training data (1997-06)"),
        (("--train-end", "2030", "--target", "1e15"), "no data after the end of training (2030)"),
    ],
)  # fmt: skip
def test_backtest_refuses_what_it_cannot_score(capsys, argv, message):
    code, out, err = run(capsys, "trends", "backtest", *argv)
    assert message in one_line_error(code, err)
    assert out == ""


def test_backtest_json_writes_never_as_null(capsys):
    unbounded = run_json(
        capsys, "trends", "backtest", "--train-end", "2013", "--target", "1e100"
    )  # the slowest draws of the ensemble never reach 1e100
    low, high = unbounded["predicted_interval"]
    assert 2013 < low < unbounded["predicted_year"]
    assert high is None
    capped = run_json(
        capsys, "trends", "backtest", "--train-end", "2013", "--target", "1e19",
        "--model", "logistic", "--ceiling", "1e17",
    )  # fmt: skip
    assert capped["predicted_year"] is None
    assert capped["predicted_interval"] == [None, None]
    assert capped["error_years"] is None
    assert capped["actual_year"] is None


@pytest.mark.parametrize(
    "series",
    ["hpcg-rank1", "green500-rank1", "gpu-tensor-fp16", "gpu-flops-per-dollar",
     "gpu-flops-per-watt", "gpu-fp32"],
)  # fmt: skip
def test_piecewise_fit_json_writes_an_unbounded_doubling_time_as_null(capsys, series):
    data = run_json(capsys, "trends", "fit", "--series", series, "--model", "piecewise")
    bounds = data["doubling_time_interval"] + [
        bound for seg in data["segments"] for bound in seg["doubling_time_interval"] or ()
    ]
    assert None in bounds
    assert all(bound is None or 0 < bound < math.inf for bound in bounds)


def test_json_still_refuses_other_non_finite_values():
    from brainflops.cli._common import dumps
    from brainflops.core.errors import InvalidValueError

    for value in (math.nan, -math.inf, math.inf):
        with pytest.raises(InvalidValueError, match=r"result\.x"):
            dumps({"x": value})


YEAR_OPTIONS = [
    ("trends", "fit", "--start"),
    ("trends", "fit", "--end"),
    ("trends", "fit", "--model", "piecewise", "--breakpoint"),
    ("trends", "fit", "--model", "doubling", "--baseline", "1e15", "--doubling-years", "2",
     "--baseline-year"),
    ("trends", "backtest", "--target", "1e18", "--train-end"),
]  # fmt: skip


@pytest.mark.parametrize("option", YEAR_OPTIONS, ids=lambda argv: argv[-1])
@pytest.mark.parametrize(
    "value",
    ["99999999999999999999", "-99999999999999999999", "1899", "3001", "0999-01", "9" * 5000],
)
def test_year_options_are_bounded_like_years(capsys, option, value):
    with pytest.raises(SystemExit) as exit_info:
        main([*option, value])
    out, err = capsys.readouterr()
    err = one_line_error(exit_info.value.code, err)
    assert f"argument {option[-1]}: expected a year from 1900 to 3000" in err
    assert "_year" not in err  # no function name leaks
    assert len(err) < 260  # the value is echoed shortened, not 5000 characters
    assert out == ""


def test_year_options_still_take_years_dates_and_decimal_years(capsys):
    for start in ("1993", "1993.5", "1993-06", "1993-06-01"):
        data = run_json(capsys, "trends", "fit", "--model", "exponential", "--start", start)
        assert data["fit"]["first_date"] in ("1993-06", "1993-11")


def test_calibrated_backtest_figure_shows_the_ensembles_forecast(capsys, monkeypatch, tmp_path):
    from brainflops.outputs import plots_trends

    drawn = {}

    def capture(path, df, trends=(), *, overwrite=False, **options):
        drawn["figure"] = plots_trends.trend_figure(df, trends, **options)
        drawn["trends"] = trends
        return path

    monkeypatch.setattr(plots_trends, "plot_trend", capture)
    argv = ("trends", "backtest", "--train-end", "2013", "--target", "1e19")
    code, out, err = run(capsys, *argv, "--plot", str(tmp_path / "bt2.svg"))
    assert code == 0, err
    assert "calibrated fit to 42 points" in out
    assert drawn["trends"] == {}  # no member's curve stands in for the ensemble
    (axes,) = drawn["figure"].axes
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert "calibrated ensemble forecast from data to 2013-11, 90% interval" in legend
    assert not any("exponential" in label for label in legend)
    subtitle = " ".join(text.get_text() for text in drawn["figure"].texts)
    assert "95% bands" not in subtitle
    assert "backtest forecasts with their intervals" in subtitle
    code, _, err = run(capsys, *argv, "--model", "exponential", "--plot", str(tmp_path / "e.svg"))
    assert code == 0, err
    assert list(drawn["trends"]) == ["exponential fit to 2013-11"]
    legend = [text.get_text() for text in drawn["figure"].axes[0].get_legend().get_texts()]
    assert "exponential fit forecast from data to 2013-11, 95% interval" in legend


def test_fit_shows_progress_on_a_terminal_unless_quiet(capsys, monkeypatch):
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, _, err = run(capsys, "trends", "fit", "--series", "top500-rank1")
    assert code == 0
    assert err.startswith("fitting calibrated to top500-rank1…")
    assert err.endswith(" s\n")
    code, _, err = run(capsys, "trends", "fit", "--series", "top500-rank1", "--quiet")
    assert code == 0
    assert err == ""


def test_a_malformed_date_keeps_the_parsers_own_reason(capsys):
    for text, says in (("2013-13", "month out of range"), ("2013-02-30", "not a calendar date")):
        with pytest.raises(SystemExit) as exit_info:
            main(["trends", "fit", "--start", text])
        out, err = capsys.readouterr()
        assert says in one_line_error(exit_info.value.code, err)
        assert out == ""
