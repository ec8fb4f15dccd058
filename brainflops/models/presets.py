"""Presets: models described by TOML files in ``brainflops/data/presets``.

A preset document has these tables (see ``docs/scenarios.md`` for the full format):

``[preset]``
    ``name``, ``title``, ``method``, ``year``, ``source`` (citation key), ``reported``
    (the source's headline, e.g. ``"1.075e21 FLOP/s"``), ``description``.
``[parameters]``
    Nested tables; a table with a ``value`` key is a parameter whose dotted path is its
    name (``[parameters.purkinje.count]`` is ``purkinje.count``).
``[[populations]]``
    ``name``, ``label``, ``stages`` (pipeline stage names), optional ``count`` and
    ``firing_rate`` parameter names and ``bind`` (stage role -> parameter name). A role ``r`` of
    population ``p`` resolves to ``bind.r``, else parameter ``p.r``, else ``r``.
``[[formulas]]``
    ``name``, ``formula`` (restricted expression over parameter names, FLOP/s),
    optional ``population`` and ``operation``.
``[[correlations]]``
    ``a``, ``b``, ``rho``: rank correlations used when sampling.
``[[variants]]``
    ``name``, ``title``, ``reported``, ``set`` (parameter name -> value or table of
    ``value``/``low``/``high``/``distribution``/``unit``); optional ``parameters`` (tables
    added to the document's) and ``formulas`` (replacing its formulas and populations) for
    a source whose estimates use different arithmetic; ``load_preset("p:variant")``.
``[preset.alternatives]``
    Optional structural alternatives among the variants: ``label`` (the sensitivity row),
    ``weights`` (variant name -> positive weight) and ``note`` (why these weights); see
    :mod:`brainflops.models.alternatives`.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import sympy as sp

from brainflops.core.errors import BrainflopsError, ScenarioError, UnknownNameError
from brainflops.core.units import as_quantity, ureg
from brainflops.models.expressions import parse_formula
from brainflops.models.headline import Headline, headline_from_meta, kind_of
from brainflops.models.model import Model, Term, check_formula_units
from brainflops.ops.stages import POPULATION_ROLES, STAGES
from brainflops.params.parameters import RECORD_KEYS, Parameter, parameter_from_record

__all__ = [
    "CORRELATION_KEYS",
    "FORMULA_KEYS",
    "POPULATION_KEYS",
    "PRESET_KEYS",
    "apply_overrides",
    "build_model",
    "flatten_parameters",
    "list_presets",
    "load_preset",
    "nest_parameters",
    "preset_document",
]

_TOP_KEYS = frozenset(
    {"preset", "parameters", "populations", "formulas", "correlations", "variants"}
)
PRESET_KEYS = frozenset(
    {
        "name",
        "title",
        "method",
        "year",
        "source",
        "locator",
        "reported",
        "reported_note",
        "description",
        "reconstruction",
        "counts",
        "group",
        "scenario",
        "bibliography",
        "converted",
        "kind",
        "alternatives",
    }
)
POPULATION_KEYS = frozenset({"name", "label", "count", "firing_rate", "stages", "bind"})
FORMULA_KEYS = frozenset({"name", "population", "formula", "operation"})
CORRELATION_KEYS = frozenset({"a", "b", "rho"})
# Overrides may change any field of a parameter record.
_PARAMETER_OVERRIDE_KEYS = RECORD_KEYS


def _preset_files() -> dict[str, Any]:
    folder = resources.files("brainflops") / "data" / "presets"
    return {
        entry.name.removesuffix(".toml"): entry
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }


def list_presets(*, variants: bool = False) -> list[str]:
    """Names of the built-in presets (with ``name:variant`` entries when asked)."""
    names = sorted(_preset_files())
    if not variants:
        return names
    out = []
    for name in names:
        out.append(name)
        out.extend(f"{name}:{v['name']}" for v in preset_document(name).get("variants", []))
    return out


@cache
def _read_preset(name: str) -> dict[str, Any]:
    files = _preset_files()
    if name not in files:
        raise UnknownNameError("preset", name, files)
    with files[name].open("rb") as handle:
        return tomllib.load(handle)


def preset_document(name: str) -> dict[str, Any]:
    """A fresh copy of a built-in preset's TOML document."""
    return copy.deepcopy(_read_preset(name))


