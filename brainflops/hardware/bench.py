"""Measure this machine's matmul and convolution throughput and place it on the brain scale.

``run_bench`` times a few dense matrix products and 2-D convolutions with numpy and,
when PyTorch is installed, with PyTorch (on the GPU when CUDA is available, else on the
CPU). Each case is run once to warm up, then timed with :class:`timeit.Timer` (its
``autorange`` sizes the groups of calls) until ``min_time`` seconds have passed; the
reported time is the best per-call time (the usual convention for
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
import timeit
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from brainflops.core.errors import BrainflopsError, InvalidValueError
from brainflops.hardware.bench_records import BenchResult, Comparison, Measurement

__all__ = [
    "BenchOptions",
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
# timeit.Timer.autorange grows its group of calls until one lasts this long.
_AUTORANGE_SECONDS = 0.2
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

    Timing is :class:`timeit.Timer`'s, with a clock that runs ``sync`` (e.g. a CUDA
    synchronise) before each reading, so queued device work is inside the group that
    launched it. ``fn`` is called once to warm up. With ``min_time`` of at least
    :meth:`timeit.Timer.autorange`'s 0.2 s, autorange picks how many calls make one
    group (its last trial counts as the first group); shorter budgets (tests, ``--quick``)
    gauge one call and group calls to last about a hundredth of ``min_time``. Groups are
    repeated (at least three when autorange chose the size) until ``min_time`` has passed,
    within ``max_repeats`` calls.
    """
    if not min_time >= 0:
        raise InvalidValueError(name="min_time", reason=f"must be >= 0, got {min_time!r}")
    done = sync or (lambda: None)

    def clock() -> float:
        done()
        return time.perf_counter()

    timer = timeit.Timer(fn, timer=clock)
    timer.timeit(1)  # warm-up: allocation, kernel selection, caches
    timed: list[float] = []
    if min_time >= _AUTORANGE_SECONDS:
        # autorange's last trial is a timed group of `number` calls: it counts as the first.
        number, seconds = timer.autorange()
        timed.append(seconds)
        groups = max(3, math.ceil(min_time / max(seconds, 1e-9)))
    else:
        gauge = max(timer.timeit(1), 1e-9)
        number = max(1, int(min_time / 100 / gauge))
        groups = math.ceil(min_time / (gauge * number))
    if number > max_repeats:
        number, timed = max_repeats, []
    groups = max(1, len(timed), min(groups, max_repeats // number))
    timed += timer.repeat(groups - len(timed), number)
    per_call = [max(seconds, 1e-12) / number for seconds in timed]
    return min(per_call), statistics.median(per_call), len(timed) * number


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


@dataclass(frozen=True, slots=True)
class _Suite:
    """The cases to time: matrix sizes, convolution shapes, precisions, seconds per case."""

    matmul: Sequence[int]
    conv: Sequence[tuple[int, int, int, int]]
    min_time: float
    precisions: Sequence[str] = ("fp32",)


def _numpy_cases(suite: _Suite) -> Iterator[Measurement]:
    rng = np.random.default_rng(0)
    min_time = suite.min_time
    for precision, dtype in (("fp32", np.float32), ("fp64", np.float64)):
        sizes = suite.matmul if precision == "fp32" else suite.matmul[-1:]
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
    for batch, channels, size, kernel in suite.conv:
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
    torch: Any, device: str, suite: _Suite, peaks: dict[str, float]
) -> Iterator[Measurement]:
    sync = torch.cuda.synchronize if device.startswith("cuda") else None
    randn = functools.partial(
        torch.randn, device=device, generator=torch.Generator(device=device).manual_seed(0)
    )
    conv2d = torch.nn.functional.conv2d
    with _cudnn_benchmark(torch, device.startswith("cuda")), torch.inference_mode():
        for precision in suite.precisions:
            dtype = getattr(torch, _TORCH_DTYPES[precision])
            with _tf32(torch, precision == "tf32"):
                for n in suite.matmul:
                    a, b = randn((n, n), dtype=dtype), randn((n, n), dtype=dtype)
                    best, median, calls = time_call(
                        functools.partial(torch.matmul, a, b), min_time=suite.min_time, sync=sync
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
                for batch, channels, size, kernel in suite.conv:
                    x = randn((batch, channels, size, size), dtype=dtype)
                    w = randn((channels, channels, kernel, kernel), dtype=dtype)
                    best, median, calls = time_call(
                        functools.partial(conv2d, x, w), min_time=suite.min_time, sync=sync
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


@dataclass(frozen=True, slots=True)
class BenchOptions:
    """What :func:`run_bench` measures.

    Attributes
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
    """

    quick: bool = False
    min_time: float | None = None
    use_torch: bool = True
    device: str | None = None
    presets: Sequence[str] | None = None

    def suite(self, *, gpu: bool = False, precisions: Sequence[str] = ("fp32",)) -> _Suite:
        """The sizes and seconds per case these options ask for, on the CPU or a GPU."""
        wait = (0.01 if self.quick else 0.2) if self.min_time is None else float(self.min_time)
        if self.quick:
            return _Suite(_QUICK_MATMUL, _QUICK_CONV, wait, precisions)
        if gpu:
            return _Suite(_GPU_MATMUL, _GPU_CONV, wait, precisions)
        return _Suite(_CPU_MATMUL, _CPU_CONV, wait, precisions)


def _check_device(options: BenchOptions) -> None:
    """Refuse ``device`` without PyTorch, and an unknown name before any timing."""
    if options.device is None:
        return
    if not options.use_torch:
        raise InvalidValueError(
            name="device",
            reason="sets the peaks of the PyTorch GPU measurements; it does nothing "
            "without PyTorch (drop --no-torch or --device)",
        )
    from brainflops.hardware.devices import get_device  # noqa: PLC0415 - table read on demand

    get_device(options.device)


def _busy_note(load: float | None) -> list[str]:
    cores = os.cpu_count() or 1
    if load is None or load <= 0.5 * cores:
        return []
    note = (
        f"the CPU was busy before the run (load average {load:.2f} on {cores} logical "
        "cores): CPU timings are lower and noisier than on an idle machine."
    )
    return [note]


@dataclass
class _TorchRun:
    """What the PyTorch half of a run found and measured."""

    torch: Any | None = None
    cuda: bool = False
    peak_device: str | None = None
    measurements: list[Measurement] = field(default_factory=list)


def _torch_run(options: BenchOptions, say: Callable[[str], object], notes: list[str]) -> _TorchRun:
    """Time the PyTorch cases (GPU when CUDA is available), noting what was not measured."""
    if not options.use_torch:
        notes.append("PyTorch: not used (use_torch=False).")
        return _TorchRun()
    torch, broken = _load_torch()
    if broken is not None:
        notes.append(
            f"PyTorch: installed but failed to import ({broken}); "
            "no GPU or PyTorch CPU measurement."
        )
        return _TorchRun()
    if torch is None:
        notes.append("PyTorch: not installed; no GPU or PyTorch CPU measurement.")
        return _TorchRun()
    if not torch.cuda.is_available():
        notes.append("PyTorch: installed, no CUDA device; measured on the CPU.")
        say("PyTorch on the CPU")
        return _TorchRun(torch, measurements=list(_torch_cases(torch, "cpu", options.suite(), {})))
    from brainflops.hardware.devices import get_device, match_device  # noqa: PLC0415 - table read on demand

    name = str(torch.cuda.get_device_name(0))
    row = get_device(options.device) if options.device else match_device(name)
    if row is not None:
        how = "given with --device" if options.device else "matched by name"
        notes.append(f"GPU {name!r}: peaks from table row {row.name!r} ({how}).")
    else:
        notes.append(f"GPU {name!r}: no matching accelerator-table row; no fraction of peak.")
    notes.append("PyTorch fp32 runs with TF32 disabled; tf32 runs with it enabled.")
    say(f"PyTorch on {name}")
    suite = options.suite(gpu=True, precisions=("fp32", "tf32", "bf16"))
    peaks = dict(row.peaks) if row is not None else {}
    return _TorchRun(
        torch,
        cuda=True,
        peak_device=None if row is None else row.name,
        measurements=list(_torch_cases(torch, "cuda:0", suite, peaks)),
    )


def run_bench(
    options: BenchOptions | None = None, *, progress: Callable[[str], object] | None = None
) -> BenchResult:
    """Time matmul and convolution kernels and compare the best with brain estimates.

    Parameters
    ----------
    options:
        What to measure (:class:`BenchOptions`; default: full sizes, PyTorch when
        installed, every built-in preset).
    progress:
        Called with a short line before each group of cases (e.g. ``print`` to stderr).

    Returns
    -------
    BenchResult

    Raises
    ------
    InvalidValueError
        If ``options.device`` is given with ``use_torch=False``.
    UnknownNameError
        If ``options.device`` is not in the accelerator table.
    """
    options = options or BenchOptions()
    _check_device(options)
    started = time.perf_counter()
    say = progress or (lambda _line: None)
    load = _load_average()
    notes = _busy_note(load)
    say("numpy on the CPU")
    measurements = list(_numpy_cases(options.suite()))
    threads = os.environ.get("OMP_NUM_THREADS") or os.environ.get("OPENBLAS_NUM_THREADS")
    notes.append(
        "numpy: BLAS matmul and im2col+tensordot convolution on the CPU"
        + (f" (thread limit {threads})" if threads else "")
        + "; CPU peaks are not in the accelerator table, so no fraction of peak is given."
    )
    torch_run = _torch_run(options, say, notes)
    measurements += torch_run.measurements
    if options.device is not None and not torch_run.cuda:
        notes.append(
            f"device {options.device!r} not used: no CUDA device, so no fraction of peak."
        )
    best = max(measurements, key=lambda m: m.achieved)
    comparisons = tuple(
        Comparison(name, flops, best.achieved)
        for name, flops in _brain_estimates(options.presets, notes)
    )
    return BenchResult(
        machine=_machine(torch_run.torch, torch_run.cuda, load),
        measurements=tuple(measurements),
        comparisons=comparisons,
        peak_device=torch_run.peak_device,
        notes=tuple(notes),
        seconds=time.perf_counter() - started,
    )
