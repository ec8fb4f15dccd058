"""``brainflops report``: one story from one set of draws, self-contained HTML with inline
SVG figures and formulas, linked sources, and a folder swapped into place."""

import re
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

import pytest

import brainflops
from brainflops.cli import main
from brainflops.core import fmt
from brainflops.outputs.report import (
    Options,
    build_report,
    render_html,
    render_markdown,
    write_report,
)

SAMPLES = 2000
OPTIONS = Options(samples=SAMPLES, seed=1, device="H100 SXM5", precision="fp32", criterion="hpcg")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables = 0
        self.sections: list[str] = []
        self.external: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables += 1
        if tag == "section":
            self.sections.append(attrs.get("id", ""))
        if tag in {"script", "link", "img", "iframe"}:
            self.external.append(tag)
        if tag == "a" and attrs.get("href", "").startswith("http"):
            self.links.append(attrs["href"])


@pytest.fixture(scope="module")
def model():
    return brainflops.load_preset("dettmers2015")


@pytest.fixture(scope="module")
def report(model):
    return build_report(model, OPTIONS)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "out"
    argv = [
        "report",
        "--preset",
        "dettmers2015",
        "--out",
        str(out),
        "--samples",
        str(SAMPLES),
        "--seed",
        "1",
        "--precision",
        "fp32",
        "--criterion",
        "hpcg",
    ]
    assert main(argv) == 0
    return out


def test_every_section_is_present_with_its_figures(report):
    assert [s.key for s in report.sections] == [
        "estimate",
        "distribution",
        "sensitivity",
        "comparison",
        "timeline",
        "versus",
        "anchors",
        "hardware",
        "assumptions",
    ]
    assert {
        "breakdown",
        "distribution",
        "tornado",
        "comparison",
        "trend",
        "parity",
        "roofline",
        "tai",
        "training-runs",
    } <= {f.name for f in report.figures}
    assert not report.omitted


def test_one_interval_everywhere(report, model):
    """The 90% interval printed in the estimate, distribution and comparison sections is
    the same, because every section uses the same draws."""
    draws = model.sample(SAMPLES, seed=1)
    p5, p95 = (float(v) for v in draws.percentile_log10([5, 95]))
    interval = fmt.interval(10**p5, 10**p95)
    estimate = " ".join(report.sections[0].paragraphs)
    assert interval in estimate
    comparison = report.sections[3].tables[0]
    assert comparison.rows[0][4] == interval
    percentiles = dict(report.sections[1].tables[0].rows)
    assert percentiles["5th"] == fmt.from_log10(p5, "FLOP/s")


def test_the_model_is_highlighted_and_not_counted_as_published(report, model):
    table = report.sections[3].tables[0]
    titles = [str(row[0]) for row in table.rows]
    assert titles[0].startswith("**This report")
    assert model.title not in titles[1:]  # not repeated among the published estimates
    sentence = report.sections[3].paragraphs[0]
    count = int(re.search(r"of the (\d+) published", sentence)[1])
    assert count == len(table.rows) - 1


def test_options_reach_their_sections(report):
    hardware = dict(next(s for s in report.sections if s.key == "hardware").tables[0].rows)
    assert hardware["device"] == "NVIDIA H100 SXM5 80GB at fp32"
    assert (
        hardware["devices needed"].split()[0] == "17,172,014" or "," in hardware["devices needed"]
    )
    assert "Criterion hpcg" in report.sections[4].paragraphs[0]


def test_stage_formulas_sit_next_to_their_operations(report):
    table = report.sections[0].tables[0]
    assert "conv-net analogue" in table.columns
    formulas = [row[4] for row in table.rows]
    assert all(cell.html.startswith("<svg") for cell in formulas)
    assert all(cell.text.startswith("$") for cell in formulas)


def test_html_is_self_contained_with_valid_svg_and_linked_sources(written, report):
    text = (written / "report.html").read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(text)
    assert parser.external == [], "the report must load nothing"
    assert parser.sections == [s.key for s in report.sections]
    assert parser.tables == len(report.tables)
    assert "http://timdettmers.com/2015/07/27/brain-vs-deep-learning-singularity/" in parser.links
    for figure in report.figures:
        assert f'id="figure-{figure.name}"' in text
        ET.fromstring(figure.svg)  # well-formed SVG
    # Numbers are for people, operation shapes too ("conv 100,000×5"); the source's
    # headline is quoted in the source's form.
    prose = re.sub(r"<svg.*?</svg>|Reported by source: [^<]*", "", text, flags=re.DOTALL)
    assert not re.search(r"\de[+-]\d", prose)


def test_markdown_refers_to_figure_files_that_exist(written, report):
    text = (written / "report.md").read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(links) == len(report.figures)
    for link in links:
        ET.parse(written / link)
    assert text.count("\n## ") == len(report.sections)


def test_same_options_give_the_same_report(written, report):
    assert (written / "report.md").read_text(encoding="utf-8") == render_markdown(report)
    assert (written / "report.html").read_text(encoding="utf-8") == render_html(report)


def test_existing_output_needs_force_and_is_swapped_whole(written, report, capsys, monkeypatch):
    before = (written / "report.html").read_bytes()
    assert main(["report", "--out", str(written), "--samples", "100"]) == 2
    assert "--force" in capsys.readouterr().err
    assert (written / "report.html").read_bytes() == before
    monkeypatch.setattr("brainflops.outputs.report.render.build_report", lambda *a, **k: report)
    write_report(brainflops.load_preset("dettmers2015"), written, force=True)
    assert (written / "report.html").read_text(encoding="utf-8") == render_html(report)
    assert not list(written.parent.glob(f".{written.name}.*"))  # no staging left behind


