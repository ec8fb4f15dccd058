"""A model's central estimate and per-term breakdown, without building it for the presets.

``brainflops estimate`` needs only the central value of each term, but building a model
costs sympy, pint and scipy at import (about a second of CPU on a small machine), far more
than the arithmetic. :func:`preset_summary` therefore answers a built-in preset from the
summaries shipped with the package (:mod:`brainflops.models.prebuilt`, used only while
their key matches the preset files and the code), else from a user cache folder, as JSON
keyed by a SHA-256 of this package's source and data files
(:func:`brainflops.core.cache.cached_json`), and builds the model only when neither has
it. Nothing here imports sympy, pint or scipy unless the model has to be built.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brainflops.core.cache import cached_json
from brainflops.core.constants import LN10
from brainflops.core.logspace import FLOAT_LOG10, check_float_log10
from brainflops.models.prebuilt import prebuilt

if TYPE_CHECKING:
    from brainflops.models.model import Model

__all__ = ["CentralSummary", "TermSummary", "preset_summary", "summarize"]

_PACKAGE = Path(__file__).resolve().parents[1]


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
    comparison:
        The lines that set the central estimate against the source's headline
        (:func:`brainflops.models.headline.compare_lines`), kept here so that showing them
        needs no unit registry.
    """

    name: str
    title: str
    reported: float | None
    log10_central: float
    terms: tuple[TermSummary, ...]
    kind: str = "estimate"
    headline: str | None = None
    converted: float | None = None
    comparison: tuple[str, ...] = ()

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
        return cls(**{**data, "terms": terms, "comparison": tuple(data["comparison"])})


def summarize(model: Model) -> CentralSummary:
    """The central summary of a model, computed from the model itself."""
    from brainflops.models.headline import compare_lines  # noqa: PLC0415 - loads pint

    operations = model.operation_texts()
    headline = model.metadata.get("headline")
    log10_central = model.central_log10()
    central = 10**log10_central if log10_central < FLOAT_LOG10 else math.inf
    return CentralSummary(
        name=model.name,
        title=model.title,
        reported=model.reported,
        log10_central=log10_central,
        terms=tuple(
            TermSummary(term.population, term.stage, text, float(log_flops))
            for term, text, log_flops in zip(
                model.terms, operations, model.central_term_logs(), strict=True
            )
        ),
        kind=model.kind,
        headline=None if headline is None else headline.text(),
        converted=None if headline is None else headline.converted,
        comparison=tuple(
            compare_lines(
                central,
                kind=model.kind,
                printed=None if headline is None else headline.text(),
                reported=model.reported,
                converted=None if headline is None else headline.converted,
            )
        ),
    )


def preset_summary(name: str) -> CentralSummary:
    """The central summary of a built-in preset (``name`` or ``name:variant``).

    Shipped, else cached, else built (see the module's description).
    """
    base = name.partition(":")[0]
    if not (_PACKAGE / "data" / "presets" / f"{base}.toml").is_file():
        return _from_preset(name)  # not a built-in preset: its error, never a cache entry
    value = (prebuilt("summaries") or {}).get(name) or cached_json(
        f"summary {name}", lambda: _from_preset(name).to_json()
    )
    try:
        return CentralSummary.from_json(value)
    except (KeyError, TypeError, ValueError):  # a current key over a damaged entry
        return _from_preset(name)


def _from_preset(name: str) -> CentralSummary:
    from brainflops.models.presets import load_preset  # noqa: PLC0415 - only on a cache miss

    return summarize(load_preset(name))
