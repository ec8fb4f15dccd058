"""The ``anchors`` and ``tai`` commands."""

from __future__ import annotations

import json

import pytest

from brainflops.cli import main


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_tai_json_has_the_documented_keys(capsys):
    data = _json(capsys, ["tai", "--variant", "cotra2020", "--samples", "2000", "--json"])
    assert data["variant"] == "cotra2020"
    assert set(data["probability_by"]) == {"2030", "2036", "2050", "2100"}
    assert 2045 <= data["median_year"] <= 2056
    assert {"never_fraction", "anchors", "inputs"} <= set(data)
    assert data["inputs"]["flop_per_dollar"]["provenance"] == "stated"


def test_anchors_json_and_brain_choice(capsys):
    small = _json(
        capsys, ["anchors", "--brain", "mechanistic-modern", "--samples", "500", "--json"]
    )
    big = _json(capsys, ["anchors", "--brain", "dettmers2015", "--samples", "500", "--json"])
    by_name = {a["name"]: a for a in big["anchors"]}
    for row in small["anchors"]:
        if row["name"] != "evolution":  # the only anchor that does not use the brain
            assert by_name[row["name"]]["p50"] > row["p50"]


def test_tai_scenario_plot_and_tornado(tmp_path, capsys):
    scenario = tmp_path / "brain.toml"
    scenario.write_text('[scenario]\nbase = "mechanistic-modern"\n[set]\nfiring_rate = "2 Hz"\n')
    inputs = tmp_path / "inputs.toml"
    inputs.write_text('[anchors]\nvariant = "cotra2022"\n[set]\nspend_doubling_time = "3 year"\n')
    png = tmp_path / "tai.png"
    argv = [
        "tai",
        "--scenario",
        str(scenario),
        "--inputs",
        str(inputs),
        "--samples",
        "300",
        "--tornado",
        "--plot",
        str(png),
        "--json",
    ]
    data = _json(capsys, argv)
    assert data["variant"] == "cotra2022"
    assert data["overridden"] == ["spend_doubling_time"]
    assert png.read_bytes().startswith(b"\x89PNG")
    assert data["tornado"][0]["input"]
    assert main(argv) == 2  # the plot exists and --force was not given
    assert "exists" in capsys.readouterr().err


@pytest.mark.parametrize("samples", ["0", "200000", "many"])
def test_sample_count_is_bounded(samples, capsys):
    with pytest.raises(SystemExit) as info:
        main(["tai", "--samples", samples])
    assert info.value.code == 2
    assert "samples" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["tai", "--brain", "no-such-preset", "--samples", "10"],
        ["tai", "--plot", "chart.txt", "--samples", "10"],
        ["anchors", "--inputs", "/no/such/file.toml"],
    ],
)
def test_bad_input_is_one_line_and_status_2(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("brainflops: error:")


def test_assumption_table_export(capsys):
    assert main(["anchors", "--samples", "10", "--assumptions", "csv"]) == 0
    out = capsys.readouterr().out
    assert "flop_per_dollar" in out
    assert "acx2022" in out


def test_hardware_fit_replaces_the_halving_time(capsys):
    data = _json(capsys, ["tai", "--hardware", "fit", "--samples", "200", "--json"])
    halving = data["inputs"]["hardware_halving_time"]
    assert halving["provenance"] == "derived"
    assert halving["source"] == "epoch-ml-hardware"
    assert 1.5 < halving["value"] < 4.0
    assert data["overridden"] == ["hardware_halving_time"]


def test_cli_sample_bound_is_the_librarys():
    from brainflops.cli import anchors as cli_anchors
    from brainflops.forecast.anchors.montecarlo import MAX_SAMPLES

    assert cli_anchors._MAX_SAMPLES == MAX_SAMPLES
