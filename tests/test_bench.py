"""The ``bench`` module and command: FLOP counts, the numpy convolution, honest reporting.

Timings are never asserted beyond being positive and finite. The PyTorch/CUDA path is
exercised with a small numpy-backed stand-in for ``torch`` (PyTorch is optional and
absent here), which checks the calls, the TF32 switches and the peak matching.
"""

import contextlib
import json
import math
from types import SimpleNamespace

import numpy as np
import pytest

from brainflops.cli import main
from brainflops.core.errors import InvalidValueError
from brainflops.hardware import bench
from brainflops.models.presets import load_preset

FAST = {"quick": True, "min_time": 0.001, "presets": ["dettmers2015"]}


def test_flop_counts():
    assert bench.matmul_flops(3) == 54  # 2 n^3
    # 2 x N x K x H' x W' x C x R x S with N=2, C=K=4, size 6, kernel 3 -> H'=W'=4
    assert bench.conv2d_flops(2, 4, 6, 3) == 2 * 2 * 4 * 4 * 4 * 4 * 3 * 3


def test_numpy_conv2d_matches_a_direct_loop():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 6, 5))
    w = rng.standard_normal((4, 3, 3, 2))
    out = bench.numpy_conv2d(x, w)
    assert out.shape == (2, 4, 4, 4)
    expected = np.zeros_like(out)
    for n in range(2):
        for k in range(4):
            for i in range(4):
                for j in range(4):
                    expected[n, k, i, j] = np.sum(x[n, :, i : i + 3, j : j + 2] * w[k])
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


def test_numpy_conv2d_rejects_mismatched_channels():
    with pytest.raises(InvalidValueError, match="conv2d"):
        bench.numpy_conv2d(np.zeros((1, 2, 4, 4)), np.zeros((1, 3, 2, 2)))


def test_time_call_counts_calls_and_syncs():
    calls, syncs = [], []
    best, median, timed = bench.time_call(
        lambda: calls.append(1), min_time=0.001, sync=lambda: syncs.append(1)
    )
    assert 0 < best <= median
    assert math.isfinite(median)
    assert timed >= 1
    assert len(calls) == timed + 2  # warm-up and gauge calls are not timed
    assert len(syncs) >= 3
    with pytest.raises(InvalidValueError, match="min_time"):
        bench.time_call(lambda: None, min_time=-1)


def test_quick_bench_reports_what_it_measured():
    result = bench.run_bench(bench.BenchOptions(use_torch=False, **FAST))
    assert result.measurements
    assert {m.kernel for m in result.measurements} == {"matmul", "conv2d"}
    for m in result.measurements:
        assert m.backend == "numpy"
        assert m.device == "cpu"
        assert m.achieved > 0
        assert math.isfinite(m.achieved)
        assert m.peak is None
        assert m.fraction_of_peak is None  # CPU peaks are unknown: not guessed
    assert result.machine["cpu"]
    assert result.machine["numpy"] == np.__version__
    assert any("not used" in note for note in result.notes)
    (comparison,) = result.comparisons
    brain = load_preset("dettmers2015").central().m_as("FLOP/s")
    assert comparison.brain_flops == pytest.approx(brain)
    assert comparison.machine_flops == result.best.achieved
    assert comparison.log10_ratio == pytest.approx(math.log10(result.best.achieved / brain))
    assert comparison.machines_needed == pytest.approx(1 / comparison.ratio)
    assert "of the dettmers2015 brain" in comparison.describe()


def test_missing_torch_is_reported(monkeypatch):
    monkeypatch.setattr(bench, "_import_torch", lambda: None)
    result = bench.run_bench(bench.BenchOptions(**FAST))
    assert result.machine["torch"] is None
    assert any("not installed" in note for note in result.notes)


# ----------------------------------------------------------- a fake PyTorch


def _fake_torch(cuda: bool, name: str = "NVIDIA H100 80GB HBM3"):
    flags = SimpleNamespace(allow_tf32=False)
    cudnn = SimpleNamespace(allow_tf32=True, benchmark=False)
    seen = {"tf32_during_matmul": [], "dtypes": set(), "devices": set(), "synced": 0}

    def randn(shape, device, dtype, generator):
        seen["dtypes"].add(dtype)
        seen["devices"].add(device)
        return generator.standard_normal(shape)

    def matmul(a, b):
        seen["tf32_during_matmul"].append(flags.allow_tf32)
        return a @ b

    def synchronize():
        seen["synced"] += 1

    class Generator:
        def __init__(self, device):
            self.device = device

        def manual_seed(self, seed):
            return np.random.default_rng(seed)

    torch = SimpleNamespace(
        __version__="0.0-fake",
        float32="float32",
        bfloat16="bfloat16",
        float16="float16",
        Generator=Generator,
        randn=randn,
        matmul=matmul,
        inference_mode=contextlib.nullcontext,
        nn=SimpleNamespace(functional=SimpleNamespace(conv2d=bench.numpy_conv2d)),
        backends=SimpleNamespace(cuda=SimpleNamespace(matmul=flags), cudnn=cudnn),
        cuda=SimpleNamespace(
            is_available=lambda: cuda,
            get_device_name=lambda index: name,
            synchronize=synchronize,
        ),
        version=SimpleNamespace(cuda="12.x-fake"),
    )
    return torch, flags, cudnn, seen


