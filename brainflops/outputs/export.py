"""Assumption tables for documentation: Markdown, CSV, LaTeX, JSON and HTML.

Every format is generated from one DataFrame (:func:`assumptions_frame`), so the tables
in the docs, the CLI and the report cannot drift apart.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Literal

import pandas as pd

from brainflops.core.errors import InvalidValueError
from brainflops.params.parameters import FIELDS

if TYPE_CHECKING:
    from brainflops.uncertainty.protocol import LogModel

__all__ = ["FORMATS", "assumptions", "assumptions_frame"]

Format = Literal["markdown", "csv", "latex", "json", "html"]
FORMATS: tuple[str, ...] = ("markdown", "csv", "latex", "json", "html")

COLUMNS = FIELDS


def _distribution_text(spec: dict) -> str:
    kind = spec["kind"]
    if kind == "point":
        return "point"
    if kind == "mixture":
        return f"mixture of {len(spec['components'])}"
    return kind


def assumptions_frame(model: LogModel) -> pd.DataFrame:
    """One row per parameter with every field of its record."""
    rows = []
    for parameter in model.parameters.values():
        record = parameter.to_record()
        record["distribution"] = _distribution_text(record["distribution"])
        rows.append({column: record[column] for column in COLUMNS})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def assumptions(model: LogModel, fmt: str = "markdown") -> str:
    """The assumption table of ``model`` as text in ``fmt``.

    Examples
    --------
    >>> import brainflops
    >>> from brainflops.outputs.export import assumptions
    >>> print(assumptions(brainflops.load_preset("dettmers2015"), "csv").splitlines()[0])
    name,symbol,unit,value,low,high,distribution,source,locator,provenance,verified,note,minimum,maximum,replaces
    """
    frame = assumptions_frame(model)
    if fmt == "csv":
        # A text cell starting with = + - @ would run as a formula in a spreadsheet
        # (scenario notes are user text); a leading apostrophe keeps it text.
        frame = frame.map(lambda v: f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" and v else v)
        return frame.to_csv(index=False, lineterminator="\n")
    if fmt == "json":
        records = [
            {k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")
        ]
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    text = frame.map(_fmt)
    if fmt == "markdown":
        from tabulate import tabulate  # noqa: PLC0415 - optional at import time

        return (
            tabulate(
                text.to_numpy().tolist(),
                headers=list(text.columns),
                tablefmt="pipe",
                disable_numparse=True,
            )
            + "\n"
        )
    if fmt == "latex":
        plain = frame.map(lambda v: _fmt(v).replace("**", ""))
        styler = plain.style.hide(axis="index").format(escape="latex")
        return styler.format_index(escape="latex", axis=1).to_latex(hrules=True)
    if fmt == "html":
        plain = frame.map(lambda v: _fmt(v).replace("**", ""))
        return plain.to_html(index=False, escape=True, border=0, classes="assumptions") + "\n"
    raise InvalidValueError("format", f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
