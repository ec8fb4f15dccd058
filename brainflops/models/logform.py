"""Symbolic helpers of the model: the log-space rewrite of a term and the unit check.

:class:`LogForm` turns a positive expression of positive symbols into its natural log in
log-symbols, so that values from 1e-300 to 1e300, and products beyond float range, are
evaluated without overflow; :func:`check_formula_units` checks with pint that a formula
comes out in FLOP/s.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pint
import sympy as sp

from brainflops.core.errors import UnitMismatchError
from brainflops.core.units import FLOPS, ureg
from brainflops.params.parameters import Parameter

__all__ = ["LAMBDIFY_MODULES", "LogForm", "LogSumExp", "check_formula_units"]


def _np_log_sum_exp(*args: Any) -> Any:
    """NumPy form of :class:`LogSumExp` (arguments are arrays or scalars)."""
    top = args[0]
    for arg in args[1:]:
        top = np.maximum(top, arg)
    total = sum(np.exp(arg - top) for arg in args)
    return top + np.log(total)


class LogSumExp(sp.Function):
    """``ln(exp(a) + exp(b) + ...)``, kept symbolic so that it is evaluated without overflow.

    The log-space form of a sum of positive terms: ``ln(x + y)`` with ``x = e**a`` and
    ``y = e**b``. Its derivative in argument ``i`` is ``exp(a_i - LogSumExp(...))``.
    """

    is_real = True

    @classmethod
    def eval(cls, *args: sp.Expr) -> sp.Expr | None:
        if len(args) == 1:
            return args[0]
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.exp(self.args[argindex - 1] - self)


LAMBDIFY_MODULES: list[Any] = [{"LogSumExp": _np_log_sum_exp}, "numpy"]


class LogForm:
    """Rewrite a positive expression of positive symbols as its natural log in log-symbols.

    Products become sums, powers multiples, sums of positive terms :class:`LogSumExp`,
    ``exp(x)`` its argument, ``max``/``min`` of positive terms the max/min of their logs.
    Anything else (a difference, say) falls back to ``log(expr)`` with ``x = exp(L_x)``,
    which is exact but may overflow for extreme values.
    """

    def __init__(self, symbols: Iterable[sp.Symbol], log_symbols: Sequence[sp.Symbol]) -> None:
        self.logs = dict(zip(symbols, log_symbols, strict=True))
        self.to_exp = {s: sp.exp(ls) for s, ls in self.logs.items()}

    def fallback(self, expr: sp.Expr) -> sp.Expr:
        return sp.expand_log(sp.log(expr.subs(self.to_exp)), force=True)

    def __call__(self, expr: sp.Expr) -> sp.Expr:
        if expr in self.logs:
            return self.logs[expr]
        if expr.is_number:
            return sp.log(expr) if expr.is_positive else self.fallback(expr)
        if expr.is_positive is True:
            # The first rule that recognises the shape of a positive expression wins.
            for rule in (self._product, self._power, self._exponential, self._sum, self._extreme):
                result = rule(expr)
                if result is not None:
                    return result
        return self.fallback(expr)

    def _product(self, expr: sp.Expr) -> sp.Expr | None:
        return sp.Add(*(self(arg) for arg in expr.args)) if expr.is_Mul else None

    def _power(self, expr: sp.Expr) -> sp.Expr | None:
        if not expr.is_Pow or not expr.args[0].is_positive:
            return None
        base, exponent = expr.args
        return exponent.subs(self.to_exp) * self(base)

    def _exponential(self, expr: sp.Expr) -> sp.Expr | None:
        return expr.args[0].subs(self.to_exp) if isinstance(expr, sp.exp) else None

    def _sum(self, expr: sp.Expr) -> sp.Expr | None:
        if expr.is_Add and all(arg.is_positive for arg in expr.args):
            return LogSumExp(*(self(arg) for arg in expr.args))
        return None

    def _extreme(self, expr: sp.Expr) -> sp.Expr | None:
        if isinstance(expr, sp.Max | sp.Min) and all(arg.is_positive for arg in expr.args):
            return type(expr)(*(self(arg) for arg in expr.args))
        return None


def check_formula_units(
    expr: sp.Expr,
    parameters: Mapping[str, Parameter],
    symbols: Mapping[str, sp.Symbol],
    where: str,
) -> None:
    """Raise :class:`UnitMismatchError` unless ``expr`` evaluates to FLOP/s.

    The expression is evaluated once on pint quantities of magnitude one in each
    parameter's root unit.
    """
    used = [name for name, s in symbols.items() if s in expr.free_symbols]
    args = [ureg.Quantity(1.0, parameters[n].root_unit) for n in used]

    def units_of(part: sp.Expr) -> Any:
        return sp.lambdify([symbols[n] for n in used], part, modules="numpy")(*args)

    # Evaluating at magnitude one cannot see x**k with k a parameter (1**k is 1), so a
    # base with units must have a constant exponent.
    for power in expr.atoms(sp.Pow):
        base = units_of(power.base)
        if power.exp.free_symbols and isinstance(base, pint.Quantity) and not base.dimensionless:
            raise UnitMismatchError(
                where,
                "a constant exponent for a base with units",
                f"exponent {power.exp}",
            )
    fn = sp.lambdify([symbols[n] for n in used], expr, modules="numpy")
    try:
        result = fn(*args)
    except (pint.DimensionalityError, pint.errors.OffsetUnitCalculusError) as exc:
        raise UnitMismatchError(
            where, "compatible units in every sum and function", str(exc)
        ) from None
    quantity = result if isinstance(result, pint.Quantity) else ureg.Quantity(result, "")
    if not quantity.is_compatible_with(FLOPS):
        raise UnitMismatchError(
            where,
            "FLOP / second",
            f"{quantity.units:~} ({quantity.dimensionality})",
            "formula result",
        )
    if not math.isclose(
        float(np.asarray(quantity.m_as(FLOPS))), float(np.asarray(quantity.magnitude))
    ):
        raise UnitMismatchError(where, "FLOP / second in root units", f"{quantity.units:~}")
