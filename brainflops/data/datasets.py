"""Packaged HPC and accelerator trend data.

The CSV files in ``brainflops/data/hpc`` (provenance in ``brainflops/data/hpc/SOURCES.md``)
are read with :mod:`importlib.resources` and returned as :class:`pandas.DataFrame` objects
whose value columns carry their unit in the column name and hold base SI units
(``value [FLOP/s]``, ``value [FLOP/s/W]``, ``memory [B]``...).

Date convention
---------------
Every series has a ``year`` column holding a decimal year:

* a list dated ``YYYY-MM`` (TOP500, HPCG, Green500) is placed at ``YYYY + (MM - 0.5) / 12``,
  the middle of the month (June = YYYY.458, November = YYYY.875); this is the convention of
  the editors' fits in the project's literature notes (section 5.5);
* a release date ``YYYY-MM-DD`` (accelerators) is placed at
  ``YYYY + (day_of_year - 0.5) / days_in_year``, the middle of the day.

Accelerator series (``gpu-*``) keep, for each calendar release year, the one part with the
highest value (ties: earliest release date, then name), so they trace the yearly frontier
rather than every part. They are built from Epoch AI's "Data on Machine Learning Hardware"
(CC BY 4.0) and include every accelerator type in that table (GPUs, TPUs, NPUs...).

Examples
--------
>>> df = load_series("top500-rank1")
>>> list(df.columns)
['year', 'date', 'value [FLOP/s]', 'label']
>>> df.loc[0, "date"], round(float(df.loc[0, "year"]), 3)
('1993-06', 1993.458)
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from brainflops.core.errors import DataError, InvalidValueError, UnknownNameError
from brainflops.data.accelerators import PRECISION_COLUMNS
from brainflops.data.packaged import (
    EPOCH_CREDIT,
    EPOCH_MODELS_SOURCE,
    decimal_year,
    read_packaged_csv,
)

__all__ = [
    "EPOCH_CREDIT",
    "EPOCH_MODELS_SOURCE",
    "HpcgRatio",
    "decimal_year",
    "hpcg_hpl_ratio",
    "list_series",
    "load_accelerators",
    "load_series",
    "precision_series",
    "read_packaged_csv",
    "series_citations",
    "series_description",
    "series_sources",
    "series_unit",
    "value_column",
    "value_unit",
]

_HPC_FOLDER = "hpc"

TERA = 1e12  # SI prefix: the files give TFLOP/s, TOP/s
GIGA = 1e9  # SI prefix: the files give GFLOP/s per W, GB, GB/s (decimal, as Epoch's export)

_TOP500_SOURCE = (
    "TOP500.org list workbooks (https://www.top500.org/lists/top500/), mirrored in "
    "github:trecakov/AcademicSystemsTOP500@3f9ca45bce44; see brainflops/data/hpc/SOURCES.md"
)
_HPCG_SOURCE = (
    "Official HPCG lists (hpcg-benchmark.org; copies in github:icl-utk-edu/web@a9576418424d), "
    "2026-06 from the TOP500.org HPCG workbook; see brainflops/data/hpc/SOURCES.md"
)
_GREEN500_SOURCE = (
    "Green500 lists (https://www.top500.org/lists/green500/; 2007-11..2013-06 from archived "
    "green500.org pages); see brainflops/data/hpc/SOURCES.md"
)
_EPOCH_SOURCE = (
    "Epoch AI, 'Data on Machine Learning Hardware', https://epoch.ai/data/machine-learning-"
    "hardware (CC BY 4.0); export of 2025-11; see brainflops/data/hpc/SOURCES.md"
)

_VALUE_RE = re.compile(r"^value \[(?P<unit>.+)\]$")


def _raw(filename: str) -> pd.DataFrame:
    return read_packaged_csv(_HPC_FOLDER, filename)


# --------------------------------------------------------------------------- accelerators

# (file column, output column, multiplier to base units)
_ACCELERATOR_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("fp64_tflops", "fp64 [FLOP/s]", TERA),
    ("fp32_tflops", "fp32 [FLOP/s]", TERA),
    ("fp16_nontensor_tflops", "fp16 [FLOP/s]", TERA),
    ("tf32_tensor_tflops", "tf32_tensor [FLOP/s]", TERA),
    ("tensor_fp16_bf16_dense_tflops", "tensor_fp16_bf16 [FLOP/s]", TERA),
    ("fp8_tflops", "fp8 [FLOP/s]", TERA),
    ("int8_tops", "int8 [OP/s]", TERA),
    ("memory_gb", "memory [B]", GIGA),
    ("memory_bandwidth_gb_per_s", "memory_bandwidth [B/s]", GIGA),
    ("tdp_w", "tdp [W]", 1.0),
    ("launch_price_usd", "price [USD]", 1.0),
    ("process_nm", "process [nm]", 1.0),
)


def load_accelerators() -> pd.DataFrame:
    """Return Epoch AI's accelerator table (169 parts) in base units.

    Columns: ``name``, ``manufacturer``, ``type``, ``release_date`` (string, may be missing),
    ``release_year`` (calendar year, nullable integer), ``year`` (decimal year of the release
    date, NaN when unknown), then ``fp64 [FLOP/s]``, ``fp32 [FLOP/s]``, ``fp16 [FLOP/s]``
    (non-tensor), ``tf32_tensor [FLOP/s]``, ``tensor_fp16_bf16 [FLOP/s]`` (dense),
    ``fp8 [FLOP/s]``, ``int8 [OP/s]``, ``memory [B]``, ``memory_bandwidth [B/s]``,
    ``tdp [W]``, ``price [USD]`` (nominal launch price) and ``process [nm]``.

    Source: Epoch AI, "Data on Machine Learning Hardware", CC BY 4.0 (see
    ``brainflops/data/hpc/SOURCES.md``).
    """
    raw = _raw("epoch_ml_hardware_2025-11.csv")
    out = pd.DataFrame(
        {
            "name": raw["name"].astype(str),
            "manufacturer": raw["manufacturer"],
            "type": raw["type"],
            "release_date": raw["release_date"],
        },
    )
    years = [
        decimal_year(d) if isinstance(d, str) and d.strip() else math.nan
        for d in raw["release_date"]
    ]
    out["year"] = np.asarray(years, dtype=float)
    out["release_year"] = pd.array(
        [int(y) if math.isfinite(y) else None for y in years],
        dtype="Int64",
    )
    out = out[["name", "manufacturer", "type", "release_date", "release_year", "year"]]
    for source, target, factor in _ACCELERATOR_COLUMNS:
        out[target] = pd.to_numeric(raw[source], errors="coerce").astype(float) * factor
    return out


def _accelerator_frontier(value: Callable[[pd.DataFrame], pd.Series], unit: str) -> pd.DataFrame:
    acc = load_accelerators()
    values = value(acc)
    frame = pd.DataFrame(
        {
            "year": acc["year"],
            "date": acc["release_date"],
            "value": values,
            "label": acc["name"],
            "release_year": acc["release_year"],
        },
    )
    ok = np.isfinite(frame["year"]) & np.isfinite(frame["value"]) & (frame["value"] > 0)
    frame = frame[ok].sort_values(
        ["release_year", "value", "year", "label"], ascending=[True, False, True, True]
    )
    frame = frame.groupby("release_year", sort=True).head(1)
    frame = frame.drop(columns=["release_year"]).rename(columns={"value": f"value [{unit}]"})
    return frame.sort_values("year").reset_index(drop=True)


# --------------------------------------------------------------------------- series


def _list_frame(
    raw: pd.DataFrame,
    values: pd.Series,
    labels: pd.Series,
    unit: str,
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "year": [decimal_year(d) for d in raw["list_date"]],
            "date": raw["list_date"].astype(str),
            f"value [{unit}]": pd.to_numeric(values, errors="coerce").astype(float),
            "label": labels.astype(str),
        },
    )
    frame = frame[np.isfinite(frame[f"value [{unit}]"])]
    return frame.sort_values("year").reset_index(drop=True)


def _top500_rank1() -> pd.DataFrame:
    raw = _raw("top500_history.csv")
    return _list_frame(raw, raw["rank1_rmax_tflops"] * TERA, raw["rank1_name"], "FLOP/s")


def _top500_rank500() -> pd.DataFrame:
    raw = _raw("top500_history.csv")
    labels = pd.Series(["TOP500 rank 500"] * len(raw))
    return _list_frame(raw, raw["rank500_rmax_tflops"] * TERA, labels, "FLOP/s")


def _top500_sum() -> pd.DataFrame:
    raw = _raw("top500_history.csv")
    labels = pd.Series(["sum of the 500 systems"] * len(raw))
    return _list_frame(raw, raw["sum_rmax_tflops"] * TERA, labels, "FLOP/s")


def _hpcg_rank1() -> pd.DataFrame:
    raw = _raw("hpcg_history.csv")
    # The official list is the primary source; 2026-06 exists only in the TOP500.org workbook.
    tflops = raw["rank1_hpcg_tflops"].fillna(raw["rank1_hpcg_tflops_top500org"])
    return _list_frame(raw, tflops * TERA, raw["rank1_name"], "FLOP/s")


def _green500_rank1() -> pd.DataFrame:
    raw = _raw("green500_history.csv")
    values = raw["green500_rank1_gflops_per_watt"] * GIGA
    return _list_frame(raw, values, raw["green500_rank1_name"], "FLOP/s/W")


def _gpu_fp32() -> pd.DataFrame:
    return _accelerator_frontier(lambda a: a["fp32 [FLOP/s]"], "FLOP/s")


def _gpu_tensor_fp16() -> pd.DataFrame:
    return _accelerator_frontier(lambda a: a["tensor_fp16_bf16 [FLOP/s]"], "FLOP/s")


def _peak(acc: pd.DataFrame, precision: str) -> pd.Series:
    """Each part's peak rate at ``precision``: the first of its columns that has a value."""
    columns = PRECISION_COLUMNS[precision]
    peak = acc[columns[0]]
    for column in columns[1:]:
        peak = peak.fillna(acc[column])
    return peak


