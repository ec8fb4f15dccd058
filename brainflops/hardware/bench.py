"""Measure this machine's matmul and convolution throughput and place it on the brain scale.

``run_bench`` times a few dense matrix products and 2-D convolutions with numpy and,
when PyTorch is installed, with PyTorch (on the GPU when CUDA is available, else on the
CPU). Each case is run once to warm up, then repeated until ``min_time`` seconds have
passed; the reported time is the best per-call time (the usual convention for
throughput benchmarks, which discards interference from other processes), and the median
is kept too.

FLOPs per call follow :mod:`brainflops.ops.operations`: a product of ``n x n`` matrices is ``2 n^3``
(one multiply and one add per weight per input); a convolution with ``K`` filters of
``C x R x S`` over ``N`` images, "valid" padding, is ``2 x N x K x H' x W' x C x R x S``.

The numpy convolution is im2col (a strided window view) followed by one ``tensordot``;
its time includes that copy, as a framework's CPU convolution does. Where the device is
in the accelerator table (a CUDA GPU is matched by name with
:func:`brainflops.hardware.plan.match_device`), each result also gives the fraction of the
table's peak at its precision; CPU peaks are not in the table and are not guessed.

PyTorch is imported lazily and only if installed; the benchmark never requires it.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import math
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from brainflops.core.errors import BrainflopsError, InvalidValueError

__all__ = [
    "BenchResult",
    "Comparison",
    "Measurement",
    "conv2d_flops",
    "matmul_flops",
    "numpy_conv2d",
    "run_bench",
    "time_call",
]

# (n) for n x n @ n x n products; (batch, channels, size, kernel) for convolutions.
_CPU_MATMUL = (256, 512, 1024)
_CPU_CONV = ((8, 32, 32, 3), (16, 64, 32, 3))
_QUICK_MATMUL = (32, 64)
_QUICK_CONV = ((2, 8, 12, 3),)
_GPU_MATMUL = (1024, 4096, 8192)
_GPU_CONV = ((32, 256, 56, 3),)
_TORCH_DTYPES = {"fp32": "float32", "tf32": "float32", "bf16": "bfloat16", "fp16": "float16"}


def matmul_flops(n: int) -> float:
    """FLOPs of one ``n x n`` by ``n x n`` product: ``2 n^3``."""
    return 2.0 * n**3


def conv2d_flops(batch: int, channels: int, size: int, kernel: int) -> float:
    """FLOPs of one square "valid" convolution with as many filters as input channels.

    ``2 x batch x channels x (size - kernel + 1)^2 x channels x kernel^2``.
    """
    out = size - kernel + 1
    return 2.0 * batch * channels * out * out * channels * kernel * kernel


def numpy_conv2d(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Multi-channel 2-D "valid" cross-correlation, im2col + tensordot.

    Parameters
    ----------
    x:
        Input, shape ``(N, C, H, W)``.
    w:
        Filters, shape ``(K, C, R, S)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(N, K, H - R + 1, W - S + 1)``.
    """
    if x.ndim != 4 or w.ndim != 4 or x.shape[1] != w.shape[1]:
        raise InvalidValueError(
            name="conv2d", reason=f"shapes {x.shape} and {w.shape} do not fit (N,C,H,W), (K,C,R,S)"
        )
    windows = sliding_window_view(x, w.shape[2:], axis=(2, 3))  # N, C, H', W', R, S
    out = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3]))  # N, H', W', K
    return np.moveaxis(out, 3, 1)


def time_call(
    fn: Callable[[], Any],
    *,
    min_time: float,
    sync: Callable[[], None] | None = None,
    max_repeats: int = 1000,
) -> tuple[float, float, int]:
    """Best and median seconds per call of ``fn``, and the number of timed calls.

    ``fn`` is called once to warm up and once to gauge its duration. Calls are then grouped so that one group lasts at
    least about a hundredth of ``min_time`` (``sync`` runs after each group, e.g. a CUDA
    synchronise), and groups are timed until ``min_time`` has passed.
    """
    if not min_time >= 0:
        raise InvalidValueError(name="min_time", reason=f"must be >= 0, got {min_time!r}")
    done = sync or (lambda: None)
    fn()  # warm-up: allocation, kernel selection, caches
    done()
    start = time.perf_counter()
    fn()
    done()
    first = max(time.perf_counter() - start, 1e-9)
    inner = max(1, min(max_repeats, int(min_time / 100 / first)))
    per_call: list[float] = []
    spent = 0.0
    while not per_call or (spent < min_time and len(per_call) * inner < max_repeats):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        done()
        elapsed = time.perf_counter() - start
        spent += elapsed
        per_call.append(max(elapsed, 1e-12) / inner)
    return min(per_call), statistics.median(per_call), len(per_call) * inner


