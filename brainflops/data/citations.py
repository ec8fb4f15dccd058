"""The bibliography: full citations for the keys parameters name in ``source``."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from brainflops.core.errors import UnknownNameError

__all__ = ["ENTRY_FIELDS", "bibliography", "check_entries", "cite", "entry"]

#: Fields of a bibliography entry; ``author``, ``year`` and ``title`` are required.
ENTRY_FIELDS = ("author", "year", "title", "venue", "url", "doi", "note")
_REQUIRED = ("author", "year", "title")


@cache
def _load() -> dict[str, dict[str, Any]]:
    path = resources.files("brainflops") / "data" / "bibliography.toml"
    with path.open("rb") as handle:
        return tomllib.load(handle)


def bibliography() -> dict[str, dict[str, Any]]:
    """Every citation by key (a copy)."""
    return {key: dict(entry) for key, entry in _load().items()}


def cite(key: str) -> str:
    """One-line citation for ``key``: author (year), title, venue, url."""
    entries = _load()
    if key not in entries:
        raise UnknownNameError("citation", key, entries)
    entry = entries[key]
    parts = [f"{entry.get('author', '?')} ({entry.get('year', 'n.d.')})", entry.get("title", "")]
    parts += [entry[k] for k in ("venue", "url") if entry.get(k)]
    return ". ".join(p for p in parts if p)


def entry(key: str, extra: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The entry for ``key``: from ``extra`` (a scenario's own entries) or the packaged ones.

    Raises
    ------
    UnknownNameError
        Naming ``key`` when neither has it.
    """
    if extra and key in extra:
        return dict(extra[key])
    entries = _load()
    if key not in entries:
        raise UnknownNameError("source key", key, {**entries, **(extra or {})})
    return dict(entries[key])


def check_entries(entries: Any, where: str = "bibliography") -> list[tuple[str, str]]:
    """Problems with bibliography entries a scenario declares, as ``(key path, message)``.

    >>> check_entries({"my-notes": {"author": "Me", "year": 2026, "title": "Notes"}})
    []
    >>> check_entries({"x": {"title": "T", "colour": "red"}})
    [('bibliography.x', 'missing author, year'), ('bibliography.x.colour', 'unknown field; expected author, year, title, venue, url, doi, note')]
    """
    if not isinstance(entries, Mapping):
        return [(where, "expected tables of entries: [bibliography.KEY] with author, year, title")]
    problems = []
    for key, fields in entries.items():
        path = f"{where}.{key}"
        if not isinstance(fields, Mapping):
            problems.append((path, "expected a table with author, year and title"))
            continue
        missing = [name for name in _REQUIRED if name not in fields]
        if missing:
            problems.append((path, f"missing {', '.join(missing)}"))
        for name, value in fields.items():
            if name not in ENTRY_FIELDS:
                problems.append(
                    (f"{path}.{name}", f"unknown field; expected {', '.join(ENTRY_FIELDS)}")
                )
            elif name == "year" and (isinstance(value, bool) or not isinstance(value, int)):
                problems.append((f"{path}.year", "expected a whole number"))
            elif name != "year" and not isinstance(value, str):
                problems.append((f"{path}.{name}", "expected text"))
    return problems
