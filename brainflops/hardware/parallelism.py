"""Data, tensor and pipeline parallelism as closed-form costs.

Plain functions of sizes, counts and bandwidths, shared by the brain plan and the training
plan. Bytes are per device and per direction, matched with the per-direction link
bandwidths of ``data/interconnects.toml``.

Data parallelism
    Every replica holds the whole model and averages gradients after each step with a ring
    all-reduce: each device sends (and receives) ``2 (N - 1) / N x payload`` bytes
    (reduce-scatter then all-gather, each ``(N - 1) / N`` of the payload; Patarasuk &
    Yuan 2009, the bandwidth-optimal all-reduce). The gradients of a layer can leave as
    soon as the backward pass has produced them, so the all-reduce overlaps with the
    backward pass (two thirds of a step's compute, backward costing twice the forward);
    only the part that outlasts it is *exposed*.

Gradient compression
    Dettmers (2016, "8-Bit Approximations for Parallelism in Deep Learning", ICLR,
    arXiv:1511.04561, abstract) sends 32-bit gradients as 8-bit approximations; his
    data-parallelism essay (2014) also discusses Microsoft's 1-bit quantisation (Seide
    et al. 2014, "1-Bit Stochastic Gradient Descent ... Data-Parallel Distributed
    Training of Speech DNNs", Interspeech). Here a gradient of ``b`` bits per element
    instead of the training precision's ``B`` bits shrinks the payload by ``b / B``, and
    never grows it (a compression wider than the precision sends the precision).
    Dettmers measured a 2x transfer speed-up for the 4x smaller 8-bit payload
    (compression costs time too); the byte ratio here is the ideal, an upper bound on
    the gain.

Tensor (model) parallelism
    A layer's weight matrices are split over ``t`` devices (Dettmers' model-parallelism
    essay, 2014: a 1000 x 1000 matrix over 4 GPUs is four 1000 x 250 slices that must be
    synchronised after every product, forward and backward). Megatron-LM (Shoeybi et al.
    2019, arXiv:1909.08053, section 3) needs two all-reduces of a layer's output
    activations in the forward pass and two in the backward pass per transformer layer:
    ``exchanges x 2 (t - 1) / t x activation bytes`` per layer. They sit on the critical
    path (not overlapped).

Pipeline parallelism
    Layers are split into ``p`` stages; a batch is cut into ``m`` micro-batches. The
    first and last stages idle while the pipeline fills and drains: the bubble is
    ``(p - 1) / (m + p - 1)`` of the step (GPipe, Huang et al. 2019, arXiv:1811.06965,
    section 2.3; Narayanan et al. 2021, arXiv:2104.04473, section 2.2). Each stage
    boundary passes one micro-batch's activations forward and their gradients back.
"""

from __future__ import annotations

import math

from brainflops.core.errors import InvalidValueError

__all__ = [
    "BACKWARD_SHARE",
    "allreduce_seconds",
    "compressed_bytes",
    "exposed_seconds",
    "pipeline_bubble",
    "ring_allreduce_bytes",
    "scaling_efficiency",
    "tensor_parallel_bytes",
]

#: Share of a training step's compute spent in the backward pass (backward = 2 x forward).
BACKWARD_SHARE = 2.0 / 3.0


def _count(name: str, value: float, minimum: int = 1) -> None:
    if isinstance(value, bool) or not value >= minimum or not math.isfinite(value):
        raise InvalidValueError(name, f"must be a number of at least {minimum}, got {value!r}")


def _non_negative(name: str, value: float) -> None:
    if not value >= 0 or not math.isfinite(value):
        raise InvalidValueError(name, f"must be non-negative and finite, got {value!r}")


def ring_allreduce_bytes(payload_bytes: float, devices: float) -> float:
    """Bytes each device sends in a ring all-reduce of ``payload_bytes``: ``2 (N-1)/N x payload``.

    Examples
    --------
    >>> ring_allreduce_bytes(1e9, 4)  # 2 x 3/4 x 1 GB
    1500000000.0
    >>> ring_allreduce_bytes(1e9, 1)
    0.0
    """
    _non_negative("payload_bytes", payload_bytes)
    _count("devices", devices)
    return 2.0 * (devices - 1) / devices * payload_bytes


