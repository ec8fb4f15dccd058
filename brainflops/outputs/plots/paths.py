"""What a chart file may be called, and the Epoch credit: cheap checks with no matplotlib."""

from __future__ import annotations

import os
from pathlib import Path

from brainflops.core.errors import InvalidValueError

__all__ = ["EPOCH_CREDIT", "FORMATS", "check_path"]

#: The credit Epoch AI's licence asks for wherever its data appear.
EPOCH_CREDIT = "Data: Epoch AI (epoch.ai), CC BY 4.0"
#: File types a chart can be written as, by suffix.
FORMATS = (".svg", ".png", ".pdf")


def check_path(path: str | os.PathLike[str], name: str = "--plot") -> Path:
    """``path`` as a Path, or an error naming ``name`` when its suffix is not a chart format.

    Cheap (no matplotlib), so a command can refuse a bad file name before computing.

    >>> check_path("fig.svg").name
    'fig.svg'
    >>> check_path("fig.txt")
    Traceback (most recent call last):
    ...
    brainflops.core.errors.InvalidValueError: --plot: writes .svg, .png or .pdf files; got fig.txt
    """
    target = Path(path)
    if target.suffix.lower() not in FORMATS:
        raise InvalidValueError(name, f"writes .svg, .png or .pdf files; got {path}")
    return target