def test_gpu_path_uses_cuda_and_table_peaks(monkeypatch):
    torch, flags, cudnn, seen = _fake_torch(cuda=True)
    monkeypatch.setattr(bench, "_import_torch", lambda: torch)
    result = bench.run_bench(bench.BenchOptions(**FAST))
    gpu = [m for m in result.measurements if m.backend == "torch"]
    assert {m.device for m in gpu} == {"cuda:0"}
    assert {m.precision for m in gpu} == {"fp32", "tf32", "bf16"}
    assert seen["devices"] == {"cuda:0"}
    assert seen["synced"] > 0
    assert result.peak_device == "NVIDIA H100 SXM5 80GB"
    assert result.machine["gpu"] == "NVIDIA H100 80GB HBM3"
    by_precision = {m.precision: m for m in gpu if m.kernel == "matmul"}
    assert by_precision["fp32"].peak == pytest.approx(66.91e12)
    assert by_precision["bf16"].peak == pytest.approx(989.4e12)
    assert by_precision["fp32"].fraction_of_peak == pytest.approx(
        by_precision["fp32"].achieved / 66.91e12
    )
    # fp32 ran without TF32, tf32 with it; the user's switches are restored afterwards
    assert False in seen["tf32_during_matmul"]
    assert True in seen["tf32_during_matmul"]
    assert flags.allow_tf32 is False
    assert cudnn.allow_tf32 is True


def test_unknown_gpu_gets_no_fraction(monkeypatch):
    torch, *_ = _fake_torch(cuda=True, name="Mystery Accelerator 9000")
    monkeypatch.setattr(bench, "_import_torch", lambda: torch)
    result = bench.run_bench(bench.BenchOptions(**FAST))
    assert result.peak_device is None
    assert all(m.fraction_of_peak is None for m in result.measurements)
    assert any("no matching" in note for note in result.notes)


def test_torch_without_cuda_runs_on_cpu(monkeypatch):
    torch, _, _, seen = _fake_torch(cuda=False)
    monkeypatch.setattr(bench, "_import_torch", lambda: torch)
    result = bench.run_bench(bench.BenchOptions(**FAST))
    assert seen["devices"] == {"cpu"}
    assert {m.device for m in result.measurements} == {"cpu"}
    assert result.machine["gpu"] is None


# ----------------------------------------------------------------------- CLI


def test_cli_bench_json(capsys):
    argv = ["bench", "--quick", "--no-torch", "--json", "--min-time", "0.001"]
    code = main([*argv, "--preset", "dettmers2015"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert data["machine"]["cpu"]
    assert data["best"]["achieved_flops"] > 0
    assert data["comparisons"][0]["preset"] == "dettmers2015"
    assert "10^" in data["comparisons"][0]["text"]


def test_cli_bench_text(capsys):
    code = main(
        ["bench", "--quick", "--no-torch", "--min-time", "0.001", "--preset", "dettmers2015"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "of the dettmers2015 brain" in out
    assert "CPU:" in out


# ------------------------------------------------------------------- review fixes


def test_broken_torch_install_is_reported_with_its_error(monkeypatch):
    def broken():
        raise OSError("libcudart.so.12: cannot open shared object file")

    monkeypatch.setattr(bench, "_import_torch", broken)
    result = bench.run_bench(bench.BenchOptions(**FAST))
    assert result.machine["torch"] is None
    (note,) = [n for n in result.notes if n.startswith("PyTorch:")]
    assert "installed but failed to import" in note
    assert "OSError: libcudart.so.12" in note


def test_import_torch_tells_missing_from_broken(monkeypatch):
    def missing(name):
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    monkeypatch.setattr(bench.importlib, "import_module", missing)
    assert bench._import_torch() is None

    def broken(name):
        raise ModuleNotFoundError("No module named 'typing_extensions'", name="typing_extensions")

    monkeypatch.setattr(bench.importlib, "import_module", broken)
    with pytest.raises(ModuleNotFoundError):
        bench._import_torch()


def test_device_needs_torch(capsys):
    with pytest.raises(InvalidValueError, match="without PyTorch"):
        bench.run_bench(
            bench.BenchOptions(use_torch=False, device="NVIDIA H100 SXM5 80GB", **FAST)
        )
    argv = ["bench", "--quick", "--no-torch", "--device", "NVIDIA H100 SXM5 80GB"]
    assert main(argv) == 2
    assert "--no-torch" in capsys.readouterr().err


def test_unknown_device_fails_before_timing(monkeypatch):
    from brainflops.core.errors import UnknownNameError

    monkeypatch.setattr(bench, "_numpy_cases", lambda *a: pytest.fail("timed anyway"))
    with pytest.raises(UnknownNameError):
        bench.run_bench(bench.BenchOptions(device="NVIDIA H100 SXM6", **FAST))


@pytest.mark.parametrize("cuda", [False, None])
def test_device_without_cuda_is_noted(monkeypatch, cuda):
    torch = None if cuda is None else _fake_torch(cuda=False)[0]
    monkeypatch.setattr(bench, "_import_torch", lambda: torch)
    result = bench.run_bench(bench.BenchOptions(device="NVIDIA H100 SXM5 80GB", **FAST))
    assert result.peak_device is None
    assert any("not used: no CUDA device" in note for note in result.notes)


def test_cudnn_benchmark_is_restored(monkeypatch):
    torch, _, cudnn, _ = _fake_torch(cuda=True)
    during = []

    def conv2d(x, w):
        during.append(cudnn.benchmark)
        return bench.numpy_conv2d(x, w)

    torch.nn.functional.conv2d = conv2d
    monkeypatch.setattr(bench, "_import_torch", lambda: torch)
    bench.run_bench(bench.BenchOptions(**FAST))
    assert during
    assert set(during) == {True}  # cuDNN autotuning during the GPU convolutions
    assert cudnn.benchmark is False  # the user's setting afterwards
