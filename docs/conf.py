"""Sphinx configuration for the brainflops documentation.

Build with ``python -m sphinx -W -b html docs docs/_build/html`` from the repository root.
Generated pages under ``docs/generated/`` are committed; refresh them with
``python docs/generate.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from docutils import nodes
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
    "sphinx.ext.mathjax",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "generated/presets.md",
    "generated/methodology.md",
    "generated/cli.md",
    "generated/api.md",
    "Thumbs.db",
    ".DS_Store",
]

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_ivar = True
napoleon_use_rtype = False

html_theme = "furo"
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
            block = nodes.literal_block(text.rstrip(), text.rstrip())
            block["language"] = "text"
            result.append(block)
        return result


def setup(app):
    """Register the source-read and docstring hooks."""
    app.connect("source-read", _toctree_entries)
    app.connect("autodoc-process-docstring", _method_docstrings)
    app.add_directive("cli-reference", CliReference)
    return {"parallel_read_safe": True}
