"""Commands ``data``, ``trends`` and ``timeline``: hardware data, trend fits and parity years.

Examples
--------
::

    brainflops data sources
    brainflops data show --series top500-rank1 --json
    brainflops trends fit --series top500-rank1 --model exponential --start 1993 --end 2013
    brainflops trends backtest --series top500-rank1 --train-end 2013 --target 1EFLOP/s --json
    brainflops timeline --preset dettmers2015 --model doubling --baseline 0.58PFLOP/s \\
        --baseline-year 2015 --doubling-years 1.8 --json
"""

from __future__ import annotations

import argparse
import math
import reprlib
from typing import Any

from brainflops.cli import _terminal
from brainflops.cli._common import (
    add_output_arguments,
    bounded_float,
    dumps,
    emit,
    seed,
)
from brainflops.core.errors import InvalidValueError
from brainflops.outputs.plots import check_path

__all__ = ["register"]

_DEFAULT_SERIES = "top500-rank1"
_DEFAULT_SAMPLES = 10_000  # brain samples for a timeline; median error about 0.01 yr
# Written out so that --help loads no library module; tests/test_cli_startup.py checks it
# against brainflops.forecast.trends.MODELS and brainflops.forecast.timeline.
FITTED_MODELS = ("exponential", "piecewise", "logistic")
CRITERIA = ("hpl", "hpcg", "hpcg-hpl", "top500-sum", "budget", "energy", "training-run")
DEFAULT_BUDGET_USD = 1000.0
DEFAULT_YEARS = (2030, 2040, 2050, 2075, 2100)
DETTMERS_SCENARIOS = ("dettmers-moore", "dettmers-1.8y", "dettmers-3y")
CALIBRATABLE_MODELS = ("calibrated", "exponential", "piecewise")
DEFAULT_CONFIDENCE = 0.9
#: ``--years``: at most this many years, each in :data:`LISTED_YEAR_RANGE`.
MAX_LISTED_YEARS = 50
LISTED_YEAR_RANGE = (1900.0, 3000.0)
_ECHO_CHARS = 40  # an invalid value is quoted in the error up to about this length
#: ``--doubling-years`` and both ends of ``--doubling-interval``, in years (3.65 days to a
#: millennium; the fastest observed hardware trends double in a few months).
DOUBLING_YEARS_RANGE = (0.01, 1000.0)
_ALL_MODELS = ("calibrated", *FITTED_MODELS, "doubling", *DETTMERS_SCENARIOS)
_FITTED = frozenset(FITTED_MODELS)
# Model options: flag -> (argparse dest, the models that use it). A flag given with a model
# that does not use it is an error, never silently ignored.
_MODEL_FLAGS: dict[str, tuple[str, frozenset[str]]] = {
    "--start": ("start", _FITTED),
    "--end": ("end", _FITTED),
    "--breakpoint": ("breakpoint", frozenset({"piecewise"})),
    "--discontinuous": ("discontinuous", frozenset({"piecewise"})),
    "--ceiling": ("ceiling", frozenset({"logistic"})),
    "--baseline": ("baseline", frozenset({"doubling"})),
    "--baseline-year": ("baseline_year", frozenset({"doubling"})),
    "--doubling-years": ("doubling_years", frozenset({"doubling"})),
    "--doubling-interval": ("doubling_interval", frozenset({"doubling"})),
    "--rounding": ("rounding", frozenset({"doubling"})),
}


# --------------------------------------------------------------------------- parsing


def _echo(text: str) -> str:
    """``text`` quoted for an error message, shortened to about 40 characters."""
    shortener = reprlib.Repr()
    shortener.maxstring = _ECHO_CHARS
    return shortener.repr(text)


