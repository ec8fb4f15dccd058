"""Monte Carlo estimates: draw, evaluate in log space, summarise.

Each uncertain parameter draws standard normal scores from a random stream of its own,
seeded by the run's seed and the parameter's name, and maps them through its quantile
function in log space; every stage that uses the parameter shares that one draw. The
same seed therefore gives common random numbers across models that share parameter
names. Rank correlations mix the scores with a Gaussian copula.

Draws are generated and evaluated in fixed blocks of 65,536. Samples are kept as log10
FLOP/s: runs of up to ``chunk_size`` draws keep every draw; longer runs stream into a
fixed histogram of log10 values (bins of 0.001 decade, a 0.23% relative resolution), so
memory stays bounded however many draws are asked for. A streamed and a kept run with
the same seed see the same draws.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pint
from numpy.typing import ArrayLike

from brainflops.core import fmt
from brainflops.core.errors import InvalidValueError
from brainflops.core.logspace import flops_from_log10
from brainflops.core.units import FLOPS, magnitude_in
from brainflops.core.validate import positive_int
from brainflops.params.distributions import copula_cholesky
from brainflops.uncertainty.protocol import LogModel

__all__ = ["Samples", "Streaming", "draw_parameters", "draw_samples", "flops_from_log10"]

_BIN_WIDTH = 1e-3  # decades
_HIST_LOW, _HIST_HIGH = -400.0, 400.0  # log10 FLOP/s covered by the streaming histogram
_BLOCK = 1 << 16  # draws generated and evaluated at a time (fixed, so draws never depend on it)


@dataclass(frozen=True, eq=False)
class Samples:
    """The distribution of a model's total FLOP/s.

    Attributes
    ----------
    log10:
        Every draw as log10 FLOP/s, or None for a streamed run.
    counts:
        For a streamed run, the draws counted in bins of ``_BIN_WIDTH`` (0.001) decades
        from 1e-400 to 1e400 FLOP/s; else None.
    n:
        Number of draws.
    log10_sum:
        Sum of the draws' log10 values (for the geometric mean of a streamed run).
    """

    log10: np.ndarray | None
    counts: np.ndarray | None
    n: int
    log10_sum: float

    def _counts(self) -> np.ndarray:
        """The histogram of a streamed run (callers check :attr:`streamed` first)."""
        if self.counts is None:
            raise InvalidValueError("samples", "this run kept its draws, not a histogram")
        return self.counts

    @property
    def streamed(self) -> bool:
        """True when only the histogram of the draws was kept."""
        return self.log10 is None

    def percentile_log10(self, q: ArrayLike) -> np.ndarray:
        """Percentiles (q in 0..100) of log10 FLOP/s."""
        qs = np.asarray(q, dtype=float)
        if np.any((qs < 0) | (qs > 100)):
            raise InvalidValueError("q", "percentiles must lie in [0, 100]")
        if self.log10 is not None:
            return np.percentile(self.log10, qs)
        # The k-th smallest draw (0-based) lies in the first bin whose cumulative count
        # exceeds k; take that bin's centre and interpolate between neighbouring ranks
        # as numpy's default (linear) percentile does, so the two agree to half a bin.
        cumulative = np.cumsum(self._counts())
        ranks = qs / 100.0 * (self.n - 1)
        below = np.floor(ranks)
        above = np.minimum(below + 1, self.n - 1)
        centres = _HIST_LOW + _BIN_WIDTH * (
            np.searchsorted(cumulative, np.stack([below, above]), side="right") + 0.5
        )
        return centres[0] + (ranks - below) * (centres[1] - centres[0])

    def percentile(self, q: float) -> pint.Quantity:
        """The q-th percentile (0..100) of FLOP/s as a Quantity."""
        return flops_from_log10(float(self.percentile_log10(q)))

    def percentiles(self, qs: tuple[float, ...] = (5, 50, 95)) -> dict[str, pint.Quantity]:
        """Several percentiles, keyed by their number as text (``"5"``, ``"50"``, ...)."""
        values = np.atleast_1d(self.percentile_log10(np.asarray(qs, dtype=float)))
        return {f"{q:g}": flops_from_log10(float(v)) for q, v in zip(qs, values, strict=True)}

    @property
    def median(self) -> pint.Quantity:
        """Median FLOP/s."""
        return self.percentile(50)

    @property
    def geometric_mean(self) -> pint.Quantity:
        """exp(mean ln X): for lognormal outputs, the median."""
        return flops_from_log10(self.log10_sum / self.n)

    @property
    def spread_decades(self) -> float:
        """Width of the 90% interval in orders of magnitude (log10 p95 - log10 p5)."""
        p5, p95 = self.percentile_log10([5, 95])
        return float(p95 - p5)

    def _repr_html_(self) -> str:
        """Rich display in notebooks: the draws' median and 90% interval."""
        p5, p50, p95 = (float(v) for v in self.percentile_log10([5, 50, 95]))
        return fmt.html_table(
            f"{self.n:,} Monte Carlo draws",
            [
                ("median", fmt.from_log10(p50, "FLOP/s")),
                ("90% interval", f"{fmt.from_log10(p5)} to {fmt.from_log10(p95, 'FLOP/s')}"),
                ("spread", f"{self.spread_decades:.2f} orders of magnitude"),
            ],
        )

    def probability_above(self, threshold: pint.Quantity | float | str) -> float:
        """Share of draws above ``threshold`` (FLOP/s).

        For a streamed run the bin holding the threshold is split in proportion to where
        the threshold falls in it (draws assumed spread evenly within a 0.001-decade bin).
        """
        log_t = math.log10(magnitude_in(threshold, FLOPS, "threshold"))
        if self.log10 is not None:
            return float(np.mean(self.log10 > log_t))
        edges = _edges()
        position = (log_t - edges[0]) / _BIN_WIDTH
        if position <= 0:
            return 1.0
        counts = self._counts()
        if position >= len(counts):
            return 0.0
        index = int(position)
        above = counts[index + 1 :].sum() + counts[index] * (1.0 - (position - index))
        return float(above / self.n)

    def histogram(self, bins: int = 60) -> tuple[np.ndarray, np.ndarray]:
        """Counts and edges of a histogram on log10 axes."""
        if self.log10 is not None:
            return np.histogram(self.log10, bins=bins)
        nonzero = np.nonzero(self._counts())[0]
        lo, hi = nonzero[0], nonzero[-1] + 1
        edges = _edges()[lo : hi + 1]
        counts = self._counts()[lo:hi]
        groups = np.array_split(np.arange(len(counts)), min(bins, len(counts)))
        return (
            np.array([counts[g].sum() for g in groups]),
            np.array([edges[g[0]] for g in groups] + [edges[-1]]),
        )


