"""Epoch AI's notable-models data: loaders, series, records and the frontier growth rate."""

from __future__ import annotations

import csv
import json
import math
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainflops.cli import main
from brainflops.core.errors import InvalidValueError
from brainflops.data import datasets, ml_models
from brainflops.data.citations import bibliography

ML_SERIES = ("ml-training-all", "ml-training-frontier", "ml-training-largest")
CREDIT = "Data: Epoch AI (epoch.ai), CC BY 4.0"


def _rows_from_the_file():
    """The packaged CSV read with the csv module: an oracle independent of pandas."""
    path = resources.files("brainflops") / "data" / "ml" / "epoch_notable_models.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _records_by_loop():
    """Running record by a direct loop: date order, same date largest first, strictly greater."""
    rows = sorted(
        _rows_from_the_file(),
        key=lambda r: (r["publication_date"], -float(r["training_compute_flop"])),
    )
    best, records = -math.inf, []
    for row in rows:
        flop = float(row["training_compute_flop"])
        if flop > best:
            records.append((row["system"], row["publication_date"], flop))
            best = flop
    return records


def test_package_files_credit_and_citation():
    folder = resources.files("brainflops") / "data" / "ml"
    text = (folder / "SOURCES.md").read_text(encoding="utf-8")
    assert CREDIT in text
    assert "2026-08-19" in text  # snapshot (retrieval) date
    assert "CC BY 4.0" in text
    assert datasets.EPOCH_CREDIT == CREDIT
    for name in ML_SERIES:
        assert CREDIT in datasets.series_sources()[name]
        assert datasets.series_citations()[name] == "epoch-notable-models"
    assert {"epoch-notable-models", "epoch-frontier-growth"} <= set(bibliography())


def test_notable_models_table_matches_the_file():
    rows = _rows_from_the_file()
    models = ml_models.load_notable_models()
    assert len(models) == len(rows) == 535  # SOURCES.md: 535 rows with training compute
    assert int(models["frontier"].sum()) == sum(r["frontier"] == "True" for r in rows) == 113
    assert models.attrs["credit"] == CREDIT
    by_name = {r["system"]: r for r in rows}
    bert = models.set_index("name").loc["BERT-Large"]
    assert bert["training_flop"] == float(by_name["BERT-Large"]["training_compute_flop"])
    # The hardware columns the training-time comparison uses are kept, as numbers.
    for column in ("training_hardware", "hardware_quantity", "training_time_hours"):
        assert column in models.columns
    assert bert["hardware_quantity"] == float(by_name["BERT-Large"]["hardware_quantity"])
    assert bert["training_time_hours"] == float(by_name["BERT-Large"]["training_time_hours"])
    assert models["hardware_quantity"].notna().sum() == 218  # SOURCES.md column table
    assert np.all(np.diff(models["year"].to_numpy()) >= 0)


@pytest.mark.parametrize("name", ML_SERIES)
def test_series_layout(name):
    frame = datasets.load_series(name)
    assert datasets.series_unit(name) == "FLOP"
    assert list(frame.columns) == [
        "year",
        "date",
        "value [FLOP]",
        "label",
        "organization",
        "confidence",
    ]
    assert datasets.value_unit(frame) == "FLOP"
    values = frame["value [FLOP]"].to_numpy(dtype=float)
    assert np.all(np.isfinite(values))
    assert np.all(values > 0)
    assert np.all(np.diff(frame["year"].to_numpy()) >= 0)


def test_series_sizes_and_frontier_definition():
    rows = _rows_from_the_file()
    assert len(datasets.load_series("ml-training-all")) == len(rows)
    frontier = datasets.load_series("ml-training-frontier")
    assert set(frontier["label"]) == {r["system"] for r in rows if r["frontier"] == "True"}


def test_largest_series_is_the_running_record():
    frame = datasets.load_series("ml-training-largest")
    expected = _records_by_loop()
    assert list(frame["label"]) == [name for name, _, _ in expected]
    assert list(frame["value [FLOP]"]) == [flop for _, _, flop in expected]
    assert np.all(np.diff(frame["value [FLOP]"].to_numpy()) > 0)
    # SOURCES.md's record table: 35 records, ending with Grok 4 at 5e26 FLOP.
    assert len(frame) == 35
    assert frame["label"].iloc[-1] == "Grok 4"
    assert frame["value [FLOP]"].iloc[-1] == pytest.approx(5e26)


def test_first_model_above_named_examples():
    gpt3 = ml_models.first_model_above(3e23)
    assert gpt3 is not None
    assert (gpt3.name, gpt3.date, gpt3.organization) == (
        "GPT-3 175B (davinci)",
        "2020-05-28",
        "OpenAI",
    )
    assert gpt3.to_dict()["credit"] == CREDIT
    # Strictly greater: GPT-3's own compute is passed first by the next record.
    assert ml_models.first_model_above(3.14e23).name == "Jurassic-1-Jumbo"
    assert ml_models.first_model_above(1e30) is None
    with pytest.raises(InvalidValueError):
        ml_models.first_model_above(math.nan)


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=0.0, max_value=30.0))
def test_first_model_above_agrees_with_a_direct_loop(log10_flop):
    threshold = 10.0**log10_flop
    rows = sorted(
        _rows_from_the_file(),
        key=lambda r: (r["publication_date"], -float(r["training_compute_flop"])),
    )
    expected = next((r for r in rows if float(r["training_compute_flop"]) > threshold), None)
    found = ml_models.first_model_above(threshold)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert (found.name, found.date) == (expected["system"], expected["publication_date"])
        assert found.training_flop > threshold


def test_unknown_kind_is_refused():
    with pytest.raises(InvalidValueError):
        ml_models.training_series("biggest")


def test_frontier_growth_agrees_with_epoch(capsys):
    """Epoch: frontier training compute grows 4-5x per year.

    Sevilla & Roldán, 'Training compute of frontier AI models grows by 4-5x per year'
    (Epoch AI, 2024), introduction and summary
    (https://epoch.ai/blog/training-compute-of-frontier-ai-models-grows-by-4-5x-per-year);
    Epoch's data insight https://epoch.ai/data-insights/compute-trend-post-2010 gives
    4.6x per year for notable models since 2010 (bibliography keys epoch-frontier-growth).
    """
    status = main(
        [
            "trends",
            "fit",
            "--series",
            "ml-training-frontier",
            "--model",
            "exponential",
            "--start",
            "2010",
            "--end",
            "2026",
            "--json",
        ]
    )
    assert status == 0
    payload = json.loads(capsys.readouterr().out)
    growth = payload["growth_factor_per_year"]
    published = ml_models.PUBLISHED_FRONTIER_GROWTH
    assert (published["low"], published["high"]) == (4.0, 5.0)  # the source's words
    assert published["low"] <= growth <= published["high"]
    low, high = payload["doubling_time_interval"]
    # 4x/yr doubles every 0.5 years, 5x/yr every 0.431 years: the interval lies inside.
    assert math.log(2) / math.log(5) <= low <= payload["doubling_time_years"] <= high
    assert high <= math.log(2) / math.log(4)
    assert payload["fit"]["n_points"] == 71
