"""The documentation builds with Sphinx, with every warning an error."""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")
pytest.importorskip("furo")


def _sphinx(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
        env=env,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The whole site, built once; figures are skipped to keep the test quick (they are
    drawn by the plotting API, tested on their own, and by ``test_figures_are_inline_svg``)."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "BRAINFLOPS_DOCS_FIGURES": "skip"}
    result = _sphinx("-d", str(out / "doctrees"), str(ROOT / "docs"), str(out / "html"), env=env)
    assert result.returncode == 0, result.stderr[-6000:]
    return out / "html"


def test_docs_build_without_warnings(site):
    html = site
    for page in (
        "index",
        "getting-started",
        "methodology",
        "presets",
        "cli",
        "api",
        "limitations",
        "trends-and-timelines",
        "hardware",
        "deep-learning",
        "report",
        "notebooks",
    ):
        assert (html / f"{page}.html").exists(), page
    methodology = (html / "methodology.html").read_text(encoding="utf-8")
    assert "Dendritic diffusion" in methodology
    assert "\\mathrm{FLOP/s}" in methodology
    cli = (html / "cli.html").read_text(encoding="utf-8")
    from brainflops.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name in commands.choices:
        assert f'class="rubric">brainflops {name}</p>' in cli, name
    import brainflops

    for name in brainflops.list_presets():
        assert (html / "generated" / "presets" / f"{name}.html").exists(), name
    if (ROOT / "docs" / "scenarios.md").exists():
        assert 'href="scenarios.html"' in (html / "index.html").read_text(encoding="utf-8")


def test_documented_build_command_is_the_one_in_the_index():
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert "python -m sphinx -W -b html docs docs/_build/html" in index


_EXTERNAL_RESOURCE = re.compile(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)=["']https?://""")


def test_pages_load_nothing_from_the_network_and_images_exist(site):
    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not _EXTERNAL_RESOURCE.search(text), page.name
        assert "mathjax.js" not in text.lower(), page.name
        assert "cdn." not in text.lower(), page.name
        assert "&lt;no title&gt;" not in text, page.name
        for source in re.findall(r"<img[^>]+src=\"([^\"]+)\"", text):
            if not source.startswith("data:"):
                assert (page.parent / source).resolve().exists(), (page.name, source)


def test_formulas_are_rendered_offline(site):
    methodology = (site / "methodology.html").read_text(encoding="utf-8")
    assert methodology.count('class="formula"') >= 10
    assert "\\(" not in methodology  # no raw TeX left for a script to typeset


def test_api_has_a_page_per_module_and_cli_examples(site):
    generate = _generate_module()
    for name in generate.api_modules():
        assert (site / "generated" / "api" / f"{name}.html").exists(), name
    assert not any(n.startswith("brainflops.cli") for n in generate.api_modules())
    cli = (site / "cli.html").read_text(encoding="utf-8")
    assert cli.count("Example:") >= 15
    assert "90%%" not in cli


def _generate_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_figures_are_inline_svg(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "index.md").write_text(
        "# Figures\n\n```{brainflops-figure} breakdown\n:preset: kurzweil1999\n"
        ":caption: A breakdown.\n```\n"
    )
    result = _sphinx("-c", str(ROOT / "docs"), str(source), str(tmp_path / "html"))
    assert result.returncode == 0, result.stderr[-4000:]
    page = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert '<figure class="brainflops-figure"><svg' in page
    assert "<figcaption>A breakdown.</figcaption>" in page
