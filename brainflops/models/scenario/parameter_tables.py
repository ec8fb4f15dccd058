"""The ``[set]`` and ``[parameters]`` tables of a scenario: changed and new parameters."""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Mapping
from typing import Any

from brainflops.core.errors import UnknownNameError
from brainflops.models.model import Model
from brainflops.models.scenario.problems import ProblemLog, suggest
from brainflops.models.scenario.records import RecordChecker, unit_of
from brainflops.params.parameters import RECORD_KEYS

__all__ = ["MAX_ENTRIES", "ParameterTables"]

#: Most entries (parameters set or added, populations, formulas, correlations) in each
#: section of a scenario.
MAX_ENTRIES = 1_000
_MAX_DEPTH = 12
_NAME_PART = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
Records = dict[str, dict[str, Any]]
# What an entry of [set] or [parameters] is, for ParameterTables._walk (a NUL byte first,
# so that no problem message can be mistaken for them).
_LEAF = "\x00leaf"
_GROUP = "\x00group"


class ParameterTables:
    """Reads ``[set]`` and ``[parameters]``, reporting problems to ``log``.

    ``where`` receives, for each parameter read, ``parameters.<name>`` -> its key in the
    file, so that problems found later on the merged document point at the file;
    ``failed`` receives new parameters left out because of a problem, whose consequences
    (a formula naming them) are not reported again.
    """

    def __init__(self, log: ProblemLog, where: dict[str, str], failed: set[str]) -> None:
        self.log = log
        self.records = RecordChecker(log)
        self.where = where
        self.failed = failed

    def overrides(self, table: Mapping[str, Any], records: Records, base: Model) -> dict[str, Any]:
        """The checked changes of ``[set]`` by parameter name.

        A change that gives a new unit rescales the base's record in ``records`` to it.
        """
        overrides: dict[str, Any] = {}
        for name, (key, change) in self._set_leaves(table, records).items():
            self.where[f"parameters.{name}"] = key
            entry = dict(change) if isinstance(change, dict) else {"value": change}
            if not entry:
                self.log.add(key, "empty table; give value, low and high, distribution or unit")
                continue
            if self._unknown_keys(entry, key):
                continue
            unit = entry.get("unit", base.parameters[name].unit)
            cleaned = self.records.clean(entry, key, unit if isinstance(unit, str) else None)
            if cleaned is None:
                continue
            if "unit" in cleaned:
                rescaled = self.records.rescale(records[name], base.parameters[name], cleaned, key)
                if rescaled is None:
                    continue
                records[name] = rescaled
            overrides[name] = cleaned
        return overrides

    def add_new(self, table: Mapping[str, Any], records: Records) -> None:
        """Check the new parameters of ``[parameters]`` and add them to ``records``."""
        found = self._new_leaves(table)
        if len(found) > MAX_ENTRIES:
            self.log.add("parameters", f"{len(found)} new parameters; at most {MAX_ENTRIES}")
            return
        groups = {group: name for name in records for group in _groups(name)}
        for name, (key, record) in found.items():
            self.where[f"parameters.{name}"] = key
            if (problem := _new_name_problem(name, records, groups)) is not None:
                self.log.add(key, problem)
                self.failed.add(name)
                continue
            unknown = self._unknown_keys(record, key)
            unit = record.get("unit")
            if unit is None and isinstance(record.get("value"), str):
                unit = unit_of(record["value"])
            cleaned = self.records.clean(
                dict(record), key, unit if isinstance(unit, str) else None
            )
            if unknown or cleaned is None:
                self.failed.add(name)
                continue
            cleaned.setdefault("symbol", name)  # unique, unlike the default last part
            records[name] = cleaned
            groups.update(dict.fromkeys(_groups(name), name))

    def _unknown_keys(self, entry: Mapping[str, Any], key: str) -> bool:
        """Report keys a parameter record cannot have; whether there were any."""
        unknown = [k for k in entry if k not in RECORD_KEYS]
        for extra in unknown:
            self.log.add(f"{key}.{extra}", f"unknown key{suggest(extra, RECORD_KEYS)}")
        return bool(unknown)

    def _set_leaves(
        self, table: Mapping[str, Any], records: Mapping[str, Any]
    ) -> dict[str, tuple[str, Any]]:
        """Parameter name -> (key in the file, change), through nested tables of ``[set]``."""

        def classify(name: str, value: Any) -> str:
            if name in records:
                return _LEAF
            if isinstance(value, dict) and value and not set(value) & RECORD_KEYS:
                return _GROUP
            return (
                f"{UnknownNameError('parameter', name, records)} "
                "(new parameters go under [parameters])"
            )

        out: dict[str, tuple[str, Any]] = {}
        for name, where, value in self._walk(table, "set", classify):
            if name in out:
                self.log.add(where, f"parameter {name!r} is set twice (also as {out[name][0]})")
            else:
                out[name] = (where, value)
        return out

    def _new_leaves(self, table: Mapping[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
        """Parameter name -> (key in the file, record), through groups of ``[parameters]``."""

        def classify(_name: str, value: Any) -> str:
            if not isinstance(value, dict):
                return (
                    "expected a parameter table with value and unit, such as "
                    '{ value = 3, unit = "Hz" }'
                )
            if not value:
                return "empty table; a parameter needs value and unit"
            if set(value) & RECORD_KEYS or any(not isinstance(v, dict) for v in value.values()):
                return _LEAF
            return _GROUP

        return {
            name: (where, value)
            for name, where, value in self._walk(table, "parameters", classify)
        }

    def _walk(
        self, table: Mapping[str, Any], root: str, classify: Callable[[str, Any], str]
    ) -> list[tuple[str, str, Any]]:
        """``(name, key, value)`` of every leaf under ``table``, in file order.

        ``classify(name, value)`` says whether an entry is a leaf (:data:`_LEAF`), a group
        of further entries (:data:`_GROUP`), or else what is wrong with it.
        """
        leaves: list[tuple[str, str, Any]] = []

        def visit(table: Mapping[str, Any], key: str, prefix: str, depth: int) -> None:
            if depth > _MAX_DEPTH:
                self.log.add(key, "nested too deeply")
                return
            for part, value in table.items():
                name, where = f"{prefix}{part}", f"{key}.{part}"
                verdict = classify(name, value)
                if verdict == _LEAF:
                    leaves.append((name, where, value))
                elif verdict == _GROUP:
                    visit(value, where, f"{name}.", depth + 1)
                else:
                    self.log.add(where, verdict)

        visit(table, root, "", 0)
        return leaves


def _groups(name: str) -> list[str]:
    """The dotted groups above a parameter name: ``a.b.c`` -> ``a``, ``a.b``.

    >>> _groups("a.b.c")
    ['a', 'a.b']
    """
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _new_name_problem(
    name: str, records: Mapping[str, Any], groups: Mapping[str, str]
) -> str | None:
    """Why ``name`` cannot be a new parameter beside ``records``, or None.

    ``groups`` maps every dotted group of ``records`` (see :func:`_groups`) to a parameter
    in it, so the check is a few look-ups rather than a scan of every parameter.
    """
    problem = _name_problem(name)
    if problem is not None:
        return problem
    if name in records:
        return f"{name!r} is already a parameter of the base; change it under [set]"
    if name in groups:
        return f"{name!r} clashes with the parameter {groups[name]!r}"
    for group in _groups(name):
        if group in records:
            return f"{name!r} clashes with the parameter {group!r}"
    return None


def _name_problem(name: str) -> str | None:
    for part in name.split("."):
        if not _NAME_PART.match(part):
            return (
                f"parameter name {name!r}: each dotted part must be a letter followed by "
                "letters, digits or _"
            )
        if "__" in part:
            return f"parameter name {name!r}: double underscores are not allowed"
        if keyword.iskeyword(part):
            return f"parameter name {name!r}: {part!r} is a Python keyword, unusable in formulas"
    return None
