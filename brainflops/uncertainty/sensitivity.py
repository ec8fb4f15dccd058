"""Sensitivity analysis: which assumptions move the estimate, and by how much.

Three views, cheapest first:

* :func:`elasticities` - ``d ln F / d ln x`` for every parameter, exact (sympy), at the
  central values: a 1% change in ``x`` changes the total by ``e`` percent.
* :func:`tornado` - the swing of ``log10 F`` as each uncertain input moves from its 5th
  to its 95th percentile while every other input sits at its median.
* :func:`sobol` - Sobol' first-order and total indices of ``log10 F`` (variance shares),
  estimated with SALib's Saltelli-Sobol' sample and analysis
  (:mod:`brainflops.uncertainty.sobol`). SALib is an optional dependency
  (``pip install brainflops[sensitivity]``).

Tornado and Sobol' also take a structural choice
(:class:`~brainflops.uncertainty.structural.StructuralChoice`): a weighted choice between
whole models, such as the three Dettmers reconstructions, shown as one more row.

Each returns a small frozen dataclass with ``to_frame()`` (a pandas DataFrame) and
``to_dict()`` (plain JSON-able data); :func:`brainflops.outputs.plots.sensitivity` draws
any of them.

Examples
--------
>>> import brainflops
>>> from brainflops.uncertainty.sensitivity import elasticities, tornado
>>> model = brainflops.load_preset("mechanistic-modern")
>>> round(elasticities(model).value("firing_rate"), 6)
1.0
>>> tornado(model).names[0]
'firing_rate'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from brainflops.core.errors import InvalidValueError, UnknownNameError
from brainflops.uncertainty._common import (
    LN10,
    Result,
    json_float,
    log_factor,
    median_logs,
    require_uncertain,
    uncertain_inputs,
    value_from_log,
)
from brainflops.uncertainty.protocol import LogModel
from brainflops.uncertainty.sobol import SobolIndices, sobol
from brainflops.uncertainty.structural import StructuralChoice

# sobol and SobolIndices (brainflops.uncertainty.sobol) stay importable from here; they
# are documented on their own module's page.
__all__ = [
    "METHODS",
    "Elasticities",
    "Tornado",
    "analyse",
    "elasticities",
    "tornado",
    "uncertain_inputs",
]

#: The analyses :func:`analyse` (and ``brainflops sensitivity --method``) offers.
METHODS: tuple[str, ...] = ("elasticity", "tornado", "sobol")


# -------------------------------------------------------------------------- elasticity
@dataclass(frozen=True)
class Elasticities(Result):
    """``d ln F / d ln x`` of the total for every parameter the model uses.

    Attributes
    ----------
    model:
        The model's name.
    names, symbols, units:
        Each parameter's name, display symbol and unit, ordered by ``|elasticity|``,
        largest first.
    central:
        Each parameter's central value, in its unit.
    values:
        The elasticities at the central values (exact up to float rounding).
    """

    model: str
    names: tuple[str, ...]
    symbols: tuple[str, ...]
    units: tuple[str, ...]
    central: tuple[float, ...]
    values: tuple[float, ...]

    def value(self, name: str) -> float:
        """The elasticity of one parameter."""
        if name not in self.names:
            raise UnknownNameError("parameter", name, self.names)
        return self.values[self.names.index(name)]

    def to_frame(self) -> pd.DataFrame:
        """One row per parameter: ``parameter, symbol, unit, central, elasticity``."""
        return pd.DataFrame(
            {
                "parameter": list(self.names),
                "symbol": list(self.symbols),
                "unit": list(self.units),
                "central": list(self.central),
                "elasticity": list(self.values),
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: method, model and one record per parameter."""
        return {
            "method": "elasticity",
            "model": self.model,
            "definition": "d ln(FLOP/s) / d ln(parameter) at the central values",
            "parameters": [
                {
                    "parameter": n,
                    "symbol": s,
                    "unit": u,
                    "central": json_float(c),
                    "elasticity": json_float(e),
                }
                for n, s, u, c, e in zip(
                    self.names, self.symbols, self.units, self.central, self.values, strict=True
                )
            ],
        }


