"""Sensitivity analysis (issue 3): elasticities, tornado, Sobol' indices and the CLI.

The Sobol' wrapper is checked against the closed form for a product of independent
lognormals, where log10 F is a sum of independent normals and the first-order (and total)
index of each factor is its share of the variance: sigma_i^2 / sum_j sigma_j^2.
"""

import json
import math
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import brainflops
from brainflops.cli import main
from brainflops.core.errors import (
    BrainflopsError,
    InvalidValueError,
    MissingDependencyError,
    OutputExistsError,
    UnknownNameError,
)
from brainflops.models.presets import build_model
from brainflops.outputs import plots
from brainflops.uncertainty.sensitivity import (
    Elasticities,
    SobolIndices,
    Tornado,
    analyse,
    elasticities,
    sobol,
    tornado,
)

try:
    import SALib  # noqa: F401 - only whether it is there
except ImportError:
    HAVE_SALIB = False
else:
    HAVE_SALIB = True
# Sobol' indices need the optional SALib (extra "sensitivity"); without it they are skipped.
needs_salib = pytest.mark.skipif(not HAVE_SALIB, reason="SALib is not installed")
SOBOL = pytest.param("sobol", marks=needs_salib)

DETTMERS = brainflops.load_preset("dettmers2015")
MODERN = brainflops.load_preset("mechanistic-modern")


def product_model(widths, exponents=None, correlations=()):
    """``x0 * x1**e1 * ...`` with x0 in FLOP/s; ``widths`` are 90% ranges in decades."""
    exponents = exponents or [1] * len(widths)
    parameters, factors = {}, []
    for i, (width, power) in enumerate(zip(widths, exponents, strict=True)):
        centre = 1e15 if i == 0 else 1.0
        parameters[f"x{i}"] = {
            "value": centre,
            "unit": "FLOP/s" if i == 0 else "dimensionless",
            "low": centre * 10 ** (-width / 2),
            "high": centre * 10 ** (width / 2),
        }
        factors.append(f"x{i}" if power == 1 else f"x{i}**({power})")
    document = {
        "preset": {"name": "product", "title": "product of lognormals"},
        "parameters": parameters,
        "formulas": [{"name": "f", "formula": " * ".join(factors)}],
        "correlations": [{"a": a, "b": b, "rho": r} for a, b, r in correlations],
    }
    return build_model(document)


# -------------------------------------------------------------------------- elasticity
@settings(max_examples=15)
@given(
    widths=st.lists(st.floats(0.1, 3.0), min_size=2, max_size=4),
    powers=st.lists(st.sampled_from([-2, -1, 1, 2, 3]), min_size=3, max_size=3),
)
def test_elasticities_of_a_product_are_its_exponents(widths, powers):
    exponents = [1, *powers[: len(widths) - 1]]
    result = elasticities(product_model(widths, exponents))
    for i, power in enumerate(exponents):
        assert result.value(f"x{i}") == pytest.approx(power, abs=1e-12)
    magnitudes = [abs(v) for v in result.values]
    assert magnitudes == sorted(magnitudes, reverse=True)


@pytest.mark.parametrize("model", [DETTMERS, MODERN], ids=["dettmers", "modern"])
def test_elasticities_match_finite_differences_of_the_model(model):
    result = elasticities(model)
    assert set(result.names) == set(model.used_parameters())
    base = model.central_logs()
    h = 1e-6
    for name in result.names:
        i = model.parameter_names.index(name)
        up, down = base.copy(), base.copy()
        up[i] += h
        down[i] -= h
        numeric = (model.evaluate_logs(up[:, None]) - model.evaluate_logs(down[:, None]))[0] / (
            2 * h
        )
        assert result.value(name) == pytest.approx(numeric, abs=1e-6)


def test_dettmers_elasticities_are_dominated_by_the_dendritic_convolution():
    result = elasticities(DETTMERS)
    # The Purkinje and granule dendrite terms carry T**2, so the time-step elasticity is ~2.
    assert result.names[0] == "time_steps"
    assert result.value("time_steps") == pytest.approx(2.0, abs=0.01)
    assert result.value("firing_rate") == pytest.approx(1.0, abs=1e-9)
    with pytest.raises(UnknownNameError, match="firing_rat"):
        result.value("firing_rat")


