"""Safe file output: atomic writes that never leave a half-written file behind.

:func:`figure_png` renders a matplotlib figure to PNG bytes and :func:`save_figure_png`
writes one atomically; every module that saves a chart uses these two.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from brainflops.core.errors import InvalidValueError, OutputExistsError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["DEFAULT_DPI", "atomic_write", "check_png_path", "figure_png", "save_figure_png"]

#: Resolution of saved charts unless a caller asks for another (dots per inch).
DEFAULT_DPI = 150


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


def figure_png(fig: Figure, dpi: float = DEFAULT_DPI) -> bytes:
    """Render ``fig`` to PNG bytes at ``dpi`` dots per inch (no pyplot state is touched).

    A figure built with :class:`matplotlib.figure.Figure` directly gets an Agg canvas for
    the rendering; its own ``dpi`` setting is ignored in favour of ``dpi``.
    """
    if not dpi > 0:
        raise InvalidValueError(name="dpi", reason=f"must be positive, got {dpi!r}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def check_png_path(path: str | os.PathLike[str], name: str = "--plot") -> Path:
    """Return ``path`` as a Path, or raise when it does not end in ``.png``.

    Charts are written as PNG whatever the file name says, so a name such as
    ``chart.svg`` or ``fit.txt`` is refused rather than filled with PNG bytes.
    """
    target = Path(path)
    if target.suffix.lower() != ".png":
        raise InvalidValueError(name, f"writes a PNG; give a file ending in .png, got {path}")
    return target


def save_figure_png(
    fig: Figure,
    path: str | os.PathLike[str],
    *,
    dpi: float = DEFAULT_DPI,
    overwrite: bool = False,
) -> Path:
    """Render ``fig`` with :func:`figure_png` and write it to ``path`` atomically.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is false.
    """
    return atomic_write(path, figure_png(fig, dpi), overwrite=overwrite)
