"""Sphinx configuration for the brainflops documentation.

Build with ``python -m sphinx -W -b html docs docs/_build/html`` from the repository root.
Generated pages under ``docs/generated/`` are committed; refresh them with
``python docs/generate.py``.
"""

from __future__ import annotations

import argparse
import html
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import brainflops

project = "brainflops"
author = "brainflops developers"
copyright = "brainflops developers"
release = brainflops.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]
# Formulas are rendered to inline SVG at build time (matplotlib mathtext): the pages
# show them offline, and no script is fetched from a CDN.
html_math_renderer = "svg"
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "generated/presets.md",
    "generated/methodology.md",
    "generated/cli.md",
    "generated/api.md",
    "generated/sensitivity.md",
    "Thumbs.db",
    ".DS_Store",
]

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
python_use_unqualified_type_names = True
# Show the aliases' names, not their expansions (numpy's ArrayLike is a long union).
autodoc_type_aliases = {"ArrayLike": "numpy.typing.ArrayLike", "NDArray": "numpy.typing.NDArray"}
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_ivar = True
napoleon_use_rtype = False

html_theme = "furo"
html_css_files = ["brainflops.css"]
html_static_path = ["_static"]
# Monte Carlo draws behind the distribution figures (a picture needs no more).
FIGURE_SAMPLES = 4000
html_title = f"brainflops {release}"


def _toctree_entries(app, docname: str, source: list[str]) -> None:
    """Fill the ``%%SCENARIOS%%`` toctree slot when ``docs/scenarios.md`` exists."""
    if docname == "index":
        entry = "scenarios" if (Path(app.srcdir) / "scenarios.md").exists() else ""
        source[0] = source[0].replace("%%SCENARIOS%%", entry)


# Modules whose docstring is the method description of a guide page: the page renders
# it in full, and the API reference links there instead of repeating it (the same
# sections twice would give duplicate labels).
METHOD_PAGES = {
    "brainflops.forecast.trends": "trends-and-timelines",
    "brainflops.forecast.trends.models": "trends-and-timelines",
    "brainflops.forecast.trends.ensemble": "trends-and-timelines",
    "brainflops.forecast.trends.calibration": "trends-and-timelines",
    "brainflops.forecast.timeline": "trends-and-timelines",
    "brainflops.hardware.plan": "hardware",
}


def _method_docstrings(app, what, name, obj, options, lines) -> None:  # noqa: ARG001
    """In the API reference, replace a method module's docstring by a link to its page."""
    if what == "module" and name in METHOD_PAGES and app.env.docname != METHOD_PAGES[name]:
        first = next((line for line in lines if line.strip()), "")
        lines[:] = [first, "", f"The method is described in :doc:`/{METHOD_PAGES[name]}`."]


def _help_blocks(title: str, parser: argparse.ArgumentParser) -> Iterator[tuple[str, str]]:
    """``(title, help text)`` for a parser and, depth first, each of its subcommands."""
    yield title, parser.format_help()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _help_blocks(f"{title} {name}", sub)


# One worked example per command (commands added later without one show their help only).
CLI_EXAMPLES = {
    "brainflops presets": "brainflops presets",
    "brainflops estimate": "brainflops estimate --preset dettmers2015 --samples 100000 --seed 1",
    "brainflops explain": "brainflops explain --preset mechanistic-modern",
    "brainflops table": "brainflops table --preset dettmers2015 --format latex "
    "--columns symbol,name,value,unit",
    "brainflops sensitivity": "brainflops sensitivity --method tornado --plot tornado.svg",
    "brainflops data": "brainflops data sources",
    "brainflops data sources": "brainflops data sources",
    "brainflops data show": "brainflops data show top500-rank1",
    "brainflops trends": "brainflops trends fit --series top500-rank1 --model exponential",
    "brainflops trends fit": "brainflops trends fit --series top500-rank1 --model exponential "
    "--start 1993 --end 2013",
    "brainflops trends backtest": "brainflops trends backtest --series top500-rank1 "
    "--train-end 2013 --target 1EFLOP/s",
    "brainflops timeline": "brainflops timeline --preset dettmers2015 --samples 5000",
    "brainflops cite": "brainflops cite --preset dettmers2015 --format bibtex",
    "brainflops report": "brainflops report --preset dettmers2015 --device 'H100 SXM5' "
    "--precision bf16 --out report/",
    "brainflops hardware": "brainflops hardware --device 'H100 SXM5' --precision bf16 "
    "--plot roofline.svg",
    "brainflops bench": "brainflops bench --quick",
    "brainflops compare": "brainflops compare --plot comparison.svg",
    "brainflops validate": "brainflops validate my.toml",
    "brainflops scenario": "brainflops scenario new --from dettmers2015 --out my.toml",
    "brainflops scenario new": "brainflops scenario new --from dettmers2015 --out my.toml",
}


