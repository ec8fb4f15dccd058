"""User scenario files: a preset with your own changes, in TOML.

A scenario starts from a built-in preset and changes it::

    [scenario]
    base = "dettmers2015"              # or "dettmers2015:granule-own-filter"
    remove = ["other"]                 # populations or formulas of the base to drop

    [set]                              # change parameters of the base
    firing_rate = "20 Hz"              # a bare value: number in the unit, or quantity text
    "purkinje.synapses" = { value = 75000, low = 50000, high = 100000 }

    [parameters.glia.count]            # new parameters (same form as in presets)
    value = "8.5e10 neuron"

    [[formulas]]                       # new stages: an expression over parameter names
    name = "glia"
    formula = "glia.count * glia.cost"

``[[populations]]`` and ``[[correlations]]`` add populations and rank correlations in the
form presets use. See ``docs/scenarios.md`` for the whole format.

The modules, in the order a file goes through them: :mod:`.files` (safe reading, TOML
parsing), :mod:`.lines` (line numbers of keys, for messages), :mod:`.reader` (the document
into a model) with :mod:`.parameter_tables`, :mod:`.records` and :mod:`.items` (checking
each section) and :mod:`.problems` (collecting and wording problems); :mod:`.writer`
writes the commented template of ``brainflops scenario new``.
"""

from __future__ import annotations

from brainflops.models.scenario.files import MAX_FILE_BYTES, parse_toml, read_text
from brainflops.models.scenario.lines import KeyLines
from brainflops.models.scenario.parameter_tables import MAX_ENTRIES
from brainflops.models.scenario.reader import (
    MAX_KEYS,
    load_scenario,
    scenario_from_text,
    validate_scenario,
)
from brainflops.models.scenario.writer import new_scenario_text

__all__ = [
    "MAX_ENTRIES",
    "MAX_FILE_BYTES",
    "MAX_KEYS",
    "KeyLines",
    "load_scenario",
    "new_scenario_text",
    "parse_toml",
    "read_text",
    "scenario_from_text",
    "validate_scenario",
]
