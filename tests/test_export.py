import io
import json

import pandas as pd
import pytest

import brainflops
from brainflops.core.errors import InvalidValueError
from brainflops.outputs.export import FORMATS, assumptions, assumptions_frame

MODEL = brainflops.load_preset("dettmers2015")


def test_frame_has_every_parameter_and_field():
    frame = assumptions_frame(MODEL)
    assert list(frame.name) == list(MODEL.parameters)
    assert {"unit", "value", "low", "high", "source", "provenance", "verified"} <= set(
        frame.columns
    )
    assert frame.source.str.len().min() > 0


def test_csv_round_trip():
    back = pd.read_csv(io.StringIO(assumptions(MODEL, "csv")))
    original = assumptions_frame(MODEL)
    assert list(back.name) == list(original.name)
    assert back.value.tolist() == pytest.approx(original.value.tolist())
    assert back.low.isna().tolist() == original.low.isna().tolist()


def test_json_round_trip():
    records = json.loads(assumptions(MODEL, "json"))
    assert [r["name"] for r in records] == list(MODEL.parameters)
    rate = next(r for r in records if r["name"] == "firing_rate")
    assert (rate["value"], rate["low"], rate["high"], rate["unit"]) == (200, 50, 1000, "Hz")
    assert rate["verified"] is False


def test_markdown_latex_html():
    markdown = assumptions(MODEL, "markdown")
    assert markdown.splitlines()[0].startswith("| name")
    assert len(markdown.splitlines()) == len(MODEL.parameters) + 2
    latex = assumptions(MODEL, "latex")
    assert r"\begin{tabular}" in latex
    assert r"purkinje.kernel\_branches" in latex
    html = assumptions(MODEL, "html")
    assert html.count("<tr") == len(MODEL.parameters) + 1


def test_every_format_listed_works():
    for fmt in FORMATS:
        assert assumptions(MODEL, fmt)


def test_unknown_format():
    with pytest.raises(InvalidValueError, match="format"):
        assumptions(MODEL, "docx")
