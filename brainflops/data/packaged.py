"""The packaged data files: reading them, and the decimal-year date convention they use.

:mod:`brainflops.data.datasets` builds its series on these and re-exports both names.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from importlib import resources

import pandas as pd

from brainflops.core.errors import DataError, InvalidValueError

__all__ = ["EPOCH_CREDIT", "EPOCH_MODELS_SOURCE", "decimal_year", "read_packaged_csv"]

_DATA_PACKAGE = "brainflops"


# --------------------------------------------------------------------------- dates


def decimal_year(date: str) -> float:
    """Convert ``YYYY-MM`` (a list date) or ``YYYY-MM-DD`` (a release date) to a decimal year.

    ``YYYY-MM`` maps to the middle of the month, ``YYYY + (MM - 0.5) / 12``; ``YYYY-MM-DD``
    to the middle of the day, ``YYYY + (day_of_year - 0.5) / days_in_year``.

    Raises
    ------
    InvalidValueError
        If ``date`` has neither form or is not a real date.

    Examples
    --------
    >>> round(decimal_year("2013-06"), 4)
    2013.4583
    >>> round(decimal_year("2015-01-01"), 5)
    2015.00137
    """
    text = str(date).strip()
    month_match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if month_match:
        year, month = int(month_match.group(1)), int(month_match.group(2))
        if not 1 <= month <= 12:
            raise InvalidValueError(name="date", reason=f"month out of range in {date!r}")
        return year + (month - 0.5) / 12.0
    day_match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if day_match:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError as exc:
            raise InvalidValueError(name="date", reason=f"not a calendar date: {date!r}") from exc
        days = 366 if calendar.isleap(day.year) else 365
        return day.year + (day.timetuple().tm_yday - 0.5) / days
    raise InvalidValueError(name="date", reason=f"expected YYYY-MM or YYYY-MM-DD, got {date!r}")


# --------------------------------------------------------------------------- raw files


@functools.cache
def _read_csv(folder: str, filename: str) -> pd.DataFrame:
    resource = resources.files(_DATA_PACKAGE) / "data" / folder / filename
    # Dates stay text: decimal_year parses them, and pandas must not guess their format.
    dates = {"list_date": str, "release_date": str, "publication_date": str}
    try:
        with resource.open("r", encoding="utf-8") as handle:
            frame = pd.read_csv(handle, dtype=dates)
    except FileNotFoundError as exc:
        msg = f"packaged data file {folder}/{filename} is missing"
        raise DataError(msg) from exc
    return frame


def read_packaged_csv(folder: str, filename: str) -> pd.DataFrame:
    """Return a copy of the packaged CSV ``brainflops/data/FOLDER/FILENAME`` (read once).

    Date columns (``list_date``, ``release_date``, ``publication_date``) stay text.

    Raises
    ------
    DataError
        If the file is not in the package.
    """
    return _read_csv(folder, filename).copy()


EPOCH_CREDIT = "Data: Epoch AI (epoch.ai), CC BY 4.0"  # required with any Epoch-derived output
EPOCH_MODELS_SOURCE = (
    "Epoch AI, 'Data on Notable AI Models', https://epoch.ai/data/notable-ai-models "
    "(CC BY 4.0), snapshot of 2026-08-19; see brainflops/data/ml/SOURCES.md. " + EPOCH_CREDIT
)
