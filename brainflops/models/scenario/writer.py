"""Writing a commented scenario file that reproduces a preset (``brainflops scenario new``).

The TOML is written by :mod:`tomlkit`, which keeps the comments that make the file a
template: each parameter's symbol, source and note, and commented examples of every
section.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from typing import Any

import numpy as np

from brainflops.models.presets import (
    flatten_parameters,
    load_preset,
    preset_document,
    select_variant,
)
from brainflops.params.parameters import Parameter

__all__ = ["new_scenario_text"]


def new_scenario_text(preset: str) -> str:
    """A commented scenario file that reproduces ``preset`` and lists every parameter.

    Each parameter of the preset appears under ``[set]`` with its current value, unit and
    range, so that editing a number is all it takes; comments give its symbol, source,
    provenance and note. Commented examples show how to add parameters, populations and
    formula stages and how to remove a population.

    Parameters
    ----------
    preset:
        A built-in preset, or ``preset:variant``.

    Examples
    --------
    >>> text = new_scenario_text("landauer")
    >>> text.splitlines()[7:9]
    ['[scenario]', 'base = "landauer"']
    """
    import tomlkit  # noqa: PLC0415 - about 0.1 s to import, needed by this command only

    base, _, variant = preset.partition(":")
    document = preset_document(base)
    if variant:
        document = select_variant(document, variant)
    model = load_preset(preset)
    records = flatten_parameters(document.get("parameters", {}))
    title = _one_line(document.get("preset", {}).get("title", preset))
    out = tomlkit.document()
    _add_comments(
        out,
        f"""\
brainflops scenario based on the preset {preset}:
  {title}
As written it reproduces the preset exactly. Edit the values under [set], add
parameters, populations or formula stages, then check the file with
  brainflops validate FILE
and use it with --scenario FILE. The format is described in docs/scenarios.md.
""",
    )
    scenario = tomlkit.table()
    scenario.add("base", preset)
    _add_comments(
        scenario,
        f"""\
name = "my-scenario"        # defaults to the file name
title = {tomlkit.item(title + " (my changes)").as_string()}
description = "What this scenario changes and why."
remove = ["<population or formula name>"]   # drop parts of the base model
""",
    )
    out.add("scenario", scenario)
    _add_comments(
        out,
        """\

