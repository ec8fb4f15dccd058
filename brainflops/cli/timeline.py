"""Command ``timeline``: when hardware matches brain estimates, for one or several of them.

Registered by the command list in :mod:`brainflops.cli`; shares the trend options of :mod:`brainflops.cli.trends`. Several ``--preset``, ``--scenario``,
``--brain`` and ``--criterion`` values overlay on one parity-CDF figure and one JSON list
(every combination of brain estimate and criterion, none dropped).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from typing import Any

from brainflops.cli._common import (
    add_output_arguments,
    dumps,
    emit,
    model_name,
    non_empty,
    positive_int,
    seed,
)
from brainflops.cli._terminal import add_quiet_argument, stage
from brainflops.cli.hardware import PRECISIONS
from brainflops.cli.trends import (
    CRITERIA,
    DEFAULT_BUDGET_USD,
    DEFAULT_YEARS,
    DETTMERS_SCENARIOS,
    LISTED_YEAR_RANGE,
    MAX_LISTED_YEARS,
    _add_model_arguments,
    _build_trend,
    _check_plot,
    _series_argument,
    _year,
    _years_list,
)
from brainflops.core.errors import InvalidValueError

__all__ = ["register"]

_DEFAULT_SAMPLES = 10_000  # brain samples for a timeline; median error about 0.01 yr
_MAX_OVERLAY = 12  # brain estimates x criteria on one figure: more is unreadable
# Copies of brainflops.forecast.timeline's bounds (the reasons are given there), for the
# help text without importing numpy; tests/test_cli_timeline.py checks they agree.
BUDGET_USD_RANGE = (1.0, 1e15)
POWER_W_RANGE = (1e-3, 1e12)


def _refuse_repeats(option: str, values: list[str], keys: list[Any]) -> None:
    """Refuse a value given twice (as ``keys``: the same file or number written twice).

    A repeat would print the same result twice but draw one curve; refusing it keeps the
    text, the JSON list and the figure in step.
    """
    for i, key in enumerate(keys):
        if key in keys[:i]:
            first = values[keys.index(key)]
            again = "" if first == values[i] else f" (as {first!r})"
            raise InvalidValueError(
                name=option, reason=f"{values[i]!r} is given twice{again}; give each once"
            )


def _brain_label(value: str) -> str:
    """A ``--brain`` value as printed: a bare number with its unit, a value with a unit as is."""
    try:
        float(value)
    except ValueError:
        return value.strip()  # it names its unit (10PFLOP/s, 1e16 FLOP/s)
    return f"{value.strip()} FLOP/s"


def _brains(args: argparse.Namespace) -> list[tuple[str, str, str]]:
    """``(kind, value, label)`` for every brain estimate asked for, in the order given."""
    from pathlib import Path

    from brainflops.forecast import trends as tr

    presets, scenarios, brains = args.preset or [], args.scenario or [], args.brain or []
    _refuse_repeats("--preset", presets, presets)
    _refuse_repeats("--scenario", scenarios, [Path(s).resolve() for s in scenarios])
    _refuse_repeats("--brain", brains, [tr.parse_value(b, "FLOP/s", "--brain") for b in brains])
    if args.central and not (presets or scenarios):
        raise InvalidValueError(
            name="--central",
            reason="applies to --preset and --scenario estimates; a --brain value is one "
            "value already",
        )
    out = [("preset", p, p) for p in presets]
    out += [("scenario", s, s) for s in scenarios]
    out += [("brain", b, _brain_label(b)) for b in brains]
    if not out:
        raise InvalidValueError(name="timeline", reason="give --preset, --scenario or --brain")
    return out


def _brain_samples(args: argparse.Namespace, kind: str, value: str) -> tuple[Any, float | None]:
    """Brain samples (log10 FLOP/s) and the central estimate (log10), if known."""
    import numpy as np

    from brainflops.forecast import trends as tr

    if kind == "brain":
        level = math.log10(tr.parse_value(value, "FLOP/s", "--brain"))
        return np.full(args.samples, level), level
    from brainflops.cli.core import model_from_args

    chosen = argparse.Namespace(preset=value if kind == "preset" else None)
    chosen.scenario = value if kind == "scenario" else None
    model = model_from_args(chosen)
    central_fn = getattr(model, "central_log10", None)
    central = None if central_fn is None else float(central_fn())
    if args.central:
        if central is None:
            raise InvalidValueError(name="--central", reason=f"{value} has no central value")
        return np.full(args.samples, central), central
    samples = model.sample(args.samples, seed=args.seed)
    if samples.log10 is None:
        raise InvalidValueError(
            name="--samples", reason=f"{args.samples} draws were streamed; ask for fewer"
        )
    return np.asarray(samples.log10, dtype=float).reshape(-1), central


def _default_criterion(model: str) -> str:
    """``hpl``, or ``hpcg`` for the Dettmers scenarios (anchored on an HPCG result)."""
    return "hpcg" if model in DETTMERS_SCENARIOS else "hpl"


def _criteria(args: argparse.Namespace) -> list[Any]:
    """The ``--criterion`` values, with ``--budget``/``--power`` only where they apply."""
    from brainflops.data import datasets
    from brainflops.forecast import timeline as tl
    from brainflops.forecast import trends as tr

    names = args.criterion or [_default_criterion(args.model)]
    _refuse_repeats("--criterion", names, names)
    for name in names:
        tl.check_dettmers_criterion(args.model, name, option="--model")
    for flag, value, applies in (
        ("--budget", args.budget, "budget"),
        ("--power", args.power, "energy"),
    ):
        if value is not None and applies not in names:
            raise InvalidValueError(
                name=flag, reason=f"applies to --criterion {applies} only, not {', '.join(names)}"
            )
    if args.precision is not None and not {"budget", "energy"} & set(names):
        raise InvalidValueError(
            name="--precision",
            reason=f"applies to --criterion budget or energy only, not {', '.join(names)}",
        )
    options: dict[str, float] = {}
    if args.budget is not None:
        budget = tr.parse_value(args.budget, "USD", "--budget")
        options["budget_usd"] = tl.check_amount(budget, "--budget", tl.BUDGET_USD_RANGE, "US$")
    if args.power is not None:
        power = tr.parse_value(args.power, "W", "--power")
        options["power_w"] = tl.check_amount(power, "--power", tl.POWER_W_RANGE, "W")
    out = []
    for name in names:
        precision = args.precision if name in ("budget", "energy") else None
        criterion = tl.get_criterion(name, precision=precision, **options)
        if args.series is not None and args.series != criterion.series:
            datasets.series_unit(args.series)  # an unknown name is reported as such
            matching = [c for c in tl.criteria() if tl.get_criterion(c).series == args.series]
            if precision is not None and name in matching:
                hint = f"{args.series} is the {name} criterion without --precision: drop one"
            elif matching:
                hint = f"use --criterion {' or --criterion '.join(matching)} for {args.series}"
            else:
                hint = f"no criterion compares with {args.series}"
            raise InvalidValueError(
                name="--series",
                reason=f"the {criterion.name} criterion compares with {criterion.series} "
                f"({criterion.unit}), not {args.series} "
                f"({datasets.series_unit(args.series)}); {hint}",
            )
        out.append(criterion)
    return out


def _central_year(trend: Any, criterion: Any, central: float | None) -> float | None:
    """Parity year of the central estimate: observed when reached, else the trend's."""
    from brainflops.forecast import trends as tr

    if central is None:
        return None
    target = float(criterion.log10_target(central))
    frame = tr.load_any_series(criterion.series)
    seen = float(tr.first_reached_years(frame, [target])[0])
    if math.isfinite(seen):
        return seen
    return max(float(trend.crossing_year_log10(target)), float(frame["year"].max()))


