"""User scenario files: a preset with your own changes, in TOML.

A scenario starts from a built-in preset and changes it::

    [scenario]
    base = "dettmers2015"              # or "dettmers2015:granule-own-filter"
    remove = ["other"]                 # populations or formulas of the base to drop

    [set]                              # change parameters of the base
    firing_rate = "20 Hz"              # a bare value: number in the unit, or quantity text
    "purkinje.synapses" = { value = 75000, low = 50000, high = 100000 }

    [parameters.glia.count]            # new parameters (same form as in presets)
    value = "8.5e10 neuron"

    [[formulas]]                       # new stages: an expression over parameter names
    name = "glia"
    formula = "glia.count * glia.cost"

``[[populations]]`` and ``[[correlations]]`` add populations and rank correlations in the
form presets use. See ``docs/scenarios.md`` for the whole format.

Everything a user writes is data: formulas go through
:func:`brainflops.models.expressions.parse_formula` (a whitelist over :mod:`ast`), and every
quantity or unit string is checked against a small grammar before pint sees it (pint
would otherwise evaluate ``10**10**10``). Every problem in a file is collected and raised
together as one :class:`~brainflops.core.errors.ScenarioError` whose ``problems`` read
``FILE:LINE: key: message``.
"""

from __future__ import annotations

import difflib
import json
import keyword
import math
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

from brainflops.core.errors import BrainflopsError, ScenarioError, UnknownNameError
from brainflops.core.io import UnsafePathError, read_limited
from brainflops.core.units import (
    as_quantity,
    parse_quantity,
    parse_unit,
    quantity_text_problem,
    unit_text_problem,
    ureg,
)
from brainflops.data.citations import bibliography, check_entries
from brainflops.models.model import Model
from brainflops.models.presets import (
    CORRELATION_KEYS,
    FORMULA_KEYS,
    POPULATION_KEYS,
    PRESET_KEYS,
    apply_overrides,
    build_model,
    flatten_parameters,
    load_preset,
    nest_parameters,
    preset_document,
    select_variant,
)
from brainflops.ops.stages import POPULATION_ROLES, STAGES
from brainflops.params.parameters import RECORD_KEYS, Parameter

__all__ = [
    "load_scenario",
    "new_scenario_text",
    "scenario_from_text",
    "validate_scenario",
]

#: Largest scenario file read, in bytes.
MAX_FILE_BYTES = 1_000_000
#: Most keys a scenario document may hold, counted through every table and array, and
#: most entries (parameters set or added, populations, formulas, correlations) in each
#: section. Building costs about a millisecond per parameter, so these bound validation
#: to a few seconds whatever the file holds.
MAX_KEYS = 20_000
#: Draws ``validate`` takes of a formula that subtracts (see :func:`_has_subtraction`).
VALIDATION_DRAWS = 200_000
MAX_ENTRIES = 1_000
_MAX_DEPTH = 12

_TOP_KEYS = (
    "scenario",
    "set",
    "parameters",
    "populations",
    "formulas",
    "correlations",
    "bibliography",
)
_META_TEXT = tuple(sorted(PRESET_KEYS - {"reported", "year", "scenario", "bibliography"}))
_META_KEYS = frozenset({"base", "remove", "reported", "year", *_META_TEXT})
_NUMBER_KEYS = ("value", "low", "high")
_TEXT_KEYS = ("symbol", "source", "locator", "provenance", "note")
_ROLES = frozenset(POPULATION_ROLES) | {r for s in STAGES.values() for r in s.roles}
_NAME_PART = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_ORIGIN = "\x00scenario\x00"  # marks build_model's prefix so it can be replaced


# --------------------------------------------------------------------------- public API
def load_scenario(path: str | os.PathLike[str]) -> Model:
    """Build the model a scenario file describes.

    Parameters
    ----------
    path:
        A TOML scenario file (see ``docs/scenarios.md``).

    Returns
    -------
    Model
        The scenario's model, named after ``[scenario].name`` or the file's stem.

    Raises
    ------
    ScenarioError
        Listing every problem found, each as ``FILE:LINE: key: message``; also when the
        file cannot be read.
    """
    origin = os.fspath(path)
    return scenario_from_text(_read_text(origin), origin)


def scenario_from_text(text: str, origin: str = "<scenario>") -> Model:
    """Build the model a scenario's TOML text describes.

    Parameters
    ----------
    text:
        The scenario document.
    origin:
        Where the text comes from (a path), used in messages; a ``.toml`` path also
        gives the default scenario name (its stem).

    Raises
    ------
    ScenarioError
        Listing every problem found.

    Examples
    --------
    >>> model = scenario_from_text('[scenario]\\nbase = "dettmers2015"\\n[set]\\nfiring_rate = "100 Hz"')
    >>> f"{model.central().m_as('FLOP/s'):.4g}"
    '5.382e+20'
    """
    if not isinstance(text, str):
        raise ScenarioError([f"{origin}: expected TOML text, got {type(text).__name__}"])
    return _Reader(text.removeprefix("\ufeff"), origin).model()


def validate_scenario(path: str | os.PathLike[str]) -> list[str]:
    """Every problem of a scenario file, one line each; empty when the file is valid.

    A valid file builds, evaluates to a finite, positive FLOP/s and can be sampled.
    """
    try:
        load_scenario(path)
    except ScenarioError as exc:
        return list(exc.problems)
    return []


def new_scenario_text(preset: str) -> str:
    """A commented scenario file that reproduces ``preset`` and lists every parameter.

    Each parameter of the preset appears under ``[set]`` with its current value, unit and
    range, so that editing a number is all it takes; comments give its symbol, source,
    provenance and note. Commented examples show how to add parameters, populations and
    formula stages and how to remove a population.

    Parameters
    ----------
    preset:
        A built-in preset, or ``preset:variant``.
    """
    base, _, variant = preset.partition(":")
    document = preset_document(base)
    if variant:
        document = select_variant(document, variant)
    model = load_preset(preset)
    records = flatten_parameters(document.get("parameters", {}))
    meta = document.get("preset", {})
    out = [
        f"# brainflops scenario based on the preset {preset}:",
        f"#   {_one_line(meta.get('title', ''))}",
        "# As written it reproduces the preset exactly. Edit the values under [set], add",
        "# parameters, populations or formula stages, then check the file with",
        "#   brainflops validate FILE",
        "# and use it with --scenario FILE. The format is described in docs/scenarios.md.",
        "",
        "[scenario]",
        f"base = {_toml(preset)}",
        '# name = "my-scenario"        # defaults to the file name',
        f"# title = {_toml(_one_line(meta.get('title', preset)) + ' (my changes)')}",
        '# description = "What this scenario changes and why."',
        '# remove = ["<population or formula name>"]   # drop parts of the base model',
        "",
        "# Every parameter of the base. A bare number is in the parameter's unit; text such",
        '# as "75000 synapse/neuron" carries its own. Setting only `value` keeps the 90% range',
        "# when the new value lies inside it; otherwise the parameter becomes certain.",
        "[set]",
    ]
    for name, parameter in model.parameters.items():
        out += ["", *_parameter_comment(parameter)]
        out.append(f"{_toml_key(name)} = {_toml(_override_of(parameter, records.get(name, {})))}")
    out += ["", *_structure_comment(document), *_EXAMPLES]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------- reading files
