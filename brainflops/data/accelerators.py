"""Conventions of the packaged accelerator table (Epoch AI): which column holds which precision.

The table itself is read by :func:`brainflops.data.datasets.load_accelerators`; this module
holds the mapping from a precision name to the columns holding its peak rate, so every
layer above (the hardware plans, the timeline criteria) reads the same column.

Data: Epoch AI (epoch.ai), CC BY 4.0.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["PRECISION_COLUMNS"]

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
