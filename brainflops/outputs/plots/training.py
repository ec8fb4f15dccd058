"""The training-scaling chart: speed-up against device count, one line per strategy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from brainflops.core import fmt
from brainflops.core.errors import InvalidValueError
from brainflops.hardware.scaling import STRATEGY_LABELS, scaling_frame
from brainflops.outputs.plots import style
from brainflops.outputs.plots.paths import EPOCH_CREDIT

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from brainflops.hardware.training_plan import TrainingPlan

__all__ = ["scaling"]


def scaling(plan: TrainingPlan) -> Figure:
    """Speed-up over one device against device count, per parallelism strategy (log-log),
    each line labelled at its end; a strategy that fits nowhere is named in a note."""
    frame = scaling_frame(plan)
    if frame.empty:
        raise InvalidValueError("--plot", "no strategy fits at any device count; nothing to draw")
    fig, (ax,) = style.new_figure(
        f"Training {plan.workload.title} on {plan.device.name}: speed-up by strategy",
        f"{plan.precision}, utilisation {plan.utilization.value:g} (central), batch "
        f"{fmt.sig(plan.workload.batch)} {plan.workload.unit}s; missing points do not fit "
        "in memory",
        width=8.0,
        height=5.0,
    )
    top = float(plan.count)
    ax.plot([1, top], [1, top], color=style.GREY, ls=":", lw=1)
    labels = [style.DirectLabel(top, top, "ideal", style.GREY)]
    never = []
    for index, (strategy, label) in enumerate(STRATEGY_LABELS.items()):
        rows = frame[frame["strategy"] == strategy]
        if rows.empty:
            never.append(label)
            continue
        ax.plot(rows["count"], rows["speedup"], marker="o", ms=3, color=style.color(index))
        last = rows.iloc[-1]
        labels.append(
            style.DirectLabel(
                float(last["count"]), float(last["speedup"]), label, style.color(index)
            )
        )
    if never:
        ax.text(
            0.02,
            0.97,
            f"{', '.join(never)}: does not fit at any count",
            transform=ax.transAxes,
            fontsize=8,
            color=style.GREY,
            va="top",
        )
    ax.set_xlim(0.8, top * 1.25)
    ax.set_ylim(0.8, top * 1.25)
    style.log_axis(ax, "x", unit="")
    style.log_axis(ax, "y", unit="")
    style.direct_labels(ax, labels, fontsize=8)
    ax.set_xlabel("devices")
    ax.set_ylabel("speed-up over one ideal device (same batch)")
    return style.finish(
        fig,
        source="brainflops training model; links: data/interconnects.toml",
        credit=EPOCH_CREDIT,
    )
