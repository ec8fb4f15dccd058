"""Convolutional-net operations and their cost.

Each pipeline stage maps to one or more :class:`Operation` records: a kind (dense,
convolution, max-pooling, activation, dropout), an input shape, a kernel shape and an
output shape. Shapes hold sympy expressions, so the FLOP count of a stage is *computed*
from its shapes by the single cost function :func:`op_flops` rather than asserted.

Cost conventions (per evaluation; one multiply-add counts as 2 FLOP, as in the
deep-learning literature and Epoch AI's data):

* dense: one multiply and one add per weight per input vector, ``2 * batch * in * out``;
* convolution ("same" padding, one channel): ``2 * prod(output) * prod(kernel)``;
* multi-channel convolution ``conv2d`` (kernel ``(kh, kw, c_in, c_out)``, output
  ``(h, w, c_out)``): one multiply-add per kernel weight per output position,
  ``2 * h * w * kh * kw * c_in * c_out``;
* ``matmul``, a product of two activations (attention scores ``Q K^T`` and the weighted
  values ``A V``): input ``(batch, m, k)`` times the second operand ``(k, n)`` per batch
  entry, ``2 * batch * m * k * n``;
* max-pooling: one comparison per input element, ``prod(input)``;
* ``pool`` (windowed max or average, any stride): one comparison or add per window element
  per output element, ``prod(output) * prod(window)``;
* activation (ReLU, GELU), dropout and ``add`` (residual sums): one operation per output
  element, ``prod(output)``; a GELU's few extra operations are not counted, as in the
  published per-network figures that count only multiply-adds;
* ``softmax``: 5 per element (subtract the row maximum, compare for that maximum,
  exponential, accumulate, divide);
* ``norm`` (layer or batch normalisation with scale and shift): 7 per element (accumulate
  the mean, subtract it, square, accumulate the variance, multiply by the inverse standard
  deviation, scale, shift);
* ``embedding`` lookup: no arithmetic, a gather of one table row per input id.

Bytes moved per evaluation are weights + inputs + outputs at a chosen precision, the count
a roofline model needs; a matmul reads its second operand instead of weights, an
``add`` reads two inputs, and an embedding reads only the rows it looks up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import sympy as sp

from brainflops.core import fmt as core_fmt
from brainflops.core.errors import InvalidValueError

__all__ = [
    "PRECISION_BYTES",
    "Conv2d",
    "Operation",
    "activation",
    "add",
    "conv",
    "conv2d",
    "dense",
    "dropout",
    "embedding",
    "matmul",
    "max_pool",
    "norm",
    "op_flops",
    "pool",
    "softmax",
]

OpKind = Literal[
    "dense",
    "conv",
    "conv2d",
    "matmul",
    "max_pool",
    "pool",
    "activation",
    "dropout",
    "add",
    "softmax",
    "norm",
    "embedding",
]

SOFTMAX_FLOP_PER_ELEMENT = 5  # max-compare, subtract, exp, accumulate, divide
NORM_FLOP_PER_ELEMENT = 7  # mean, subtract, square, variance, inverse-std multiply, scale, shift
# Kinds whose kernel holds trained weights; a bias adds one weight per output feature.
_WEIGHTED_KINDS = ("dense", "conv", "conv2d", "norm", "embedding")

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


def _dense_cost(inputs: Shape, kernel: Shape, _outputs: Shape) -> sp.Expr:
    in_features, out_features = kernel
    return 2 * (_prod(inputs) / in_features) * in_features * out_features


_WHOLE_LIMIT = 1e15  # larger sizes are written as powers of ten, not 16+ digit integers
# kind -> FLOPs from (input, kernel, output) shapes; the conventions of the module docstring
_COSTS: dict[str, Callable[[Shape, Shape, Shape], sp.Expr]] = {
    "dense": _dense_cost,
    "conv": lambda _i, k, o: 2 * _prod(o) * _prod(k),
    "conv2d": lambda _i, k, o: 2 * _prod(o[:-1]) * _prod(k),
    "matmul": lambda i, k, _o: 2 * _prod(i) * k[-1],
    "max_pool": lambda i, _k, _o: _prod(i),
    "pool": lambda _i, k, o: _prod(o) * _prod(k),
    "activation": lambda _i, _k, o: _prod(o),
    "dropout": lambda _i, _k, o: _prod(o),
    "add": lambda _i, _k, o: _prod(o),
    "softmax": lambda _i, _k, o: SOFTMAX_FLOP_PER_ELEMENT * _prod(o),
    "norm": lambda _i, _k, o: NORM_FLOP_PER_ELEMENT * _prod(o),
    "embedding": lambda _i, _k, _o: sp.Integer(0),
}


def op_flops(
    kind: OpKind, input_shape: Shape, kernel_shape: Shape, output_shape: Shape
) -> sp.Expr:
    """FLOPs of one evaluation of an operation, from its shapes (see module docstring)."""
    if kind not in _COSTS:
        raise InvalidValueError("operation", f"unknown operation kind {kind!r}")
    return _COSTS[kind](input_shape, kernel_shape, output_shape)


# Kinds whose kernel is a window or filter over the input's own axes (same rank); a
# network's ``pool`` window covers the leading (spatial) axes and leaves channels alone.
_SAME_RANK_KERNEL = ("conv", "max_pool")


# Shapes stated as floats (1e23 synapses) round to neighbouring integers: compare with a
# relative slack of one part in 1e12 so that float rounding is never read as a bad shape.
_SHAPE_SLACK = sp.Float(1 + 1e-12)


def _is_false(claim: bool | None) -> bool:
    """A sympy truth value known to be False (None: cannot tell for these symbols)."""
    return claim is False


def _shape_problems(kind: str, inputs: Shape, kernel: Shape, outputs: Shape) -> list[str]:
    """What makes these shapes invalid for ``kind``; empty when valid or undecidable.

    Symbols (positive by construction in the stages) leave most questions open; numbers,
    or the central values substituted by :meth:`Operation.check_values`, settle them.
    """
    problems = []
    if (kind in _SAME_RANK_KERNEL and len(kernel) != len(inputs)) or (
        kind == "pool" and len(kernel) > len(inputs)
    ):
        problems.append(f"a {len(kernel)}-D kernel on a {len(inputs)}-D input")
        return problems
    for side, shape in (("input", inputs), ("kernel", kernel), ("output", outputs)):
        for size in shape:
            if _is_false(size.is_positive) and kind != "norm":
                problems.append(f"{side} size {size} is not positive")
    if kind in ("max_pool", "pool"):
        for window, size in zip(kernel, inputs, strict=False):
            if _is_false(window.is_integer):
                problems.append(f"pooling window {window} is not a whole number of elements")
            elif _is_false(
                (sp.ceiling(size * _SHAPE_SLACK) - window).is_nonnegative
            ):  # 130.1 holds 131
                problems.append(f"pooling window {window} is larger than the input ({size})")
        for before, after in zip(inputs, outputs, strict=False):
            if _is_false((sp.ceiling(before * _SHAPE_SLACK) - after).is_nonnegative):
                problems.append(f"output {after} is larger than the input {before}")
            # a fractional size (time steps 2.4) passes through an axis it does not pool
            if before.is_integer and _is_false(after.is_integer):
                problems.append(f"output size {after} is not a whole number")
    return problems


@dataclass(frozen=True, slots=True)
class Operation:
    """One conv-net operation with symbolic shapes.

    Attributes
    ----------
    kind:
        One of the kinds in the module docstring (``dense``, ``conv``, ``conv2d``,
        ``matmul``, ``max_pool``, ``pool``, ``activation``, ``dropout``, ``add``,
        ``softmax``, ``norm``, ``embedding``).
    label:
        Human description, e.g. ``"ReLU"`` or ``"dendritic diffusion"``.
    input_shape, kernel_shape, output_shape:
        Sizes as sympy expressions (kernel: weight matrix ``(in, out)`` for dense, filter
        extent for convolution, ``(kh, kw, c_in, c_out)`` for conv2d, the second operand
        ``(k, n)`` for matmul, the window for pooling, ``(2, features)`` (scale and shift)
        for norm, the table ``(rows, width)`` for embedding, empty otherwise).
    bias:
        Whether a dense or conv2d layer adds a trained bias per output feature (counted in
        :attr:`weights`; its additions are not counted as FLOP, as in published figures).
    """

    kind: OpKind
    label: str
    input_shape: Shape
    kernel_shape: Shape
    output_shape: Shape
    bias: bool = False

    def __post_init__(self) -> None:
        self._refuse(self.input_shape, self.kernel_shape, self.output_shape)

    def _refuse(self, inputs: Shape, kernel: Shape, outputs: Shape) -> None:
        problems = _shape_problems(self.kind, inputs, kernel, outputs)
        if problems:
            raise InvalidValueError(
                f"operation '{self.label}' ({self.kind})", "; ".join(dict.fromkeys(problems))
            )

    def check_values(self, values: Mapping[sp.Symbol, float]) -> None:
        """Refuse shapes that are invalid once ``values`` are substituted for the symbols.

        For example a pooling window of 15 / 4 synapses, or a window wider than its input.

        Examples
        --------
        >>> s, d = sp.symbols("s d", positive=True)
        >>> max_pool((s, 5), (s / d, 1)).check_values({s: 15, d: 4})
        Traceback (most recent call last):
        ...
        brainflops.core.errors.InvalidValueError: operation 'max-pooling' (max_pool): pooling window 15/4 is not a whole number of elements
        >>> max_pool((s, 5), (sp.ceiling(s / d), 1)).check_values({s: 15, d: 4})
        """

        def at(shape: Shape) -> Shape:
            # exact rationals for the few symbols a size uses (xreplace: a model may have
            # thousands of parameters; floats would turn 1e5 / 1000 into 101 after ceiling)
            return tuple(
                size.xreplace(
                    {
                        s: sp.nsimplify(values[s], rational=True)
                        for s in size.free_symbols
                        if s in values
                    }
                )
                for size in shape
            )

        self._refuse(at(self.input_shape), at(self.kernel_shape), at(self.output_shape))

    @property
    def flops(self) -> sp.Expr:
        """FLOPs per evaluation, from :func:`op_flops`."""
        return op_flops(self.kind, self.input_shape, self.kernel_shape, self.output_shape)

    @property
    def weights(self) -> sp.Expr:
        """Number of trained weights (kernels, tables, norm scales and biases; else zero)."""
        if self.kind not in _WEIGHTED_KINDS:
            return sp.Integer(0)
        bias = self.kernel_shape[-1] if self.bias else 0
        return _prod(self.kernel_shape) + bias

    def elements_moved(self) -> sp.Expr:
        """Elements read or written per evaluation: weights, inputs and outputs.

        A matmul reads its second operand (``batch * k * n``) instead of weights, an add
        reads two inputs, and an embedding reads the looked-up rows, not the whole table.
        """
        inputs, outputs = _prod(self.input_shape), _prod(self.output_shape)
        if self.kind == "matmul":
            return inputs + _prod(self.input_shape[:-2]) * _prod(self.kernel_shape) + outputs
        if self.kind == "add":
            return 2 * inputs + outputs
        if self.kind == "embedding":
            return inputs + 2 * outputs
        return self.weights + inputs + outputs

    def bytes_moved(self, precision: str = "fp32") -> sp.Expr:
        """Bytes read or written per evaluation at ``precision`` (see PRECISION_BYTES)."""
        if precision not in PRECISION_BYTES:
            raise InvalidValueError(
                "precision",
                f"unknown precision {precision!r}; use one of {', '.join(PRECISION_BYTES)}",
            )
        return PRECISION_BYTES[precision] * self.elements_moved()

    def describe(self, values: Mapping[sp.Symbol, float] | None = None) -> str:
        """Short text such as ``conv 100,000×5 * K[10×1,000×5] -> 100,000×5``.

        With ``values`` the shapes are shown as numbers (whole sizes with thousands
        separators), else as symbols.

        >>> s = sp.Symbol("s")
        >>> conv([s, 5], [10_000, 5]).describe({s: 1e5})
        'conv 100,000×5 * K[10,000×5] -> 100,000×5'
        """

        def fmt(shape: Shape) -> str:
            if not shape:
                return "-"
            shown = [s if values is None else s.subs(values) for s in shape]
            return "×".join(_size(float(s)) if s.is_number else sp.sstr(s) for s in shown)

        if self.kind == "dense":
            return f"dense {fmt(self.input_shape)} @ W[{fmt(self.kernel_shape)}] -> {fmt(self.output_shape)}"
        if self.kind in ("conv", "conv2d"):
            return f"conv {fmt(self.input_shape)} * K[{fmt(self.kernel_shape)}] -> {fmt(self.output_shape)}"
        if self.kind == "matmul":
            return f"matmul {fmt(self.input_shape)} @ [{fmt(self.kernel_shape)}] -> {fmt(self.output_shape)}"
        if self.kind == "max_pool":
            return f"max-pool {fmt(self.input_shape)} / [{fmt(self.kernel_shape)}] -> {fmt(self.output_shape)}"
        return f"{self.label} {fmt(self.output_shape)}"


def _size(value: float) -> str:
    """A shape entry for people: whole sizes as integers with separators (``100,000``)."""
    if value.is_integer() and abs(value) < _WHOLE_LIMIT:
        return f"{int(value):,}"
    return core_fmt.sig(value) if abs(value) < _WHOLE_LIMIT else core_fmt.sci(value)


def _shape(values: Sequence[sp.Expr | int]) -> Shape:
    # strict: shapes are numbers or sympy expressions, never text to be parsed
    return tuple(sp.sympify(v, strict=True) for v in values)


def dense(
    in_features: sp.Expr | int,
    out_features: sp.Expr | int,
    steps: sp.Expr | int = 1,
    label: str = "dense",
    *,
    bias: bool = False,
) -> Operation:
    """Fully connected layer applied at ``steps`` time steps (or tokens)."""
    return Operation(
        "dense",
        label,
        _shape((steps, in_features)),
        _shape((in_features, out_features)),
        _shape((steps, out_features)),
        bias,
    )


def conv(
    input_shape: Sequence[sp.Expr], kernel_shape: Sequence[sp.Expr], label: str = "convolution"
) -> Operation:
    """Single-channel convolution with 'same' padding (output shape = input shape)."""
    return Operation("conv", label, _shape(input_shape), _shape(kernel_shape), _shape(input_shape))


def max_pool(
    input_shape: Sequence[sp.Expr], window: Sequence[sp.Expr], label: str = "max-pooling"
) -> Operation:
    """Non-overlapping max-pooling; a last, partial window counts as one output.

    Each output dimension is ``ceil(input / window)`` (an axis with window 1 is kept as
    it is). The window must be a whole number of elements no larger than its input.

    Examples
    --------
    >>> max_pool((15, 5), (4, 1)).output_shape
    (4, 5)
    """
    inputs, windows = _shape(input_shape), _shape(window)
    if len(inputs) != len(windows):
        raise InvalidValueError(
            f"operation '{label}' (max_pool)",
            f"a {len(windows)}-D window on a {len(inputs)}-D input",
        )
    output = tuple(
        i if w == 1 else sp.ceiling(i / w) for i, w in zip(inputs, windows, strict=True)
    )
    return Operation("max_pool", label, inputs, windows, output)


def activation(shape: Sequence[sp.Expr], label: str = "ReLU") -> Operation:
    """Element-wise nonlinearity."""
    return Operation("activation", label, _shape(shape), (), _shape(shape))


def dropout(shape: Sequence[sp.Expr], label: str = "dropout") -> Operation:
    """Element-wise random mask."""
    return Operation("dropout", label, _shape(shape), (), _shape(shape))


@dataclass(frozen=True, slots=True)
class Conv2d:
    """A multi-channel 2-D convolution's settings (see :func:`conv2d`).

    ``padding`` defaults to ``kernel // 2``; with ``groups`` each output channel sees
    ``channels_in / groups`` input channels, as in AlexNet's two-GPU layers.
    """

    channels_out: int
    kernel: int = 3
    stride: int = 1
    padding: int | None = None
    groups: int = 1
    bias: bool = False


def conv2d(input_shape: Sequence[int], spec: Conv2d, label: str = "convolution") -> Operation:
    """Multi-channel 2-D convolution of a ``(height, width, channels_in)`` input.

    The output side is ``(side + 2 * padding - kernel) // stride + 1``.

    Examples
    --------
    >>> op = conv2d((224, 224, 3), Conv2d(64, kernel=7, stride=2))
    >>> op.output_shape, int(op.flops), int(op.weights)
    ((112, 112, 64), 236027904, 9408)
    """
    height, width, channels_in = input_shape
    kernel = spec.kernel
    pad = kernel // 2 if spec.padding is None else spec.padding
    if channels_in % spec.groups or spec.channels_out % spec.groups:
        raise InvalidValueError("groups", f"{spec.groups} groups do not divide the channels")
    out_h = (height + 2 * pad - kernel) // spec.stride + 1
    out_w = (width + 2 * pad - kernel) // spec.stride + 1
    if out_h < 1 or out_w < 1:
        raise InvalidValueError("conv2d", f"a {kernel}x{kernel} kernel does not fit the input")
    return Operation(
        "conv2d",
        label,
        _shape((height, width, channels_in)),
        _shape((kernel, kernel, channels_in // spec.groups, spec.channels_out)),
        _shape((out_h, out_w, spec.channels_out)),
        spec.bias,
    )


def matmul(
    batch: sp.Expr | int,
    rows: sp.Expr | int,
    inner: sp.Expr | int,
    cols: sp.Expr | int,
    label: str,
) -> Operation:
    """Product of two activations per batch entry: ``(rows, inner) @ (inner, cols)``.

    Examples
    --------
    >>> int(matmul(12, 512, 64, 512, "attention scores").flops) == 2 * 12 * 512 * 64 * 512
    True
    """
    return Operation(
        "matmul",
        label,
        _shape((batch, rows, inner)),
        _shape((inner, cols)),
        _shape((batch, rows, cols)),
    )


def pool(
    input_shape: Sequence[sp.Expr | int],
    output_shape: Sequence[sp.Expr | int],
    window: Sequence[sp.Expr | int],
    label: str = "max-pooling",
) -> Operation:
    """Windowed max or average pooling with any stride (the output shape is given)."""
    return Operation("pool", label, _shape(input_shape), _shape(window), _shape(output_shape))


def add(shape: Sequence[sp.Expr | int], label: str = "residual add") -> Operation:
    """Element-wise sum of two tensors of the same shape."""
    return Operation("add", label, _shape(shape), (), _shape(shape))


def softmax(shape: Sequence[sp.Expr | int], label: str = "softmax") -> Operation:
    """Softmax over the last axis."""
    return Operation("softmax", label, _shape(shape), (), _shape(shape))


def norm(shape: Sequence[sp.Expr | int], label: str = "layer norm") -> Operation:
    """Normalisation with a trained scale and shift per feature (the last axis)."""
    inputs = _shape(shape)
    return Operation("norm", label, inputs, _shape((2, inputs[-1])), inputs)


def embedding(
    tokens: sp.Expr | int, rows: sp.Expr | int, width: sp.Expr | int, label: str = "embedding"
) -> Operation:
    """Look up ``tokens`` rows of a ``(rows, width)`` table."""
    return Operation(
        "embedding", label, _shape((tokens,)), _shape((rows, width)), _shape((tokens, width))
    )