def _gpu_per_dollar(precision: str = "fp32") -> pd.DataFrame:
    return _accelerator_frontier(lambda a: _peak(a, precision) / a["price [USD]"], "FLOP/s/USD")


def _gpu_per_watt(precision: str = "fp32") -> pd.DataFrame:
    return _accelerator_frontier(lambda a: _peak(a, precision) / a["tdp [W]"], "FLOP/s/W")


def _ml_training(kind: str) -> pd.DataFrame:
    # ml_models imports this module (decimal_year, read_packaged_csv), hence the late import.
    from brainflops.data import ml_models  # noqa: PLC0415

    return ml_models.training_series(kind)


@dataclass(frozen=True)
class _SeriesSpec:
    unit: str
    description: str
    source: str
    build: Callable[[], pd.DataFrame]
    citation: str  # key of data/bibliography.toml


_SERIES: dict[str, _SeriesSpec] = {
    "top500-rank1": _SeriesSpec(
        "FLOP/s",
        "TOP500 #1 system, HPL Rmax (FP64)",
        _TOP500_SOURCE,
        _top500_rank1,
        citation="top500",
    ),
    "top500-rank500": _SeriesSpec(
        "FLOP/s",
        "TOP500 #500 system, HPL Rmax (FP64)",
        _TOP500_SOURCE,
        _top500_rank500,
        citation="top500",
    ),
    "top500-sum": _SeriesSpec(
        "FLOP/s",
        "sum of HPL Rmax over all 500 TOP500 systems (FP64)",
        _TOP500_SOURCE,
        _top500_sum,
        citation="top500",
    ),
    "hpcg-rank1": _SeriesSpec(
        "FLOP/s",
        "HPCG list #1 system, HPCG result (FP64)",
        _HPCG_SOURCE,
        _hpcg_rank1,
        citation="hpcg-lists",
    ),
    "green500-rank1": _SeriesSpec(
        "FLOP/s/W",
        "Green500 #1 energy efficiency, HPL FLOP/s per W (FP64; lists without "
        "a captured official value are left out)",
        _GREEN500_SOURCE,
        _green500_rank1,
        citation="green500",
    ),
    "gpu-fp32": _SeriesSpec(
        "FLOP/s",
        "best FP32 FLOP/s per accelerator, one part per release year",
        _EPOCH_SOURCE,
        _gpu_fp32,
        citation="epoch-ml-hardware",
    ),
    "gpu-tensor-fp16": _SeriesSpec(
        "FLOP/s",
        "best dense tensor FP16/BF16 FLOP/s per accelerator, one part per release year",
        _EPOCH_SOURCE,
        _gpu_tensor_fp16,
        citation="epoch-ml-hardware",
    ),
    "gpu-flops-per-dollar": _SeriesSpec(
        "FLOP/s/USD",
        "best FP32 FLOP/s per nominal launch-price US dollar, one part per release year",
        _EPOCH_SOURCE,
        _gpu_per_dollar,
        citation="epoch-ml-hardware",
    ),
    "gpu-flops-per-watt": _SeriesSpec(
        "FLOP/s/W",
        "best FP32 FLOP/s per W of board TDP, one part per release year",
        _EPOCH_SOURCE,
        _gpu_per_watt,
        citation="epoch-ml-hardware",
    ),
    "ml-training-all": _SeriesSpec(
        "FLOP",
        "training compute of every notable ML model with an estimate (Epoch AI)",
        EPOCH_MODELS_SOURCE,
        functools.partial(_ml_training, "all"),
        citation="epoch-notable-models",
    ),
    "ml-training-frontier": _SeriesSpec(
        "FLOP",
        "training compute of Epoch AI's frontier models (top 10 by compute at release)",
        EPOCH_MODELS_SOURCE,
        functools.partial(_ml_training, "frontier"),
        citation="epoch-notable-models",
    ),
    "ml-training-largest": _SeriesSpec(
        "FLOP",
        "largest training run to date (running record of Epoch AI's notable models)",
        EPOCH_MODELS_SOURCE,
        functools.partial(_ml_training, "largest"),
        citation="epoch-notable-models",
    ),
}


