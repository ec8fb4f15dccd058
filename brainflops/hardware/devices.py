"""The packaged accelerator table (Epoch AI) as :class:`Device` records.

Every plan in :mod:`brainflops.hardware` looks devices up here: the brain's real-time plan
(:mod:`brainflops.hardware.plan`) and the training plan (:mod:`brainflops.hardware.training`)
share one table, one precision convention and one name lookup.

Data: Epoch AI (epoch.ai), CC BY 4.0.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from brainflops.core.errors import DataError, InvalidValueError, UnknownNameError
from brainflops.ops.operations import PRECISION_BYTES

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PRECISION_COLUMNS",
    "Device",
    "check_precision",
    "devices_frame",
    "get_device",
    "list_devices",
    "match_device",
]

# Accelerator-table columns holding the peak rate of each precision, tried in order.
# bf16/fp16 use the dense tensor-core rate; fp16 falls back to the non-tensor rate for
# parts without tensor units. int8 peaks are integer OP/s, used as FLOP/s equivalents.
PRECISION_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "fp64": ("fp64 [FLOP/s]",),
        "fp32": ("fp32 [FLOP/s]",),
        "tf32": ("tf32_tensor [FLOP/s]",),
        "bf16": ("tensor_fp16_bf16 [FLOP/s]",),
        "fp16": ("tensor_fp16_bf16 [FLOP/s]", "fp16 [FLOP/s]"),
        "fp8": ("fp8 [FLOP/s]",),
        "int8": ("int8 [OP/s]",),
    }
)

_MEMORY = "memory [B]"
_BANDWIDTH = "memory_bandwidth [B/s]"
_TDP = "tdp [W]"
_PRICE = "price [USD]"


# ------------------------------------------------------------------------ devices


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


@dataclass(frozen=True, slots=True)
class Device:
    """One accelerator row of the packaged table (Epoch AI, base units).

    Attributes
    ----------
    name, manufacturer, kind:
        As in the table (``kind`` is GPU, TPU, ...).
    year:
        Decimal release year, or None.
    peaks:
        Peak FLOP/s by precision (only the precisions the table gives).
    peak_columns:
        The table column each peak came from.
    memory_bytes, memory_bandwidth, tdp_watts, price_usd:
        Device memory (B), memory bandwidth (B/s), thermal design power (W) and nominal
        launch price (USD); None where the table has no value.
    """

    name: str
    manufacturer: str
    kind: str
    year: float | None
    peaks: Mapping[str, float]
    peak_columns: Mapping[str, str]
    memory_bytes: float | None
    memory_bandwidth: float | None
    tdp_watts: float | None
    price_usd: float | None

    def peak(self, precision: str) -> float:
        """Peak FLOP/s at ``precision``.

        Raises
        ------
        InvalidValueError
            If the precision is unknown or the table has no peak for it on this device.
        """
        check_precision(precision)
        if precision not in self.peaks:
            known = ", ".join(self.peaks) or "none"
            raise InvalidValueError(
                name="precision",
                reason=f"the accelerator table gives no {precision} peak for {self.name!r} "
                f"(it has: {known})",
            )
        return self.peaks[precision]

    def bandwidth(self) -> float:
        """Memory bandwidth in B/s; raises :class:`InvalidValueError` if unknown."""
        if self.memory_bandwidth is None:
            raise InvalidValueError(
                name="device",
                reason=f"the accelerator table gives no memory bandwidth for {self.name!r}",
            )
        return self.memory_bandwidth

    def ridge_point(self, precision: str) -> float:
        """Peak / bandwidth (FLOP/B): intensities below it are memory-bound."""
        return self.peak(precision) / self.bandwidth()

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping of every field (JSON-ready)."""
        return {
            "name": self.name,
            "manufacturer": self.manufacturer,
            "type": self.kind,
            "year": self.year,
            "peak_flops": dict(self.peaks),
            "peak_columns": dict(self.peak_columns),
            "memory_bytes": self.memory_bytes,
            "memory_bandwidth_bytes_per_second": self.memory_bandwidth,
            "tdp_watts": self.tdp_watts,
            "price_usd": self.price_usd,
        }


def check_precision(precision: str) -> None:
    """Raise :class:`InvalidValueError` unless ``precision`` is a known precision."""
    if precision not in PRECISION_COLUMNS or precision not in PRECISION_BYTES:
        known = ", ".join(p for p in PRECISION_COLUMNS if p in PRECISION_BYTES)
        raise InvalidValueError(
            name="precision", reason=f"unknown precision {precision!r}; use one of {known}"
        )


