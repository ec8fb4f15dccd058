"""Structural alternatives that a preset declares: a weighted choice between its variants.

A preset whose arithmetic has several readings of equal or stated standing (Dettmers'
three reconstructions) declares them in ``[preset.alternatives]``::

    [preset.alternatives]
    label = "structure: reconstruction"
    weights = { cerebellar = 1, all-neurons = 1, granule-own-filter = 1 }
    note = "why these weights"

:func:`structural_choice` builds the
:class:`~brainflops.uncertainty.structural.StructuralChoice` that tornado and Sobol'
analyses take (``brainflops sensitivity`` uses it by default for such a preset).

Examples
--------
>>> choice = structural_choice("dettmers2015")
>>> choice.label, choice.names
('structure: reconstruction', ('cerebellar', 'all-neurons', 'granule-own-filter'))
>>> structural_choice("mechanistic-modern") is None
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from brainflops.core.errors import InvalidValueError
from brainflops.models.model import Model
from brainflops.models.presets import list_presets, load_preset, preset_document
from brainflops.uncertainty.structural import StructuralChoice

__all__ = ["choice_for", "declared_alternatives", "structural_choice"]

_KEYS = frozenset({"label", "weights", "note"})


def declared_alternatives(name: str) -> Mapping[str, Any] | None:
    """The ``[preset.alternatives]`` table of a built-in preset (``name`` may name a
    variant: the table belongs to the base), checked; ``None`` when it declares none."""
    base = name.partition(":")[0]
    document = preset_document(base)
    spec = document.get("preset", {}).get("alternatives")
    if spec is None:
        return None
    where = f"preset {base}: alternatives"
    if not isinstance(spec, Mapping) or set(spec) - _KEYS or not {"label", "weights"} <= set(spec):
        raise InvalidValueError(where, "expected label, weights and an optional note")
    variants = {v.get("name") for v in document.get("variants", [])}
    weights = spec["weights"]
    if not isinstance(weights, Mapping) or len(weights) < 2 or set(weights) - variants:
        reason = f"weights must name two or more of the variants {sorted(variants)}"
        raise InvalidValueError(where, reason)
    for variant, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise InvalidValueError(where, f"weight of {variant} must be a number")
        if not (math.isfinite(weight) and weight > 0):
            raise InvalidValueError(where, f"weight of {variant} must be positive")
    return spec


def structural_choice(name: str) -> StructuralChoice | None:
    """The structural choice a built-in preset declares, or ``None``.

    Each alternative is the preset's variant of that name, exactly as
    ``load_preset("base:variant")`` builds it.
    """
    spec = declared_alternatives(name)
    if spec is None:
        return None
    base = name.partition(":")[0]
    return StructuralChoice.of(
        spec["label"],
        {variant: (load_preset(f"{base}:{variant}"), w) for variant, w in spec["weights"].items()},
    )


def choice_for(model: Model) -> StructuralChoice | None:
    """The declared structural choice when ``model`` is a built-in preset exactly as
    shipped and named without a variant; ``None`` otherwise (a variant, a scenario or a
    model with changed values is analysed alone)."""
    name = model.name
    if ":" in name or name not in list_presets() or load_preset(name) != model:
        return None
    return structural_choice(name)
