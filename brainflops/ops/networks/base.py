"""Networks as layers of :class:`~brainflops.ops.operations.Operation` records.

A :class:`Network` is a sequence of :class:`Layer` objects, each a tuple of operations whose
FLOPs come from :func:`~brainflops.ops.operations.op_flops`, the cost function that also
prices the neuron's pipeline stages. One forward pass processes ``inputs_per_pass`` inputs
(one image for a vision net, a whole context window of tokens for a transformer), and the
per-input figures divide by it.

Training compute is ``3 x forward`` per input (the backward pass costs about twice the
forward: one product for the gradient with respect to the activations and one for the
weights), the convention of Kaplan et al. (2020) section 2.1 and of OpenAI's *AI and
Compute* appendix (``../shared/reference/dl_workloads.md`` rows 5 and 6b).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Literal

from brainflops.core.errors import InvalidValueError
from brainflops.ops.operations import PRECISION_BYTES, Operation

__all__ = ["BACKWARD_TO_FORWARD", "Layer", "Network", "PublishedFigure"]

#: Backward pass FLOP per forward pass FLOP (training = (1 + 2) x forward).
BACKWARD_TO_FORWARD = 2.0

Quantity = Literal["forward_flop", "training_flop", "parameters"]


@dataclass(frozen=True, slots=True)
class PublishedFigure:
    """A figure a source printed, in the source's unit, with its conversion.

    Attributes
    ----------
    quantity:
        What it measures: ``forward_flop`` (per input), ``training_flop`` (whole run) or
        ``parameters``.
    reported:
        The number as the source printed it, in ``reported_unit``.
    reported_unit:
        The source's unit, e.g. ``"multiply-adds"`` or ``"FLOP"``.
    value:
        Our conversion to FLOP (2 per multiply-add) or to a parameter count.
    source, locator:
        Where it is printed.
    provenance:
        ``reported`` when ``value`` is the printed figure in FLOP or parameters, ``derived``
        when we converted it (multiply-adds to FLOP) or computed it from stated inputs.
    """

    quantity: Quantity
    reported: float
    reported_unit: str
    value: float
    source: str
    locator: str
    provenance: Literal["reported", "derived"] = "reported"

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-able dict."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Layer:
    """A named group of operations.

    ``shared_weights`` marks a layer whose weights belong to another layer (a language
    model's output projection tied to its embedding table): its FLOPs count, its weights
    do not count again.
    """

    name: str
    operations: tuple[Operation, ...]
    shared_weights: bool = False

    def flops(self) -> float:
        """FLOPs of the layer in one forward pass."""
        return float(sum(float(op.flops) for op in self.operations))

    def parameters(self) -> int:
        """Trained weights the layer owns."""
        if self.shared_weights:
            return 0
        return int(sum(int(op.weights) for op in self.operations))

    def activation_elements(self) -> int:
        """Elements of the layer's output (the last operation's output) in one pass."""
        last = self.operations[-1].output_shape
        count = 1
        for size in last:
            count *= int(size)
        return count

    def bytes_moved(self, precision: str) -> float:
        """Bytes read or written by the layer's operations in one forward pass."""
        return float(sum(float(op.bytes_moved(precision)) for op in self.operations))


@dataclass(frozen=True)
class Network:
    """A reference or user-defined network.

    Attributes
    ----------
    name, title:
        Identifier (``resnet50``) and human name (``ResNet-50 (224x224)``).
    input_unit:
        What one input is: ``image`` or ``token``.
    inputs_per_pass:
        Inputs processed by one pass through :attr:`layers` (1 image; ``context`` tokens).
    layers:
        The operations of one pass.
    training_inputs:
        Inputs seen in the reference training run (images x epochs, or tokens), with its
        source in ``training_source``; None when unknown.
    published:
        Figures printed by sources, for comparison with the computed ones.
    description:
        One line on the architecture and its source.
    """

    name: str
    title: str
    input_unit: Literal["image", "token"]
    inputs_per_pass: int
    layers: tuple[Layer, ...]
    training_inputs: float | None = None
    training_source: str = ""
    published: tuple[PublishedFigure, ...] = ()
    description: str = ""
    shape: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.inputs_per_pass < 1:
            raise InvalidValueError(name="inputs_per_pass", reason="must be at least 1")
        if not self.layers:
            raise InvalidValueError(name=self.name, reason="a network needs at least one layer")

    def forward_flop(self) -> float:
        """Forward-pass FLOP per input (image or token)."""
        return sum(layer.flops() for layer in self.layers) / self.inputs_per_pass

    def training_flop(self, inputs: float | None = None) -> float:
        """Training FLOP for ``inputs`` images or tokens (default: the reference run).

        ``(1 + BACKWARD_TO_FORWARD) x forward_flop() x inputs``.

        Raises
        ------
        InvalidValueError
            If ``inputs`` is not positive and finite, or omitted for a network without a
            reference training run.
        """
        count = self.training_inputs if inputs is None else float(inputs)
        if count is None:
            raise InvalidValueError(
                name="inputs", reason=f"{self.name} has no reference training run; pass a count"
            )
        if not 0 < count < float("inf"):
            raise InvalidValueError(name="inputs", reason=f"must be positive, got {inputs!r}")
        return (1.0 + BACKWARD_TO_FORWARD) * self.forward_flop() * count

    def parameter_count(self) -> int:
        """Trained parameters computed from the layer shapes (tied weights counted once)."""
        return sum(layer.parameters() for layer in self.layers)

    def activation_sizes(self) -> list[tuple[str, int]]:
        """``(layer name, output elements per input)`` for every layer, in order.

        Per input: a transformer layer's output for one token, a vision layer's output for
        one image. These are the tensors model-parallel stages pass to each other.
        """
        return [
            (layer.name, layer.activation_elements() // self.inputs_per_pass)
            for layer in self.layers
        ]

    def bytes_moved(self, precision: str = "bf16") -> float:
        """Bytes read or written per input in one forward pass at ``precision``."""
        if precision not in PRECISION_BYTES:
            raise InvalidValueError(name="precision", reason=f"unknown precision {precision!r}")
        return sum(layer.bytes_moved(precision) for layer in self.layers) / self.inputs_per_pass

    def flops_by_kind(self) -> dict[str, float]:
        """Forward FLOP per input by operation kind (``conv2d``, ``matmul``, ...)."""
        totals: dict[str, float] = {}
        for layer in self.layers:
            for op in layer.operations:
                totals[op.kind] = totals.get(op.kind, 0.0) + float(op.flops)
        return {kind: value / self.inputs_per_pass for kind, value in totals.items()}

    def published_figure(self, quantity: Quantity) -> PublishedFigure | None:
        """The first published figure for ``quantity``, or None."""
        return next((f for f in self.published if f.quantity == quantity), None)

    def summary(self) -> dict[str, object]:
        """JSON-able summary: computed figures next to the published ones."""
        training = None if self.training_inputs is None else self.training_flop()
        return {
            "name": self.name,
            "title": self.title,
            "input_unit": self.input_unit,
            "forward_flop": self.forward_flop(),
            "training_inputs": self.training_inputs,
            "training_source": self.training_source,
            "training_flop": training,
            "parameters": self.parameter_count(),
            "layers": len(self.layers),
            "largest_activation": max(size for _, size in self.activation_sizes()),
            "description": self.description,
            "published": [figure.to_dict() for figure in self.published],
        }
