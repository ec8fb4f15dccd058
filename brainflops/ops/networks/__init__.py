"""Real networks as operations: the same records and cost function as the neuron stages.

>>> net = get_network("resnet50")
>>> round(net.forward_flop() / 1e9, 2), net.parameter_count()
(8.27, 25557032)
>>> "gpt3-175b" in list_networks()
True

User-defined networks are read from TOML files by :mod:`brainflops.models.network_file`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from brainflops.core.errors import UnknownNameError
from brainflops.ops.networks.base import BACKWARD_TO_FORWARD, Layer, Network, PublishedFigure
from brainflops.ops.networks.transformer import (
    TrainingRun,
    TransformerShape,
    bert,
    dense_transformer,
    gpt3,
    non_embedding_parameters,
)
from brainflops.ops.networks.vision import alexnet, resnet50

__all__ = [
    "BACKWARD_TO_FORWARD",
    "Layer",
    "Network",
    "PublishedFigure",
    "TrainingRun",
    "TransformerShape",
    "dense_transformer",
    "get_network",
    "list_networks",
    "non_embedding_parameters",
]

_BUILDERS: dict[str, Callable[[], Network]] = {
    "alexnet": alexnet,
    "resnet50": resnet50,
    "bert-base": functools.partial(bert, "base"),
    "bert-large": functools.partial(bert, "large"),
    "gpt3-175b": gpt3,
}


def list_networks() -> list[str]:
    """Names of the reference networks, in the order of their publication."""
    return list(_BUILDERS)


@functools.cache
def get_network(name: str) -> Network:
    """Return a reference network by name (built once; networks are immutable).

    Raises
    ------
    UnknownNameError
        If ``name`` is not one of :func:`list_networks`.
    """
    if name not in _BUILDERS:
        raise UnknownNameError(kind="network", name=name, known=_BUILDERS)
    return _BUILDERS[name]()
