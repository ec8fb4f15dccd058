"""brainflops: how much computation does the human brain perform, and when will computers match it?

The package is layered along the data flow, and each layer imports only from those below it
(checked by the import-layer contract in ``pyproject.toml``):

``core`` (errors, units, IO) -> ``data`` (packaged data sets and sources) -> ``params``
(parameters, distributions) -> ``uncertainty`` (sampling, sensitivity, against a model
protocol) -> ``ops`` (operations, neuron stages, networks) -> ``models`` (model, presets,
scenarios, literature) -> ``forecast`` (trends, timelines) -> ``hardware`` -> ``outputs``
(export, plots, report) -> ``cli``.

The names below are imported on first use, so ``import brainflops`` (and the command line's
``--help``) stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from brainflops.core.errors import BrainflopsError
    from brainflops.core.units import Q_, ureg
    from brainflops.models.model import Model
    from brainflops.models.presets import build_model, list_presets, load_preset
    from brainflops.params.parameters import Parameter
    from brainflops.uncertainty.samples import Samples

__all__ = [
    "Q_",
    "BrainflopsError",
    "Model",
    "Parameter",
    "Samples",
    "build_model",
    "list_presets",
    "load_preset",
    "ureg",
]
__version__ = "0.1.0"

_PUBLIC = {
    "Q_": "brainflops.core.units",
    "ureg": "brainflops.core.units",
    "BrainflopsError": "brainflops.core.errors",
    "Model": "brainflops.models.model",
    "Parameter": "brainflops.params.parameters",
    "Samples": "brainflops.uncertainty.samples",
    "build_model": "brainflops.models.presets",
    "list_presets": "brainflops.models.presets",
    "load_preset": "brainflops.models.presets",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'brainflops' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
