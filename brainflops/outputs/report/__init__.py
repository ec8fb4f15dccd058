"""A shareable report on one model: one self-contained HTML file and a Markdown twin.

Split in three: :mod:`.compute` builds every section from one set of Monte Carlo draws
(estimate with each stage's formula and conv-net operation, distribution, sensitivity,
the comparison with published estimates, the timeline for a criterion, the hardware on
a device and precision, the assumptions with linked sources); :mod:`.figures` draws the
charts with the public plotting API; :mod:`.render` writes HTML and Markdown through
Jinja2 templates and swaps the finished folder into place.
"""

from __future__ import annotations

from brainflops.outputs.report.compute import DEFAULT_SAMPLES, Options, build_report
from brainflops.outputs.report.document import Cell, Report, ReportFigure, ReportTable, Section
from brainflops.outputs.report.render import render_html, render_markdown, write_report

__all__ = [
    "DEFAULT_SAMPLES",
    "Cell",
    "Options",
    "Report",
    "ReportFigure",
    "ReportTable",
    "Section",
    "build_report",
    "render_html",
    "render_markdown",
    "write_report",
]
