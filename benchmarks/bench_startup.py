"""Benchmark the command line's start-up: CPU time of a command against ``import numpy``.

Run from the repository root::

    python benchmarks/bench_startup.py            # best of 5 runs per command
    python benchmarks/bench_startup.py --repeats 9 --json

Each command runs in a fresh interpreter, as a user's shell would start it; its CPU time
(user + system) is read from the child-process resource usage (``RUSAGE_CHILDREN``), so
the wall-clock noise of a busy machine does not count. The best of ``--repeats`` runs is
reported, with its ratio to the baseline ``python -c "import numpy"``.

``estimate`` and ``compare`` are measured twice: with the result cache warm (the usual case
after the first run; see :mod:`brainflops.core.cache`) and with it turned off
(``BRAINFLOPS_CACHE_DIR=""``), which builds the models as a first run does. The "no cache"
figures include the commands' work (building and sampling models), not only start-up.

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

# label, argv, cache on?, target ratio to the baseline (None: only the 1 s limit)
CASES: list[tuple[str, list[str], bool, float | None]] = [
    ("brainflops --help", [*CLI, "--help"], True, 1.5),
    ("brainflops estimate --help", [*CLI, "estimate", "--help"], True, 1.5),
    ("brainflops estimate (cache warm)", [*CLI, "estimate"], True, 4.0),
    ("brainflops estimate (no cache)", [*CLI, "estimate"], False, None),
    ("brainflops compare (cache warm)", [*CLI, "compare"], True, None),
    ("brainflops compare (no cache)", [*CLI, "compare"], False, None),
]
LIMIT_S = 1.0


def cpu_seconds(argv: list[str], env: dict[str, str]) -> float:
    """CPU time (user + system) of one run of ``argv`` in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def best_of(argv: list[str], env: dict[str, str], repeats: int) -> float:
    return min(cpu_seconds(argv, env) for _ in range(repeats))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per command (best kept)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="brainflops-bench-cache-") as cache:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "BRAINFLOPS_CACHE_DIR": cache}
        for command in ("estimate", "compare"):
            cpu_seconds([*CLI, command], env)  # fill the cache once
        baseline = best_of([sys.executable, "-c", "import numpy"], env, args.repeats)
        rows = []
        for label, argv, cached, target in CASES:
            case_env = env if cached else {**env, "BRAINFLOPS_CACHE_DIR": ""}
            seconds = best_of(argv, case_env, args.repeats)
            ratio = seconds / baseline
            ok = seconds <= LIMIT_S and (target is None or ratio <= target)
            rows.append(
                {"command": label, "cpu_s": seconds, "ratio": ratio, "target": target, "ok": ok}
            )
    if args.json:
        print(json.dumps({"baseline_cpu_s": baseline, "repeats": args.repeats, "rows": rows}))
    else:
        print(f'baseline  python -c "import numpy": {baseline:.3f} s CPU (best of {args.repeats})')
        for row in rows:
            target = f"<= {row['target']}x" if row["target"] else f"<= {LIMIT_S:g} s"
            verdict = "ok" if row["ok"] else "MISSED"
            print(
                f"{row['command']:34} {row['cpu_s']:.3f} s  {row['ratio']:5.2f}x  "
                f"(target {target}) {verdict}"
            )
    return 0 if all(row["ok"] for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
