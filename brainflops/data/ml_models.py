"""Epoch AI's notable machine-learning models: training compute, hardware and dates.

**Data: Epoch AI (epoch.ai), CC BY 4.0.** The file ``brainflops/data/ml/epoch_notable_models.csv``
holds the 535 notable models of Epoch's *Data on Notable AI Models* (snapshot of 2026-08-19)
that have a training-compute estimate; provenance in ``brainflops/data/ml/SOURCES.md``.

Three series are built from it and registered in :mod:`brainflops.data.datasets`, so that
``load_series`` and the trend fits accept them; every value is in FLOP (Epoch counts a
multiply-add as 2 FLOP):

* ``ml-training-all`` -- every model;
* ``ml-training-frontier`` -- the models Epoch flags as frontier models (top 10 by training
  compute at the time of their release, Epoch's definition, not recomputed here);
* ``ml-training-largest`` -- the running record, the largest training run to date: a model is
  kept when its compute is strictly greater than that of every model published before it
  (models of the same date are taken largest first).

Examples
--------
>>> first = first_model_above(3e23)
>>> first.name, first.date, first.training_flop
('GPT-3 175B (davinci)', '2020-05-28', 3.14e+23)
>>> first_model_above(1e40) is None
True
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from brainflops.core.errors import InvalidValueError
from brainflops.data.packaged import (
    EPOCH_CREDIT,
    EPOCH_MODELS_SOURCE,
    decimal_year,
    read_packaged_csv,
)

__all__ = [
    "PUBLISHED_FRONTIER_GROWTH",
    "SERIES_KINDS",
    "NotableModel",
    "first_model_above",
    "load_notable_models",
    "training_series",
]

_FOLDER = "ml"
_FILE = "epoch_notable_models.csv"
SERIES_KINDS = ("all", "frontier", "largest")

# What Epoch published about the growth of frontier training compute, in its own words and
# unit, so that fits of ``ml-training-frontier`` can be checked against it.
PUBLISHED_FRONTIER_GROWTH = {
    "low": 4.0,
    "high": 5.0,
    "unit": "times per year",
    "wording": "training compute of frontier models grows by 4-5x per year",
    "source": "epoch-frontier-growth",
    "locator": "introduction and summary",
}


@functools.cache
def _table() -> pd.DataFrame:
    raw = read_packaged_csv(_FOLDER, _FILE)
    out = pd.DataFrame(
        {
            "name": raw["system"].astype(str),
            "organization": raw["organization"].fillna("").astype(str),
            "domain": raw["domain"].fillna("").astype(str),
            "date": raw["publication_date"].astype(str),
            "year": [decimal_year(d) for d in raw["publication_date"].astype(str)],
            "training_flop": pd.to_numeric(raw["training_compute_flop"]).astype(float),
            "parameters": pd.to_numeric(raw["parameters"], errors="coerce").astype(float),
            # Kept as text: a few cells hold two comma-joined numbers, as in Epoch's file.
            "training_dataset_size": raw["training_dataset_size"],
            "training_hardware": raw["training_hardware"],
            "hardware_quantity": pd.to_numeric(raw["hardware_quantity"], errors="coerce"),
            "training_time_hours": pd.to_numeric(raw["training_time_hours"], errors="coerce"),
            "training_cost_usd_2023": pd.to_numeric(
                raw["training_compute_cost_usd_2023"], errors="coerce"
            ),
            "confidence": raw["confidence"].fillna("").astype(str),
            # Blank means "not flagged" in Epoch's file, not an explicit False.
            "frontier": raw["frontier"].astype(str).str.strip().eq("True"),
        }
    )
    return out.sort_values(["year", "name"], kind="stable").reset_index(drop=True)


def load_notable_models() -> pd.DataFrame:
    """Return every packaged notable model, sorted by publication date.

    Columns: ``name``, ``organization``, ``domain``, ``date`` (``YYYY-MM-DD``), ``year``
    (decimal year, middle of the day), ``training_flop`` (FLOP), ``parameters``,
    ``training_dataset_size`` (text, Epoch's domain-dependent unit), ``training_hardware``
    (accelerator names as Epoch spells them), ``hardware_quantity`` (accelerators),
    ``training_time_hours`` (wall-clock hours), ``training_cost_usd_2023``, ``confidence``
    (Confident / Likely / Speculative) and ``frontier`` (bool, Epoch's flag). Missing numbers
    are NaN. ``frame.attrs["credit"]`` is the credit line the data must carry.

    Examples
    --------
    >>> models = load_notable_models()
    >>> len(models), int(models["frontier"].sum())
    (535, 113)
    """
    frame = _table().copy()
    frame.attrs = {"source": EPOCH_MODELS_SOURCE, "credit": EPOCH_CREDIT}
    return frame


def _records(models: pd.DataFrame) -> pd.DataFrame:
    """Rows whose compute is strictly above every earlier row's (same date: largest first)."""
    ordered = models.sort_values(["year", "training_flop"], ascending=[True, False], kind="stable")
    flop = ordered["training_flop"].to_numpy(dtype=float)
    earlier_max = np.concatenate(([-np.inf], np.maximum.accumulate(flop)[:-1]))
    return ordered[flop > earlier_max]


def training_series(kind: str) -> pd.DataFrame:
    """Return one training-compute series in the layout of :func:`datasets.load_series`.

    Parameters
    ----------
    kind:
        ``"all"``, ``"frontier"`` or ``"largest"`` (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``date``, ``value [FLOP]``, ``label`` (the model name),
        ``organization`` and ``confidence``, sorted by date.
    """
    models = _table()
    if kind == "all":
        chosen = models
    elif kind == "frontier":
        chosen = models[models["frontier"]]
    elif kind == "largest":
        chosen = _records(models)
    else:
        raise InvalidValueError(
            name="kind", reason=f"expected one of {SERIES_KINDS}, got {kind!r}"
        )
    frame = pd.DataFrame(
        {
            "year": chosen["year"],
            "date": chosen["date"],
            "value [FLOP]": chosen["training_flop"],
            "label": chosen["name"],
            "organization": chosen["organization"],
            "confidence": chosen["confidence"],
        }
    )
    return frame.sort_values("year", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class NotableModel:
    """One model of the data set: the first whose training compute passed a threshold."""

    name: str
    organization: str
    date: str
    year: float
    training_flop: float
    confidence: str

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-able dict (with the credit line)."""
        return {**asdict(self), "credit": EPOCH_CREDIT}


def first_model_above(flop: float) -> NotableModel | None:
    """Return the first model whose training compute exceeded ``flop`` FLOP, or None.

    The first model in publication order with training compute strictly greater than
    ``flop`` (it is necessarily a record of ``ml-training-largest``); None when no model in
    the data has passed it.

    Raises
    ------
    InvalidValueError
        If ``flop`` is not a finite number.
    """
    threshold = float(flop)
    if not math.isfinite(threshold):
        raise InvalidValueError(name="flop", reason=f"must be finite, got {flop!r}")
    records = _records(_table())
    passed = records[records["training_flop"] > threshold]
    if passed.empty:
        return None
    row = passed.iloc[0]
    return NotableModel(
        name=str(row["name"]),
        organization=str(row["organization"]),
        date=str(row["date"]),
        year=float(row["year"]),
        training_flop=float(row["training_flop"]),
        confidence=str(row["confidence"]),
    )