# ----------------------------------------------------------------------------- tornado
@settings(max_examples=15)
@given(
    widths=st.lists(st.floats(0.1, 3.0), min_size=2, max_size=4),
    powers=st.lists(st.sampled_from([-2, -1, 1, 2]), min_size=3, max_size=3),
)
def test_tornado_swings_of_a_product_are_exponent_times_width(widths, powers):
    exponents = [1, *powers[: len(widths) - 1]]
    result = tornado(product_model(widths, exponents))
    assert result.base_log10 == pytest.approx(15.0, abs=1e-9)
    for name, swing, lo, hi in zip(
        result.names, result.swings, result.output_low, result.output_high, strict=True
    ):
        i = int(name[1:])
        assert swing == pytest.approx(abs(exponents[i]) * widths[i], rel=1e-9)
        # The 5th-percentile input lowers F when the exponent is positive.
        assert (hi > lo) == (exponents[i] > 0)
    assert list(result.swings) == sorted(result.swings, reverse=True)


def truncated_split_quantile(q, low, value, high, minimum=None, maximum=None):
    """Closed form: quantile ``q`` of a split log-normal (median ``value``, 5th/95th
    percentiles ``low``/``high``) truncated to [minimum, maximum]."""
    from scipy.stats import norm

    z95 = norm.ppf(0.95)
    below, above = math.log(value / low) / z95, math.log(high / value) / z95

    def cdf(x):
        spread = below if x < value else above
        return norm.cdf(math.log(x / value) / spread)

    f_min = 0.0 if minimum is None else cdf(minimum)
    f_max = 1.0 if maximum is None else cdf(maximum)
    inner = f_min + q * (f_max - f_min)
    z = norm.ppf(inner)
    return value * math.exp(z * (below if z < 0 else above))


def test_tornado_of_dettmers_is_led_by_firing_rate_and_uses_medians():
    result = tornado(DETTMERS)
    assert result.names[:2] == ("firing_rate", "time_steps")
    # firing_rate: the post's 50-1,000 Hz as 5th/95th percentiles around 200 Hz, cut at
    # the refractory ceiling of 1,000 Hz, which is that shape's own 95th percentile.
    p5, p95 = (truncated_split_quantile(q, 50, 200, 1000, maximum=1000) for q in (0.05, 0.95))
    assert result.swings[0] == pytest.approx(math.log10(p95 / p5), rel=1e-9)
    assert result.input_low[0] == pytest.approx(p5)
    assert result.input_high[0] == pytest.approx(p95)
    assert p95 < 1000
    # The base case puts every input at its median: for purkinje.synapses that of its
    # log-uniform 75,000-100,000; for firing_rate and time_steps that of the truncated
    # shapes (time steps are at least one).
    median = math.sqrt(7.5e4 * 1e5)
    assert DETTMERS.parameters["purkinje.synapses"].distribution.median == pytest.approx(median)
    at_medians = DETTMERS.with_values(
        **{
            "purkinje.synapses": median,
            "firing_rate": truncated_split_quantile(0.5, 50, 200, 1000, maximum=1000),
            "time_steps": truncated_split_quantile(0.5, 2.4, 5, 6, minimum=1),
        }
    )
    assert result.base_log10 == pytest.approx(at_medians.central_log10(), abs=1e-9)
    assert set(result.names) == {
        n for n in DETTMERS.used_parameters() if DETTMERS.parameters[n].is_uncertain
    }


@needs_salib
# ------------------------------------------------------------------------------- Sobol'
@settings(max_examples=6, deadline=None)
@given(widths=st.lists(st.floats(0.2, 3.0), min_size=2, max_size=4), seed=st.integers(0, 1000))
def test_sobol_matches_the_closed_form_for_a_product_of_lognormals(widths, seed):
    result = sobol(product_model(widths), 2048, seed=seed)
    share = np.array(widths) ** 2 / np.sum(np.array(widths) ** 2)
    for i, expected in enumerate(share):
        first, total = result.index(f"x{i}")
        assert first == pytest.approx(expected, abs=0.03)
        assert total == pytest.approx(expected, abs=0.03)
    # Variance of log10 F: sum of (width / (2 * z95))^2.
    z95 = 1.6448536269514722
    expected_variance = sum((w / (2 * z95)) ** 2 for w in widths)
    assert result.variance_log10 == pytest.approx(expected_variance, rel=0.05)
    assert list(result.total) == sorted(result.total, reverse=True)
    assert result.evaluations == 2048 * (len(widths) + 2)


