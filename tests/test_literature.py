"""Literature presets: each reproduces its source's headline from the source's own inputs."""

import math

import pytest

from brainflops.core.io import figure_png
from brainflops.data.citations import bibliography
from brainflops.models import literature
from brainflops.models.presets import list_presets, load_preset, preset_document
from brainflops.outputs import plots
from brainflops.params.parameters import PROVENANCE_TAGS

# The headline each source states, typed here from the source (not read from the preset),
# so that a change to a preset's inputs or arithmetic fails the test.
SOURCE_HEADLINES = {
    # Kurzweil 1999, The Age of Spiritual Machines: 2e16 calculations/s ("20 million billion").
    "kurzweil1999": 2e16,
    # Kurzweil 2005, The Singularity Is Near, ch. 3: 1e16 cps for functional emulation ...
    "kurzweil2005:functional": 1e16,
    # ... and 1e19 cps, "the most conservative estimate", for neuron-level modelling.
    "kurzweil2005:neuron-level": 1e19,
    # Merkle 1989: 1e15 synapses x 10 impulses/s = 1e16 synapse operations/s.
    "merkle1989": 1e16,
    # Sandberg & Bostrom 2008, Table 9 (levels 4-6 as quoted by AI Impacts; 7-10 secondary).
    "sandberg-bostrom2008:level-4": 1e18,
    "sandberg-bostrom2008:level-5": 1e22,
    "sandberg-bostrom2008:level-6": 1e25,
    "sandberg-bostrom2008:level-7": 1e26,
    "sandberg-bostrom2008:level-8": 1e27,
    "sandberg-bostrom2008:level-9": 1e30,
    "sandberg-bostrom2008:level-10": 1e43,
    # AI Impacts, 'Brain performance in FLOPS' (2015): median of five credible estimates.
    "aiimpacts2015:survey-median": 1e18,
    # Carlsmith 2020: 1e15 FLOP/s is more likely than not enough (executive summary).
    "carlsmith2020:mechanistic": 1e15,
    # Cotra 2020: brain FLOP/s median about 1e15, following Carlsmith.
    "cotra2020": 1e15,
}


@pytest.mark.parametrize(("name", "headline"), sorted(SOURCE_HEADLINES.items()))
def test_preset_reproduces_source_headline(name, headline):
    model = load_preset(name)
    assert model.central().m_as("FLOP/s") == pytest.approx(headline, rel=0.01)
    assert model.reported == pytest.approx(headline, rel=0.01)


def test_moravec_retina_scaling_and_mips_conversion():
    model = load_preset("moravec1998")
    p = model.parameters
    # Moravec 1998: retina 1,000 MIPS x brain/retina 1e5 = 1e8 MIPS for the brain.
    brain_mips = p["retina_mips"].quantity * p["brain_retina_ratio"].quantity
    assert brain_mips.m_as("MIPS") == pytest.approx(1e8)
    # AI Impacts: MFLOPS = 2.3 x MIPS^0.89 gives 2.3e6 x 1e8^0.89 FLOP/s = 3.03e13 ...
    assert model.central().m_as("FLOP/s") == pytest.approx(2.3e6 * 1e8**0.89, rel=1e-9)
    assert model.central().m_as("FLOP/s") == pytest.approx(3.03e13, rel=0.01)
    # ... which AI Impacts rounds to "about 3 x 10^13 FLOPS".
    assert model.central().m_as("FLOP/s") == pytest.approx(3e13, rel=0.02)
    assert model.reported == pytest.approx(3.03e13)


def test_moravec_power_law_is_not_linear():
    model = load_preset("moravec1998")
    doubled = model.with_values(retina_mips=2000)
    ratio = doubled.central().m_as("FLOP/s") / model.central().m_as("FLOP/s")
    assert ratio == pytest.approx(2**0.89, rel=1e-9)


def test_aiimpacts_teps_route_matches_the_stated_range():
    model = load_preset("aiimpacts2015")
    low, high = (q.m_as("FLOP/s") for q in model.bounds())
    # Stated inputs: 0.18-6.4e14 TEPS at 1.7 GTEPS/TFLOP -> 1.06e16 .. 3.76e17 FLOP/s.
    assert low == pytest.approx(0.18e14 / 1.7e-3, rel=1e-3)
    assert high == pytest.approx(6.4e14 / 1.7e-3, rel=1e-3)
    # AI Impacts' later page states 0.9-33.7e16 FLOPS; the stated inputs land within 20%.
    assert low == pytest.approx(0.9e16, rel=0.2)
    assert high == pytest.approx(33.7e16, rel=0.2)
    # Central: geometric middle of the TEPS range over the ratio (derived).
    assert model.central().m_as("FLOP/s") == pytest.approx(
        math.sqrt(0.18e14 * 6.4e14) / 1.7e-3, rel=0.01
    )


