"""Every notebook runs top to bottom in a fresh kernel from this environment.

The kernel is this interpreter (a temporary kernelspec pointing at ``sys.executable``), so
the notebooks see the installed brainflops; ``BRAINFLOPS_SAMPLES`` keeps their Monte Carlo
runs small.
"""

import json
import re
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("ipywidgets")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL = "brainflops-test"
SAMPLES = "2000"


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jupyter")
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "brainflops tests",
                "language": "python",
            }
        )
    )
    mp = pytest.MonkeyPatch()
    mp.setenv("JUPYTER_PATH", str(folder))
    mp.setenv("BRAINFLOPS_SAMPLES", SAMPLES)
    mp.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    yield
    mp.undo()


def test_the_seven_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == [
        "01-dettmers-2015.ipynb",
        "02-uncertainty-and-sensitivity.ipynb",
        "03-literature-comparison.ipynb",
        "04-timelines.ipynb",
        "05-hardware.ipynb",
        "06-brain-vs-deep-learning.ipynb",
        "07-biological-anchors.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: commit notebooks without outputs"
            assert cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_reads_its_sample_size_and_uses_only_public_names(path):
    notebook = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert 'os.environ.get("BRAINFLOPS_SAMPLES"' in code
    assert not re.search(r"brainflops(\.\w+)*\._", code), "private brainflops name used"
    assert notebook.cells[0].cell_type == "markdown"
    assert notebook.cells[0].source.startswith("# ")


HAND_DRAWING = re.compile(r"\bplt\.|\bmatplotlib\b|\.plot\b|\bax\.|\.hist\(|\.barh\(")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_draws_only_with_the_public_plotting_api(path):
    # Every chart comes from brainflops.outputs.plots: styled, titled, credited.
    notebook = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "from brainflops.outputs import plots" in code
    lines = [line for line in code.splitlines() if line != "%matplotlib inline"]
    assert [line for line in lines if HAND_DRAWING.search(line)] == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_clean_and_shows_plots(path, kernel_env):
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name=KERNEL,
        timeout=300,
        allow_errors=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, f"{path.name} shows no plots"
    stderr = "".join(
        o.get("text", "") for o in outputs if o.output_type == "stream" and o.name == "stderr"
    )
    assert "Traceback" not in stderr