class CliReference(SphinxDirective):
    """``cli-reference``: the ``--help`` of ``brainflops`` and of every registered command.

    Rendered at build time from ``brainflops.cli.build_parser()``, so the page always
    lists exactly the commands of the installed package (and no committed copy can go
    stale or depend on the Python version's argparse formatting).
    """

    has_content = False

    def run(self) -> list[nodes.Node]:
        """A rubric and a literal block per command."""
        from brainflops.cli import build_parser  # noqa: PLC0415 - only when the page is built

        saved = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = "88"
        try:
            parser = build_parser()
            parser.prog = "brainflops"
            blocks = list(_help_blocks("brainflops", parser))
        finally:
            if saved is None:
                del os.environ["COLUMNS"]
            else:
                os.environ["COLUMNS"] = saved
        result: list[nodes.Node] = []
        for title, text in blocks:
            result.append(nodes.rubric(title, title))
            if title in CLI_EXAMPLES:
                example = f"$ {CLI_EXAMPLES[title]}"
                paragraph = nodes.paragraph("", "Example:")
                result += [paragraph, nodes.literal_block(example, example, language="console")]
            block = nodes.literal_block(text.rstrip(), text.rstrip())
            block["language"] = "text"
            result.append(block)
        return result


class BrainflopsFigure(SphinxDirective):
    """``brainflops-figure KIND``: a chart drawn by the public plotting API at build time.

    KIND is ``breakdown``, ``distribution``, ``tornado`` or ``roofline`` (with ``:preset:``,
    and ``:device:``/``:precision:`` for the roofline), ``comparison`` (with an optional
    ``:preset:`` to highlight), ``trend`` (``:series:``) . The SVG is inlined in the page,
    so the docs need no image files and no network; ``:caption:`` adds a caption.
    """

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {
        "preset": directives.unchanged,
        "device": directives.unchanged,
        "precision": directives.unchanged,
        "series": directives.unchanged,
        "caption": directives.unchanged,
    }

    def _figure(self) -> Any:
        from brainflops.hardware.plan import plan  # noqa: PLC0415 - at build time only
        from brainflops.outputs import plots  # noqa: PLC0415
        from brainflops.uncertainty.sensitivity import tornado  # noqa: PLC0415

        kind = self.arguments[0]
        preset = self.options.get("preset", "dettmers2015")
        if kind == "comparison":
            return plots.comparison(highlight=self.options.get("preset"))
        if kind == "trend":
            return plots.trend(self.options.get("series", "top500-rank1"))
        model = brainflops.load_preset(preset)
        if kind == "breakdown":
            return plots.breakdown(model)
        if kind == "distribution":
            return plots.distribution(
                model.sample(FIGURE_SAMPLES, seed=1), model_title=model.title
            )
        if kind == "tornado":
            return plots.tornado(tornado(model), model=model)
        if kind == "roofline":
            device = self.options.get("device", "H100 SXM5")
            return plots.roofline(plan(model, device, self.options.get("precision", "bf16")))
        raise self.error(f"brainflops-figure: unknown kind {kind!r}")

    def run(self) -> list[nodes.Node]:
        """The figure as inline SVG inside an HTML ``<figure>``."""
        from brainflops.outputs.plots.style import figure_bytes  # noqa: PLC0415

        if os.environ.get("BRAINFLOPS_DOCS_FIGURES") == "skip":  # quick builds in the tests
            return [
                nodes.raw("", '<figure class="brainflops-figure skipped"></figure>', format="html")
            ]
        svg = figure_bytes(self._figure(), ".svg").decode("utf-8")
        svg = svg[svg.index("<svg") :]
        caption = self.options.get("caption", "")
        body = f'<figure class="brainflops-figure">{svg}'
        if caption:
            body += f"<figcaption>{html.escape(caption)}</figcaption>"
        return [nodes.raw("", body + "</figure>", format="html")]


def _math_svg(self, node: nodes.Element) -> None:
    from brainflops.outputs.formula import svg  # noqa: PLC0415 - only when a page has math

    block = isinstance(node, nodes.math_block)
    image = svg(node.astext(), fontsize=13 if block else 11)
    self.body.append(f'<div class="math">{image}</div>' if block else image)
    raise nodes.SkipNode


def setup(app):
    """Register the source-read and docstring hooks and the offline math renderer."""
    app.add_html_math_renderer("svg", (_math_svg, None), (_math_svg, None))
    app.connect("source-read", _toctree_entries)
    app.connect("autodoc-process-docstring", _method_docstrings)
    app.add_directive("cli-reference", CliReference)
    app.add_directive("brainflops-figure", BrainflopsFigure)
    return {"parallel_read_safe": True}
