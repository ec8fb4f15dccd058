"""bootstrap.py: the README's set-up works with nothing but python3."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bootstrap():
    spec = importlib.util.spec_from_file_location("bootstrap", ROOT / "bootstrap.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_unknown_extra_is_refused_in_one_line():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bootstrap.py"), "everything"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "bootstrap: unknown extra 'everything'; choose from test, docs, lint, notebooks, "
        "sensitivity, bench, dev"
    )


def test_extras_are_those_of_pyproject():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert set(_bootstrap().EXTRAS) == set(extras)


def test_without_pip_in_the_environment_the_zipapp_is_fetched(tmp_path, monkeypatch):
    module = _bootstrap()
    fetched = []
    monkeypatch.setattr(
        module.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 1)
    )
    monkeypatch.setattr(
        module.urllib.request, "urlretrieve", lambda url, path: fetched.append((url, path))
    )
    command = module.pip_command(tmp_path)
    assert fetched == [(module.PIP_ZIPAPP, tmp_path / "pip.pyz")]
    assert command == [str(module.env_python(tmp_path)), str(tmp_path / "pip.pyz")]


def test_with_pip_in_the_environment_it_is_used(tmp_path, monkeypatch):
    module = _bootstrap()
    monkeypatch.setattr(
        module.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0)
    )
    assert module.pip_command(tmp_path)[1:] == ["-m", "pip"]


def test_the_test_extra_keeps_only_what_tests_need():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    names = {requirement.split(">")[0].split("=")[0] for requirement in extras["test"]}
    assert not names & {"ruff", "mypy", "sphinx", "jupyter", "furo", "myst-parser"}
