"""Reading a scenario document into a model, every problem collected on the way.

Everything a user writes is data: formulas go through
:func:`brainflops.models.expressions.parse_formula` (a whitelist over :mod:`ast`), and every
quantity or unit string is checked against a small grammar before pint sees it (pint
would otherwise evaluate ``10**10**10``). Every problem in a file is collected and raised
together as one :class:`~brainflops.core.errors.ScenarioError` whose ``problems`` read
``FILE:LINE: key: message``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from brainflops.core.errors import BrainflopsError, ScenarioError, UnknownNameError
from brainflops.data.citations import bibliography, check_entries
from brainflops.models.model import Model
from brainflops.models.presets import (
    PRESET_KEYS,
    apply_overrides,
    build_model,
    flatten_parameters,
    load_preset,
    nest_parameters,
    preset_document,
    select_variant,
)
from brainflops.models.scenario.files import parse_toml, read_text
from brainflops.models.scenario.items import ItemTables
from brainflops.models.scenario.parameter_tables import MAX_ENTRIES, ParameterTables
from brainflops.models.scenario.problems import ProblemLog, kind_of, suggest
from brainflops.models.scenario.records import RecordChecker

__all__ = [
    "MAX_KEYS",
    "load_scenario",
    "scenario_from_text",
    "validate_scenario",
]

#: Most keys a scenario document may hold, counted through every table and array, and
#: (:data:`~brainflops.models.scenario.parameter_tables.MAX_ENTRIES`) most entries in each
#: section. Building costs about a millisecond per parameter, so these bound validation
#: to a few seconds whatever the file holds.
MAX_KEYS = 20_000

_TOP_KEYS = (
    "scenario",
    "set",
    "parameters",
    "populations",
    "formulas",
    "correlations",
    "bibliography",
)
# A preset's structural alternatives name its variants, which a scenario drops with them.
_NOT_TEXT = {"reported", "year", "scenario", "bibliography", "alternatives"}
_META_TEXT = tuple(sorted(PRESET_KEYS - _NOT_TEXT))
_META_KEYS = frozenset({"base", "remove", "reported", "year", *_META_TEXT})
_ORIGIN = "\x00scenario\x00"  # marks build_model's prefix so it can be replaced


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
    return scenario_from_text(read_text(origin), origin)


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


class _Reader:
    """Turns one scenario document into a model, collecting every problem on the way.

    Problems (see :class:`~brainflops.models.scenario.problems.ProblemLog`) are keyed by
    the dotted path of the offending entry in the scenario file. Problems that
    :func:`~brainflops.models.presets.build_model` reports on the merged document are
    moved onto the scenario's keys through :attr:`where`.
    """

    def __init__(self, text: str, origin: str) -> None:
        self.text = text
        self.origin = origin
        self.log = ProblemLog(text, origin)
        self.where: dict[str, str] = {}  # key in the merged document -> key in the file
        self.failed: set[str] = set()  # new parameters left out because of a problem
        self.formulas: dict[str, str] = {}  # formula text -> key, for keyless messages
        self.records = RecordChecker(self.log)
        self.parameters = ParameterTables(self.log, self.where, self.failed)
        self.items = ItemTables(self.log, self.where, self.formulas)
        self.meta_key = "scenario"

    # ------------------------------------------------------------------- model
    def model(self) -> Model:
        """The scenario's model; raises ScenarioError listing every problem."""
        document = parse_toml(self.text, self.origin)
        self._check_size(document)
        merged = self._merge(document)
        model = self._build(merged) if merged is not None else None
        if self.log or model is None:
            raise ScenarioError(self.log.formatted() or [f"{self.origin}: invalid scenario"])
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
                self.log.add(
                    key, f"unknown table{suggest(key, allowed)}; expected {', '.join(allowed)}"
                )
        if self.meta_key not in document:
            self.log.add(
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
            self.log.add("", "; ".join(exc.problems))
            return None
        if base_model is not None:
            overrides = self.parameters.overrides(
                self._table(document, "set"), records, base_model
            )
        else:
            overrides = {}
        self.parameters.add_new(self._table(document, "parameters"), records)
        merged["parameters"] = nest_parameters(records)
        preset = self._meta(merged.get("preset", {}), meta, base)
        try:
            # A changed value is the scenario's, cited by its file and title; the base's
            # citation moves to `replaces` (a restated base value keeps it).
            merged = apply_overrides(
                merged, overrides, source=self._source_name(), title=preset["title"]
            )
        except ScenarioError as exc:  # every name and key was checked above
            for problem in exc.problems:
                self.log.add("set", problem)
        for kind in ("populations", "formulas", "correlations"):
            self.items.append(merged, document, kind)
        merged["preset"] = preset
        merged.pop("variants", None)
        self._sources(document, merged)
        return merged

    def _sources(self, document: dict[str, Any], merged: dict[str, Any]) -> None:
        """Check the scenario's own ``[bibliography]`` entries and that every parameter's
        source is a known key: packaged, declared here, or this file (which cites the
        values it changes). The entries stay on the model for ``brainflops cite``."""
        own = document.get("bibliography", {})
        for key, message in check_entries(own):
            self.log.add(key, message)
        if not isinstance(own, Mapping):
            return
        preset = merged["preset"]
        this_file = {  # how changed values cite this scenario (see _source_name)
            "author": "brainflops scenario",
            "year": int(preset.get("year") or 0) or None,
            "title": str(preset.get("title", self._source_name())),
            "note": f"the scenario file {self._source_name()}",
        }
        entries = {self._source_name(): {k: v for k, v in this_file.items() if v}, **own}
        preset["bibliography"] = entries
        known = {**bibliography(), **entries}
        overridden = self._table(document, "set")
        for name, record in flatten_parameters(merged.get("parameters", {})).items():
            source = record.get("source")
            if isinstance(source, str) and source and source not in known:
                self.log.add(
                    f"set.{name}" if name in overridden else f"parameters.{name}.source",
                    f"unknown source key {source!r}{suggest(source, known)}; declare it as "
                    f"[bibliography.{source}] with author, year and title",
                )

    def _source_name(self) -> str:
        """How a changed parameter cites this scenario: its file name, or ``scenario``."""
        name = Path(self.origin).name
        return name if name and not name.startswith("<") else "scenario"

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
                self.log.add("", str(exc).replace("\n", "; "))
                return None
            except (TypeError, ValueError, ArithmeticError) as exc:
                # A formula the unit check accepts but sympy or numpy cannot handle.
                self.log.add("", f"the model cannot be built: {type(exc).__name__}: {exc}")
                return None
            if not self.log:
                self._evaluate(model)
        return model

    def _evaluate(self, model: Model) -> None:
        """Check that the model gives a finite estimate and can be sampled."""
        for index, item in enumerate(model.document.get("correlations", [])):
            for side in ("a", "b"):
                name = item[side]
                if name in model.parameters and not model.parameters[name].is_uncertain:
                    key = self.where.get(f"correlations[{index}]", f"correlations[{index}]")
                    self.log.add(
                        f"{key}.{side}",
                        f"{name!r} is certain (no range or "
                        "distribution), so it cannot be correlated",
                    )
        if self.log:
            return
        try:
            if not math.isfinite(model.central_log10()):
                self.log.add("", "the central estimate is not finite")
            # Terms that could turn negative were refused when the model was built (its
            # positivity check covers each parameter's 1e-6..1-1e-6 quantile box), so a
            # few draws suffice to show that sampling works.
            model.sample(64, seed=0, progress=False)
        except BrainflopsError as exc:
            self.log.add(self._key_of_error(exc), str(exc).replace("\n", "; "))
        except (TypeError, ValueError, ArithmeticError) as exc:
            # e.g. a formula that is negative somewhere has no logarithm.
            self.log.add("", f"the model cannot be evaluated: {type(exc).__name__}: {exc}")

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
            # An expression error without its key: find the formula by its stage name
            # ("glia = x - y: ...") or by its text.
            keys = [k for text, k in self.formulas.items() if repr(text)[1:-1] in problem]
            stage = re.match(r"([\w.]+) = ", problem)
            if stage and f"formulas.{stage.group(1)}" in self.where:
                keys.insert(0, self.where[f"formulas.{stage.group(1)}"])
            self.log.add(keys[0] if keys else "", problem)
            return
        key, context, message = match.group(1), match.group(2), match.group(3)
        if context:
            message = f"{context.strip().strip('()')}: {message}"
        if key.startswith("parameters."):
            message = message.removeprefix(f"{key.removeprefix('parameters.')}.")
        self.log.add(self._map_key(key), message)

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
            self.log.add("preset.base", "a preset-form file cannot have a base; use [scenario]")
            return None
        if not isinstance(base, str) or not base.strip():
            self.log.add(
                "scenario.base",
                f'expected a preset name such as "dettmers2015", got {kind_of(base)}',
            )
            return None
        name, _, variant = base.partition(":")
        try:
            document = preset_document(name)
            if variant:
                document = select_variant(document, variant)
            base_model = load_preset(base)
        except BrainflopsError as exc:
            self.log.add("scenario.base", str(exc).replace("\n", "; "))
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
            self.log.add(
                "set",
                "[set] changes a base preset: give scenario.base, or define the "
                "parameters under [parameters]",
            )
        if "remove" in meta:
            self.log.add(f"{self.meta_key}.remove", "remove needs scenario.base")
        if not any(k in document for k in ("populations", "formulas")):
            self.log.add(
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
            self.log.add(key, f"expected a table ([{key}]), got {kind_of(value)}")
            return {}
        return value

    def _meta_table(self, document: Mapping[str, Any], *, preset_form: bool) -> dict[str, Any]:
        meta = self._table(document, self.meta_key)
        # A copied preset file keeps its alternatives table; it goes with the variants.
        allowed = (_META_KEYS - {"remove"}) | {"alternatives"} if preset_form else _META_KEYS
        for name in meta:
            if name not in allowed:
                self.log.add(f"{self.meta_key}.{name}", f"unknown key{suggest(name, allowed)}")
        return meta

    def _remove(self, merged: dict[str, Any], remove: Any) -> None:
        if remove is None:
            return
        if not isinstance(remove, list) or not all(isinstance(r, str) for r in remove):
            self.log.add("scenario.remove", "expected a list of population or formula names")
            return
        removed: set[str] = set()
        for name in remove:
            if name in removed:
                self.log.add("scenario.remove", f"{name!r} is listed twice")
                continue
            removed.add(name)
            known = [
                str(i.get("name")) for k in ("populations", "formulas") for i in merged.get(k, [])
            ]
            if name not in known:
                self.log.add(
                    "scenario.remove", str(UnknownNameError("population or formula", name, known))
                )
                continue
            for kind in ("populations", "formulas"):
                merged[kind] = [i for i in merged.get(kind, []) if i.get("name") != name]

    def _meta(
        self, base_meta: Mapping[str, Any], meta: Mapping[str, Any], base: Any
    ) -> dict[str, Any]:
        # The base's headline belongs to the base's inputs, not to a changed model; a
        # scenario only carries a reported figure when it states one itself.
        out = {
            k: v
            for k, v in base_meta.items()
            if (k != "variant" or base is not None)
            and (k != "reported" or base is None)
            and k != "alternatives"
        }
        prefix = self.meta_key
        for field in _META_TEXT:
            if field in meta:
                if isinstance(meta[field], str) and meta[field].strip():
                    out[field] = meta[field]
                else:
                    self.log.add(
                        f"{prefix}.{field}", f"expected non-empty text, got {kind_of(meta[field])}"
                    )
        if "reported" in meta:
            reported = self.records.number(meta["reported"], f"{prefix}.reported")
            if reported is not None and self.records.positive_flops(
                reported, f"{prefix}.reported"
            ):
                out["reported"] = reported
        if "year" in meta:
            year = meta["year"]
            if isinstance(year, bool) or not isinstance(year, int):
                self.log.add(f"{prefix}.year", f"expected a whole number, got {kind_of(year)}")
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