def _one(
    args: argparse.Namespace,
    brain: tuple[str, str, str],
    drawn: tuple[Any, float | None],
    criterion: Any,
    trend: Any,
) -> Any:
    """The parity result and JSON payload of one brain estimate on one criterion.

    ``drawn`` is the estimate's samples and central value from :func:`_brain_samples`.
    """
    import numpy as np

    from brainflops.forecast import timeline as tl
    from brainflops.forecast import trends as tr

    kind, value, label = brain
    samples, central = drawn
    result = tl.parity_years(samples, trend, tl.trend_rng(args.seed), criterion, years=args.years)
    result = dataclasses.replace(result, label=label)
    payload: dict[str, Any] = {kind: value, "central_only": bool(args.central)}
    if args.criterion is None and args.model in DETTMERS_SCENARIOS:
        payload["criterion_chosen_by"] = (
            f"--model {args.model}, which grows Tianhe-2's HPCG result and so compares "
            "with hpcg only"
        )
    payload |= {"series": criterion.series, "seed": args.seed} | result.to_dict()
    payload["brain_log10_median"] = float(np.median(samples))
    payload["central_log10"] = central
    central_year = _central_year(trend, criterion, central)
    payload["central_year"] = tr.never_as_null(central_year)  # null: never reached
    payload["central_by_year"] = (
        None if payload["central_year"] is None else tl.by_year(payload["central_year"])
    )
    if isinstance(trend, tr.DoublingTrend):
        # Dettmers-style arithmetic at the central estimate (the preset's stated value),
        # or at the sample median when no central value is known.
        anchor = central if central is not None else float(np.median(samples))
        payload["doubling_arithmetic"] = tl.dettmers_timeline(
            target=10.0 ** float(criterion.log10_target(anchor)),
            baseline=10.0**trend.baseline_log10,
            baseline_year=trend.baseline_year,
            doubling_years=trend.doubling_years,
            rounding=trend.rounding,
        ).to_dict()
    return result, payload


