"""Helpers that the sensitivity analyses share: which inputs are uncertain, how a design's
quantiles become a model's log inputs, and the output methods of every result."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np
import pandas as pd

from brainflops.core import fmt
from brainflops.core.constants import LN10
from brainflops.core.errors import InvalidValueError
from brainflops.params.distributions.base import open_unit
from brainflops.uncertainty.protocol import LogModel

__all__ = [
    "LN10",
    "Result",
    "json_float",
    "log_factor",
    "logs_at_quantiles",
    "median_logs",
    "open_unit",
    "require_uncertain",
    "uncertain_inputs",
    "value_from_log",
]


def uncertain_inputs(model: LogModel) -> list[str]:
    """Names of the parameters that are uncertain and appear in some term, in model order.

    Tornado and Sobol' analyses need at least one; elasticities do not.
    """
    used = set(model.used_parameters())
    return [n for n in model.parameter_names if n in used and model.parameters[n].is_uncertain]


def require_uncertain(model: LogModel, what: str) -> list[str]:
    """:func:`uncertain_inputs`, refusing a model that has none (``what`` says why)."""
    names = uncertain_inputs(model)
    if not names:
        raise InvalidValueError(
            model.name, f"has no uncertain parameters, so there is {what} (elasticities need none)"
        )
    return names


def log_factor(model: LogModel, name: str) -> float:
    """Natural log of one unit of parameter ``name`` in the model's root units."""
    return float(model.root_log(name, 1.0))


def median_logs(model: LogModel) -> np.ndarray:
    """Natural logs (root units): uncertain parameters at their median, others central."""
    logs = model.central_logs()
    for i, name in enumerate(model.parameter_names):
        parameter = model.parameters[name]
        if parameter.is_uncertain:
            logs[i] = float(parameter.distribution.log_ppf(0.5)) + log_factor(model, name)
    return logs


def logs_at_quantiles(model: LogModel, names: Sequence[str], quantiles: np.ndarray) -> np.ndarray:
    """The model's ``logs`` array (one column per row of ``quantiles``).

    Column ``j`` of ``quantiles`` is the quantile of input ``names[j]``; inputs the model
    does not have, or holds certain, or no term uses, are skipped, and every other parameter
    stays at its central value. This lets one design drive several models whose inputs
    differ (the alternatives of a structural choice).
    """
    index = {name: i for i, name in enumerate(model.parameter_names)}
    inputs = set(uncertain_inputs(model))
    logs = np.repeat(model.central_logs()[:, None], len(quantiles), axis=1)
    for j, name in enumerate(names):
        if name in inputs:
            dist = model.parameters[name].distribution
            logs[index[name]] = dist.log_ppf(quantiles[:, j]) + log_factor(model, name)
    return logs


def json_float(value: float) -> float | None:
    """``value`` for JSON: ``None`` when it is not finite."""
    value = float(value)
    return value if math.isfinite(value) else None


def value_from_log(log_value: float) -> float:
    """``exp(log_value)``, or inf/0 beyond float range (reported as such, never raised)."""
    with np.errstate(over="ignore", under="ignore"):
        return float(np.exp(log_value))


class Result(ABC):
    """Shared output methods; subclasses define ``to_frame`` and ``to_dict``."""

    @abstractmethod
    def to_frame(self) -> pd.DataFrame:
        """The result as a table."""

    def _repr_html_(self) -> str:
        """Rich display in notebooks: the table, numbers with three significant figures."""
        frame = self.to_frame()
        text = frame.map(lambda v: fmt.sci(v) if isinstance(v, float) else str(v))
        return fmt.html_table(type(self).__name__, text.to_numpy().tolist(), tuple(frame.columns))