def load_preset(name: str) -> Model:
    """Build a built-in preset; ``"preset:variant"`` selects a variant.

    Examples
    --------
    >>> import brainflops
    >>> model = brainflops.load_preset("dettmers2015")
    >>> f"{model.central().m_as('FLOP/s'):.3e}"
    '1.076e+21'
    """
    base, _, variant = name.partition(":")
    return _load(base, variant)


@cache
def _load(base: str, variant: str) -> Model:
    document = preset_document(base)
    if variant:
        document = select_variant(document, variant)
    return build_model(document, origin=f"preset {base}")


def select_variant(document: Mapping[str, Any], variant: str) -> dict[str, Any]:
    """Apply one ``[[variants]]`` entry of a document and drop the list."""
    variants = {v.get("name"): v for v in document.get("variants", [])}
    if variant not in variants:
        name = document.get("preset", {}).get("name", "?")
        raise UnknownNameError(f"variant of {name}", variant, [str(v) for v in variants])
    chosen = variants[variant]
    base = copy.deepcopy(dict(document))
    if "parameters" in chosen:  # parameters that only this variant's formulas use
        records = flatten_parameters(base.get("parameters", {}))
        records.update(flatten_parameters(chosen["parameters"]))
        base["parameters"] = nest_parameters(records)
    if "formulas" in chosen:  # a different arithmetic from the same source
        base["formulas"] = copy.deepcopy(chosen["formulas"])
        base.pop("populations", None)
        base.pop("correlations", None)
    updated = apply_overrides(base, chosen.get("set", {}))
    meta = updated.setdefault("preset", {})
    meta["name"] = f"{meta.get('name', '')}:{variant}"
    if "reported" in chosen or "formulas" in chosen:
        # The base's figure (and our conversion of it) belongs to the base's arithmetic.
        for key in ("reported", "converted", "reported_note"):
            meta.pop(key, None)
    keys = ("title", "reported", "converted", "reported_note", "description", "year", "locator")
    for key in (*keys, "kind", "source"):
        if key in chosen:
            meta[key] = chosen[key]
    structural = ("set", "parameters", "formulas")
    meta["variant"] = {k: v for k, v in chosen.items() if k not in structural}
    updated.pop("variants", None)
    return updated


