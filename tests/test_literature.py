"""Literature presets: each reproduces its source's headline from the source's own inputs."""

import math

import pytest

from brainflops.core.io import figure_png
from brainflops.core.units import ureg
from brainflops.data.citations import bibliography
from brainflops.forecast.anchors.inputs import list_variants, load_variant
from brainflops.models import literature
from brainflops.models.presets import list_presets, load_preset, preset_document
from brainflops.outputs import plots
from brainflops.params.parameters import PROVENANCE_TAGS

# What each source printed, typed here from the source (not read from the preset), in the
# source's own unit, so that a change to a preset's inputs or arithmetic fails the test.
# name: (figure, unit as printed, FLOP/s the preset converts it to or None when printed in FLOP/s)
SOURCE_POINTS = {
    # Kurzweil 1999, The Age of Spiritual Machines: 2e16 calculations/s ("20 million billion").
    "kurzweil1999": (2e16, "cps", 2e16),
    # Kurzweil 2005, The Singularity Is Near, ch. 3: 1e16 cps for functional emulation ...
    "kurzweil2005:functional": (1e16, "cps", 1e16),
    # ... and 1e19 cps, "the most conservative estimate", for neuron-level modelling.
    "kurzweil2005:neuron-level": (1e19, "cps", 1e19),
    # Merkle 1989: 1e15 synapses x 10 impulses/s = 1e16 synapse operations/s.
    "merkle1989": (1e16, "synop/s", 1e16),
    # Moravec 1998: 1e8 MIPS; AI Impacts' power law gives 3.03e13 (the page: "around 3e13").
    "moravec1998": (1e8, "MIPS", 3.03e13),
    # Sandberg & Bostrom 2008, Table 9 (levels 4-6 as quoted by AI Impacts; 7-10 secondary).
    "sandberg-bostrom2008:level-4": (1e18, "FLOP/s", None),
    "sandberg-bostrom2008:level-5": (1e22, "FLOP/s", None),
    "sandberg-bostrom2008:level-6": (1e25, "FLOP/s", None),
    "sandberg-bostrom2008:level-7": (1e26, "FLOP/s", None),
    "sandberg-bostrom2008:level-8": (1e27, "FLOP/s", None),
    "sandberg-bostrom2008:level-9": (1e30, "FLOP/s", None),
    "sandberg-bostrom2008:level-10": (1e43, "FLOP/s", None),
    # AI Impacts, 'Brain performance in FLOPS' (2015): median of five credible estimates.
    "aiimpacts2015:survey-median": (1e18, "FLOP/s", None),
    # Cotra 2020: brain FLOP/s median about 1e15, following Carlsmith (secondary).
    "cotra2020": (1e15, "FLOP/s", None),
    # Dettmers 2015, Part II: "my estimate would be 1.075x10^21 FLOPS"; reconstruction (b).
    "dettmers2015:all-neurons": (1.075e21, "FLOP/s", None),
}


@pytest.mark.parametrize(("name", "stated"), sorted(SOURCE_POINTS.items()))
def test_reported_is_the_source_figure_in_the_source_unit(name, stated):
    figure, unit, flops = stated
    model = load_preset(name)
    headline = model.metadata["headline"]
    assert headline.value == pytest.approx(figure)
    assert ureg.Unit(headline.unit) == ureg.Unit(unit)
    assert headline.bound is None
    central = model.central().m_as("FLOP/s")
    if flops is None:  # the source printed FLOP/s: compare in FLOP/s, no conversion of ours
        assert model.reported == pytest.approx(figure)
        assert headline.converted is None
        assert central == pytest.approx(figure, rel=0.01)
    else:  # a conversion of ours, tagged and cited separately
        assert model.reported is None
        assert headline.converted == pytest.approx(flops, rel=0.01)
        assert headline.conversion_source
        assert central == pytest.approx(flops, rel=0.01)


@pytest.mark.parametrize(
    ("name", "inputs"),
    [
        ("merkle1989", ("synapses", "impulse_rate", "operations_per_impulse")),
        ("kurzweil1999", ("neurons", "connections", "calculation_rate")),
        ("moravec1998", ("retina_mips", "brain_retina_ratio")),
    ],
)
def test_inputs_reproduce_the_figure_in_the_source_unit(name, inputs):
    # Before any conversion of ours: the source's own inputs multiply to its printed figure.
    model = load_preset(name)
    product = math.prod((model.parameter(n).quantity for n in inputs), start=ureg.Quantity(1))
    headline = model.metadata["headline"]
    assert product.m_as(headline.unit) == pytest.approx(headline.value, rel=1e-9)


def test_kurzweil1999_conversion_is_our_assumption():
    conversion = load_preset("kurzweil1999").parameter("flop_per_calculation")
    assert (conversion.source, conversion.provenance) == ("brainflops", "assumed")


def test_moravec_retina_scaling_and_mips_conversion():
    model = load_preset("moravec1998")
    # AI Impacts: MFLOPS = 2.3 x MIPS^0.89 gives 2.3e6 x 1e8^0.89 FLOP/s = 3.03e13 ...
    assert model.central().m_as("FLOP/s") == pytest.approx(2.3e6 * 1e8**0.89, rel=1e-9)
    # ... which AI Impacts rounds to "about 3 x 10^13 FLOPS".
    assert model.central().m_as("FLOP/s") == pytest.approx(3e13, rel=0.02)


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