@pytest.mark.parametrize("name", ["landauer", "carlsmith2020:limit"])
def test_landauer_bound(name):
    model = load_preset(name)
    # 20 W / (k_B x 310 K x ln 2), k_B = 1.380649e-23 J/K exactly (CODATA).
    expected = 20 / (1.380649e-23 * 310 * math.log(2))
    assert expected == pytest.approx(6.74e21, rel=0.001)
    assert model.central().m_as("FLOP/s") == pytest.approx(expected, rel=1e-9)
    assert model.parameter("boltzmann_constant").unit == "J/K"
    assert model.parameter("flop_per_bit_erasure").provenance == "assumed"
    colder = model.with_values(temperature="77 K").central().m_as("FLOP/s")
    assert colder == pytest.approx(expected * 310 / 77, rel=1e-9)


def test_carlsmith_mechanistic_has_three_terms_and_spans_the_band():
    model = load_preset("carlsmith2020:mechanistic")
    terms = model.breakdown().set_index("stage")["flops"]
    assert set(terms.index) == {"synaptic-transmission", "firing-decisions", "learning"}
    assert terms.sum() == pytest.approx(model.central().m_as("FLOP/s"), rel=1e-12)
    # Carlsmith: spikes through synapses x ~1 FLOP gives the simple model's 1e13-1e15.
    assert terms["synaptic-transmission"] == pytest.approx(1e14, rel=0.01)
    low, high = (q.m_as("FLOP/s") for q in model.bounds())
    # The report's mechanistic band is about 1e13-1e17 FLOP/s.
    assert 1e13 <= low <= 3e13
    assert 1e17 <= high <= 3e17


def test_carlsmith_functional_spans_its_sub_methods():
    model = load_preset("carlsmith2020:functional")
    low, high = (q.m_as("FLOP/s") for q in model.bounds())
    # Sub-method ranges run from 1e12 (retina, Moravec) to 1e20 (retina DNNs).
    assert 1e12 <= low <= 1e13
    assert 1e19 <= high <= 1e20
    assert model.central().m_as("FLOP/s") == pytest.approx(1e16)


def test_cotra_prior_and_lifetime_anchor():
    model = load_preset("cotra2020")
    brain = model.parameter("brain_flops")
    # Rethink Priorities' port: brain = 11 to 19.5 (log10 FLOP/s, 90% interval).
    assert math.log10(brain.low) == pytest.approx(11)
    assert math.log10(brain.high) == pytest.approx(19.5, abs=1e-3)
    # Lifetime anchor: about 1e15 FLOP/s x 1e9 s = 1e24 FLOP.
    assert literature.lifetime_anchor().m_as("FLOP") == pytest.approx(1e24, rel=0.01)
    assert literature.lifetime_anchor("kurzweil1999", "1e9 s").m_as("FLOP") == pytest.approx(2e25)
    thirty = literature.lifetime_anchor("1e15 FLOP/s", "30 year").m_as("FLOP")
    assert thirty == pytest.approx(9.47e23, rel=0.01)


def test_sandberg_bostrom_levels_carry_years():
    meta = load_preset("sandberg-bostrom2008:level-4").metadata["variant"]
    # Table 9 as quoted by AI Impacts: spiking NN, $1M supercomputer 2019, commodity 2042.
    assert meta["year_1m_supercomputer"] == 2019
    assert meta["year_1m_commodity"] == 2042
    years = [
        load_preset(f"sandberg-bostrom2008:level-{k}").metadata["variant"]["year_1m_supercomputer"]
        for k in range(4, 11)
    ]
    assert years == sorted(years)
    assert years[-1] == 2111


def test_unit_conversions_to_flop_are_explicit_parameters():
    expected = {
        "kurzweil1999": ("flop_per_calculation", "FLOP/calculation"),
        "kurzweil2005": ("flop_per_calculation", "FLOP/calculation"),
        "merkle1989": ("flop_per_synaptic_operation", "FLOP/synop"),
        "landauer": ("flop_per_bit_erasure", "FLOP/bit_erasure"),
        "aiimpacts2015": ("teps_per_flops", "GTEPS/TFLOPS"),
        "moravec1998": ("mflops_coefficient", "MFLOP/s"),
    }
    for name, (parameter, unit) in expected.items():
        assert load_preset(name).parameter(parameter).unit == unit, name


def test_every_parameter_is_cited_and_tagged():
    entries = bibliography()
    problems = []
    for name in list_presets(variants=True):
        model = load_preset(name)
        if model.metadata.get("source") not in entries:
            problems.append(f"{name}: preset source {model.metadata.get('source')!r}")
        for parameter in model.parameters.values():
            if parameter.source not in entries:
                problems.append(f"{name}/{parameter.name}: source {parameter.source!r}")
            if parameter.provenance not in PROVENANCE_TAGS:
                problems.append(f"{name}/{parameter.name}: provenance {parameter.provenance!r}")
    assert problems == []


