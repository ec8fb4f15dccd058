"""A model's central estimate and per-term breakdown, cached on disk for the built-in presets.

``brainflops estimate`` needs only the central value of each term, but building a model
costs sympy, pint and scipy at import (about a second of CPU on a small machine), far more
than the arithmetic. :func:`preset_summary` therefore keeps the summary of each built-in
preset in a user cache folder, as JSON keyed by a SHA-256 of this package's source and
data files: any change to the code or to a preset gives a new key and the summary is
rebuilt from the model. Any problem with the cache (no writable folder, a corrupt or
foreign file) falls back silently to building the model. Nothing here imports sympy,
pint, scipy or numpy unless the model has to be built.

The cache folder is :func:`brainflops.core.cache.cache_folder` (``$BRAINFLOPS_CACHE_DIR``,
``$XDG_CACHE_HOME/brainflops`` or ``~/.cache/brainflops``; an empty
``BRAINFLOPS_CACHE_DIR`` turns the cache off).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brainflops.core.cache import cache_folder
from brainflops.core.constants import LN10
from brainflops.core.logspace import check_float_log10

if TYPE_CHECKING:
    from brainflops.models.model import Model

__all__ = ["CentralSummary", "TermSummary", "preset_summary", "summarize"]

_PACKAGE = Path(__file__).resolve().parents[1]
_FORMAT = 2  # bump when the JSON layout changes


@dataclass(frozen=True)
class TermSummary:
    """One term at the central values: where, which operation, and ln of its FLOP/s."""

    population: str
    stage: str
    operation: str
    log_flops: float

    @property
    def flops_per_second(self) -> float:
        """FLOP/s; InvalidValueError beyond the range of a float (never a clipped number)."""
        return check_float_log10(self.log_flops / LN10)


@dataclass(frozen=True)
class CentralSummary:
    """What ``brainflops estimate`` shows without samples.

    Attributes
    ----------
    name, title:
        The model's identifier and title.
    reported:
        The source's headline figure in FLOP/s, when it states one as a point.
    log10_central:
        log10 of the total FLOP/s at the central values.
    terms:
        Every term, in the model's order.
    kind:
        ``"estimate"``, ``"upper bound"`` or ``"lower bound"``.
    headline:
        What the source printed, in its own unit (e.g. ``"1e+08 MIPS"``), or ``None``.
    converted:
        Our FLOP/s conversion of a headline in another unit (derived), or ``None``.
    """

    name: str
    title: str
    reported: float | None
    log10_central: float
    terms: tuple[TermSummary, ...]
    kind: str = "estimate"
    headline: str | None = None
    converted: float | None = None

    @property
    def central(self) -> float:
        """Total FLOP/s (raises InvalidValueError beyond the range of a float)."""
        return check_float_log10(self.log10_central)

    def shares(self) -> list[float]:
        """Each term's fraction of the total."""
        total = self.log10_central * LN10
        return [math.exp(term.log_flops - total) for term in self.terms]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dictionary (floats round-trip exactly)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CentralSummary:
        """The inverse of :meth:`to_json`."""
        terms = tuple(TermSummary(**term) for term in data["terms"])
        return cls(**{**data, "terms": terms})


def summarize(model: Model) -> CentralSummary:
    """The central summary of a model, computed from the model itself."""
    operations = model.operation_texts()
    headline = model.metadata.get("headline")
    return CentralSummary(
        name=model.name,
        title=model.title,
        reported=model.reported,
        log10_central=model.central_log10(),
        terms=tuple(
            TermSummary(term.population, term.stage, text, float(log_flops))
            for term, text, log_flops in zip(
                model.terms, operations, model.central_term_logs(), strict=True
            )
        ),
        kind=model.kind,
        headline=None if headline is None else headline.text(),
        converted=None if headline is None else headline.converted,
    )


def preset_summary(name: str) -> CentralSummary:
    """The central summary of a built-in preset (``name`` or ``name:variant``), cached."""
    base = name.partition(":")[0]
    folder = cache_folder()
    if folder is None or not (_PACKAGE / "data" / "presets" / f"{base}.toml").is_file():
        return _from_preset(name)
    key = _source_key()
    path = folder / f"summary-{hashlib.sha256(name.encode()).hexdigest()[:24]}.json"
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        if entry.get("key") == key and entry.get("preset") == name:
            return CentralSummary.from_json(entry["summary"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no entry yet, or an unreadable one: rebuild it below
    summary = _from_preset(name)
    _store(path, {"key": key, "preset": name, "summary": summary.to_json()})
    return summary


def _from_preset(name: str) -> CentralSummary:
    from brainflops.models.presets import load_preset  # noqa: PLC0415 - only on a cache miss

    return summarize(load_preset(name))


@cache
def _source_key() -> str:
    """SHA-256 of every source and data file of the package, with the cache format."""
    digest = hashlib.sha256(f"format {_FORMAT}".encode())
    files = sorted(
        path
        for path in _PACKAGE.rglob("*")
        if path.suffix in {".py", ".toml", ".csv", ".json"} and path.is_file()
    )
    for path in files:
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _store(path: Path, entry: dict[str, Any]) -> None:
    """Write ``entry`` atomically; a cache that cannot be written is simply skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(entry, handle)
        Path(temporary).replace(path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
