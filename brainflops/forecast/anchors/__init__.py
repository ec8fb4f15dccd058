"""Biological anchors (Cotra 2020, 2022): from brain FLOP/s to P(transformative AI by year).

See ``docs/anchors.md`` for the method, the inputs and their sources, and the critiques.
"""

from brainflops.forecast.anchors.forecast import Forecast, TornadoRow, forecast, tornado
from brainflops.forecast.anchors.inputs import (
    AnchorInputs,
    list_variants,
    load_inputs,
    load_variant,
)
from brainflops.forecast.anchors.requirements import ANCHORS, AnchorModel

__all__ = [
    "ANCHORS",
    "AnchorInputs",
    "AnchorModel",
    "Forecast",
    "TornadoRow",
    "forecast",
    "list_variants",
    "load_inputs",
    "load_variant",
    "tornado",
]