def _read_text(origin: str) -> str:
    """The file's text: a regular file of at most MAX_FILE_BYTES, UTF-8 (a BOM is skipped)."""
    try:
        data = read_limited(origin, MAX_FILE_BYTES)
    except UnsafePathError as exc:
        raise ScenarioError([f"{origin}: {exc.reason}"]) from None
    except OSError as exc:
        raise ScenarioError([f"{origin}: cannot read: {exc.strerror or exc}"]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError([f"{origin}: not UTF-8 text (byte {exc.start})"]) from None


def _parse_toml(text: str, origin: str) -> dict[str, Any]:
    if not text.strip():
        raise ScenarioError([f"{origin}: the file is empty"])
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise ScenarioError(
            [f"{origin}: the text is too large for a scenario (at most {MAX_FILE_BYTES} bytes)"]
        )
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([_toml_error(str(exc), text, origin)]) from None
    except RecursionError:
        raise ScenarioError(
            [f"{origin}: invalid TOML: arrays or inline tables nested too deeply"]
        ) from None
    if not document:
        raise ScenarioError([f"{origin}: the file has no tables or keys (only comments)"])
    return document


def _toml_error(message: str, text: str, origin: str) -> str:
    found = re.search(r"\(at line (\d+), column (\d+)\)", message)
    reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
    if "overwrite" in reason or "declare" in reason or "Cannot" in reason:
        duplicate = _Lines(text).duplicates
        if duplicate:
            key, line = duplicate[0]
            return f"{origin}:{line}: {key}: invalid TOML: defined twice"
    if found:
        return f"{origin}:{found.group(1)}: invalid TOML: {reason} (column {found.group(2)})"
    return f"{origin}: invalid TOML: {reason}"


class _Lines:
    """Line numbers of the keys and table headers in a TOML text.

    A small scanner, not a parser: it follows table headers, arrays of tables, dotted and
    quoted keys, and skips values (strings of every kind, nested arrays and inline
    tables). Keys are recorded as dotted paths with ``[i]`` for the i-th entry of an
    array of tables (``populations[1].stages``). It never raises; text it does not
    understand is skipped to the end of the line.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: dict[str, int] = {}
        self.duplicates: list[tuple[str, int]] = []
        self._values: set[str] = set()
        self._headers: set[str] = set()
        self._arrays: dict[str, int] = {}
        self._pos = 0
        self._line = 1
        self._scan()

    def find(self, key: str) -> int | None:
        """The line of ``key``, else of its first child, else of its closest parent."""
        if key not in self.lines:
            children = [n for k, n in self.lines.items() if k.startswith((f"{key}.", f"{key}["))]
            if children:
                return min(children)
        while key:
            if key in self.lines:
                return self.lines[key]
            cut = max(key.rfind("."), key.rfind("["))
            if cut <= 0:
                return None
            key = key[:cut]
        return None

    # ---------------------------------------------------------------- scanning
    def _peek(self, offset: int = 0) -> str:
        index = self._pos + offset
        return self.text[index] if index < len(self.text) else ""

    def _scan(self) -> None:
        table = ""
        while self._pos < len(self.text):
            self._skip_blank(newlines=True)
            if self._pos >= len(self.text):
                break
            start_line = self._line
            if self._peek() == "[":
                table = self._header(start_line, table)
            else:
                parts = self._key()
                self._skip_blank(newlines=False)
                if parts and self._peek() == "=":
                    self._pos += 1
                    self._record(_join(table, parts), start_line, value=True)
                    self._skip_value()
            self._skip_line()

    def _header(self, line: int, table: str) -> str:
        array = self._peek(1) == "["
        self._pos += 2 if array else 1
        parts = self._key()
        self._skip_blank(newlines=False)
        closing = "]]" if array else "]"
        if not parts or not self.text.startswith(closing, self._pos):
            return table
        self._pos += len(closing)
        path = ""
        for part in parts[:-1]:
            path = _join(path, [part])
            if path in self._arrays:
                path += f"[{self._arrays[path] - 1}]"
        path = _join(path, parts[-1:])
        if array:
            self._arrays[path] = self._arrays.get(path, 0) + 1
            path += f"[{self._arrays[path] - 1}]"
            self.lines.setdefault(path, line)
        else:
            self._record(path, line, value=False)
        return path

    def _record(self, path: str, line: int, *, value: bool) -> None:
        if path in self._values or path in self._headers:
            self.duplicates.append((path, line))
        (self._values if value else self._headers).add(path)
        self.lines.setdefault(path, line)

    def _key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self._skip_blank(newlines=False)
            char = self._peek()
            if char in ("'", '"'):
                part = self._quoted_key(char)
            else:
                match = re.compile(r"[A-Za-z0-9_-]+").match(self.text, self._pos)
                part = match.group(0) if match else None
                if match:
                    self._pos = match.end()
            if part is None:
                return []
            parts.append(part)
            self._skip_blank(newlines=False)
            if self._peek() != ".":
                return parts
            self._pos += 1

    def _quoted_key(self, quote: str) -> str | None:
        end = self._string_end(self._pos, quote)
        if end is None:
            return None
        raw = self.text[self._pos : end]
        self._pos = end
        try:
            return str(tomllib.loads(f"k = {raw}")["k"])
        except tomllib.TOMLDecodeError:
            return None

    def _string_end(self, start: int, quote: str) -> int | None:
        """Index just past the string starting at ``start`` (single- or multi-line)."""
        triple = self.text.startswith(quote * 3, start)
        delimiter = quote * 3 if triple else quote
        index = start + len(delimiter)
        while index < len(self.text):
            char = self.text[index]
            if char == "\\" and quote == '"':
                index += 2
                continue
            if char == "\n" and not triple:
                return None
            if self.text.startswith(delimiter, index):
                end = index + len(delimiter)
                while triple and self.text.startswith(quote, end) and end - index < 5:
                    end += 1  # up to two quotes may end a multi-line string's content
                return end
            index += 1
        return None

    def _skip_value(self) -> None:
        depth = 0
        while self._pos < len(self.text):
            char = self._peek()
            if char in ("'", '"'):
                end = self._string_end(self._pos, char)
                if end is None:
                    return
                self._line += self.text.count("\n", self._pos, end)
                self._pos = end
                continue
            if char == "#":
                while self._pos < len(self.text) and self._peek() != "\n":
                    self._pos += 1
                continue
            if char == "\n":
                if depth <= 0:
                    return
                self._line += 1
            elif char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
            self._pos += 1

    def _skip_blank(self, *, newlines: bool) -> None:
        while self._pos < len(self.text):
            char = self._peek()
            if char in " \t\r":
                self._pos += 1
            elif char == "\n" and newlines:
                self._line += 1
                self._pos += 1
            elif char == "#" and newlines:
                while self._pos < len(self.text) and self._peek() != "\n":
                    self._pos += 1
            else:
                return

    def _skip_line(self) -> None:
        while self._pos < len(self.text) and self._peek() != "\n":
            self._pos += 1


def _join(prefix: str, parts: list[str]) -> str:
    return ".".join([prefix, *parts]) if prefix else ".".join(parts)


# ------------------------------------------------------------------- document building
class _Reader:
    """Turns one scenario document into a model, collecting every problem on the way.

    Problems are ``(key, message)`` pairs; the key is the dotted path of the offending
    entry in the scenario file (``set.firing_rate``, ``populations[0].stages``), which
    also finds its line. Problems that :func:`~brainflops.models.presets.build_model` reports on
    the merged document are moved onto the scenario's keys through :attr:`where`.
    """

    def __init__(self, text: str, origin: str) -> None:
        self.text = text
        self.origin = origin
        self.problems: list[tuple[str, str]] = []
        self.where: dict[str, str] = {}  # key in the merged document -> key in the file
        self.failed: set[str] = set()  # new parameters left out because of a problem
        self.formulas: dict[str, str] = {}  # formula text -> key, for keyless messages
        self.meta_key = "scenario"
        self._lines: _Lines | None = None

    # ------------------------------------------------------------------ output
    def add(self, key: str, message: str) -> None:
        """Record one problem at ``key`` (empty when it concerns the whole file)."""
        self.problems.append((key, message))

    def formatted(self) -> list[str]:
        """The problems as ``FILE:LINE: key: message`` lines in file order, without repeats."""
        out: list[str] = []
        seen: set[str] = set()
        lines: list[int] = []
        for key, message in self.problems:
            if key and self._lines is None:
                self._lines = _Lines(self.text)
            line = self._lines.find(key) if key and self._lines is not None else None
            place = f"{self.origin}:{line}" if line else self.origin
            text = _printable(f"{place}: {key}: {message}" if key else f"{place}: {message}")
            if text not in seen:
                seen.add(text)
                out.append(text)
                lines.append(line or 0)
        order = sorted(range(len(out)), key=lambda i: lines[i])
        return [out[i] for i in order]

    # ------------------------------------------------------------------- model
    def model(self) -> Model:
        """The scenario's model; raises ScenarioError listing every problem."""
        document = _parse_toml(self.text, self.origin)
        self._check_size(document)
        merged = self._merge(document)
        model = self._build(merged) if merged is not None else None
        if self.problems or model is None:
            raise ScenarioError(self.formatted() or [f"{self.origin}: invalid scenario"])
        return model

    def _check_size(self, document: dict[str, Any]) -> None:
        """Refuse documents whose size would make validation slow (see MAX_KEYS)."""
        keys = 0
        pending: list[Any] = [document]
        while pending and keys <= MAX_KEYS:
            item = pending.pop()
            children = item.values() if isinstance(item, dict) else item
            keys += len(item) if isinstance(item, dict) else 0
            pending.extend(c for c in children if isinstance(c, dict | list))
        if keys > MAX_KEYS:
            message = f"more than {MAX_KEYS} keys; a scenario may hold at most {MAX_KEYS}"
            raise ScenarioError([f"{self.origin}: {message}"])
        for section in ("set", *_TOP_KEYS[3:]):
            entries = document.get(section)
            if isinstance(entries, dict | list) and len(entries) > MAX_ENTRIES:
                message = f"{len(entries)} entries; at most {MAX_ENTRIES} per section"
                raise ScenarioError([f"{self.origin}: {section}: {message}"])

    def _merge(self, document: dict[str, Any]) -> dict[str, Any] | None:
        preset_form = "scenario" not in document and "preset" in document
        self.meta_key = "preset" if preset_form else "scenario"
        allowed = (*_TOP_KEYS[1:], "preset", "variants") if preset_form else _TOP_KEYS
        for key in document:
            if key not in allowed:
                self.add(
                    key, f"unknown table{_suggest(key, allowed)}; expected {', '.join(allowed)}"
                )
        if self.meta_key not in document:
            self.add(
                "scenario",
                'missing table [scenario] with base = "<preset>" (or name '
                "and title for a model written from scratch)",
            )
            return None
        meta = self._meta_table(document, preset_form=preset_form)
        base = meta.get("base")
        started: tuple[Model | None, dict[str, Any]] | None = (
            self._base(base) if base is not None else self._scratch(document, meta)
        )
        if started is None:
            return None
        base_model, merged = started
        self._remove(merged, meta.get("remove"))
        try:
            records = flatten_parameters(merged.get("parameters", {}))
        except ScenarioError as exc:
            self.add("", "; ".join(exc.problems))
            return None
        if base_model is not None:
            overrides = self._overrides(self._table(document, "set"), records, base_model)
        else:
            overrides = {}
        self._new_parameters(self._table(document, "parameters"), records)
        merged["parameters"] = nest_parameters(records)
        try:
            merged = apply_overrides(merged, overrides)
        except ScenarioError as exc:  # every name and key was checked above
            for problem in exc.problems:
                self.add("set", problem)
        for kind in ("populations", "formulas", "correlations"):
            self._append(merged, document, kind)
        merged["preset"] = self._meta(merged.get("preset", {}), meta, base)
        merged.pop("variants", None)
        self._sources(document, merged)
        return merged

    def _sources(self, document: dict[str, Any], merged: dict[str, Any]) -> None:
        """Check the scenario's own ``[bibliography]`` entries and that every parameter's
        source is a known key (packaged or declared here); keep the entries on the model."""
        own = document.get("bibliography", {})
        for path, message in check_entries(own):
            self.add(path, message)
        if not isinstance(own, Mapping):
            return
        if own:
            merged["preset"]["bibliography"] = dict(own)
        known = {**bibliography(), **own}
        overridden = self._table(document, "set")
        for name, record in flatten_parameters(merged.get("parameters", {})).items():
            source = record.get("source")
            if isinstance(source, str) and source and source not in known:
                self.add(
                    f"set.{name}" if name in overridden else f"parameters.{name}.source",
                    f"unknown source key {source!r}{_suggest(source, known)}; declare it as "
                    f"[bibliography.{source}] with author, year and title",
                )

    def _build(self, merged: dict[str, Any]) -> Model | None:
        # Overflow in a check is expected (the unit check evaluates formulas at magnitude
        # one, the model works in logs); results are tested for finiteness instead.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            try:
                model = build_model(merged, origin=_ORIGIN)
            except ScenarioError as exc:
                for problem in exc.problems:
                    self._add_built(problem.removeprefix(f"{_ORIGIN}: "))
                return None
            except BrainflopsError as exc:
                self.add("", str(exc).replace("\n", "; "))
                return None
            except (TypeError, ValueError, ArithmeticError) as exc:
                # A formula the unit check accepts but sympy or numpy cannot handle.
                self.add("", f"the model cannot be built: {type(exc).__name__}: {exc}")
                return None
            if not self.problems:
                self._evaluate(model)
        return model

    def _evaluate(self, model: Model) -> None:
        """Check that the model gives a finite estimate and can be sampled."""
        for index, item in enumerate(model.document.get("correlations", [])):
            for side in ("a", "b"):
                name = item[side]
                if name in model.parameters and not model.parameters[name].is_uncertain:
                    key = self.where.get(f"correlations[{index}]", f"correlations[{index}]")
                    self.add(
                        f"{key}.{side}",
                        f"{name!r} is certain (no range or "
                        "distribution), so it cannot be correlated",
                    )
        if self.problems:
            return
        try:
            if not math.isfinite(model.central_log10()):
                self.add("", "the central estimate is not finite")
            draws = VALIDATION_DRAWS if any(_has_subtraction(t.expr) for t in model.terms) else 64
            model.sample(draws, seed=0, progress=False)
        except BrainflopsError as exc:
            self.add(self._key_of_error(exc), str(exc).replace("\n", "; "))
        except (TypeError, ValueError, ArithmeticError) as exc:
            # e.g. a formula that is negative somewhere has no logarithm.
            self.add("", f"the model cannot be evaluated: {type(exc).__name__}: {exc}")

    def _key_of_error(self, exc: BrainflopsError) -> str:
        """The scenario key of an evaluation error's parameter or term, if it has one."""
        name = str(getattr(exc, "name", ""))
        if f"parameters.{name}" in self.where:
            return self.where[f"parameters.{name}"]
        for term in name.split(", "):
            stage = term.rsplit("/", 1)[-1]
            if f"formulas.{stage}" in self.where:
                return self.where[f"formulas.{stage}"]
        return ""

    def _add_built(self, problem: str) -> None:
        """Record a problem reported by build_model, moved onto the scenario's keys."""
        if any(
            re.search(rf"(?<![\w.]){re.escape(name)}(?![\w.])", problem) for name in self.failed
        ):
            return  # a consequence of a parameter already reported and left out
        match = re.match(
            r"([A-Za-z_][\w.]*(?:\[\d+\][\w.]*)?)(\s*\([^)]*\))?:\s*(.*)$",
            problem,
            flags=re.DOTALL,
        )
        if not match:
            # An expression error without its key: find the formula by its text.
            keys = [k for text, k in self.formulas.items() if repr(text)[1:-1] in problem]
            self.add(keys[0] if keys else "", problem)
            return
        key, context, message = match.group(1), match.group(2), match.group(3)
        if context:
            message = f"{context.strip().strip('()')}: {message}"
        if key.startswith("parameters."):
            message = message.removeprefix(f"{key.removeprefix('parameters.')}.")
        self.add(self._map_key(key), message)

    def _map_key(self, key: str) -> str:
        for prefix in sorted(self.where, key=len, reverse=True):
            if key == prefix or key.startswith((f"{prefix}.", f"{prefix}[")):
                return self.where[prefix] + key[len(prefix) :]
        if key.startswith("preset."):
            return f"{self.meta_key}.{key.removeprefix('preset.')}"
        return key

    # ------------------------------------------------------------ base models
    def _base(self, base: Any) -> tuple[Model, dict[str, Any]] | None:
        if self.meta_key == "preset":
            self.add("preset.base", "a preset-form file cannot have a base; use [scenario]")
            return None
        if not isinstance(base, str) or not base.strip():
            self.add(
                "scenario.base",
                f'expected a preset name such as "dettmers2015", got {_kind(base)}',
            )
            return None
        name, _, variant = base.partition(":")
        try:
            document = preset_document(name)
            if variant:
                document = select_variant(document, variant)
            base_model = load_preset(base)
        except BrainflopsError as exc:
            self.add("scenario.base", str(exc).replace("\n", "; "))
            return None
        for kind in ("populations", "formulas"):
            for item in document.get(kind, []):
                label = f"{kind}.{item.get('name')}"
                self.where[label] = f"{label} (from {base})"
        return base_model, document

    def _scratch(
        self, document: Mapping[str, Any], meta: Mapping[str, Any]
    ) -> tuple[None, dict[str, Any]] | None:
        if "set" in document:
            self.add(
                "set",
                "[set] changes a base preset: give scenario.base, or define the "
                "parameters under [parameters]",
            )
        if "remove" in meta:
            self.add(f"{self.meta_key}.remove", "remove needs scenario.base")
        if not any(k in document for k in ("populations", "formulas")):
            self.add(
                f"{self.meta_key}.base",
                'missing: give base = "<preset>", or write a whole model with '
                "[parameters] and [[populations]] or [[formulas]]",
            )
            return None
        return None, {"parameters": {}}

    # -------------------------------------------------------------- sections
    def _table(self, document: Mapping[str, Any], key: str) -> dict[str, Any]:
        value = document.get(key, {})
        if not isinstance(value, dict):
            self.add(key, f"expected a table ([{key}]), got {_kind(value)}")
            return {}
        return value

    def _meta_table(self, document: Mapping[str, Any], *, preset_form: bool) -> dict[str, Any]:
        meta = self._table(document, self.meta_key)
        allowed = _META_KEYS - {"remove"} if preset_form else _META_KEYS
        for name in meta:
            if name not in allowed:
                self.add(f"{self.meta_key}.{name}", f"unknown key{_suggest(name, allowed)}")
        return meta

    def _remove(self, merged: dict[str, Any], remove: Any) -> None:
        if remove is None:
            return
        if not isinstance(remove, list) or not all(isinstance(r, str) for r in remove):
            self.add("scenario.remove", "expected a list of population or formula names")
            return
        removed: set[str] = set()
        for name in remove:
            if name in removed:
                self.add("scenario.remove", f"{name!r} is listed twice")
                continue
            removed.add(name)
            known = [
                str(i.get("name")) for k in ("populations", "formulas") for i in merged.get(k, [])
            ]
            if name not in known:
                self.add(
                    "scenario.remove", str(UnknownNameError("population or formula", name, known))
                )
                continue
            for kind in ("populations", "formulas"):
                merged[kind] = [i for i in merged.get(kind, []) if i.get("name") != name]

    def _overrides(
        self,
        table: Mapping[str, Any],
        records: dict[str, dict[str, Any]],
        base: Model,
    ) -> dict[str, Any]:
        leaves: dict[str, tuple[str, Any]] = {}
        self._set_leaves(table, "set", "", records, leaves, 0)
        overrides: dict[str, Any] = {}
        for name, (key, change) in leaves.items():
            self.where[f"parameters.{name}"] = key
            entry = dict(change) if isinstance(change, dict) else {"value": change}
            if not entry:
                self.add(key, "empty table; give value, low and high, distribution or unit")
                continue
            unknown = [k for k in entry if k not in RECORD_KEYS]
            for extra in unknown:
                self.add(f"{key}.{extra}", f"unknown key{_suggest(extra, RECORD_KEYS)}")
            if unknown:
                continue
            unit = entry.get("unit", base.parameters[name].unit)
            cleaned = self._clean_record(entry, key, unit if isinstance(unit, str) else None)
            if cleaned is None:
                continue
            if "unit" in cleaned:
                rescaled = self._rescale(records[name], base.parameters[name], cleaned, key)
                if rescaled is None:
                    continue
                records[name] = rescaled
            overrides[name] = cleaned
        return overrides

    def _set_leaves(
        self,
        table: Mapping[str, Any],
        key: str,
        prefix: str,
        records: Mapping[str, Any],
        out: dict[str, tuple[str, Any]],
        depth: int,
    ) -> None:
        if depth > _MAX_DEPTH:
            self.add(key, "nested too deeply")
            return
        for part, value in table.items():
            name, where = f"{prefix}{part}", f"{key}.{part}"
            if name in records:
                if name in out:
                    self.add(where, f"parameter {name!r} is set twice (also as {out[name][0]})")
                else:
                    out[name] = (where, value)
            elif isinstance(value, dict) and value and not set(value) & RECORD_KEYS:
                self._set_leaves(value, where, f"{name}.", records, out, depth + 1)
            else:
                self.add(
                    where,
                    f"{UnknownNameError('parameter', name, records)} "
                    "(new parameters go under [parameters])",
                )

    def _rescale(
        self,
        record: dict[str, Any],
        parameter: Parameter,
        entry: Mapping[str, Any],
        key: str,
    ) -> dict[str, Any] | None:
        """The base record in the override's unit, or without numbers if not convertible."""
        new_unit = entry["unit"]
        if new_unit == parameter.unit:
            return record
        try:
            target = parse_unit(new_unit, f"{key}.unit")
        except BrainflopsError as exc:
            self.add(f"{key}.unit", _tail(exc, f"{key}.unit"))
            return None
        kept = {k: v for k, v in record.items() if k in _TEXT_KEYS or k == "verified"}
        kept["unit"] = new_unit
        old = ureg.Quantity(1.0, parameter.unit)
        if not old.is_compatible_with(target):
            if "value" in entry:
                return {**kept, "value": entry["value"]}
            self.add(
                f"{key}.unit",
                f"{new_unit!r} ({target.dimensionality}) cannot be converted from the "
                f"parameter's unit {parameter.unit!r} ({old.dimensionality}); give value "
                "(and low and high) in the new unit",
            )
            return None
        factor = float(old.m_as(target))
        kept["value"] = parameter.value * factor
        if record.get("low") is not None and parameter.low is not None:
            kept["low"] = parameter.low * factor
        if record.get("high") is not None and parameter.high is not None:
            kept["high"] = parameter.high * factor
        if isinstance(record.get("distribution"), Mapping):
            kept["distribution"] = _scale_spec(record["distribution"], factor)
        return kept

    def _new_parameters(
        self, table: Mapping[str, Any], records: dict[str, dict[str, Any]]
    ) -> None:
        found: dict[str, tuple[str, dict[str, Any]]] = {}
        self._record_leaves(table, "parameters", "", found, 0)
        if len(found) > MAX_ENTRIES:
            self.add("parameters", f"{len(found)} new parameters; at most {MAX_ENTRIES}")
            return
        groups = {group: name for name in records for group in _groups(name)}
        for name, (key, record) in found.items():
            self.where[f"parameters.{name}"] = key
            if (problem := _new_name_problem(name, records, groups)) is not None:
                self.add(key, problem)
                self.failed.add(name)
                continue
            unknown = [k for k in record if k not in RECORD_KEYS]
            for extra in unknown:
                self.add(f"{key}.{extra}", f"unknown key{_suggest(extra, RECORD_KEYS)}")
            unit = record.get("unit")
            if unit is None and isinstance(record.get("value"), str):
                unit = _unit_of(record["value"])
            cleaned = self._clean_record(
                dict(record), key, unit if isinstance(unit, str) else None
            )
            if unknown or cleaned is None:
                self.failed.add(name)
                continue
            cleaned.setdefault("symbol", name)  # unique, unlike the default last part
            records[name] = cleaned
            groups.update(dict.fromkeys(_groups(name), name))

    def _record_leaves(
        self,
        table: Mapping[str, Any],
        key: str,
        prefix: str,
        out: dict[str, tuple[str, dict[str, Any]]],
        depth: int,
    ) -> None:
        if depth > _MAX_DEPTH:
            self.add(key, "nested too deeply")
            return
        for part, value in table.items():
            where, name = f"{key}.{part}", f"{prefix}{part}"
            if not isinstance(value, dict):
                self.add(
                    where,
                    "expected a parameter table with value and unit, such as "
                    '{ value = 3, unit = "Hz" }',
                )
            elif not value:
                self.add(where, "empty table; a parameter needs value and unit")
            elif set(value) & RECORD_KEYS or any(not isinstance(v, dict) for v in value.values()):
                out[name] = (where, value)
            else:
                self._record_leaves(value, where, f"{name}.", out, depth + 1)

    def _clean_record(
        self,
        record: dict[str, Any],
        key: str,
        unit: str | None,
    ) -> dict[str, Any] | None:
        """Check the types and text of a parameter record; None after reporting a problem.

        Numbers become floats, quantity text is checked against the grammar, and quantity
        text inside ``distribution`` becomes a number in ``unit``.
        """
        ok = True
        for field in _NUMBER_KEYS:
            if field in record:
                record[field] = self._number(record[field], f"{key}.{field}")
                ok = ok and record[field] is not None
        raw_unit = record.get("unit")
        if "unit" in record and not isinstance(raw_unit, str):
            self.add(f"{key}.unit", f'expected unit text such as "Hz", got {_kind(raw_unit)}')
            ok = False
        elif (
            isinstance(raw_unit, str) and raw_unit.strip() and (why := unit_text_problem(raw_unit))
        ):
            self.add(f"{key}.unit", why)
            ok = False
        for field in _TEXT_KEYS:
            if field in record and not isinstance(record[field], str):
                self.add(f"{key}.{field}", f"expected text, got {_kind(record[field])}")
                ok = False
        if "verified" in record and not isinstance(record["verified"], bool):
            self.add(f"{key}.verified", "expected true or false")
            ok = False
        if "distribution" in record:
            usable = ok and unit is not None and (not unit.strip() or not unit_text_problem(unit))
            spec = self._spec(
                record["distribution"], f"{key}.distribution", unit if usable else None, 0
            )
            record["distribution"] = spec
            ok = ok and spec is not None
        return record if ok else None

    def _number(self, raw: Any, key: str) -> float | str | None:
        """A finite float, checked quantity text, or None after reporting a problem."""
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            self.add(
                key, f'expected a number or text such as "75000 synapse/neuron", got {_kind(raw)}'
            )
            return None
        if isinstance(raw, str):
            problem = quantity_text_problem(raw)
            if problem:
                self.add(key, problem)
                return None
            return raw
        try:
            number = float(raw)
        except OverflowError:
            self.add(key, "integer too large for a float")
            return None
        if not math.isfinite(number):
            self.add(key, f"must be finite, got {raw}")
            return None
        return number

    def _positive_flops(self, value: float | str, key: str) -> bool:
        """Whether ``value`` (a number in FLOP/s or quantity text) is a positive rate."""
        try:
            number = float(as_quantity(value, "FLOP/s", key).m_as("FLOP/s"))
        except BrainflopsError as exc:
            self.add(key, _tail(exc, key))
            return False
        if not number > 0:
            self.add(key, f"a reported rate must be positive, got {value}")
            return False
        return True

    def _spec(self, spec: Any, key: str, unit: str | None, depth: int) -> dict[str, Any] | None:
        """Check a distribution table; quantity text becomes a number in ``unit``."""
        if depth > 3:
            self.add(key, "mixtures nested too deeply")
            return None
        if not isinstance(spec, dict):
            self.add(key, 'expected a table such as { kind = "lognormal90", low = 1, high = 10 }')
            return None
        out: dict[str, Any] = {}
        ok = True
        for field, raw in spec.items():
            where = f"{key}.{field}"
            if field == "kind":
                if not isinstance(raw, str):
                    self.add(where, f"expected text, got {_kind(raw)}")
                    ok = False
                out[field] = raw
            elif field == "components":
                components = self._components(raw, where, unit, depth)
                ok = ok and components is not None
                out[field] = components
            else:
                number = self._spec_number(raw, where, unit)
                ok = ok and number is not None
                out[field] = number
        return out if ok else None

    def _components(
        self,
        raw: Any,
        key: str,
        unit: str | None,
        depth: int,
    ) -> list[dict[str, Any]] | None:
        if not _is_table_list(raw) or not raw:
            self.add(key, "expected a non-empty array of tables, each with weight and kind")
            return None
        parts: list[dict[str, Any]] = []
        ok = True
        for index, item in enumerate(raw):
            where = f"{key}[{index}]"
            weight = item.get("weight")
            if "weight" not in item or isinstance(weight, str):
                self.add(f"{where}.weight", "expected a number")
                weight = None
            elif (weight := self._number(weight, f"{where}.weight")) is None:
                pass
            inner = self._spec(
                {k: v for k, v in item.items() if k != "weight"}, where, unit, depth + 1
            )
            if weight is None or inner is None:
                ok = False
                continue
            parts.append({"weight": weight, **inner})
        return parts if ok else None

    def _spec_number(self, raw: Any, key: str, unit: str | None) -> float | None:
        number = self._number(raw, key)
        if not isinstance(number, str):
            return number
        if unit is None:
            return None  # the unit's own problem is reported already
        try:
            return float(as_quantity(number, unit, key).m_as(unit))
        except BrainflopsError as exc:
            self.add(key, _tail(exc, key))
            return None

    def _append(self, merged: dict[str, Any], document: Mapping[str, Any], kind: str) -> None:
        items = document.get(kind)
        if items is None:
            return
        if not _is_table_list(items):
            self.add(kind, f"expected an array of tables ([[{kind}]]), got {_kind(items)}")
            return
        merged.setdefault(kind, [])
        for index, item in enumerate(items):
            key = f"{kind}[{index}]"
            if not self._check_item(item, key, kind):
                continue
            if kind != "correlations":
                name = item["name"]
                taken = {
                    str(i.get("name")): k
                    for k in ("populations", "formulas")
                    for i in merged.get(k, [])
                }
                if name in taken:
                    how = (
                        "is already in the model; list it in scenario.remove to replace it"
                        if taken[name] == kind
                        else f"is already the name of one of the {taken[name]}"
                    )
                    self.add(f"{key}.name", f"{name!r} {how}")
                    continue
                self.where[f"{kind}.{name}"] = key
            entry = dict(item)
            if kind == "formulas":
                self.formulas.setdefault(entry["formula"], key)
            if kind == "formulas" and "operation" not in entry:
                entry["operation"] = " ".join(entry["formula"].split())
            self.where[f"{kind}[{len(merged[kind])}]"] = key
            merged[kind].append(entry)

    def _check_item(self, item: Mapping[str, Any], key: str, kind: str) -> bool:
        """Keys and types of a population, formula or correlation table."""
        allowed, required = _ITEM_KEYS[kind]
        problems = [
            (f"{key}.{f}", f"unknown key{_suggest(f, allowed)}") for f in item if f not in allowed
        ]
        problems += [(f"{key}.{f}", "missing") for f in required if f not in item]
        for field in (
            "name",
            "label",
            "count",
            "firing_rate",
            "population",
            "formula",
            "operation",
            "a",
            "b",
        ):
            value = item.get(field, "?")
            if not isinstance(value, str):
                problems.append((f"{key}.{field}", f"expected text, got {_kind(value)}"))
            elif not value.strip():
                problems.append((f"{key}.{field}", "must not be empty"))
        stages = item.get("stages", ["synapses"])
        if (
            not isinstance(stages, list)
            or not stages
            or not all(isinstance(s, str) for s in stages)
        ):
            problems.append(
                (f"{key}.stages", f"expected a list of stage names ({', '.join(STAGES)})")
            )
        else:
            problems += [
                (f"{key}.stages", str(UnknownNameError("stage", stage, STAGES)))
                for stage in stages
                if stage not in STAGES
            ]
        bind = item.get("bind", {})
        if not isinstance(bind, dict) or not all(isinstance(v, str) for v in bind.values()):
            problems.append((f"{key}.bind", 'expected a table of role = "parameter name"'))
        else:
            problems += [
                (
                    f"{key}.bind.{role}",
                    f"unknown role{_suggest(role, _ROLES)}; roles are {', '.join(sorted(_ROLES))}",
                )
                for role in bind
                if role not in _ROLES
            ]
        rho = item.get("rho", 0.0)
        if isinstance(rho, bool) or not isinstance(rho, int | float) or not -1 <= rho <= 1:
            problems.append((f"{key}.rho", f"expected a number in [-1, 1], got {rho!r}"))
        for where, message in problems:
            self.add(where, message)
        return not problems

    def _meta(
        self, base_meta: Mapping[str, Any], meta: Mapping[str, Any], base: Any
    ) -> dict[str, Any]:
        # The base's headline belongs to the base's inputs, not to a changed model; a
        # scenario only carries a reported figure when it states one itself.
        out = {
            k: v
            for k, v in base_meta.items()
            if (k != "variant" or base is not None) and (k != "reported" or base is None)
        }
        prefix = self.meta_key
        for field in _META_TEXT:
            if field in meta:
                if isinstance(meta[field], str) and meta[field].strip():
                    out[field] = meta[field]
                else:
                    self.add(
                        f"{prefix}.{field}", f"expected non-empty text, got {_kind(meta[field])}"
                    )
        if "reported" in meta:
            reported = self._number(meta["reported"], f"{prefix}.reported")
            if reported is not None and self._positive_flops(reported, f"{prefix}.reported"):
                out["reported"] = reported
        if "year" in meta:
            year = meta["year"]
            if isinstance(year, bool) or not isinstance(year, int):
                self.add(f"{prefix}.year", f"expected a whole number, got {_kind(year)}")
            else:
                out["year"] = year
        stem = Path(self.origin).stem if self.origin.endswith(".toml") else "scenario"
        name = out["name"] if "name" in meta and "name" in out else stem
        out["name"] = name
        if "title" not in meta or "title" not in out:
            base_title = base_meta.get("title") if base is not None else None
            suffix = " (scenario)" if name == "scenario" else f" (scenario {name})"
            out["title"] = f"{base_title}{suffix}" if base_title else str(name)
        if base is not None:
            out["scenario"] = {"base": base}
        return out


_ITEM_KEYS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "populations": (POPULATION_KEYS, ("name", "stages")),
    "formulas": (FORMULA_KEYS, ("name", "formula")),
    "correlations": (CORRELATION_KEYS, ("a", "b", "rho")),
}