# The same two accelerator frontiers at every other precision of the hardware plans
# (``gpu-flops-per-dollar-bf16``...), for the budget and energy criteria at the precision
# the user chose. Not listed by :func:`list_series` (they repeat the table at another
# column); loaded by name like the others.
_PRECISION_SERIES: dict[str, _SeriesSpec] = {
    f"{name}-{precision}": _SeriesSpec(
        unit,
        f"best {precision.upper()} {what}, one part per release year",
        _EPOCH_SOURCE,
        functools.partial(build, precision),
        citation="epoch-ml-hardware",
    )
    for precision in PRECISION_COLUMNS
    if precision != "fp32"
    for name, unit, what, build in (
        (
            "gpu-flops-per-dollar",
            "FLOP/s/USD",
            "FLOP/s per nominal launch-price US dollar",
            _gpu_per_dollar,
        ),
        ("gpu-flops-per-watt", "FLOP/s/W", "FLOP/s per W of board TDP", _gpu_per_watt),
    )
}


def precision_series(quantity: str, precision: str) -> str:
    """The accelerator frontier of ``quantity`` (``per-dollar``/``per-watt``) at a precision.

    Examples
    --------
    >>> precision_series("per-dollar", "fp32"), precision_series("per-watt", "bf16")
    ('gpu-flops-per-dollar', 'gpu-flops-per-watt-bf16')
    """
    if quantity not in ("per-dollar", "per-watt"):
        raise UnknownNameError(kind="quantity", name=quantity, known=("per-dollar", "per-watt"))
    if precision not in PRECISION_COLUMNS:
        raise UnknownNameError(kind="precision", name=precision, known=PRECISION_COLUMNS)
    base = f"gpu-flops-{quantity}"
    return base if precision == "fp32" else f"{base}-{precision}"


