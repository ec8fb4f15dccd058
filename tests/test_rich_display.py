"""Notebooks show results as readable tables (``_repr_html_``), numbers for people."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

import brainflops
from brainflops.hardware.plan import plan
from brainflops.uncertainty.sensitivity import elasticities, tornado

MODEL = brainflops.load_preset("dettmers2015")


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells: list[str] = []

    def handle_data(self, data):
        if data.strip():
            self.cells.append(data.strip())


def _cells(html: str) -> list[str]:
    parser = _Cells()
    parser.feed(html)
    return parser.cells


@pytest.mark.parametrize(
    "obj",
    [
        MODEL,
        MODEL.sample(1000, seed=1),
        plan(MODEL, "H100 SXM5", "bf16"),
        tornado(MODEL),
        elasticities(MODEL),
    ],
    ids=["Model", "Samples", "HardwarePlan", "Tornado", "Elasticities"],
)
def test_rich_display_is_html_without_raw_floats(obj):
    html = obj._repr_html_()
    assert html.startswith("<div>")
    for cell in _cells(html):
        assert not re.search(r"\d\.\d{6,}|e[+-]\d\d", cell), cell


def test_plan_display_rounds_devices_up_and_uses_units():
    cells = _cells(plan(MODEL, "H100 SXM5", "bf16")._repr_html_())
    assert any(re.fullmatch(r"\d{1,3}(,\d{3})+ \(set by throughput\)", c) for c in cells)
    assert any(re.fullmatch(r"\d\.\d\d GW", c) for c in cells)
    assert any(re.fullmatch(r"\$\d\d\.\d bn", c) for c in cells)
