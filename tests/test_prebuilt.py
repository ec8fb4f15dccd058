"""The results shipped in data/presets/prebuilt.json: current, keyed, and ignored when stale."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from brainflops.models import generate_prebuilt, prebuilt
from brainflops.models.presets import load_preset
from brainflops.models.summary import preset_summary, summarize

PACKAGE = Path(prebuilt.__file__).resolve().parents[1]


def test_committed_file_is_current():
    """Every shipped entry equals a fresh build from the preset files (sympy, pint, numpy)."""
    stale = generate_prebuilt.stale_entries()
    assert not stale, (
        f"data/presets/prebuilt.json is stale; run `{prebuilt.REGENERATE}` and commit it:\n"
        + "\n".join(stale[:20])
    )


def test_shipped_files_cover_every_builtin_preset_and_the_published_figures():
    from brainflops.models.presets import list_presets

    summaries = prebuilt.prebuilt("summaries")
    assert summaries is not None, "the shipped key does not match the installed files"
    assert list(summaries) == list_presets(variants=True)
    # Independent oracles: the sources' own headlines (Dettmers 2015 blog post: 1.075e21
    # FLOP/s; Merkle 1989: 1e16 operations per second).
    assert 10 ** summaries["dettmers2015"]["log10_central"] == pytest.approx(1.075e21, rel=2e-3)
    assert 10 ** summaries["merkle1989"]["log10_central"] == pytest.approx(1e16, rel=1e-9)
    records = {r["preset"]: r for r in prebuilt.prebuilt("compare")["records"]}
    assert records["merkle1989"]["central"] == pytest.approx(1e16, rel=1e-9)


def _copy_keyed_files(target: Path) -> None:
    shutil.copytree(PACKAGE / "data" / "presets", target / "data" / "presets")
    for layer in (*prebuilt.KEYED_LAYERS, "cli"):
        shutil.copytree(
            PACKAGE / layer,
            target / layer,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("__pycache__"),
        )


def _key_after(edit: str, tmp_path: Path, monkeypatch) -> str:
    copy = tmp_path / edit.replace("/", "_")
    _copy_keyed_files(copy)
    with (copy / edit).open("a", encoding="utf-8") as handle:
        handle.write("\n# an edit\n")
    monkeypatch.setattr(prebuilt, "_PACKAGE", copy)
    prebuilt.inputs_key.cache_clear()
    try:
        return prebuilt.inputs_key()
    finally:
        prebuilt.inputs_key.cache_clear()


def test_key_changes_with_the_presets_and_the_model_code_only(tmp_path, monkeypatch):
    key = prebuilt.inputs_key()
    for edit in ("data/presets/merkle1989.toml", "ops/operations.py", "core/units.py"):
        assert _key_after(edit, tmp_path, monkeypatch) != key, edit
    # The command line does not shape the results: editing it keeps them.
    assert _key_after("cli/core.py", tmp_path, monkeypatch) == key
    monkeypatch.undo()
    assert prebuilt.inputs_key() == key


def _write(path: Path, document: object) -> None:
    path.write_text(json.dumps(document), encoding="utf-8")


def test_a_stale_corrupt_or_missing_file_is_ignored(tmp_path, monkeypatch):
    truth = summarize(load_preset("dettmers2015"))
    shipped = json.loads(prebuilt.PREBUILT_PATH.read_text(encoding="utf-8"))
    forged = json.loads(json.dumps(shipped))
    forged["summaries"]["dettmers2015"]["log10_central"] = 99.0
    path = tmp_path / "prebuilt.json"
    monkeypatch.setattr(prebuilt, "PREBUILT_PATH", path)
    monkeypatch.setenv("BRAINFLOPS_CACHE_DIR", "")
    _write(path, forged)
    assert preset_summary("dettmers2015").log10_central == 99.0  # current key: used as is
    _write(path, {**forged, "key": "an older package"})
    assert prebuilt.prebuilt("summaries") is None
    assert preset_summary("dettmers2015") == truth  # stale key: built
    path.write_text("{not json", encoding="utf-8")
    assert prebuilt.prebuilt("summaries") is None
    assert preset_summary("dettmers2015") == truth
    path.unlink()
    assert prebuilt.prebuilt("compare") is None


def test_differences_name_what_changed():
    assert generate_prebuilt.differences({"a": 1.0}, {"a": 1.0 + 1e-12}) == []
    assert generate_prebuilt.differences({"a": 1.0}, {"a": 1.0 + 1e-6}) == [
        "a: committed 1.0, built 1.000001"
    ]
    assert generate_prebuilt.differences({"a": 1}, {"a": 1.0}) == ["a: committed 1, built 1.0"]
    assert generate_prebuilt.differences({"a": 1, "b": 2}, {"b": 2, "a": 1}) != []
    assert generate_prebuilt.differences([1, 2], [1]) == [": 2 items, built 1"]
    assert generate_prebuilt.differences({"x": [{"y": "p"}]}, {"x": [{"y": "q"}]}) == [
        "x[0].y: committed 'p', built 'q'"
    ]


def test_check_and_write(tmp_path, monkeypatch, capsys):
    fresh = {"key": "k", "summaries": {"p": {"log10_central": 1.5}}, "compare": {}}
    monkeypatch.setattr(generate_prebuilt, "build", lambda: fresh)
    path = tmp_path / "prebuilt.json"
    monkeypatch.setattr(generate_prebuilt, "PREBUILT_PATH", path)
    assert generate_prebuilt.main(["--check"]) == 1  # missing
    assert generate_prebuilt.main([]) == 0
    assert json.loads(path.read_text(encoding="utf-8")) == fresh
    assert generate_prebuilt.main(["--check"]) == 0
    _write(path, {**fresh, "summaries": {"p": {"log10_central": 1.6}}})
    assert generate_prebuilt.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "summaries.p.log10_central: committed 1.6, built 1.5" in err
    assert prebuilt.REGENERATE in err
