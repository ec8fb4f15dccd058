"""Fuzz and abuse suite (issue #17): generated scenario files and command lines.

Hypothesis generates scenario documents (valid tables with hostile values, broken TOML,
control characters, huge and tiny numbers) and command lines (every size argument with
out-of-range, non-numeric and empty values) and drives them through the real entry point
``brainflops.cli.main`` in-process. The properties, for every input:

* the exit status is 0 or 2 (argparse's own refusals included), never a traceback;
* success (0) prints no error; a refusal (2) prints exactly one ``error:`` line on stderr,
  except that ``validate`` prints one line per problem, each naming its file;
* an existing output file is byte-for-byte untouched unless ``--force`` was given.

``FUZZ_EXAMPLES`` (default 60 per test, 4 tests: 240 generated inputs per run) sets how many
inputs each property tries; CI runs the default, well within a minute.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brainflops.cli import main

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same inputs every run: a failure in CI is reproducible
)

HOSTILE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "-1",
        "0",
        "1e12",
        "1e309",
        "-1e309",
        "nan",
        "inf",
        "2^40",
        "1_0",
        "0x10",
        "\x1b[31mred",
        "a\nbrainflops: error: forged",
        "5 blorps",
        "1e-400 Hz",
        "10**10**10",
        "__import__('os')",
        "é",
        "\ufeff",
        "dettmers2015:",
        ":",
        "../../etc/passwd",
    ]
) | st.text(max_size=12)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e-30, 1e300, 1e308, -1.0, 0.0]),
)
VALUES = NUMBERS | HOSTILE_TEXT | st.booleans() | st.lists(NUMBERS, max_size=3)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        status = main(argv)
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 2
    _, err = capsys.readouterr()
    return status, err


def check(status: int, err: str, *, problems_of: str | None = None) -> None:
    """Exit 0 without errors, or 2 with exactly one ``error:`` line on stderr.

    With ``problems_of`` (the file or files ``validate`` read, "" for any), a refusal may
    instead list several problems, one line each, every line an error naming its file.
    """
    assert status in (0, 2), (status, err)
    assert "Traceback" not in err, err
    lines = err.splitlines()
    if status == 0:
        assert "error" not in err, err  # only notes such as "wrote FILE"
    elif len(lines) != 1 or "error:" not in lines[0]:
        assert problems_of is not None, err
        assert lines, "a refusal must say why"
        assert all(line.startswith(f"brainflops: error: {problems_of}") for line in lines), err


def toml_value(value: object) -> str:
    """``value`` as a TOML literal (tomlkit escapes control characters in text)."""
    return tomlkit.item(value).as_string()


KEYS = st.sampled_from(
    [
        "base",
        "remove",
        "reported",
        "firing_rate",
        "value",
        "low",
        "high",
        "unit",
        "formula",
        "name",
        "kind",
        "rho",
        "a",
        "b",
        "distribution",
        "x",
        "x.y",
        "bogus",
    ]
)


@st.composite
def scenarios(draw: st.DrawFn) -> str:
    """A scenario document: mostly well-formed TOML with hostile values, sometimes not."""
    lines = [
        "[scenario]",
        f"base = {toml_value(draw(st.sampled_from(['dettmers2015', 'dettmers2015:granule-own-filter', 'nope', ''])))}",
    ]
    for key, value in draw(
        st.lists(
            st.tuples(st.sampled_from(["reported", "remove", "year", "title"]), VALUES),
            max_size=2,
            unique_by=lambda kv: kv[0],
        )
    ):
        lines.append(f"{key} = {toml_value(value)}")
    section = draw(st.sampled_from(["set", "parameters.x", "formulas", "correlations", "raw"]))
    if section == "set":
        lines.append("[set]")
        for key, value in draw(
            st.lists(
                st.tuples(st.sampled_from(["firing_rate", "purkinje.synapses", "bogus"]), VALUES),
                max_size=3,
                unique_by=lambda kv: kv[0],
            )
        ):
            lines.append(f'"{key}" = {toml_value(value)}')
    elif section == "parameters.x":
        lines.append("[parameters.x]")
        for key, value in draw(
            st.lists(
                st.tuples(st.sampled_from(["value", "low", "high", "unit", "bogus"]), VALUES),
                max_size=4,
                unique_by=lambda kv: kv[0],
            )
        ):
            lines.append(f"{key} = {toml_value(value)}")
        lines += [
            "[[formulas]]",
            'name = "f"',
            f"formula = {toml_value(draw(st.sampled_from(['x', 'x - x', 'x * 1e308 * 1e308', 'x ** 0.5', '(0 - x) ** 0.5', 'log(x)', 'x / 0'])))}",
        ]
    elif section == "formulas":
        lines += [
            "[[formulas]]",
            f"name = {toml_value(draw(HOSTILE_TEXT))}",
            f"formula = {toml_value(draw(HOSTILE_TEXT))}",
        ]
    elif section == "correlations":
        lines += [
            "[[correlations]]",
            f"a = {toml_value(draw(HOSTILE_TEXT))}",
            'b = "firing_rate"',
            f"rho = {toml_value(draw(VALUES))}",
        ]
    else:
        lines.append(draw(st.text(max_size=40)))
    return "\n".join(lines) + "\n"


@SETTINGS
@given(document=scenarios())
def test_fuzz_validate_scenarios(document: str, capsys: pytest.CaptureFixture[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.toml"
        path.write_text(document, encoding="utf-8", errors="surrogatepass")
        status, err = run(["validate", str(path)], capsys)
        check(status, err, problems_of=str(path))


SIZE_ARGUMENTS = [
    (["estimate"], "--samples"),
    (["estimate"], "--seed"),
    (["estimate", "--samples", "10"], "--seed"),
    (["sensitivity", "--method", "sobol"], "--samples"),
    (["timeline", "--brain", "1e16", "--samples", "20"], "--seed"),
    (["timeline", "--brain", "1e16"], "--samples"),
    # the target is reached after the training end (2011-11), so the backtest is scored
    (["trends", "backtest", "--train-end", "2010", "--target", "1e16"], "--seed"),
    (["bench"], "--min-time"),
    (["compare", "--plot", "c.png"], "--dpi"),
    (["hardware", "--device", "H100 SXM5"], "--pue"),
    (["estimate"], "--preset"),
    (["estimate"], "--scenario"),
    (["estimate"], "--out"),
]
SIZE_VALUES = st.sampled_from(
    [
        "-1",
        "0",
        "-0",
        "1e12",
        "1e300",
        "inf",
        "-inf",
        "nan",
        "",
        " ",
        "2^40",
        str(2**40),
        "99999999999999999999999",
        "1.5",
        "0x10",
        "\x1b[2J",
        "abc",
    ]
)


@SETTINGS
@given(case=st.sampled_from(SIZE_ARGUMENTS), value=SIZE_VALUES)
def test_fuzz_size_arguments(case, value, capsys, tmp_path_factory, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    command, option = case
    status, err = run([*command, option, value], capsys)
    check(status, err)


@SETTINGS
@given(
    command=st.sampled_from(
        [["presets"], ["estimate"], ["table"], ["explain"], ["estimate", "--json"]]
    ),
    force=st.booleans(),
    kind=st.sampled_from(["file", "missing", "symlink", "dangling", "directory", "fifo"]),
)
def test_fuzz_outputs_are_never_lost(command, force, kind, capsys, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("out")
    target = folder / "out.txt"
    keep = folder / "keep.txt"
    keep.write_text("precious")
    if kind == "file":
        target.write_text("precious")
    elif kind == "symlink":
        target.symlink_to(keep)
    elif kind == "dangling":
        target.symlink_to(folder / "missing")
    elif kind == "directory":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    status, err = run([*command, "--out", str(target), *(["--force"] if force else [])], capsys)
    check(status, err)
    assert keep.read_text() == "precious"
    if kind == "missing" or (kind == "file" and force):
        assert status == 0
        assert target.is_file()
        assert not target.is_symlink()
    elif kind == "file":
        assert status == 2
        assert target.read_text() == "precious"
    else:
        assert status == 2
        assert target.is_symlink() or target.is_dir() or target.is_fifo()
    assert not (folder / "missing").exists()
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


@SETTINGS
@given(
    argv=st.lists(
        HOSTILE_TEXT
        | st.sampled_from(
            [
                "--json",
                "--force",
                "--out",
                "--preset",
                "--scenario",
                "--samples",
                "validate",
                "estimate",
                "table",
                "scenario",
                "new",
                "--from",
            ]
        ),
        min_size=1,
        max_size=5,
    )
)
def test_fuzz_random_command_lines(argv, capsys, tmp_path_factory, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    status, err = run(argv, capsys)
    check(status, err, problems_of="" if argv[0] == "validate" else None)