# ------------------------------------------------------------------------------ helpers
def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _kind(value: Any) -> str:
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "text",
        list: "an array",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


def _suggest(name: str, known: Any) -> str:
    close = difflib.get_close_matches(str(name), sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _tail(exc: BrainflopsError, key: str) -> str:
    text = str(exc).replace("\n", "; ")
    return text.removeprefix(f"{key}: ")


def _printable(text: str) -> str:
    """``text`` with control characters escaped (``\\x1b``), so that a key or file name
    cannot break a message into lines or send escape sequences to the terminal.

    >>> _printable("a\\x1b[2Jb\\nc")
    'a\\\\x1b[2Jb\\\\nc'
    """
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _has_subtraction(expr: Any) -> bool:
    """Whether a formula subtracts, so that it may turn negative for some draws.

    Parameters are positive, so a formula built with +, *, / and powers of them is
    positive everywhere and a few draws check it; one with a negative coefficient
    is checked with :data:`VALIDATION_DRAWS` draws.
    """
    return any(
        isinstance(node, sp.Number) and node < 0 and not isinstance(parent, sp.Pow)
        for parent in sp.preorder_traversal(expr)
        for node in parent.args
    )


def _groups(name: str) -> list[str]:
    """The dotted groups above a parameter name: ``a.b.c`` -> ``a``, ``a.b``."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _new_name_problem(
    name: str, records: Mapping[str, Any], groups: Mapping[str, str]
) -> str | None:
    """Why ``name`` cannot be a new parameter beside ``records``, or None.

    ``groups`` maps every dotted group of ``records`` (see :func:`_groups`) to a parameter
    in it, so the check is a few look-ups rather than a scan of every parameter.
    """
    problem = _name_problem(name)
    if problem is not None:
        return problem
    if name in records:
        return f"{name!r} is already a parameter of the base; change it under [set]"
    if name in groups:
        return f"{name!r} clashes with the parameter {groups[name]!r}"
    for group in _groups(name):
        if group in records:
            return f"{name!r} clashes with the parameter {group!r}"
    return None


def _name_problem(name: str) -> str | None:
    parts = name.split(".")
    for part in parts:
        if not _NAME_PART.match(part):
            return (
                f"parameter name {name!r}: each dotted part must be a letter followed by "
                "letters, digits or _"
            )
        if "__" in part:
            return f"parameter name {name!r}: double underscores are not allowed"
        if keyword.iskeyword(part):
            return f"parameter name {name!r}: {part!r} is a Python keyword, unusable in formulas"
    return None


def _unit_of(text: str) -> str | None:
    """The unit of quantity text, or None when it cannot be read."""
    try:
        quantity = parse_quantity(text.strip(), "value")
    except BrainflopsError:
        return None
    return "dimensionless" if quantity.dimensionless else f"{quantity.units}"


def _scale_spec(spec: Mapping[str, Any], factor: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in spec.items():
        if (
            key in ("low", "high", "value")
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            out[key] = value * factor
        elif key == "components" and isinstance(value, list):
            out[key] = [_scale_spec(c, factor) if isinstance(c, Mapping) else c for c in value]
        else:
            out[key] = value
    return out


# ------------------------------------------------------------------ writing new files
def _toml(value: Any) -> str:
    """A TOML literal for a number, text, boolean, list or (inline) table."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _toml_float(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return (
            "{ " + ", ".join(f"{_toml_key(str(k))} = {_toml(v)}" for k, v in value.items()) + " }"
        )
    msg = f"cannot write {type(value).__name__} as TOML"
    raise TypeError(msg)