def _by(year: float) -> str:
    """`` (by 2053)`` for a finite year, nothing for "never" or "already"."""
    return f" (by {year:.0f})" if math.isfinite(year) else ""


def _text(result: Any, payload: dict[str, Any], trend: Any) -> list[str]:
    from brainflops.forecast import timeline as tl

    fmt = tl.format_year
    lines = [
        (
            f"brain: {result.label} ({result.n_samples} samples, median "
            f"{payload['brain_log10_median']:.2f} log10 FLOP/s)"
        ),
        f"criterion: {result.criterion.description}"
        + (
            f" (chosen by {payload['criterion_chosen_by']})"
            if "criterion_chosen_by" in payload
            else ""
        ),
        (
            f"trend: {trend.model} on {result.criterion.series}, doubling "
            f"{trend.doubling_time_years:.3f} years"
        ),
        f"already reached by the data: {result.reached_fraction:.1%} of samples",
    ]
    if result.observed is not None:
        hit = result.observed
        lines.append(
            f"median target already reached: {hit.date} by {hit.label} ({hit.value:.4g} {hit.unit})"
        )
    lines += [
        f"median parity year: {fmt(result.median_year)}{_by(result.median_by_year)}",
        f"5% .. 95%: {fmt(result.p5_year)} .. {fmt(result.p95_year)}",
        f"never: {result.never_fraction:.1%}"
        + (f" ({result.never_reason})" if result.never_reason else ""),
    ]
    if payload["central_log10"] is not None:
        year = payload["central_year"]
        lines.append(
            f"central estimate 10^{payload['central_log10']:.3f}: parity "
            + ("never" if year is None else f"{fmt(year)}{_by(payload['central_by_year'])}")
        )
    lines += [f"P(parity by {y:g}) = {p:.3f}" for y, p in result.probability_by.items()]
    return lines


