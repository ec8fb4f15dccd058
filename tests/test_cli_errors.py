"""How the command line fails: one line on stderr and a documented exit status, never a traceback."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brainflops import cli
from brainflops.cli import core as core_cli
from brainflops.core.text import printable

ROOT = Path(__file__).resolve().parents[1]


def _with_handler(monkeypatch, handler):
    """Make ``brainflops presets`` run ``handler`` instead."""
    real = core_cli.register

    def register(subparsers: argparse._SubParsersAction) -> None:
        real(subparsers)
        subparsers.choices["presets"].set_defaults(handler=handler)

    monkeypatch.setattr(core_cli, "register", register)


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["nonsense"],
        ["estimate", "--samples", "x"],
        ["estimate", "--no-such-flag"],
        ["table", "--format", "word"],
        ["trends", "fit", "--model", "cubic"],
    ],
)
def test_argparse_errors_are_one_line_and_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2
    assert "error:" in _one_line(capsys)


def test_a_bug_is_one_line_asking_for_a_report(monkeypatch, capsys):
    def broken(_args):
        raise ZeroDivisionError("division by zero")

    _with_handler(monkeypatch, broken)
    monkeypatch.delenv("BRAINFLOPS_DEBUG", raising=False)
    assert cli.main(["presets"]) == 1
    err = _one_line(capsys)
    assert "internal error: ZeroDivisionError" in err
    assert "please report" in err


def test_debug_shows_the_traceback(monkeypatch):
    def broken(_args):
        raise ZeroDivisionError("division by zero")

    _with_handler(monkeypatch, broken)
    monkeypatch.setenv("BRAINFLOPS_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        cli.main(["presets"])


def test_interrupt_in_a_handler_exits_130(monkeypatch, capsys):
    def interrupted(_args):
        raise KeyboardInterrupt

    _with_handler(monkeypatch, interrupted)
    assert cli.main(["presets"]) == 130
    assert _one_line(capsys) == "brainflops: interrupted\n"


def test_interrupt_while_importing_the_commands_exits_130(monkeypatch, capsys):
    def interrupted(_subparsers):
        raise KeyboardInterrupt

    monkeypatch.setattr(core_cli, "register", interrupted)
    assert cli.main(["presets"]) == 130
    assert _one_line(capsys) == "brainflops: interrupted\n"


def test_broken_pipe_is_quiet(monkeypatch, capsys):
    def reader_gone(_args):
        raise BrokenPipeError(32, "Broken pipe")

    _with_handler(monkeypatch, reader_gone)
    assert cli.main(["presets"]) == 141
    assert capsys.readouterr().err == ""


def test_runtime_warnings_do_not_leak(monkeypatch, capsys):
    def noisy(_args):
        warnings.warn("overflow encountered in exp", RuntimeWarning, stacklevel=1)
        return 0

    _with_handler(monkeypatch, noisy)
    assert cli.main(["presets"]) == 0
    assert capsys.readouterr().err == ""


def test_control_characters_in_errors_are_escaped(capsys):
    assert cli.main(["estimate", "--scenario", "evil\x1b[2J\nbrainflops: error: forged"]) == 2
    err = _one_line(capsys)
    assert "\x1b" not in err
    assert "\\x1b[2J\\nbrainflops: error: forged" in err


@given(st.text())
def test_printable_is_one_line_without_controls(text):
    shown = printable(text)
    assert "\n" not in shown
    assert "\r" not in shown
    assert all(ch.isprintable() or ch == " " for ch in shown)
    if text.isprintable():
        assert shown == text


def _run(*argv: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "brainflops", *argv],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        **kwargs,
    )


def test_closed_stdout_is_a_user_error():
    closed = subprocess.run(
        [sys.executable, "-m", "brainflops", "estimate"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=120,
        preexec_fn=lambda: os.close(1),
    )
    assert closed.returncode == 2
    assert closed.stderr.count("\n") == 1
    assert "standard output is closed" in closed.stderr


@pytest.mark.parametrize("delay", [0.0, 0.2, 0.6])
def test_ctrl_c_at_any_time_is_one_line_and_130(delay):
    # The child says when main() is about to start; from then on, the command's imports
    # (the whole library for ``estimate --samples``, which builds and samples its model:
    # plain ``estimate`` and ``compare`` answer from the shipped results in a few hundredths
    # of a second) and its work are all inside main()'s handling. Before that there is only Python's own
    # start-up and two tiny modules of ours.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRAINFLOPS_CACHE_DIR": ""}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import brainflops.cli as c, sys; print('ready', flush=True); "
                "sys.exit(c.main(['estimate', '--samples', '300000']))"
            ),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n"
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    if process.returncode == 0:
        pytest.skip("the command finished before the signal")
    assert "Traceback" not in err
    assert process.returncode == 130, err
    assert err == "brainflops: interrupted\n"