def test_bibliography_entries_are_complete():
    for key, entry in bibliography().items():
        missing = {"author", "year", "title", "venue", "url", "note"} - set(entry)
        assert not missing, (key, missing)
        assert entry["url"] == "" or entry["url"].startswith("http"), key


@pytest.fixture(scope="module")
def table():
    return literature.comparison_table()


def test_comparison_lists_every_preset_and_level(table):
    assert set(table["base"]) == set(list_presets())
    names = set(table["preset"])
    assert {f"sandberg-bostrom2008:level-{k}" for k in range(4, 11)} <= names
    assert {
        "carlsmith2020:mechanistic",
        "carlsmith2020:functional",
        "carlsmith2020:limit",
    } <= names
    # A base row that a 'default' variant duplicates is left out.
    assert "sandberg-bostrom2008" not in names
    assert "dettmers2015" in names
    assert "dettmers2015:granule-own-filter" in names


def test_comparison_rows_are_consistent(table):
    assert (table["unit"] == "FLOP/s").all()
    assert (table["low"] <= table["central"] * (1 + 1e-9)).all()
    assert (table["high"] >= table["central"] * (1 - 1e-9)).all()
    assert set(table["interval"]) <= {"none", "sampled"}
    point = table[table["interval"] == "none"]
    assert (point["low"] == point["central"]).all()
    row = table.set_index("preset").loc["kurzweil2005:neuron-level"]
    assert row["group"] == "mechanistic"  # the variant's own group wins
    assert row["year"] == 2005


def test_comparison_records_are_plain_json(table):
    import json

    records = literature.comparison_records(table=table)
    text = json.dumps(records, allow_nan=False)
    assert json.loads(text) == records
    assert {"preset", "method", "year", "central", "low", "high", "unit"} <= set(records[0])


def test_reference_lines_come_from_the_data():
    top500, h100 = literature.reference_lines()
    assert top500.value > 1e18  # every TOP500 #1 since 2022 is an exascale machine
    # NVIDIA H100 SXM5 dense BF16 tensor peak: 989.4 TFLOP/s (Epoch AI table).
    assert h100.value == pytest.approx(989.4e12, rel=0.01)


def test_plot_is_written_as_png(tmp_path, table):
    fig = plots.comparison(table)
    ax = fig.axes[0]
    assert len(ax.get_yticks()) == len(table)
    target = tmp_path / "compare.png"
    target.write_bytes(figure_png(fig, dpi=60))
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_references_and_subset():
    fig = plots.comparison(presets=["merkle1989", "landauer"], references=[])
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [
        "Merkle (1989): 1e15 synapses x 10 Hz",
        "Landauer limit: 20 W / (k_B T ln 2) at 310 K (1961)",
    ]


def test_estimate_names_expands_variants():
    names = literature.estimate_names(["kurzweil2005", "carlsmith2020:limit"])
    assert names == ["kurzweil2005:functional", "kurzweil2005:neuron-level", "carlsmith2020:limit"]
    variants = preset_document("sandberg-bostrom2008")["variants"]
    assert sum(v.get("default", False) for v in variants) == 1


def test_non_monotone_model_falls_back_to_sampled_percentiles():
    from brainflops.models.presets import build_model

    document = {
        "preset": {"name": "u-shaped", "title": "u-shaped"},
        "parameters": {
            "a": {"value": 2, "unit": "FLOP/s", "low": 1, "high": 4, "source": "brainflops"},
            "b": {"value": 1, "unit": "dimensionless", "low": 0.5, "high": 2},
        },
        "formulas": [{"name": "f", "formula": "a * (b + 1 / b)"}],
    }
    model = build_model(document)
    low, high, how = literature._interval(model, model.central().m_as("FLOP/s"))
    assert how == "sampled"
    assert 1 < low < 4 < high < 16
    assert literature._interval(model, 4.0) == (low, high, how)  # fixed seed


# ------------------------------------------------------------- headlines, ranges, citations

# Sources that state only a range, typed here from the source: the preset must not claim a
# headline (`reported` is empty) and its inputs' range must land on the stated one.
SOURCE_RANGES = {
    # AI Impacts, 'Brain performance in FLOPS' (2015): about 1-30e16 FLOPS from TEPS.
    "aiimpacts2015": (1e16, 3e17),
    # Carlsmith 2020, functional method: sub-method ranges spanning 1e12-1e20 FLOP/s.
    "carlsmith2020:functional": (1e12, 1e20),
}
# Sources that state a principle but no figure for the brain: the number is the editors'
# arithmetic (20 W / (k_B x 310 K x ln 2)), checked in test_landauer_bound.
DERIVED_BOUNDS = ("landauer", "carlsmith2020:limit")
# Presets owned elsewhere with their own tests (test_model.py, test_cli_core.py).
OTHER_TESTS = ("dettmers2015", "mechanistic-modern")