def list_series(*, precisions: bool = False) -> list[str]:
    """Return the names of the packaged series, sorted.

    The per-precision accelerator frontiers (:func:`precision_series`) are included only
    with ``precisions=True``.
    """
    return sorted([*_SERIES, *(_PRECISION_SERIES if precisions else ())])


def _spec(name: str) -> _SeriesSpec:
    try:
        return _SERIES[name] if name in _SERIES else _PRECISION_SERIES[name]
    except KeyError:
        raise UnknownNameError(kind="series", name=name, known=_SERIES) from None


def series_sources() -> dict[str, str]:
    """Return ``{series name: source citation}`` for every packaged series."""
    return {name: _SERIES[name].source for name in list_series()}


def series_citations() -> dict[str, str]:
    """Return ``{series name: bibliography key}`` (see :func:`brainflops.data.citations.cite`)."""
    return {name: _SERIES[name].citation for name in list_series()}


def series_unit(name: str) -> str:
    """Return the unit of a series' value column (``FLOP/s``, ``FLOP/s/W``, ``FLOP``...)."""
    return _spec(name).unit


def series_description(name: str) -> str:
    """Return a one-line description of a series."""
    return _spec(name).description


@functools.cache
def _build(name: str) -> pd.DataFrame:
    spec = _spec(name)
    frame = spec.build()
    if len(frame) == 0:
        msg = f"series {name!r} has no rows"
        raise DataError(msg)
    return frame


