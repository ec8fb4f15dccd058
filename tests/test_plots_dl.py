"""The training-run chart and the versus report section."""

from __future__ import annotations

import pytest

from brainflops.models.presets import list_presets, load_preset
from brainflops.outputs.plots.style import EPOCH_CREDIT, text_overlaps
from brainflops.outputs.plots_dl import lifetimes, training_runs_figure
from brainflops.outputs.report.versus import versus_section


def test_lifetimes_of_every_preset():
    values = lifetimes()
    assert len(values) == len(list_presets())
    model = load_preset("dettmers2015")
    label = model.title.split(":")[0]
    assert values[label] == pytest.approx(model.central().m_as("FLOP/s") * 1e9)
    assert lifetimes(["dettmers2015"], age_seconds=5e8)[label] == pytest.approx(
        model.central().m_as("FLOP/s") * 5e8
    )


def test_chart_conventions():
    values = {"A": 1e24, "B": 1e30, "C": 1e24}
    fig = training_runs_figure(values, highlight="B")
    texts = [t.get_text() for t in fig.texts]
    assert texts[0] == "Training runs against the brain's lifetime compute"
    assert "Epoch AI" in texts[1]
    assert EPOCH_CREDIT in texts
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.texts]
    assert any(label.startswith("A, C:") for label in labels)  # equal lifetimes share a label
    assert any(label.startswith("B:") for label in labels)
    horizontal = [line for line in ax.get_lines() if len(set(line.get_ydata())) == 1]
    assert sorted({float(line.get_ydata()[0]) for line in horizontal}) == [1e24, 1e30]
    low, high = ax.get_ylim()
    assert low < 1e15
    assert high > 1e30
    ticks = [int(t) for t in ax.get_xticks() if 2010 <= t <= 2027]
    assert all(float(t).is_integer() for t in ax.get_xticks())
    assert ticks
    assert text_overlaps(fig) == []


def test_versus_section_for_the_report():
    section = versus_section(load_preset("mechanistic-modern"), samples=200, seed=0)
    assert section.key == "versus"
    assert "GPT-3 175B (davinci)" in section.paragraphs[0]
    assert EPOCH_CREDIT in section.paragraphs[1]
    (table,) = section.tables
    assert len(table.frame) == 5
    (figure,) = section.figures
    assert figure.svg.startswith("<svg")
