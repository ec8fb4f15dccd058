"""Parameters: every number a model uses, with its unit, uncertainty and source.

A :class:`Parameter` is an immutable record. Values are stored in the parameter's own
unit (as the source states them); :meth:`Parameter.root_factor` converts to pint's root
units, which is what the compiled model works in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

import pint

from brainflops.core.errors import InvalidValueError, UnitMismatchError
from brainflops.core.units import as_quantity, parse_quantity, parse_unit, ureg
from brainflops.params.distributions import (
    Distribution,
    Truncated,
    from_spec,
    point,
    split_lognormal90,
    truncated,
)

__all__ = ["FIELDS", "PROVENANCE_TAGS", "RECORD_KEYS", "Parameter", "parameter_from_record"]

Provenance = Literal["stated", "derived", "assumed", "user"]
PROVENANCE_TAGS: tuple[str, ...] = ("stated", "derived", "assumed", "user")
# Free-text fields of a parameter record (the unit is text too, but parsed on its own).
_TEXT_LABELS = (
    "symbol",
    "source",
    "locator",
    "note",
    "replaces",
    "bounds_source",
    "bounds_locator",
)
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")


@dataclass(frozen=True, slots=True)
class Parameter:
    """One assumption of a model.

    Attributes
    ----------
    name:
        Dotted identifier, ``population.quantity`` or a shared ``quantity``.
    symbol:
        Short symbol used in formulas (LaTeX allowed, e.g. ``N_{P}``).
    unit:
        pint unit string of ``value``, ``low``, ``high`` and the distribution.
    value:
        Central value, as the source states it.
    low, high:
        The 90% range (5th and 95th percentiles) when known.
    distribution:
        Uncertainty of the value. With a range and no explicit distribution it is
        ``split_lognormal90(low, value, high)``: the stated value is the median and the
        range the 5th/95th percentiles (a plain ``lognormal90`` when the value is the
        geometric midpoint of the range). Without a range, a point mass at ``value``.
        An explicit distribution need not put ``value`` inside its 90% interval, only
        inside its support: a source's chosen value may be an end of its range (give
        the range as, e.g., ``loguniform``).
    minimum, maximum:
        Physical bounds (a count is at least 1, a rate has a refractory ceiling). The
        distribution is truncated to them (:func:`~brainflops.params.distributions.truncated`),
        so no draw falls outside; ``low``/``high`` stay the source's range, the 5th/95th
        percentiles of the shape before truncation.
    bounds_source, bounds_locator:
        Who says the bounds hold (citation key) and where or why (a count of at least one
        is ``brainflops`` by definition; a refractory ceiling cites a physiology text).
    source, locator:
        Citation key (see ``data/bibliography.toml``) and where in it (section, figure).
        For a changed value: who changed it (``user`` or the scenario file) and the
        scenario's title.
    provenance:
        ``stated`` by the source, ``derived`` by arithmetic on stated values,
        ``assumed`` by brainflops, or ``user`` (changed by a user or a scenario).
    replaces:
        For a ``user`` value, the citation of the value it replaced (source, locator and
        the old value), so that no export credits a user's number to the base's source.
    verified:
        False when the figure could not be checked against its primary source.
    note:
        One line of context.
    """

    name: str
    symbol: str
    unit: str
    value: float
    low: float | None = None
    high: float | None = None
    distribution: Distribution = field(default=None)  # type: ignore[assignment]
    source: str = ""
    locator: str = ""
    provenance: Provenance = "assumed"
    verified: bool = True
    note: str = ""
    minimum: float | None = None
    maximum: float | None = None
    bounds_source: str = ""
    bounds_locator: str = ""
    replaces: str = ""

    def __post_init__(self) -> None:
        self._check_fields()
        self._check_numbers()
        self._check_value_placement()
        self._settle_distribution()

    def _check_fields(self) -> None:
        """The name, the text fields, ``verified``, the unit and the provenance tag."""
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise InvalidValueError(str(self.name), "parameter names are dotted identifiers")
        for label in ("unit", *_TEXT_LABELS):
            if not isinstance(getattr(self, label), str):
                raise InvalidValueError(self.name, f"{label} must be text")
        if not isinstance(self.verified, bool):
            raise InvalidValueError(self.name, "verified must be true or false")
        if self.distribution is not None and not isinstance(self.distribution, Distribution):
            raise InvalidValueError(self.name, "distribution must be a Distribution")
        parse_unit(self.unit, self.name)
        if self.provenance not in PROVENANCE_TAGS:
            raise InvalidValueError(
                self.name,
                f"provenance must be one of {', '.join(PROVENANCE_TAGS)}",
            )

    def _check_numbers(self) -> None:
        """Value, range and bounds are positive finite numbers, the range in order.

        Bounds not given are taken from a truncated distribution first.
        """
        if isinstance(self.distribution, Truncated):
            for key in ("minimum", "maximum"):
                if getattr(self, key) is None:
                    object.__setattr__(self, key, getattr(self.distribution, key))
        numbers = (
            ("value", self.value),
            ("low", self.low),
            ("high", self.high),
            ("minimum", self.minimum),
            ("maximum", self.maximum),
        )
        for label, number in numbers:
            if number is None:
                continue
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise InvalidValueError(self.name, f"{label} must be a number, got {number!r}")
            if not math.isfinite(number):
                raise InvalidValueError(self.name, f"{label} must be finite, got {number}")
            if number <= 0:
                raise InvalidValueError(self.name, f"{label} must be positive, got {number:g}")
        if (self.low is None) != (self.high is None):
            raise InvalidValueError(self.name, "give both low and high, or neither")
        if self.low is not None and self.high is not None and self.low >= self.high:
            raise InvalidValueError(
                self.name,
                f"low ({self.low:g}) must be below high ({self.high:g})",
            )

    def _settle_distribution(self) -> None:
        """Check an explicit shape against the range, or build the default; then truncate."""
        shape = (
            self.distribution.base
            if isinstance(self.distribution, Truncated)
            else self.distribution
        )
        if shape is not None and self.low is not None and self.high is not None:
            low, high = shape.interval90()
            if not (
                math.isclose(low, self.low, rel_tol=1e-6)
                and math.isclose(high, self.high, rel_tol=1e-6)
            ):
                raise InvalidValueError(
                    self.name,
                    f"its distribution's 90% interval [{low:g}, {high:g}] contradicts the "
                    f"stated range [{self.low:g}, {self.high:g}]",
                )
        if shape is None:
            shape = (
                split_lognormal90(self.low, self.value, self.high, name=self.name)
                if self.low is not None and self.high is not None
                else point(self.value)
            )
        dist = truncated(shape, minimum=self.minimum, maximum=self.maximum, name=self.name)
        object.__setattr__(self, "distribution", dist)
        if not self.distribution.positive:
            raise InvalidValueError(
                self.name,
                "its distribution allows values <= 0; brain-model inputs are positive",
            )

    def _check_value_placement(self) -> None:
        if self.minimum is not None and self.maximum is not None and self.minimum >= self.maximum:
            raise InvalidValueError(
                self.name, f"minimum ({self.minimum:g}) must be below maximum ({self.maximum:g})"
            )
        if (self.minimum is not None and self.value < self.minimum) or (
            self.maximum is not None and self.value > self.maximum
        ):
            raise InvalidValueError(
                self.name,
                f"value {self.value:g} lies outside its physical bounds "
                f"[{self.minimum if self.minimum is not None else '-'}, "
                f"{self.maximum if self.maximum is not None else '-'}]",
            )
        if self.distribution is not None:  # explicit: the value must be a possible draw
            shape = (
                self.distribution.base
                if isinstance(self.distribution, Truncated)
                else self.distribution
            )
            lowest, highest = (float(v) for v in shape.ppf([0.0, 1.0]))
            # ppf stops just inside an open end, and a scaled end may differ in the last bit
            slack = 1e-9 * max(abs(lowest), abs(highest))
            if not lowest - slack <= self.value <= highest + slack:
                raise InvalidValueError(
                    self.name,
                    f"value {self.value:g} lies outside its distribution's support "
                    f"[{lowest:g}, {highest:g}]",
                )
        elif (
            self.low is not None
            and self.high is not None
            and not self.low <= self.value <= self.high
        ):
            raise InvalidValueError(
                self.name,
                f"value {self.value:g} lies outside its 90% range [{self.low:g}, {self.high:g}]",
            )

    @property
    def quantity(self) -> pint.Quantity:
        """The central value as a pint Quantity."""
        return ureg.Quantity(self.value, self.unit)

    @property
    def root_factor(self) -> float:
        """Multiply a magnitude in :attr:`unit` by this to get root units."""
        return float(ureg.Quantity(1.0, self.unit).to_root_units().magnitude)

    @property
    def root_unit(self) -> str:
        """pint's root unit for this parameter's dimension."""
        return str(ureg.Quantity(1.0, self.unit).to_root_units().units)

    @property
    def is_uncertain(self) -> bool:
        """True unless the distribution is a point mass."""
        return self.distribution.kind != "point"

    def with_value(self, value: Any, *, keep_range: bool = False) -> Parameter:
        """Return a copy with a new central value (number in :attr:`unit`, or a quantity).

        A quantity in a compatible unit is converted. Semantics, explicit on purpose:

        * by default the new value is a point: the parameter becomes certain;
        * with ``keep_range=True`` the range is kept and must contain the new value
          (else :class:`~brainflops.core.errors.InvalidValueError`): a default (split)
          log-normal is rebuilt around it as its median, an explicitly chosen
          distribution is kept as it is;
        * physical bounds (``minimum``/``maximum``) always stay and must contain it.

        Provenance and source are unchanged: use :meth:`with_override` to record who
        changed the value.
        """
        magnitude = float(as_quantity(value, self.unit, self.name).m_as(self.unit))
        if not math.isfinite(magnitude) or magnitude <= 0:
            raise InvalidValueError(self.name, f"value must be positive and finite, got {value!r}")
        if not keep_range:
            return replace(
                self, value=magnitude, low=None, high=None, distribution=point(magnitude)
            )
        if self.low is None or self.high is None:
            raise InvalidValueError(self.name, "keep_range=True, but the parameter has no range")
        if not self.low <= magnitude <= self.high:
            raise InvalidValueError(
                self.name,
                f"{magnitude:g} {self.unit} lies outside the range [{self.low:g}, {self.high:g}]; "
                "give a new range (low, high) or drop keep_range to make it a point",
            )
        shape = self.distribution.base if isinstance(self.distribution, Truncated) else None
        kind = (shape or self.distribution).kind
        if kind in ("lognormal90", "split_lognormal90"):
            return replace(self, value=magnitude, distribution=None)  # type: ignore[arg-type]
        return replace(self, value=magnitude)

    def with_override(
        self,
        value: Any,
        *,
        source: str = "user",
        title: str = "",
        keep_range: bool = False,
    ) -> Parameter:
        """A user's (or a scenario's) value, traceable to what it replaced.

        Parameters
        ----------
        value:
            The new central value, as for :meth:`with_value`.
        source, title:
            Who made the change (``"user"`` or the scenario's file name) and the
            scenario's title; they become :attr:`source` and :attr:`locator`.
        keep_range:
            Keep the base's range (it must contain ``value``), see :meth:`with_value`.

        Returns
        -------
        Parameter
            Provenance ``user``, :attr:`replaces` naming the base's citation and value.

        Examples
        --------
        >>> p = Parameter("rate", "r", "Hz", 200, low=50, high=1000, source="dettmers2015",
        ...               locator="Part II", provenance="stated")
        >>> q = p.with_override("1 Hz")
        >>> q.provenance, q.source, q.replaces, q.is_uncertain
        ('user', 'user', 'dettmers2015, Part II (was 200 Hz)', False)
        """
        changed = self.with_value(value, keep_range=keep_range)
        where = ", ".join(part for part in (self.source or "no source", self.locator) if part)
        return replace(
            changed,
            source=source,
            locator=title,
            provenance="user",
            verified=True,
            replaces=self.replaces or f"{where} (was {self.value:g} {self.unit})",
        )

    def to_record(self) -> dict[str, Any]:
        """A plain mapping of every field (the distribution as its spec)."""
        return {
            "name": self.name,
            "symbol": self.symbol,
            "unit": self.unit,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "distribution": self.distribution.to_spec(),
            "source": self.source,
            "locator": self.locator,
            "provenance": self.provenance,
            "verified": self.verified,
            "note": self.note,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "bounds_source": self.bounds_source,
            "bounds_locator": self.bounds_locator,
            "replaces": self.replaces,
        }


#: Field names, in declaration order: the columns of an assumption table.
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Parameter))
#: Keys a parameter record (a TOML table) may hold.
RECORD_KEYS = frozenset(FIELDS) - {"name"}


def _number_in_unit(raw: Any, unit: str, name: str, key: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise InvalidValueError(name, f"{key} must be a number or a quantity string, got {raw!r}")
    try:
        return float(as_quantity(raw, unit, f"{name}.{key}").m_as(unit))
    except UnitMismatchError as exc:
        raise UnitMismatchError(f"{name}.{key}", exc.expected, exc.actual) from None


def parameter_from_record(name: str, record: Mapping[str, Any]) -> Parameter:
    """Build a :class:`Parameter` from a TOML table.

    ``value``, ``low`` and ``high`` may be numbers in ``unit`` or strings with their own
    unit (``"75000 synapse/neuron"``); a string value without ``unit`` sets the unit.
    """
    unknown = set(record) - RECORD_KEYS
    if unknown:
        raise InvalidValueError(name, f"unknown key(s) {', '.join(sorted(unknown))}")
    if "value" not in record:
        raise InvalidValueError(name, "missing 'value'")
    unit = record.get("unit")
    raw_value = record["value"]
    if unit is None:
        if not isinstance(raw_value, str):
            raise InvalidValueError(name, "missing 'unit' (or give value as '<number> <unit>')")
        quantity = parse_quantity(raw_value, name)
        unit = "dimensionless" if quantity.dimensionless else f"{quantity.units}"
    if not isinstance(unit, str):
        raise InvalidValueError(name, f"unit must be a string, got {unit!r}")
    value = _number_in_unit(raw_value, unit, name, "value")
    low = None if record.get("low") is None else _number_in_unit(record["low"], unit, name, "low")
    high = (
        None if record.get("high") is None else _number_in_unit(record["high"], unit, name, "high")
    )
    spec = record.get("distribution")
    distribution = None
    if spec is not None:
        if not isinstance(spec, Mapping):
            raise InvalidValueError(name, "distribution must be a table such as {kind = ...}")
        distribution = from_spec(spec, name)
        shape = distribution.base if isinstance(distribution, Truncated) else distribution
        if low is None and shape.kind != "point":
            low, high = shape.interval90()
    verified = record.get("verified", True)
    if not isinstance(verified, bool):
        raise InvalidValueError(name, "verified must be true or false")
    bounds = {
        key: None if record.get(key) is None else _number_in_unit(record[key], unit, name, key)
        for key in ("minimum", "maximum")
    }
    text_fields = {}
    for key in ("provenance", *_TEXT_LABELS):
        text = record.get(key, "")
        if not isinstance(text, str):
            raise InvalidValueError(name, f"{key} must be a string")
        text_fields[key] = text
    return Parameter(
        name=name,
        symbol=text_fields["symbol"] or name.rsplit(".", 1)[-1],
        unit=unit,
        value=value,
        low=low,
        high=high,
        distribution=distribution,  # type: ignore[arg-type]
        source=text_fields["source"],
        locator=text_fields["locator"],
        provenance=text_fields["provenance"] or "assumed",  # type: ignore[arg-type]
        verified=verified,
        note=text_fields["note"],
        replaces=text_fields["replaces"],
        bounds_source=text_fields["bounds_source"],
        bounds_locator=text_fields["bounds_locator"],
        **bounds,
    )