def _timeline(args: argparse.Namespace) -> int:

    _check_plot(args)
    brains, criteria = _brains(args), _criteria(args)
    if len(brains) * len(criteria) > _MAX_OVERLAY:
        raise InvalidValueError(
            name="timeline",
            reason=f"{len(brains)} estimates x {len(criteria)} criteria; at most {_MAX_OVERLAY}",
        )
    # Every estimate is read (a bad scenario file refused) and drawn once, before any fit.
    drawn = {}
    for brain in brains:
        with stage(f"{brain[2]}: {args.samples:,} draws", args):
            drawn[brain] = _brain_samples(args, *brain[:2])
    results, payloads, blocks = {}, [], []
    for criterion in criteria:
        args.series = criterion.series
        with stage(f"fitting the {criterion.series} trend", args):
            trend = _build_trend(args, criterion.unit, args.end)
        for brain in brains:
            with stage(f"{brain[2]}: {args.samples:,} parity years ({criterion.name})", args):
                result, payload = _one(args, brain, drawn[brain], criterion, trend)
            key = f"{brain[2]}, {criterion.name}" if len(criteria) > 1 else brain[2]
            results[key] = result
            payloads.append(payload)
            blocks.append("\n".join(_text(result, payload, trend)))
    if args.plot:
        from brainflops.outputs.plots_trends import plot_parity_cdf

        plot_parity_cdf(
            args.plot,
            results,
            overwrite=args.force,
            title=f"Parity years: {', '.join(c.name for c in criteria)}",
        )
    if args.json:
        emit(dumps(payloads[0] if len(payloads) == 1 else payloads), args)
        return 0
    emit("\n\n".join(blocks) + "\n", args)
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``timeline`` command."""
    time = subparsers.add_parser(
        "timeline", help="distribution of the year hardware matches the brain"
    )
    for flag, metavar, kind, text in (
        ("--preset", "P", model_name, "brain-estimate preset to sample"),
        ("--scenario", "FILE", non_empty("--scenario"), "a scenario TOML file to sample"),
        ("--brain", "F", non_empty("--brain"), "a fixed brain estimate, e.g. 1e16 or 10PFLOP/s"),
    ):
        time.add_argument(
            flag,
            action="append",
            type=kind,
            metavar=metavar,
            help=f"{text} (repeatable, each value once)",
        )
    time.add_argument(
        "--central",
        action="store_true",
        help="use each preset's or scenario's central estimate for every sample (only the "
        "trend varies); needs a --preset or --scenario",
    )
    _series_argument(time, default=None)
    _add_model_arguments(time)
    time.add_argument(
        "--end",
        type=_year,
        default=None,
        metavar="Y",
        help="last year of the fit window (default: last point)",
    )
    time.add_argument(
        "--criterion",
        choices=CRITERIA,
        action="append",
        help="what counts as parity (repeatable, each value once; default: hpl, and hpcg for the Dettmers "
        "scenarios, which accept no other)",
    )
    # The shared --model help (cli/trends.py) does not say which criterion the Dettmers
    # scenarios take; a timeline's reader needs that next to the model names.
    model = time._option_string_actions["--model"]
    model.help = (
        f"{model.help}; {', '.join(DETTMERS_SCENARIOS)}: Dettmers' (2015) arithmetic from "
        "Tianhe-2's HPCG result, on --criterion hpcg only (chosen when none is given)"
    )
    time.add_argument(
        "--budget",
        default=None,
        metavar="USD",
        help=f"budget criterion: purchase budget in US$, {BUDGET_USD_RANGE[0]:g} to "
        f"{BUDGET_USD_RANGE[1]:g} (default: {DEFAULT_BUDGET_USD:g})",
    )
    time.add_argument(
        "--power",
        default=None,
        metavar="W",
        help=f"energy criterion: power budget in W, {POWER_W_RANGE[0]:g} to "
        f"{POWER_W_RANGE[1]:g}, e.g. 20 or 1MW (default: the brain's "
        "power, brain_power of data/facility.toml)",
    )
    time.add_argument(
        "--precision",
        default=None,
        choices=PRECISIONS,
        help="budget and energy criteria: the accelerators' peak at this precision, as in "
        "'hardware' (default: FP32 per dollar for budget; the Green500 #1, HPL FP64, "
        "for energy)",
    )
    time.add_argument(
        "--samples",
        type=positive_int,
        default=_DEFAULT_SAMPLES,
        metavar="N",
        help=f"number of samples (default: {_DEFAULT_SAMPLES})",
    )
    time.add_argument("--seed", type=seed, default=0, metavar="K", help="random seed")
    time.add_argument(
        "--years",
        type=_years_list,
        default=list(DEFAULT_YEARS),
        metavar="Y1,Y2",
        help=f"years for probability_by (at most {MAX_LISTED_YEARS}, each "
        f"{LISTED_YEAR_RANGE[0]:g} to {LISTED_YEAR_RANGE[1]:g})",
    )
    time.add_argument("--json", action="store_true", help="print JSON")
    time.add_argument(
        "--plot",
        metavar="FILE",
        help="write the CDF of parity years, .svg, .png or .pdf (--force overwrites)",
    )
    add_output_arguments(time)
    add_quiet_argument(time)
    time.set_defaults(handler=_timeline)
