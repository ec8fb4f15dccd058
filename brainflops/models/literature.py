"""Published brain-compute estimates side by side: table, JSON records and chart.

Every estimate is a built-in preset (``brainflops/data/presets``) that rebuilds its source's
estimate from the source's own inputs. ``reported`` is what the source printed, in the
source's unit and form: a point (``1e8 MIPS``), a range (``1e13-1e17 FLOP/s``) or a bound
(``< 1e21 FLOP/s``); where that unit is not FLOP/s, ``converted`` is brainflops' FLOP/s
conversion (derived, with its citation) and the ``headline`` column says so. Where the
source gives no figure for the brain (``landauer``, ``carlsmith2020:functional``),
``reported`` is empty and ``reported_note`` says why. Each row's ``kind`` says whether it
is an estimate or a bound; ``published`` is False for this project's own estimate.

This module loads them all, puts each one's central value and 90% range on a common
FLOP/s scale, and draws them against two reference machines: the current TOP500 #1 (FP64
HPL Rmax) and one NVIDIA H100 (dense BF16 tensor FLOP/s), both read from
:mod:`brainflops.data.datasets`.

A preset with variants contributes one row per variant; its base row is left out when a
variant is marked ``default = true`` (it would duplicate that variant). Variants may carry
their own ``method``, ``group`` and ``counts``, which take precedence over the preset's.

Examples
--------
>>> table = comparison_table(["kurzweil1999", "merkle1989"])
>>> [f"{name}: {central:.3g}" for name, central in zip(table["preset"], table["central"])]
['kurzweil1999: 2e+16', 'merkle1989: 1e+16']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pint

from brainflops.core import fmt
from brainflops.core.errors import DataError
from brainflops.core.units import FLOPS, as_quantity
from brainflops.data.datasets import load_accelerators, load_series, series_citations, value_column
from brainflops.models.model import Model
from brainflops.models.presets import list_presets, load_preset, preset_document

__all__ = [
    "GROUP_ORDER",
    "GROUP_TITLES",
    "ReferenceLine",
    "comparison_records",
    "comparison_summary",
    "comparison_table",
    "estimate_names",
    "lifetime_anchor",
    "reference_lines",
]

#: Method groups in the order the chart stacks them (top to bottom); others follow.
GROUP_ORDER: tuple[str, ...] = (
    "mechanistic",
    "emulation",
    "functional",
    "communication",
    "limit",
    "survey",
    "brainflops",
)
#: Heading of each method group on charts and in tables.
GROUP_TITLES = {
    "brainflops": "This project's estimate (not published)",
    "mechanistic": "Mechanistic (count operations in the brain's parts)",
    "emulation": "Whole-brain emulation (simulation detail levels)",
    "functional": "Functional (scale an artificial equivalent of a brain part)",
    "communication": "Communication (traversed edges per second)",
    "limit": "Physical limit (an upper bound, not an estimate)",
    "survey": "Surveys and priors",
}

#: Draws and seed for presets whose range is not monotone in their inputs.
SAMPLES = 20_000
SEED = 20240101
_H100 = "NVIDIA H100 SXM5 80GB"
_H100_COLUMN = "tensor_fp16_bf16 [FLOP/s]"
_COLUMNS = (
    "preset",
    "base",
    "variant",
    "title",
    "method",
    "group",
    "year",
    "central",
    "low",
    "high",
    "interval",
    "unit",
    "counts",
    "kind",
    "published",
    "headline",
    "reported",
    "reported_unit",
    "reported_bound",
    "converted",
    "conversion_source",
    "reported_note",
    "source",
    "unverified",
)
#: The group of this project's own estimates: listed apart, never counted as published.
OWN_GROUP = "brainflops"


# --------------------------------------------------------------------------- selection
def _variants(base: str) -> list[Mapping[str, Any]]:
    return list(preset_document(base).get("variants", []))


def estimate_names(presets: Iterable[str] | None = None) -> list[str]:
    """The ``preset`` or ``preset:variant`` names a comparison shows.

    Parameters
    ----------
    presets:
        Preset names (each expanded to its variants) or ``preset:variant`` names (kept as
        they are). ``None`` means every built-in preset.

    Returns
    -------
    list of str
        In the order given (built-ins: alphabetical), variants in file order. A preset's
        base row is omitted when one of its variants is marked ``default = true``.
    """
    names = list_presets() if presets is None else list(presets)
    out: list[str] = []
    for name in names:
        if ":" in name:
            out.append(name)
            continue
        variants = _variants(name)
        if not any(v.get("default") is True for v in variants):
            out.append(name)
        out.extend(f"{name}:{v['name']}" for v in variants)
    return out


# --------------------------------------------------------------------------- table
def _meta(model: Model, key: str, default: Any = None) -> Any:
    variant = model.metadata.get("variant") or {}
    if key in variant:
        return variant[key]
    return model.metadata.get(key, default)


def _interval(model: Model, central: float) -> tuple[float, float, str]:
    used = set(model.used_parameters())
    if not any(model.parameters[n].is_uncertain for n in used):
        return central, central, "none"
    # The 90% interval of the estimate itself, not the corners of the input box: with
    # several uncertain inputs the corners are far more extreme than the 5th/95th
    # percentiles of the output.
    samples = model.sample(SAMPLES, seed=SEED)
    p5, p95 = samples.percentile_log10(np.array([5.0, 95.0]))
    return float(10.0**p5), float(10.0**p95), "sampled"


def _row(name: str) -> dict[str, Any]:
    model = load_preset(name)
    base, _, variant = name.partition(":")
    central = float(model.central().m_as(FLOPS))
    low, high, how = _interval(model, central)
    used = model.used_parameters()
    year = _meta(model, "year")
    return {
        "preset": name,
        "base": base,
        "variant": variant or None,
        "title": model.title,
        "method": str(_meta(model, "method", "")),
        "group": str(_meta(model, "group", "other")),
        "year": int(year) if year is not None else None,
        "central": central,
        "low": low,
        "high": high,
        "interval": how,
        "unit": "FLOP/s",
        "counts": str(_meta(model, "counts", "")),
        "kind": model.kind,
        "published": str(_meta(model, "group", "other")) != OWN_GROUP,
        **_headline_columns(model),
        "reported_note": " ".join(str(_meta(model, "reported_note", "")).split()),
        "source": str(_meta(model, "source", "")),
        "unverified": [n for n in used if not model.parameters[n].verified],
    }


def _headline_columns(model: Model) -> dict[str, Any]:
    headline = model.metadata.get("headline")
    if headline is None:
        return {
            "headline": "none",
            "reported": None,
            "reported_unit": None,
            "reported_bound": None,
            "converted": None,
            "conversion_source": None,
        }
    record = headline.to_record()
    return {
        # Whose number the FLOP/s figure is: the source's own, or our conversion of it.
        "headline": "source" if headline.is_flops else "our conversion",
        "reported": record["reported"],
        "reported_unit": record["reported_unit"],
        "reported_bound": record["reported_bound"],
        "converted": record["converted"],
        "conversion_source": record["conversion_source"],
    }


def comparison_table(presets: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per published estimate, all in FLOP/s.

    Parameters
    ----------
    presets:
        What to compare (see :func:`estimate_names`); every built-in preset by default.

    Returns
    -------
    pandas.DataFrame
        Columns: ``preset`` (name to pass to :func:`~brainflops.load_preset`), ``base``,
        ``variant``, ``title``, ``method``, ``group``, ``year``, ``central`` (FLOP/s at the
        inputs' central values), ``low`` and ``high`` (the 90% range, see below),
        ``interval`` (how the range was obtained), ``unit`` (always ``"FLOP/s"``),
        ``counts`` (what the estimate counts), ``reported`` (the source's own headline
        figure in FLOP/s; missing where the source states only a range or no figure),
        ``reported_note``, ``source`` (citation key) and ``unverified`` (used parameters
        not checked against their primary source).

    Notes
    -----
    ``low``/``high`` are the 5th and 95th percentiles of :data:`SAMPLES` Monte Carlo draws
    with seed :data:`SEED` (``interval == "sampled"``), and equal to ``central`` for an
    estimate without stated uncertainty (``"none"``).
    """
    rows = [_row(name) for name in estimate_names(presets)]
    return pd.DataFrame(rows, columns=list(_COLUMNS))


