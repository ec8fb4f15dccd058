"""The import-layer contract of ``pyproject.toml``, enforced in the test run.

Each layer may import only from the layers below it, function-level and
``TYPE_CHECKING`` imports included; the test fails naming the offending import.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_layer_contract_holds():
    # The script sits next to this interpreter in a virtual environment that is not on PATH.
    beside = Path(sys.executable).with_name("lint-imports")
    lint_imports = str(beside) if beside.exists() else shutil.which("lint-imports")
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


def test_no_import_cycles():
    """No module imports itself through others, function-level imports included.

    Tarjan's strongly connected components over grimp's import graph: any component of
    more than one module is a cycle, listed in the failure message.
    """
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("brainflops", cache_dir=None)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # recursion depth is bounded by the package's ~150 modules
        index[module] = lowlink[module] = len(index)
        stack.append(module)
        for target in edges[module]:
            if target not in index:
                visit(target)
                lowlink[module] = min(lowlink[module], lowlink[target])
            elif target in stack:
                lowlink[module] = min(lowlink[module], index[target])
        if lowlink[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    assert cycles == []
