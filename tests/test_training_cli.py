"""``brainflops train`` on the reference networks, against published runs, and its refusals."""

import json

import pytest

from brainflops.cli import main
from brainflops.ops.networks import list_networks

V100 = "NVIDIA Tesla V100 DGXS 32 GB"
KEYS = {
    "workload",
    "device",
    "count",
    "training_flop",
    "training_days",
    "bound",
    "utilization",
    "communication_fraction",
    "energy_kwh",
    "cost_usd",
    "reported_days",
}


def run_json(capsys, *args):
    assert main(["train", *args, "--json", "--samples", "1000"]) == 0
    return json.loads(capsys.readouterr().out)


def test_bert_large_cli_against_devlin(capsys):
    """Devlin et al. (2018) A.2: 64 TPU v2 chips, 4 days. The network (dl) counts all
    1M steps at 512 tokens (2.52e20 FLOP). Tolerance: central within 30% (the
    utilisation's 90% range alone spans -40%/+65%) and 4 days inside the 90% interval."""
    out = run_json(
        capsys, "--workload", "bert-large", "--device", "Google TPU v2", "--count", "64"
    )
    assert set(out) >= KEYS
    assert out["reported_days"] == 4
    assert out["training_days"]["central"] == pytest.approx(4, rel=0.3)
    assert out["training_days"]["p5"] <= 4 <= out["training_days"]["p95"]
    assert out["bound"] in {"compute", "memory"}


def test_gpt3_cli_against_epoch(capsys):
    """Epoch: ~10,000 V100s for 355.2 h (14.8 days). Same tolerance."""
    out = run_json(capsys, "--workload", "gpt3-175b", "--device", V100, "--count", "10000")
    assert out["reported_days"] == pytest.approx(14.8)
    assert out["training_days"]["central"] == pytest.approx(14.8, rel=0.3)
    assert out["training_days"]["p5"] <= 14.8 <= out["training_days"]["p95"]
    assert out["split"]["tensor"] * out["split"]["pipeline"] > 1


@pytest.mark.parametrize("name", list_networks())
def test_every_reference_network_trains_on_h100s(capsys, name):
    out = run_json(
        capsys, "--workload", name, "--device", "NVIDIA H100 SXM5 80GB", "--count", "64"
    )
    assert out["training_days"]["central"] > 0
    assert out["reported_days"] is None


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--workload", "gpt3-175b", "--device", V100, "--count", "4"], "fits nowhere"),
        (
            [
                "--workload",
                "bert-large",
                "--device",
                "Google TPU v2",
                "--count",
                "4",
                "--precision",
                "fp64",
            ],
            "fp64",
        ),
        (
            [
                "--workload",
                "resnet50",
                "--device",
                "NVIDIA H100 SXM5 80GB",
                "--count",
                "4",
                "--tokens",
                "1e9",
            ],
            "--examples",
        ),
        (["--workload", "nope", "--device", V100, "--count", "4"], "nope"),
    ],
)
def test_refusals_are_one_line(capsys, args, needle):
    assert main(["train", *args, "--samples", "10"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert needle in err[0]


def test_scaling_plot(tmp_path, capsys):
    target = tmp_path / "scaling.png"
    args = ["--workload", "bert-large", "--device", "NVIDIA H100 SXM5 80GB", "--count", "64"]
    assert main(["train", *args, "--samples", "10", "--plot", str(target)]) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    capsys.readouterr()
    assert main(["train", *args, "--samples", "10", "--plot", str(target)]) == 2  # no --force
