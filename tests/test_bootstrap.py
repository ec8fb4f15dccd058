"""bootstrap.py: the README's set-up works with nothing but python3."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

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


def _release_listing(folder, wheel_bytes, digest=None):
    """A PyPI-style JSON listing of one pip wheel, served from ``folder`` (file:// URLs)."""
    wheels = folder / "packages"
    wheels.mkdir()
    (wheels / "pip-99.0-py3-none-any.whl").write_bytes(wheel_bytes)
    listing = {
        "urls": [
            {"packagetype": "sdist", "filename": "pip-99.0.tar.gz", "url": "x", "digests": {}},
            {
                "packagetype": "bdist_wheel",
                "filename": "pip-99.0-py3-none-any.whl",
                # relative, as a mirror may list it; PyPI lists absolute URLs
                "url": "packages/pip-99.0-py3-none-any.whl",
                "digests": {"sha256": digest or hashlib.sha256(wheel_bytes).hexdigest()},
            },
        ]
    }
    (folder / "pip.json").write_text(json.dumps(listing))
    return (folder / "pip.json").as_uri()


def test_pip_wheel_is_fetched_from_the_listing_and_checked(tmp_path):
    module = _bootstrap()
    target = tmp_path / "env"
    target.mkdir()
    listing = _release_listing(tmp_path, b"wheel bytes")
    wheel = module.fetch_pip_wheel(target, listing)
    assert wheel == target / "pip-99.0-py3-none-any.whl"
    assert wheel.read_bytes() == b"wheel bytes"


def test_a_wheel_that_does_not_match_its_digest_is_refused(tmp_path):
    module = _bootstrap()
    listing = _release_listing(tmp_path, b"tampered", digest="0" * 64)
    with pytest.raises(module.BootstrapError, match="SHA-256"):
        module.fetch_pip_wheel(tmp_path, listing)
    assert not (tmp_path / "pip-99.0-py3-none-any.whl").exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: entry.update(filename="../escaped.whl"),  # a path out of the folder
        lambda entry: entry.update(filename="pip-99.0.tar.gz"),  # not a wheel
        lambda entry: entry.pop("digests"),  # no digest to check against
        lambda entry: entry.update(digests=None),
    ],
)
def test_a_malformed_listing_is_a_bootstrap_error_and_writes_nothing(tmp_path, damage):
    module = _bootstrap()
    listing = _release_listing(tmp_path, b"wheel bytes")
    path = tmp_path / "pip.json"
    data = json.loads(path.read_text())
    damage(data["urls"][1])
    path.write_text(json.dumps(data))
    target = tmp_path / "env" / "sub"
    target.mkdir(parents=True)
    with pytest.raises(module.BootstrapError, match="cannot fetch pip"):
        module.fetch_pip_wheel(target, listing)
    assert not list(target.iterdir())
    assert not (tmp_path / "env" / "escaped.whl").exists()


def test_a_listing_without_files_is_a_bootstrap_error(tmp_path):
    module = _bootstrap()
    (tmp_path / "pip.json").write_text(json.dumps({"urls": None}))
    with pytest.raises(module.BootstrapError, match="cannot fetch pip"):
        module.fetch_pip_wheel(tmp_path, (tmp_path / "pip.json").as_uri())


def test_an_unreachable_index_is_one_line_and_status_1(tmp_path, monkeypatch, capsys):
    module = _bootstrap()
    monkeypatch.setattr(module, "ENV", tmp_path / "env")
    monkeypatch.setattr(module, "PIP_RELEASES", (tmp_path / "missing.json").as_uri())
    monkeypatch.setattr(module, "has_ensurepip", lambda: False)
    assert module.main([]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("bootstrap: no pip in")
    assert lines[1].startswith("bootstrap: cannot fetch pip from file://")
    assert len(lines) == 2


def test_without_pip_the_wheel_installs_pip_into_the_environment(tmp_path, monkeypatch):
    module = _bootstrap()
    calls = []

    def run(command, **_):
        calls.append(command)
        return subprocess.CompletedProcess(command, 1 if len(calls) == 1 else 0)

    wheel = tmp_path / "pip-99.0-py3-none-any.whl"

    def fetch(folder):
        wheel.write_bytes(b"")
        return wheel

    monkeypatch.setattr(module.subprocess, "run", run)
    monkeypatch.setattr(module, "fetch_pip_wheel", fetch)
    command = module.pip_command(tmp_path)
    python = str(module.env_python(tmp_path))
    assert calls[1] == [python, f"{wheel}/pip", "install", "--quiet", str(wheel)]
    assert command == [python, "-m", "pip"]
    assert not wheel.exists()  # the wheel is not left in the environment


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
