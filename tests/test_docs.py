"""The documentation builds with Sphinx, with every warning an error."""

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")
pytest.importorskip("furo")


def test_docs_build_without_warnings(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-d",
            str(tmp_path / "doctrees"),
            str(ROOT / "docs"),
            str(tmp_path / "html"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-6000:]
    html = tmp_path / "html"
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
