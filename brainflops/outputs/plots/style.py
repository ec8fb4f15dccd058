"""The one figure style of brainflops (Our World in Data / Epoch AI conventions).

Every chart the package draws goes through :func:`new_figure` and :func:`finish`:

* a bold title and a grey subtitle (model, interval, date of the data) at the top left;
* a source line and a credit line at the bottom;
* the Okabe-Ito colour-blind-safe palette (:data:`PALETTE`);
* integer year ticks (:func:`year_axis`) and log axes labelled with powers of ten or SI
  prefixes (:func:`log_axis`);
* direct labels instead of long legends (:func:`direct_labels`);
* SVG and high-dpi PNG output written atomically (:func:`save`).

matplotlib is imported here, so this module is only imported by the plotting functions
themselves, never at the top of a command-line module.
"""

from __future__ import annotations

import math
import os
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullFormatter

from brainflops.core import fmt
from brainflops.core.errors import InvalidValueError
from brainflops.core.io import atomic_write, figure_png
from brainflops.outputs.plots.paths import EPOCH_CREDIT, FORMATS, check_path

__all__ = [
    "EPOCH_CREDIT",
    "PALETTE",
    "PNG_DPI",
    "DirectLabel",
    "color",
    "direct_labels",
    "figure_bytes",
    "finish",
    "log_axis",
    "new_figure",
    "save",
    "text_overlaps",
    "year_axis",
]

#: Okabe & Ito (2008) colour-blind-safe palette, in the order series get their colours.
PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#E69F00",  # orange
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
GREY = "#555555"
LIGHT_GREY = "#DDDDDD"
#: Resolution of saved PNGs: sharp in print and on high-density screens.
PNG_DPI = 300

_CHARS_PER_INCH = 13.5  # of 9.5-point subtitle text, to wrap titles to the figure
_FOOTER_IN = 0.36  # inches kept below the axes for the source and credit lines
_FONT = "DejaVu Sans"


def color(index: int) -> str:
    """The ``index``-th palette colour (cycling)."""
    return PALETTE[index % len(PALETTE)]