@dataclass(frozen=True, slots=True)
class Measurement:
    """One timed kernel.

    Attributes
    ----------
    backend, device:
        ``numpy`` or ``torch``; ``cpu`` or ``cuda:0``.
    kernel, precision, shape:
        ``matmul`` or ``conv2d``; ``fp64``/``fp32``/``tf32``/``bf16``/``fp16``; the sizes.
    flops:
        FLOPs per call.
    seconds, median_seconds:
        Best and median seconds per call.
    calls:
        Timed calls.
    peak:
        The device's peak FLOP/s at this precision from the table, or None.
    """

    backend: str
    device: str
    kernel: str
    precision: str
    shape: str
    flops: float
    seconds: float
    median_seconds: float
    calls: int
    peak: float | None = None

    @property
    def achieved(self) -> float:
        """FLOP/s of the best call."""
        return self.flops / self.seconds

    @property
    def fraction_of_peak(self) -> float | None:
        """``achieved / peak`` when the peak is known."""
        return None if self.peak is None else self.achieved / self.peak

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping (JSON-ready)."""
        return {
            "backend": self.backend,
            "device": self.device,
            "kernel": self.kernel,
            "precision": self.precision,
            "shape": self.shape,
            "flops_per_call": self.flops,
            "best_seconds": self.seconds,
            "median_seconds": self.median_seconds,
            "calls": self.calls,
            "achieved_flops": self.achieved,
            "median_flops": self.flops / self.median_seconds,
            "peak_flops": self.peak,
            "fraction_of_peak": self.fraction_of_peak,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """The machine's best measured rate against one brain estimate."""

    preset: str
    brain_flops: float
    machine_flops: float

    @property
    def ratio(self) -> float:
        """machine / brain."""
        return self.machine_flops / self.brain_flops

    @property
    def log10_ratio(self) -> float:
        """log10(machine / brain): the N of "10^N of the brain"."""
        return math.log10(self.machine_flops) - math.log10(self.brain_flops)

    @property
    def machines_needed(self) -> float:
        """brain / machine."""
        return self.brain_flops / self.machine_flops

    def describe(self) -> str:
        """E.g. ``this machine is 10^-10.3 of the dettmers2015 brain (1.08e+21 FLOP/s)``."""
        return (
            f"this machine is 10^{self.log10_ratio:.1f} of the {self.preset} brain "
            f"({self.brain_flops:.3g} FLOP/s): {self.machines_needed:.3g} such machines match it"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping (JSON-ready)."""
        return {
            "preset": self.preset,
            "brain_flops": self.brain_flops,
            "machine_flops": self.machine_flops,
            "ratio": self.ratio,
            "log10_ratio": self.log10_ratio,
            "machines_needed": self.machines_needed,
            "text": self.describe(),
        }


@dataclass(frozen=True)
class BenchResult:
    """Everything one ``run_bench`` measured, with the machine it ran on.

    Attributes
    ----------
    machine:
        Description: CPU model, logical cores, OS, Python, numpy and its BLAS, PyTorch
        and CUDA device where present, and the one-minute load average before the run.
    measurements:
        Every timed kernel.
    comparisons:
        The best measured rate against each requested brain estimate.
    peak_device:
        The accelerator-table row whose peaks were used, or None.
    notes:
        What was and was not measured, and why.
    seconds:
        Wall time of the whole run.
    """

    machine: dict[str, Any]
    measurements: tuple[Measurement, ...]
    comparisons: tuple[Comparison, ...]
    peak_device: str | None
    notes: tuple[str, ...]
    seconds: float

    @property
    def best(self) -> Measurement:
        """The measurement with the highest achieved FLOP/s."""
        return max(self.measurements, key=lambda m: m.achieved)

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping (JSON-ready)."""
        best = self.best
        return {
            "machine": self.machine,
            "peak_device": self.peak_device,
            "best": {**best.to_dict()},
            "measurements": [m.to_dict() for m in self.measurements],
            "comparisons": [c.to_dict() for c in self.comparisons],
            "notes": list(self.notes),
            "wall_seconds": self.seconds,
        }


# ------------------------------------------------------------------- machine


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        with contextlib.suppress(OSError):
            for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "unknown CPU"


def _blas() -> str | None:
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
    except (TypeError, KeyError, AttributeError, ValueError):
        return None
    name, version = blas.get("name"), blas.get("version")
    return f"{name} {version}" if version else name


def _machine(torch: Any | None, cuda: bool, load: float | None) -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpu": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": _blas(),
        "torch": None if torch is None else str(torch.__version__),
        "gpu": None,
        "cuda": None,
        "load_average_before": load,
    }
    if torch is not None and cuda:
        info["gpu"] = str(torch.cuda.get_device_name(0))
        info["cuda"] = getattr(torch.version, "cuda", None)
    return info