def test_every_estimate_is_a_headline_a_range_or_a_derived_bound():
    names = set(literature.estimate_names())
    classified = set(SOURCE_HEADLINES) | set(SOURCE_RANGES) | set(DERIVED_BOUNDS)
    unclassified = {n for n in names - classified if n.partition(":")[0] not in OTHER_TESTS}
    assert unclassified == {"moravec1998"}  # test_moravec_retina_scaling_and_mips_conversion
    for name in [*SOURCE_RANGES, *DERIVED_BOUNDS]:
        model = load_preset(name)
        assert model.reported is None, f"{name} claims a headline its source does not state"
        assert "No " in model.metadata["reported_note"], name
    for name in SOURCE_HEADLINES:
        assert load_preset(name).reported is not None, name


@pytest.mark.parametrize(("name", "stated"), sorted(SOURCE_RANGES.items()))
def test_range_presets_span_their_stated_range(name, stated):
    model = load_preset(name)
    low, high = (q.m_as("FLOP/s") for q in model.bounds())
    # The range of the inputs lies within the stated one, give or take half a decade (AI
    # Impacts rounds its own arithmetic), and covers most of it: Carlsmith's sub-method
    # ranges are mixed, so the mixture's 5th-95th percentiles sit inside the union 1e12-1e20.
    lo_stated, hi_stated = (math.log10(v) for v in stated)
    assert lo_stated - 0.5 <= math.log10(low) < math.log10(high) <= hi_stated + 0.5
    assert math.log10(high / low) >= 0.75 * (hi_stated - lo_stated)
    assert low < model.central().m_as("FLOP/s") < high


def test_comparison_table_leaves_reported_empty_for_range_presets(table):
    rows = table.set_index("preset")
    for name in [*SOURCE_RANGES, *DERIVED_BOUNDS]:
        assert rows.loc[name, "reported"] is None or math.isnan(rows.loc[name, "reported"])
    assert rows.loc["carlsmith2020:mechanistic", "reported"] == 1e15


def test_derived_central_values_are_tagged_derived():
    # geometric middles of stated ranges are the editors' arithmetic
    assert load_preset("aiimpacts2015").parameter("brain_teps").provenance == "derived"
    carlsmith = load_preset("carlsmith2020")
    assert carlsmith.parameter("synapses").provenance == "derived"
    assert carlsmith.parameter("firing_rate").provenance == "derived"
    functional = load_preset("carlsmith2020:functional").parameter("functional_flops")
    assert functional.source == "carlsmith2020-summary"  # where the ranges were read


def _cited_keys() -> set[str]:
    from brainflops.data.datasets import series_citations
    from brainflops.data.ml_models import PUBLISHED_FRONTIER_GROWTH

    keys = set(series_citations().values())
    keys.add(PUBLISHED_FRONTIER_GROWTH["source"])
    keys |= {line.source for line in literature.reference_lines()}
    for name in list_presets(variants=True):
        model = load_preset(name)
        keys.add(model.metadata.get("source"))
        keys |= {p.source for p in model.parameters.values()}
        variant = model.metadata.get("variant") or {}
        if "years_source" in variant:
            keys.add(variant["years_source"])
    return keys


def test_every_bibliography_key_is_cited_and_every_cited_key_exists():
    cited, entries = _cited_keys(), set(bibliography())
    assert cited - entries == set()
    assert entries - cited == set()


def test_sandberg_bostrom_years_verified_follows_where_they_were_read():
    for level in range(4, 11):
        model = load_preset(f"sandberg-bostrom2008:level-{level}")
        meta = model.metadata["variant"]
        from_ai_impacts = meta["years_source"] == "aiimpacts-brain-flops"
        assert meta["years_verified"] is from_ai_impacts, level
        assert from_ai_impacts == (level <= 6)  # the bibliography note: levels 4-6
        assert model.parameter("emulation_flops").verified is from_ai_impacts
    header = preset_document("sandberg-bostrom2008")
    assert header["variants"][0]["name"] == "level-4"
    text = (
        __import__("importlib.resources", fromlist=["files"])
        .files("brainflops")
        .joinpath("data/presets/sandberg-bostrom2008.toml")
        .read_text(encoding="utf-8")
    )
    assert "literature.md section 2.6" in text  # why level 4 is 2019/2042, not 2023