@needs_salib
def test_sobol_is_reproducible_and_ranks_dettmers_inputs_like_the_tornado():
    a = sobol(DETTMERS, 512, seed=3)
    b = sobol(DETTMERS, 512, seed=3)
    assert a == b
    assert a.names[:2] == tornado(DETTMERS).names[:2]
    assert sum(a.first) == pytest.approx(1.0, abs=0.1)


@needs_salib
def test_sobol_reports_the_correlations_it_ignores():
    model = product_model([1.0, 1.0], correlations=[("x0", "x1", 0.5)])
    result = sobol(model, 256)
    assert result.ignored_correlations == (("x0", "x1", 0.5),)
    assert result.to_dict()["ignored_correlations"] == [{"a": "x0", "b": "x1", "rho": 0.5}]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n": 1000}, "n"),
        ({"n": 1}, "n"),
        ({"n": 256, "seed": -1}, "seed"),
        ({"n": 256, "num_resamples": 0}, "num_resamples"),
        ({"n": 256, "confidence": 1.5}, "confidence"),
    ],
)
def test_sobol_rejects_bad_arguments_naming_them(kwargs, name):
    with pytest.raises(InvalidValueError, match=f"^{name}:"):
        sobol(MODERN, **kwargs)


@needs_salib
def test_sobol_of_a_model_without_uncertainty_is_an_error():
    # Values outside their ranges make the parameters certain (point masses).
    certain = MODERN.with_values(
        firing_rate="5 Hz",
        **{"neurons.count": "1e12 neuron", "neurons.synapses": "1e5 synapse/neuron"},
    )
    assert not any(p.is_uncertain for p in certain.parameters.values() if p.name != "time_steps")
    with pytest.raises(InvalidValueError, match="no uncertain parameters"):
        sobol(certain, 256)


def test_missing_salib_raises_a_clear_error(monkeypatch):
    for module in (
        "SALib",
        "SALib.sample",
        "SALib.analyze",
        "SALib.sample.sobol",
        "SALib.analyze.sobol",
    ):
        monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingDependencyError, match=r"brainflops\[sensitivity\]") as info:
        sobol(MODERN, 256)
    assert isinstance(info.value, BrainflopsError)
    assert isinstance(info.value, ImportError)
    assert info.value.package == "SALib"
    assert main(["sensitivity", "--method", "sobol", "--preset", "mechanistic-modern"]) == 2


# ------------------------------------------------------------------------------ output
@pytest.mark.parametrize("method", ["elasticity", "tornado", SOBOL])
def test_results_are_frozen_and_export_to_frames_json_and_png(method, tmp_path):
    result = analyse(MODERN, method, n=256, seed=1)
    assert isinstance(result, Elasticities | Tornado | SobolIndices)
    with pytest.raises(AttributeError):
        result.model = "other"
    frame = result.to_frame()
    assert frame["parameter"].tolist() == list(result.names)
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["method"] == method
    assert [row["parameter"] for row in data["parameters"]] == list(result.names)
    path = tmp_path / "chart.png"
    plots.save(plots.sensitivity(result, model=MODERN), path)
    assert path.read_bytes().startswith(b"\x89PNG")
    with pytest.raises(OutputExistsError):
        plots.save(plots.sensitivity(result), path)
    assert not list(tmp_path.glob(".*.tmp"))  # atomic write leaves no temporary behind


def test_unknown_method_suggests_the_right_one():
    with pytest.raises(UnknownNameError, match="tornado"):
        analyse(MODERN, "tornadoes")


def test_plots_do_not_touch_pyplot_state():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    plots.tornado(tornado(DETTMERS))
    plots.elasticities(elasticities(DETTMERS))
    assert plt.get_fignums() == before


