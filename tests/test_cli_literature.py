"""The ``brainflops compare`` command."""

import json
import re

import pytest

from brainflops.cli import main
from brainflops.models.presets import list_presets


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_compare_json_lists_every_preset(capsys):
    code, out, _ = run(capsys, "compare", "--json")
    assert code == 0
    records = json.loads(out)
    assert {r["base"] for r in records} == set(list_presets())
    for record in records:
        assert {"preset", "method", "year", "central", "low", "high", "unit"} <= set(record)
        assert record["unit"] == "FLOP/s"
    by_name = {r["preset"]: r for r in records}
    assert by_name["merkle1989"]["central"] == pytest.approx(1e16)
    assert by_name["sandberg-bostrom2008:level-10"]["central"] == pytest.approx(1e43)


def test_compare_json_is_deterministic(capsys):
    first = run(capsys, "compare", "--json", "--preset", "carlsmith2020")[1]
    second = run(capsys, "compare", "--json", "--preset", "carlsmith2020")[1]
    assert first == second
    assert [r["preset"] for r in json.loads(first)] == [
        "carlsmith2020:mechanistic",
        "carlsmith2020:mechanistic-components",
        "carlsmith2020:functional",
        "carlsmith2020:limit",
    ]


def test_compare_text_table(capsys):
    code, out, _ = run(capsys, "compare", "--preset", "kurzweil1999", "--preset", "moravec1998")
    assert code == 0
    lines = [re.split(r"\s{2,}", line.strip()) for line in out.splitlines()]
    assert lines[0] == ["preset", "central FLOP/s", "90% range", "reported"]
    # The source's figure in its own unit; † marks a FLOP/s figure that is our conversion.
    assert lines[1] == ["kurzweil1999", "2.00 × 10¹⁶ †", "-", "2e+16 cps"]
    assert lines[2] == ["moravec1998", "3.03 × 10¹³ †", "-", "1e+08 MIPS"]


def test_compare_plot_refuses_to_overwrite_without_force(capsys, tmp_path):
    target = tmp_path / "compare.png"
    code, _, err = run(
        capsys, "compare", "--preset", "landauer", "--plot", str(target), "--dpi", "50"
    )
    assert code == 0
    assert "wrote" in err
    assert target.read_bytes()[:4] == b"\x89PNG"
    code, _, err = run(capsys, "compare", "--preset", "landauer", "--plot", str(target))
    assert code == 2
    assert "exists" in err
    code, _, _ = run(
        capsys, "compare", "--preset", "landauer", "--plot", str(target), "--dpi", "50", "--force"
    )
    assert code == 0


def test_compare_out_file(capsys, tmp_path):
    target = tmp_path / "compare.json"
    code, out, _ = run(capsys, "compare", "--json", "--preset", "cotra2020", "--out", str(target))
    assert code == 0
    assert out == ""
    assert json.loads(target.read_text())[0]["preset"] == "cotra2020"


def test_compare_unknown_preset_is_a_user_error(capsys):
    code, _, err = run(capsys, "compare", "--preset", "moravec1999")
    assert code == 2
    assert "moravec1998" in err  # the close-match suggestion


def test_compare_text_marks_range_only_sources(capsys):
    code, out, _ = run(capsys, "compare", "--preset", "aiimpacts2015", "--preset", "landauer")
    assert code == 0
    rows = {
        cells[0]: cells
        for cells in (re.split(r"\s{2,}", line.strip()) for line in out.splitlines()[1:4])
    }
    assert rows["aiimpacts2015"][-1] == "1e+16-3e+17 FLOP/s"  # a range, as printed
    assert rows["aiimpacts2015"][2] == "1.04 × 10¹⁶–3.81 × 10¹⁷"
    assert rows["aiimpacts2015:survey-median"][1:] == ["1.00 × 10¹⁸", "-", "1e+18 FLOP/s"]
    assert rows["landauer"][1].startswith("≤ ")  # an upper bound
    assert rows["landauer"][-1] == "-"  # no figure for the brain
    assert "gives no figure" in out


def test_compare_plot_must_be_a_chart_format(capsys, tmp_path):
    code, _, err = run(
        capsys, "compare", "--preset", "landauer", "--plot", str(tmp_path / "c.txt")
    )
    assert code == 2
    assert "--plot: writes .svg, .png or .pdf files" in err
    assert list(tmp_path.iterdir()) == []


def test_compare_plot_writes_svg(capsys, tmp_path):
    code, _, _ = run(capsys, "compare", "--preset", "landauer", "--plot", str(tmp_path / "c.svg"))
    assert code == 0
    assert "<svg" in (tmp_path / "c.svg").read_text()
