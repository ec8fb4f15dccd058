"""Public plotting API: one styled chart per kind of result.

=========================  =================================================================
:func:`distribution`       Monte Carlo draws of the total (:class:`~brainflops.Samples`)
:func:`distributions`      several sets of draws side by side, one ridge each
:func:`convergence`        percentiles of the total against the number of draws
:func:`breakdown`          FLOP/s of each population and stage of a model
:func:`tornado`            one-at-a-time sensitivity (a tornado result)
:func:`elasticities`       elasticities d ln F / d ln x at the central values
:func:`sobol`              Sobol' indices (:func:`sensitivity` picks by result type)
:func:`comparison`         every published estimate on one axis, the model highlighted
:func:`roofline`           each stage of a hardware plan on the device's roofline
:func:`generations`        devices a model needs against each device's release year
:func:`plans`              devices, power and cost of several hardware plans side by side
:func:`trend`              a hardware series with fitted trends and brain bands
:func:`parity_cdf`         probability of parity by year, one curve per result
:func:`calibration`        stated against achieved coverage of backtested trend forecasts
:func:`limits`             brain estimates against the CMOS energy limit and Landauer's bound
:func:`scaling`            training speed-up against device count, per strategy
:func:`training_runs`      ML training runs against each brain estimate's lifetime compute
:func:`operation_shares`   each network's forward FLOP by kind of operation
:func:`energy`             FLOP per joule of accelerators against the brain's
:func:`tai`                P(transformative AI by year) from the biological anchors
:func:`anchors`            each biological anchor's requirement against training runs
:func:`anchors_tornado`    which anchors input moves the median TAI year most
=========================  =================================================================

:func:`lifetimes` gives the input of :func:`training_runs` (each preset's lifetime
compute).

Each returns a :class:`matplotlib.figure.Figure` in the package's style
(:mod:`brainflops.outputs.plots.style`); write it with :func:`save` (SVG, PNG or PDF).
matplotlib is imported only when one of these is first used, so importing this package
stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from brainflops.outputs.plots.paths import EPOCH_CREDIT, FORMATS, check_path

if TYPE_CHECKING:
    from brainflops.outputs.plots.charts import (
        breakdown,
        comparison,
        distribution,
        elasticities,
        roofline,
        sensitivity,
        sobol,
        tornado,
    )
    from brainflops.outputs.plots.draws import convergence, distributions
    from brainflops.outputs.plots.hardware import generations, plans
    from brainflops.outputs.plots.style import save
    from brainflops.outputs.plots.training import scaling
    from brainflops.outputs.plots_anchors import anchors_figure as anchors
    from brainflops.outputs.plots_anchors import tai_figure as tai
    from brainflops.outputs.plots_anchors import tornado_figure as anchors_tornado
    from brainflops.outputs.plots_dl import energy_figure as energy
    from brainflops.outputs.plots_dl import lifetimes
    from brainflops.outputs.plots_dl import operation_shares_figure as operation_shares
    from brainflops.outputs.plots_dl import training_runs_figure as training_runs
    from brainflops.outputs.plots_trends import calibration_figure as calibration
    from brainflops.outputs.plots_trends import limits_figure as limits
    from brainflops.outputs.plots_trends import parity_cdf_figure as parity_cdf
    from brainflops.outputs.plots_trends import trend_figure as trend

__all__ = [
    "EPOCH_CREDIT",
    "FORMATS",
    "anchors",
    "anchors_tornado",
    "breakdown",
    "calibration",
    "check_path",
    "comparison",
    "convergence",
    "distribution",
    "distributions",
    "elasticities",
    "energy",
    "generations",
    "lifetimes",
    "limits",
    "operation_shares",
    "parity_cdf",
    "plans",
    "roofline",
    "save",
    "scaling",
    "sensitivity",
    "sobol",
    "tai",
    "tornado",
    "training_runs",
    "trend",
]

_WHERE = {
    "breakdown": ("brainflops.outputs.plots.charts", "breakdown"),
    "comparison": ("brainflops.outputs.plots.charts", "comparison"),
    "distribution": ("brainflops.outputs.plots.charts", "distribution"),
    "distributions": ("brainflops.outputs.plots.draws", "distributions"),
    "convergence": ("brainflops.outputs.plots.draws", "convergence"),
    "roofline": ("brainflops.outputs.plots.charts", "roofline"),
    "generations": ("brainflops.outputs.plots.hardware", "generations"),
    "plans": ("brainflops.outputs.plots.hardware", "plans"),
    "elasticities": ("brainflops.outputs.plots.charts", "elasticities"),
    "sobol": ("brainflops.outputs.plots.charts", "sobol"),
    "sensitivity": ("brainflops.outputs.plots.charts", "sensitivity"),
    "scaling": ("brainflops.outputs.plots.training", "scaling"),
    "tornado": ("brainflops.outputs.plots.charts", "tornado"),
    "save": ("brainflops.outputs.plots.style", "save"),
    "trend": ("brainflops.outputs.plots_trends", "trend_figure"),
    "parity_cdf": ("brainflops.outputs.plots_trends", "parity_cdf_figure"),
    "calibration": ("brainflops.outputs.plots_trends", "calibration_figure"),
    "limits": ("brainflops.outputs.plots_trends", "limits_figure"),
    "training_runs": ("brainflops.outputs.plots_dl", "training_runs_figure"),
    "lifetimes": ("brainflops.outputs.plots_dl", "lifetimes"),
    "operation_shares": ("brainflops.outputs.plots_dl", "operation_shares_figure"),
    "energy": ("brainflops.outputs.plots_dl", "energy_figure"),
    "tai": ("brainflops.outputs.plots_anchors", "tai_figure"),
    "anchors": ("brainflops.outputs.plots_anchors", "anchors_figure"),
    "anchors_tornado": ("brainflops.outputs.plots_anchors", "tornado_figure"),
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _WHERE[name]
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