def _device_from_row(row: Mapping[str, Any]) -> Device:
    peaks: dict[str, float] = {}
    columns: dict[str, str] = {}
    for precision, candidates in PRECISION_COLUMNS.items():
        for column in candidates:
            value = _number(row.get(column))
            if value is not None:
                peaks[precision], columns[precision] = value, column
                break
    return Device(
        name=str(row["name"]),
        manufacturer=str(row.get("manufacturer", "") or ""),
        kind=str(row.get("type", "") or ""),
        year=_number(row.get("year")),
        peaks=MappingProxyType(peaks),
        peak_columns=MappingProxyType(columns),
        memory_bytes=_number(row.get(_MEMORY)),
        memory_bandwidth=_number(row.get(_BANDWIDTH)),
        tdp_watts=_number(row.get(_TDP)),
        price_usd=_number(row.get(_PRICE)),
    )


@cache
def _devices() -> tuple[Device, ...]:
    from brainflops.data.datasets import load_accelerators  # noqa: PLC0415 - pandas CSV read on first use

    frame = load_accelerators()
    needed = {"name", _BANDWIDTH, _TDP, _MEMORY}
    missing = needed - set(frame.columns)
    if missing:
        msg = f"accelerator table lacks column(s) {', '.join(sorted(missing))}"
        raise DataError(msg)
    return tuple(_device_from_row(row) for row in frame.to_dict("records"))


def list_devices() -> tuple[Device, ...]:
    """Every accelerator of the packaged table, in table order."""
    return _devices()


def get_device(name: str) -> Device:
    """Look up an accelerator by name.

    An exact name (case-insensitive) wins; otherwise a name that is a substring of exactly
    one table name is accepted (``"NVIDIA H100 SXM5"`` finds ``"NVIDIA H100 SXM5 80GB"``).

    Raises
    ------
    UnknownNameError
        No table name matches; the message suggests close names.
    InvalidValueError
        The name is a substring of several table names (they are listed).
    """
    devices = _devices()
    wanted = " ".join(name.split()).casefold()
    exact = [d for d in devices if d.name.casefold() == wanted]
    if exact:
        return exact[0]
    partial = [d for d in devices if wanted and wanted in d.name.casefold()]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        names = ", ".join(repr(d.name) for d in partial)
        raise InvalidValueError(name="device", reason=f"{name!r} matches several devices: {names}")
    raise UnknownNameError(kind="device", name=name, known=[d.name for d in devices])


def _tokens(text: str) -> list[str]:
    text = re.sub(r"(\d+)\s*gb\b", r"\1gb", text.casefold())
    return re.findall(r"[a-z0-9]+", text)


def match_device(description: str) -> Device | None:
    """The table row that best matches a device description, or None.

    Used by ``brainflops bench`` to find the peak of the GPU it ran on. A row must share
    a model token (letters and digits, e.g. ``h100``; memory sizes like ``80gb`` do not
    count) with the description; rows are scored by shared tokens minus half their extra
    tokens, ties broken by name. ``"NVIDIA H100 80GB HBM3"`` (what CUDA reports for an
    SXM part) matches ``"NVIDIA H100 SXM5 80GB"``.
    """
    wanted = set(_tokens(description))

    def is_model(token: str) -> bool:
        return (
            any(c.isalpha() for c in token)
            and any(c.isdigit() for c in token)
            and not token.endswith("gb")
        )

    best: tuple[float, str, Device] | None = None
    for device in _devices():
        tokens = set(_tokens(device.name))
        if not any(is_model(t) for t in tokens & wanted):
            continue
        score = len(tokens & wanted) - 0.5 * len(tokens - wanted)
        key = (-score, device.name)
        if best is None or key < (best[0], best[1]):
            best = (-score, device.name, device)
    return None if best is None else best[2]


def devices_frame(devices: Sequence[Device] | None = None) -> pd.DataFrame:
    """A table of devices for display: name, year, peaks (TFLOP/s), memory, bandwidth, TDP, price."""
    rows = []
    for device in devices if devices is not None else list_devices():
        row: dict[str, Any] = {"name": device.name, "year": device.year}
        for precision in ("fp32", "bf16", "fp8"):
            value = device.peaks.get(precision)
            row[f"{precision} [TFLOP/s]"] = None if value is None else value / 1e12
        row["memory [GB]"] = None if device.memory_bytes is None else device.memory_bytes / 1e9
        row["bandwidth [GB/s]"] = (
            None if device.memory_bandwidth is None else device.memory_bandwidth / 1e9
        )
        row["tdp [W]"] = device.tdp_watts
        row["price [USD]"] = device.price_usd
        rows.append(row)
    import pandas as pd  # noqa: PLC0415 - pandas only for display tables

    return pd.DataFrame(rows)
