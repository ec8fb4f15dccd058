"""Scenario commands: ``validate FILE`` and ``scenario new --from PRESET``."""

from __future__ import annotations

import argparse

from brainflops.cli._common import add_output_arguments, emit
from brainflops.core.errors import ScenarioError

__all__ = ["register"]


def _validate(args: argparse.Namespace) -> int:
    from brainflops.models.scenario import load_scenario

    problems: list[str] = []
    lines: list[str] = []
    for path in args.files:
        try:
            model = load_scenario(path)
        except ScenarioError as exc:
            problems += exc.problems
            continue
        central = model.central_log10()
        lines.append(
            f"{path}: ok: {model.title}: central estimate 10^{central:.3f} FLOP/s "
            f"({len(model.parameters)} parameters, {len(model.terms)} terms)"
        )
    if problems:
        raise ScenarioError(problems)
    emit("\n".join(lines) + "\n", args)
    return 0


def _new(args: argparse.Namespace) -> int:
    from brainflops.models.scenario import new_scenario_text

    emit(new_scenario_text(args.preset), args)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``validate`` and ``scenario``."""
    p = subparsers.add_parser(
        "validate",
        help="check scenario files and report every problem",
        description="Check scenario files. Every problem is printed on its own line as "
        "FILE:LINE: key: message, and the exit status is 2 when there is any.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario TOML file(s)")
    p.set_defaults(handler=_validate, out=None, every_problem=True)

    p = subparsers.add_parser("scenario", help="write a starting scenario file")
    commands = p.add_subparsers(dest="scenario_command", metavar="SUBCOMMAND", required=True)
    new = commands.add_parser(
        "new",
        help="write a commented scenario that reproduces a preset",
        description="Write a scenario file that reproduces PRESET exactly, listing every "
        "parameter with its unit, value, range and source, ready to edit.",
    )
    new.add_argument(
        "--from",
        dest="preset",
        required=True,
        metavar="PRESET",
        help="the preset (or preset:variant) to start from",
    )
    add_output_arguments(new)
    new.set_defaults(handler=_new)
