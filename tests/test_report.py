"""``brainflops report``: the HTML holds every figure and table, and the images decode."""

import base64
import importlib.util
import io
import re
from html.parser import HTMLParser

import matplotlib.image
import pytest

import brainflops
from brainflops.cli import main
from brainflops.outputs.report import build_report, render_html, render_markdown, write_report

SAMPLES = 2000


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images: list[str] = []
        self.tables = 0
        self.sections: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        if tag == "table":
            self.tables += 1
        if tag == "section":
            self.sections.append(attrs.get("id", ""))
        if tag in {"script", "link"} or (
            tag == "img" and not attrs.get("src", "").startswith("data:")
        ):
            self.external.append(tag)


@pytest.fixture(scope="module")
def report():
    return build_report(brainflops.load_preset("dettmers2015"), samples=SAMPLES, seed=1)


@pytest.fixture(scope="module")
def written(tmp_path_factory, report):
    out = tmp_path_factory.mktemp("report")
    assert (
        main(
            [
                "report",
                "--preset",
                "dettmers2015",
                "--out",
                str(out),
                "--samples",
                str(SAMPLES),
                "--seed",
                "1",
            ]
        )
        == 0
    )
    return out


def _png_size(data: bytes) -> tuple[int, int]:
    """Decode a PNG completely and return its width and height."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pixels = matplotlib.image.imread(io.BytesIO(data), format="png")
    assert pixels.std() > 0, "blank image"
    return pixels.shape[1], pixels.shape[0]


def test_core_sections_are_always_present(report):
    keys = [s.key for s in report.sections]
    for key in ("estimate", "distribution", "assumptions"):
        assert key in keys
    names = {f.name for f in report.figures}
    assert {"breakdown", "distribution"} <= names
    tables = {t.name for t in report.tables}
    assert {"breakdown", "percentiles", "assumptions", "references"} <= tables


def test_every_section_is_present_for_an_uncertain_model(report):
    keys = {s.key for s in report.sections}
    assert {"sensitivity", "comparison", "timeline", "hardware"} <= keys
    assert not report.omitted


def test_every_section_gives_its_figures(report):
    names = {f.name for f in report.figures}
    assert {"tornado", "comparison", "trend", "parity", "roofline"} <= names
    # Sobol' indices need the optional SALib; without it the report says so instead.
    assert ("sobol" in names) == (importlib.util.find_spec("SALib") is not None)


def test_html_holds_every_figure_and_table_and_images_decode(written, report):
    text = (written / "report.html").read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(text)
    assert len(parser.images) == len(report.figures) >= 3
    for src in parser.images:
        assert src.startswith("data:image/png;base64,")
        width, height = _png_size(base64.b64decode(src.split(",", 1)[1], validate=True))
        assert width > 200
        assert height > 100
    assert parser.tables == len(report.tables)
    assert parser.sections == [s.key for s in report.sections]
    assert parser.external == [], "the report must be self-contained"
    for figure in report.figures:
        assert f'id="figure-{figure.name}"' in text


def test_html_has_the_estimate_and_every_assumption_with_citations(written):
    model = brainflops.load_preset("dettmers2015")
    text = (written / "report.html").read_text(encoding="utf-8")
    assert f"{model.central().m_as('FLOP/s'):.4e}" in text
    for name in model.parameters:
        assert f"<td>{name}</td>" in text
    from brainflops.data.citations import cite

    assert cite("dettmers2015").split(".")[0] in text


def test_markdown_refers_to_figure_files_that_exist(written, report):
    text = (written / "report.md").read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(links) == len(report.figures)
    for link in links:
        _png_size((written / link).read_bytes())
    assert text.count("\n## ") == len(report.sections)


def test_existing_output_needs_force(written, report, capsys, monkeypatch):
    before = (written / "report.html").read_bytes()
    assert main(["report", "--out", str(written), "--samples", "100"]) == 2
    assert "--force" in capsys.readouterr().err
    assert (written / "report.html").read_bytes() == before
    monkeypatch.setattr("brainflops.outputs.report.build_report", lambda *a, **k: report)
    write_report(brainflops.load_preset("dettmers2015"), written, force=True)
    assert (written / "report.html").read_text(encoding="utf-8") == render_html(report)


def test_same_seed_gives_the_same_report(written, report):
    assert (written / "report.md").read_text(encoding="utf-8") == render_markdown(report)


def test_write_report_refuses_to_overwrite_any_file(tmp_path, report, monkeypatch):
    monkeypatch.setattr("brainflops.outputs.report.build_report", lambda *a, **k: report)
    model = brainflops.load_preset("dettmers2015")
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "distribution.png").write_bytes(b"keep")
    with pytest.raises(FileExistsError):
        write_report(model, tmp_path)
    assert (tmp_path / "figures" / "distribution.png").read_bytes() == b"keep"
    assert not (tmp_path / "report.html").exists()


def test_a_model_without_uncertainty_omits_sensitivity_and_says_so():
    small = build_report(brainflops.load_preset("kurzweil1999"), samples=200)
    assert set(small.omitted) == {"sensitivity"}
    assert "sensitivity" not in [s.key for s in small.sections]
    assert "Not included" in render_html(small)


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
    text = (out / "report.html").read_text(encoding="utf-8")
    assert "Slow neurons" in text


def test_point_estimate_preset_reports_without_warnings():
    # No uncertain inputs: no sensitivity section, and no degenerate-axis warnings
    # (pytest turns warnings into errors).
    model = brainflops.load_preset("kurzweil1999")
    point = build_report(model, samples=200)
    assert "sensitivity" in point.omitted
    assert {"breakdown", "distribution"} <= {f.name for f in point.figures}
