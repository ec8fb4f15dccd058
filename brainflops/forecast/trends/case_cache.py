"""An on-disk cache of the calibration backtests of the packaged series.

Refitting every member at every list date takes seconds; the result depends only on the
series and on the trend code, so it is kept in :func:`brainflops.core.cache.cache_folder`
under a key that hashes both. A cache that cannot be read or written is skipped: the
backtests are then recomputed, with the same result.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from brainflops.core.cache import cache_folder, store_entry

__all__ = ["cached"]

_FORMAT = 2  # bump when the stored layout changes
_CODE = Path(__file__).resolve().parent


def _key(name: str, frame: pd.DataFrame) -> str:
    digest = hashlib.sha256(f"format {_FORMAT} {name}".encode())
    digest.update(frame.to_csv(index=False).encode())
    for path in sorted(_CODE.glob("*.py")):  # the trend code that computes the cases
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def cached(
    name: str, frame: pd.DataFrame, compute: Callable[[], list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The records ``compute()`` returns for ``name``, read from the cache when present."""
    folder = cache_folder("calibration")
    path = None if folder is None else folder / f"{name}-{_key(name, frame)}.json"
    if path is not None:
        try:
            return list(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass  # no entry yet, or an unreadable one: compute it below
    records = compute()
    if path is not None:
        store_entry(path, records)
    return records
