"""Human output fits the terminal (COLUMNS=100), numbers read as numbers, progress stays
off pipes, and `table` shows a readable view on a terminal."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from brainflops.cli import _terminal, main

WIDTH = 100
COMMANDS = [
    ["presets"],
    ["estimate"],
    ["estimate", "--samples", "2000"],
    ["estimate", "--preset", "mechanistic-modern"],
    ["hardware", "--device", "H100 SXM5", "--precision", "bf16"],
    ["hardware", "--preset", "mechanistic-modern", "--device", "H100 SXM5"],
    ["table", "--format", "text"],
    # added with the deep-learning, anchors and calibrated-timeline commands
    ["train", "--workload", "gpt3-175b", "--device", "H100 SXM5", "--count", "1024",
     "--samples", "200"],
    ["versus", "--preset", "mechanistic-modern", "--samples", "500"],
    ["workloads"],
    ["anchors", "--samples", "2000"],
    ["tai", "--samples", "2000", "--tornado"],
    ["timeline", "--preset", "dettmers2015", "--preset", "mechanistic-modern",
     "--criterion", "hpl", "--criterion", "hpcg", "--samples", "2000"],
    ["trends", "calibrate", "--model", "exponential"],
    ["cite", "--preset", "dettmers2015"],
    ["compare"],
    ["explain"],
]  # fmt: skip
_E_NOTATION = re.compile(r"\d\.?\d*e[+-]\d+")


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_human_output_fits_100_columns(capsys, monkeypatch, argv):
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    code, out, _ = run(capsys, *argv)
    assert code == 0
    too_wide = [line for line in out.splitlines() if len(line) > WIDTH]
    assert too_wide == []


# The commands whose output is mostly numbers, chosen by name (not by position in the list).
_NUMERIC = [
    argv
    for argv in COMMANDS
    if argv[0] in {"estimate", "hardware", "train", "tai"}
    and argv != ["estimate", "--preset", "mechanistic-modern"]
]


@pytest.mark.parametrize("argv", _NUMERIC, ids=" ".join)
def test_numbers_are_written_for_people(capsys, monkeypatch, argv):
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    _, out, _ = run(capsys, *argv)
    # The source's headline is quoted in the source's own form; operation shapes are
    # whole sizes with separators ("conv 100,000×5"), never e-notation.
    ours = [line for line in out.splitlines() if "by source" not in line and "of it" not in line]
    assert not _E_NOTATION.findall("\n".join(ours))
    assert "0.298507" not in out  # fractional devices are rounded up


def test_hardware_device_counts_are_rounded_up(capsys):
    _, out, _ = run(capsys, "hardware", "--device", "H100 SXM5", "--precision", "bf16")
    assert re.search(r"devices needed         \d{1,3}(,\d{3})+ \(set by", out)
    soma = next(
        line for line in out.splitlines() if line.startswith("cerebellar") and "Soma" in line
    )
    assert soma.split()[-1] == "1"  # 0.3 of a device is one device


def test_table_on_a_terminal_is_readable_and_formats_stay(capsys, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    _, out, _ = run(capsys, "table")
    assert out.splitlines()[0].split() == ["parameter", "value", "90%", "range", "basis"]
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    _, out, _ = run(capsys, "table")
    assert out.startswith("| name")  # pipes keep the Markdown they always got


def test_fit_wraps_long_lines_with_indent():
    text = _terminal.fit("  " + "word " * 40, 30)
    assert all(len(line) <= 30 for line in text.splitlines())
    assert all(line.startswith("  ") for line in text.splitlines())


def test_progress_is_silent_on_a_pipe():
    code = "from brainflops.cli._terminal import stage\nwith stage('working'):\n    pass\n"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stderr == ""


def test_progress_on_a_terminal_and_quiet(monkeypatch, capsys):
    import argparse

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with _terminal.stage("sampling"):
        pass
    assert capsys.readouterr().err.startswith("sampling…")
    with _terminal.stage("sampling", argparse.Namespace(quiet=True)):
        pass
    assert capsys.readouterr().err == ""


def test_timeline_progress_on_a_terminal_only(monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    argv = ["timeline", "--preset", "mechanistic-modern", "--samples", "2000"]
    _, _, err = run(capsys, *argv)
    # the estimate is read and drawn first, so a bad scenario is refused before any fit
    assert err.startswith("mechanistic-modern: 2,000 draws…")
    assert "fitting the top500-rank1 trend…" in err
    assert "mechanistic-modern: 2,000 parity years (hpl)…" in err
    assert run(capsys, *argv, "--quiet")[2] == ""


def test_plot_option_writes_the_chart(capsys, tmp_path):
    target = tmp_path / "roofline.svg"
    code, _, err = run(
        capsys, "hardware", "--device", "H100 SXM5", "--precision", "bf16", "--plot", str(target)
    )
    assert code == 0
    assert "<svg" in target.read_text()
    code, _, err = run(capsys, "estimate", "--plot", str(tmp_path / "e.txt"))
    assert code == 2
    assert "--plot" in err
