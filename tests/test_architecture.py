"""The import-layer contract of ``pyproject.toml``, enforced in the test run.

Each layer may import only from the layers below it, function-level and
``TYPE_CHECKING`` imports included; the test fails naming the offending import.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_layer_contract_holds():
    pytest.importorskip("importlinter")
    result = subprocess.run(
        [sys.executable, "-m", "importlinter.cli", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]
