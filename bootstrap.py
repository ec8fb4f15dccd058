"""Create ``.venv`` and install brainflops into it, with nothing but ``python3``.

Usage (from the repository root)::

    python3 bootstrap.py            # the package and its command line
    python3 bootstrap.py test       # plus what the test suite needs (an extra of pyproject)

Works where the system Python refuses ``pip install`` (PEP 668, "externally managed") and
where it has no ``pip`` or ``ensurepip`` at all (Debian and Ubuntu without python3-venv):
the environment is then created without pip, and pip's wheel is fetched from PyPI (the
release PyPI lists as current, checked against the SHA-256 digest PyPI publishes) and
installs itself into it, since pip runs from its own wheel. So the only server needed is
PyPI. Only the standard library is used; a second run reuses the environment.

Exit status: 0 on success; 2 for an unknown extra; 1 when pip cannot be fetched, checked
or installed (one line on stderr says why); otherwise pip's own status.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
import venv
from http.client import HTTPException
from pathlib import Path

ROOT = Path(__file__).resolve().parent
ENV = ROOT / ".venv"
PIP_RELEASES = "https://pypi.org/pypi/pip/json"  # PyPI's JSON API: files and digests
EXTRAS = ("test", "docs", "lint", "notebooks", "sensitivity", "bench", "dev")


def env_python(env: Path = ENV) -> Path:
    """The environment's interpreter (``bin/python``, or ``Scripts\\python.exe`` on Windows)."""
    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def has_ensurepip() -> bool:
    """Whether this Python can put pip into a new environment by itself."""
    try:
        import ensurepip  # noqa: F401, PLC0415 - Debian ships python3 without it
    except ImportError:
        return False
    return True


class BootstrapError(Exception):
    """A set-up step failed for a reason the user can act on (shown in one line)."""


def fetch_pip_wheel(folder: Path, releases: str | None = None) -> Path:
    """Download pip's current wheel from PyPI (or ``releases``, a listing in PyPI's JSON
    form) into ``folder``, checked against the listing's SHA-256 digest."""
    releases = releases or PIP_RELEASES
    try:
        with urllib.request.urlopen(releases, timeout=60) as response:
            listing = json.load(response)
        # pip publishes one py3-none-any wheel per release; the first wheel listed is it.
        wheel = next(f for f in listing["urls"] if f["packagetype"] == "bdist_wheel")
        digest = str(wheel["digests"]["sha256"])
        # Only a plain wheel name, never a path from the listing (no "../" escapes).
        name = Path(str(wheel["filename"])).name
        if not name.endswith(".whl") or name != wheel["filename"]:
            raise ValueError(f"unexpected wheel name {wheel['filename']!r}")
        # A mirror may list the file relative to the listing; PyPI lists it absolute.
        url = urllib.parse.urljoin(releases, wheel["url"])
        with urllib.request.urlopen(url, timeout=300) as response:
            data = response.read()
    except (OSError, ValueError, KeyError, TypeError, StopIteration, HTTPException) as exc:
        raise BootstrapError(f"cannot fetch pip from {releases}: {exc!r}") from exc
    if hashlib.sha256(data).hexdigest() != digest:
        raise BootstrapError(f"pip's wheel from {url} does not match PyPI's SHA-256 digest")
    target = folder / name
    target.write_bytes(data)
    return target


def pip_command(env: Path = ENV) -> list[str]:
    """The command that runs pip inside ``env``, installing pip there first if it lacks it."""
    python = env_python(env)
    command = [str(python), "-m", "pip"]
    probe = subprocess.run([*command, "--version"], capture_output=True, check=False)
    if probe.returncode == 0:
        return command
    sys.stderr.write(f"bootstrap: no pip in {env}; fetching it from PyPI\n")
    wheel = fetch_pip_wheel(env)
    # pip runs from its own wheel (the wheel is a zip with pip at its root).
    install = [str(python), f"{wheel}/pip", "install", "--quiet", str(wheel)]
    if subprocess.run(install, check=False).returncode != 0:
        raise BootstrapError(f"pip could not install itself from {wheel}")
    wheel.unlink()
    return command


def main(argv: list[str]) -> int:
    """Create the environment if needed and install the package with the given extras."""
    extras = [a for a in argv if a]
    unknown = sorted(set(extras) - set(EXTRAS))
    if unknown:
        choices = ", ".join(EXTRAS)
        sys.stderr.write(f"bootstrap: unknown extra {unknown[0]!r}; choose from {choices}\n")
        return 2
    if not env_python(ENV).exists():
        venv.EnvBuilder(with_pip=has_ensurepip()).create(ENV)
    target = f".[{','.join(extras)}]" if extras else "."
    editable = ["-e"] if extras else []
    try:
        command = [*pip_command(ENV), "install", "--quiet", *editable, target]
    except BootstrapError as exc:
        sys.stderr.write(f"bootstrap: {exc}\n")
        return 1
    return subprocess.run(command, cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
