"""Speed-up against device count for each parallel strategy, and its chart.

For a training plan, every strategy (data, model, pipeline, auto) is re-timed at device
counts 1, 2, 4, ... up to the plan's count, at the central utilisation; the speed-up is
one device's step time for the whole batch over the ``N``-device step time. Counts at
which a strategy does not fit are left out (a missing point, not a zero).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from brainflops.hardware.training import candidate_layouts, step_time

if TYPE_CHECKING:
    import pandas as pd

    from brainflops.hardware.training_plan import TrainingPlan

__all__ = ["STRATEGY_LABELS", "scaling_frame"]

#: Each parallelism strategy's name on charts and in tables.
STRATEGY_LABELS = {
    "data": "Data parallel",
    "model": "Tensor (model) parallel",
    "pipeline": "Pipeline parallel",
    "auto": "Best split (auto)",
}


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
    for strategy in STRATEGY_LABELS:
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
