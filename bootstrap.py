"""Create ``.venv`` and install brainflops into it, with nothing but ``python3``.

Usage (from the repository root)::

    python3 bootstrap.py            # the package and its command line
    python3 bootstrap.py test       # plus what the test suite needs (an extra of pyproject)

Works where the system Python refuses ``pip install`` (PEP 668, "externally managed") and
where it has no ``pip`` or ``ensurepip`` at all (Debian and Ubuntu without python3-venv):
the environment is then created without pip and pip's official zipapp
(https://bootstrap.pypa.io/pip/pip.pyz) installs into it. Only the standard library is
used; a second run reuses the environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
ENV = ROOT / ".venv"
PIP_ZIPAPP = "https://bootstrap.pypa.io/pip/pip.pyz"
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


def pip_command(env: Path = ENV) -> list[str]:
    """The command that runs pip inside ``env``: its own pip, else pip's zipapp."""
    python = env_python(env)
    probe = subprocess.run([python, "-m", "pip", "--version"], capture_output=True, check=False)
    if probe.returncode == 0:
        return [str(python), "-m", "pip"]
    zipapp = env / "pip.pyz"
    if not zipapp.exists():
        sys.stderr.write(f"bootstrap: fetching pip from {PIP_ZIPAPP}\n")
        urllib.request.urlretrieve(PIP_ZIPAPP, zipapp)
    return [str(python), str(zipapp)]


def main(argv: list[str]) -> int:
    """Create the environment if needed and install the package with the given extras."""
    extras = [a for a in argv if a]
    unknown = sorted(set(extras) - set(EXTRAS))
    if unknown:
        choices = ", ".join(EXTRAS)
        sys.stderr.write(f"bootstrap: unknown extra {unknown[0]!r}; choose from {choices}\n")
        return 2
    if not env_python().exists():
        venv.EnvBuilder(with_pip=has_ensurepip()).create(ENV)
    target = f".[{','.join(extras)}]" if extras else "."
    editable = ["-e"] if extras else []
    command = [*pip_command(), "install", "--quiet", *editable, target]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