def test_carlsmith_mechanistic_interval_spans_the_band():
    model = load_preset("carlsmith2020:mechanistic")
    headline = model.metadata["headline"]
    assert (headline.low, headline.high) == (1e13, 1e17)  # the method's stated band
    low, high = model.sample(20_000, seed=1).percentile_log10([5.0, 95.0])
    # The 90% interval covers the report's ~1e13-1e17 band (a decade narrower before).
    assert low == pytest.approx(13, abs=0.1)
    assert high == pytest.approx(17, abs=0.1)


def test_carlsmith_components_sum_to_our_centrals():
    model = load_preset("carlsmith2020:mechanistic-components")
    terms = model.breakdown().set_index("stage")["flops"]
    assert set(terms.index) == {"synaptic-transmission", "firing-decisions", "learning"}
    assert terms.sum() == pytest.approx(model.central().m_as("FLOP/s"), rel=1e-12)
    assert terms["synaptic-transmission"] == pytest.approx(1e14, rel=0.01)
    assert model.parameter("firing_decision_flops").provenance == "assumed"


def test_carlsmith_limit_is_his_upper_bound():
    model = load_preset("carlsmith2020:limit")
    headline = model.metadata["headline"]
    assert model.kind == "upper bound"
    assert (headline.value, headline.bound) == (1e21, "upper")
    assert headline.text() == "< 1e+21 FLOP/s"
    assert "<10%" in model.metadata["reported_note"]
    assert model.reported is None  # a bound is not a point figure


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
    # Cotra's own (secondary): median about 1e15 within about 1e13-1e17.
    assert (brain.value, brain.low, brain.high) == (1e15, 1e13, 1e17)
    port = load_preset("cotra2020:rp-port")
    # The port: brain = sq.lognorm(11, 19.5), log-normal in log10 FLOP/s, so the median
    # is 10^sqrt(11 x 19.5) (not 10^15.25) and the 90% interval 10^11-10^19.5.
    p = port.parameter("brain_flops")
    assert math.log10(p.distribution.median) == pytest.approx(math.sqrt(11 * 19.5), abs=1e-3)
    assert [math.log10(v) for v in p.distribution.interval90()] == pytest.approx(
        [11, 19.5], abs=1e-3
    )
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
    commodity = [
        load_preset(f"sandberg-bostrom2008:level-{k}").metadata["variant"]["year_1m_commodity"]
        for k in (6, 7, 8)
    ]
    assert commodity == [2087, 2093, 2100]
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
    assert "dettmers2015" not in names  # the 'cerebellar' variant is the default
    assert {
        "dettmers2015:cerebellar",
        "dettmers2015:all-neurons",
        "dettmers2015:granule-own-filter",
    } <= names


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
        "Merkle (1989): 1e15 synapses x 10 Hz [FLOP/s: our conversion]",
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

# Sources that state only a range, typed here from the source; the preset's inputs must
# land on the stated range.
SOURCE_RANGES = {
    # AI Impacts, 'Brain performance in FLOPS' (2015): about 1-30e16 FLOPS from TEPS.
    "aiimpacts2015": (1e16, 3e17),
    # Carlsmith 2020, functional method: sub-method ranges spanning 1e12-1e20 FLOP/s.
    "carlsmith2020:functional": (1e12, 1e20),
}
# Sources that state a principle but no figure for the brain: the number is the editors'
# arithmetic (20 W / (k_B x 310 K x ln 2)), checked in test_landauer_bound.
DERIVED_BOUNDS = ("landauer", "carlsmith2020:limit")


def test_presets_without_a_printed_figure_say_so():
    for name in ("landauer", "carlsmith2020:functional"):
        model = load_preset(name)
        assert model.metadata["headline"] is None, name
        assert "No " in model.metadata["reported_note"], name
    assert load_preset("aiimpacts2015").metadata["headline"].text() == "1e+16-3e+17 FLOP/s"


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


def test_comparison_table_says_whose_flops_each_row_is(table):
    rows = table.set_index("preset")
    assert rows.loc["moravec1998", "headline"] == "our conversion"
    assert rows.loc["moravec1998", "reported"] == "1e+08 MIPS"
    assert rows.loc["moravec1998", "converted"] == pytest.approx(3.03e13)
    assert rows.loc["sandberg-bostrom2008:level-5", "headline"] == "source"
    assert rows.loc["landauer", "headline"] == "none"
    assert rows.loc["carlsmith2020:limit", "kind"] == "upper bound"
    assert rows.loc["dettmers2015:cerebellar", "kind"] == "lower bound"


def test_own_estimate_is_not_a_published_one(table):
    rows = table.set_index("preset")
    own = rows[~rows["published"]]
    assert list(own.index) == ["mechanistic-modern"]
    assert own.loc["mechanistic-modern", "source"] == "brainflops-mechanistic-modern"
    assert own.loc["mechanistic-modern", "group"] == literature.OWN_GROUP


def test_derived_central_values_are_tagged_derived():
    # geometric middles of stated ranges are the editors' arithmetic
    assert load_preset("aiimpacts2015").parameter("brain_teps").provenance == "derived"
    carlsmith = load_preset("carlsmith2020:mechanistic-components")
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
        keys |= {p.bounds_source for p in model.parameters.values() if p.bounds_source}
        variant = model.metadata.get("variant") or {}
        if "years_source" in variant:
            keys.add(variant["years_source"])
    for name in list_variants():
        inputs = load_variant(name)
        keys |= {inputs.source} | {p.source for p in inputs.parameters.values()}
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
