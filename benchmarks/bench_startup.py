"""Benchmark the command line's start-up: CPU time of a command against ``import numpy``.

Run from the repository root::

    python benchmarks/bench_startup.py            # best of 5 runs per command
    python benchmarks/bench_startup.py --repeats 9 --json

Each command runs in a fresh interpreter, as a user's shell would start it; its CPU time
(user + system) is read from the child-process resource usage (``RUSAGE_CHILDREN``), so
the wall-clock noise of a busy machine does not count. The best of ``--repeats`` runs is
reported, with its ratio to the baseline ``python -c "import numpy"``.

A *first run* is a fresh interpreter with no user cache: ``BRAINFLOPS_CACHE_DIR`` names
an empty folder, emptied again before every repeat, and a second row has caching turned off
(``BRAINFLOPS_CACHE_DIR=""``). ``estimate`` (a built-in preset or variant, no
``--samples``, ``--plot`` or ``--scenario``) and ``compare`` (built-in presets, no
``--plot``) then answer from the results shipped with the package (``data/presets/prebuilt.json``, see
:mod:`brainflops.models.prebuilt`), so they build no model. Everything else that needs a
model builds it on every first run and pays for sympy, pint and the unit registry (over a
second of CPU) before its own work: ``estimate --samples N``, ``--plot`` and
``--scenario FILE``, ``explain``, ``compare --plot``, and ``estimate``/``compare`` themselves after an edit to a preset or to the
model code, until ``python -m brainflops.models.generate_prebuilt`` is run. Two such rows,
marked "builds", are measured for reference; they include the commands' work and have no
target.

Targets (issue 11): ``--help`` within 1.5x of the baseline, ``estimate`` within 4x, and no
command's start-up over 1 s of CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "brainflops"]

# label, argv, user cache ("empty": an empty folder each run, "off"), target ratio to
# the baseline (None: only the 1 s limit), whether the targets apply ("builds" rows: no)
CASES: list[tuple[str, list[str], str, float | None, bool]] = [
    ("brainflops --help", [*CLI, "--help"], "empty", 1.5, True),
    ("brainflops estimate --help", [*CLI, "estimate", "--help"], "empty", 1.5, True),
    ("brainflops estimate (first run)", [*CLI, "estimate"], "empty", 4.0, True),
    ("brainflops estimate (cache off)", [*CLI, "estimate"], "off", 4.0, True),
    ("brainflops compare (first run)", [*CLI, "compare"], "empty", None, True),
    ("brainflops compare (cache off)", [*CLI, "compare"], "off", None, True),
    (
        "estimate --samples 10000 (builds)",
        [*CLI, "estimate", "--samples", "10000"],
        "empty",
        None,
        False,
    ),
    (
        "brainflops compare --preset dettmers2015 (first run)",
        [*CLI, "compare", "--preset", "dettmers2015"],
        "empty",
        None,
        True,
    ),
    ("explain (builds)", [*CLI, "explain"], "empty", None, False),
]
LIMIT_S = 1.0


def cpu_seconds(argv: list[str], env: dict[str, str]) -> float:
    """CPU time (user + system) of one run of ``argv`` in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def best_of(argv: list[str], cache: str, repeats: int) -> float:
    """The least CPU time of ``repeats`` runs, each with an empty (or no) user cache."""
    times = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="brainflops-bench-cache-") as folder:
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "BRAINFLOPS_CACHE_DIR": folder if cache == "empty" else "",
            }
            times.append(cpu_seconds(argv, env))
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per command (best kept)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    baseline = best_of([sys.executable, "-c", "import numpy"], "off", args.repeats)
    rows = []
    for label, argv, cache, target, checked in CASES:
        seconds = best_of(argv, cache, args.repeats)
        ratio = seconds / baseline
        ok = not checked or (seconds <= LIMIT_S and (target is None or ratio <= target))
        rows.append(
            {
                "command": label,
                "cpu_s": seconds,
                "ratio": ratio,
                "target": target if checked else None,
                "checked": checked,
                "ok": ok,
            }
        )
    if args.json:
        print(json.dumps({"baseline_cpu_s": baseline, "repeats": args.repeats, "rows": rows}))
    else:
        print(f'baseline  python -c "import numpy": {baseline:.3f} s CPU (best of {args.repeats})')
        label_width = max(len(row["command"]) for row in rows)
        for row in rows:
            if not row["checked"]:
                verdict = "(no target)"
            else:
                target = f"<= {row['target']}x" if row["target"] else f"<= {LIMIT_S:g} s"
                verdict = f"(target {target}) " + ("ok" if row["ok"] else "MISSED")
            print(
                f"{row['command']:{label_width}} {row['cpu_s']:.3f} s  {row['ratio']:5.2f}x  {verdict}"
            )
    return 0 if all(row["ok"] for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