def _year(text: str) -> int | float | str:
    """argparse type of every year option: YYYY, a decimal year or YYYY-MM[-DD].

    Bounded as ``--years`` is (:data:`LISTED_YEAR_RANGE`); a date is checked by its year.
    """
    from brainflops.forecast import trends as tr

    low, high = LISTED_YEAR_RANGE
    expected = f"expected a year from {low:g} to {high:g} (YYYY, a decimal year or YYYY-MM[-DD])"
    try:
        year = tr.parse_year(text)
    except InvalidValueError as exc:
        # The parser's own reason ("month out of range in '2013-13'") echoes the whole
        # text: kept for short input, replaced by the shortened echo for long input.
        reason = exc.reason if len(text) <= _ECHO_CHARS else f"{expected}, got {_echo(text)}"
        raise argparse.ArgumentTypeError(reason) from None
    except ValueError:  # int() of a number too long to read
        raise argparse.ArgumentTypeError(f"{expected}, got {_echo(text)}") from None
    number = float(year[:4]) if isinstance(year, str) else float(year)
    if not low <= number <= high:
        raise argparse.ArgumentTypeError(f"{expected}, got {_echo(text)}")
    return year


def _years_list(text: str) -> list[float]:
    """argparse type for ``--years``: comma-separated years, bounded in count and range."""
    low, high = LISTED_YEAR_RANGE
    parts = [part for part in text.split(",") if part.strip()]
    if len(parts) > MAX_LISTED_YEARS:
        msg = f"at most {MAX_LISTED_YEARS} years, got {len(parts)}"
        raise argparse.ArgumentTypeError(msg)
    try:
        values = [float(part) for part in parts]
    except ValueError:
        values = []
    if not values or not all(low <= v <= high for v in values):  # NaN fails too
        msg = f"expected comma-separated years from {low:g} to {high:g}, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return values


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 < value < 1.0:
        msg = f"expected a confidence strictly between 0 and 1, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _interval(text: str) -> tuple[float, float]:
    """argparse type for ``--doubling-interval``: LO,HI, both in DOUBLING_YEARS_RANGE."""
    low, high = DOUBLING_YEARS_RANGE
    try:
        lo, hi = (float(p) for p in text.split(","))
    except ValueError:
        lo = hi = math.nan
    if not (low <= lo <= high and low <= hi <= high):  # NaN fails too
        msg = f"expected LO,HI doubling times from {low:g} to {high:g} years, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return lo, hi


def _add_model_arguments(parser: argparse.ArgumentParser, *, doubling: bool = True) -> None:
    models = _ALL_MODELS if doubling else ("calibrated", *FITTED_MODELS)
    parser.add_argument(
        "--model",
        choices=models,
        default="calibrated",
        help="trend model (default: calibrated, the ensemble weighted and widened by its "
        "backtests; see 'trends calibrate')",
    )
    parser.add_argument(
        "--start",
        type=_year,
        default=None,
        metavar="Y",
        help="first year of the fit window: YYYY (from 1 January), a decimal "
        "year, or a list date YYYY-MM (default: first point)",
    )
    parser.add_argument(
        "--breakpoint",
        type=_year,
        default=None,
        metavar="Y",
        help="piecewise: breakpoint year (default: estimated)",
    )
    parser.add_argument(
        "--discontinuous",
        action="store_true",
        help="piecewise: let the two segments jump at the breakpoint",
    )
    parser.add_argument(
        "--ceiling",
        default=None,
        metavar="F",
        help="logistic: ceiling in the series' unit (e.g. 1e23 or 100EFLOP/s)",
    )
    if doubling:
        parser.add_argument(
            "--baseline",
            default=None,
            metavar="F",
            help="doubling: baseline value, e.g. 0.58PFLOP/s",
        )
        parser.add_argument(
            "--baseline-year",
            type=_year,
            default=None,
            metavar="Y",
            help="doubling: year of the baseline",
        )
        parser.add_argument(
            "--doubling-years",
            type=bounded_float(*DOUBLING_YEARS_RANGE, "a doubling time in years"),
            default=None,
            metavar="T",
            help=f"doubling: doubling time in years ({DOUBLING_YEARS_RANGE[0]:g} to "
            f"{DOUBLING_YEARS_RANGE[1]:g})",
        )
        parser.add_argument(
            "--doubling-interval",
            type=_interval,
            default=None,
            metavar="LO,HI",
            help="doubling: 95%% interval of the doubling time (years, each "
            f"{DOUBLING_YEARS_RANGE[0]:g} to {DOUBLING_YEARS_RANGE[1]:g})",
        )
        parser.add_argument(
            "--rounding",
            choices=("whole-doublings", "none"),
            default=None,
            help="doubling: count whole doublings (Dettmers' convention, the "
            "default) or grow continuously",
        )


