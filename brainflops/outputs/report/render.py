"""Write a report: HTML (figures and formulas inline as SVG, so it opens anywhere
without Python or a network) and Markdown with its figures as SVG files, through the
Jinja2 templates in ``templates/``.

:func:`write_report` writes every file into a temporary folder next to the target and
moves it into place with one rename, so an interrupted run never leaves a half-written
report; a folder is only replaced when it holds a previous brainflops report.
"""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from brainflops import __version__
from brainflops.core.errors import InvalidValueError, OutputExistsError
from brainflops.core.io import atomic_write
from brainflops.outputs.report.compute import Options, Progress, build_report
from brainflops.outputs.report.document import Cell, Report

if TYPE_CHECKING:
    import jinja2

    from brainflops.models.model import Model

__all__ = ["MARKER", "render_html", "render_markdown", "write_report"]

#: A file every report folder holds, so that --force replaces only brainflops reports.
MARKER = ".brainflops-report"


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


def _check_target(folder: Path, force: bool) -> None:
    if not folder.exists():
        return
    if not folder.is_dir():
        raise InvalidValueError("--out", f"{folder} exists and is not a folder")
    if any(folder.iterdir()) and not force:
        raise OutputExistsError(str(folder))
    if any(folder.iterdir()) and not (folder / MARKER).exists():
        raise InvalidValueError(
            "--out", f"{folder} holds files that are not a brainflops report; choose another"
        )


def write_report(
    model: Model,
    out_dir: str | Path,
    *,
    force: bool = False,
    options: Options | None = None,
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Build the report and write ``report.html``, ``report.md`` and ``figures/*.svg``.

    Raises
    ------
    OutputExistsError
        If ``out_dir`` holds files and ``force`` is false.
    InvalidValueError
        If ``out_dir`` holds files that are not a brainflops report (never replaced).
    """
    folder = Path(out_dir)
    _check_target(folder, force)  # before the (slow) build
    report = build_report(model, options, progress=progress)
    _check_target(folder, force)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        atomic_write(staging / MARKER, f"brainflops {__version__}\n")
        atomic_write(staging / "report.html", render_html(report))
        atomic_write(staging / "report.md", render_markdown(report))
        for figure in report.figures:
            atomic_write(staging / "figures" / f"{figure.name}.svg", figure.svg)
        staging.chmod(0o777 & ~_umask())
        old = folder.with_name(f".{folder.name}.old") if folder.exists() else None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
            folder.replace(old)
        staging.replace(folder)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {
        "html": folder / "report.html",
        "markdown": folder / "report.md",
        "figures": folder / "figures",
    }


def _umask() -> int:
    import os  # noqa: PLC0415

    mask = os.umask(0)
    os.umask(mask)
    return mask
