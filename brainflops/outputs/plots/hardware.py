"""Charts of hardware plans: one model across device generations, several models on one device.

* :func:`generations`: devices needed to run a model in real time against each device's
  release year (log axis), the fewest so far joined by a line and labelled;
* :func:`plans`: devices, power and purchase cost of several plans side by side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from brainflops.core import fmt
from brainflops.core.errors import DataError
from brainflops.outputs.plots import style
from brainflops.outputs.plots.paths import EPOCH_CREDIT
from brainflops.outputs.plots.style import short_label

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from brainflops.hardware.plan import HardwarePlan

__all__ = ["generations", "plans"]

_LABEL_CHARS = 48
_LABEL_STEP = 2.0  # a record is named when it needs at most half the devices of the last named


def generations(plans: Sequence[HardwarePlan]) -> Figure:
    """Devices needed for real time against release year, one dot per device.

    The running minimum (the fewest devices any part released so far needs) is drawn as a
    step line and each part that set it is labelled by name. Plans of devices without a
    release year are left out.
    """
    dated = sorted(
        (p for p in plans if p.device.year is not None), key=lambda p: p.device.year or 0.0
    )
    if not dated:
        raise DataError("nothing to plot: no plan with a dated device")
    first = dated[0]
    fig, (ax,) = style.new_figure(
        "Devices needed to run the model in real time, by release year",
        f"{first.title} at {first.precision}; each device's peak and memory bandwidth, "
        "stages on its roofline; line: the fewest devices of any part released so far",
        width=8.0,
        height=5.0,
    )
    years = [float(p.device.year or 0.0) for p in dated]
    counts = [float(p.devices_needed) for p in dated]
    ax.scatter(years, counts, s=18, color=style.color(0), zorder=3)
    record_years: list[float] = []
    record_counts: list[float] = []
    labelled: list[tuple[str, float, float]] = []
    for plan, year, count in zip(dated, years, counts, strict=True):
        if record_counts and count >= record_counts[-1]:
            continue
        record_years.append(year)
        record_counts.append(count)
        # Name the records that at least halved the last named one, so names never crowd.
        if not labelled or count <= labelled[-1][2] / _LABEL_STEP:
            labelled.append((plan.device.name, year, count))
    ax.step([*record_years, years[-1]], [*record_counts, record_counts[-1]], where="post",
            color=style.color(1), lw=1.2, zorder=2)  # fmt: skip
    ax.set_xlim(years[0] - 1, years[-1] + 1)
    ax.set_ylim(min(counts) / 3, max(counts) * 3)
    style.log_axis(ax, "y", unit="")
    style.year_axis(ax)
    ax.set_ylabel("devices needed")
    ax.set_xlabel("release year")
    middle = (years[0] + years[-1]) / 2
    for name, year, count in labelled:
        left = year < middle  # names run into the plot, away from the nearer edge
        text = ax.annotate(
            f"{short_label(name, _LABEL_CHARS)}: {fmt.count(count)}",
            (year, count),
            xytext=(5 if left else -5, -9),
            textcoords="offset points",
            ha="left" if left else "right",
            va="top",
            fontsize=7,
            color=style.color(1),
            zorder=4,  # above the dots and the record line, on a white backing
            bbox={"facecolor": "white", "alpha": 0.85, "linewidth": 0, "pad": 1.5},
        )
        text.set_in_layout(False)
    return style.finish(
        fig,
        source="brainflops hardware (Epoch AI accelerator table, vendors' data sheets)",
        credit=EPOCH_CREDIT,
    )


def plans(by_label: Mapping[str, HardwarePlan]) -> Figure:
    """Devices, power and purchase cost of each plan, three panels sharing the labels."""
    if not by_label:
        raise DataError("nothing to plot: no plans")
    first = next(iter(by_label.values()))
    rows = len(by_label)
    fig, axes = style.new_figure(
        f"What running each estimate in real time takes on {first.device.name}",
        f"{first.precision}; formula presets have no operations, so they are counted "
        "compute-bound (a lower bound on devices); log axes",
        width=9.0,
        height=1.9 + 0.3 * rows,
        grid=(1, 3),
    )
    y = list(range(rows))[::-1]
    panels = (
        ("devices", [float(p.devices_needed) for p in by_label.values()], ""),
        ("power", [p.power_watts or float("nan") for p in by_label.values()], "W"),
        ("purchase", [p.cost_usd or float("nan") for p in by_label.values()], "USD"),
    )
    for index, (ax, (name, values, unit)) in enumerate(zip(axes, panels, strict=True)):
        finite = [v for v in values if v > 0]  # NaN (unknown for that plan) compares False
        # Dots, not bars: on a log axis a bar's length depends on where the axis starts.
        ax.plot(values, y, "o", color=style.color(index), markersize=5, zorder=2)
        ax.set_ylim(-0.6, rows - 0.4)
        if finite:
            ax.set_xlim(min(finite) / 3, max(finite) * 3)
            style.log_axis(
                ax, "x", unit=unit, labels="si" if unit == "W" else "power", max_ticks=4
            )
        else:  # e.g. devices with no known price: say so rather than draw an empty axis
            ax.set_xticks([])
            ax.text(0.5, 0.5, "not known", transform=ax.transAxes, ha="center", color=style.GREY)
        ax.set_xlabel({"devices": "devices", "power": "power", "purchase": "purchase (US$)"}[name])
        ax.grid(axis="y", visible=False)
        ax.set_yticks(
            y,
            [short_label(label, _LABEL_CHARS) for label in by_label] if index == 0 else [],
            fontsize=7.5,
        )
    return style.finish(
        fig,
        source="brainflops hardware, every preset on one device",
        credit=EPOCH_CREDIT,
    )
