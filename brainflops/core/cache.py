"""Where brainflops keeps files it can rebuild at any time (start-up caches).

``$BRAINFLOPS_CACHE_DIR`` when set (an empty value turns caching off), else
``$XDG_CACHE_HOME/brainflops``, else ``~/.cache/brainflops``. Every user of the folder
must work without it: a cache that cannot be read or written is skipped silently.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_folder"]


def cache_folder(*parts: str) -> Path | None:
    """The cache folder (or a subfolder of it), or None when caching is turned off."""
    configured = os.environ.get("BRAINFLOPS_CACHE_DIR")
    if configured is not None:
        return Path(configured, *parts) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base, "brainflops", *parts)