def _edges() -> np.ndarray:
    n_bins = round((_HIST_HIGH - _HIST_LOW) / _BIN_WIDTH)
    return _HIST_LOW + _BIN_WIDTH * np.arange(n_bins + 1)


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (where stderr is not a terminal but tqdm can draw)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def _progress_bar(total: int, enabled: bool | None) -> Any:  # tqdm's return type is private
    if enabled is None:
        enabled = sys.stderr.isatty() or _in_notebook()
    if not enabled:
        return None
    from tqdm.auto import tqdm  # noqa: PLC0415 - only needed for interactive runs

    return tqdm(total=total, unit="draw", unit_scale=True, desc="sampling")


def _seed_sequence(seed: int | np.random.Generator | None) -> np.random.SeedSequence:
    """The root of every parameter's random stream for one run."""
    if isinstance(seed, np.random.Generator):
        # Take the run's entropy from the generator, advancing it: two runs from the same
        # generator differ, and the same generator state gives the same run.
        return np.random.SeedSequence([int(v) for v in seed.integers(0, 2**63, size=4)])
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0
    ):
        reason = f"expected a non-negative integer, a numpy Generator or None, got {seed!r}"
        raise InvalidValueError("seed", reason)
    return np.random.SeedSequence(None if seed is None else int(seed))


def _parameter_stream(root: np.random.SeedSequence, name: str) -> np.random.Generator:
    """The random stream of one parameter: a function of the run's seed and the name only."""
    key = (*root.spawn_key, *name.encode())
    # SFC64: a well-tested small-state generator, about 20% faster than PCG64 for normals.
    return np.random.Generator(
        np.random.SFC64(np.random.SeedSequence(root.entropy, spawn_key=key))
    )


def _log_blocks(
    model: LogModel,
    n: int,
    seed: int | np.random.Generator | None,
    correlations: Mapping[tuple[str, str], float],
) -> Iterator[np.ndarray]:
    """Yield parameter draws as (parameters, m) natural logs in root units, block by block.

    Each uncertain parameter draws standard normal scores from its own stream, seeded by
    the run's seed and the parameter's *name*, and maps them through its quantile
    function (inverse-transform sampling with normal instead of uniform scores). So a
    parameter's draws depend only on the seed and its name (and on the correlations it
    takes part in): not on ``chunk_size`` or the block size, and not on which other
    parameters are uncertain - common random numbers across model variants. Correlations
    mix the scores with a Gaussian copula. The array yielded is reused for the next
    block; copy it to keep it.
    """
    names = model.parameter_names
    uncertain = [i for i, name in enumerate(names) if model.parameters[name].is_uncertain]
    uncertain_names = [names[i] for i in uncertain]
    for pair in correlations:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise InvalidValueError("correlations", f"key {pair!r} must be a (name, name) pair")
        for name in pair:
            model.parameter(name)
            if name not in uncertain_names:
                raise InvalidValueError(name, "is correlated but has no uncertainty to correlate")
    factor = copula_cholesky(uncertain_names, correlations) if correlations else None
    mixed = [] if factor is None else [j for j in range(len(uncertain)) if np.any(factor[j, :j])]
    root = _seed_sequence(seed)
    streams = [_parameter_stream(root, name) for name in uncertain_names]
    dists = [model.parameters[name].distribution for name in uncertain_names]
    offsets = [float(model.root_log(name, 1.0)) for name in uncertain_names]
    logs = np.repeat(model.central_logs()[:, None], min(n, _BLOCK), axis=1)
    scores = np.empty((len(uncertain), min(n, _BLOCK)))
    done = 0
    while done < n:
        m = min(_BLOCK, n - done)
        z = scores[:, :m]
        for j, stream in enumerate(streams):
            stream.standard_normal(out=z[j])
        if mixed:
            z[mixed] = factor[mixed] @ z  # type: ignore[index]
        block = logs[:, :m]
        for j, (i, dist, offset) in enumerate(zip(uncertain, dists, offsets, strict=True)):
            np.add(dist.log_ppf_from_normal(z[j]), offset, out=block[i])
        yield block
        done += m