def elasticities(model: LogModel) -> Elasticities:
    """Exact elasticities ``d ln F / d ln x`` at the central values.

    Parameters
    ----------
    model:
        The model to analyse. Parameters that no term uses are left out.

    Returns
    -------
    Elasticities
        Sorted by absolute value, largest first (ties keep the model's order).

    Examples
    --------
    >>> import brainflops
    >>> e = elasticities(brainflops.load_preset("dettmers2015"))
    >>> e.names[0], round(e.values[0], 2)
    ('time_steps', 2.0)
    """
    values = model.elasticities()
    used = set(model.used_parameters())
    names = [n for n in model.parameter_names if n in used]
    order = sorted(range(len(names)), key=lambda i: -abs(values[names[i]]))
    names = [names[i] for i in order]
    parameters = [model.parameters[n] for n in names]
    return Elasticities(
        model=model.name,
        names=tuple(names),
        symbols=tuple(p.symbol for p in parameters),
        units=tuple(p.unit for p in parameters),
        central=tuple(float(p.value) for p in parameters),
        values=tuple(float(values[n]) for n in names),
    )


# ----------------------------------------------------------------------------- tornado
@dataclass(frozen=True)
class Tornado(Result):
    """One-at-a-time swings of ``log10 F`` over each input's 90% interval.

    Attributes
    ----------
    model:
        The model's name.
    base_log10:
        ``log10 F`` with every uncertain input at its median (others at their value).
    names, units:
        The uncertain inputs, ordered by swing, largest first.
    input_low, input_high:
        Each input's 5th and 95th percentile, in its unit.
    output_low, output_high:
        ``log10 F`` with that input at its 5th and at its 95th percentile.
    structural:
        The row that is a structural choice (its label), or ``""``. Its inputs are not
        numbers (``nan``); its outputs are the lowest and highest ``log10 F`` among the
        alternatives, each with its own inputs at their medians.
    alternative_low, alternative_high:
        The alternatives that give the structural row's low and high ends.
    """

    model: str
    base_log10: float
    names: tuple[str, ...]
    units: tuple[str, ...]
    input_low: tuple[float, ...]
    input_high: tuple[float, ...]
    output_low: tuple[float, ...]
    output_high: tuple[float, ...]
    structural: str = ""
    alternative_low: str = ""
    alternative_high: str = ""

    @property
    def swings(self) -> tuple[float, ...]:
        """``|output_high - output_low|`` per input, in decades (orders of magnitude)."""
        return tuple(abs(h - lo) for lo, h in zip(self.output_low, self.output_high, strict=True))

    def to_frame(self) -> pd.DataFrame:
        """One row per input: its interval, the output at each end and the swing."""
        return pd.DataFrame(
            {
                "parameter": list(self.names),
                "unit": list(self.units),
                "input_p5": list(self.input_low),
                "input_p95": list(self.input_high),
                "log10_flops_at_p5": list(self.output_low),
                "log10_flops_at_p95": list(self.output_high),
                "swing_decades": list(self.swings),
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "method": "tornado",
            "model": self.model,
            "base_log10_flops": json_float(self.base_log10),
            "definition": "log10 FLOP/s with one input at its 5th/95th percentile, "
            "the others at their medians",
            "structural": (
                {
                    "row": self.structural,
                    "alternative_at_low": self.alternative_low,
                    "alternative_at_high": self.alternative_high,
                }
                if self.structural
                else None
            ),
            "parameters": [
                {
                    "parameter": n,
                    "unit": u,
                    "input_p5": json_float(a),
                    "input_p95": json_float(b),
                    "log10_flops_at_p5": json_float(lo),
                    "log10_flops_at_p95": json_float(hi),
                    "swing_decades": json_float(s),
                }
                for n, u, a, b, lo, hi, s in zip(
                    self.names,
                    self.units,
                    self.input_low,
                    self.input_high,
                    self.output_low,
                    self.output_high,
                    self.swings,
                    strict=True,
                )
            ],
        }


def tornado(model: LogModel, *, structural: StructuralChoice | None = None) -> Tornado:
    """Swing of ``log10 F`` as each uncertain input spans its 5th-95th percentile.

    Every other input stays at its median (certain inputs at their value); inputs are
    sorted by swing, largest first. Inputs no term uses are left out. A ``structural``
    choice adds one row: the lowest and highest ``log10 F`` among its alternatives, each
    with its inputs at their medians.

    Raises
    ------
    InvalidValueError
        If the model has no uncertain inputs (see :func:`uncertain_inputs`) and no
        structural choice.

    Examples
    --------
    >>> import brainflops
    >>> t = tornado(brainflops.load_preset("dettmers2015"))
    >>> t.names[0], round(t.swings[0], 2)
    ('firing_rate', 1.16)
    """
    names = uncertain_inputs(model) if structural else require_uncertain(model, "nothing to swing")
    if structural is not None and structural.label in names:  # two rows of one name
        raise InvalidValueError(structural.label, "names both a parameter and the choice")
    base = median_logs(model)
    index = {n: i for i, n in enumerate(model.parameter_names)}
    columns = np.repeat(base[:, None], 1 + 2 * len(names), axis=1)
    ends_low, ends_high = [], []
    for j, name in enumerate(names):
        dist = model.parameters[name].distribution
        lo, hi = (float(v) for v in dist.log_ppf(np.array([0.05, 0.95])))
        ends_low.append(lo)
        ends_high.append(hi)
        factor = log_factor(model, name)
        columns[index[name], 1 + 2 * j] = lo + factor
        columns[index[name], 2 + 2 * j] = hi + factor
    outputs = model.evaluate_logs(columns) / LN10
    rows = [
        (
            name,
            model.parameters[name].unit,
            value_from_log(ends_low[j]),
            value_from_log(ends_high[j]),
            float(outputs[1 + 2 * j]),
            float(outputs[2 + 2 * j]),
        )
        for j, name in enumerate(names)
    ]
    ends: tuple[str, str] = ("", "")
    if structural is not None:
        medians = structural.median_log10()
        low, high = int(np.argmin(medians)), int(np.argmax(medians))
        ends = (structural.names[low], structural.names[high])
        rows.append(
            (structural.label, "", float("nan"), float("nan"), medians[low], medians[high])
        )
    rows.sort(key=lambda row: -abs(row[5] - row[4]))
    return Tornado(
        model=model.name,
        base_log10=float(outputs[0]),
        names=tuple(row[0] for row in rows),
        units=tuple(row[1] for row in rows),
        input_low=tuple(row[2] for row in rows),
        input_high=tuple(row[3] for row in rows),
        output_low=tuple(row[4] for row in rows),
        output_high=tuple(row[5] for row in rows),
        structural="" if structural is None else structural.label,
        alternative_low=ends[0],
        alternative_high=ends[1],
    )


def analyse(
    model: LogModel,
    method: str = "elasticity",
    *,
    n: int = 1024,
    seed: int = 0,
    structural: StructuralChoice | None = None,
) -> Elasticities | Tornado | SobolIndices:
    """Run one of :data:`METHODS` by name (``n`` and ``seed`` only matter for Sobol').

    ``structural`` applies to tornado and Sobol'; elasticities are local derivatives of one
    model and refuse it.
    """
    if method == "elasticity":
        if structural is not None:
            reason = "elasticities are derivatives of one model; use tornado or sobol"
            raise InvalidValueError("structural", reason)
        return elasticities(model)
    if method == "tornado":
        return tornado(model, structural=structural)
    if method == "sobol":
        return sobol(model if structural is None else structural, n, seed=seed)
    raise UnknownNameError("sensitivity method", method, METHODS)
