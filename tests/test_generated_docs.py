"""The committed generated documentation matches what the package produces now."""

import importlib.util
from pathlib import Path

import pytest

import brainflops
from brainflops.outputs.export import assumptions

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def generate():
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_generated_files_are_up_to_date(generate):
    stale = generate.stale_files()
    assert not stale, "stale generated docs (run `python docs/generate.py`): " + ", ".join(
        str(p.relative_to(ROOT)) for p in stale
    )


@pytest.mark.parametrize("name", brainflops.list_presets())
def test_every_preset_page_holds_its_package_assumption_table(generate, name):
    page = generate.GENERATED / "presets" / f"{name.replace(':', '--')}.md"
    assert page.exists(), f"no generated page for preset {name}"
    table = assumptions(brainflops.load_preset(name), "markdown", columns=generate.PAGE_COLUMNS)
    assert table.rstrip() in page.read_text(encoding="utf-8")


def test_stale_check_detects_an_edited_table(generate, tmp_path, monkeypatch):
    monkeypatch.setattr(generate, "GENERATED", tmp_path)
    generate.main([])
    assert generate.stale_files() == []
    page = tmp_path / "presets" / "dettmers2015.md"
    page.write_text(page.read_text(encoding="utf-8").replace("200", "201", 1), encoding="utf-8")
    assert generate.stale_files() == [page]
    assert generate.main(["--check"]) == 1
    (tmp_path / "presets" / "orphan.md").write_text("x", encoding="utf-8")
    assert tmp_path / "presets" / "orphan.md" in generate.stale_files()
