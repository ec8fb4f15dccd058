"""Regression tests for issue #17: no traceback, no hang, no lost file.

Every test drives the real command line in-process (``brainflops.cli.main``) with an
input from the issue's list and checks the exit status, the one-line error and that no
output file was touched.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import threading
import time
from pathlib import Path

import pytest

from brainflops.cli import build_parser, main
from brainflops.cli._common import dumps, flops_text
from brainflops.core.errors import InvalidValueError

BASE = '[scenario]\nbase = "dettmers2015"\n'
DOUBLING = ["--preset", "dettmers2015", "--model", "doubling", "--baseline", "1e15"]
DOUBLING += ["--baseline-year", "2015"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of one in-process run (argparse exits count too)."""
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse's own refusal
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def refused(argv: list[str], capsys: pytest.CaptureFixture[str], *expected: str) -> str:
    status, _, err = run(argv, capsys)
    assert status == 2, err
    last = err.strip().splitlines()[-1]
    assert "error" in last
    for text in expected:
        assert text in last, last
    return last


def write(tmp_path: Path, text: str, name: str = "s.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# ------------------------------------------------------------ command-line values
@pytest.mark.parametrize(
    "argv",
    [
        ["estimate", "--preset", ""],
        ["estimate", "--scenario", ""],
        ["estimate", "--preset", "dettmers2015:"],
        ["estimate", "--out", ""],
        ["estimate", "--samples", "1000000000000"],
        ["estimate", "--samples", "1e12"],
        ["timeline", "--preset", "dettmers2015", "--seed", "-1"],
        ["timeline", "--preset", "dettmers2015", "--samples", "100000000000000"],
        ["trends", "backtest", "--train-end", "2010", "--target", "1e15", "--seed", "-1"],
        ["sensitivity", "--method", "sobol", "--samples", str(2**40)],
        ["bench", "--min-time", "inf"],
        ["bench", "--min-time", "nan"],
        ["compare", "--plot", "x.png", "--dpi", "20000"],
        ["report", "--samples", "1000000000000"],
        ["hardware", "--device", "H100 SXM5", "--pue", "1e300"],
        ["timeline", "--preset", "dettmers2015", "--years", "1e300"],
        ["timeline", "--preset", "dettmers2015", "--years", ",".join(["2050"] * 51)],
        ["timeline", *DOUBLING, "--doubling-years", "1e-300"],
        ["timeline", *DOUBLING, "--doubling-years", "1e300"],
        ["timeline", *DOUBLING, "--doubling-years", "1.8", "--doubling-interval", "0,1e9"],
        ["trends", "fit", *DOUBLING[2:], "--doubling-years", "inf"],
    ],
)
def test_bad_command_line_values_are_refused_before_any_work(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    refused(argv, capsys)
    assert time.perf_counter() - started < 20
    assert not list(tmp_path.iterdir())  # nothing written


def test_existing_out_is_refused_before_the_model_is_built(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out.txt"
    out.write_text("keep")

    def never(*args, **kwargs):
        raise AssertionError("the model was built before the output was checked")

    monkeypatch.setattr("brainflops.models.presets.load_preset", never)
    monkeypatch.setattr("brainflops.models.summary.preset_summary", never)
    last = refused(["estimate", "--samples", "10", "--out", str(out)], capsys, "--force")
    assert "overwrite=True" not in last
    assert out.read_text() == "keep"


@pytest.mark.parametrize("target", ["/dev/null", "/dev/zero"])
def test_force_never_replaces_a_device(target, capsys):
    before = Path(target).stat()
    refused(["presets", "--out", target, "--force"], capsys, "character device")
    after = Path(target).stat()
    assert (before.st_ino, before.st_mode) == (after.st_ino, after.st_mode)


def test_force_refuses_symlinks_and_directories(tmp_path, capsys):
    real = tmp_path / "real.txt"
    real.write_text("keep")
    (tmp_path / "link.txt").symlink_to(real)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing")
    for name in ("link.txt", "dangling.txt"):
        for force in ([], ["--force"]):
            refused(["presets", "--out", str(tmp_path / name), *force], capsys, "link")
    refused(["presets", "--out", str(tmp_path), "--force"], capsys, "directory")
    assert real.read_text() == "keep"
    assert not (tmp_path / "missing").exists()


def test_force_replaces_a_regular_file(tmp_path, capsys):
    out = tmp_path / "out.txt"
    out.write_text("old")
    status, _, _ = run(["presets", "--out", str(out), "--force"], capsys)
    assert status == 0
    assert "dettmers2015" in out.read_text()


# ------------------------------------------------------------------ special reads
def _finishes(function, seconds: float = 20.0):
    result: list = []
    thread = threading.Thread(target=lambda: result.append(function()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "hung"
    return result[0]


def test_fifo_and_devices_as_scenarios_do_not_hang(tmp_path, capsys):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero", "/dev/urandom", str(tmp_path)):
        status = _finishes(lambda p=path: run(["validate", p], capsys)[0])
        assert status == 2
    _, _, err = run(["validate", str(fifo)], capsys)
    assert "FIFO" in err


def test_byte_order_mark_is_accepted(tmp_path, capsys):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    status, out, _ = run(["validate", str(path)], capsys)
    assert status == 0
    assert ": ok:" in out


def test_large_valid_scenario_validates_in_linear_time(tmp_path, capsys):
    from brainflops.models.scenario import MAX_ENTRIES, MAX_FILE_BYTES

    lines = [BASE]
    lines += [f'[parameters.extra.p{i}]\nvalue = "1 Hz"\n' for i in range(MAX_ENTRIES)]
    text = "".join(lines)
    text += "# padding\n" * ((MAX_FILE_BYTES - len(text) - 100) // 10)
    assert len(text.encode()) <= MAX_FILE_BYTES
    path = write(tmp_path, text)
    started = time.perf_counter()
    status, _out, err = run(["validate", path], capsys)
    assert status == 0, err
    assert time.perf_counter() - started < 5


def test_too_many_entries_are_refused_quickly(tmp_path, capsys):
    from brainflops.models.scenario import MAX_ENTRIES

    body = "".join(f"[parameters.x{i}]\nvalue = 1\n" for i in range(MAX_ENTRIES + 1))
    started = time.perf_counter()
    refused(["validate", write(tmp_path, BASE + body)], capsys, "at most")
    assert time.perf_counter() - started < 5


# ------------------------------------------------------------------ scenario errors
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("reported = -1\n", "scenario.reported: a reported rate must be positive"),
        ('remove = ["other", "other"]\n', "'other' is listed twice"),
        (
            '[parameters.x]\nvalue = "2 Hz"\n[[formulas]]\nname = "f"\nformula = "x - x"\n',
            "zero for every value",
        ),
        (
            (
                "[set]\nfiring_rate = { value = 1, distribution = "
                '{ kind = "lognormal90", low = 0.5, high = 2, bogus = 3 } }\n'
            ),
            "unexpected key 'bogus'",
        ),
        ('[set]\nfiring_rate = "5 blorps"\n', "unknown unit 'blorps'"),
        ('[set]\nfiring_rate = { value = 5, unit = "blorps" }\n', "unknown unit 'blorps'"),
        ('[set]\nfiring_rate = "5 Hz/blorp"\n', "unknown unit 'blorp'"),
    ],
)
def test_scenario_mistakes_name_line_key_and_problem(tmp_path, capsys, body, expected):
    path = write(tmp_path, BASE + body)
    last = refused(["validate", path], capsys, expected)
    assert last.count(f"{path}:") == 1  # file named once, with a line number
    key = last.split(f"{path}:", 1)[1].split(": ")[1]
    assert last.count(key) == 1, last  # and the key once


def test_validate_catches_formulas_negative_on_rare_draws(tmp_path, capsys):
    # y above 1 has a probability of about 0.1%: 64 draws would almost never see it.
    body = (
        '[parameters.x]\nvalue = "1 FLOP/s"\n'
        '[parameters.y]\nvalue = 0.14\nlow = 0.05\nhigh = 0.4\nunit = "dimensionless"\n'
        '[[formulas]]\nname = "f"\nformula = "x * (1 - y)"\n'
    )
    path = write(tmp_path, BASE + body)
    refused(["validate", path], capsys, f"{path}:10: formulas[0]: f = ", "zero or negative")


# ------------------------------------------------------------------ extreme numbers
def _huge(tmp_path: Path, value: str, name: str = "huge.toml") -> str:
    body = (
        f'[parameters.huge]\nvalue = {value}\nunit = "FLOP/s"\n'
        '[[formulas]]\nname = "a"\nformula = "huge"\n[[formulas]]\nname = "b"\nformula = "huge * 10"\n'
    )
    return write(tmp_path, BASE + body, name)


def test_estimate_beyond_float_range_prints_powers_of_ten(tmp_path, capsys):
    path = _huge(tmp_path, "1e308")
    status, out, err = run(["estimate", "--scenario", path], capsys)
    assert status == 0, err
    assert "× 10³⁰⁹ FLOP/s" in out  # a power of ten, not inf or an overflow
    assert "inf" not in out
    status, out, err = run(["estimate", "--scenario", path, "--json", "--samples", "200"], capsys)
    assert status == 0, err
    data = json.loads(out)
    assert data["log10_central"] == pytest.approx(309.04, abs=0.01)
    assert "central" not in data  # beyond a float: the log10 alone, never null or inf
    # null only where a source figure is absent, never for a number that overflowed
    assert {key for key, value in data.items() if value is None} == {
        "reported",
        "headline",
        "converted",
    }
    assert out.count("null") == 3
    assert max(term["log10_flops"] for term in data["breakdown"]) == pytest.approx(309, abs=0.01)


def test_hardware_on_an_extreme_scenario_prints_no_inf(tmp_path, capsys):
    path = _huge(tmp_path, "1e299")
    status, out, err = run(["hardware", "--scenario", path, "--device", "H100 SXM5"], capsys)
    assert status in (0, 2), err
    assert "inf W" not in out
    assert "inf" not in err


def test_json_writer_refuses_non_finite_values():
    with pytest.raises(InvalidValueError, match=r"result\.a\[1\] is inf"):
        dumps({"a": [1.0, float("inf")]})
    with pytest.raises(InvalidValueError, match="nan"):
        dumps({"b": float("nan")})


def test_flops_text_switches_to_powers_of_ten():
    assert flops_text(21.0) == "1e+21"
    assert flops_text(309.2) == "10^309.2"


def test_csv_export_neutralises_spreadsheet_formulas(tmp_path, capsys):
    body = '[set]\nfiring_rate = { value = 1, note = "=HYPERLINK(\\"x\\")" }\n'
    path = write(tmp_path, BASE + body)
    status, out, err = run(["table", "--scenario", path, "--format", "csv"], capsys)
    assert status == 0, err
    assert "'=HYPERLINK" in out
    assert ',"=HYPERLINK' not in out
    assert ",=HYPERLINK" not in out


# ------------------------------------------------------------------ signals
def test_interrupt_during_a_command_exits_130(capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("brainflops.models.presets.load_preset", interrupted)
    status, _, err = run(["table"], capsys)
    assert status == 130
    assert err.strip().splitlines() == ["brainflops: interrupted"]


# ----------------------------------------------------------- outputs, structurally
REQUIRED = {  # a value that parses for each required argument, by destination
    "series": "top500-rank1",
    "train_end": "2010",
    "target": "1e15",
    "preset": "dettmers2015",
    "workload": "gpt3",
    "device": "H100 SXM5",
    "count": "8",
}


def _commands_writing(option: str) -> list[tuple[list[str], argparse.ArgumentParser]]:
    """Every (sub)command parser that takes ``option``, with arguments it accepts."""
    found = []
    pending: list[tuple[list[str], argparse.ArgumentParser]] = [([], build_parser())]
    while pending:
        path, parser = pending.pop()
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        for action in subs:
            pending += [([*path, name], p) for name, p in action.choices.items()]
        if subs or option not in parser._option_string_actions:
            continue
        argv: list[str] = []
        for action in parser._actions:
            if action.required or (not action.option_strings and action.nargs is None):
                argv += [*action.option_strings[:1], REQUIRED[action.dest]]
        found.append((argv, parser))
    return found


@pytest.mark.parametrize("option", ["--out", "--plot"])
def test_every_command_refuses_an_existing_output_before_its_handler(
    option, tmp_path, capsys, monkeypatch
):
    existing = tmp_path / "existing.png"
    existing.write_text("keep")
    commands = _commands_writing(option)
    assert len(commands) >= (15 if option == "--out" else 6)

    def never(args):
        raise AssertionError("the command ran before its output was checked")

    for argv, parser in commands:
        if parser.get_default("out_is_folder"):
            continue  # report writes a folder; checked file by file in test_report.py
        parser.set_defaults(handler=never)
        monkeypatch.setattr("brainflops.cli.build_parser", lambda parser=parser: parser)
        status, _, err = run([*argv, option, str(existing)], capsys)
        assert status == 2, (parser.prog, err)
        assert len(err.splitlines()) == 1, err
        assert "--force" in err, (parser.prog, err)
    assert existing.read_text() == "keep"


def test_an_output_created_during_the_run_is_kept_and_the_hint_is_force(
    tmp_path, capsys, monkeypatch
):
    from brainflops.outputs import plots

    plot = tmp_path / "chart.png"
    real_save = plots.save

    def save_after_a_rival(figure, path, **kwargs):
        plot.write_text("rival")  # another process wrote it after the early check
        return real_save(figure, path, **kwargs)

    monkeypatch.setattr("brainflops.outputs.plots.save", save_after_a_rival)
    last = refused(["compare", "--plot", str(plot)], capsys, "exists; pass --force")
    assert "overwrite=True" not in last
    assert plot.read_text() == "rival"


def test_breakdown_never_clips_a_term_beyond_a_float(tmp_path, capsys):
    from brainflops.models.scenario import load_scenario

    model = load_scenario(_huge(tmp_path, "1e308"))  # term b is 1e309 FLOP/s
    with pytest.raises(InvalidValueError, match=r"b: 10\^309\.0 FLOP/s is beyond"):
        model.breakdown()
    below = load_scenario(_huge(tmp_path, "1.7e307", "below.toml")).breakdown()
    terms = below.set_index("stage")
    assert terms.loc["b", "flops"] == pytest.approx(1.7e308, rel=1e-12)  # not clipped
    assert terms.loc["b", "log10_flops"] == pytest.approx(math.log10(1.7e308), abs=1e-12)
    path = _huge(tmp_path, "1e308")
    last = refused(["hardware", "--scenario", path, "--device", "H100 SXM5"], capsys, "10^309.0")
    assert " inf" not in last


@pytest.mark.parametrize(
    "command",
    [
        ["estimate"],
        ["explain"],
        ["table"],
        ["sensitivity"],
        ["timeline", "--samples", "200"],
        ["versus", "--samples", "200"],
        ["tai", "--samples", "200"],
        ["anchors", "--samples", "200"],
        ["hardware", "--device", "H100 SXM5"],
        ["cite"],
        ["report", "--samples", "200"],
    ],
)
def test_every_command_on_an_extreme_scenario_answers_or_refuses_in_one_line(
    command, tmp_path, capsys
):
    # Dettmers with 1e300 Purkinje cells: about 10^313 FLOP/s, beyond a float. (A firing
    # rate cannot carry it: the preset caps rates at the refractory ceiling of 1,000 Hz.)
    path = write(tmp_path, BASE + '[set]\n"purkinje.count" = "1e300 neuron"\n')
    argv = [*command, "--scenario", path]
    if command[0] == "report":
        argv += ["--out", str(tmp_path / "out")]
    status, _, err = run(argv, capsys)
    assert status in (0, 2), err
    assert "internal error" not in err
    if status == 2:
        assert len(err.strip().splitlines()) == 1, err
