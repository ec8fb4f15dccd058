"""Sources for papers: BibTeX with DOIs/URLs, scenario bibliography entries, unknown keys."""

from __future__ import annotations

import re
import textwrap

import pytest

import brainflops
from brainflops.cli import main
from brainflops.core.errors import ScenarioError
from brainflops.data.citations import bibliography
from brainflops.models.scenario import load_scenario
from brainflops.outputs import cite

_ENTRY = re.compile(r"@misc\{(?P<key>[^,]+),\n(?P<body>(?:  \w+ = \{.*\},?\n)+)\}\n")


def _entries(text: str) -> dict[str, dict[str, str]]:
    """An independent reader of the BibTeX we write: one field per line."""
    out = {}
    for match in _ENTRY.finditer(text):
        fields = dict(re.findall(r"  (\w+) = \{(.*)\},?\n", match["body"]))
        out[match["key"]] = fields
    return out


def test_bibtex_has_every_source_with_doi_or_url():
    model = brainflops.load_preset("mechanistic-modern")
    text = cite.bibtex(model)
    entries = _entries(text)
    assert text.count("@misc{") == len(entries)
    assert list(entries) == cite.source_keys(model)
    parameter_sources = {model.parameters[n].source for n in model.used_parameters()}
    assert parameter_sources <= set(entries)
    assert entries["azevedo2009"]["doi"] == "10.1002/cne.21974"  # from its doi.org URL
    assert "url" not in entries["azevedo2009"]  # the DOI is the link
    for fields in entries.values():
        assert fields["title"].startswith("{")
        assert fields.get("doi") or fields.get("url") or fields["note"]


def test_bibtex_escapes_text_but_not_links():
    text = cite.bibtex(brainflops.load_preset("sandberg-bostrom2008"))
    fields = _entries(text)["sandberg-bostrom2008"]
    assert fields["author"] == "Sandberg, Anders and Bostrom, Nick"
    assert r"\#2008-3" in fields["howpublished"]
    assert fields["url"] == "https://www.fhi.ox.ac.uk/reports/2008-3.pdf"


def _scenario(tmp_path, extra: str):
    path = tmp_path / "mine.toml"
    path.write_text(
        textwrap.dedent(
            """
            [scenario]
            base = "dettmers2015"

            [set]
            firing_rate = { value = "1 Hz", source = "my-notes" }
            """
        )
        + textwrap.dedent(extra)
    )
    return path


def test_scenario_declares_its_own_entries(tmp_path, capsys):
    path = _scenario(
        tmp_path,
        """
        [bibliography.my-notes]
        author = "Doe, Jane"
        year = 2026
        title = "Glia counts & costs"
        url = "https://example.org/glia_notes"
        """,
    )
    model = load_scenario(path)
    assert main(["cite", "--scenario", str(path), "--format", "bibtex"]) == 0
    entries = _entries(capsys.readouterr().out)
    assert entries["my-notes"]["title"] == r"{Glia counts \& costs}"
    assert entries["my-notes"]["url"] == "https://example.org/glia_notes"
    assert "dettmers2015" in entries
    refs = {r.key: r.link for r in cite.references(model)}
    assert refs["my-notes"] == "https://example.org/glia_notes"


def test_unknown_source_key_is_an_error_naming_it(tmp_path):
    path = _scenario(tmp_path, "")
    with pytest.raises(ScenarioError, match=r"unknown source key 'my-notes'") as caught:
        load_scenario(path)
    assert any(":6:" in problem for problem in caught.value.problems)  # the line of the key


def test_bad_bibliography_entries_are_reported(tmp_path):
    path = _scenario(
        tmp_path,
        """
        [bibliography.my-notes]
        title = "Notes"
        year = "soon"
        """,
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    text = "\n".join(caught.value.problems)
    assert "bibliography.my-notes: missing author" in text
    assert "bibliography.my-notes.year: expected a whole number" in text


def test_every_packaged_entry_converts():
    class _Stub:
        def __init__(self, key):
            self.metadata = {"source": key}
            self.parameters = {}

        def used_parameters(self):
            return ()

    for key in bibliography():
        assert cite.source_keys(_Stub(key)) == [key]
        assert _entries(cite._entry_text(key, bibliography()[key]))