def _load_average() -> float | None:
    """One-minute load average where the OS reports it (Unix), else None."""
    try:
        return float(os.getloadavg()[0])
    except (AttributeError, OSError):
        return None


def _import_torch() -> Any | None:
    """PyTorch, or None when it is not installed.

    A broken install (PyTorch present but failing to import, e.g. a missing CUDA library)
    raises; :func:`run_bench` records the error in its notes and goes on with numpy.
    """
    try:
        return importlib.import_module("torch")
    except ModuleNotFoundError as exc:
        if exc.name == "torch":
            return None
        raise


def _load_torch() -> tuple[Any | None, str | None]:
    """``(torch or None, why it failed to import or None)``; never raises."""
    try:
        return _import_torch(), None
    except Exception as exc:  # noqa: BLE001 - a broken optional install must not stop the run
        return None, f"{type(exc).__name__}: {exc}"


# ------------------------------------------------------------------- kernels


def _numpy_cases(
    matmul: Sequence[int], conv: Sequence[tuple[int, int, int, int]], min_time: float
) -> Iterator[Measurement]:
    rng = np.random.default_rng(0)
    for precision, dtype in (("fp32", np.float32), ("fp64", np.float64)):
        sizes = matmul if precision == "fp32" else matmul[-1:]
        for n in sizes:
            a = rng.standard_normal((n, n)).astype(dtype)
            b = rng.standard_normal((n, n)).astype(dtype)
            best, median, calls = time_call(functools.partial(np.matmul, a, b), min_time=min_time)
            yield Measurement(
                "numpy",
                "cpu",
                "matmul",
                precision,
                f"{n}x{n} @ {n}x{n}",
                matmul_flops(n),
                best,
                median,
                calls,
            )
    for batch, channels, size, kernel in conv:
        x = rng.standard_normal((batch, channels, size, size)).astype(np.float32)
        w = rng.standard_normal((channels, channels, kernel, kernel)).astype(np.float32)
        best, median, calls = time_call(functools.partial(numpy_conv2d, x, w), min_time=min_time)
        yield Measurement(
            "numpy",
            "cpu",
            "conv2d",
            "fp32",
            _conv_shape(batch, channels, size, kernel),
            conv2d_flops(batch, channels, size, kernel),
            best,
            median,
            calls,
        )


def _conv_shape(batch: int, channels: int, size: int, kernel: int) -> str:
    return f"N{batch} C{channels}->{channels} {size}x{size} k{kernel}x{kernel}"


@contextlib.contextmanager
def _tf32(torch: Any, enabled: bool) -> Iterator[None]:
    """Set PyTorch's TF32 switches for matmul and cuDNN, restoring them afterwards."""
    matmul: Any = getattr(getattr(torch.backends, "cuda", None), "matmul", None)
    cudnn: Any = getattr(torch.backends, "cudnn", None)
    saved = (
        getattr(matmul, "allow_tf32", None),
        getattr(cudnn, "allow_tf32", None),
    )
    try:
        if saved[0] is not None:
            matmul.allow_tf32 = enabled
        if saved[1] is not None:
            cudnn.allow_tf32 = enabled
        yield
    finally:
        if saved[0] is not None:
            matmul.allow_tf32 = saved[0]
        if saved[1] is not None:
            cudnn.allow_tf32 = saved[1]


