"""The brain model: a sum over cell populations and pipeline stages, kept symbolic.

A :class:`Model` holds its parameters and a list of :class:`Term` records, one per
(population, stage) pair or per formula. Each term is a sympy expression in FLOP/s over
the parameters' symbols. When the model is built it is

1. dimension-checked once with pint (every parameter bound to a stage role must have
   the role's unit; every formula must evaluate to FLOP/s), and
2. compiled once with :func:`sympy.lambdify` into a function of the *natural logarithms*
   of the parameters (in pint root units). Product-form terms become linear in the logs,
   so values anywhere from 1e-300 to 1e300, and products beyond float range, stay finite.

Everything numeric after construction runs on float64 arrays; pint only appears at the
API edge.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pint
import sympy as sp

from brainflops.core import fmt
from brainflops.core.errors import (
    InvalidValueError,
    NonMonotoneError,
    UnitMismatchError,
    UnknownNameError,
)
from brainflops.core.logspace import flops_from_log10, log_sum_rows
from brainflops.core.units import FLOPS, ureg
from brainflops.ops.operations import Operation
from brainflops.params.parameters import Parameter
from brainflops.uncertainty.samples import Samples, draw_samples

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Model", "Term"]

_MAX_LOG10_FLOAT = math.log10(np.finfo(float).max)


@dataclass(frozen=True, slots=True)
class Term:
    """One summand of the model: a stage of a population, or a formula.

    Attributes
    ----------
    population, stage:
        Where the FLOPs are spent.
    operation:
        Text of the conv-net operation(s) the stage maps to, in symbols.
    expr:
        FLOP/s as a sympy expression of parameter symbols (root-unit magnitudes).
    operations:
        The operations per cell evaluation (empty for formula terms).
    evaluations:
        Cell evaluations per second (``count * rate``), or None for formula terms.
    count:
        Number of cells (the population's count symbol), or None for formula terms.
    """

    population: str
    stage: str
    operation: str
    expr: sp.Expr
    operations: tuple[Operation, ...] = ()
    evaluations: sp.Expr | None = None
    count: sp.Expr | None = None


def _symbol_name(name: str) -> str:
    return name.replace(".", "__")


@dataclass(frozen=True)
class Model:
    """A brain-compute model. Build one with :func:`brainflops.load_preset`.

    Attributes
    ----------
    name, title:
        Identifier and human title.
    parameters:
        Every parameter by name.
    terms:
        The summands, see :class:`Term`.
    reported:
        The headline figure the source states (FLOP/s), when there is one.
    metadata:
        Further preset fields (method, year, citation, description, ...).
    correlations:
        Default rank correlations between parameters for sampling.
    """

    name: str
    title: str
    parameters: Mapping[str, Parameter]
    terms: tuple[Term, ...]
    reported: float | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    correlations: Mapping[tuple[str, str], float] = field(default_factory=dict)
    document: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    _compiled: _Compiled = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Presets are cached and shared: keep every mapping read-only.
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))
        object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))
        object.__setattr__(self, "correlations", MappingProxyType(dict(self.correlations)))
        if not self.terms:
            raise InvalidValueError(self.name, "a model needs at least one stage or formula")
        for a, b in self.correlations:
            for name in (a, b):
                if name not in self.parameters:
                    raise UnknownNameError("parameter", name, self.parameters)
        object.__setattr__(self, "_compiled", _Compiled(self.parameters, self.terms))

    # ----------------------------------------------------------------- symbols
    @property
    def symbols(self) -> Mapping[str, sp.Symbol]:
        """The sympy symbol of each parameter."""
        return self._compiled.symbols

    def formula(self) -> sp.Expr:
        """The whole model, FLOP/s, as one sympy expression."""
        return sp.Add(*(term.expr for term in self.terms))

    def parameter(self, name: str) -> Parameter:
        """Look up a parameter, with a close-match suggestion when it is unknown."""
        try:
            return self.parameters[name]
        except KeyError:
            raise UnknownNameError("parameter", name, self.parameters) from None

    # --------------------------------------------------------------- estimates
    def central_log10(self) -> float:
        """log10 of the total FLOP/s at every parameter's central value."""
        return float(self._compiled.log_total(self._compiled.central_logs[:, None])[0]) / math.log(
            10
        )

    def central(self) -> pint.Quantity:
        """Total FLOP/s at the central values, as a Quantity."""
        return flops_from_log10(self.central_log10())

    def breakdown(self) -> pd.DataFrame:
        """FLOP/s of every term at the central values.

        Columns: ``population``, ``stage``, ``operation``, ``flops`` (FLOP/s), ``share``.
        The ``flops`` column sums to :meth:`central` (up to float rounding).
        """
        import pandas as pd  # noqa: PLC0415 - pandas costs a third of a second to import

        logs = self.central_term_logs()
        total = np.logaddexp.reduce(logs)
        return pd.DataFrame(
            {
                "population": [t.population for t in self.terms],
                "stage": [t.stage for t in self.terms],
                "operation": self.operation_texts(),
                "flops": np.exp(np.minimum(logs, _MAX_LOG10_FLOAT * math.log(10))),
                "share": np.exp(logs - total),
            }
        )

    def central_term_logs(self) -> np.ndarray:
        """Natural log of each term's FLOP/s at the central values, in :attr:`terms` order."""
        return self._compiled.log_terms(self._compiled.central_logs[:, None])[:, 0]

    def operation_texts(self) -> list[str]:
        """Each term's operations with the central values filled in (its text for formulas)."""
        values = self.central_values()
        return [
            " + ".join(op.describe(values) for op in t.operations) if t.operations else t.operation
            for t in self.terms
        ]

    def central_values(self) -> dict[sp.Symbol, float]:
        """Each parameter's symbol mapped to its central value in root units."""
        return {
            self.symbols[name]: float(math.exp(v))
            for name, v in zip(self._compiled.names, self._compiled.central_logs, strict=True)
        }

    def evaluate_logs(self, logs: np.ndarray) -> np.ndarray:
        """Natural log of total FLOP/s for parameter log-values in root units.

        ``logs`` has one row per parameter (in :attr:`parameter_names` order) and one
        column per draw.
        """
        return self._compiled.log_total(np.asarray(logs, dtype=float))

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """Parameter names in the row order :meth:`evaluate_logs` expects."""
        return self._compiled.names

    def root_log(self, name: str, values: np.ndarray | float) -> np.ndarray:
        """Natural log, in root units, of values given in the parameter's own unit."""
        return (
            np.log(np.asarray(values, dtype=float)) + self._compiled.log_factor[self._index(name)]
        )

    def central_logs(self) -> np.ndarray:
        """Natural logs (root units) of the central values, in :attr:`parameter_names` order."""
        return self._compiled.central_logs.copy()

    def _index(self, name: str) -> int:
        self.parameter(name)
        return self._compiled.names.index(name)

    # ---------------------------------------------------------- derived models
    def with_values(self, **values: Any) -> Model:
        """A new model with some central values replaced.

        Keys are parameter names (``"purkinje.count"``); values are numbers in the
        parameter's unit, quantities, or strings such as ``"75000 synapse/neuron"``.

        Examples
        --------
        >>> import brainflops
        >>> m = brainflops.load_preset("dettmers2015")
        >>> m.with_values(firing_rate="100 Hz").central() < m.central()
        True
        """
        updated = dict(self.parameters)
        for name, value in values.items():
            updated[name] = self.parameter(name).with_value(value)
        return self.with_parameters(updated.values())

    def with_parameters(self, parameters: Iterable[Parameter]) -> Model:
        """A new model with the given parameters replacing those of the same name."""
        updated = dict(self.parameters)
        for parameter in parameters:
            self.parameter(parameter.name)
            updated[parameter.name] = parameter
        return replace(self, parameters=updated)

    # ------------------------------------------------------------- sensitivity
    def elasticities(self) -> dict[str, float]:
        """d ln F / d ln x for every parameter, exact (sympy), at the central values."""
        values = self._compiled.elasticity_at(self._compiled.central_logs)
        return dict(zip(self._compiled.names, values.tolist(), strict=True))

    def elasticity_expressions(self) -> dict[str, sp.Expr]:
        """d ln F / d ln x as sympy expressions of the parameter symbols."""
        total = self.formula()
        return {
            name: sp.simplify(sp.diff(total, symbol) * symbol / total)
            for name, symbol in self.symbols.items()
        }

    def bounds(self) -> tuple[pint.Quantity, pint.Quantity]:
        """Exact low and high of the total over the 90% box of the inputs.

        Each input sits at its 5th or 95th percentile, the side picked by the sign of the
        model's derivative in it. The sign must be the same everywhere in the box. For a
        sum of products of powers it is read off the exponents (every term's exponent of
        an input has the same sign: exact); otherwise it is checked numerically, at every
        corner of the box (or 4096 random corners for more than 12 varying inputs) and
        256 random interior points. A model that is not monotone raises
        :class:`~brainflops.core.errors.NonMonotoneError`.
        """
        low_logs, high_logs = self._compiled.box_logs()
        signs = self._compiled.monotone_signs(low_logs, high_logs)
        bad = [name for name, s in zip(self._compiled.names, signs, strict=True) if s is None]
        if bad:
            raise NonMonotoneError(bad)
        rising = np.array([s is not None and s >= 0 for s in signs])
        lo = np.where(rising, low_logs, high_logs)
        hi = np.where(rising, high_logs, low_logs)
        ln10 = math.log(10)
        low = float(self._compiled.log_total(lo[:, None])[0]) / ln10
        high = float(self._compiled.log_total(hi[:, None])[0]) / ln10
        return flops_from_log10(low), flops_from_log10(high)

    # ---------------------------------------------------------------- sampling
    def sample(
        self,
        n: int,
        *,
        seed: int | np.random.Generator | None = None,
        correlations: Mapping[tuple[str, str], float] | None = None,
        chunk_size: int = 1_000_000,
        progress: bool | None = None,
    ) -> Samples:
        """Monte Carlo draws of the total FLOP/s.

        Each uncertain parameter is drawn once per draw (inverse-transform sampling from
        a random stream keyed by the seed and the parameter's name, so the same seed
        gives common random numbers across models) and shared by every term that uses
        it. Runs longer than ``chunk_size`` stream through a log10 histogram with bounded
        memory; see :mod:`brainflops.uncertainty.samples`. ``progress=None`` shows a tqdm bar for
        streamed runs in a terminal or a notebook. The parameter draws themselves are
        :func:`brainflops.uncertainty.samples.draw_parameters`.
        """
        pairs = self.correlations if correlations is None else correlations
        return draw_samples(
            self, n, seed=seed, correlations=pairs, chunk_size=chunk_size, progress=progress
        )

    def _repr_html_(self) -> str:
        """Rich display in notebooks: the estimate and its breakdown by stage."""
        rows = [
            [r.population, r.stage, fmt.sci(r.flops), fmt.share(r.share)]
            for r in self.breakdown().itertuples(index=False)
        ]
        reported = f"; reported {fmt.sci(self.reported, 'FLOP/s')}" if self.reported else ""
        title = f"{self.title}: {fmt.from_log10(self.central_log10(), 'FLOP/s')}{reported}"
        return fmt.html_table(title, rows, ("population", "stage", "FLOP/s", "share"))

    def used_parameters(self) -> tuple[str, ...]:
        """Names of the parameters that some term depends on."""
        used = set().union(*(t.expr.free_symbols for t in self.terms))
        return tuple(name for name, symbol in self.symbols.items() if symbol in used)


class _Compiled:
    """The lambdified, log-space form of a model's terms (built once per model)."""

    def __init__(self, parameters: Mapping[str, Parameter], terms: Sequence[Term]) -> None:
        self.names: tuple[str, ...] = tuple(parameters)
        self.parameters = parameters
        self.symbols: Mapping[str, sp.Symbol] = MappingProxyType(
            {name: sp.Symbol(_symbol_name(name), positive=True) for name in self.names}
        )
        self.log_symbols = [sp.Symbol(f"L_{_symbol_name(n)}", real=True) for n in self.names]
        self.log_factor = np.array([math.log(p.root_factor) for p in parameters.values()])
        self.central_logs = np.array(
            [
                math.log(p.value) + f
                for p, f in zip(parameters.values(), self.log_factor, strict=True)
            ]
        )
        self.terms = tuple(terms)
        for term in self.terms:
            unknown = term.expr.free_symbols - set(self.symbols.values())
            if unknown:
                raise UnknownNameError("symbol", min(map(str, unknown)), self.names)
        log_of = _LogForm(self.symbols.values(), self.log_symbols)
        self.log_exprs = [log_of(t.expr) for t in self.terms]
        # Split every log-expression into a part linear in the logs, evaluated as one
        # matrix product for all terms, and a remainder (sums inside a product become
        # LogSumExp calls) compiled together so that common pieces are computed once.
        self.linear = np.zeros((len(self.terms), len(self.names)))
        self.offset = np.zeros(len(self.terms))
        position = {ls: i for i, ls in enumerate(self.log_symbols)}
        remainders: list[sp.Expr] = []
        for t, expr in enumerate(self.log_exprs):
            rest = []
            for arg in sp.Add.make_args(expr):
                coeff, factor = arg.as_coeff_Mul()
                if arg.is_number and arg.is_extended_real and arg.is_finite:
                    self.offset[t] += float(arg)
                elif factor in position:
                    self.linear[t, position[factor]] += float(coeff)
                else:
                    rest.append(arg)
            remainders.append(sp.Add(*rest))
        # Sparse rows of the linear part: (parameter index, coefficient) per term. A loop of
        # in-place adds beats a BLAS product here: the matrix is tiny and sparse, and
        # BLAS threads only contend for the cores on a busy machine.
        self.linear_rows = [
            [(int(i), float(row[i])) for i in np.nonzero(row)[0]] for row in self.linear
        ]
        self.nonlinear = [t for t, r in enumerate(remainders) if r != 0]
        self._nonlinear_fn: Callable[..., Any] | None = (
            sp.lambdify(
                self.log_symbols,
                [remainders[t] for t in self.nonlinear],
                modules=_LAMBDIFY_MODULES,
                cse=True,
            )
            if self.nonlinear
            else None
        )
        self._gradient_fn: Callable[..., Any] | None = None

    def log_terms(self, logs: np.ndarray) -> np.ndarray:
        """ln FLOP/s of each term; ``logs`` is (parameters, draws)."""
        out = np.empty((len(self.terms), logs.shape[1]))
        for row, entries, offset in zip(out, self.linear_rows, self.offset, strict=True):
            rest = entries
            if offset == 0.0 and len(entries) >= 2 and entries[0][1] == entries[1][1] == 1.0:
                np.add(logs[entries[0][0]], logs[entries[1][0]], out=row)
                rest = entries[2:]
            elif entries and entries[0][1] == 1.0:
                np.add(logs[entries[0][0]], offset, out=row)
                rest = entries[1:]
            else:
                row.fill(offset)
            for i, coeff in rest:
                np.add(row, logs[i] if coeff == 1.0 else coeff * logs[i], out=row)
        if self._nonlinear_fn is not None:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                rows = self._nonlinear_fn(*logs)
            for t, row in zip(self.nonlinear, rows, strict=True):
                values = np.asarray(row)
                if np.iscomplexobj(values):  # the log of a term that went negative
                    values = np.where(values.imag == 0, values.real, np.nan)
                out[t] += values
        if not np.isfinite(out).all():
            bad = [self.terms[i] for i in np.unique(np.nonzero(~np.isfinite(out))[0])]
            where = ", ".join(f"{t.population}/{t.stage}" for t in bad)
            raise InvalidValueError(where, "evaluates to a non-finite or non-positive FLOP/s")
        return out

    def log_total(self, logs: np.ndarray) -> np.ndarray:
        """ln of the summed FLOP/s; evaluated in column blocks to keep temporaries small."""
        n = logs.shape[1]
        if n <= _EVAL_BLOCK:
            return log_sum_rows(self.log_terms(logs))
        out = np.empty(n)
        for start in range(0, n, _EVAL_BLOCK):
            stop = min(start + _EVAL_BLOCK, n)
            out[start:stop] = log_sum_rows(self.log_terms(logs[:, start:stop]))
        return out

    def _gradients(self) -> Callable[..., Any]:
        if self._gradient_fn is None:
            gradient = [[sp.diff(e, ls) for ls in self.log_symbols] for e in self.log_exprs]
            self._gradient_fn = sp.lambdify(
                self.log_symbols, gradient, modules=_LAMBDIFY_MODULES, cse=True
            )
        return self._gradient_fn

    def term_gradients(self, logs: np.ndarray) -> np.ndarray:
        """d ln(term) / d ln(x), shape (terms, parameters, draws)."""
        raw = self._gradients()(*logs)
        return np.array(
            [[np.broadcast_to(v, logs.shape[1:]) for v in row] for row in raw], dtype=float
        )

    def elasticity_at(self, logs: np.ndarray) -> np.ndarray:
        column = logs[:, None]
        term_logs = self.log_terms(column)
        weights = np.exp(term_logs - np.logaddexp.reduce(term_logs, axis=0))
        grads = self.term_gradients(column)
        return np.einsum("td,tpd->p", weights, grads)

    def box_logs(self) -> tuple[np.ndarray, np.ndarray]:
        low, high = self.central_logs.copy(), self.central_logs.copy()
        for i, parameter in enumerate(self.parameters.values()):
            if parameter.is_uncertain:
                lo, hi = parameter.distribution.interval90()
                low[i] = math.log(lo) + self.log_factor[i]
                high[i] = math.log(hi) + self.log_factor[i]
        return low, high

    def monotone_signs(self, low: np.ndarray, high: np.ndarray) -> list[int | None]:
        """Sign (+1, -1, 0) of d total / d x_i over the box, or None where it changes."""
        if not self.nonlinear:
            # Sum of monomials: d total / d x_i has the sign shared by x_i's exponents.
            proven = [_common_sign(column) for column in self.linear.T]
            if all(sign is not None for sign in proven):
                return proven
        varying = np.nonzero(high > low)[0]
        n_vary = len(varying)
        if n_vary <= _MAX_EXHAUSTIVE_CORNERS:
            corners = ((np.arange(2**n_vary)[:, None] >> np.arange(n_vary)) & 1).T
        else:
            corners = np.random.default_rng(0).integers(0, 2, size=(n_vary, _RANDOM_CORNERS))
        points = np.repeat(low[:, None], corners.shape[1], axis=1)
        points[varying] = np.where(corners == 1, high[varying, None], low[varying, None])
        # Include random interior points as well: a sign change can hide between corners.
        rng = np.random.default_rng(1)
        interior = low[:, None] + (high - low)[:, None] * rng.random((len(low), _INTERIOR_POINTS))
        points = np.concatenate([points, interior], axis=1)
        term_logs = self.log_terms(points)
        weights = np.exp(term_logs - np.logaddexp.reduce(term_logs, axis=0))
        slopes = np.einsum("td,tpd->pd", weights, self.term_gradients(points))
        return [_common_sign(row, tolerance=_SLOPE_TOLERANCE) for row in slopes]


# The numerical monotonicity check: all 2**12 = 4096 corners below 13 varying inputs,
# else as many random corners, plus random interior points; elasticities smaller than
# the tolerance (float noise of the log-space gradients) count as zero.
_MAX_EXHAUSTIVE_CORNERS = 12
_RANDOM_CORNERS = 4096
_INTERIOR_POINTS = 256
_SLOPE_TOLERANCE = 1e-12


def _common_sign(values: np.ndarray, tolerance: float = 0.0) -> int | None:
    """+1, -1 or 0 when every value has that sign (within ``tolerance``), else None."""
    if np.all(np.abs(values) <= tolerance):
        return 0
    if np.all(values >= -tolerance):
        return 1
    if np.all(values <= tolerance):
        return -1
    return None


# Columns per block in :meth:`_Compiled.log_total`: (terms x block) temporaries of a few MB
# stay in cache and are recycled by the allocator instead of being page-faulted afresh.
_EVAL_BLOCK = 1 << 15


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


_LAMBDIFY_MODULES: list[Any] = [{"LogSumExp": _np_log_sum_exp}, "numpy"]


class _LogForm:
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
        if expr.is_positive is not True:
            return self.fallback(expr)
        if expr.is_Mul:
            return sp.Add(*(self(arg) for arg in expr.args))
        if expr.is_Pow:
            base, exponent = expr.args
            if base.is_positive:
                return exponent.subs(self.to_exp) * self(base)
        if isinstance(expr, sp.exp):
            return expr.args[0].subs(self.to_exp)
        if expr.is_Add and all(arg.is_positive for arg in expr.args):
            return LogSumExp(*(self(arg) for arg in expr.args))
        if isinstance(expr, sp.Max | sp.Min) and all(arg.is_positive for arg in expr.args):
            return type(expr)(*(self(arg) for arg in expr.args))
        return self.fallback(expr)


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
