"""Assumption tables: a terminal view, Markdown, CSV, LaTeX, JSON and HTML.

Every format is generated from one DataFrame (:func:`assumptions_frame`), so the tables
in the docs, the CLI and the report cannot drift apart. CSV and JSON keep every field at
full precision; the others are for people and write numbers with :mod:`brainflops.core.fmt`.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import pandas as pd

from brainflops.core import fmt
from brainflops.core.errors import InvalidValueError
from brainflops.params.parameters import FIELDS

if TYPE_CHECKING:
    from brainflops.uncertainty.protocol import LogModel

__all__ = [
    "COLUMNS",
    "FORMATS",
    "LATEX_COLUMNS",
    "LONGTABLE_ROWS",
    "assumptions",
    "assumptions_frame",
    "parse_columns",
]

Format = Literal["text", "markdown", "csv", "latex", "json", "html"]
FORMATS: tuple[str, ...] = ("text", "markdown", "csv", "latex", "json", "html")

#: Every column of the full table (the fields of :class:`~brainflops.Parameter`).
COLUMNS = FIELDS
#: Columns of a LaTeX table unless ``columns`` says otherwise: what fits a page width.
LATEX_COLUMNS = ("symbol", "name", "value", "low", "high", "unit", "provenance", "source")
#: From this many rows on, a LaTeX table is a ``longtable`` that breaks across pages.
LONGTABLE_ROWS = 30
_TEXT_MIN_WIDTH = 60
_LATEX_HEADERS = {
    "symbol": "Symbol",
    "name": "Parameter",
    "value": "Value",
    "low": "5th pct.",
    "high": "95th pct.",
    "unit": "Unit",
    "provenance": "Basis",
    "source": "Source",
    "locator": "Where in the source",
    "distribution": "Distribution",
    "verified": "Verified",
    "note": "Note",
}


def _distribution_text(spec: dict) -> str:
    kind = spec["kind"]
    if kind == "point":
        return "point"
    if kind == "mixture":
        return f"mixture of {len(spec['components'])}"
    if kind == "truncated":  # the shape, cut at the parameter's physical bounds
        return f"{_distribution_text(spec['base'])}, truncated"
    return kind


def assumptions_frame(model: LogModel) -> pd.DataFrame:
    """One row per parameter with every field of its record."""
    rows = []
    for parameter in model.parameters.values():
        record = parameter.to_record()
        record["distribution"] = _distribution_text(record["distribution"])
        rows.append({column: record[column] for column in COLUMNS})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def parse_columns(text: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """``"symbol,value,unit"`` as a tuple of known columns (None stays None).

    >>> parse_columns("symbol, value,unit")
    ('symbol', 'value', 'unit')
    >>> parse_columns("symbol,colour")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    brainflops.core.errors.InvalidValueError: --columns: unknown column 'colour'; choose from name, symbol, unit, ...
    """
    if text is None:
        return None
    names = [c.strip() for c in text.split(",")] if isinstance(text, str) else list(text)
    for name in names:
        if name not in COLUMNS:
            raise InvalidValueError(
                "--columns", f"unknown column {name!r}; choose from {', '.join(COLUMNS)}"
            )
    if not names:
        raise InvalidValueError("--columns", "name at least one column")
    return tuple(names)


def _cell(value: object) -> str:
    """A cell for people: numbers with three significant figures, blanks for missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float | int):
        return fmt.sci(float(value))
    return str(value)


