"""Out-of-sample check of the adaptive widening's step and cap on the TOP500 backtests.

Run from the repository root::

    python benchmarks/bench_calibration_step.py             # 5 seeds, about 3 minutes
    python benchmarks/bench_calibration_step.py --seeds 1   # about 40 seconds
    python benchmarks/bench_calibration_step.py --json

The shipped widening (step 0.7, cap 3; :mod:`brainflops.forecast.trends.adaptive`) was
set while looking at the backtests it is scored on. This script replaces that fixed
setting by one made at each forecast origin from the forecasts scored by then, the way a
forecaster would have had to choose it, and scores the result on the same backtests
(TOP500 #1, #500 and sum, 10x and 100x targets, stated 0.9 and 0.8).

A grid of settings (steps 0.35, 0.7, 1.4, 2.8 times caps 2, 4, 8; fixed before scoring,
geometric in the step like the learning-rate grids of Zaffran, Féron, Goude, Josse &
Dieuleveut 2022, "Adaptive conformal predictions for time series", ICML) is replayed with
one shared state per setting over the #1, #500, sum and HPCG #1, as the shipped replay
does. Each case is drawn once per setting with the same random numbers. The rules:

* ``coverage``: the setting whose own past forecasts, as scored at the origin, covered
  closest to the stated level (ties: the first of the grid, the narrowest);
* ``recent``: the same with scores weighted by a half-life of 6 years (the ensemble's
  own recency half-life) since they became known;
* ``interval-score``: the lowest mean interval score (Gneiting & Raftery 2007, JASA 102,
  eq. 43) of the past forecasts, with the actual year, or while the target is open the
  pace-implied year or (overdue) the current date;
* ``mixture``: no choice; the geometric mean of every setting's widening (equal weights,
  the starting point of an aggregation such as AgACI, without its learned weights).

Fixed settings, each with a state of its own on the same draws: ``fixed 0.7 / 3`` (the
shipped setting), ``fixed 0.35 / 3``, ``fixed 1.4 / 3`` and ``none`` (no widening: the
observed errors only), the sensitivity of the shipped setting to its step; and ``fixed 2.8
/ 8``, the widest setting of the grid at every origin, which shows how much coverage any
widening of this kind could reach (it is not a rule a forecaster could have chosen).

Which forecasts hit depends on the random draws of the ones before them, through the
widening they set, so a single replay can be a lucky or an unlucky path: the whole replay
is repeated for ``--seeds`` seeds and each coverage is reported as the median over seeds
with its range. ``calibrate (seed 0)`` is :func:`brainflops.forecast.trends.calibrate`
itself, the run the README quotes (its draws come from one generator in a different
order, so it is one more path of the shipped setting).
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from statistics import fmean

import numpy as np

from brainflops.forecast.trends import calibration as cal
from brainflops.forecast.trends.adaptive import (
    ScoredInterval,
    _error_known,
    adaptive_scale,
    pace_arrival,
)
from brainflops.forecast.trends.ensemble import (
    _TOP500_FAMILY,
    MULTIPLES,
    calibration_cases,
    pooled_cases,
)

SERIES = ("top500-rank1", "top500-rank500", "top500-sum")
LEVELS = (0.9, 0.8)
GRID = tuple((cap, step) for cap in (2.0, 4.0, 8.0) for step in (0.35, 0.7, 1.4, 2.8))
HALF_LIFE_YEARS = 6.0
WIDEST = "fixed 2.8 / 8"  # the grid's widest setting at every origin (hindsight, for comparison)
# The shipped setting, its step halved and doubled, and no widening (cap 1).
FIXED = {
    "fixed 0.7 / 3": (3.0, 0.7),
    "fixed 0.35 / 3": (3.0, 0.35),
    "fixed 1.4 / 3": (3.0, 1.4),
    "none": (1.0, 0.0),
}
MAX_SEEDS = 50
Setting = tuple[float, float]
Records = dict[Setting, list[ScoredInterval]]


def _known(past: Sequence[ScoredInterval], at: float) -> list[tuple[ScoredInterval, float, float]]:
    """``(forecast, date known, miss)`` of the forecasts made before ``at`` scored by then."""
    return [
        (item, *known)
        for item in past
        if item.origin < at and (known := _error_known(item, at)) is not None
    ]


def _coverage_gap(past: Sequence[ScoredInterval], at: float, alpha: float, half: float) -> float:
    known = _known(past, at)
    if not known:
        return 0.0
    weights = [0.5 ** ((at - when) / half) for _, when, _ in known]
    misses = sum(w * miss for w, (_, _, miss) in zip(weights, known, strict=True))
    return abs(1.0 - misses / sum(weights) - (1.0 - alpha))


def _interval_score(past: Sequence[ScoredInterval], at: float, alpha: float) -> float:
    scores = []
    for item, _, _ in _known(past, at):
        if item.actual_year <= at:
            year = item.actual_year
        elif item.high < at:
            year = at  # overdue: a lower bound of the actual year
        else:
            year = pace_arrival(item.origin, item.decades, item.progress, at)
        year = min(year, at + 100.0)
        penalty = max(item.low - year, 0.0) + max(year - item.high, 0.0)
        scores.append(item.high - item.low + 2.0 / alpha * penalty)
    return fmean(scores) if scores else 0.0


RULES: dict[str, Callable[[Sequence[ScoredInterval], float, float], float]] = {
    "coverage": lambda past, at, alpha: _coverage_gap(past, at, alpha, math.inf),
    "recent": lambda past, at, alpha: _coverage_gap(past, at, alpha, HALF_LIFE_YEARS),
    "interval-score": _interval_score,
}


def _pick(
    score: Callable[[Sequence[ScoredInterval], float, float], float],
    records: Records,
    at: float,
    alpha: float,
) -> Setting:
    """The setting of the grid with the lowest ``score`` at ``at`` (ties: the first)."""
    return min(GRID, key=lambda setting: score(records[setting], at, alpha))


def _replay(confidence: float, seed: int) -> dict[str, dict[str, list[cal.Forecast]]]:
    """``{rule: {series: forecasts}}`` of one stated level, every rule on the same draws."""
    alpha = 1.0 - confidence
    rng = np.random.default_rng(seed)
    entries = [
        (case.origin, name, case, pooled_cases(name))
        for name in _TOP500_FAMILY
        for case in calibration_cases(name)
    ]
    records: Records = {setting: [] for setting in (*GRID, *FIXED.values())}
    out: dict[str, dict[str, list[cal.Forecast]]] = {
        r: {} for r in (*RULES, "mixture", WIDEST, *FIXED)
    }
    for origin, name, case, pooled in sorted(entries, key=lambda e: (e[0], e[1], e[2].multiple)):
        chosen = {rule: _pick(score, records, origin, alpha) for rule, score in RULES.items()}
        widen: dict[Setting | str, float] = {
            s: adaptive_scale(records[s], origin, alpha, s[1], s[0]) for s in GRID
        }
        widen["mixture"] = math.exp(fmean(math.log(w) for w in widen.values()))
        widen |= {
            label: adaptive_scale(records[setting], origin, alpha, setting[1], setting[0])
            for label, setting in FIXED.items()
        }
        ensemble = cal._ensemble_at(case, pooled)
        if ensemble is None:
            continue  # too few known errors at this origin: skipped, as in calibrate
        draws = int(rng.integers(2**62))
        forecasts = {
            key: cal._forecast(
                case,
                replace(ensemble, spread=spread).crossing_year_samples_log10(
                    case.log10_target, cal._DRAWS, np.random.default_rng(draws)
                ),
                confidence,
            )
            for key, spread in widen.items()
        }
        for setting in GRID:
            records[setting].extend(cal._scored([forecasts[setting]]))
        for label, setting in FIXED.items():
            records[setting].extend(cal._scored([forecasts[label]]))
            out[label].setdefault(name, []).append(forecasts[label])
        for rule, setting in chosen.items():
            out[rule].setdefault(name, []).append(forecasts[setting])
        out["mixture"].setdefault(name, []).append(forecasts["mixture"])
        out[WIDEST].setdefault(name, []).append(forecasts[GRID[-1]])
    return out


def _scores(forecasts: Sequence[cal.Forecast], confidence: float) -> list[cal.HorizonScore]:
    return [cal._score(forecasts, m, 0, confidence) for m in MULTIPLES]


def _row(rule: str, confidence: float, name: str, runs: Sequence[list[cal.HorizonScore]]) -> dict:
    """Median over seeds (and range) of each horizon's coverage and median width."""
    row: dict = {"rule": rule, "stated": confidence, "series": name}
    for k, horizon in enumerate(f"{m:g}x" for m in MULTIPLES):
        coverage = [run[k].coverage for run in runs]
        row[horizon] = {
            "n": runs[0][k].n,
            "coverage": round(float(np.median(coverage)), 2),
            "coverage_range": [round(min(coverage), 2), round(max(coverage), 2)],
            "median_width_years": round(
                float(np.median([r[k].median_width_years for r in runs])), 1
            ),
        }
    return row