def _check_model_flags(args: argparse.Namespace) -> None:
    """Refuse model options that the chosen ``--model`` does not use."""
    unused = [
        f"{flag} (used by {', '.join(sorted(models))} only)"
        for flag, (dest, models) in _MODEL_FLAGS.items()
        if getattr(args, dest, None) not in (None, False) and args.model not in models
    ]
    if unused:
        raise InvalidValueError(
            name=f"--model {args.model}", reason=f"does not take {'; '.join(unused)}"
        )


def _check_plot(args: argparse.Namespace) -> None:
    if getattr(args, "plot", None):
        check_path(args.plot)


def _build_trend(args: argparse.Namespace, unit: str, end: Any) -> Any:
    """The trend chosen by ``--model``: the calibrated ensemble, a fit, a stated doubling."""
    from brainflops.forecast import timeline as tl
    from brainflops.forecast import trends as tr

    _check_model_flags(args)
    if args.model == "calibrated":
        return tr.fit_calibrated(args.series)
    if args.model in DETTMERS_SCENARIOS:
        hpcg = tl.get_criterion(tl.DETTMERS_CRITERION).series
        if args.series != hpcg:
            raise InvalidValueError(
                name=f"--model {args.model}",
                reason="extrapolates Tianhe-2's HPCG result (0.58 PFLOP/s in 2015), so it "
                f"applies to --series {hpcg} only, not {args.series}",
            )
        return tl.dettmers_scenario(args.model)
    if args.model == "doubling":
        missing = [
            flag
            for flag, value in (
                ("--baseline", args.baseline),
                ("--baseline-year", args.baseline_year),
                ("--doubling-years", args.doubling_years),
            )
            if value is None
        ]
        if missing:
            raise InvalidValueError(name="--model doubling", reason=f"needs {', '.join(missing)}")
        return tr.doubling(
            tr.parse_value(args.baseline, unit, "--baseline"),
            args.baseline_year,
            args.doubling_years,
            interval=args.doubling_interval,
            rounding=args.rounding or "whole-doublings",
            unit=unit,
        )
    ceiling = None if args.ceiling is None else tr.parse_value(args.ceiling, unit, "--ceiling")
    return tr.fit_model(
        args.model,
        args.series,
        args.start,
        end,
        breakpoint=args.breakpoint,
        ceiling=ceiling,
        continuous=not args.discontinuous,
    )


# --------------------------------------------------------------------------- data


def _data_sources(args: argparse.Namespace) -> int:
    from brainflops.data import datasets

    citations = datasets.series_citations()
    rows = {
        name: {
            "unit": datasets.series_unit(name),
            "description": datasets.series_description(name),
            "source": source,
            "citation": citations[name],
        }
        for name, source in datasets.series_sources().items()
    }
    if args.json:
        emit(dumps(rows), args)
        return 0
    lines = []
    for name, row in rows.items():
        lines.append(f"{name} [{row['unit']}]: {row['description']}")
        lines.append(f"    source: {row['source']} [{row['citation']}]")
    emit("\n".join(lines) + "\n", args)
    return 0


def _data_show(args: argparse.Namespace) -> int:
    from brainflops.data import datasets

    frame = datasets.load_series(args.series)
    column = datasets.value_column(frame)
    if args.json:
        points = [
            {"date": str(r.date), "year": float(r.year), "value": float(v), "label": str(r.label)}
            for r, v in zip(frame.itertuples(index=False), frame[column], strict=True)
        ]
        payload = {
            "series": args.series,
            "unit": datasets.series_unit(args.series),
            "description": datasets.series_description(args.series),
            "source": frame.attrs["source"],
            "points": points,
        }
        emit(dumps(payload), args)
        return 0
    lines = [
        f"# {args.series}: {datasets.series_description(args.series)}",
        f"# source: {frame.attrs['source']}",
        f"# {'date':<10} {'year':>9} {column:>22}  label",
    ]
    for row, value in zip(frame.itertuples(index=False), frame[column], strict=True):
        lines.append(f"  {row.date!s:<10} {row.year:9.3f} {value:22.6g}  {row.label}")
    emit("\n".join(lines) + "\n", args)
    return 0