@contextlib.contextmanager
def _cudnn_benchmark(torch: Any, enabled: bool) -> Iterator[None]:
    """Let cuDNN pick its fastest convolution algorithm, restoring the user's setting after."""
    cudnn: Any = getattr(torch.backends, "cudnn", None)
    saved = getattr(cudnn, "benchmark", None) if enabled else None
    if saved is None:
        yield
        return
    cudnn.benchmark = True
    try:
        yield
    finally:
        cudnn.benchmark = saved


def _torch_cases(
    torch: Any,
    device: str,
    matmul: Sequence[int],
    conv: Sequence[tuple[int, int, int, int]],
    precisions: Sequence[str],
    min_time: float,
    peaks: dict[str, float],
) -> Iterator[Measurement]:
    sync = torch.cuda.synchronize if device.startswith("cuda") else None
    generator = torch.Generator(device=device).manual_seed(0)
    conv2d = torch.nn.functional.conv2d
    with _cudnn_benchmark(torch, device.startswith("cuda")), torch.inference_mode():
        for precision in precisions:
            dtype = getattr(torch, _TORCH_DTYPES[precision])
            with _tf32(torch, precision == "tf32"):
                for n in matmul:
                    a = torch.randn((n, n), device=device, dtype=dtype, generator=generator)
                    b = torch.randn((n, n), device=device, dtype=dtype, generator=generator)
                    best, median, calls = time_call(
                        functools.partial(torch.matmul, a, b), min_time=min_time, sync=sync
                    )
                    yield Measurement(
                        "torch",
                        device,
                        "matmul",
                        precision,
                        f"{n}x{n} @ {n}x{n}",
                        matmul_flops(n),
                        best,
                        median,
                        calls,
                        peaks.get(precision),
                    )
                    del a, b
                for batch, channels, size, kernel in conv:
                    x = torch.randn(
                        (batch, channels, size, size),
                        device=device,
                        dtype=dtype,
                        generator=generator,
                    )
                    w = torch.randn(
                        (channels, channels, kernel, kernel),
                        device=device,
                        dtype=dtype,
                        generator=generator,
                    )
                    best, median, calls = time_call(
                        functools.partial(conv2d, x, w), min_time=min_time, sync=sync
                    )
                    yield Measurement(
                        "torch",
                        device,
                        "conv2d",
                        precision,
                        _conv_shape(batch, channels, size, kernel),
                        conv2d_flops(batch, channels, size, kernel),
                        best,
                        median,
                        calls,
                        peaks.get(precision),
                    )
                    del x, w


# ----------------------------------------------------------------------- run


def _brain_estimates(presets: Sequence[str] | None, notes: list[str]) -> list[tuple[str, float]]:
    """Central FLOP/s of the named presets; by default every preset that loads."""
    from brainflops.models.presets import list_presets, load_preset  # noqa: PLC0415 - sympy compile on demand

    if presets is not None:
        return [(name, float(load_preset(name).central().m_as("FLOP/s"))) for name in presets]
    out = []
    for name in list_presets():
        try:
            out.append((name, float(load_preset(name).central().m_as("FLOP/s"))))
        except BrainflopsError as exc:
            notes.append(f"preset {name} skipped: {exc}")
    return out


