"""Write a report: HTML (figures and formulas inline as SVG, so it opens anywhere
without Python or a network) and Markdown with its figures as SVG files, through the
Jinja2 templates in ``templates/``.

:func:`write_report` writes every file into a temporary folder next to the target and
moves it into place with one rename, so an interrupted run never leaves a half-written
report; a folder holding anything but report files is never replaced.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from brainflops import __version__
from brainflops.core.io import atomic_write_tree, check_output_dir
from brainflops.outputs.report.compute import Options, Progress, build_report
from brainflops.outputs.report.document import Cell, Report

if TYPE_CHECKING:
    import jinja2

    from brainflops.models.model import Model

__all__ = ["FIGURES", "render_html", "render_markdown", "write_report"]


def _cell_html(cell: Any) -> Markup:
    return Markup(cell.html) if isinstance(cell, Cell) else escape(str(cell))


def _md_cell(cell: Any) -> str:
    return str(cell).replace("|", "\\|").replace("\n", " ")


@cache
def _environment() -> jinja2.Environment:
    import jinja2  # noqa: PLC0415 - only when a report is written

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("brainflops.outputs.report", "templates"),
        autoescape=jinja2.select_autoescape(["html.j2"]),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["cell_html"] = _cell_html
    env.filters["md_cell"] = _md_cell
    return env


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document."""
    return _environment().get_template("report.html.j2").render(report=report, version=__version__)


def render_markdown(report: Report, figure_dir: str = "figures") -> str:
    """The report as Markdown; figures are referenced as ``<figure_dir>/<name>.svg``."""
    text = (
        _environment()
        .get_template("report.md.j2")
        .render(report=report, version=__version__, figure_dir=figure_dir)
    )
    return "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"


def write_report(
    model: Model,
    out_dir: str | Path,
    *,
    force: bool = False,
    options: Options | None = None,
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Build the report and write ``report.html``, ``report.md`` and ``figures/*.svg``.

    The files are written into a temporary folder that replaces ``out_dir`` with one
    rename (:func:`brainflops.core.io.atomic_write_tree`).

    Raises
    ------
    OutputExistsError
        If a report file exists in ``out_dir`` and ``force`` is false.
    UnsafePathError
        If ``out_dir`` holds files that are not part of the report (never replaced).
    """
    folder = Path(out_dir)
    # Before the (slow) build: the folder may hold nothing but files a report writes.
    possible = ["report.html", "report.md", *(f"figures/{name}.svg" for name in FIGURES)]
    check_output_dir(folder, possible, overwrite=force, force_hint="--force")
    report = build_report(model, options, progress=progress)
    files: dict[str, str | bytes] = {
        "report.html": render_html(report),
        "report.md": render_markdown(report),
    }
    files.update({f"figures/{f.name}.svg": f.svg for f in report.figures})
    atomic_write_tree(folder, files, overwrite=force, force_hint="--force")
    return {
        "html": folder / "report.html",
        "markdown": folder / "report.md",
        "figures": folder / "figures",
    }


#: Every figure a report can hold (a section that does not apply leaves its figures out).
FIGURES = (
    "breakdown", "distribution", "tornado", "comparison", "trend", "parity", "calibration",
    "training-runs", "tai", "roofline",
)  # fmt: skip
