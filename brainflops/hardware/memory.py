"""Memory a training run needs per device: weights, gradients, optimizer states, activations.

Convention (bytes per parameter, Adam): weights and gradients are kept at the training
precision ``s`` bytes; Adam keeps two moments at fp32 (or wider) and, when ``s`` is
narrower than fp32, an fp32 master copy of the weights. Mixed precision (``s = 2``)
therefore needs ``2 + 2 + 12 = 16`` bytes per parameter, the figure of Rajbhandari et al.
2020 ("ZeRO: Memory Optimizations Toward Training Trillion Parameter Models", SC20,
arXiv:1910.02054, section 3.1: ``2 Psi + 2 Psi + K Psi`` with ``K = 12`` for mixed-precision
Adam). Plain fp32 Adam also needs ``4 + 4 + 8 = 16``; fp64 needs 32. Activation
checkpointing and ZeRO sharding, which trade time for memory, are not modelled.

Activations kept for the backward pass are counted for one micro-batch: with gradient
accumulation, or the 1F1B pipeline schedule (Narayanan et al. 2021, arXiv:2104.04473,
section 2.2.2), where the first stage holds ``p`` micro-batches of ``1/p`` of the layers.
"""

from __future__ import annotations

from brainflops.core.errors import InvalidValueError
from brainflops.ops.operations import PRECISION_BYTES

__all__ = ["TRAINING_PRECISIONS", "device_memory_bytes", "state_bytes_per_parameter"]

#: Precisions a training run can use (int8 is an inference format).
TRAINING_PRECISIONS: tuple[str, ...] = ("fp64", "fp32", "tf32", "bf16", "fp16", "fp8")

_FP32 = 4


def state_bytes_per_parameter(precision: str) -> int:
    """Bytes per parameter for weights, gradients and Adam states at ``precision``.

    Examples
    --------
    >>> state_bytes_per_parameter("bf16"), state_bytes_per_parameter("fp32")
    (16, 16)
    >>> state_bytes_per_parameter("fp8"), state_bytes_per_parameter("fp64")
    (14, 32)
    """
    if precision not in TRAINING_PRECISIONS:
        raise InvalidValueError(
            "precision",
            f"{precision!r} is not a training precision; use one of {', '.join(TRAINING_PRECISIONS)}",
        )
    size = PRECISION_BYTES[precision]
    moments = 2 * max(_FP32, size)
    master = _FP32 if size < _FP32 else 0
    return 2 * size + moments + master


def device_memory_bytes(
    parameters: float,
    precision: str,
    model_shards: float,
    activation_bytes: float,
) -> float:
    """Bytes per device: states of ``1/model_shards`` of the parameters plus activations.

    ``model_shards`` is the tensor x pipeline degree; ``activation_bytes`` is what one
    device keeps for the backward pass (already divided by the tensor degree).

    Examples
    --------
    >>> device_memory_bytes(1e9, "bf16", 4, 2e9)  # 16 GB of states over 4, plus 2 GB
    6000000000.0
    """
    if not model_shards >= 1:
        raise InvalidValueError("model_shards", f"must be at least 1, got {model_shards!r}")
    return parameters * state_bytes_per_parameter(precision) / model_shards + activation_bytes
