"""Monte Carlo estimates: draw, evaluate in log space, summarise.

Samples are kept as log10 FLOP/s. Runs that fit in one chunk keep every draw; longer
runs stream chunk by chunk into a fixed histogram of log10 values (bins of 0.001 decade,
a 0.23% relative resolution), so memory stays bounded however many draws are asked for.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pint

from brainflops.distributions import correlated_uniforms
from brainflops.errors import InvalidValueError
from brainflops.units import FLOPS, magnitude_in, ureg

if TYPE_CHECKING:
    from brainflops.model import Model

__all__ = ["Samples", "draw_samples"]

_BIN_WIDTH = 1e-3  # decades
_HIST_LOW, _HIST_HIGH = -400.0, 400.0  # log10 FLOP/s covered by the streaming histogram


@dataclass(frozen=True, eq=False)
class Samples:
    """The distribution of a model's total FLOP/s.

    Attributes
    ----------
    log10:
        Every draw as log10 FLOP/s, or None for a streamed run.
    counts:
        For a streamed run, the histogram counts over :data:`edges`; else None.
    n:
        Number of draws.
    """

    log10: np.ndarray | None
    counts: np.ndarray | None
    n: int
    log10_sum: float

    @property
    def streamed(self) -> bool:
        """True when only the histogram of the draws was kept."""
        return self.log10 is None

    def percentile_log10(self, q: float | np.ndarray) -> np.ndarray:
        """Percentiles (q in 0..100) of log10 FLOP/s."""
        qs = np.asarray(q, dtype=float)
        if np.any((qs < 0) | (qs > 100)):
            raise InvalidValueError("q", "percentiles must lie in [0, 100]")
        if self.log10 is not None:
            return np.percentile(self.log10, qs)
        cumulative = np.cumsum(self.counts)
        edges = _edges()
        ranks = qs / 100.0 * (self.n - 1)
        idx = np.searchsorted(cumulative, ranks, side="right")
        return edges[idx] + _BIN_WIDTH / 2

    def percentile(self, q: float) -> pint.Quantity:
        """The q-th percentile (0..100) of FLOP/s as a Quantity."""
        return ureg.Quantity(10.0 ** float(self.percentile_log10(q)), FLOPS)

    def percentiles(self, qs: tuple[float, ...] = (5, 50, 95)) -> dict[str, pint.Quantity]:
        """Several percentiles, keyed by their number as text (``"5"``, ``"50"``, ...)."""
        return {f"{q:g}": self.percentile(q) for q in qs}

    @property
    def median(self) -> pint.Quantity:
        """Median FLOP/s."""
        return self.percentile(50)

    @property
    def geometric_mean(self) -> pint.Quantity:
        """exp(mean ln X): for lognormal outputs, the median."""
        return ureg.Quantity(10.0 ** (self.log10_sum / self.n), FLOPS)

    @property
    def spread_decades(self) -> float:
        """Width of the 90% interval in orders of magnitude (log10 p95 - log10 p5)."""
        p5, p95 = self.percentile_log10([5, 95])
        return float(p95 - p5)

    def probability_above(self, threshold: pint.Quantity | float | str) -> float:
        """Share of draws above ``threshold`` (FLOP/s)."""
        log_t = math.log10(magnitude_in(threshold, FLOPS, "threshold"))
        if self.log10 is not None:
            return float(np.mean(self.log10 > log_t))
        above = self.counts[_edges()[:-1] >= log_t].sum()
        return float(above / self.n)

    def histogram(self, bins: int = 60) -> tuple[np.ndarray, np.ndarray]:
        """Counts and edges of a histogram on log10 axes."""
        if self.log10 is not None:
            return np.histogram(self.log10, bins=bins)
        nonzero = np.nonzero(self.counts)[0]
        lo, hi = nonzero[0], nonzero[-1] + 1
        edges = _edges()[lo: hi + 1]
        counts = self.counts[lo:hi]
        groups = np.array_split(np.arange(len(counts)), min(bins, len(counts)))
        return (np.array([counts[g].sum() for g in groups]),
                np.array([edges[g[0]] for g in groups] + [edges[-1]]))


def _edges() -> np.ndarray:
    n_bins = round((_HIST_HIGH - _HIST_LOW) / _BIN_WIDTH)
    return _HIST_LOW + _BIN_WIDTH * np.arange(n_bins + 1)


def _progress_bar(total: int, enabled: bool | None):  # noqa: ANN202 - tqdm's type is private
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    from tqdm.auto import tqdm  # noqa: PLC0415 - only needed for interactive runs

    return tqdm(total=total, unit="draw", unit_scale=True, desc="sampling")


def draw_samples(
    model: Model,
    n: int,
    *,
    seed: int | np.random.Generator | None,
    correlations: Mapping[tuple[str, str], float],
    chunk_size: int,
    progress: bool | None,
) -> Samples:
    """Draw ``n`` samples of ``model``'s total; see :meth:`Model.sample`."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InvalidValueError("n", f"the number of draws must be a positive integer, got {n!r}")
    if chunk_size < 1:
        raise InvalidValueError("chunk_size", "must be a positive integer")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    names = model.parameter_names
    uncertain = [i for i, name in enumerate(names) if model.parameters[name].is_uncertain]
    uncertain_names = [names[i] for i in uncertain]
    for pair in correlations:
        for name in pair:
            model.parameter(name)
            if name not in uncertain_names:
                raise InvalidValueError(name, "is correlated but has no uncertainty to correlate")
    base = model.central_logs()
    log_factor = np.array([model.root_log(name, 1.0) for name in names]).ravel()
    dists = [model.parameters[names[i]].distribution for i in uncertain]
    streamed = n > chunk_size
    kept: list[np.ndarray] = []
    counts = np.zeros(len(_edges()) - 1, dtype=np.int64) if streamed else None
    log10_sum = 0.0
    bar = _progress_bar(n, progress) if streamed else None
    done = 0
    while done < n:
        m = min(chunk_size, n - done)
        uniforms = correlated_uniforms(m, uncertain_names, correlations, rng)
        logs = np.broadcast_to(base[:, None], (len(names), m)).copy()
        for j, (i, dist) in enumerate(zip(uncertain, dists, strict=True)):
            logs[i] = dist.log_ppf(uniforms[:, j]) + log_factor[i]
        values = model.evaluate_logs(logs) / math.log(10)
        log10_sum += float(values.sum())
        if counts is None:
            kept.append(values)
        else:
            idx = np.floor((values - _HIST_LOW) / _BIN_WIDTH).astype(np.int64)
            if idx.min() < 0 or idx.max() >= len(counts):
                raise InvalidValueError(model.name, "draws fall outside 1e-400..1e400 FLOP/s")
            counts += np.bincount(idx, minlength=len(counts))
        done += m
        if bar is not None:
            bar.update(m)
    if bar is not None:
        bar.close()
    log10 = np.concatenate(kept) if kept else None
    return Samples(log10=log10, counts=counts, n=n, log10_sum=log10_sum)