def _text_view(frame: pd.DataFrame, width: int) -> str:
    """The table as a person reads it in a terminal: one line of numbers per parameter,
    then its source and locator wrapped and indented under it."""
    rows = []
    for row in frame.to_dict("records"):
        spread = "" if pd.isna(row["low"]) else fmt.interval(row["low"], row["high"])
        basis = row["provenance"] + ("" if row["verified"] else ", unverified")
        rows.append((row["name"], fmt.sci(row["value"], row["unit"]), spread, basis))
    header = ("parameter", "value", "90% range", "basis")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for cells, record in zip(rows, frame.to_dict("records"), strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        source = f"{record['source']}: {record['locator']}".strip(": ")
        lines += textwrap.wrap(source, width, initial_indent="    ", subsequent_indent="    ")
    return "\n".join(line[:width] for line in lines) + "\n"


def _latex(frame: pd.DataFrame, columns: Sequence[str], caption: str, label: str) -> str:
    """A complete LaTeX table: caption, label, booktabs rules, symbols in math mode."""
    import sympy as sp  # noqa: PLC0415 - symbol names to LaTeX, only for this format

    def math(text: str) -> str:
        return f"${text}$" if text else ""

    cells = pd.DataFrame(index=frame.index)
    for column in columns:
        values = frame[column]
        if column == "symbol":
            cells[column] = [math(sp.latex(sp.Symbol(s))) for s in values]
        elif column in ("value", "low", "high"):
            cells[column] = [
                "" if pd.isna(v) else math(fmt.sci(float(v), style="latex").replace(",", "{,}"))
                for v in values
            ]
        else:
            cells[column] = values.map(_cell)
    text_columns = [c for c in columns if c not in ("symbol", "value", "low", "high")]
    cells.columns = [_LATEX_HEADERS.get(c, c) for c in columns]
    long = len(frame) >= LONGTABLE_ROWS
    styler = cells.style.hide(axis="index").format(
        escape="latex", subset=[_LATEX_HEADERS.get(c, c) for c in text_columns]
    )
    align = "".join("r" if c in ("value", "low", "high") else "l" for c in columns)
    body = styler.format_index(escape="latex", axis=1).to_latex(
        hrules=True,
        caption=caption,
        label=label,
        position="htbp",
        position_float=None if long else "centering",
        environment="longtable" if long else None,
        column_format=align,
    )
    note = "% Needs \\usepackage{" + ("booktabs,longtable" if long else "booktabs") + "}.\n"
    if not long:
        body = body.replace("\\begin{tabular}", "\\small\n\\begin{tabular}", 1)
    return note + body


def assumptions(
    model: LogModel,
    fmt_name: str = "markdown",
    *,
    columns: Sequence[str] | None = None,
    width: int = 100,
) -> str:
    """The assumption table of ``model`` as text in ``fmt_name``.

    Parameters
    ----------
    fmt_name:
        ``text`` (a terminal view ``width`` characters wide), ``markdown``, ``csv``,
        ``latex`` (a ``table`` environment, or a ``longtable`` from
        :data:`LONGTABLE_ROWS` rows on, with caption and label), ``json`` or ``html``.
    columns:
        The columns to keep, in order (all of them by default; :data:`LATEX_COLUMNS` for
        LaTeX). Ignored by the terminal view, which has its own.

    Examples
    --------
    >>> import brainflops
    >>> from brainflops.outputs.export import assumptions
    >>> print(assumptions(brainflops.load_preset("dettmers2015"), "csv").splitlines()[0])
    name,symbol,unit,value,low,high,distribution,source,locator,provenance,verified,note,minimum,maximum,bounds_source,bounds_locator,replaces
    """
    frame = assumptions_frame(model)
    if fmt_name == "text":
        return _text_view(frame, max(width, _TEXT_MIN_WIDTH))
    chosen = tuple(columns) if columns else (LATEX_COLUMNS if fmt_name == "latex" else COLUMNS)
    parse_columns(chosen)
    if fmt_name == "latex":
        # Any LogModel has parameters; presets and scenarios also have a name and a title.
        name = str(getattr(model, "name", "model"))
        title = str(getattr(model, "title", name))
        caption = f"Assumptions of {title} (brainflops model {name})."
        return _latex(frame, chosen, caption, f"tab:assumptions-{name}")
    frame = frame[list(chosen)]
    if fmt_name == "csv":
        # A text cell starting with = + - @ would run as a formula in a spreadsheet
        # (scenario notes are user text); a leading apostrophe keeps it text.
        frame = frame.map(lambda v: f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" and v else v)
        return frame.to_csv(index=False, lineterminator="\n")
    if fmt_name == "json":
        records = [
            {k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")
        ]
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    text = frame.map(_cell)
    if fmt_name == "markdown":
        from tabulate import tabulate  # noqa: PLC0415 - optional at import time

        table = tabulate(
            text.to_numpy().tolist(),
            headers=list(text.columns),
            tablefmt="pipe",
            disable_numparse=True,
        )
        return table + "\n"
    if fmt_name == "html":
        return text.to_html(index=False, escape=True, border=0, classes="assumptions") + "\n"
    raise InvalidValueError(
        "format", f"unknown format {fmt_name!r}; use one of {', '.join(FORMATS)}"
    )
