"""`brainflops timeline`: refusals before any work, and labels (issue 13 review).

Each refusal must come before the computation (nothing written, exit 2) in one line on
standard error.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainflops.cli import main
from brainflops.forecast import dettmers
from brainflops.forecast import timeline as tl

QUICK = ("--samples", "100", "--quiet")


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def refused(capsys, *argv, says: str) -> str:
    """Run ``argv``; assert exit 2 and one error line containing ``says``; return it."""
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert len(err.splitlines()) == 1, err
    assert err.startswith("brainflops: error:"), err
    assert says in err, err
    return err


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if a trend is fitted: the refusal must come before any work."""
    from brainflops.cli import timeline

    def fail(*_args, **_kwargs):
        raise AssertionError("the computation started before the refusal")

    monkeypatch.setattr(timeline, "_build_trend", fail)


# ------------------------------------------------------------------ 1. one file, two outputs


@pytest.mark.parametrize(
    ("out", "plot", "force"),
    [
        ("same.svg", "same.svg", True),
        ("p.svg", "./p.svg", False),
        ("p.svg", "sub/../p.svg", True),
    ],
)
def test_out_and_plot_naming_one_file_are_refused_before_any_work(
    capsys, tmp_path, monkeypatch, no_work, out, plot, force
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    argv = ["timeline", "--brain", "1e16", *QUICK, "--out", out, "--plot", plot]
    refused(capsys, *argv, *(["--force"] if force else []), says="name the same file")
    assert not (tmp_path / "p.svg").exists()
    assert not (tmp_path / "same.svg").exists()


def test_a_link_to_the_other_output_is_the_same_file(capsys, tmp_path, monkeypatch, no_work):
    monkeypatch.chdir(tmp_path)
    Path("fig.svg").write_text("old figure")
    os.link("fig.svg", "alias.svg")  # a hard link: another name, the same file
    refused(
        capsys, "timeline", "--brain", "1e16", *QUICK, "--out", "alias.svg", "--plot",
        "fig.svg", "--force", says="name the same file",
    )  # fmt: skip
    assert Path("fig.svg").read_text() == "old figure"


def test_the_same_file_check_covers_every_command_with_two_outputs(capsys, tmp_path):
    """The shared check refuses it for any command, e.g. ``trends fit``."""
    target = str(tmp_path / "fit.svg")
    refused(
        capsys, "trends", "fit", "--out", target, "--plot", target, "--force",
        says="name the same file",
    )  # fmt: skip
    assert not Path(target).exists()


def test_different_outputs_are_both_written(capsys, tmp_path):
    text, figure = tmp_path / "t.txt", tmp_path / "t.svg"
    code, _, err = run(
        capsys, "timeline", "--brain", "1e16", *QUICK, "--out", str(text), "--plot",
        str(figure),
    )  # fmt: skip
    assert code == 0, err
    assert text.read_text().startswith("brain: 1e16 FLOP/s")
    assert figure.read_text().lstrip().startswith("<?xml")


# ------------------------------------------------------------------ 8. the outputs' folders


@pytest.mark.parametrize("option", ["--out", "--plot"])
def test_an_output_in_a_missing_folder_is_refused_and_no_folder_created(
    capsys, tmp_path, no_work, option
):
    target = tmp_path / "nodir" / "x.svg"
    refused(capsys, "timeline", "--brain", "1e16", *QUICK, option, str(target),
            says="does not exist")  # fmt: skip
    assert not (tmp_path / "nodir").exists()


@pytest.mark.parametrize("option", ["--out", "--plot"])
def test_an_output_in_a_folder_that_takes_no_file_is_refused_before_any_work(
    capsys, no_work, option
):
    # /proc refuses every new file, even the superuser's (permission bits would not tell)
    refused(capsys, "timeline", "--brain", "1e16", *QUICK, option, "/proc/x.svg",
            says="takes no new file")  # fmt: skip


def test_an_output_under_a_file_is_refused(capsys, tmp_path, no_work):
    (tmp_path / "plain").write_text("")
    refused(capsys, "timeline", "--brain", "1e16", *QUICK, "--plot",
            str(tmp_path / "plain" / "x.svg"), says="is not a folder")  # fmt: skip


def test_other_commands_refuse_a_missing_folder_too(capsys, tmp_path):
    for argv in (
        ["estimate", "--preset", "dettmers2015", "--samples", "10"],
        ["trends", "fit"],
    ):
        refused(capsys, *argv, "--out", str(tmp_path / "nodir" / "x.txt"), says="nodir")
    assert not (tmp_path / "nodir").exists()


# ------------------------------------------------------------------ 2. budget and power


@pytest.mark.parametrize(
    ("criterion", "option", "value"),
    [
        ("budget", "--budget", "1e300"),
        ("budget", "--budget", "1e-300"),
        ("budget", "--budget", "0.5"),
        ("budget", "--budget", "2e15"),
        ("energy", "--power", "1e-300"),
        ("energy", "--power", "1e-4"),
        ("energy", "--power", "1e13"),
        ("energy", "--power", "1e300"),
    ],
)
def test_budget_and_power_out_of_bounds_name_the_option(capsys, no_work, criterion, option, value):
    err = refused(capsys, "timeline", "--brain", "1e16", *QUICK, "--criterion", criterion,
                  option, value, says=option)  # fmt: skip
    assert "float" not in err


def test_budget_and_power_at_their_bounds_are_accepted(capsys):
    for option, criterion, (low, high) in (
        ("--budget", "budget", tl.BUDGET_USD_RANGE),
        ("--power", "energy", tl.POWER_W_RANGE),
    ):
        for value in (low, high):
            code, out, err = run(capsys, "timeline", "--brain", "1e16", *QUICK, "--criterion",
                                 criterion, option, f"{value:g}")  # fmt: skip
            assert code == 0, err
            assert len(out.splitlines()[1]) < 200  # the criterion's line stays short


def test_the_command_line_copies_the_library_bounds():
    from brainflops.cli import timeline

    assert timeline.BUDGET_USD_RANGE == tl.BUDGET_USD_RANGE
    assert timeline.POWER_W_RANGE == tl.POWER_W_RANGE


@settings(max_examples=30, deadline=None)
@given(value=st.floats(allow_nan=True, allow_infinity=True))
def test_the_library_bounds_hold_for_any_float(value):
    low, high = tl.BUDGET_USD_RANGE
    if low <= value <= high:
        assert tl.check_amount(value, "budget_usd", tl.BUDGET_USD_RANGE, "US$") == value
    else:
        with pytest.raises(tl.InvalidValueError, match="budget_usd"):
            tl.get_criterion("budget", budget_usd=value)


# ------------------------------------------------------------------ 3. scenario errors


@pytest.mark.parametrize("text", ['x = "\\u0000"\n', "preset = '__import__(\"os\")'\n"])
def test_scenario_errors_are_one_line(capsys, tmp_path, no_work, text):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    err = refused(capsys, "timeline", "--scenario", str(path), *QUICK, says=str(path))
    assert "; " in err  # both problems, joined


def test_validate_still_lists_every_problem_on_its_own_line(capsys, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('x = "\\u0000"\n')
    code, _, err = run(capsys, "validate", str(path))
    assert code == 2
    assert len(err.splitlines()) == 2


# ------------------------------------------------------------------ 4. Dettmers' scenarios


@pytest.mark.parametrize("model", dettmers.DETTMERS_SCENARIOS)
@pytest.mark.parametrize("criterion", ["hpl", "hpcg-hpl", "top500-sum", "budget"])
def test_dettmers_scenarios_refuse_other_criteria(capsys, no_work, model, criterion):
    refused(capsys, "timeline", "--preset", "dettmers2015", "--model", model, "--criterion",
            criterion, *QUICK, says="HPCG")  # fmt: skip


@pytest.mark.parametrize(("model", "year"), [("dettmers-moore", 2037), ("dettmers-1.8y", 2053),
                                             ("dettmers-3y", 2078)])  # fmt: skip
def test_dettmers_scenarios_choose_hpcg_and_say_so(capsys, model, year):
    """His years for his 1.075e21 FLOP/s (dettmers2015.md section 9.3), on HPCG."""
    argv = ["timeline", "--preset", "dettmers2015", "--model", model, "--central", *QUICK]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert f"chosen by --model {model}" in out
    assert f"(by {year})" in out
    data = json.loads(run(capsys, *argv, "--json")[1])
    assert data["criterion"] == "hpcg"
    assert data["series"] == "hpcg-rank1"
    assert data["median_by_year"] == year
    assert "criterion_chosen_by" in data
    explicit = json.loads(run(capsys, *argv, "--criterion", "hpcg", "--json")[1])
    assert explicit["median_by_year"] == year
    assert "criterion_chosen_by" not in explicit


def test_forecast_parity_refuses_a_dettmers_scenario_on_another_criterion():
    with pytest.raises(tl.InvalidValueError, match="hpcg criterion only"):
        tl.forecast_parity([21.0], "hpl", "dettmers-1.8y")
    assert tl.forecast_parity([21.0], "hpcg", "dettmers-1.8y").median_year > 2015


# ------------------------------------------------------------------ 5. repeated values


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["--preset", "dettmers2015", "--preset", "dettmers2015"], "--preset"),
        (["--brain", "1e16", "--brain", "1e16"], "--brain"),
        (["--brain", "1e16", "--brain", "10PFLOP/s"], "--brain"),  # the same value
        (["--brain", "1e16", "--criterion", "hpl", "--criterion", "hpl"], "--criterion"),
    ],
)
def test_a_repeated_value_is_refused(capsys, tmp_path, no_work, argv, option):
    refused(capsys, "timeline", *argv, *QUICK, "--plot", str(tmp_path / "dup.svg"),
            says=f"{option}:")  # fmt: skip
    assert not (tmp_path / "dup.svg").exists()


