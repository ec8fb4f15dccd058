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
    """The criterion's series with its trends and the estimate as a band (or a line)."""
    label, low, high = band
    fig = plots.trend(
        series,
        fitted,
        brain_bands=[band] if high > low else [],
        title="The hardware trend and this estimate",
        until=until,
    )
    if not high > low:  # an estimate without spread is a line, not a band
        ax = fig.axes[0]
        ax.axhline(low, color="#CC79A7", ls="--", lw=1)
        ax.annotate(
            label,
            (1.0, low),
            xycoords=("axes fraction", "data"),
            ha="right",
            va="bottom",
            fontsize=8,
            color="#CC79A7",
        )
    return fig
