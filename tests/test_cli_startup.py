"""Start-up cost of the command line: what --help and estimate import, and the summary cache.

The shipped results (brainflops.models.prebuilt) have tests of their own in test_prebuilt.py;
the cache tests here turn them off (``no_prebuilt``) so that the user cache is exercised.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from brainflops.cli import build_parser
from brainflops.models import prebuilt as prebuilt_module
from brainflops.models import summary as summary_module
from brainflops.models.generate_prebuilt import differences
from brainflops.models.presets import list_presets, load_preset
from brainflops.models.summary import CentralSummary, preset_summary, summarize

ROOT = Path(__file__).resolve().parents[1]
# numpy too: --help and the shipped answers of estimate and compare need none of it.
HEAVY = ("scipy", "pandas", "sympy", "pint", "matplotlib", "numpy")

# Runs the CLI in a fresh interpreter and prints the heavy modules it loaded.
PROBE = f"""
import sys
from brainflops.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))
print('HEAVY=' + ','.join(heavy), file=sys.stderr)
"""


def _heavy_modules(*argv: str, cache: Path | str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRAINFLOPS_CACHE_DIR": str(cache)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    line = [x for x in result.stderr.splitlines() if x.startswith("HEAVY=")]
    assert line, result.stderr
    return [m for m in line[-1].removeprefix("HEAVY=").split(",") if m]


def _commands() -> list[str]:
    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(sub.choices)


@pytest.mark.parametrize("argv", [["--help"], *([c, "--help"] for c in _commands())])
def test_help_imports_no_heavy_library(argv, tmp_path):
    assert _heavy_modules(*argv, cache=tmp_path) == []


@pytest.fixture
def no_prebuilt(monkeypatch):
    """Make the shipped results look stale, as after an edit to a preset or to the model code."""
    monkeypatch.setattr(prebuilt_module, "inputs_key", lambda: "another version of the files")


@pytest.mark.parametrize("cache", ["empty folder", "off"])
def test_first_run_of_estimate_and_compare_imports_no_heavy_library(cache, tmp_path):
    """A first run (no user cache, or caching off) reads the shipped results: no model build."""
    folder = tmp_path / "cache" if cache == "empty folder" else ""
    for argv in (["estimate"], ["estimate", "--json"], ["estimate", "--preset", "landauer"]):
        assert _heavy_modules(*argv, cache=folder) == [], argv
    assert _heavy_modules("compare", cache=folder) == []
    assert _heavy_modules("compare", "--preset", "dettmers2015", cache=folder) == []
    assert not (tmp_path / "cache").exists()  # nothing needed building, so nothing stored


def test_estimate_with_samples_builds_the_model(tmp_path):
    assert "sympy" in _heavy_modules("estimate", "--samples", "100", cache=tmp_path)


def test_cli_choices_match_the_library():
    from brainflops.cli import core, hardware, report, sensitivity, trends
    from brainflops.forecast import timeline
    from brainflops.forecast import trends as trend_models
    from brainflops.hardware.plan import PRECISION_COLUMNS
    from brainflops.outputs import export
    from brainflops.outputs import report as report_module
    from brainflops.uncertainty.sensitivity import METHODS

    assert core.FORMATS == export.FORMATS
    assert tuple(PRECISION_COLUMNS) == hardware.PRECISIONS
    assert report.DEFAULT_SAMPLES == report_module.DEFAULT_SAMPLES
    assert sensitivity.METHODS == METHODS
    assert trends.FITTED_MODELS == trend_models.MODELS
    assert tuple(timeline.criteria()) == trends.CRITERIA
    assert trends.DEFAULT_BUDGET_USD == timeline.DEFAULT_BUDGET_USD
    assert tuple(timeline.DEFAULT_YEARS) == trends.DEFAULT_YEARS
    facility = hardware._facility_defaults()
    from brainflops.params.assumption_files import facility_assumptions

    for name, parameter in facility_assumptions().items():
        assert facility[name] == parameter.value


# ------------------------------------------------------------------- the summary cache


@pytest.mark.parametrize("name", list_presets(variants=True))
@pytest.mark.usefixtures("no_prebuilt")
def test_cached_summary_equals_the_model(name, tmp_path, monkeypatch):
    monkeypatch.setenv("BRAINFLOPS_CACHE_DIR", str(tmp_path))
    fresh = summarize(load_preset(name))
    assert preset_summary(name) == fresh  # a miss: built and stored
    assert len(list(tmp_path.glob("entry-*.json"))) == 1
    monkeypatch.setattr(summary_module, "_from_preset", _must_not_build)
    assert preset_summary(name) == fresh  # a hit: read back exactly


def _must_not_build(name: str) -> CentralSummary:
    raise AssertionError(f"{name} was rebuilt although cached")


def test_summary_against_the_published_figure(tmp_path, monkeypatch):
    """Independent oracle: Dettmers (2015) states 1.075e21 FLOP/s (his blog's headline figure)."""
    monkeypatch.setenv("BRAINFLOPS_CACHE_DIR", str(tmp_path))
    s = preset_summary("dettmers2015")
    assert s.central == pytest.approx(1.075e21, rel=2e-3)
    assert s.reported == 1.075e21
    assert sum(t.flops_per_second for t in s.terms) == pytest.approx(s.central, rel=1e-12)
    assert sum(s.shares()) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.usefixtures("no_prebuilt")
def test_stale_corrupt_or_foreign_entries_are_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("BRAINFLOPS_CACHE_DIR", str(tmp_path))
    truth = preset_summary("dettmers2015")
    (entry,) = tmp_path.glob("entry-*.json")
    data = json.loads(entry.read_text())
    forged = {**data, "value": {**data["value"], "log10_central": 99.0}}
    entry.write_text(json.dumps({**forged, "key": "an older package"}))
    assert preset_summary("dettmers2015") == truth  # stale key: rebuilt
    entry.write_text(json.dumps({**forged, "name": "summary another"}))
    assert preset_summary("dettmers2015") == truth  # another entry's name: rebuilt
    entry.write_text("{not json")
    assert preset_summary("dettmers2015") == truth  # corrupt: rebuilt
    entry.write_text(json.dumps({**data, "value": {"terms": 3}}))
    assert preset_summary("dettmers2015") == truth  # damaged value: built again
    assert json.loads(entry.read_text())["key"] == data["key"]


@pytest.mark.usefixtures("no_prebuilt")
def test_unwritable_or_disabled_cache_still_works(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BRAINFLOPS_CACHE_DIR", str(blocker / "cache"))
    assert preset_summary("dettmers2015").name == "dettmers2015"
    monkeypatch.setenv("BRAINFLOPS_CACHE_DIR", "")
    assert preset_summary("dettmers2015").name == "dettmers2015"


def test_unknown_preset_is_not_cached(tmp_path, monkeypatch):
    from brainflops.core.errors import UnknownNameError

    monkeypatch.setenv("BRAINFLOPS_CACHE_DIR", str(tmp_path))
    with pytest.raises(UnknownNameError):
        preset_summary("../../etc/passwd")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", list_presets(variants=True))
def test_estimate_from_the_shipped_results_equals_the_computation(name, monkeypatch, capsys):
    from brainflops.cli import main

    monkeypatch.setenv("BRAINFLOPS_CACHE_DIR", "")
    assert main(["estimate", "--preset", name, "--json"]) == 0
    shipped = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(prebuilt_module, "inputs_key", lambda: "another version of the files")
    assert main(["estimate", "--preset", name, "--json"]) == 0
    assert differences(shipped, json.loads(capsys.readouterr().out)) == []


def test_compare_shipped_or_cached_equals_the_computation(tmp_path, monkeypatch, capsys):
    from brainflops.cli import main

    monkeypatch.setenv("BRAINFLOPS_CACHE_DIR", "")
    assert main(["compare", "--json"]) == 0
    shipped = capsys.readouterr().out
    with monkeypatch.context() as stale:
        stale.setattr(prebuilt_module, "inputs_key", lambda: "another version of the files")
        assert main(["compare", "--json"]) == 0
        computed = capsys.readouterr().out
        assert differences(json.loads(shipped), json.loads(computed)) == []
        monkeypatch.setenv("BRAINFLOPS_CACHE_DIR", str(tmp_path))
        for _ in range(2):  # a miss that stores, then a hit
            assert main(["compare", "--json"]) == 0
            assert capsys.readouterr().out == computed


def test_cached_json_rebuilds_after_a_source_change(tmp_path, monkeypatch):
    from brainflops.core import cache

    monkeypatch.setenv("BRAINFLOPS_CACHE_DIR", str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        return {"value": len(calls)}

    assert cache.cached_json("test entry", build) == {"value": 1}
    assert cache.cached_json("test entry", build) == {"value": 1}  # a hit
    monkeypatch.setattr(cache, "source_key", lambda: "another version of the package")
    assert cache.cached_json("test entry", build) == {"value": 2}  # stale: rebuilt
    assert len(calls) == 2


@pytest.mark.parametrize(
    "selection",
    [
        ["dettmers2015"],  # a preset: its variants, in file order
        ["merkle1989", "carlsmith2020:limit", "dettmers2015:all-neurons"],
        ["landauer", "landauer"],
    ],
)
def test_compare_of_chosen_presets_from_the_shipped_rows_equals_a_build(
    selection, monkeypatch, capsys
):
    from brainflops.cli import main
    from brainflops.models.literature import comparison_summary

    monkeypatch.setenv("BRAINFLOPS_CACHE_DIR", "")
    argv = ["compare", "--json"] + [arg for name in selection for arg in ("--preset", name)]
    assert main(argv) == 0
    shipped = json.loads(capsys.readouterr().out)
    built = comparison_summary(selection)["records"]
    assert differences(shipped, built) == []


def test_compare_of_an_unknown_preset_is_refused_after_the_shipped_rows_miss(capsys):
    from brainflops.cli import main

    assert main(["compare", "--preset", "no-such-preset"]) == 2
    assert "no-such-preset" in capsys.readouterr().err
