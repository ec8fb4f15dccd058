"""Parallelism closed forms, memory convention, and the training plan against published runs.

Published runs (tolerances explained where they are tested):

* BERT-large, 64 TPU v2 chips, 4 days (Devlin et al. 2018, appendix A.2); compute
  2.85e20 FLOP (Epoch AI notable-models row "BERT-Large").
* GPT-3 175B, 3.14e23 FLOP (Brown et al. 2020, Table D.1); about 10,000 V100s for
  355.2 hours (Epoch's estimate, row "GPT-3 175B (davinci)").
* PaLM 540B, 2.5272e24 FLOP on 6,144 TPU v4 for 1,536 hours (Epoch row "PaLM (540B)").
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainflops.core.errors import InvalidValueError
from brainflops.data.ml_models import load_notable_models
from brainflops.hardware.devices import get_device
from brainflops.hardware.links import Link
from brainflops.hardware.memory import device_memory_bytes, state_bytes_per_parameter
from brainflops.hardware.parallelism import (
    allreduce_seconds,
    compressed_bytes,
    pipeline_bubble,
    ring_allreduce_bytes,
    tensor_parallel_bytes,
)
from brainflops.hardware.recorded_runs import ratio_summary, recorded_run_ratios
from brainflops.hardware.training import (
    Fabric,
    Layout,
    PublishedRun,
    Workload,
    candidate_layouts,
    step_time,
    utilization_parameter,
)
from brainflops.hardware.training_plan import TrainingOptions, train

H100 = "NVIDIA H100 SXM5 80GB"
V100 = "NVIDIA Tesla V100 DGXS 32 GB"


def transformer(name, parameters, flop, *, batch, context, layers, width, run=None):
    """A dense transformer described by published totals (6N FLOP per token)."""
    return Workload(
        name=name,
        title=name,
        parameters=parameters,
        flop_per_example=6 * parameters,
        unit="token",
        examples=flop / (6 * parameters),
        batch=batch,
        micro_batch=context,
        layers=layers,
        layer_output_elements=width,
        activation_elements=2 * layers * width,
        reported=() if run is None else (run,),
    )


BERT_LARGE = transformer(
    "bert-large",
    340e6,
    2.85e20,
    batch=131072,
    context=512,
    layers=24,
    width=1024,
    run=PublishedRun("Google TPU v2", 64, 4.0, "devlin2018", "appendix A.2"),
)
GPT3 = transformer(
    "gpt3-175b",
    175e9,
    3.14e23,
    batch=3.2e6,
    context=2048,
    layers=96,
    width=12288,
    run=PublishedRun(V100, 10000, 355.2 / 24, "epoch_notable", "GPT-3 175B (davinci)"),
)
PALM = transformer("palm", 540.35e9, 2.5272e24, batch=4e6, context=2048, layers=118, width=18432)


# ------------------------------------------------------------- closed forms


def test_ring_allreduce_closed_form():
    # 2 (N - 1) / N x payload: 1 GB over 8 devices sends 1.75 GB per device
    assert ring_allreduce_bytes(1e9, 8) == pytest.approx(1.75e9)
    assert ring_allreduce_bytes(1e9, 1) == 0.0
    # tends to twice the payload
    assert ring_allreduce_bytes(1e9, 1e6) == pytest.approx(2e9, rel=1e-5)


def test_allreduce_time_against_links():
    # BERT-large gradients at bf16 (680 MB) over 64 devices on one NDR port (50 GB/s)
    seconds = allreduce_seconds(340e6, 2, 64, 50e9)
    assert seconds == pytest.approx(2 * 63 / 64 * 680e6 / 50e9)
    # PCIe 3.0 x16 (15.75 GB/s) is 3.17x slower
    assert allreduce_seconds(340e6, 2, 64, 15.75e9) / seconds == pytest.approx(50 / 15.75)


def test_compression_ratios():
    assert compressed_bytes(4e9, 32, 8) == 1e9  # Dettmers' 8-bit: 4x fewer bytes than fp32
    assert compressed_bytes(4e9, 32, 1) == 4e9 / 32  # 1-bit SGD
    assert compressed_bytes(2e9, 16, 32) == 2e9  # never larger than the payload
    with pytest.raises(InvalidValueError):
        compressed_bytes(1e9, 32, 0)


def test_tensor_parallel_and_bubble():
    # Megatron: 4 all-reduces per layer; GPT-3 layer output per sequence 2048 x 12288 bf16
    one = 2048 * 12288 * 2
    assert tensor_parallel_bytes(one, 96, 8) == pytest.approx(96 * 4 * 2 * 7 / 8 * one)
    assert pipeline_bubble(8, 8) == pytest.approx(7 / 15)
    assert pipeline_bubble(8, 1000) < 0.01


def test_memory_convention():
    # ZeRO section 3.1: mixed-precision Adam keeps 2 + 2 + 12 = 16 bytes per parameter
    assert state_bytes_per_parameter("bf16") == 16
    assert state_bytes_per_parameter("fp16") == 16
    assert state_bytes_per_parameter("fp32") == 16
    # GPT-3: 175e9 x 16 B = 2.8 TB of states, 87.5 V100s of 32 GB at least
    assert device_memory_bytes(175e9, "bf16", 1, 0) == pytest.approx(2.8e12)
    with pytest.raises(InvalidValueError):
        state_bytes_per_parameter("int8")


def test_utilization_parameter_is_sourced():
    u = utilization_parameter()
    assert (u.value, u.low, u.high) == (0.33, 0.2, 0.5)
    assert u.source
    assert u.locator
    assert u.provenance == "derived"


# -------------------------------------------------------------- properties

LINKS = st.floats(1e9, 1e12)


@settings(max_examples=40, deadline=None)
@given(slow=LINKS, factor=st.floats(1.0, 100.0), count=st.sampled_from([2, 8, 64, 512]))
def test_more_bandwidth_never_slows_training(slow, factor, count):
    device = get_device(H100)
    layout = Layout(count, 1, 1)
    times = []
    for bandwidth in (slow, slow * factor):
        link = Link("x", bandwidth, "")
        step = step_time(BERT_LARGE, device, "bf16", layout, Fabric(link, link))
        times.append(float(step.seconds(0.33)))
    assert times[1] <= times[0] * (1 + 1e-12)


@settings(max_examples=40, deadline=None)
@given(bits=st.floats(0.5, 64.0), bandwidth=LINKS, count=st.sampled_from([2, 16, 1024]))
def test_compression_never_increases_communication(bits, bandwidth, count):
    device = get_device(H100)
    link = Link("x", bandwidth, "")
    layout = Layout(count, 1, 1)
    plain = step_time(GPT3, device, "bf16", layout, Fabric(link, link))
    packed = step_time(GPT3, device, "bf16", layout, Fabric(link, link, compression_bits=bits))
    assert packed.allreduce <= plain.allreduce
    assert packed.communication(0.33) <= plain.communication(0.33)


@settings(max_examples=30, deadline=None)
@given(count=st.integers(2, 4096))
def test_data_parallel_efficiency_falls_with_slower_links(count):
    device = get_device(H100)
    fast, slow = Link("f", 450e9, ""), Link("s", 15.75e9, "")
    layout = Layout(count, 1, 1)
    t_fast = float(step_time(GPT3, device, "bf16", layout, Fabric(fast, fast)).seconds(0.33))
    t_slow = float(step_time(GPT3, device, "bf16", layout, Fabric(slow, slow)).seconds(0.33))
    assert t_fast <= t_slow


def test_scaling_efficiency_shape():
    """Data-parallel: more devices, shorter steps, but a growing exposed all-reduce share."""
    device = get_device(H100)
    link = Link("pcie3", 15.75e9, "")
    steps = [
        step_time(BERT_LARGE, device, "bf16", Layout(n, 1, 1), Fabric(link, link))
        for n in (1, 8, 64, 512)
    ]
    seconds = [float(s.seconds(0.33)) for s in steps]
    assert seconds == sorted(seconds, reverse=True)
    shares = [s.communication(0.33) / t for s, t in zip(steps, seconds, strict=True)]
    assert shares[0] == 0.0
    assert shares == sorted(shares)
    assert shares[-1] > 0.5  # 512 devices on PCIe 3: communication dominates


# ------------------------------------------------------------ training plan


def test_toy_plan_hand_check():
    toy = Workload("toy", "toy", 1e8, 6e8, "token", examples=1e10, batch=1e5)
    # 0.6 lies outside the default 90% range, so the utilisation becomes certain
    plan = train(toy, H100, 8, TrainingOptions(utilization=0.6, samples=200, seed=3))
    # 6e18 FLOP / (8 x 989.4e12 x 0.6) = 1263.4 s; the all-reduce hides under backward
    assert plan.days["central"] * 86400 == pytest.approx(6e18 / (8 * 989.4e12 * 0.6), rel=1e-9)
    assert plan.communication_fraction == 0.0
    assert plan.step.layout == Layout(8, 1, 1)
    # energy: 8 x 700 W x PUE 1.58 x hours
    hours = plan.days["central"] * 24
    assert plan.energy_kwh["central"] == pytest.approx(8 * 0.7 * 1.58 * hours)


def test_seeded_sampling_is_reproducible():
    a = train(BERT_LARGE, "Google TPU v2", 64, TrainingOptions(samples=500, seed=7))
    b = train(BERT_LARGE, "Google TPU v2", 64, TrainingOptions(samples=500, seed=7))
    c = train(BERT_LARGE, "Google TPU v2", 64, TrainingOptions(samples=500, seed=8))
    assert a.days == b.days
    assert a.days != c.days
    assert a.days["p5"] < a.days["central"] < a.days["p95"]


def test_bert_large_on_64_tpu_v2():
    """Published: 4 days. Tolerance: the central prediction within 25%, and 4 days inside
    the 90% interval. 25% because the utilisation range alone (0.2-0.5 around 0.33) moves
    the time by -40%/+65%; a tighter bound would test luck, a looser one nothing."""
    plan = train(BERT_LARGE, "Google TPU v2", 64, TrainingOptions(samples=4000, seed=1))
    assert plan.precision == "bf16"
    assert plan.reported_days == 4.0
    assert plan.days["central"] == pytest.approx(4.0, rel=0.25)
    assert plan.days["p5"] <= 4.0 <= plan.days["p95"]
    assert plan.step.layout.strategy == "data"  # 340M parameters fit in 16 GB


def test_gpt3_on_10000_v100():
    """Epoch: about 355 hours. Same tolerance as BERT-large (25%, inside the interval).
    GPT-3 does not fit in a V100: the plan must split the model."""
    plan = train(GPT3, V100, 10000, TrainingOptions(samples=4000, seed=1))
    assert plan.training_flop == pytest.approx(3.14e23)
    assert plan.step.layout.tensor * plan.step.layout.pipeline > 1
    assert "does not fit" in plan.reason
    assert plan.days["central"] == pytest.approx(355.2 / 24, rel=0.25)
    assert plan.days["p5"] <= 355.2 / 24 <= plan.days["p95"]


def test_palm_on_6144_tpu_v4():
    """Epoch: 1,536 hours (64 days). Tolerance 25%, as above."""
    plan = train(PALM, "Google TPU v4", 6144, TrainingOptions(samples=2000, seed=1))
    assert plan.days["central"] == pytest.approx(64.0, rel=0.25)
    assert plan.reported_days is None  # not a reference workload with a stored run


def test_refusals():
    with pytest.raises(InvalidValueError, match="fits nowhere"):
        train(GPT3, V100, 8, TrainingOptions(samples=10))
    with pytest.raises(InvalidValueError, match="no fp64 peak"):
        train(BERT_LARGE, "Google TPU v2", 64, TrainingOptions(precision="fp64", samples=10))
    with pytest.raises(InvalidValueError, match="training precision"):
        train(BERT_LARGE, H100, 8, TrainingOptions(precision="int8", samples=10))
    with pytest.raises(InvalidValueError, match="fits nowhere"):
        train(GPT3, H100, 64, TrainingOptions(parallelism="data", samples=10))
    with pytest.raises(InvalidValueError, match="memory size"):
        train(BERT_LARGE, "NVIDIA V100", 8, TrainingOptions(samples=10))


def test_auto_is_never_slower_than_a_single_strategy():
    u = 0.33
    best = train(GPT3, H100, 1024, TrainingOptions(samples=10))
    for strategy in ("model", "pipeline"):
        other = train(GPT3, H100, 1024, TrainingOptions(parallelism=strategy, samples=10))
        assert float(best.step.seconds(u)) <= float(other.step.seconds(u))


def test_candidate_layouts_respect_the_count():
    for strategy in ("data", "model", "pipeline", "auto"):
        for layout in candidate_layouts(100, strategy, 12):
            assert layout.devices <= 100
    assert [l.tensor for l in candidate_layouts(16, "model", None)] == [1, 2, 4, 8, 16]


# ------------------------------------------------------------- Epoch runs


def test_ratio_over_epoch_runs():
    """Every Epoch run with hardware, count and time: predicted / recorded hours.

    Measured (central utilisation 0.33): 140 runs on one known accelerator, median
    ratio 0.93, quartiles 0.82-1.28. The test pins the median within 0.7-1.3 and the
    quartiles within a factor 2: a model off by a constant would fail it."""
    frame = recorded_run_ratios(load_notable_models())
    summary = ratio_summary(frame)
    assert summary["runs"] >= 100
    assert 0.7 <= summary["median"] <= 1.3
    assert 0.5 <= summary["p25"] <= summary["median"] <= summary["p75"] <= 2.0
    gpt3 = frame[frame["name"] == "GPT-3 175B (davinci)"].iloc[0]
    assert gpt3["predicted_hours"] == pytest.approx(3.14e23 / (1e4 * 125e12 * 0.33) / 3600)
    assert frame.attrs["credit"] == "Data: Epoch AI (epoch.ai), CC BY 4.0"
    # doubling the utilisation halves every prediction
    halved = recorded_run_ratios(load_notable_models(), utilization=0.66)
    assert np.allclose(halved["ratio"].dropna(), frame["ratio"].dropna() / 2)
    assert frame[frame["skipped"] != ""]["ratio"].isna().all()


def test_brain_and_training_on_the_same_machines():
    from brainflops.hardware.comparison import machines_frame
    from brainflops.hardware.plan import plan
    from brainflops.models.presets import load_preset

    brain = plan(load_preset("dettmers2015"), H100, "bf16")
    run = train(GPT3, H100, 1024, TrainingOptions(samples=50))
    frame = machines_frame([brain], [run])
    assert list(frame["devices"]) == [brain.devices_needed, run.step.layout.devices]
    # the same device row and the same facility code: power per device is equal
    per_device = frame["power [MW]"] / frame["devices"]
    assert per_device.iloc[0] == pytest.approx(per_device.iloc[1])
    assert np.isnan(frame["days"].iloc[0])  # a brain runs for ever
    assert frame["days"].iloc[1] == pytest.approx(run.days["central"])


def test_fabric_picks_the_link_by_group_size():
    fast, slow = Link("nvlink", 450e9, ""), Link("ib", 50e9, "")
    fabric = Fabric(fast, slow, node_size=8)
    assert fabric.link_for(8) is fast
    assert fabric.link_for(9) is slow
    assert Fabric.from_names("nvlink4", "pcie3_x16").inter.bandwidth == 15.75e9


def test_scaling_frame_is_never_superlinear():
    from brainflops.hardware.scaling import scaling_frame

    frame = scaling_frame(train(BERT_LARGE, H100, 256, TrainingOptions(samples=10)))
    assert set(frame["strategy"]) == {"data", "model", "pipeline", "auto"}
    assert (frame["efficiency"] <= 1 + 1e-12).all()
    # auto is the best of all splits at every count
    for count, rows in frame.groupby("count"):
        auto = rows[rows["strategy"] == "auto"]["speedup"].iloc[0]
        assert auto >= rows["speedup"].max() * (1 - 1e-12), count
