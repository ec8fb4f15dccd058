"""Sensitivity analysis: which assumptions move the estimate, and by how much.

Three views, cheapest first:

* :func:`elasticities` - ``d ln F / d ln x`` for every parameter, exact (sympy), at the
  central values: a 1% change in ``x`` changes the total by ``e`` percent.
* :func:`tornado` - the swing of ``log10 F`` as each uncertain input moves from its 5th
  to its 95th percentile while every other input sits at its median.
* :func:`sobol` - Sobol' first-order and total indices of ``log10 F`` (variance shares),
  estimated with SALib's Saltelli-Sobol' sample and analysis. SALib is an optional
  dependency (``pip install brainflops[sensitivity]``).

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

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from brainflops.core import fmt
from brainflops.core.errors import (
    InvalidValueError,
    MissingDependencyError,
    UnknownNameError,
)
from brainflops.uncertainty.protocol import LogModel

if TYPE_CHECKING:
    from types import ModuleType


__all__ = [
    "METHODS",
    "Elasticities",
    "SobolIndices",
    "Tornado",
    "analyse",
    "elasticities",
    "sobol",
    "tornado",
    "uncertain_inputs",
]

#: The analyses :func:`analyse` (and ``brainflops sensitivity --method``) offers.
METHODS: tuple[str, ...] = ("elasticity", "tornado", "sobol")

_LN10 = math.log(10.0)
# Keep the unit hypercube open: ppf(0) and ppf(1) are infinite for unbounded distributions.
_OPEN_LOW = 2.0**-54
_OPEN_HIGH = 1.0 - 2.0**-53


# ------------------------------------------------------------------------------ helpers
def uncertain_inputs(model: LogModel) -> list[str]:
    """Names of the parameters that are uncertain and appear in some term, in model order.

    Tornado and Sobol' analyses need at least one; elasticities do not.
    """
    used = set(model.used_parameters())
    return [n for n in model.parameter_names if n in used and model.parameters[n].is_uncertain]


def _require_uncertain(model: LogModel, what: str) -> list[str]:
    names = uncertain_inputs(model)
    if not names:
        raise InvalidValueError(
            model.name, f"has no uncertain parameters, so there is {what} (elasticities need none)"
        )
    return names


def _log_factor(model: LogModel, name: str) -> float:
    return float(model.root_log(name, 1.0))


def _median_logs(model: LogModel) -> np.ndarray:
    """Natural logs (root units): uncertain parameters at their median, others central."""
    logs = model.central_logs()
    for i, name in enumerate(model.parameter_names):
        parameter = model.parameters[name]
        if parameter.is_uncertain:
            logs[i] = float(parameter.distribution.log_ppf(0.5)) + _log_factor(model, name)
    return logs


def _json_float(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _value_from_log(log_value: float) -> float:
    """``exp(log_value)``, or inf/0 beyond float range (reported as such, never raised)."""
    with np.errstate(over="ignore", under="ignore"):
        return float(np.exp(log_value))


class _Result(ABC):
    """Shared output methods; subclasses define ``to_frame`` and ``to_dict``."""

    @abstractmethod
    def to_frame(self) -> pd.DataFrame:
        """The result as a table."""

    def _repr_html_(self) -> str:
        """Rich display in notebooks: the table, numbers with three significant figures."""
        frame = self.to_frame()
        text = frame.map(lambda v: fmt.sci(v) if isinstance(v, float) else str(v))
        return fmt.html_table(type(self).__name__, text.to_numpy().tolist(), tuple(frame.columns))


# -------------------------------------------------------------------------- elasticity
@dataclass(frozen=True)
class Elasticities(_Result):
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
                    "central": _json_float(c),
                    "elasticity": _json_float(e),
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
class Tornado(_Result):
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
    """

    model: str
    base_log10: float
    names: tuple[str, ...]
    units: tuple[str, ...]
    input_low: tuple[float, ...]
    input_high: tuple[float, ...]
    output_low: tuple[float, ...]
    output_high: tuple[float, ...]

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
            "base_log10_flops": _json_float(self.base_log10),
            "definition": "log10 FLOP/s with one input at its 5th/95th percentile, "
            "the others at their medians",
            "parameters": [
                {
                    "parameter": n,
                    "unit": u,
                    "input_p5": _json_float(a),
                    "input_p95": _json_float(b),
                    "log10_flops_at_p5": _json_float(lo),
                    "log10_flops_at_p95": _json_float(hi),
                    "swing_decades": _json_float(s),
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


def tornado(model: LogModel) -> Tornado:
    """Swing of ``log10 F`` as each uncertain input spans its 5th-95th percentile.

    Every other input stays at its median (certain inputs at their value); inputs are
    sorted by swing, largest first. Inputs no term uses are left out.

    Raises
    ------
    InvalidValueError
        If the model has no uncertain inputs (see :func:`uncertain_inputs`).

    Examples
    --------
    >>> import brainflops
    >>> t = tornado(brainflops.load_preset("dettmers2015"))
    >>> t.names[0], round(t.swings[0], 2)
    ('firing_rate', 1.3)
    """
    names = _require_uncertain(model, "nothing to swing")
    base = _median_logs(model)
    index = {n: i for i, n in enumerate(model.parameter_names)}
    columns = np.repeat(base[:, None], 1 + 2 * len(names), axis=1)
    ends_low, ends_high = [], []
    for j, name in enumerate(names):
        dist = model.parameters[name].distribution
        lo, hi = (float(v) for v in dist.log_ppf(np.array([0.05, 0.95])))
        ends_low.append(lo)
        ends_high.append(hi)
        factor = _log_factor(model, name)
        columns[index[name], 1 + 2 * j] = lo + factor
        columns[index[name], 2 + 2 * j] = hi + factor
    outputs = model.evaluate_logs(columns) / _LN10
    low_out, high_out = outputs[1::2], outputs[2::2]
    order = sorted(range(len(names)), key=lambda j: -abs(high_out[j] - low_out[j]))
    return Tornado(
        model=model.name,
        base_log10=float(outputs[0]),
        names=tuple(names[j] for j in order),
        units=tuple(model.parameters[names[j]].unit for j in order),
        input_low=tuple(_value_from_log(ends_low[j]) for j in order),
        input_high=tuple(_value_from_log(ends_high[j]) for j in order),
        output_low=tuple(float(low_out[j]) for j in order),
        output_high=tuple(float(high_out[j]) for j in order),
    )


# ------------------------------------------------------------------------------- Sobol'
@dataclass(frozen=True)
class SobolIndices(_Result):
    """Sobol' indices of ``log10 F`` over the uncertain inputs (taken as independent).

    Attributes
    ----------
    model:
        The model's name.
    names:
        The uncertain inputs, ordered by total index, largest first.
    first, first_conf:
        First-order indices ``S1`` (share of the variance of ``log10 F`` due to the input
        alone) and the half-width of their bootstrap confidence interval.
    total, total_conf:
        Total indices ``ST`` (share including every interaction) and their half-widths.
    n:
        Base sample size (a power of two); the model was evaluated ``evaluations`` times.
    evaluations:
        ``n * (len(names) + 2)``.
    seed:
        Seed of the scrambled Sobol' sequence and of the bootstrap.
    confidence:
        Confidence level of the intervals.
    variance_log10:
        Variance of ``log10 F`` over the sample (decades squared).
    ignored_correlations:
        The model's rank correlations, which the indices do not include: Sobol' indices
        are defined for independent inputs.
    """

    model: str
    names: tuple[str, ...]
    first: tuple[float, ...]
    first_conf: tuple[float, ...]
    total: tuple[float, ...]
    total_conf: tuple[float, ...]
    n: int
    evaluations: int
    seed: int
    confidence: float
    variance_log10: float
    ignored_correlations: tuple[tuple[str, str, float], ...] = ()

    def index(self, name: str) -> tuple[float, float]:
        """``(S1, ST)`` of one input."""
        if name not in self.names:
            raise UnknownNameError("parameter", name, self.names)
        i = self.names.index(name)
        return self.first[i], self.total[i]

    def to_frame(self) -> pd.DataFrame:
        """One row per input: ``parameter, S1, S1_conf, ST, ST_conf``."""
        return pd.DataFrame(
            {
                "parameter": list(self.names),
                "S1": list(self.first),
                "S1_conf": list(self.first_conf),
                "ST": list(self.total),
                "ST_conf": list(self.total_conf),
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "method": "sobol",
            "model": self.model,
            "output": "log10 FLOP/s",
            "n": self.n,
            "evaluations": self.evaluations,
            "seed": self.seed,
            "confidence": self.confidence,
            "variance_log10": _json_float(self.variance_log10),
            "ignored_correlations": [
                {"a": a, "b": b, "rho": rho} for a, b, rho in self.ignored_correlations
            ],
            "parameters": [
                {
                    "parameter": n,
                    "S1": _json_float(s1),
                    "S1_conf": _json_float(c1),
                    "ST": _json_float(st),
                    "ST_conf": _json_float(ct),
                }
                for n, s1, c1, st, ct in zip(
                    self.names,
                    self.first,
                    self.first_conf,
                    self.total,
                    self.total_conf,
                    strict=True,
                )
            ],
        }


def _salib() -> tuple[ModuleType, ModuleType]:
    """SALib's Sobol' sampler and analyser, imported on first use."""
    try:
        from SALib.analyze import sobol as analyse_module  # noqa: PLC0415 - optional extra
        from SALib.sample import sobol as sample_module  # noqa: PLC0415 - optional extra
    except ImportError:
        raise MissingDependencyError("SALib", "sensitivity", "Sobol' analysis") from None
    return sample_module, analyse_module


def _check_sobol_arguments(n: Any, seed: Any, num_resamples: Any, confidence: Any) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2 or n & (n - 1):
        reason = f"the Sobol' base sample must be a power of two >= 2 (e.g. 1024), got {n!r}"
        raise InvalidValueError("n", reason)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        reason = f"must be a non-negative integer, got {seed!r}"
        raise InvalidValueError("seed", reason)
    if isinstance(num_resamples, bool) or not isinstance(num_resamples, int) or num_resamples < 1:
        reason = f"must be a positive integer, got {num_resamples!r}"
        raise InvalidValueError("num_resamples", reason)
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, float | int)
        or not (0.0 < confidence < 1.0)
    ):
        reason = f"must lie strictly between 0 and 1, got {confidence!r}"
        raise InvalidValueError("confidence", reason)


def sobol(
    model: LogModel,
    n: int = 1024,
    *,
    seed: int = 0,
    num_resamples: int = 100,
    confidence: float = 0.95,
) -> SobolIndices:
    """Sobol' first-order and total indices of ``log10 F``, estimated with SALib.

    The pipeline is SALib's: a scrambled Sobol' sample of the unit hypercube
    (:func:`SALib.sample.sobol.sample`, ``n * (k + 2)`` points for ``k`` uncertain
    inputs), mapped through each input's quantile function
    (:meth:`~brainflops.params.distributions.Distribution.log_ppf`, in log space), evaluated
    with :meth:`Model.evaluate_logs`, then :func:`SALib.analyze.sobol.analyze`. Inputs
    are treated as independent; the model's rank correlations are reported in
    ``ignored_correlations``.

    Parameters
    ----------
    model:
        The model to analyse; its uncertain, used parameters are the inputs.
    n:
        Base sample size, a power of two.
    seed:
        Seed of the scrambling and of the bootstrap confidence intervals.
    num_resamples, confidence:
        Bootstrap resamples and confidence level of the intervals.

    Raises
    ------
    MissingDependencyError
        If SALib is not installed.
    InvalidValueError
        For a bad argument, a model without uncertain inputs, an output that does not
        vary, or a sample that SALib returns in an unexpected shape.

    Examples
    --------
    >>> import brainflops
    >>> result = sobol(brainflops.load_preset("mechanistic-modern"), 256, seed=1)
    >>> result.names[0]
    'firing_rate'
    """
    _check_sobol_arguments(n, seed, num_resamples, confidence)
    sample_module, analyse_module = _salib()
    names = _require_uncertain(model, "no variance to apportion")
    k = len(names)
    problem = {"num_vars": k, "names": names, "bounds": [[0.0, 1.0]] * k}
    points = np.asarray(
        sample_module.sample(
            problem, int(n), calc_second_order=False, scramble=True, seed=int(seed)
        ),
        dtype=float,
    )
    expected = (int(n) * (k + 2), k)
    if points.shape != expected:
        reason = f"SALib returned a sample of shape {points.shape}, expected {expected}"
        raise InvalidValueError("n", reason)
    np.clip(points, _OPEN_LOW, _OPEN_HIGH, out=points)
    index = {name: i for i, name in enumerate(model.parameter_names)}
    logs = np.repeat(model.central_logs()[:, None], len(points), axis=1)
    for j, name in enumerate(names):
        dist = model.parameters[name].distribution
        logs[index[name]] = dist.log_ppf(points[:, j]) + _log_factor(model, name)
    outputs = model.evaluate_logs(logs) / _LN10
    if not np.isfinite(outputs).all():
        raise InvalidValueError(
            model.name, "evaluates to a non-finite FLOP/s on the Sobol' sample"
        )
    variance = float(np.var(outputs))
    if not variance > 0.0:
        raise InvalidValueError(model.name, "log10 FLOP/s does not vary over the sample")
    indices = analyse_module.analyze(
        problem,
        outputs,
        calc_second_order=False,
        num_resamples=int(num_resamples),
        conf_level=float(confidence),
        print_to_console=False,
        seed=int(seed),
    )
    columns = {}
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        values = np.asarray(indices[key], dtype=float)
        if values.shape != (k,):
            reason = f"SALib returned {key} of shape {values.shape}, expected ({k},)"
            raise InvalidValueError("n", reason)
        columns[key] = values
    order = sorted(range(k), key=lambda j: -columns["ST"][j])
    return SobolIndices(
        model=model.name,
        names=tuple(names[j] for j in order),
        first=tuple(float(columns["S1"][j]) for j in order),
        first_conf=tuple(float(columns["S1_conf"][j]) for j in order),
        total=tuple(float(columns["ST"][j]) for j in order),
        total_conf=tuple(float(columns["ST_conf"][j]) for j in order),
        n=int(n),
        evaluations=len(points),
        seed=int(seed),
        confidence=float(confidence),
        variance_log10=variance,
        ignored_correlations=tuple(
            (a, b, float(rho)) for (a, b), rho in sorted(model.correlations.items())
        ),
    )


def analyse(
    model: LogModel,
    method: str = "elasticity",
    *,
    n: int = 1024,
    seed: int = 0,
) -> Elasticities | Tornado | SobolIndices:
    """Run one of :data:`METHODS` by name (``n`` and ``seed`` only matter for Sobol')."""
    if method == "elasticity":
        return elasticities(model)
    if method == "tornado":
        return tornado(model)
    if method == "sobol":
        return sobol(model, n, seed=seed)
    raise UnknownNameError("sensitivity method", method, METHODS)
