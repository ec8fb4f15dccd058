"""``brainflops.core.io``: atomic writes and the one PNG helper every chart goes through."""

import io

import matplotlib.image
import pytest
from matplotlib.figure import Figure

from brainflops.cli._common import text_table
from brainflops.core.errors import InvalidValueError, OutputExistsError
from brainflops.core.io import check_png_path, figure_png, save_figure_png


def _figure() -> Figure:
    fig = Figure(figsize=(2.0, 1.0))
    fig.add_subplot().plot([0, 1], [0, 1])
    return fig


def _size(data: bytes) -> tuple[int, int]:
    pixels = matplotlib.image.imread(io.BytesIO(data), format="png")
    return pixels.shape[1], pixels.shape[0]


def test_figure_png_renders_at_the_requested_dpi():
    fig = _figure()
    assert _size(figure_png(fig, 50)) == (100, 50)
    assert _size(figure_png(fig, 100)) == (200, 100)
    with pytest.raises(InvalidValueError, match="dpi"):
        figure_png(fig, 0)


def test_save_figure_png_is_atomic_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "chart.png"
    assert save_figure_png(_figure(), target, dpi=40) == target
    assert target.read_bytes().startswith(b"\x89PNG")
    with pytest.raises(OutputExistsError):
        save_figure_png(_figure(), target)
    save_figure_png(_figure(), target, dpi=60, overwrite=True)
    assert _size(target.read_bytes()) == (120, 60)
    assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]  # no temporary left


@pytest.mark.parametrize("name", ["chart.svg", "fit.txt", "png"])
def test_check_png_path_requires_png(name):
    with pytest.raises(InvalidValueError, match=r"--plot: writes a PNG"):
        check_png_path(name)
    assert check_png_path("figures/Chart.PNG").name == "Chart.PNG"


def test_text_table_aligns_columns_and_handles_no_rows():
    lines = text_table(["name", "value"], [["a", "1"], ["longer", "10"]], right=(1,)).splitlines()
    assert [line.split() for line in lines] == [["name", "value"], ["a", "1"], ["longer", "10"]]
    assert len({len(line) for line in lines}) == 1  # right-aligned last column: same width
    assert lines[2].startswith("longer  ")  # left-aligned first column, two-space gap
    assert text_table(["name", "value"], []).split() == ["name", "value"]
    ruled = text_table(["a"], [["x"]], rule=True).splitlines()
    assert ruled[1].strip("- ") == ""