def draw_parameters(
    model: LogModel,
    n: int,
    *,
    seed: int | np.random.Generator | None = None,
    correlations: Mapping[tuple[str, str], float] | None = None,
) -> dict[str, np.ndarray]:
    """The parameter draws that :meth:`Model.sample` with the same arguments evaluates.

    Parameters
    ----------
    model:
        The model whose parameters to draw.
    n:
        Number of draws.
    seed, correlations:
        As for :meth:`Model.sample` (``correlations=None`` uses the model's own).

    Returns
    -------
    dict of str to numpy.ndarray
        One array of ``n`` values per parameter, in the parameter's own unit; a certain
        parameter's array is constant.

    Examples
    --------
    >>> import brainflops
    >>> model = brainflops.load_preset("mechanistic-modern")
    >>> draws = draw_parameters(model, 1000, seed=1)
    >>> bool(0.1 < float(np.median(draws["firing_rate"])) < 2)
    True
    """
    count = positive_int("n", n)
    pairs = model.correlations if correlations is None else correlations
    names = model.parameter_names
    factor = np.array([float(model.root_log(name, 1.0)) for name in names])
    logs = np.empty((len(names), count))
    done = 0
    for block in _log_blocks(model, count, seed, pairs):
        logs[:, done : done + block.shape[1]] = block
        done += block.shape[1]
    with np.errstate(over="ignore", under="ignore"):
        values = np.exp(logs - factor[:, None])
    return dict(zip(names, values, strict=True))


@dataclass(frozen=True)
class Streaming:
    """How a run keeps its draws.

    Attributes
    ----------
    chunk_size:
        Runs of up to this many draws keep every draw; longer runs only update the log10
        histogram, so their memory does not grow with the number of draws.
    progress:
        Show a tqdm bar for a streamed run; None shows it in a terminal or a notebook.
    """

    chunk_size: int = 1_000_000
    progress: bool | None = None


def draw_samples(
    model: LogModel,
    n: int,
    *,
    seed: int | np.random.Generator | None,
    correlations: Mapping[tuple[str, str], float],
    streaming: Streaming,
) -> Samples:
    """Draw ``n`` samples of ``model``'s total; see :meth:`Model.sample`.

    Draws are generated and evaluated in fixed blocks of :data:`_BLOCK`; up to
    ``streaming.chunk_size`` draws are kept, longer runs only update the log10 histogram,
    so their memory does not grow with ``n``. The same seed gives the same draws either way.
    """
    count = positive_int("n", n)
    chunk_size = positive_int("chunk_size", streaming.chunk_size)
    streamed = count > chunk_size
    kept = None if streamed else np.empty(count)
    counts = np.zeros(len(_edges()) - 1, dtype=np.int64) if streamed else None
    log10_sum = 0.0
    bar = _progress_bar(count, streaming.progress) if streamed else None
    done = 0
    try:
        for block in _log_blocks(model, count, seed, correlations):
            m = block.shape[1]
            values = model.evaluate_logs(block)
            values *= 1.0 / math.log(10)
            log10_sum += float(values.sum())
            if counts is None:
                kept[done : done + m] = values  # type: ignore[index]  # kept iff not streamed
            else:
                _add_to_histogram(counts, values, model.name)
            done += m
            if bar is not None:
                bar.update(m)
    finally:
        if bar is not None:
            bar.close()
    return Samples(log10=kept, counts=counts, n=count, log10_sum=log10_sum)


def _add_to_histogram(counts: np.ndarray, values: np.ndarray, name: str) -> None:
    idx = np.floor((values - _HIST_LOW) * (1.0 / _BIN_WIDTH)).astype(np.int64)
    lo, hi = int(idx.min()), int(idx.max())
    if lo < 0 or hi >= len(counts):
        raise InvalidValueError(name, "draws fall outside 1e-400..1e400 FLOP/s")
    counts[lo : hi + 1] += np.bincount(idx - lo, minlength=hi - lo + 1)