# --------------------------------------------------------------------------------- CLI
def test_cli_elasticities_match_finite_differences(capsys):
    # Oracle independent of the sensitivity code: central differences in log space of the
    # model's own total, d ln F / d ln x ~ [ln F(x e^h) - ln F(x e^-h)] / 2h.
    assert main(["sensitivity", "--preset", "dettmers2015", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    h = 1e-4
    for row in data["parameters"]:
        central = row["central"]
        up = DETTMERS.with_values(**{row["parameter"]: central * math.exp(h)}).central_log10()
        down = DETTMERS.with_values(**{row["parameter"]: central * math.exp(-h)}).central_log10()
        expected = (up - down) * math.log(10) / (2 * h)
        assert row["elasticity"] == pytest.approx(expected, rel=1e-6, abs=1e-9), row


@pytest.mark.parametrize("method", ["tornado", SOBOL])
def test_cli_json_carries_the_library_result(method, capsys):
    # Not an oracle: this checks the CLI's plumbing (arguments reach the library, the
    # result is printed whole); the numbers themselves are tested against closed forms above.
    argv = ["sensitivity", "--preset", "mechanistic-modern", "--method", method, "--json"]
    if method == "sobol":
        argv += ["--samples", "256", "--seed", "2"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    expected = analyse(MODERN, method, n=256, seed=2).to_dict()
    assert data["preset"] == "mechanistic-modern"
    assert data["parameters"] == expected["parameters"]


def test_cli_text_table_and_plot(tmp_path, capsys):
    png = tmp_path / "tornado.png"
    argv = ["sensitivity", "--method", "tornado", "--plot", str(png)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("Dettmers (2015)")
    assert "firing_rate" in out
    assert "swing" in out
    assert png.read_bytes().startswith(b"\x89PNG")
    assert main(argv) == 2  # exists: refuse without --force
    assert "--force" in capsys.readouterr().err
    assert main([*argv, "--force"]) == 0


@pytest.mark.parametrize(
    ("argv", "row"),
    [
        (["--method", "tornado"], True),  # a preset that declares alternatives: on
        (["--method", "tornado", "--no-structural"], False),
        (["--method", "tornado", "--preset", "dettmers2015:all-neurons"], False),
        (["--method", "tornado", "--preset", "dettmers2015:all-neurons", "--structural"], True),
        (["--method", "sobol", "--samples", "256"], True),
        (["--method", "sobol", "--samples", "256", "--no-structural"], False),
    ],
)
def test_cli_structural_row_follows_the_declared_alternatives(argv, row, capsys):
    if "sobol" in argv and not HAVE_SALIB:
        pytest.skip("SALib is not installed")
    assert main(["sensitivity", *argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    names = [p["parameter"] for p in data["parameters"]]
    assert ("structure: reconstruction" in names) is row
    assert (data["structural"] is not None) is row
    if row and data["method"] == "tornado":
        # The row's ends are the reconstructions' totals with their inputs at the medians:
        # each variant's own tornado base.
        bases = {
            name: tornado(brainflops.load_preset(f"dettmers2015:{name}")).base_log10
            for name in ("cerebellar", "all-neurons", "granule-own-filter")
        }
        record = data["parameters"][names.index("structure: reconstruction")]
        assert record["log10_flops_at_p5"] == pytest.approx(min(bases.values()))
        assert record["log10_flops_at_p95"] == pytest.approx(max(bases.values()))
        assert data["structural"]["alternative_at_low"] == min(bases, key=bases.get)
        assert data["structural"]["alternative_at_high"] == max(bases, key=bases.get)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--method", "tornado", "--samples", "256"], "--samples"),
        (["--plot", "chart.txt"], "--plot"),
        (["--preset", "no-such-preset"], "unknown preset"),
        (["--structural"], "tornado and sobol only"),
        (["--method", "tornado", "--preset", "landauer", "--structural"], "declares no"),
    ],
)
def test_cli_user_errors_are_one_line(argv, message, capsys):
    assert main(["sensitivity", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_cli_rejects_a_sample_size_that_is_not_a_power_of_two(capsys):
    with pytest.raises(SystemExit) as info:
        main(["sensitivity", "--method", "sobol", "--samples", "1000"])
    assert info.value.code == 2
    assert "power of two" in capsys.readouterr().err


# ------------------------------------------------------------- models without uncertainty
@pytest.mark.parametrize("name", ["kurzweil1999", "landauer", "merkle1989"])
def test_tornado_of_a_model_without_uncertain_inputs_is_a_clear_error(name):
    model = brainflops.load_preset(name)
    with pytest.raises(InvalidValueError, match="no uncertain parameters"):
        tornado(model)
    assert elasticities(model).names  # elasticities need no uncertainty


@pytest.mark.parametrize("method", ["tornado", SOBOL])
def test_cli_without_uncertain_inputs_is_one_line_exit_2(method, capsys):
    assert main(["sensitivity", "--preset", "kurzweil1999", "--method", method]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "kurzweil1999: has no uncertain parameters" in err
    assert "Traceback" not in err


def test_cli_elasticity_table_of_a_point_preset(capsys):
    assert main(["sensitivity", "--preset", "landauer"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.startswith("parameter"))
    assert header.split() == ["parameter", "unit", "central", "elasticity"]
    assert any(line.split()[:2] == ["temperature", "K"] for line in lines)
