"""brainflops: how much computation does the human brain perform, and when will computers match it?

The package follows the data flow: assumptions (``data/``) -> :mod:`~brainflops.parameters`
and :mod:`~brainflops.distributions` -> :mod:`~brainflops.stages` and
:mod:`~brainflops.ops` -> :mod:`~brainflops.model` -> :mod:`~brainflops.samples` ->
sensitivity -> trends and timelines -> hardware -> outputs (CLI, tables, plots, report).
"""

from brainflops.errors import BrainflopsError
from brainflops.model import Model
from brainflops.parameters import Parameter
from brainflops.presets import build_model, list_presets, load_preset
from brainflops.samples import Samples
from brainflops.units import Q_, ureg

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