def run_bench(
    *,
    quick: bool = False,
    min_time: float | None = None,
    use_torch: bool = True,
    device: str | None = None,
    presets: Sequence[str] | None = None,
    progress: Callable[[str], object] | None = None,
) -> BenchResult:
    """Time matmul and convolution kernels and compare the best with brain estimates.

    Parameters
    ----------
    quick:
        Tiny sizes (for tests and smoke runs; well under a second).
    min_time:
        Seconds of timed calls per case (default 0.2, or 0.01 when ``quick``).
    use_torch:
        Also measure with PyTorch when it is installed (on CUDA when available).
    device:
        Accelerator-table name whose peaks to use for the GPU measurements; by default
        the CUDA device name is matched against the table. Refused with
        ``use_torch=False``; without a CUDA device the notes say it was not used.
    presets:
        Brain estimates to compare with (default: every built-in preset).
    progress:
        Called with a short line before each group of cases (e.g. ``print`` to stderr).

    Returns
    -------
    BenchResult

    Raises
    ------
    InvalidValueError
        If ``device`` is given with ``use_torch=False``.
    UnknownNameError
        If ``device`` is not in the accelerator table.
    """
    if device is not None:
        if not use_torch:
            raise InvalidValueError(
                name="device",
                reason="sets the peaks of the PyTorch GPU measurements; it does nothing "
                "without PyTorch (drop --no-torch or --device)",
            )
        from brainflops.hardware.devices import get_device  # noqa: PLC0415 - table read on demand

        get_device(device)  # an unknown name fails before the timing starts
    started = time.perf_counter()
    wait = (0.01 if quick else 0.2) if min_time is None else float(min_time)
    say = progress or (lambda _line: None)
    notes: list[str] = []
    matmul = _QUICK_MATMUL if quick else _CPU_MATMUL
    conv = _QUICK_CONV if quick else _CPU_CONV

    load = _load_average()
    cores = os.cpu_count() or 1
    if load is not None and load > 0.5 * cores:
        notes.append(
            f"the CPU was busy before the run (load average {load:.2f} on {cores} logical "
            "cores): CPU timings are lower and noisier than on an idle machine."
        )
    say("numpy on the CPU")
    measurements = list(_numpy_cases(matmul, conv, wait))
    threads = os.environ.get("OMP_NUM_THREADS") or os.environ.get("OPENBLAS_NUM_THREADS")
    notes.append(
        "numpy: BLAS matmul and im2col+tensordot convolution on the CPU"
        + (f" (thread limit {threads})" if threads else "")
        + "; CPU peaks are not in the accelerator table, so no fraction of peak is given."
    )

    torch, broken = _load_torch() if use_torch else (None, None)
    cuda = bool(torch is not None and torch.cuda.is_available())
    peak_device: str | None = None
    if not use_torch:
        notes.append("PyTorch: not used (use_torch=False).")
    elif broken is not None:
        notes.append(
            f"PyTorch: installed but failed to import ({broken}); "
            "no GPU or PyTorch CPU measurement."
        )
    elif torch is None:
        notes.append("PyTorch: not installed; no GPU or PyTorch CPU measurement.")
    elif cuda:
        from brainflops.hardware.devices import get_device, match_device  # noqa: PLC0415 - table read on demand

        name = str(torch.cuda.get_device_name(0))
        row = get_device(device) if device else match_device(name)
        peaks = dict(row.peaks) if row is not None else {}
        if row is not None:
            peak_device = row.name
            how = "given with --device" if device else "matched by name"
            notes.append(f"GPU {name!r}: peaks from table row {row.name!r} ({how}).")
        else:
            notes.append(f"GPU {name!r}: no matching accelerator-table row; no fraction of peak.")
        notes.append("PyTorch fp32 runs with TF32 disabled; tf32 runs with it enabled.")
        say(f"PyTorch on {name}")
        gpu_matmul = _QUICK_MATMUL if quick else _GPU_MATMUL
        gpu_conv = _QUICK_CONV if quick else _GPU_CONV
        measurements += _torch_cases(
            torch, "cuda:0", gpu_matmul, gpu_conv, ("fp32", "tf32", "bf16"), wait, peaks
        )
    else:
        notes.append("PyTorch: installed, no CUDA device; measured on the CPU.")
        say("PyTorch on the CPU")
        measurements += _torch_cases(torch, "cpu", matmul, conv, ("fp32",), wait, {})

    if device is not None and not cuda:
        notes.append(f"device {device!r} not used: no CUDA device, so no fraction of peak.")
    machine = _machine(torch, cuda, load)
    best = max(measurements, key=lambda m: m.achieved)
    comparisons = tuple(
        Comparison(name, flops, best.achieved) for name, flops in _brain_estimates(presets, notes)
    )
    return BenchResult(
        machine=machine,
        measurements=tuple(measurements),
        comparisons=comparisons,
        peak_device=peak_device,
        notes=tuple(notes),
        seconds=time.perf_counter() - started,
    )