def _toml_float(value: float) -> str:
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    text = repr(value)
    if "e" not in text and (abs(value) >= 1e6 or abs(value) < 1e-3):
        for digits in range(18):
            candidate = f"{value:.{digits}e}"
            if float(candidate) == value:
                return candidate
    return text


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml(key)


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


def _override_of(parameter: Any, record: Mapping[str, Any]) -> dict[str, Any]:
    """The [set] entry that reproduces ``parameter`` exactly."""
    entry: dict[str, Any] = {"value": parameter.value, "unit": parameter.unit}
    if record.get("low") is not None and parameter.low is not None:
        entry["low"] = parameter.low
        entry["high"] = parameter.high
    if isinstance(record.get("distribution"), Mapping):
        entry["distribution"] = dict(record["distribution"])
    return entry


def _parameter_comment(parameter: Parameter) -> list[str]:
    unit = parameter.unit or "dimensionless"
    if parameter.low is not None and parameter.high is not None:
        spread = f"90% range {_toml_float(parameter.low)} to {_toml_float(parameter.high)} {unit}"
    else:
        spread = "certain (no range)"
    central = _toml_float(parameter.value)
    head = f"{parameter.name} ({parameter.symbol}) [{unit}]: central {central} {unit}; {spread}"
    where = f", {_one_line(parameter.locator)}" if parameter.locator else ""
    check = "" if parameter.verified else "; not verified against the primary source"
    source = f"source: {parameter.source or 'none'}{where} ({parameter.provenance}{check})."
    lines = _wrap(f"{head}; distribution {parameter.distribution.kind}.", "# ", "#   ")
    lines += _wrap(source, "#   ", "#   ")
    if parameter.note:
        lines += _wrap(_one_line(parameter.note), "#   ", "#   ")
    return lines


