"""The brain in real time and a training run on the same machines, in one table.

Both plans use the same device table, facility assumptions and cost code, so their rows
are comparable: how many devices, what power, what purchase price, and what a day of
running costs in electricity.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from brainflops.hardware.plan import HardwarePlan

if TYPE_CHECKING:
    import pandas as pd

    from brainflops.hardware.training_plan import TrainingPlan

__all__ = ["machines_frame"]


def machines_frame(
    brain: Sequence[HardwarePlan], training: Sequence[TrainingPlan]
) -> pd.DataFrame:
    """One row per plan: task, device, devices, power (MW), purchase (USD), time, energy.

    A brain row runs for ever (``days`` is None; ``energy per day`` is what a day costs);
    a training row's ``days`` is the central training time and ``energy [kWh]`` the run's.
    """
    import pandas as pd  # noqa: PLC0415 - display table

    rows = []
    for p in brain:
        rows.append(
            {
                "task": f"run {p.title} in real time",
                "device": p.device.name,
                "precision": p.precision,
                "devices": p.devices_needed,
                "power [MW]": None if p.power_watts is None else p.power_watts / 1e6,
                "purchase [USD]": p.cost_usd,
                "days": None,
                "energy [kWh]": None if p.power_watts is None else p.power_watts / 1000 * 24,
                "energy per": "day",
            }
        )
    for t in training:
        costs = t.to_dict()
        power = (
            None
            if t.device.tdp_watts is None
            else t.step.layout.devices * t.device.tdp_watts * t.pue
        )
        rows.append(
            {
                "task": f"train {t.workload.title}",
                "device": t.device.name,
                "precision": t.precision,
                "devices": t.step.layout.devices,
                "power [MW]": None if power is None else power / 1e6,
                "purchase [USD]": t.purchase_usd,
                "days": t.days["central"],
                "energy [kWh]": costs["energy_kwh"]["central"],
                "energy per": "run",
            }
        )
    return pd.DataFrame(rows)