def flatten_parameters(table: Mapping[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    """Parameter records by dotted name from a nested ``[parameters]`` table."""
    records: dict[str, dict[str, Any]] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if not isinstance(value, Mapping):
            raise ScenarioError([f"parameters.{name}: expected a table, got {value!r}"])
        if "value" in value:
            records[name] = dict(value)
        else:
            records.update(flatten_parameters(value, f"{name}."))
    return records


def nest_parameters(records: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The nested ``[parameters]`` table for records keyed by dotted name (inverse of flatten)."""
    nested: dict[str, Any] = {}
    for name, record in records.items():
        *path, leaf = name.split(".")
        node = nested
        for part in path:
            node = node.setdefault(part, {})
        node[leaf] = dict(record)
    return nested


def apply_overrides(
    document: Mapping[str, Any],
    overrides: Mapping[str, Any],
    *,
    source: str | None = None,
    title: str = "",
) -> dict[str, Any]:
    """A copy of ``document`` with parameter overrides applied.

    Each override is a bare value (number or quantity string) for ``value``, or a table
    with any of ``value``, ``unit``, ``low``, ``high``, ``distribution``. Setting
    ``value`` with a unit of its own keeps the parameter's unit unless ``unit`` is also
    given. A new range or distribution replaces the old one. Setting only the value keeps
    the range when it still contains the value (the default distribution is rebuilt
    around it) and otherwise drops it, so the parameter becomes certain.

    With ``source`` (a scenario's file name) every changed parameter that does not name
    its own ``source`` is marked as the user's: provenance ``user``, source ``source``,
    locator ``title``, and ``replaces`` citing the base's source, locator and value, so
    that no export credits the new value to the base's source. Variants (no ``source``)
    keep their own citations.
    """
    updated = copy.deepcopy(dict(document))
    records = flatten_parameters(updated.get("parameters", {}))
    problems = []
    for name, change in overrides.items():
        if name not in records:
            problems.append(str(UnknownNameError("parameter", name, records)))
            continue
        table = change if isinstance(change, Mapping) else {"value": change}
        extra = set(table) - _PARAMETER_OVERRIDE_KEYS
        if extra:
            problems.append(f"{name}: cannot override {', '.join(sorted(extra))}")
            continue
        record = records[name]
        changed = _overridden(record, table)
        if source is not None and "source" not in table and not _same_record(record, changed):
            where = ", ".join(
                str(part) for part in (record.get("source"), record.get("locator")) if part
            )
            value = record.get("value")
            number = f"{value:g}" if isinstance(value, int | float) else str(value)
            old = f"{number} {record.get('unit', '')}".strip()
            changed.update(
                source=source,
                locator=title,
                provenance="user",
                replaces=record.get("replaces") or f"{where or 'no source'} (was {old})",
            )
        records[name] = changed
    if problems:
        raise ScenarioError(problems)
    updated["parameters"] = nest_parameters(records)
    return updated


def _overridden(record: Mapping[str, Any], table: Mapping[str, Any]) -> dict[str, Any]:
    """``record`` with the override ``table`` applied (see :func:`apply_overrides`)."""
    out = dict(record)
    if "distribution" in table or "low" in table or "high" in table:
        for key in ("low", "high", "distribution"):
            out.pop(key, None)
    elif "value" in table:
        out.pop("distribution", None)
        if not _inside_range(out, table["value"]):
            out.pop("low", None)
            out.pop("high", None)
    out.update(table)
    return out


def _same_record(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether two parameter records say the same thing, numbers compared as quantities.

    A scenario that restates the base's value, range and distribution (as the template
    of ``brainflops scenario new`` does) changes nothing, so it keeps the base's citation.

    >>> base = {"value": "100 Hz", "unit": "Hz", "low": 50, "high": 200, "source": "s"}
    >>> _same_record(base, {**base, "value": 100.0, "low": "0.05 kHz"})
    True
    >>> _same_record(base, {**base, "value": 120})
    False
    """
    if set(old) != set(new):
        return False
    unit = old.get("unit") or "dimensionless"
    for key, value in old.items():
        if key in ("value", "low", "high") and value is not None and new[key] is not None:
            try:
                before = as_quantity(value, unit, key).m_as(unit)
                after = as_quantity(new[key], new.get("unit") or unit, key).m_as(unit)
            except BrainflopsError:
                return False
            if before != after:
                return False
        elif new[key] != value:
            return False
    return True


def _inside_range(record: Mapping[str, Any], value: Any) -> bool:
    if record.get("low") is None or record.get("high") is None:
        return False
    unit = record.get("unit") or "dimensionless"
    try:
        new = as_quantity(value, unit, "value").m_as(unit)
        low = as_quantity(record["low"], unit, "low").m_as(unit)
        high = as_quantity(record["high"], unit, "high").m_as(unit)
    except BrainflopsError:
        return True  # let parameter validation report the real problem
    return bool(low <= new <= high)


def build_model(document: Mapping[str, Any], origin: str = "document") -> Model:
    """Build and check a :class:`Model` from a preset or scenario document.

    Every problem found is collected and raised together as one
    :class:`~brainflops.core.errors.ScenarioError`.
    """
    if not isinstance(document, Mapping) or not document:
        raise ScenarioError([f"{origin}: the document is empty"])
    problems: list[str] = []
    meta = _checked_meta(document, problems)
    records, parameters, symbols = _parameters(document, problems)
    terms = _terms(document, parameters, symbols, problems)
    correlations = _correlations(document, records, problems)
    headline = _headline(meta, problems)
    if problems:
        raise ScenarioError([f"{origin}: {p}" for p in problems])
    hidden = ("name", "title", "reported", "converted")
    metadata = {k: v for k, v in meta.items() if k not in hidden}
    metadata["headline"] = headline
    reported = None if headline is None else headline.source_flops
    try:
        return Model(
            name=meta["name"],
            title=meta["title"],
            parameters=parameters,
            terms=tuple(terms),
            reported=reported,
            metadata=metadata,
            correlations=correlations,
            document=document,
        )
    except BrainflopsError as exc:
        raise ScenarioError([f"{origin}: {exc}"]) from None


def _checked_meta(document: Mapping[str, Any], problems: list[str]) -> Mapping[str, Any]:
    """The ``[preset]`` table; unknown tables and keys, and missing names, go to ``problems``."""
    problems += [f"{key}: unknown top-level table" for key in sorted(set(document) - _TOP_KEYS)]
    meta = document.get("preset", {})
    if not isinstance(meta, Mapping):
        problems.append("preset: expected a table")
        meta = {}
    problems += [f"preset.{k}: unknown key" for k in sorted(set(meta) - PRESET_KEYS - {"variant"})]
    for table in ("populations", "formulas", "correlations"):
        if not isinstance(document.get(table, []), list):
            problems.append(f"{table}: expected a list of tables ([[{table}]])")
    for key in ("name", "title"):
        if not isinstance(meta.get(key), str) or not meta.get(key):
            problems.append(f"preset.{key}: missing")
    return meta


def _parameters(
    document: Mapping[str, Any], problems: list[str]
) -> tuple[dict[str, dict[str, Any]], dict[str, Parameter], dict[str, sp.Symbol]]:
    """The parameter records, the valid parameters, and a sympy symbol for every record."""
    parameters: dict[str, Parameter] = {}
    try:
        records = flatten_parameters(document.get("parameters", {}))
    except ScenarioError as exc:
        problems += exc.problems
        records = {}
    for name, record in records.items():
        try:
            parameters[name] = parameter_from_record(name, record)
        except BrainflopsError as exc:
            problems.append(f"parameters.{name}: {_reason(exc, name)}")
    symbols = {name: sp.Symbol(name.replace(".", "__"), positive=True) for name in records}
    owners: dict[str, str] = {}
    for name, parameter in parameters.items():
        # Formulas are shown with these symbols, so two parameters must not share one.
        other = owners.setdefault(parameter.symbol, name)
        if other != name:
            problems.append(f"parameters.{name}: symbol {parameter.symbol!r} is also {other}'s")
    return records, parameters, symbols


def _terms(
    document: Mapping[str, Any],
    parameters: Mapping[str, Parameter],
    symbols: Mapping[str, sp.Symbol],
    problems: list[str],
) -> list[Term]:
    """The terms of every population's stages, then of every formula."""
    terms: list[Term] = []
    for index, population in enumerate(_list(document, "populations")):
        terms += _population_terms(population, index, parameters, symbols, problems)
    for index, formula in enumerate(_list(document, "formulas")):
        term = _formula_term(formula, index, parameters, symbols, problems)
        if term is not None:
            terms.append(term)
    if not terms and not problems:
        problems.append("the model has no populations and no formulas")
    return terms


def _correlations(
    document: Mapping[str, Any], records: Mapping[str, Any], problems: list[str]
) -> dict[tuple[str, str], float]:
    """The ``[[correlations]]`` as ``(a, b) -> rho``, each checked."""
    correlations: dict[tuple[str, str], float] = {}
    for index, item in enumerate(_list(document, "correlations")):
        where = f"correlations[{index}]"
        if not isinstance(item, Mapping) or set(item) != CORRELATION_KEYS:
            problems.append(f"{where}: expected a = ..., b = ..., rho = ...")
            continue
        if not all(isinstance(item[key], str) for key in ("a", "b")):
            problems.append(f"{where}: a and b must be parameter names")
            continue
        for key in ("a", "b"):
            if item[key] not in records:
                problems.append(
                    f"{where}.{key}: {UnknownNameError('parameter', str(item[key]), records)}"
                )
        rho = item["rho"]
        if isinstance(rho, bool) or not isinstance(rho, int | float) or not -1 <= rho <= 1:
            problems.append(f"{where}.rho: must be a number in [-1, 1], got {rho!r}")
            continue
        correlations[(str(item["a"]), str(item["b"]))] = float(rho)
    return correlations


def _headline(meta: Mapping[str, Any], problems: list[str]) -> Headline | None:
    """The source's headline from ``[preset]``; a bad headline or kind goes to ``problems``."""
    headline = None
    try:
        headline = headline_from_meta(meta)
    except BrainflopsError as exc:
        problems.append(str(exc))
    try:
        kind_of(meta)
    except BrainflopsError as exc:
        problems.append(str(exc))
    return headline


def _list(document: Mapping[str, Any], table: str) -> list[Any]:
    """``document[table]`` when it is a list (a non-list is reported by build_model)."""
    items = document.get(table, [])
    return items if isinstance(items, list) else []


def _reason(exc: BrainflopsError, name: str) -> str:
    text = str(exc)
    return text.removeprefix(f"{name}: ")


def _resolve(
    role: str, population: str, bind: Mapping[str, str], parameters: Mapping[str, Any]
) -> str | None:
    if role in bind:
        return bind[role]
    for candidate in (f"{population}.{role}", role):
        if candidate in parameters:
            return candidate
    return None


def _population_terms(
    population: Any,
    index: int,
    parameters: Mapping[str, Parameter],
    symbols: Mapping[str, sp.Symbol],
    problems: list[str],
) -> list[Term]:
    where = f"populations[{index}]"
    if not isinstance(population, Mapping):
        problems.append(f"{where}: expected a table")
        return []
    name = population.get("name")
    if not isinstance(name, str) or not name:
        problems.append(f"{where}.name: missing")
        return []
    where = f"populations.{name}"
    problems += [f"{where}.{k}: unknown key" for k in sorted(set(population) - POPULATION_KEYS)]
    raw_bind = population.get("bind", {})
    if not isinstance(raw_bind, Mapping) or not all(isinstance(v, str) for v in raw_bind.values()):
        problems.append(f'{where}.bind: expected a table of role = "parameter name"')
        return []
    bind = dict(raw_bind)
    for role in POPULATION_ROLES:
        if isinstance(population.get(role), str):
            bind[role] = population[role]
    stages = population.get("stages", [])
    if not isinstance(stages, list) or not stages or not all(isinstance(x, str) for x in stages):
        problems.append(f"{where}.stages: give a list of stage names ({', '.join(STAGES)})")
        return []

    def role_symbol(role: str, unit: str, stage: str) -> sp.Symbol | None:
        param = _resolve(role, name, bind, symbols)
        if param is None:
            problems.append(
                f"{where}: stage {stage!r} needs {role!r} in {unit} "
                f"(set bind.{role}, or define parameter {name}.{role} or {role})",
            )
            return None
        if param not in symbols:
            problems.append(
                f"{where}.bind.{role}: {UnknownNameError('parameter', param, symbols)}"
            )
            return None
        if param in parameters and not ureg.Quantity(1, parameters[param].unit).is_compatible_with(
            unit
        ):
            given = parameters[param].unit
            problems.append(
                f"parameters.{param}: stage {name}/{stage} uses it as {role!r}, "
                f"expected a quantity in {unit}, got {given}",
            )
            return None
        return symbols[param]

    count = role_symbol("count", POPULATION_ROLES["count"], "population")
    rate = role_symbol("firing_rate", POPULATION_ROLES["firing_rate"], "population")
    terms = []
    for stage_name in stages:
        if stage_name not in STAGES:
            problems.append(
                f"{where}.stages: {UnknownNameError('stage', str(stage_name), STAGES)}"
            )
            continue
        stage = STAGES[stage_name]
        roles = {role: role_symbol(role, unit, stage_name) for role, unit in stage.roles.items()}
        if count is None or rate is None or any(s is None for s in roles.values()):
            continue
        operations = stage.build(roles)
        # Every role unit is a root unit (tests check it), so the role symbols hold plain
        # counts per cell and the operations' cost is FLOP per cell evaluation.
        per_cell = sp.Add(*(op.flops for op in operations))
        terms.append(
            Term(
                population=str(population.get("label") or name),
                stage=stage_name,
                operation=" + ".join(op.describe() for op in operations),
                expr=count * rate * per_cell,
                operations=operations,
                evaluations=count * rate,
                count=count,
            )
        )
    return terms


def _formula_term(
    formula: Any,
    index: int,
    parameters: Mapping[str, Parameter],
    symbols: Mapping[str, sp.Symbol],
    problems: list[str],
) -> Term | None:
    where = f"formulas[{index}]"
    if not isinstance(formula, Mapping):
        problems.append(f"{where}: expected a table")
        return None
    name = formula.get("name")
    if not isinstance(name, str) or not name:
        problems.append(f"{where}.name: missing")
        return None
    where = f"formulas.{name}"
    problems += [f"{where}.{k}: unknown key" for k in sorted(set(formula) - FORMULA_KEYS)]
    try:
        expr = parse_formula(formula.get("formula", ""), symbols, name=where)
        missing = [n for n, s in symbols.items() if s in expr.free_symbols and n not in parameters]
        if missing:
            return None  # the parameter's own problem is already reported
        check_formula_units(expr, parameters, symbols, where)
    except BrainflopsError as exc:
        problems.append(str(exc))
        return None
    return Term(
        population=str(formula.get("population", "brain")),
        stage=name,
        operation=str(formula.get("operation", sp.sstr(expr))),
        expr=expr,
    )