def comparison_records(
    presets: Iterable[str] | None = None,
    *,
    table: pd.DataFrame | None = None,
) -> list[dict[str, Any]]:
    """:func:`comparison_table` as a list of plain dicts, ready for JSON.

    Parameters
    ----------
    presets:
        As for :func:`comparison_table`; ignored when ``table`` is given.
    table:
        An already computed :func:`comparison_table`.

    Returns
    -------
    list of dict
        One dict per row with the table's columns; missing values are ``None`` and numbers
        are Python floats and ints.
    """
    frame = comparison_table(presets) if table is None else table
    records = []
    for row in frame.to_dict("records"):
        records.append({key: _plain(value) for key, value in row.items()})
    return records


def comparison_summary(presets: Iterable[str] | None = None) -> dict[str, Any]:
    """What ``brainflops compare`` shows: ``{"samples": SAMPLES, "records": [...]}``.

    ``records`` are :func:`comparison_records`; ``samples`` is the number of draws behind
    their ``low``/``high``.
    """
    return {"samples": SAMPLES, "records": comparison_records(presets)}


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# --------------------------------------------------------------------------- lifetime anchor
def lifetime_anchor(
    brain: Model | str | pint.Quantity = "cotra2020",
    lifetime: pint.Quantity | str | float | None = None,
) -> pint.Quantity:
    """The raw product behind Cotra's lifetime anchor: brain FLOP/s x a lifetime's seconds.

    Parameters
    ----------
    brain:
        A model (its central FLOP/s is used), a preset name, or a FLOP/s quantity (a
        string starting with a digit, such as ``"1e15 FLOP/s"``, is read as a quantity).
        Defaults to the ``cotra2020`` preset (median about 1e15 FLOP/s).
    lifetime:
        Duration (a quantity, a string such as ``"30 year"``, or seconds). Defaults to
        the ``lifetime`` parameter of ``cotra2020`` (1e9 s, from the Rethink Priorities port).

    Returns
    -------
    pint.Quantity
        Total FLOP, about 1e24 with the defaults: only the raw brain x lifetime product.
        Cotra's lifetime anchor adds an efficiency penalty on top (the Rethink Priorities
        port: 2-5 orders of magnitude, 90% interval), which is not modelled here.

    Examples
    --------
    >>> f"{lifetime_anchor().m_as('FLOP'):.1e}"
    '1.0e+24'
    """
    if isinstance(brain, str) and not brain[:1].isdigit():
        brain = load_preset(brain)
    rate = brain.central() if isinstance(brain, Model) else as_quantity(brain, FLOPS, "brain")
    if lifetime is None:
        seconds = load_preset("cotra2020").parameter("lifetime").quantity
    else:
        seconds = as_quantity(lifetime, "s", "lifetime")
    return (rate * seconds).to("FLOP")


