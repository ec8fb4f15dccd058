"""``brainflops.core.io``: atomic writes and the one PNG helper every chart goes through."""

import io

import matplotlib.image
import pytest
from matplotlib.figure import Figure

from brainflops.cli._common import text_table
from brainflops.core.errors import InvalidValueError, OutputExistsError
from brainflops.core.io import figure_png


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


def test_text_table_aligns_columns_and_handles_no_rows():
    lines = text_table(["name", "value"], [["a", "1"], ["longer", "10"]], right=(1,)).splitlines()
    assert [line.split() for line in lines] == [["name", "value"], ["a", "1"], ["longer", "10"]]
    assert len({len(line) for line in lines}) == 1  # right-aligned last column: same width
    assert lines[2].startswith("longer  ")  # left-aligned first column, two-space gap
    assert text_table(["name", "value"], []).split() == ["name", "value"]
    ruled = text_table(["a"], [["x"]], rule=True).splitlines()
    assert ruled[1].strip("- ") == ""


# ------------------------------------------------------------ safe writes (issue #17)
import os
import threading

from brainflops.core.io import (
    UnsafePathError,
    atomic_write,
    atomic_write_tree,
    check_output_path,
    read_limited,
)


def test_force_does_not_replace_a_fifo_or_a_symlink(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UnsafePathError, match="FIFO"):
        atomic_write(fifo, "x", overwrite=True)
    assert fifo.is_fifo()
    real = tmp_path / "real.txt"
    real.write_text("keep")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with pytest.raises(UnsafePathError, match="symbolic link"):
        atomic_write(link, "new", overwrite=True)
    assert link.is_symlink()
    assert real.read_text() == "keep"


def test_a_dangling_symlink_is_not_replaced(tmp_path):
    link = tmp_path / "dangling"
    link.symlink_to(tmp_path / "nowhere")
    for overwrite in (False, True):
        with pytest.raises(UnsafePathError):
            atomic_write(link, "x", overwrite=overwrite)
    assert link.is_symlink()
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("path", ["/dev/null", "/dev/zero", "/"])
def test_devices_and_directories_are_refused(path):
    with pytest.raises(UnsafePathError):
        check_output_path(path, overwrite=True)


def test_empty_output_path_is_refused():
    with pytest.raises(UnsafePathError, match="empty"):
        check_output_path("")


def test_two_concurrent_writers_cannot_both_win(tmp_path):
    target = tmp_path / "out.txt"
    for round_ in range(20):
        target.unlink(missing_ok=True)
        barrier = threading.Barrier(2)
        outcome: dict[str, str] = {}

        def write(label: str, barrier=barrier, outcome=outcome) -> None:
            barrier.wait()
            try:
                atomic_write(target, label * 1000)
                outcome[label] = "won"
            except OutputExistsError:
                outcome[label] = "refused"

        threads = [threading.Thread(target=write, args=(label,)) for label in "ab"]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcome.values()) == ["refused", "won"], round_
        winner = next(k for k, v in outcome.items() if v == "won")
        assert target.read_text() == winner * 1000
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary left


def test_write_errors_name_the_target_not_the_temporary(tmp_path, monkeypatch):
    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    target = tmp_path / "out.txt"
    with pytest.raises(OSError, match="No space") as info:
        atomic_write(target, "x")
    assert info.value.filename == str(target)
    assert not list(tmp_path.iterdir())  # the temporary is gone too


def test_output_exists_message_uses_the_given_hint(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(OutputExistsError, match="pass --force to replace") as info:
        atomic_write(target, "new", force_hint="--force")
    assert "overwrite=True" not in str(info.value)
    assert target.read_text() == "old"


def test_tree_write_is_all_or_nothing(tmp_path):
    out = tmp_path / "report"
    atomic_write_tree(out, {"a.html": "A1", "figures/x.png": b"X1"})
    assert (out / "a.html").read_text() == "A1"
    with pytest.raises(OutputExistsError):
        atomic_write_tree(out, {"a.html": "A2"})
    # A failure while writing (a bad relative path) leaves the old folder as it was.
    with pytest.raises(InvalidValueError):
        atomic_write_tree(out, {"a.html": "A2", "../escape": "no"}, overwrite=True)
    assert (out / "a.html").read_text() == "A1"
    assert (out / "figures/x.png").read_bytes() == b"X1"
    atomic_write_tree(out, {"a.html": "A2", "figures/x.png": b"X2"}, overwrite=True)
    assert (out / "a.html").read_text() == "A2"
    assert (out / "figures/x.png").read_bytes() == b"X2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # nothing left aside


def test_tree_write_refuses_to_drop_foreign_files(tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(UnsafePathError, match=r"notes\.txt"):
        atomic_write_tree(out, {"a.html": "A"}, overwrite=True)
    assert (out / "notes.txt").read_text() == "mine"


def test_read_limited_refuses_special_files_without_blocking(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # no writer: a blocking open would hang here
    with pytest.raises(UnsafePathError, match="FIFO"):
        read_limited(fifo, 100)
    with pytest.raises(UnsafePathError, match="character device"):
        read_limited("/dev/zero", 100)
    with pytest.raises(UnsafePathError, match="directory"):
        read_limited(tmp_path, 100)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 101)
    with pytest.raises(UnsafePathError, match="too large"):
        read_limited(big, 100)
    assert read_limited(big, 101) == b"x" * 101


def test_text_table_wraps_text_columns_but_never_the_names():
    rows = [["carlsmith2020:mechanistic-components", "a note " * 12]]
    lines = text_table(["preset", "note"], rows, width=70).splitlines()
    assert max(map(len, lines)) <= 70
    assert lines[1].startswith("carlsmith2020:mechanistic-components  ")  # the id is whole
    assert len(lines) > 2  # the note wrapped instead
