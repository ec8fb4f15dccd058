import io
import json
import shutil
import subprocess

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
    assert "**" not in markdown  # no Markdown emphasis leaks into cells
    html = assumptions(MODEL, "html")
    assert html.count("<tr") == len(MODEL.parameters) + 1


def test_every_format_listed_works():
    for fmt in FORMATS:
        assert assumptions(MODEL, fmt)


def test_unknown_format():
    with pytest.raises(InvalidValueError, match="format"):
        assumptions(MODEL, "docx")


def _latex_rows(latex: str) -> list[list[str]]:
    body = latex.split("\\midrule\n", 1)[1].split("\\bottomrule", 1)[0]
    return [row.split(" & ") for row in body.strip().removesuffix("\\\\").split(" \\\\\n")]


def test_latex_is_a_complete_table_with_caption_label_and_math_symbols():
    latex = assumptions(MODEL, "latex")
    assert latex.startswith("% Needs \\usepackage{booktabs}")
    for part in (
        "\\begin{table}[htbp]",
        "\\caption{",
        "\\label{tab:assumptions-dettmers2015}",
        "\\toprule",
        "\\midrule",
        "\\bottomrule",
        "\\end{table}",
    ):
        assert part in latex, part
    rows = _latex_rows(latex)
    assert len(rows) == len(MODEL.parameters)
    symbols = {row[1]: row[0] for row in rows}
    assert symbols["purkinje.count"] == "$N_{P}$"
    values = {row[1]: row[2] for row in rows}
    assert values["purkinje.count"] == "$1.00 \\times 10^{8}$"
    assert values["purkinje.synapses"] == "$100{,}000$"


def test_latex_columns_are_chosen_and_long_tables_break_across_pages(monkeypatch):
    latex = assumptions(MODEL, "latex", columns=["symbol", "value", "unit"])
    assert "\\begin{tabular}{lrl}" in latex
    assert "Symbol & Value & Unit" in latex
    from brainflops.outputs import export

    monkeypatch.setattr(export, "LONGTABLE_ROWS", 5)
    long = assumptions(MODEL, "latex")
    assert "\\begin{longtable}" in long
    assert "\\endhead" in long  # the header repeats on every page
    assert long.startswith("% Needs \\usepackage{booktabs,longtable}")


def test_unknown_column_is_named():
    with pytest.raises(InvalidValueError, match="colour"):
        assumptions(MODEL, "csv", columns=["name", "colour"])


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no TeX engine installed")
def test_latex_compiles(tmp_path):
    body = assumptions(MODEL, "latex")
    document = (
        "\\documentclass{article}\n\\usepackage{booktabs,longtable}\n"
        f"\\begin{{document}}\n{body}\\end{{document}}\n"
    )
    (tmp_path / "t.tex").write_text(document)
    result = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]
