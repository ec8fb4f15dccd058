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
    UnknownNameError,
)
from brainflops.core.frozen import freeze
from brainflops.core.logspace import FLOAT_LOG10, flops_from_log10, log_sum_rows
from brainflops.models.headline import kind_of
from brainflops.models.logform import LAMBDIFY_MODULES, LogForm, check_formula_units
from brainflops.ops.operations import Operation
from brainflops.params.parameters import Parameter
from brainflops.uncertainty.samples import Samples, Streaming, draw_samples

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Model", "Term", "check_formula_units"]


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
        The source's own point figure when the source printed it in FLOP/s; ``None``
        for figures in other units (MIPS, cps, ...), ranges and bounds. The full
        figure, in the source's unit, and any FLOP/s conversion of ours are
        ``metadata["headline"]`` (a :class:`~brainflops.models.headline.Headline`).
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
        # Presets are cached and shared: nothing reachable from a model may change in place
        # (use brainflops.core.frozen.thaw for an editable copy of the document).
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))
        object.__setattr__(self, "metadata", freeze(self.metadata))
        object.__setattr__(self, "correlations", MappingProxyType(dict(self.correlations)))
        object.__setattr__(self, "document", freeze(self.document))
        if not self.terms:
            raise InvalidValueError(self.name, "a model needs at least one stage or formula")
        for a, b in self.correlations:
            for name in (a, b):
                if name not in self.parameters:
                    raise UnknownNameError("parameter", name, self.parameters)
        object.__setattr__(self, "_compiled", _Compiled(self.parameters, self.terms))
        self._compiled.check_positive()
        # Shapes that are valid in symbols may not be at the values: a pooling window of
        # 15 / 4 synapses, a window wider than its input. Refuse such a model, naming the op.
        values = self.central_values()
        for term in self.terms:
            for op in term.operations:
                try:
                    op.check_values(values)
                except InvalidValueError as exc:
                    raise InvalidValueError(
                        f"{self.name}: {term.population}, {term.stage}", str(exc)
                    ) from None

    # ----------------------------------------------------------------- what it is
    @property
    def kind(self) -> str:
        """``"estimate"``, ``"upper bound"`` or ``"lower bound"`` (the preset's ``kind``).

        A bound is not an estimate of the brain's computation: plan hardware or read a
        parity year for it only with that label.
        """
        return kind_of(self.metadata)

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

        Columns: ``population``, ``stage``, ``operation``, ``log10_flops``, ``flops``
        (FLOP/s), ``share``. The ``flops`` column sums to :meth:`central` (up to float
        rounding).

        Raises
        ------
        InvalidValueError
            When a term is beyond the range of a float (about 1.8e308 FLOP/s), as
            :meth:`central` does: such a term exists only as its logarithm
            (:meth:`central_term_logs`), never as a clipped number.
        """
        import pandas as pd  # noqa: PLC0415 - pandas costs a third of a second to import

        logs = self.central_term_logs()
        log10 = logs / math.log(10)
        for term, value in zip(self.terms, log10, strict=True):
            if value > FLOAT_LOG10:
                raise InvalidValueError(
                    f"{term.population}/{term.stage}",
                    f"10^{value:.1f} FLOP/s is beyond the range of a float; only its log10 "
                    "exists (brainflops estimate prints it as a power of ten)",
                )
        return pd.DataFrame(
            {
                "population": [t.population for t in self.terms],
                "stage": [t.stage for t in self.terms],
                "operation": self.operation_texts(),
                "log10_flops": log10,
                "flops": np.exp(logs),
                "share": np.exp(logs - np.logaddexp.reduce(logs)),
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
        # value x factor, not exp(log): a count of 1e5 stays exactly 1e5 (shapes are
        # checked for whole numbers at these values)
        return {
            self.symbols[name]: float(self.parameters[name].value)
            * self.parameters[name].root_factor
            for name in self._compiled.names
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
    def with_values(
        self, *, keep_range: bool = False, source: str = "user", title: str = "", **values: Any
    ) -> Model:
        """A new model with some central values replaced by a user's.

        Keys are parameter names (``"purkinje.count"``); values are numbers in the
        parameter's unit, quantities, or strings such as ``"75000 synapse/neuron"``.

        Semantics (see :meth:`~brainflops.params.parameters.Parameter.with_override`):
        a bare value is a point, the parameter becomes certain; with ``keep_range=True``
        the source's range is kept and must contain the value (else an error). Physical
        bounds always apply. Every changed parameter gets provenance ``user``, ``source``
        and ``title`` as its source and locator, and ``replaces`` naming the citation and
        value it replaced, so exports never credit the new value to the base's source.

        Examples
        --------
        >>> import brainflops
        >>> m = brainflops.load_preset("dettmers2015")
        >>> slower = m.with_values(firing_rate="100 Hz")
        >>> slower.central() < m.central(), slower.parameter("firing_rate").provenance
        (True, 'user')
        """
        updated = [
            self.parameter(name).with_override(
                value, source=source, title=title, keep_range=keep_range
            )
            for name, value in values.items()
        ]
        return self.with_parameters(updated)

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
            self, n, seed=seed, correlations=pairs, streaming=Streaming(chunk_size, progress)
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
        log_of = LogForm(self.symbols.values(), self.log_symbols)
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
                modules=LAMBDIFY_MODULES,
                cse=True,
            )
            if self.nonlinear
            else None
        )
        self._gradient_fn: Callable[..., Any] | None = None

    def log_terms(self, logs: np.ndarray) -> np.ndarray:
        """ln FLOP/s of each term; ``logs`` is (parameters, draws)."""
        out = self._raw_log_terms(logs)
        if not np.isfinite(out).all():
            bad = [self.terms[i] for i in np.unique(np.nonzero(~np.isfinite(out))[0])]
            where = ", ".join(f"{t.population}/{t.stage}" for t in bad)
            raise InvalidValueError(where, "evaluates to a non-finite or non-positive FLOP/s")
        return out

    def _raw_log_terms(self, logs: np.ndarray) -> np.ndarray:
        """:meth:`log_terms` with NaN where a term is not positive (no check)."""
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
        return out

    def check_positive(self) -> None:
        """Refuse terms that can be zero or negative over the parameters' plausible range.

        A term that sympy cannot prove positive (a difference, say ``a - b``) is evaluated
        at the corners and random interior points of the box spanned by every parameter's
        ``_TAIL`` and ``1 - _TAIL`` quantiles; sampling takes the log of every term, so one
        non-positive value there would make nearly every large run fail.
        """
        suspect = [t for t, term in enumerate(self.terms) if term.expr.is_positive is not True]
        if not suspect:
            return
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            values = self._raw_log_terms(_box_points(*self.box_logs(tail=_TAIL)))
        bad = [self.terms[t] for t in suspect if not np.isfinite(values[t]).all()]
        if bad:
            formulas = "; ".join(f"{t.stage} = {sp.sstr(t.expr)}" for t in bad)
            raise InvalidValueError(
                formulas,
                f"is non-positive (zero or negative) for parameter values between their {_TAIL:g} and "
                f"{1 - _TAIL:g} quantiles, so it cannot be sampled (narrow the ranges, or "
                "state the difference as a parameter of its own)",
            )

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
                self.log_symbols, gradient, modules=LAMBDIFY_MODULES, cse=True
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

    def box_logs(self, tail: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Root-unit logs of each parameter's 90% interval ends (or ``tail`` quantiles)."""
        low, high = self.central_logs.copy(), self.central_logs.copy()
        for i, parameter in enumerate(self.parameters.values()):
            if parameter.is_uncertain:
                lo, hi = parameter.distribution.interval90()
                if tail is not None:
                    ends = parameter.distribution.ppf([tail, 1.0 - tail])
                    # A distribution that reaches zero or below keeps its 90% interval here;
                    # its own draws are checked when it is sampled.
                    lo, hi = (
                        float(e) if e > 0 else d for e, d in zip(ends, (lo, hi), strict=True)
                    )
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
        points = _box_points(low, high)
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


# Quantiles that bound the positivity check of :meth:`_Compiled.check_positive`: one draw in
# a million falls below the low end.
_TAIL = 1e-6


def _box_points(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Corners of the box ``low .. high`` (all, or random ones) and random interior points."""
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
    return np.concatenate([points, interior], axis=1)


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