def test_a_repeated_scenario_file_is_refused_however_it_is_written(
    capsys, tmp_path, monkeypatch, no_work
):
    monkeypatch.chdir(tmp_path)
    Path("s.toml").write_text('[scenario]\nbase = "dettmers2015"\n')
    refused(capsys, "timeline", "--scenario", "s.toml", "--scenario", "./s.toml", *QUICK,
            says="--scenario")  # fmt: skip


def test_distinct_values_are_all_kept(capsys):
    data = json.loads(run(capsys, "timeline", "--brain", "1e16", "--brain", "1e18",
                          "--criterion", "hpl", "--criterion", "hpcg", *QUICK, "--json")[1])  # fmt: skip
    assert len(data) == 4


# ------------------------------------------------------------------ 6. labels


@pytest.mark.parametrize(
    ("value", "label"),
    [("10 PFLOPS", "10 PFLOPS"), ("1e16FLOP/s", "1e16FLOP/s"), ("1e16", "1e16 FLOP/s")],
)
def test_a_brain_value_is_labelled_with_its_unit_once(capsys, value, label):
    code, out, err = run(capsys, "timeline", "--brain", value, *QUICK)
    assert code == 0, err
    first = out.splitlines()[0]
    assert first.startswith(f"brain: {label} (")
    assert first.count("FLOP") <= 2  # the label's unit and "log10 FLOP/s", no more


