"""The import-layer contract of ``pyproject.toml``, enforced in the test run.

Each layer may import only from the layers below it, function-level and
``TYPE_CHECKING`` imports included; the test fails naming the offending import.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_layer_contract_holds():
    lint_imports = shutil.which("lint-imports")
    if lint_imports is None:
        pytest.skip("import-linter is not installed")
    result = subprocess.run(
        [lint_imports, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Contracts: 3 kept, 0 broken." in result.stdout, result.stdout[-4000:]
    assert result.returncode == 0