def _seeds(text: str) -> int:
    value = int(text)
    if not 1 <= value <= MAX_SEEDS:
        raise argparse.ArgumentTypeError(f"must be 1 to {MAX_SEEDS}")
    return value


def main() -> None:
    """Print the coverage of every rule (a table, or JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--seeds", type=_seeds, default=5, help="replays (default 5)")
    args = parser.parse_args()
    rows = []
    for confidence in LEVELS:
        for name in SERIES:
            shipped = _scores(cal.calibrate(name, confidence=confidence).forecasts, confidence)
            rows.append(_row("calibrate (seed 0)", confidence, name, [shipped]))
        runs: dict[str, dict[str, list[list[cal.HorizonScore]]]] = {}
        for seed in range(args.seeds):
            for rule, by_series in _replay(confidence, seed).items():
                for name in SERIES:
                    scores = _scores(by_series[name], confidence)
                    runs.setdefault(rule, {}).setdefault(name, []).append(scores)
        rows += [
            _row(rule, confidence, name, by_series[name])
            for rule, by_series in runs.items()
            for name in SERIES
        ]
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    print(f"median over {args.seeds} seeds [range]")
    print(
        f"{'rule':<19} stated  {'series':<15}  10x: n cov [range]    width   100x: n cov [range]    width"
    )
    for r in rows:
        cells = "  ".join(
            f"{r[h]['n']:>3} {r[h]['coverage']:.2f} [{r[h]['coverage_range'][0]:.2f}-"
            f"{r[h]['coverage_range'][1]:.2f}] {r[h]['median_width_years']:>4.1f}"
            for h in ("10x", "100x")
        )
        print(f"{r['rule']:<19} {r['stated']:<6}  {r['series']:<15}  {cells}")


if __name__ == "__main__":
    main()