def compressed_bytes(
    payload_bytes: float, element_bits: float, compression_bits: float | None
) -> float:
    """Payload after compressing ``element_bits``-bit values to ``compression_bits`` bits.

    ``None`` means no compression. The result never exceeds the payload.

    Examples
    --------
    >>> compressed_bytes(4e9, 32, 8)  # Dettmers' 8-bit gradients: a quarter of the bytes
    1000000000.0
    >>> compressed_bytes(4e9, 32, 1)  # 1-bit SGD
    125000000.0
    >>> compressed_bytes(2e9, 16, 32)  # wider than the precision: nothing gained or lost
    2000000000.0
    """
    _non_negative("payload_bytes", payload_bytes)
    if compression_bits is None:
        return payload_bytes
    for name, bits in (("element_bits", element_bits), ("compression_bits", compression_bits)):
        if not bits > 0 or not math.isfinite(bits):
            raise InvalidValueError(name, f"must be positive and finite, got {bits!r}")
    return payload_bytes * min(1.0, compression_bits / element_bits)


def allreduce_seconds(
    parameters: float,
    bytes_per_element: float,
    devices: float,
    bandwidth: float,
    compression_bits: float | None = None,
) -> float:
    """Seconds for one ring all-reduce of ``parameters`` gradients over a link of ``bandwidth`` B/s.

    Examples
    --------
    >>> allreduce_seconds(1e9, 4, 8, 50e9)  # 2 x 7/8 x 4 GB / 50 GB/s
    0.14
    """
    if not bandwidth > 0 or not math.isfinite(bandwidth):
        raise InvalidValueError("bandwidth", f"must be positive and finite, got {bandwidth!r}")
    payload = compressed_bytes(
        parameters * bytes_per_element, 8 * bytes_per_element, compression_bits
    )
    return ring_allreduce_bytes(payload, devices) / bandwidth


def exposed_seconds(communication: float, overlap_window: float) -> float:
    """The part of ``communication`` that outlasts the compute it overlaps with.

    Examples
    --------
    >>> exposed_seconds(0.5, 0.25), exposed_seconds(0.1, 0.2)
    (0.25, 0.0)
    """
    _non_negative("communication", communication)
    _non_negative("overlap_window", overlap_window)
    return max(0.0, communication - overlap_window)


def scaling_efficiency(compute_seconds: float, exposed_communication: float) -> float:
    """Data-parallel efficiency with a fixed batch per device: ``t / (t + exposed)``.

    The speed-up over one device is ``N`` times this (weak scaling).

    Examples
    --------
    >>> scaling_efficiency(0.3, 0.3)
    0.5
    """
    if not compute_seconds > 0:
        raise InvalidValueError("compute_seconds", f"must be positive, got {compute_seconds!r}")
    _non_negative("exposed_communication", exposed_communication)
    return compute_seconds / (compute_seconds + exposed_communication)


def tensor_parallel_bytes(
    activation_bytes: float, layers: float, devices: float, exchanges: int = 4
) -> float:
    """Bytes each of ``devices`` tensor-parallel devices sends per step.

    ``activation_bytes`` is one layer's output for the device's batch; each layer
    all-reduces it ``exchanges`` times (Megatron-LM: 2 forward + 2 backward).

    Examples
    --------
    >>> tensor_parallel_bytes(1e6, layers=10, devices=2)  # 10 x 4 x 2 x 1/2 x 1 MB
    40000000.0
    """
    _non_negative("layers", layers)
    _count("exchanges", exchanges)
    return layers * exchanges * ring_allreduce_bytes(activation_bytes, devices)


def pipeline_bubble(stages: float, microbatches: float) -> float:
    """Idle fraction of a pipelined step, ``(p - 1) / (m + p - 1)``.

    Examples
    --------
    >>> pipeline_bubble(4, 12)  # 3 / 15
    0.2
    >>> pipeline_bubble(1, 1)
    0.0
    """
    _count("stages", stages)
    _count("microbatches", microbatches)
    return (stages - 1) / (microbatches + stages - 1)
