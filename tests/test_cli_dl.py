"""``brainflops versus`` and ``brainflops workloads``, run in-process for every preset."""

from __future__ import annotations

import json
import math

import pytest

from brainflops.cli import main
from brainflops.models.presets import list_presets, load_preset

INTERVAL_KEYS = {"central", "p5", "p50", "p95"}


def _run(capsys, *argv):
    try:
        status = main(list(argv))
    except SystemExit as exc:  # argparse refuses a bad value before the command runs
        status = exc.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("preset", list_presets())
def test_versus_json_for_every_preset(capsys, preset):
    status, out, _ = _run(
        capsys, "versus", "--preset", preset, "--samples", "300", "--seed", "1", "--json"
    )
    assert status == 0
    payload = json.loads(out)
    assert payload["preset"] == preset
    assert set(payload["brain_flops"]) >= INTERVAL_KEYS
    assert set(payload["lifetime_flop"]) >= INTERVAL_KEYS
    assert payload["lifetime_seconds"] == 1e9
    central = load_preset(preset).central().m_as("FLOP/s")
    assert payload["brain_flops"]["central"] == pytest.approx(central, rel=1e-9)
    # lifetime = FLOP/s x seconds, percentile by percentile
    for key in INTERVAL_KEYS:
        assert payload["lifetime_flop"][key] == pytest.approx(payload["brain_flops"][key] * 1e9)
    brain = payload["brain_flops"]
    assert brain["p5"] <= brain["p50"] <= brain["p95"]
    names = [w["name"] for w in payload["workloads"]]
    assert names == ["alexnet", "resnet50", "bert-base", "bert-large", "gpt3-175b"]
    for w in payload["workloads"]:
        assert {"name", "forward_flop", "training_flop", "reported_training_flop"} <= set(w)
        per_second = w["brain_equivalent"][f"{w['input_unit']}s_per_second"]
        assert per_second["central"] == pytest.approx(brain["central"] / w["forward_flop"])
        seconds = w["brain_equivalent"]["brain_seconds_per_training_run"]
        assert seconds["p5"] <= seconds["p50"] <= seconds["p95"]
        assert seconds["central"] == pytest.approx(w["training_flop"] / brain["central"])
    # the first training run above the lifetime, checked against the data directly
    first = payload["first_training_run_above_lifetime"]
    lifetime = payload["lifetime_flop"]["central"]
    if first is None:
        assert lifetime >= 5e26  # larger than every run in the data (Grok 4, 5e26)
    else:
        assert first["training_flop"] > lifetime
        assert first["credit"] == "Data: Epoch AI (epoch.ai), CC BY 4.0"


def test_versus_named_crossings(capsys):
    # The issue's examples: mechanistic lifetimes (~3e23) passed around 2020; Dettmers' not yet.
    _, out, _ = _run(
        capsys, "versus", "--preset", "mechanistic-modern", "--samples", "200", "--json"
    )
    first = json.loads(out)["first_training_run_above_lifetime"]
    assert first["name"] == "GPT-3 175B (davinci)"
    assert first["date"] == "2020-05-28"
    _, out, _ = _run(capsys, "versus", "--preset", "dettmers2015", "--samples", "200", "--json")
    assert json.loads(out)["first_training_run_above_lifetime"] is None


def test_versus_workload_age_and_reported(capsys):
    status, out, _ = _run(
        capsys,
        "versus",
        "--preset",
        "kurzweil2005",
        "--workload",
        "gpt3-175b",
        "--workload",
        "resnet50",
        "--age",
        "5e8",
        "--samples",
        "50",
        "--json",
    )
    assert status == 0
    payload = json.loads(out)
    assert payload["lifetime_seconds"] == 5e8
    assert payload["lifetime_flop"]["central"] == pytest.approx(1e16 * 5e8)
    gpt3, resnet = payload["workloads"]
    assert gpt3["reported_training_flop"] == 3.14e23
    assert resnet["reported_training_flop"] is None
    # 1e16 FLOP/s / (2 x ~175e9 FLOP/token) ~ 2.8e4 tokens/s
    assert gpt3["brain_equivalent"]["tokens_per_second"]["central"] == pytest.approx(
        1e16 / gpt3["forward_flop"]
    )
    h100 = payload["brain_in_h100s"]["central"]
    assert h100 == pytest.approx(1e16 / 989.4e12)
    devices = {d["name"]: d for d in payload["energy"]["devices"]}
    assert devices["NVIDIA H100 SXM5 80GB"]["flop_per_joule"] == pytest.approx(989.4e12 / 700)
    assert payload["energy"]["brain_flop_per_joule"]["central"] == pytest.approx(1e16 / 20)


def test_versus_with_a_scenario_and_a_network_file(capsys, tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        '[scenario]\nbase = "mechanistic-modern"\n\n[set]\nfiring_rate = "1 Hz"\n',
        encoding="utf-8",
    )
    network = tmp_path / "net.toml"
    network.write_text(
        '[network]\nname = "tiny"\ntype = "transformer"\nlayers = 2\nwidth = 64\nheads = 4\n'
        "context = 16\nvocabulary = 100\ntraining_tokens = 1e6\n",
        encoding="utf-8",
    )
    status, out, _ = _run(
        capsys,
        "versus",
        "--scenario",
        str(scenario),
        "--workload",
        str(network),
        "--samples",
        "100",
        "--json",
    )
    assert status == 0
    payload = json.loads(out)
    assert payload["workloads"][0]["name"] == "tiny"
    assert math.isfinite(payload["lifetime_flop"]["p95"])


@pytest.mark.parametrize(
    "argv",
    [
        ["versus", "--age", "-1"],
        ["versus", "--age", "1e13"],
        ["versus", "--workload", "resnet-50"],
        ["versus", "--preset", "nope"],
        ["versus", "--samples", "2000000"],
    ],
)
def test_versus_bad_input_exits_2_with_one_line(capsys, argv):
    status, out, err = _run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_versus_text_carries_the_credit(capsys):
    status, out, _ = _run(capsys, "versus", "--preset", "moravec1998", "--samples", "20")
    assert status == 0
    assert "Data: Epoch AI (epoch.ai), CC BY 4.0" in out
    assert "GPT-3 175B" in out


def test_workloads_json_and_text(capsys):
    status, out, _ = _run(capsys, "workloads", "--json")
    assert status == 0
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["resnet50"]["parameters"] == 25_557_032
    assert rows["gpt3-175b"]["training_flop"] == pytest.approx(3.14e23, rel=0.05)
    published = {f["quantity"]: f for f in rows["gpt3-175b"]["published"]}
    assert published["training_flop"]["locator"].startswith("Appendix D")
    status, out, _ = _run(capsys, "workloads")
    assert status == 0
    assert "resnet50" in out
    assert "8.27e+09" in out


def test_versus_refuses_a_negative_seed_in_one_line(capsys):
    status, out, err = _run(capsys, "versus", "--seed", "-1")
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
