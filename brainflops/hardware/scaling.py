"""Speed-up against device count for each parallel strategy, and its chart.

For a training plan, every strategy (data, model, pipeline, auto) is re-timed at device
counts 1, 2, 4, ... up to the plan's count, at the central utilisation; the speed-up is
one device's step time for the whole batch over the ``N``-device step time. Counts at
which a strategy does not fit are left out (a missing point, not a zero).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from brainflops.core.errors import InvalidValueError
from brainflops.hardware.training import candidate_layouts, step_time

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd
    from matplotlib.figure import Figure

    from brainflops.hardware.training_plan import TrainingPlan

__all__ = ["save_scaling_plot", "scaling_figure", "scaling_frame"]

_STRATEGY_LABELS = {
    "data": "Data parallel",
    "model": "Tensor (model) parallel",
    "pipeline": "Pipeline parallel",
    "auto": "Best split (auto)",
}
# Okabe-Ito, colour-blind safe.
_COLOURS = {"data": "#0072B2", "model": "#E69F00", "pipeline": "#009E73", "auto": "#000000"}


def _counts(limit: int) -> list[int]:
    counts, n = [], 1
    while n < limit:
        counts.append(n)
        n *= 2
    return [*counts, limit]


def scaling_frame(plan: TrainingPlan) -> pd.DataFrame:
    """Step time and speed-up per strategy and device count (columns: strategy, count, ...)."""
    import pandas as pd  # noqa: PLC0415 - display table

    work = plan.workload
    u = plan.utilization.value
    one_device = work.batch * work.flop_per_example / plan.device.peak(plan.precision) / u
    rows = []
    for strategy in _STRATEGY_LABELS:
        for count in _counts(plan.count):
            steps = [
                step_time(work, plan.device, plan.precision, layout, plan.fabric)
                for layout in candidate_layouts(count, strategy, work.layers)
            ]
            fitting = [s for s in steps if s.fits]
            if not fitting:
                continue
            best = min(fitting, key=lambda s: float(s.seconds(u)))
            seconds = float(best.seconds(u))
            rows.append(
                {
                    "strategy": strategy,
                    "count": count,
                    "split": best.layout.strategy,
                    "step_seconds": seconds,
                    "speedup": one_device / seconds,
                    "efficiency": one_device / seconds / count,
                }
            )
    return pd.DataFrame(rows)


def scaling_figure(plan: TrainingPlan) -> Figure:
    """Speed-up against device count, one line per strategy, on log-log axes."""
    from matplotlib.figure import Figure  # noqa: PLC0415 - plotting only when asked
    from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: PLC0415
    from matplotlib.ticker import LogFormatterMathtext  # noqa: PLC0415

    frame = scaling_frame(plan)
    if frame.empty:
        raise InvalidValueError("--plot", "no strategy fits at any device count; nothing to draw")
    # the rectangle leaves room at the bottom for the source line
    fig = Figure(figsize=(8, 5.5), layout=ConstrainedLayoutEngine(rect=(0, 0.03, 1, 0.97)))
    ax = fig.add_subplot()
    top = float(plan.count)
    ax.plot([1, top], [1, top], color="#999999", linestyle=":", linewidth=1)
    ax.annotate("ideal", (top, top), color="#777777", fontsize=9, ha="right", va="bottom")
    never = []
    for strategy, label in _STRATEGY_LABELS.items():
        rows = frame[frame["strategy"] == strategy]
        if rows.empty:
            never.append(label)
            continue
        ax.plot(rows["count"], rows["speedup"], marker="o", markersize=3, color=_COLOURS[strategy])
        last = rows.iloc[-1]
        ax.annotate(
            label,
            (last["count"], last["speedup"]),
            color=_COLOURS[strategy],
            fontsize=9,
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
        )
    if never:
        ax.text(
            0.02,
            0.97,
            f"{', '.join(never)}: does not fit at any count",
            transform=ax.transAxes,
            fontsize=9,
            color="#555555",
            va="top",
        )
    ax.set_xscale("log", base=10)
    ax.set_yscale("log", base=10)
    ax.xaxis.set_major_formatter(LogFormatterMathtext())
    ax.yaxis.set_major_formatter(LogFormatterMathtext())
    ax.set_xlabel("Devices")
    ax.set_ylabel("Speed-up over one ideal device (same batch)")
    ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(
        f"Training {plan.workload.title} on {plan.device.name}: speed-up by strategy",
        x=0.01,
        ha="left",
    )
    ax.set_title(
        f"{plan.precision}, utilisation {plan.utilization.value:g} (central), batch "
        f"{plan.workload.batch:.4g} {plan.workload.unit}s; missing points do not fit in memory",
        loc="left",
        fontsize=9,
        color="#555555",
    )
    fig.text(
        0.01,
        0.005,
        "Source: brainflops training model; devices: Epoch AI (epoch.ai), CC BY 4.0; "
        "links: data/interconnects.toml",
        fontsize=7,
        color="#555555",
    )
    return fig


def save_scaling_plot(
    plan: TrainingPlan, path: str | os.PathLike[str], *, overwrite: bool = False
) -> Path:
    """Draw :func:`scaling_figure` and write it as a PNG (atomically)."""
    from brainflops.core.io import save_figure_png  # noqa: PLC0415

    return save_figure_png(scaling_figure(plan), path, overwrite=overwrite)
