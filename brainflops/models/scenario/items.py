"""The ``[[populations]]``, ``[[formulas]]`` and ``[[correlations]]`` a scenario adds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from brainflops.core.errors import UnknownNameError
from brainflops.models.presets import CORRELATION_KEYS, FORMULA_KEYS, POPULATION_KEYS
from brainflops.models.scenario.problems import ProblemLog, is_table_list, kind_of, suggest
from brainflops.ops.stages import POPULATION_ROLES, STAGES

__all__ = ["ItemTables"]

_ROLES = frozenset(POPULATION_ROLES) | {r for s in STAGES.values() for r in s.roles}
# Kind -> (allowed keys, required keys).
_ITEM_KEYS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "populations": (POPULATION_KEYS, ("name", "stages")),
    "formulas": (FORMULA_KEYS, ("name", "formula")),
    "correlations": (CORRELATION_KEYS, ("a", "b", "rho")),
}
_TEXT_FIELDS = (
    "name",
    "label",
    "count",
    "firing_rate",
    "population",
    "formula",
    "operation",
    "a",
    "b",
)


class ItemTables:
    """Appends a scenario's arrays of tables to the merged document, checking each item.

    ``where`` receives ``<kind>.<name>`` and ``<kind>[<index in the merged document>]`` ->
    the item's key in the file; ``formulas`` receives each formula's text -> its key, for
    expression errors that do not name their formula.
    """

    def __init__(self, log: ProblemLog, where: dict[str, str], formulas: dict[str, str]) -> None:
        self.log = log
        self.where = where
        self.formulas = formulas

    def append(self, merged: dict[str, Any], document: Mapping[str, Any], kind: str) -> None:
        """Check the items of ``document[kind]`` and append the good ones to ``merged``."""
        items = document.get(kind)
        if items is None:
            return
        if not is_table_list(items):
            self.log.add(kind, f"expected an array of tables ([[{kind}]]), got {kind_of(items)}")
            return
        merged.setdefault(kind, [])
        for index, item in enumerate(items):
            key = f"{kind}[{index}]"
            if not self._check_item(item, key, kind):
                continue
            if kind != "correlations":
                name = item["name"]
                taken = {
                    str(i.get("name")): k
                    for k in ("populations", "formulas")
                    for i in merged.get(k, [])
                }
                if name in taken:
                    how = (
                        "is already in the model; list it in scenario.remove to replace it"
                        if taken[name] == kind
                        else f"is already the name of one of the {taken[name]}"
                    )
                    self.log.add(f"{key}.name", f"{name!r} {how}")
                    continue
                self.where[f"{kind}.{name}"] = key
            entry = dict(item)
            if kind == "formulas":
                self.formulas.setdefault(entry["formula"], key)
            if kind == "formulas" and "operation" not in entry:
                entry["operation"] = " ".join(entry["formula"].split())
            self.where[f"{kind}[{len(merged[kind])}]"] = key
            merged[kind].append(entry)

    def _check_item(self, item: Mapping[str, Any], key: str, kind: str) -> bool:
        """Keys and types of a population, formula or correlation table."""
        allowed, required = _ITEM_KEYS[kind]
        problems = [
            (f"{key}.{f}", f"unknown key{suggest(f, allowed)}") for f in item if f not in allowed
        ]
        problems += [(f"{key}.{f}", "missing") for f in required if f not in item]
        for field in _TEXT_FIELDS:
            value = item.get(field, "?")
            if not isinstance(value, str):
                problems.append((f"{key}.{field}", f"expected text, got {kind_of(value)}"))
            elif not value.strip():
                problems.append((f"{key}.{field}", "must not be empty"))
        stages = item.get("stages", ["synapses"])
        if (
            not isinstance(stages, list)
            or not stages
            or not all(isinstance(s, str) for s in stages)
        ):
            problems.append(
                (f"{key}.stages", f"expected a list of stage names ({', '.join(STAGES)})")
            )
        else:
            problems += [
                (f"{key}.stages", str(UnknownNameError("stage", stage, STAGES)))
                for stage in stages
                if stage not in STAGES
            ]
        bind = item.get("bind", {})
        if not isinstance(bind, dict) or not all(isinstance(v, str) for v in bind.values()):
            problems.append((f"{key}.bind", 'expected a table of role = "parameter name"'))
        else:
            problems += [
                (
                    f"{key}.bind.{role}",
                    f"unknown role{suggest(role, _ROLES)}; roles are {', '.join(sorted(_ROLES))}",
                )
                for role in bind
                if role not in _ROLES
            ]
        rho = item.get("rho", 0.0)
        if isinstance(rho, bool) or not isinstance(rho, int | float) or not -1 <= rho <= 1:
            problems.append((f"{key}.rho", f"expected a number in [-1, 1], got {rho!r}"))
        for where, message in problems:
            self.log.add(where, message)
        return not problems