# --------------------------------------------------------------------------- trends


def _trends_fit(args: argparse.Namespace) -> int:
    from brainflops.data import datasets
    from brainflops.forecast import trends as tr

    _check_plot(args)
    unit = datasets.series_unit(args.series)
    with _terminal.stage(f"fitting {args.model} to {args.series}", args):
        trend = _build_trend(args, unit, args.end)
    payload = trend.to_dict()
    payload["series"] = args.series
    payload["source"] = datasets.series_sources()[args.series]  # carries any required credit
    if args.plot:
        from brainflops.outputs.plots_trends import plot_trend

        drawn = (
            {f"{m} (weight {w:.2f})": trend.members[m] for m, w in trend.weights.items()}
            if isinstance(trend, tr.CalibratedTrend)
            else {_trend_label(trend, args): trend}
        )
        plot_trend(args.plot, args.series, drawn, overwrite=args.force)
    if args.json:
        emit(dumps(payload), args)
        return 0
    interval = trend.doubling_time_interval
    text = [f"{args.series}: {trend.model} trend", f"  source: {payload['source']}"]
    fit = payload.get("fit")
    if fit:
        text.append(
            f"  fitted to {fit['n_points']} points, {fit['first_date']} .. {fit['last_date']}"
        )
    text.append(
        f"  doubling time: {_doubling_text(trend.doubling_time_years)}"
        + ("" if interval is None else f" (95% {_doubling_interval_text(interval)})")
    )
    if isinstance(trend, tr.PiecewiseTrend):
        where = (
            ""
            if trend.breakpoint_interval is None
            else f" (95% {trend.breakpoint_interval[0]:.2f} .. {trend.breakpoint_interval[1]:.2f})"
        )
        text.append(f"  breakpoint: {trend.breakpoint:.2f}{where}")
        for seg in payload["segments"]:
            text.append(
                f"  segment {seg['segment']}: doubling {_doubling_text(seg['doubling_time_years'])}"
            )
    if isinstance(trend, tr.CalibratedTrend):
        text.append(
            f"  method: {payload['method']}; {trend.n_cases} backtests made before the last point"
        )
        text += [
            f"  member {m}: weight {row['weight']:.3f}, doubling "
            f"{_doubling_text(row['doubling_time_years'])}, {row['n_errors']} errors"
            for m, row in payload["members"].items()
        ]
    emit("\n".join(text) + "\n", args)
    return 0


def _doubling_text(years: float | None) -> str:
    """A doubling time in words: ``"1.234 years"``, or ``"none (no growth)"`` when it is
    unbounded (``inf``, or ``None`` as in JSON): a trend that does not grow never doubles.

    >>> _doubling_text(1.2345), _doubling_text(None), _doubling_text(math.inf)
    ('1.234 years', 'none (no growth)', 'none (no growth)')
    """
    return "none (no growth)" if years is None or years == math.inf else f"{years:.3f} years"


def _doubling_interval_text(interval: tuple[float, float]) -> str:
    """A doubling-time interval in words; an infinite bound is "unbounded" (no growth).

    >>> _doubling_interval_text((1.5, 2.25)), _doubling_interval_text((1.5, math.inf))
    ('1.500 .. 2.250', '1.500 .. unbounded (no growth)')
    >>> _doubling_interval_text((math.inf, math.inf))
    'unbounded at both ends (no growth)'
    """
    low, high = interval
    if math.isfinite(high):
        return f"{low:.3f} .. {high:.3f}"
    if math.isfinite(low):
        return f"{low:.3f} .. unbounded (no growth)"
    return "unbounded at both ends (no growth)"


def _trend_label(trend: Any, args: argparse.Namespace) -> str:
    if trend.model == "doubling":
        return f"doubling every {trend.doubling_time_years:g} y"
    window = f"{args.start or 'start'}..{getattr(args, 'end', None) or 'end'}"
    return f"{trend.model} {window}"