# ------------------------------------------------------------------ 7. --central


def test_central_with_only_brain_values_is_refused(capsys, no_work):
    refused(capsys, "timeline", "--brain", "1e16", "--central", *QUICK, says="--central")


def test_central_with_a_preset_and_a_brain_value_is_accepted(capsys):
    code, _, err = run(capsys, "timeline", "--preset", "dettmers2015", "--brain", "1e16",
                       "--central", *QUICK)  # fmt: skip
    assert code == 0, err


def test_a_central_estimate_never_reached_is_null_in_json_and_never_in_text(capsys):
    # A logistic ceiling of 3e18 FLOP/s lies below Dettmers' 1.075e21: never reached.
    argv = ("timeline", "--preset", "dettmers2015", "--model", "logistic", "--ceiling", "3e18")
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["central_log10"] is not None
    assert data["central_year"] is None
    assert data["central_by_year"] is None
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert "parity never" in out


def test_trends_fit_takes_the_dettmers_scenarios_on_hpcg_only(capsys):
    code, out, err = run(
        capsys, "trends", "fit", "--model", "dettmers-moore", "--series", "gpu-flops-per-dollar"
    )
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "hpcg-rank1 only" in err
    code, out, err = run(
        capsys, "trends", "fit", "--model", "dettmers-moore", "--series", "hpcg-rank1"
    )
    assert code == 0, err
