"""Where brainflops keeps files it can rebuild at any time (start-up caches).

``$BRAINFLOPS_CACHE_DIR`` when set (an empty value turns caching off), else
``$XDG_CACHE_HOME/brainflops``, else ``~/.cache/brainflops``. Every user of the folder
must work without it: a cache that cannot be read or written is skipped silently.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["cache_folder", "store_entry"]


def cache_folder(*parts: str) -> Path | None:
    """The cache folder (or a subfolder of it), or None when caching is turned off."""
    configured = os.environ.get("BRAINFLOPS_CACHE_DIR")
    if configured is not None:
        return Path(configured, *parts) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base, "brainflops", *parts)


def store_entry(path: Path, entry: Any) -> None:
    """Write ``entry`` as JSON atomically (a temporary file renamed into place).

    A cache that cannot be written is simply skipped: the caller recomputes next time.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(entry, handle)  # inf is written as Infinity, which json reads back
        Path(temporary).replace(path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
