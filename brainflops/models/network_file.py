"""User-defined networks from TOML files, read under the same rules as scenario files.

Two forms. A member of the dense-transformer family::

    [network]
    name = "my-lm"
    title = "My 1.3B language model"     # optional
    type = "transformer"
    layers = 24
    width = 2048
    heads = 16
    context = 2048
    vocabulary = 50257
    ffn_multiple = 4                     # optional, default 4
    training_tokens = 2.6e10             # optional: the run training_flop() defaults to

or a sequential stack of layers on an image::

    [network]
    name = "small-cnn"
    type = "sequential"
    input = [32, 32, 3]                  # height, width, channels
    training_examples = 5e6              # optional

    [[layers]]
    op = "conv2d"                        # conv2d, max_pool, average_pool, dense, norm, relu
    channels = 32
    kernel = 3
    stride = 1                           # optional, default 1

    [[layers]]
    op = "max_pool"
    window = 2                           # stride defaults to the window

    [[layers]]
    op = "dense"                         # flattens its input
    features = 10

Files are read with the scenario reader (regular files only, at most
:data:`brainflops.models.scenario.MAX_FILE_BYTES`, UTF-8, :mod:`tomllib`; nothing is
evaluated), and every problem is reported at once as a
:class:`~brainflops.core.errors.ScenarioError` whose lines read ``FILE:LINE: key: message``.
"""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from brainflops.core.errors import BrainflopsError, ScenarioError
from brainflops.models.scenario.files import parse_toml, read_text
from brainflops.models.scenario.lines import KeyLines
from brainflops.ops.networks import (
    Layer,
    Network,
    TrainingRun,
    TransformerShape,
    dense_transformer,
)
from brainflops.ops.operations import Conv2d, Operation, activation, conv2d, dense, norm, pool

__all__ = ["MAX_LAYERS", "load_network_file", "network_from_text"]

MAX_LAYERS = 1000  # layers in a sequential file
_MAX_SIZE = 10**7  # any one size (width, channels, ...)
_MAX_TRAINING = 1e30  # inputs in a training run
_TRANSFORMER_KEYS = ("layers", "width", "heads", "context", "vocabulary")
_NETWORK_KEYS = frozenset(
    {"name", "title", "type", "input", "training_tokens", "training_examples", "ffn_multiple"}
    | set(_TRANSFORMER_KEYS)
)
Shape = tuple[int, ...]
_LAYER_KEYS: Mapping[str, tuple[str, ...]] = {
    "conv2d": ("channels", "kernel", "stride", "padding"),
    "max_pool": ("window", "stride"),
    "average_pool": (),
    "dense": ("features",),
    "norm": (),
    "relu": (),
}


def load_network_file(path: str | os.PathLike[str]) -> Network:
    """Read a network file (see the module docstring).

    Raises
    ------
    ScenarioError
        Listing every problem, each as ``FILE:LINE: key: message``.
    """
    origin = os.fspath(path)
    try:
        mode = Path(origin).stat().st_mode
    except OSError as exc:
        raise ScenarioError([f"{origin}: cannot read: {exc.strerror or exc}"]) from None
    if not stat.S_ISREG(mode):
        raise ScenarioError([f"{origin}: not a regular file"])
    return network_from_text(read_text(origin), origin)


def network_from_text(text: str, origin: str = "<network>") -> Network:
    """Build a network from TOML text; ``origin`` names it in messages."""
    document = parse_toml(text, origin)
    reader = _NetworkReader(text, origin)
    network = reader.read(document)
    if reader.problems or network is None:
        raise ScenarioError(reader.problems or [f"{origin}: no network built"])
    return network