def _trends_backtest(args: argparse.Namespace) -> int:
    from brainflops.data import datasets
    from brainflops.forecast import timeline as tl
    from brainflops.forecast import trends as tr

    _check_plot(args)
    _check_model_flags(args)
    unit = datasets.series_unit(args.series)
    target = tr.parse_value(args.target, unit, "--target")
    ceiling = None if args.ceiling is None else tr.parse_value(args.ceiling, unit, "--ceiling")
    options: dict[str, Any] = (
        {}
        if args.model == "calibrated"
        else {
            "breakpoint": args.breakpoint,
            "ceiling": ceiling,
            "continuous": not args.discontinuous,
        }
    )
    result = tr.backtest(
        args.series,
        args.train_end,
        target,
        args.model,
        seed=args.seed,
        start=args.start,
        **options,
    )
    if args.plot:
        from brainflops.outputs.plots_trends import plot_trend

        # The calibrated ensemble's interval exists only as crossing-year draws, not as a
        # curve with a band: its figure shows the forecast itself (the predicted year and
        # its interval), never a member's curve standing in for the ensemble.
        drawn = (
            {}
            if args.model == "calibrated"
            else {
                f"{args.model} fit to {result.last_train_date}": tr.fit_model(
                    args.model, args.series, args.start, args.train_end, **options
                )
            }
        )
        plot_trend(args.plot, args.series, drawn, backtests=[result], overwrite=args.force)
    if args.json:
        emit(dumps(result.to_dict()), args)
        return 0
    lo, hi = result.predicted_interval
    lines = [
        (
            f"{result.series}: {result.model} fit to {result.n_train} points "
            f"({result.first_train_date} .. {result.last_train_date})"
        ),
        f"  target {result.target:g} {unit}",
        (
            f"  predicted: {tl.format_year(result.predicted_year)} "
            f"({result.confidence:.0%} {tl.format_year(lo)} .. {tl.format_year(hi)})"
        ),
        f"  actual:    {result.actual_date or 'not reached in the data'}",
    ]
    if result.error_years is not None:
        lines.append(f"  error:     {result.error_years:+.2f} years")
    emit("\n".join(lines) + "\n", args)
    return 0


# --------------------------------------------------------------------------- timeline


def _trends_calibrate(args: argparse.Namespace) -> int:
    from brainflops.forecast import trends as tr

    _check_plot(args)
    with _terminal.stage(f"rolling-origin backtests of {args.series}", args):
        report = tr.calibrate(
            args.series,
            args.model,
            confidence=args.confidence,
            seed=args.seed,
            widening=None if args.widening is None else args.widening == "on",
        )
    if args.plot:
        from brainflops.outputs.plots_trends import plot_calibration

        plot_calibration(args.plot, [report], overwrite=args.force)
    if args.json:
        emit(dumps(report.to_dict()), args)
        return 0
    lines = [
        f"{report.series}: {report.model} ({report.method})",
        f"  origins skipped (too few resolved backtests before them): {report.skipped_origins}",
        (
            f"  {'horizon':>7} {'n':>4} {'open':>4} {'stated':>6} {'achieved':>8} "
            f"{'windows':>7} {'90% range':>9} "
            f"{'mean err':>8} {'median err':>10} {'median width':>12}"
        ),
    ]

    def cell(value: float, width: int) -> str:
        """Blank where nothing was scored; "inf" where a scored forecast never arrives."""
        if math.isnan(value):
            return " " * width
        return f"{value:>{width}.2f}" if math.isfinite(value) else f"{value:>{width}}"

    for row in report.scores:
        low, high = row.coverage_interval
        span = f"{low:.2f}-{high:.2f}" if row.windows else ""
        lines.append(
            f"  {row.horizon:>7} {row.n:>4} {row.unresolved:>4} {row.confidence:>6.2f} "
            f"{cell(row.coverage, 8)} {row.windows:>7} {span:>9} "
            f"{cell(row.mean_error_years, 8)} "
            f"{cell(row.median_error_years, 10)} {cell(row.median_width_years, 12)}".rstrip()
        )
    lines += [
        "  errors: predicted - actual, years; open: targets not reached yet (unscored)",
        "  windows: scored forecasts of which no two are judged on a common list; 90% range:",
        "  Jeffreys interval of the achieved coverage with that many independent trials",
    ]
    emit(_terminal.fit("\n".join(lines) + "\n", _terminal.width()), args)
    return 0


