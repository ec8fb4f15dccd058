"""The ``validate`` and ``scenario new`` commands, and ``--scenario`` on other commands."""

import argparse
import json
import os
import re
import subprocess
import sys

import pytest

import brainflops
from brainflops.cli import build_parser, main

SCENARIO = """\
[scenario]
base = "dettmers2015"
title = "Slower cerebellum"
[set]
firing_rate = { value = "20 Hz", low = "5 Hz", high = "0.1 kHz" }
[parameters.glia.count]
value = "8.5e10 neuron"
low = 6e10
high = 1e11
[parameters.glia.cost]
value = "10 FLOP/s/neuron"
[[formulas]]
name = "glia"
formula = "glia.count * glia.cost"
"""

BAD = """\
[scenario]
base = "dettmers2015"
remove = ["othr"]
[set]
firing_rat = 100
purkinje.count = -5
[[formulas]]
name = "z"
formula = "__import__('os').system('touch {marker}')"
"""


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "slow.toml"
    path.write_text(SCENARIO)
    return path


def test_validate_ok(capsys, scenario):
    code, out, err = run(capsys, "validate", scenario)
    assert code == 0
    assert err == ""
    assert out.startswith(f"{scenario}: ok: Slower cerebellum")


def test_validate_reports_every_problem_one_line_each(capsys, tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "bad.toml"
    path.write_text(BAD.format(marker=marker))
    good = tmp_path / "good.toml"
    good.write_text(SCENARIO)
    code, out, err = run(capsys, "validate", good, path)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert [
        re.match(rf"brainflops: error: {re.escape(str(path))}:(\d+): (\S+): ", line).groups()
        for line in lines
    ] == [
        ("3", "scenario.remove"),
        ("5", "set.firing_rat"),
        ("6", "set.purkinje.count"),
        ("7", "formulas[0]"),
    ]
    assert "did you mean 'firing_rate'" in lines[1]
    assert not marker.exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "cannot read"),
        ("", "empty"),
        ("[scenario\n", "invalid TOML"),
        (b"\xff\xfe", "UTF-8"),
    ],
)
def test_validate_unreadable_or_malformed(capsys, tmp_path, content, words):
    path = tmp_path / "x.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    code, out, err = run(capsys, "validate", path)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert words in err
    assert str(path) in err


def test_scenario_new_to_stdout_validates_and_reproduces_the_preset(capsys, tmp_path):
    code, out, _ = run(capsys, "scenario", "new", "--from", "dettmers2015:granule-own-filter")
    assert code == 0
    assert out.startswith(
        "# brainflops scenario based on the preset dettmers2015:granule-own-filter"
    )
    path = tmp_path / "mine.toml"
    path.write_text(out)
    code, out, _ = run(capsys, "estimate", "--scenario", path, "--json")
    assert code == 0
    preset = brainflops.load_preset("dettmers2015:granule-own-filter")
    assert json.loads(out)["log10_central"] == preset.central_log10()


def test_scenario_new_out_refuses_to_overwrite_without_force(capsys, tmp_path):
    path = tmp_path / "new.toml"
    code, _, err = run(capsys, "scenario", "new", "--from", "mechanistic-modern", "--out", path)
    assert code == 0
    assert f"wrote {path}" in err
    first = path.read_text()
    assert run(capsys, "validate", path)[0] == 0
    path.write_text("# edited by hand\n")
    code, _, err = run(capsys, "scenario", "new", "--from", "mechanistic-modern", "--out", path)
    assert code == 2
    assert "--force" in err
    assert path.read_text() == "# edited by hand\n"
    code, _, _ = run(
        capsys, "scenario", "new", "--from", "mechanistic-modern", "--out", path, "--force"
    )
    assert code == 0
    assert path.read_text() == first
    assert [p.name for p in tmp_path.iterdir()] == ["new.toml"]  # no temporary files left


def test_scenario_new_unknown_preset(capsys):
    code, out, err = run(capsys, "scenario", "new", "--from", "dettmers2016")
    assert code == 2
    assert out == ""
    assert "did you mean 'dettmers2015'" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["estimate", "--json"],
        ["estimate"],
        ["table", "--format", "csv"],
        ["explain", "--json"],
        ["sensitivity", "--json"],
    ],
)
def test_commands_accept_scenario(capsys, scenario, argv):
    if argv[0] not in _commands():
        pytest.skip(f"{argv[0]} is not registered")
    code, out, err = run(capsys, *argv, "--scenario", scenario)
    assert code == 0, err
    assert out


def test_estimate_json_of_scenario(capsys, scenario):
    code, out, _ = run(capsys, "estimate", "--scenario", scenario, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["preset"] == "slow"
    assert data["title"] == "Slower cerebellum"
    glia = next(row for row in data["breakdown"] if row["stage"] == "glia")
    assert glia["flops"] == pytest.approx(8.5e11)
    base = brainflops.load_preset("dettmers2015")
    assert data["central"] == pytest.approx(base.central().m_as("FLOP/s") / 10 + 8.5e11)


def test_scenario_errors_on_any_command_exit_2_in_one_line(capsys, tmp_path):
    """All four problems, joined in the one error line (``validate`` gives one a line)."""
    path = tmp_path / "bad.toml"
    path.write_text(BAD.format(marker=tmp_path / "pwned"))
    code, out, err = run(capsys, "estimate", "--scenario", path)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"brainflops: error: {path}:")
    assert err.count(f"; {path}:") == 3
    code, _, err = run(capsys, "validate", path)
    assert code == 2
    assert len(err.strip().splitlines()) == 4
    assert all(line.startswith(f"brainflops: error: {path}:") for line in err.strip().splitlines())


def test_same_scenario_and_seed_give_byte_identical_json(capsys, scenario):
    argv = ["estimate", "--scenario", scenario, "--samples", "2000", "--seed", "11", "--json"]
    first = run(capsys, *argv)[1]
    second = run(capsys, *argv)[1]
    assert first == second
    assert json.loads(first)["percentiles"]["5"] < json.loads(first)["percentiles"]["95"]


def test_json_is_identical_across_processes_and_hash_seeds(scenario):
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "brainflops",
                "estimate",
                "--scenario",
                str(scenario),
                "--samples",
                "500",
                "--seed",
                "3",
                "--json",
            ],
            capture_output=True,
            check=True,
            env=env,
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize(
    "command", ["estimate", "sensitivity", "timeline", "hardware", "table", "report"]
)
def test_model_commands_offer_scenario(command):
    commands = _commands()
    if command not in commands:
        pytest.skip(f"{command} is not registered")
    options = {o for a in commands[command]._actions for o in a.option_strings}
    assert "--scenario" in options, f"brainflops {command} has no --scenario"