class _NetworkReader:
    def __init__(self, text: str, origin: str) -> None:
        self.origin = origin
        self.lines = KeyLines(text)
        self.problems: list[str] = []

    def problem(self, key: str, message: str) -> None:
        line = self.lines.find(key)
        where = f"{self.origin}:{line}" if line is not None else self.origin
        self.problems.append(f"{where}: {key}: {message}")

    def integer(
        self, table: Mapping[str, Any], key: str, path: str, default: int | None = None
    ) -> int | None:
        value = table.get(key, default)
        if value is None:
            self.problem(path, "is required")
        elif isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, f"must be an integer, got {type(value).__name__}")
        elif not 1 <= value <= _MAX_SIZE:
            self.problem(path, f"must be from 1 to {_MAX_SIZE}, got {value}")
        else:
            return value
        return None

    def read(self, document: Mapping[str, Any]) -> Network | None:
        for key in document:
            if key not in ("network", "layers"):
                self.problem(key, "unknown table (use [network] and [[layers]])")
        spec = document.get("network")
        if not isinstance(spec, Mapping):
            self.problem("network", "a [network] table is required")
            return None
        for key in spec:
            if key not in _NETWORK_KEYS:
                self.problem(f"network.{key}", f"unknown key; known: {sorted(_NETWORK_KEYS)}")
        name = spec.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            self.problem("network.name", "must be a non-empty text of at most 100 characters")
            name = "network"
        title = spec.get("title", name)
        if not isinstance(title, str) or len(title) > 200:
            self.problem("network.title", "must be a text of at most 200 characters")
            title = name
        kind = spec.get("type")
        builders: dict[str, Callable[[Mapping[str, Any], Any, str, str], Network | None]] = {
            "transformer": self.transformer,
            "sequential": self.sequential,
        }
        if kind not in builders:
            self.problem("network.type", f"must be one of {sorted(builders)}, got {kind!r}")
            return None
        return builders[kind](spec, document.get("layers"), name, title)

    def training(self, spec: Mapping[str, Any], key: str) -> float | None:
        value = spec.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(f"network.{key}", "must be a number")
        elif not (math.isfinite(value) and 0 < value <= _MAX_TRAINING):
            self.problem(f"network.{key}", f"must be positive and at most {_MAX_TRAINING:g}")
        else:
            return float(value)
        return None

    def transformer(
        self, spec: Mapping[str, Any], layers: Any, name: str, title: str
    ) -> Network | None:
        if layers is not None:
            self.problem("layers", "a transformer is described by its [network] sizes only")
        sizes = {k: self.integer(spec, k, f"network.{k}") for k in _TRANSFORMER_KEYS}
        ffn = self.integer(spec, "ffn_multiple", "network.ffn_multiple", default=4)
        tokens = self.training(spec, "training_tokens")
        if self.problems or ffn is None or any(v is None for v in sizes.values()):
            return None
        try:
            shape = TransformerShape(**sizes, ffn_multiple=ffn)  # type: ignore[arg-type]
        except BrainflopsError as exc:
            self.problem("network", str(exc))
            return None
        run = None if tokens is None else TrainingRun(tokens, f"{self.origin}: training_tokens")
        return dense_transformer(shape, name, title, run)

    def sequential(
        self, spec: Mapping[str, Any], layers: Any, name: str, title: str
    ) -> Network | None:
        shape = spec.get("input")
        if (
            not isinstance(shape, list)
            or len(shape) != 3
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in shape)
            or not all(1 <= v <= _MAX_SIZE for v in shape)
        ):
            self.problem("network.input", "must be [height, width, channels], positive integers")
            return None
        if not isinstance(layers, list) or not layers or len(layers) > MAX_LAYERS:
            self.problem("layers", f"a sequential network needs 1 to {MAX_LAYERS} [[layers]]")
            return None
        examples = self.training(spec, "training_examples")
        built: list[Layer] = []
        current: Shape = tuple(shape)
        for index, table in enumerate(layers):
            path = f"layers[{index}]"
            result = self.layer(table, path, current)
            if result is None:
                return None
            built.append(Layer(f"{index + 1}: {result.label}", (result,)))
            current = tuple(int(v) for v in result.output_shape)
        return Network(
            name=name,
            title=title,
            input_unit="image",
            inputs_per_pass=1,
            layers=tuple(built),
            training_inputs=examples,
            training_source=f"{self.origin}: network.training_examples" if examples else "",
            description=f"sequential network read from {self.origin}",
        )

    def layer(self, table: Any, path: str, current: Shape) -> Operation | None:
        if not isinstance(table, Mapping):
            self.problem(path, "must be a table")
            return None
        op = table.get("op")
        if not isinstance(op, str) or op not in _LAYER_KEYS:
            self.problem(f"{path}.op", f"must be one of {sorted(_LAYER_KEYS)}, got {op!r}")
            return None
        for key in table:
            if key != "op" and key not in _LAYER_KEYS[op]:
                self.problem(f"{path}.{key}", f"unknown key for {op}; known: {_LAYER_KEYS[op]}")
        if self.problems:
            return None
        builders = {
            "conv2d": self.conv,
            "max_pool": self.max_pool,
            "average_pool": self.average_pool,
            "dense": self.dense,
            "norm": self.elementwise,
            "relu": self.elementwise,
        }
        if op in ("conv2d", "max_pool", "average_pool") and len(current) != 3:
            self.problem(path, f"{op} needs an image-shaped input, not a flat one")
            return None
        try:
            return builders[op](table, path, current)
        except BrainflopsError as exc:
            self.problem(path, str(exc))
            return None

    def dense(self, table: Mapping[str, Any], path: str, current: Shape) -> Operation | None:
        features = self.integer(table, "features", f"{path}.features")
        return None if features is None else dense(math.prod(current), features, label="dense")

    def elementwise(self, table: Mapping[str, Any], _path: str, current: Shape) -> Operation:
        return norm(current, "norm") if table["op"] == "norm" else activation(current)

    def average_pool(self, _table: Mapping[str, Any], _path: str, current: Shape) -> Operation:
        height, width, channels = current
        return pool(current, (1, 1, channels), (height, width), "global average")

    def max_pool(self, table: Mapping[str, Any], path: str, current: Shape) -> Operation | None:
        height, width, channels = current
        window = self.integer(table, "window", f"{path}.window")
        step = self.integer(table, "stride", f"{path}.stride", default=window)
        if window is None or step is None or window > min(height, width):
            self.problem(path, "the window must fit the input")
            return None
        out = ((height - window) // step + 1, (width - window) // step + 1, channels)
        return pool(current, out, (window, window), "max-pooling")

    def conv(self, table: Mapping[str, Any], path: str, current: Shape) -> Operation | None:
        out_channels = self.integer(table, "channels", f"{path}.channels")
        kernel = self.integer(table, "kernel", f"{path}.kernel")
        step = self.integer(table, "stride", f"{path}.stride", default=1)
        padding = table.get("padding")
        if padding is not None and (
            isinstance(padding, bool) or not isinstance(padding, int) or not 0 <= padding <= 1000
        ):
            self.problem(f"{path}.padding", "must be an integer from 0 to 1000")
            return None
        if out_channels is None or kernel is None or step is None:
            return None
        return conv2d(current, Conv2d(out_channels, kernel, step, padding))