def short_label(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis (a label, not a sentence).

    >>> short_label("Carlsmith (2020), mechanistic method", 20)
    'Carlsmith (2020), m…'
    """
    return text if len(text) <= width else text[: width - 1].rstrip(" ,:;(") + "…"


def _wrap_within(artist: Text, text: str, chars: int, share: float) -> list[str]:
    """Wrap ``text`` into ``artist`` at ``chars`` per line, or fewer until the rendered
    lines fit ``share`` of the figure's width (the per-inch estimate is only a start)."""
    figure = artist.get_figure()
    assert isinstance(figure, Figure)
    # Hinting makes text up to about 10% wider, relative to the figure, at low dpi
    # (measured: 1.01 of the width at 80 dpi against 0.92 at 100 dpi): keep that margin.
    room = figure.bbox.width * share * 0.88
    lines = textwrap.wrap(text, chars)
    artist.set_text("\n".join(lines))
    while lines and chars > 20 and artist.get_window_extent().width > room:
        chars -= 3
        lines = textwrap.wrap(text, chars)
        artist.set_text("\n".join(lines))
    return lines


def new_figure(
    title: str,
    subtitle: str = "",
    *,
    width: float = 7.5,
    height: float = 4.5,
    grid: tuple[int, int] = (1, 1),
) -> tuple[Figure, list[Axes]]:
    """A styled figure with its title and subtitle, and its axes.

    The figure is not registered with pyplot (no global state, safe in threads and
    servers). Call :func:`finish` once it is drawn to add the source and credit lines.

    >>> fig, (ax,) = new_figure("Brain estimates", "dettmers2015, 90% interval")
    >>> [t.get_text() for t in fig.texts]
    ['Brain estimates', 'dettmers2015, 90% interval']
    """
    if not (0 < width <= 40 and 0 < height <= 40):
        raise InvalidValueError("figure size", f"must be within 40 inches, got {width}x{height}")
    fig = Figure(figsize=(width, height))
    chars = int(width * _CHARS_PER_INCH)
    pad = 0.12 / width
    heading = fig.text(
        pad,
        1 - 0.1 / height,
        "",
        ha="left",
        va="top",
        fontsize=13,
        fontweight="bold",
        family=_FONT,
        linespacing=1.1,
    )
    title_lines = _wrap_within(heading, title, int(chars * 0.72), 1 - 2 * pad) or [""]
    title_in = 0.1 + 0.25 * len(title_lines)
    below = fig.text(
        pad,
        1 - (title_in + 0.04) / height,
        "",
        ha="left",
        va="top",
        fontsize=9.5,
        color=GREY,
        family=_FONT,
        linespacing=1.15,
    )
    subtitle_lines = _wrap_within(below, subtitle, chars, 1 - 2 * pad)
    header = title_in + 0.2 * len(subtitle_lines) + 0.12
    bottom = _FOOTER_IN / height
    rect = (0.0, bottom, 1.0, 1 - header / height - bottom)
    fig.set_layout_engine(ConstrainedLayoutEngine(rect=rect, h_pad=0.04, w_pad=0.04))
    axes = fig.subplots(*grid, squeeze=False).ravel().tolist()
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
        ax.spines[["left", "bottom"]].set_color(GREY)
        ax.tick_params(colors=GREY, labelcolor="#222222", labelsize=8.5)
        ax.grid(True, color=LIGHT_GREY, lw=0.6, zorder=0)
        ax.set_axisbelow(True)
    return fig, axes


def finish(fig: Figure, *, source: str = "", credit: str = "") -> Figure:
    """Add the source line (bottom left) and the credit line (bottom right) to ``fig``.

    ``source`` says where the numbers come from (model, data set, command); ``credit``
    names whoever must be credited (:data:`EPOCH_CREDIT` for Epoch AI data).
    """
    height = fig.get_figheight()
    width = fig.get_figwidth()
    y = 0.1 / height
    # One line each: the source gets the room the credit leaves (7.5-point text).
    room = int(width * _CHARS_PER_INCH * 1.2) - len(credit) - 4
    if len(source) > room:
        source = textwrap.shorten(source, room, placeholder=" …")
    if source:
        fig.text(
            0.12 / width,
            y,
            f"Source: {source}",
            ha="left",
            va="bottom",
            fontsize=7.5,
            color=GREY,
            family=_FONT,
        )
    if credit:
        fig.text(
            1 - 0.12 / width,
            y,
            credit,
            ha="right",
            va="bottom",
            fontsize=7.5,
            color=GREY,
            family=_FONT,
        )
    return fig


def _power_label(exponent: float) -> str:
    return f"$10^{{{exponent:g}}}$"


def log_axis(
    ax: Axes,
    axis: Literal["x", "y"] = "y",
    *,
    unit: str = "FLOP/s",
    labels: Literal["power", "si"] = "power",
    max_ticks: int = 9,
) -> None:
    """Make ``axis`` logarithmic with one labelled tick per decade (or per few decades).

    ``labels="power"`` writes 10^21; ``"si"`` writes 1 EFLOP/s, 10 EFLOP/s, ... with SI
    prefixes. The axis must already have its data (the ticks follow its limits).
    """
    getattr(ax, f"set_{axis}scale")("log")
    low, high = sorted(getattr(ax, f"get_{axis}lim")())
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    step = max(1, math.ceil((last - first + 1) / max_ticks))
    decades = [10.0**e for e in range(first, last + 1) if e % step == 0]
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(FixedLocator(decades))
    target.set_minor_formatter(NullFormatter())
    if labels == "si":
        target.set_major_formatter(FuncFormatter(lambda v, _: fmt.si(v, unit, digits=1)))
    else:
        target.set_major_formatter(FuncFormatter(lambda v, _: _power_label(math.log10(v))))
    getattr(ax, f"set_{axis}lim")(low, high)


def year_axis(ax: Axes, axis: Literal["x", "y"] = "x") -> None:
    """Whole years on ``axis`` (never 2032.5), written without thousands separators."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(MaxNLocator(nbins=8, integer=True, min_n_ticks=3))
    target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))


@dataclass(frozen=True)
class DirectLabel:
    """A text placed next to the end of a line or a band, in the line's colour."""

    x: float
    y: float
    text: str
    color: str = "#222222"


def direct_labels(
    ax: Axes, labels: Sequence[DirectLabel], *, fontsize: float = 8.0, min_gap_pt: float = 10.0
) -> list[Text]:
    """Write each label at its (x, y), nudged vertically so no two labels overlap.

    Labels are sorted by height and pushed apart to at least ``min_gap_pt`` points in
    display space, the way chart makers place series names at line ends.
    """
    fig = ax.get_figure()
    assert isinstance(fig, Figure)
    fig.draw_without_rendering()  # lay the axes out first: positions are measured in pixels
    points_per_px = 72 / fig.dpi
    ordered = sorted(labels, key=lambda label: ax.transData.transform((label.x, label.y))[1])
    placed: list[float] = []
    texts: list[Text] = []
    for label in ordered:
        y_px = float(ax.transData.transform((label.x, label.y))[1])
        shift_pt = 0.0
        if placed and y_px < placed[-1] + min_gap_pt / points_per_px:
            shift_pt = (placed[-1] - y_px) * points_per_px + min_gap_pt
        placed.append(y_px + shift_pt / points_per_px)
        arrow = {"arrowstyle": "-", "color": label.color, "lw": 0.5} if shift_pt > 2 else None
        text = ax.annotate(
            label.text,
            (label.x, label.y),
            xytext=(6, shift_pt),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=fontsize,
            color=label.color,
            annotation_clip=False,
            arrowprops=arrow,
        )
        text.set_in_layout(False)  # the layout measured above must stay as it is
        texts.append(text)
    return texts


def _drawn_texts(fig: Figure) -> list[Text]:
    """Every text matplotlib draws: figure and axes texts, labels, legends and the tick
    labels of ticks inside the view (ticks outside it exist but are not drawn)."""
    texts = list(fig.texts)
    for ax in fig.axes:
        texts += [*ax.texts, ax.title]
        legend = ax.get_legend()
        if legend is not None:
            texts += [*legend.get_texts(), legend.get_title()]
        for axis in (ax.xaxis, ax.yaxis):
            texts.append(axis.label)
            low, high = sorted(axis.get_view_interval())
            span = high - low
            texts += [
                tick.label1
                for tick in axis.get_major_ticks()
                if low - 1e-9 * span <= tick.get_loc() <= high + 1e-9 * span
            ]
    for legend in fig.legends:
        texts += [*legend.get_texts(), legend.get_title()]
    return texts


def text_overlaps(fig: Figure, texts: Iterable[Text] | None = None) -> list[tuple[str, str]]:
    """Pairs of visible, non-empty texts whose rendered bounding boxes overlap.

    Draws the figure once to measure the texts (title, subtitle, labels, tick labels, ...).
    """
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    candidates = _drawn_texts(fig) if texts is None else list(texts)
    boxes = [
        # Text's own extent: an annotation's would include its leader line.
        (t.get_text(), Text.get_window_extent(t, renderer))
        for t in candidates
        if t.get_visible() and t.get_text().strip()
    ]
    return [
        (a_text, b_text)
        for i, (a_text, a_box) in enumerate(boxes)
        for b_text, b_box in boxes[i + 1 :]
        if a_box.overlaps(b_box) and a_box.width > 0 and b_box.width > 0
    ]


def figure_bytes(fig: Figure, suffix: str, dpi: float = PNG_DPI) -> bytes:
    """``fig`` rendered as SVG, PNG (at ``dpi``) or PDF bytes, by file suffix."""
    suffix = suffix.lower()
    if suffix not in FORMATS:
        raise InvalidValueError("format", f"charts are written as {FORMATS}, not {suffix!r}")
    if suffix == ".png":
        return figure_png(fig, dpi)
    import io  # noqa: PLC0415 - only for vector output

    import matplotlib as mpl  # noqa: PLC0415

    buffer = io.BytesIO()
    # A fixed salt makes SVG ids (clip paths) depend on content only: same chart, same bytes.
    with mpl.rc_context({"svg.hashsalt": "brainflops"}):
        fig.savefig(
            buffer, format=suffix[1:], metadata={"Date": None} if suffix == ".svg" else None
        )
    return buffer.getvalue()


def save(
    fig: Figure, path: str | os.PathLike[str], *, overwrite: bool = False, dpi: float = PNG_DPI
) -> Path:
    """Write ``fig`` atomically as SVG, PNG or PDF, chosen by ``path``'s suffix.

    Raises
    ------
    InvalidValueError
        For a suffix other than ``.svg``, ``.png`` or ``.pdf``.
    OutputExistsError
        If ``path`` exists and ``overwrite`` is false.
    """
    target = check_path(path, "path")
    return atomic_write(target, figure_bytes(fig, target.suffix, dpi), overwrite=overwrite)
