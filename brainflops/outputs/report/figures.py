"""The report's figures, drawn by the public plotting API and kept as SVG text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from brainflops.outputs import plots
from brainflops.outputs.plots.style import figure_bytes
from brainflops.outputs.report.document import ReportFigure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["as_report_figure", "brain_band_trend"]


def as_report_figure(name: str, caption: str, fig: Figure) -> ReportFigure:
    """``fig`` as SVG text (without the XML prolog, ready to inline in HTML)."""
    svg = figure_bytes(fig, ".svg").decode("utf-8")
    return ReportFigure(name, caption, svg[svg.index("<svg") :])


def brain_band_trend(
    series: str, fitted: dict[str, Any], band: tuple[str, float, float], until: float | None
) -> Figure:
    """The criterion's series with its trends and the estimate as a band (a line without
    spread)."""
    return plots.trend(
        series,
        fitted,
        brain_bands=[band],
        title="The hardware trend and this estimate",
        until=until,
    )
