"""The bibliography: full citations for the keys parameters name in ``source``."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from brainflops.core.errors import UnknownNameError

__all__ = ["bibliography", "cite"]


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