Every parameter of the base. A bare number is in the parameter's unit; text such
as "75000 synapse/neuron" carries its own. Setting only `value` keeps the 90% range
when the new value lies inside it; otherwise the parameter becomes certain.""",
    )
    changes = tomlkit.table()
    for name, parameter in model.parameters.items():
        changes.add(tomlkit.nl())
        _add_comments(changes, "\n".join(_parameter_comment(parameter)))
        changes.add(name, _toml_item(_override_of(parameter, records.get(name, {}))))
    changes.add(tomlkit.nl())
    _add_comments(changes, "\n".join(_structure_comment(document)) + "\n" + _EXAMPLES)
    out.add("set", changes)
    return tomlkit.dumps(out)


def _add_comments(container: Any, text: str) -> None:
    """Add ``text`` to a tomlkit document or table, one comment a line (blank lines kept)."""
    import tomlkit  # noqa: PLC0415 - see new_scenario_text

    for line in text.splitlines():
        container.add(tomlkit.comment(line) if line else tomlkit.nl())


def _toml_item(value: Any) -> Any:
    """A tomlkit item for ``value``, its numbers written as :func:`_number_text` does."""
    import tomlkit  # noqa: PLC0415 - see new_scenario_text

    if isinstance(value, float):
        return tomlkit.value(_number_text(value))
    if isinstance(value, Mapping):
        table = tomlkit.inline_table()
        for key, item in value.items():
            table.add(key, _toml_item(item))
        return table
    if isinstance(value, list | tuple):
        array = tomlkit.array()
        array.extend(_toml_item(item) for item in value)
        return array
    return tomlkit.item(value)


def _number_text(value: float) -> str:
    """The shortest text that reads back as ``value``, in scientific form when large or small.

    Whole numbers below a million are written as integers; TOML reads them as integers,
    which scenarios accept wherever a number goes.

    >>> [_number_text(v) for v in (75000.0, 8.6e10, 0.25, 1.5e-05, 3.0000000000000004)]
    ['75000', '8.6e+10', '0.25', '1.5e-5', '3.0000000000000004']
    """
    if not math.isfinite(value):
        return repr(value)  # inf, -inf or nan, as TOML spells them
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    if 1e-3 <= abs(value) < 1e6:
        return repr(value)
    return np.format_float_scientific(value, unique=True, trim="-", exp_digits=1)


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


def _override_of(parameter: Any, record: Mapping[str, Any]) -> dict[str, Any]:
    """The [set] entry that reproduces ``parameter`` exactly."""
    entry: dict[str, Any] = {"value": parameter.value, "unit": parameter.unit}
    if record.get("low") is not None and parameter.low is not None:
        entry["low"] = parameter.low
        entry["high"] = parameter.high
    if isinstance(record.get("distribution"), Mapping):
        entry["distribution"] = dict(record["distribution"])
    return entry


def _parameter_comment(parameter: Parameter) -> list[str]:
    """Comment lines (without ``#``) describing a parameter: value, range, source, note."""
    unit = parameter.unit or "dimensionless"
    if parameter.low is not None and parameter.high is not None:
        low, high = _number_text(parameter.low), _number_text(parameter.high)
        spread = f"90% range {low} to {high} {unit}"
    else:
        spread = "certain (no range)"
    central = _number_text(parameter.value)
    head = f"{parameter.name} ({parameter.symbol}) [{unit}]: central {central} {unit}; {spread}"
    where = f", {_one_line(parameter.locator)}" if parameter.locator else ""
    check = "" if parameter.verified else "; not verified against the primary source"
    source = f"source: {parameter.source or 'none'}{where} ({parameter.provenance}{check})."
    lines = _wrap(f"{head}; distribution {parameter.distribution.kind}.", "")
    lines += _wrap(source, "  ")
    if parameter.note:
        lines += _wrap(_one_line(parameter.note), "  ")
    return lines


def _wrap(text: str, first: str) -> list[str]:
    """Lines of at most 90 characters (92 with ``# ``), words never broken."""
    return textwrap.wrap(
        text,
        width=90,
        initial_indent=first,
        subsequent_indent="  ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def _structure_comment(document: Mapping[str, Any]) -> list[str]:
    lines = ["The base model's terms (list a name in scenario.remove to drop it):"]
    for population in document.get("populations", []):
        stages = ", ".join(population.get("stages", []))
        lines.append(f"  population {population.get('name')}: {stages}")
    for formula in document.get("formulas", []):
        lines.append(f"  formula {formula.get('name')}: {_one_line(formula.get('formula', ''))}")
    return [*lines, ""]


# Commented examples at the end of the file, one comment per line.
_EXAMPLES = """\
New parameters use the preset form: value with a unit, optional low/high (a 90%
range; lognormal unless a distribution is given), source and note.
[parameters.glia.count]
value = "8.5e10 neuron"
low = 6e10
high = 1e11
source = "my-notes"
[parameters.glia.cost]
value = "10 FLOP/s/neuron"
distribution = { kind = "loguniform", low = 1, high = 100 }

A new stage: an expression over parameter names that must come out in FLOP/s.
Allowed: numbers, parameter names, + - * / **, log, log10, exp, sqrt, min, max.
[[formulas]]
name = "glia"
population = "astrocytes"
formula = "glia.count * glia.cost"

A new population runs pipeline stages (synapses, dendrites, dendritic_spikes, soma,
axon_hillock, axon). Each role it needs (count, firing_rate, synapses, time_steps,
...) is the parameter named in bind.<role>, else <population>.<role>, else <role>;
For example, bind = { time_steps = "time_steps" } shares the base's time_steps.
[parameters.interneurons]
count = { value = "1e9 neuron", low = 5e8, high = 2e9 }
firing_rate = { value = "5 Hz" }
synapses = { value = "5000 synapse/neuron" }
time_steps = { value = "1 step" }
[[populations]]
name = "interneurons"
label = "extra interneurons"
stages = ["synapses", "soma"]

Rank correlation between two uncertain parameters, used when sampling.
[[correlations]]
a = "glia.count"
b = "interneurons.count"
rho = 0.5

A source of your own: every parameter's source must be a key of the packaged
bibliography or of a [bibliography.KEY] table here (brainflops cite lists them).
[bibliography.my-notes]
author = "Doe, Jane"
year = 2026
title = 'Notes on glia'
url = "https://example.org/glia"
"""