# --------------------------------------------------------------------------- references
@dataclass(frozen=True)
class ReferenceLine:
    """A machine drawn as a vertical line on the comparison chart.

    Attributes
    ----------
    label:
        Legend text.
    value:
        FLOP/s.
    note:
        What the number measures and where it comes from.
    source:
        Bibliography key of the data (see :func:`brainflops.data.citations.cite`).
    """

    label: str
    value: float
    note: str
    source: str = ""


def reference_lines() -> list[ReferenceLine]:
    """The TOP500 #1 of the latest list (FP64 HPL Rmax) and one H100 (dense BF16).

    Raises
    ------
    DataError
        If the packaged data lack either figure.
    """
    top = load_series("top500-rank1")
    last = top.iloc[-1]
    rmax = float(last[value_column(top)])
    accelerators = load_accelerators()
    h100 = accelerators[accelerators["name"] == _H100]
    if h100.empty or not np.isfinite(h100[_H100_COLUMN].iloc[0]):
        msg = f"the accelerator table has no {_H100_COLUMN} figure for {_H100}"
        raise DataError(msg)
    bf16 = float(h100[_H100_COLUMN].iloc[0])
    return [
        ReferenceLine(
            f"TOP500 #1 ({last['label']}, {last['date']}): {fmt.sci(rmax, 'FLOP/s', digits=2)} FP64 HPL",
            rmax,
            "HPL Rmax of the #1 system on the latest TOP500 list (brainflops.data.datasets)",
            series_citations()["top500-rank1"],
        ),
        ReferenceLine(
            f"One H100 SXM: {fmt.sci(bf16, 'FLOP/s', digits=2)} dense BF16",
            bf16,
            "Dense BF16 tensor peak of the NVIDIA H100 SXM5 (Epoch AI hardware data)",
            series_citations()["gpu-tensor-fp16"],
        ),
    ]
