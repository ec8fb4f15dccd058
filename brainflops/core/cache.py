"""Results that brainflops can rebuild at any time, kept on disk to start commands faster.

The folder is ``$BRAINFLOPS_CACHE_DIR`` when set (an empty value turns caching off), else
``$XDG_CACHE_HOME/brainflops``, else ``~/.cache/brainflops``. :func:`cached_json` keys every
entry by a SHA-256 of this package's source and data files, so any change to the code or
to a data file rebuilds it. Every use works without the cache: an entry that cannot be
read (missing, corrupt, stale, foreign) is rebuilt, and one that cannot be written is
skipped, silently.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["cache_folder", "cached_json", "source_key"]

_PACKAGE = Path(__file__).resolve().parents[1]
_FORMAT = 1  # bump when the layout of an entry changes


def cache_folder(*parts: str) -> Path | None:
    """The cache folder (or a subfolder of it), or None when caching is turned off."""
    configured = os.environ.get("BRAINFLOPS_CACHE_DIR")
    if configured is not None:
        return Path(configured, *parts) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base, "brainflops", *parts)


def cached_json(name: str, build: Callable[[], Any]) -> Any:
    """``build()``'s JSON value, from the cache when an entry for ``name`` is current.

    ``build`` must be deterministic and return plain JSON data (dicts, lists, text,
    finite numbers, None); what it raises is raised, and nothing is stored.
    """
    folder = cache_folder()
    if folder is None:
        return build()
    key = source_key()
    path = folder / f"entry-{hashlib.sha256(name.encode()).hexdigest()[:24]}.json"
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        if entry.get("key") == key and entry.get("name") == name:
            return entry["value"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # no entry yet, or an unreadable one: rebuild it below
    value = build()
    _store(path, {"key": key, "name": name, "value": value})
    return value


@cache
def source_key() -> str:
    """SHA-256 of every source and data file of the package, with the entry format."""
    digest = hashlib.sha256(f"format {_FORMAT}".encode())
    files = sorted(
        path
        for path in _PACKAGE.rglob("*")
        if path.suffix in {".py", ".toml", ".csv", ".json"} and path.is_file()
    )
    for path in files:
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _store(path: Path, entry: dict[str, Any]) -> None:
    """Write ``entry`` atomically; a cache that cannot be written is simply skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(entry, handle, allow_nan=False)
        Path(temporary).replace(path)
    except (OSError, ValueError, TypeError):
        Path(temporary).unlink(missing_ok=True)
