"""Convolutional-net operations and their cost.

Each pipeline stage maps to one or more :class:`Operation` records: a kind (dense,
convolution, max-pooling, activation, dropout), an input shape, a kernel shape and an
output shape. Shapes hold sympy expressions, so the FLOP count of a stage is *computed*
from its shapes by the single cost function :func:`op_flops` rather than asserted.

Cost conventions (per evaluation of one neuron's operation):

* dense: one multiply and one add per weight per input vector, ``2 * batch * in * out``;
* convolution ("same" padding, one channel): ``2 * prod(output) * prod(kernel)``;
* max-pooling: one comparison per input element, ``prod(input)``;
* activation (ReLU) and dropout: one operation per output element, ``prod(output)``.

Bytes moved per evaluation are weights + inputs + outputs at a chosen precision, the
count a roofline model needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import sympy as sp

from brainflops.core.errors import InvalidValueError

__all__ = [
    "PRECISION_BYTES",
    "Operation",
    "activation",
    "conv",
    "dense",
    "dropout",
    "max_pool",
    "op_flops",
]

OpKind = Literal["dense", "conv", "max_pool", "activation", "dropout"]

# Bytes per element of each storage precision (IEEE 754 / OCP FP8 / int8 formats).
PRECISION_BYTES: dict[str, int] = {
    "fp64": 8,
    "fp32": 4,
    "tf32": 4,
    "bf16": 2,
    "fp16": 2,
    "fp8": 1,
    "int8": 1,
}

Shape = tuple[sp.Expr, ...]


def _prod(shape: Shape) -> sp.Expr:
    return sp.Mul(*shape) if shape else sp.Integer(1)


def op_flops(
    kind: OpKind, input_shape: Shape, kernel_shape: Shape, output_shape: Shape
) -> sp.Expr:
    """FLOPs of one evaluation of an operation, from its shapes (see module docstring)."""
    if kind == "dense":
        in_features, out_features = kernel_shape
        batch = _prod(input_shape) / in_features
        return 2 * batch * in_features * out_features
    if kind == "conv":
        return 2 * _prod(output_shape) * _prod(kernel_shape)
    if kind == "max_pool":
        return _prod(input_shape)
    if kind in ("activation", "dropout"):
        return _prod(output_shape)
    raise InvalidValueError("operation", f"unknown operation kind {kind!r}")


@dataclass(frozen=True, slots=True)
class Operation:
    """One conv-net operation with symbolic shapes.

    Attributes
    ----------
    kind:
        ``dense``, ``conv``, ``max_pool``, ``activation`` or ``dropout``.
    label:
        Human description, e.g. ``"ReLU"`` or ``"dendritic diffusion"``.
    input_shape, kernel_shape, output_shape:
        Sizes as sympy expressions (kernel: weight matrix ``(in, out)`` for dense, filter
        extent for convolution, pooling window for max-pooling, empty otherwise).
    """

    kind: OpKind
    label: str
    input_shape: Shape
    kernel_shape: Shape
    output_shape: Shape

    @property
    def flops(self) -> sp.Expr:
        """FLOPs per evaluation, from :func:`op_flops`."""
        return op_flops(self.kind, self.input_shape, self.kernel_shape, self.output_shape)

    @property
    def weights(self) -> sp.Expr:
        """Number of stored weights (dense and convolution kernels; zero otherwise)."""
        return _prod(self.kernel_shape) if self.kind in ("dense", "conv") else sp.Integer(0)

    def elements_moved(self) -> sp.Expr:
        """Elements read or written per evaluation: weights, inputs and outputs."""
        return self.weights + _prod(self.input_shape) + _prod(self.output_shape)

    def bytes_moved(self, precision: str = "fp32") -> sp.Expr:
        """Bytes read or written per evaluation at ``precision`` (see PRECISION_BYTES)."""
        if precision not in PRECISION_BYTES:
            raise InvalidValueError(
                "precision",
                f"unknown precision {precision!r}; use one of {', '.join(PRECISION_BYTES)}",
            )
        return PRECISION_BYTES[precision] * self.elements_moved()

    def describe(self, values: Mapping[sp.Symbol, float] | None = None) -> str:
        """Short text such as ``conv 100000×5 * K[10×1000×5] -> 100000×5``.

        With ``values`` the shapes are shown as numbers, else as symbols.
        """

        def fmt(shape: Shape) -> str:
            if not shape:
                return "-"
            shown = [s if values is None else s.subs(values) for s in shape]
            return "×".join(f"{float(s):.4g}" if s.is_number else sp.sstr(s) for s in shown)

        if self.kind == "dense":
            return f"dense {fmt(self.input_shape)} @ W[{fmt(self.kernel_shape)}] -> {fmt(self.output_shape)}"
        if self.kind == "conv":
            return f"conv {fmt(self.input_shape)} * K[{fmt(self.kernel_shape)}] -> {fmt(self.output_shape)}"
        if self.kind == "max_pool":
            return f"max-pool {fmt(self.input_shape)} / [{fmt(self.kernel_shape)}] -> {fmt(self.output_shape)}"
        return f"{self.label} {fmt(self.output_shape)}"


def _shape(values: Sequence[sp.Expr]) -> Shape:
    # strict: shapes are numbers or sympy expressions, never text to be parsed
    return tuple(sp.sympify(v, strict=True) for v in values)


def dense(
    in_features: sp.Expr,
    out_features: sp.Expr,
    steps: sp.Expr | int = 1,
    label: str = "dense",
) -> Operation:
    """Fully connected layer applied at ``steps`` time steps."""
    return Operation(
        "dense",
        label,
        _shape((steps, in_features)),
        _shape((in_features, out_features)),
        _shape((steps, out_features)),
    )


def conv(
    input_shape: Sequence[sp.Expr], kernel_shape: Sequence[sp.Expr], label: str = "convolution"
) -> Operation:
    """Single-channel convolution with 'same' padding (output shape = input shape)."""
    return Operation("conv", label, _shape(input_shape), _shape(kernel_shape), _shape(input_shape))


def max_pool(
    input_shape: Sequence[sp.Expr], window: Sequence[sp.Expr], label: str = "max-pooling"
) -> Operation:
    """Non-overlapping max-pooling; each output dimension is input / window."""
    inputs, windows = _shape(input_shape), _shape(window)
    if len(inputs) != len(windows):
        raise InvalidValueError("max_pool", "window and input must have the same rank")
    output = tuple(i / w for i, w in zip(inputs, windows, strict=True))
    return Operation("max_pool", label, inputs, windows, output)


def activation(shape: Sequence[sp.Expr], label: str = "ReLU") -> Operation:
    """Element-wise nonlinearity."""
    return Operation("activation", label, _shape(shape), (), _shape(shape))


def dropout(shape: Sequence[sp.Expr], label: str = "dropout") -> Operation:
    """Element-wise random mask."""
    return Operation("dropout", label, _shape(shape), (), _shape(shape))