# --------------------------------------------------------------------------- registration


def _series_argument(parser: argparse.ArgumentParser, *, default: str | None) -> None:
    parser.add_argument(
        "--series",
        default=default,
        metavar="S",
        help="series name (see 'brainflops data sources'; default: "
        + (
            default
            or "the criterion's series, the only one allowed: choose another with --criterion"
        )
        + ")",
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``data``, ``trends`` and ``timeline`` commands."""
    data = subparsers.add_parser("data", help="packaged HPC and accelerator data")
    data_sub = data.add_subparsers(dest="data_command", metavar="SUBCOMMAND", required=True)
    sources = data_sub.add_parser("sources", help="list the series and their sources")
    sources.add_argument("--json", action="store_true", help="print JSON")
    add_output_arguments(sources)
    sources.set_defaults(handler=_data_sources)
    show = data_sub.add_parser("show", help="print one series")
    show.add_argument("--series", required=True, metavar="S", help="series name")
    show.add_argument("--json", action="store_true", help="print JSON")
    add_output_arguments(show)
    show.set_defaults(handler=_data_show)

    trends = subparsers.add_parser("trends", help="fit hardware trends and backtest them")
    trends_sub = trends.add_subparsers(dest="trends_command", metavar="SUBCOMMAND", required=True)
    fit = trends_sub.add_parser("fit", help="fit a trend to a series")
    _series_argument(fit, default=_DEFAULT_SERIES)
    _add_model_arguments(fit)
    fit.add_argument(
        "--end",
        type=_year,
        default=None,
        metavar="Y",
        help="last year of the fit window (YYYY: through 31 December)",
    )
    fit.add_argument("--json", action="store_true", help="print JSON")
    fit.add_argument(
        "--plot", metavar="FILE", help="write a figure, .svg, .png or .pdf (--force overwrites)"
    )
    add_output_arguments(fit)
    _terminal.add_quiet_argument(fit)
    fit.set_defaults(handler=_trends_fit)

    back = trends_sub.add_parser(
        "backtest", help="fit up to a year and predict when a target is reached"
    )
    _series_argument(back, default=_DEFAULT_SERIES)
    _add_model_arguments(back, doubling=False)
    back.add_argument(
        "--train-end",
        type=_year,
        required=True,
        metavar="Y",
        help="last year of the training data (YYYY: through 31 December)",
    )
    back.add_argument(
        "--target", required=True, metavar="F", help="target value, e.g. 1e15 or 1PFLOP/s"
    )
    back.add_argument("--seed", type=seed, default=0, help="seed of the interval's draws")
    back.add_argument("--json", action="store_true", help="print JSON")
    back.add_argument(
        "--plot", metavar="FILE", help="write a figure, .svg, .png or .pdf (--force overwrites)"
    )
    add_output_arguments(back)
    back.set_defaults(handler=_trends_backtest)

    calib = trends_sub.add_parser(
        "calibrate",
        help="score a model's interval forecasts on rolling-origin backtests, by horizon",
    )
    _series_argument(calib, default=_DEFAULT_SERIES)
    calib.add_argument(
        "--model",
        choices=CALIBRATABLE_MODELS,
        default="calibrated",
        help="model to score (default: calibrated, the ensemble)",
    )
    calib.add_argument(
        "--confidence",
        type=_confidence,
        default=DEFAULT_CONFIDENCE,
        metavar="C",
        help=f"stated confidence of the interval (default: {DEFAULT_CONFIDENCE:g})",
    )
    calib.add_argument("--seed", type=seed, default=0, help="seed of the interval's draws")
    calib.add_argument(
        "--widening",
        choices=("on", "off"),
        help="adaptive widening of the ensemble's intervals (default: on for the TOP500 "
        "series, off elsewhere, as in timelines)",
    )
    calib.add_argument("--json", action="store_true", help="print JSON")
    calib.add_argument(
        "--plot", metavar="FILE.png", help="write stated vs achieved coverage (--force overwrites)"
    )
    add_output_arguments(calib)
    _terminal.add_quiet_argument(calib)
    calib.set_defaults(handler=_trends_calibrate)