def test_a_folder_with_other_files_is_never_replaced(tmp_path, report, monkeypatch):
    monkeypatch.setattr("brainflops.outputs.report.render.build_report", lambda *a, **k: report)
    (tmp_path / "notes.txt").write_text("keep")
    with pytest.raises(brainflops.BrainflopsError, match="would be lost"):
        write_report(brainflops.load_preset("dettmers2015"), tmp_path, force=True)
    assert (tmp_path / "notes.txt").read_text() == "keep"
    assert not (tmp_path / "report.html").exists()


def test_a_model_without_uncertainty_omits_sensitivity_and_says_so():
    small = build_report(brainflops.load_preset("kurzweil1999"), Options(samples=200))
    assert set(small.omitted) == {"sensitivity"}
    assert "Not included" in render_html(small)
    assert "(no spread)" in " ".join(small.sections[0].paragraphs)


def test_report_from_a_scenario_file(tmp_path):
    scenario = tmp_path / "slow-neurons.toml"
    scenario.write_text(
        '[scenario]\nbase = "mechanistic-modern"\nname = "slow-neurons"\n'
        'title = "Slow neurons"\n\n[set]\nfiring_rate = "0.2 Hz"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["report", "--scenario", str(scenario), "--out", str(out), "--samples", "300"]
    assert main(args) == 0
    assert "Slow neurons" in (out / "report.html").read_text(encoding="utf-8")


def test_unknown_device_fails_before_the_work(tmp_path, capsys):
    assert main(["report", "--device", "Abacus 9000", "--out", str(tmp_path / "r")]) == 2
    assert "Abacus" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_every_figure_is_listed_for_the_folder_check(report):
    from brainflops.outputs.report.render import FIGURES

    assert {f.name for f in report.figures} <= set(FIGURES)


def test_anchors_section_uses_this_brain_and_cotras(report, model):
    from brainflops.forecast.anchors.inputs import load_variant
    from brainflops.forecast.anchors.montecarlo import MAX_SAMPLES, forecast

    section = next(s for s in report.sections if s.key == "anchors")
    tai = next(t for t in section.tables if t.name == "tai")
    (ours, cotra) = tai.rows
    # An independent run of the library with the report's draw count and seed.
    n = min(report.samples, MAX_SAMPLES)
    expected = forecast(load_variant("cotra2020"), model, n=n, seed=report.seed)
    median = "after 2200" if expected.median_year is None else str(expected.median_year)
    assert ours[1] == median
    assert ours[2:] == tuple(
        f"{100 * expected.probability_by(y):.0f}%" for y in (2030, 2036, 2050, 2100)
    )
    assert cotra[0].startswith("Cotra's brain")


def test_a_model_beyond_the_reports_float_range_is_refused_in_one_line(tmp_path, capsys):
    scenario = tmp_path / "huge.toml"
    scenario.write_text(
        '[scenario]\nbase = "dettmers2015"\n[set]\n"purkinje.count" = "1e300 neuron"\n'
    )
    out = tmp_path / "out"
    argv = ["report", "--scenario", str(scenario), "--samples", "200", "--out", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "brainflops estimate" in err[0]
    assert not out.exists()


def test_timeline_defaults_to_the_calibrated_ensemble_of_the_timeline_command(report, model):
    from brainflops.forecast import timeline

    section = next(s for s in report.sections if s.key == "timeline")
    default, *singles = section.tables[0].rows
    assert default[0] == "calibrated ensemble (default)"
    assert [row[0] for row in singles] == [
        "exponential (all years)",
        "piecewise (estimated break)",
    ]
    # The library's entry point (what `brainflops timeline` prints) on the same draws.
    expected = timeline.forecast_parity(model.sample(SAMPLES, seed=1).log10, "hpcg", seed=1)
    assert default[2] == timeline.format_year(expected.median_year, 1)
    assert default[5] == fmt.share(expected.reached_fraction)
    assert "calibration" in {f.name for f in report.figures}
    assert "covered the actual year" in " ".join(section.paragraphs)


def test_budget_timeline_reads_the_hardware_sections_precision(model):
    from brainflops.forecast import timeline
    from brainflops.outputs.report.compute import _timeline

    samples = model.sample(SAMPLES, seed=1)
    options = Options(samples=SAMPLES, seed=1, precision="bf16", criterion="budget")
    rows = _timeline(model, samples, options).tables[0].rows
    bf16 = timeline.get_criterion("budget", precision="bf16")
    expected = timeline.forecast_parity(samples.log10, bf16, seed=1)
    assert rows[0][2] == timeline.format_year(expected.median_year, 1)
    fp32 = timeline.forecast_parity(samples.log10, "budget", seed=1)
    assert rows[0][2] != timeline.format_year(fp32.median_year, 1)


def test_comparison_sources_are_short_citations_linked_to_their_entries(report):
    from brainflops.data.citations import entry
    from brainflops.outputs.report.document import Cell

    rows = report.sections[3].tables[0].rows[1:]
    moravec = next(row for row in rows if str(row[0]).startswith("Moravec"))
    cell = moravec[5]
    assert isinstance(cell, Cell)
    url = entry("moravec1998", {})["url"]
    assert cell.text == f"[Moravec (1998)]({url})"
    assert f'href="{url}"' in cell.html
