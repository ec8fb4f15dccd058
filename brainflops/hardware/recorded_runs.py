"""Predicted against recorded training time for every Epoch run with hardware, count and time.

For each notable model whose Epoch record gives the training compute, the accelerator
(one kind, found in the accelerator table), the number of accelerators and the
wall-clock hours, the prediction is the compute term of the training plan:
``hours = FLOP / (count x peak x u) / 3600`` at the device's 16-bit tensor peak (fp32
for parts without one) and the central utilisation ``u``. Batch sizes, links and
parallel layouts are not recorded, so communication is taken as hidden; the spread of
the ratio is therefore the spread of achieved utilisation (and of Epoch's estimates).

Data: Epoch AI (epoch.ai), CC BY 4.0.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from brainflops.core.errors import BrainflopsError
from brainflops.hardware.devices import get_device
from brainflops.hardware.training import default_precision, utilization_parameter

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ratio_summary", "recorded_run_ratios"]

_COLUMNS = ("training_flop", "training_hardware", "hardware_quantity", "training_time_hours")


def _present(value: Any) -> bool:
    return (
        value is not None and not (isinstance(value, float) and math.isnan(value)) and value != ""
    )


def recorded_run_ratios(models: pd.DataFrame, utilization: float | None = None) -> pd.DataFrame:
    """One row per run with all three fields: predicted and recorded hours and their ratio.

    ``models`` has the columns of :func:`brainflops.data.ml_models.load_notable_models`.
    Runs on several kinds of accelerator, or on one missing from the table, keep a row
    with ``ratio`` NaN and the reason in ``skipped``.
    """
    import pandas as pd  # noqa: PLC0415 - pandas only when comparing with the data

    u = utilization_parameter().value if utilization is None else float(utilization)
    rows = []
    for record in models.to_dict("records"):
        if not all(_present(record.get(column)) for column in _COLUMNS):
            continue
        row: dict[str, Any] = {
            "name": record["name"],
            "hardware": record["training_hardware"],
            "count": float(record["hardware_quantity"]),
            "recorded_hours": float(record["training_time_hours"]),
            "training_flop": float(record["training_flop"]),
            "device": None,
            "precision": None,
            "predicted_hours": math.nan,
            "ratio": math.nan,
            "skipped": "",
        }
        hardware = str(record["training_hardware"])
        if "," in hardware:
            row["skipped"] = "several kinds of accelerator"
        else:
            try:
                device = get_device(hardware)
                precision = default_precision(device)
            except BrainflopsError as exc:
                row["skipped"] = str(exc).splitlines()[0]
            else:
                rate = row["count"] * device.peak(precision) * u
                row["device"], row["precision"] = device.name, precision
                row["predicted_hours"] = row["training_flop"] / rate / 3600.0
                row["ratio"] = row["predicted_hours"] / row["recorded_hours"]
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs["credit"] = "Data: Epoch AI (epoch.ai), CC BY 4.0"
    return frame


def ratio_summary(frame: pd.DataFrame) -> dict[str, float]:
    """Median, quartiles, 10th/90th percentiles and within-factor shares of the ratio.

    Examples
    --------
    >>> import pandas as pd
    >>> summary = ratio_summary(pd.DataFrame({"ratio": [0.5, 1.0, 2.0, float("nan")]}))
    >>> summary["runs"], summary["median"], summary["within_factor_2"]
    (3, 1.0, 1.0)
    """
    import numpy as np  # noqa: PLC0415 - with pandas

    ratios = frame["ratio"].dropna().to_numpy(dtype=float)
    if ratios.size == 0:
        return {"runs": 0}
    p10, p25, p50, p75, p90 = np.percentile(ratios, [10, 25, 50, 75, 90])
    spread = np.abs(np.log10(ratios))
    return {
        "runs": int(ratios.size),
        "median": float(p50),
        "p25": float(p25),
        "p75": float(p75),
        "p10": float(p10),
        "p90": float(p90),
        "within_factor_2": float(np.mean(spread <= math.log10(2) + 1e-12)),
        "within_factor_3": float(np.mean(spread <= math.log10(3) + 1e-12)),
    }