def _wrap(text: str, first: str, rest: str, width: int = 92) -> list[str]:
    lines: list[str] = []
    line = first
    for word in text.split():
        if len(line) + len(word) > width and line.strip() not in ("", "#"):
            lines.append(line.rstrip())
            line = rest
        line += word + " "
    lines.append(line.rstrip())
    return lines


def _structure_comment(document: Mapping[str, Any]) -> list[str]:
    lines = ["# The base model's terms (list a name in scenario.remove to drop it):"]
    for population in document.get("populations", []):
        stages = ", ".join(population.get("stages", []))
        lines.append(f"#   population {population.get('name')}: {stages}")
    for formula in document.get("formulas", []):
        lines.append(f"#   formula {formula.get('name')}: {_one_line(formula.get('formula', ''))}")
    return [*lines, ""]


_EXAMPLES = """\
# New parameters use the preset form: value with a unit, optional low/high (a 90%
# range; lognormal unless a distribution is given), source and note.
# [parameters.glia.count]
# value = "8.5e10 neuron"
# low = 6e10
# high = 1e11
# source = "my-notes"
# [parameters.glia.cost]
# value = "10 FLOP/s/neuron"
# distribution = { kind = "loguniform", low = 1, high = 100 }

# A new stage: an expression over parameter names that must come out in FLOP/s.
# Allowed: numbers, parameter names, + - * / **, log, log10, exp, sqrt, min, max.
# [[formulas]]
# name = "glia"
# population = "astrocytes"
# formula = "glia.count * glia.cost"

# A new population runs pipeline stages (synapses, dendrites, dendritic_spikes, soma,
# axon_hillock, axon). Each role it needs (count, firing_rate, synapses, time_steps,
# ...) is the parameter named in bind.<role>, else <population>.<role>, else <role>;
# For example, bind = { time_steps = "time_steps" } shares the base's time_steps.
# [parameters.interneurons]
# count = { value = "1e9 neuron", low = 5e8, high = 2e9 }
# firing_rate = { value = "5 Hz" }
# synapses = { value = "5000 synapse/neuron" }
# time_steps = { value = "1 step" }
# [[populations]]
# name = "interneurons"
# label = "extra interneurons"
# stages = ["synapses", "soma"]

# Rank correlation between two uncertain parameters, used when sampling.
# [[correlations]]
# a = "glia.count"
# b = "interneurons.count"
# rho = 0.5

# A source of your own: every parameter's source must be a key of the packaged
# bibliography or of a [bibliography.KEY] table here (brainflops cite lists them).
# [bibliography.my-notes]
# author = "Doe, Jane"
# year = 2026
# title = "Notes on glia"
# url = "https://example.org/glia"
""".splitlines()
