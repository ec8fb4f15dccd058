"""Write ``data/presets/prebuilt.json``: the built-in presets' results, built ahead of time.

Usage::

    python -m brainflops.models.generate_prebuilt          # rebuild and rewrite the file
    python -m brainflops.models.generate_prebuilt --check  # exit 1 when it is stale

Run it after changing a preset file or the code of a keyed layer
(:data:`~brainflops.models.prebuilt.KEYED_LAYERS`); until then the shipped results are
ignored (their key no longer matches) and the commands build the models themselves, and
``tests/test_prebuilt.py`` fails. What the file holds and how it is used:
:mod:`brainflops.models.prebuilt`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

from brainflops.models.prebuilt import PREBUILT_PATH, REGENERATE, inputs_key

__all__ = ["build", "differences", "main", "stale_entries"]

#: Floats may differ in their last bits between platforms' maths libraries; anything more
#: than this relative difference is a stale file.
REL_TOL = 1e-9


def build() -> dict[str, Any]:
    """Every shipped result, built from the preset files with sympy, pint and numpy."""
    from brainflops.models.literature import comparison_summary  # noqa: PLC0415 - heavy
    from brainflops.models.presets import list_presets, load_preset  # noqa: PLC0415 - heavy
    from brainflops.models.summary import summarize  # noqa: PLC0415 - needs the models

    return {
        "key": inputs_key(),
        "generated_by": REGENERATE,
        "summaries": {
            name: summarize(load_preset(name)).to_json() for name in list_presets(variants=True)
        },
        "compare": comparison_summary(),
    }


def differences(committed: Any, fresh: Any, where: str = "") -> list[str]:
    """Where two JSON values differ (floats within :data:`REL_TOL`), as readable paths.

    >>> differences({"a": [1.0, "x"]}, {"a": [1.0 + 1e-12, "y"]})
    ["a[1]: committed 'x', built 'y'"]
    """
    if isinstance(committed, dict) and isinstance(fresh, dict):
        if list(committed) != list(fresh):
            return [f"{where or 'top level'}: keys {list(committed)}, built {list(fresh)}"]
        pairs = [(committed[k], fresh[k], f"{where}.{k}".lstrip(".")) for k in committed]
    elif isinstance(committed, list) and isinstance(fresh, list):
        if len(committed) != len(fresh):
            return [f"{where}: {len(committed)} items, built {len(fresh)}"]
        pairs = [
            (a, b, f"{where}[{i}]") for i, (a, b) in enumerate(zip(committed, fresh, strict=True))
        ]
    else:
        same = (
            math.isclose(committed, fresh, rel_tol=REL_TOL)
            if isinstance(committed, float) and isinstance(fresh, float)
            else committed == fresh and type(committed) is type(fresh)
        )
        return [] if same else [f"{where}: committed {committed!r}, built {fresh!r}"]
    return [line for old, new, at in pairs for line in differences(old, new, at)]


def stale_entries() -> list[str]:
    """How the committed file differs from a fresh build (empty when it is current)."""
    try:
        committed = json.loads(PREBUILT_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{PREBUILT_PATH.name}: cannot read it ({exc})"]
    # Through JSON, as the file is written: tuples become lists, as they read back.
    return differences(committed, json.loads(json.dumps(build())))


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the file, or with ``--check`` report whether it is stale (exit 1)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_entries()
        for line in stale[:20]:
            sys.stderr.write(f"{line}\n")
        if stale:
            sys.stderr.write(f"{PREBUILT_PATH.name} is stale: run `{REGENERATE}`\n")
        return 1 if stale else 0
    text = json.dumps(build(), indent=1, ensure_ascii=False) + "\n"
    PREBUILT_PATH.write_text(text, encoding="utf-8")
    sys.stderr.write(f"wrote {PREBUILT_PATH}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
