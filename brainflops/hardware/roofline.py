"""The roofline model: attainable FLOP/s from arithmetic intensity, peak and bandwidth.

For work with ``F`` FLOP over ``B`` bytes, the arithmetic intensity is ``I = F / B``
(FLOP per byte). On a device with peak ``P`` (FLOP/s) and memory bandwidth ``W`` (B/s)
the attainable rate is ``min(P, I x W)``; the work is *memory-bound* when ``I`` lies
below the ridge point ``P / W``, and its time is ``max(F / P, B / W)``.
"""

from __future__ import annotations

import math
from typing import Literal

from brainflops.core.errors import InvalidValueError

__all__ = ["Bound", "attainable_flops", "roofline_bound", "roofline_seconds"]

Bound = Literal["compute", "memory"]


def _positive(label: str, number: float) -> None:
    if not number > 0 or not math.isfinite(number):
        raise InvalidValueError(label, f"must be positive and finite, got {number!r}")


def attainable_flops(intensity: float, peak: float, bandwidth: float) -> float:
    """Roofline: ``min(peak, intensity x bandwidth)`` in FLOP/s.

    Examples
    --------
    >>> attainable_flops(10.0, peak=100e12, bandwidth=2e12)  # below the ridge (50 FLOP/B)
    20000000000000.0
    >>> attainable_flops(80.0, peak=100e12, bandwidth=2e12)
    100000000000000.0
    """
    for label, number in (("intensity", intensity), ("peak", peak), ("bandwidth", bandwidth)):
        _positive(label, number)
    return min(peak, intensity * bandwidth)


def roofline_bound(intensity: float, peak: float, bandwidth: float) -> Bound:
    """``"memory"`` when ``intensity`` is below the ridge point ``peak / bandwidth``."""
    return "memory" if intensity * bandwidth < peak else "compute"


def roofline_seconds(flop: float, moved: float, peak: float, bandwidth: float) -> float:
    """Time for ``flop`` FLOP over ``moved`` bytes on one device: ``max(F / P, B / W)``.

    Examples
    --------
    >>> roofline_seconds(1e12, 1e9, peak=100e12, bandwidth=2e12)  # 10 ms compute, 0.5 ms bytes
    0.01
    """
    _positive("peak", peak)
    _positive("bandwidth", bandwidth)
    if flop < 0 or moved < 0:
        raise InvalidValueError(
            "work", f"FLOP and bytes must be non-negative, got {flop}, {moved}"
        )
    return max(flop / peak, moved / bandwidth)