def load_series(name: str) -> pd.DataFrame:
    """Return a packaged series as a DataFrame sorted by date.

    Parameters
    ----------
    name:
        One of :func:`list_series`.

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (decimal year, see the module docstring), ``date`` (the list or
        release date as written in the file), ``value [UNIT]`` (base units) and ``label``
        (the system or part name, or a description when the value has no single system).
        ``frame.attrs`` holds ``series``, ``unit`` and ``source``.

    Raises
    ------
    UnknownNameError
        If ``name`` is not a packaged series.
    """
    spec = _spec(name)
    frame = _build(name).copy()
    frame.attrs = {"series": name, "unit": spec.unit, "source": spec.source}
    return frame


def value_column(frame: pd.DataFrame) -> str:
    """Return the name of the single ``value [UNIT]`` column of ``frame``.

    Raises
    ------
    InvalidValueError
        If ``frame`` has no such column or more than one.
    """
    matches = [c for c in frame.columns if isinstance(c, str) and _VALUE_RE.match(c)]
    if len(matches) != 1:
        raise InvalidValueError(
            name="df",
            reason=f"expected exactly one 'value [UNIT]' column, found {matches or 'none'}",
        )
    return matches[0]


def value_unit(frame: pd.DataFrame) -> str:
    """Return the unit written in the value column's name (``value [FLOP/s]`` -> ``FLOP/s``)."""
    match = _VALUE_RE.match(value_column(frame))
    assert match is not None  # value_column only returns matching names
    return match.group("unit")


# --------------------------------------------------------------------------- HPCG/HPL


@dataclass(frozen=True)
class HpcgRatio:
    """The measured ratio HPCG / HPL Rmax of the HPCG list's #1 system.

    Attributes
    ----------
    median:
        Median over the distinct (system, HPCG, HPL) results; repeated lists where the same
        result stayed #1 are counted once, so Fugaku's ten lists do not dominate.
    minimum, maximum:
        Range over those results.
    latest:
        Ratio on the most recent list, with its date in ``latest_date``.
    n_results:
        Number of distinct results.
    source:
        Where the numbers come from.
    """

    median: float
    minimum: float
    maximum: float
    latest: float
    latest_date: str
    n_results: int
    source: str

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-able dict."""
        return asdict(self)


@functools.lru_cache(maxsize=1)
def hpcg_hpl_ratio() -> HpcgRatio:
    """Return the HPCG/HPL ratio of the HPCG #1 system, computed from ``hpcg_history.csv``.

    The per-row ratio is HPCG / HPL Rmax of the same system and list, from the exact
    TFLOP/s columns (``rank1_hpcg_tflops`` / ``rank1_hpl_rmax_tflops``, or the TOP500.org
    workbook's ``*_top500org`` copies where those are empty), not from the file's
    two-decimal percentage column. Distinct results are counted once (a system that stays
    #1 with the same numbers adds one value, not one per list). For comparison, the
    literature notes give about 1.7 % for Tianhe-2 and about 1 % for El Capitan
    (literature.md section 5.6).
    """
    raw = _raw("hpcg_history.csv").sort_values("list_date")
    hpcg = raw["rank1_hpcg_tflops"].fillna(raw["rank1_hpcg_tflops_top500org"])
    hpl = raw["rank1_hpl_rmax_tflops"].fillna(raw["rank1_hpl_rmax_tflops_top500org"])
    frame = pd.DataFrame(
        {
            "name": raw["rank1_name"],
            "hpcg": hpcg,
            "hpl": hpl,
            "ratio": hpcg / hpl,
            "date": raw["list_date"],
            "workbook": raw["source"].astype(str).str.startswith("TOP500.org HPCG"),
        }
    ).dropna(subset=["ratio"])
    if frame.empty:
        msg = "hpcg_history.csv has no HPCG/HPL ratio"
        raise DataError(msg)
    distinct = frame.drop_duplicates(subset=["name", "hpcg", "hpl"])
    values = distinct["ratio"].to_numpy(dtype=float)
    official = frame.loc[~frame["workbook"], "date"]
    workbook = frame.loc[frame["workbook"], "date"]
    origin = (
        [f"official HPCG lists {official.iloc[0]}..{official.iloc[-1]}"] if len(official) else []
    )
    if len(workbook):
        origin.append(f"{', '.join(workbook)} from the TOP500.org HPCG workbook")
    return HpcgRatio(
        median=float(np.median(values)),
        minimum=float(values.min()),
        maximum=float(values.max()),
        latest=float(frame["ratio"].iloc[-1]),
        latest_date=str(frame["date"].iloc[-1]),
        n_results=len(values),
        source="brainflops/data/hpc/hpcg_history.csv: rank1_hpcg_tflops / "
        f"rank1_hpl_rmax_tflops ({'; '.join(origin)})",
    )
