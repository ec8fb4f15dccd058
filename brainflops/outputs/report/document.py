"""What a report is made of: sections holding paragraphs, tables and figures.

The records are plain data; :mod:`~brainflops.outputs.report.compute` fills them and
:mod:`~brainflops.outputs.report.render` writes them out through templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Cell", "Report", "ReportFigure", "ReportTable", "Section", "table"]


@dataclass(frozen=True)
class Cell:
    """A table cell with rich HTML (a formula's SVG, a link) and its plain-text twin."""

    text: str
    html: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class ReportFigure:
    """One figure: a file stem, a caption and the chart as SVG text."""

    name: str
    caption: str
    svg: str


@dataclass(frozen=True)
class ReportTable:
    """One table: a caption, column names and rows of text or :class:`Cell` values."""

    name: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | Cell, ...], ...]

    @property
    def frame(self) -> pd.DataFrame:
        """The table as text, one column per heading."""
        return pd.DataFrame([[str(c) for c in row] for row in self.rows], columns=self.columns)


def table(name: str, caption: str, columns: tuple[str, ...], rows: list) -> ReportTable:
    """A :class:`ReportTable` from rows given as lists."""
    return ReportTable(name, caption, columns, tuple(tuple(r) for r in rows))


@dataclass(frozen=True)
class Section:
    """A titled part of the report: paragraphs, then figures, then tables."""

    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[ReportTable, ...] = ()
    figures: tuple[ReportFigure, ...] = ()


@dataclass(frozen=True)
class Report:
    """Everything that goes into the report files.

    Attributes
    ----------
    title:
        The report's heading.
    model_name:
        The preset or scenario name.
    samples, seed:
        The one set of Monte Carlo draws every section uses.
    device, precision, criterion:
        The hardware plan's accelerator and precision, and the timeline's criterion.
    sections:
        The sections, in reading order.
    omitted:
        ``{section key: reason}`` for sections left out because they do not apply.
    """

    title: str
    model_name: str
    samples: int
    seed: int
    device: str
    precision: str
    criterion: str
    sections: tuple[Section, ...]
    omitted: dict[str, str] = field(default_factory=dict)

    @property
    def figures(self) -> list[ReportFigure]:
        """Every figure of every section, in order."""
        return [f for s in self.sections for f in s.figures]

    @property
    def tables(self) -> list[ReportTable]:
        """Every table of every section, in order."""
        return [t for s in self.sections for t in s.tables]
