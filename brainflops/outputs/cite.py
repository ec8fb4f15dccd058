"""The sources a model uses: as BibTeX for papers, and as linked references for reports.

The keys come from the model's own ``source`` (and ``years_source``) and from every
parameter the model uses; entries come from a scenario's ``[bibliography]`` tables first,
then from the packaged bibliography (:mod:`brainflops.data.citations`). An unknown key is
an error naming it. Text fields are escaped for LaTeX with ``latexcodec``; URLs and DOIs
are written verbatim, as BibTeX's ``url`` and ``doi`` fields expect.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import latexcodec  # noqa: F401 - registers the "ulatex" codec

from brainflops.data.citations import entry

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from brainflops.models.model import Model

__all__ = ["Reference", "bibtex", "reference", "references", "source_keys"]

_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(?P<doi>10\..+)$")


@dataclass(frozen=True)
class Reference:
    """One source, ready to show: its key, a one-line citation and a link (DOI or URL)."""

    key: str
    text: str
    link: str
    doi: str
    short: str = ""  # "Moravec (1998)", "Azevedo et al. (2009)"


def source_keys(model: Model) -> list[str]:
    """Bibliography keys the model cites, in first-use order (its own source first)."""
    keys = [model.metadata.get("source"), model.metadata.get("years_source")]
    for name in model.used_parameters():
        keys += [model.parameters[name].source, model.parameters[name].bounds_source]
    return list(dict.fromkeys(k for k in keys if isinstance(k, str) and k))


def _own_entries(model: Model) -> Mapping[str, Mapping[str, Any]]:
    return model.metadata.get("bibliography", {}) or {}


def _doi(fields: Mapping[str, Any]) -> str:
    if fields.get("doi"):
        return str(fields["doi"])
    match = _DOI_URL.match(str(fields.get("url", "")))
    return match["doi"] if match else ""


def reference(key: str, own: Mapping[str, Mapping[str, Any]] | None = None) -> Reference:
    """The source ``key`` (from ``own`` entries first, then the bibliography), ready to show.

    >>> reference("landauer1961").short, reference("landauer1961").link
    ('Landauer (1961)', 'https://doi.org/10.1147/rd.53.0183')

    Raises
    ------
    UnknownNameError
        Naming a key found neither in ``own`` nor in the bibliography.
    """
    fields = entry(key, own or {})
    doi = _doi(fields)
    link = f"https://doi.org/{doi}" if doi else str(fields.get("url", ""))
    year = fields.get("year", "n.d.")
    author = str(fields["author"])
    names = [name.strip() for name in author.split(";") if name.strip()]
    # "Surname, Initials" bylines are cut to the surname; an organisation stays whole.
    surnames = [name.split(",")[0] if "," in name else name for name in names]
    lead = " & ".join(surnames) if len(surnames) == 2 else surnames[0]
    short = f"{lead}{' et al.' if len(surnames) > 2 else ''} ({year})"
    parts = [f"{author} ({year})", fields["title"], fields.get("venue")]
    text = ". ".join(str(p) for p in parts if p) + "."
    return Reference(key, text, link, doi, short)


def references(model: Model) -> list[Reference]:
    """Every source of ``model`` with a readable citation and its best link.

    Raises
    ------
    UnknownNameError
        Naming a source key found neither in the scenario nor in the bibliography.
    """
    return [reference(key, _own_entries(model)) for key in source_keys(model)]


def _latex(text: str) -> str:
    # latexcodec escapes & % # _ ~ and friends but leaves $ alone (it may open math).
    # "ulatex+utf8" encodes text to text (typeshed types every codec as bytes).
    escaped = cast("str", codecs.encode(" ".join(str(text).split()), "ulatex+utf8"))
    return escaped.replace("$", r"\$")


def _authors(text: str) -> str:
    """``A, B.; C, D.`` as ``A, B. and C, D.``; a byline without semicolons or commas
    (an organisation, or a name as the source prints it) is kept whole in braces."""
    if ";" in text:
        return " and ".join(_latex(name.strip()) for name in text.split(";") if name.strip())
    if "," in text:
        return _latex(text)
    return "{" + _latex(text) + "}"


def _entry_text(key: str, fields: Mapping[str, Any]) -> str:
    doi = _doi(fields)
    url = str(fields.get("url", ""))
    pairs = [
        ("author", _authors(str(fields["author"]))),
        ("title", "{" + _latex(fields["title"]) + "}"),  # keep the source's capitals
        ("year", str(fields.get("year", ""))),
        ("howpublished", _latex(fields.get("venue", ""))),
        ("doi", doi),
        ("url", "" if doi and _DOI_URL.match(url) else url),
        ("note", f"brainflops key {_latex(key)}"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in pairs if value)
    return f"@misc{{{key},\n{body}\n}}\n"


def bibtex(models: Model | Iterable[Model]) -> str:
    """BibTeX entries (``@misc``, with DOI or URL) for every source of the model(s).

    Raises
    ------
    UnknownNameError
        Naming a source key found neither in a scenario nor in the bibliography.
    """
    from brainflops.models.model import Model  # noqa: PLC0415 - isinstance at run time

    chosen = [models] if isinstance(models, Model) else list(models)
    seen: dict[str, str] = {}
    for model in chosen:
        for key in source_keys(model):
            if key not in seen:
                seen[key] = _entry_text(key, entry(key, _own_entries(model)))
    header = "% BibTeX entries written by brainflops cite; keys are brainflops source keys.\n"
    return header + "\n".join(seen.values())
