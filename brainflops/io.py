"""Safe file output: atomic writes that never leave a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from brainflops.errors import OutputExistsError

__all__ = ["atomic_write"]


def atomic_write(
    path: str | os.PathLike[str], data: str | bytes, *, overwrite: bool = False
) -> Path:
    """Write ``data`` to ``path`` atomically.

    The data go to a temporary file in the same directory, which is flushed, synced and
    then renamed over ``path``; an interrupted run leaves either the old file or the new
    one, never a partial one.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is false.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise OutputExistsError(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates the file private (0600); give it the permissions a plain open()
        # would, so replacing an output does not make it unreadable to others.
        umask = os.umask(0)
        os.umask(umask)
        Path(tmp_name).chmod(0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp_name).replace(target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target
