"""The public plotting API: one style, human labels, no overlapping text, safe saving."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

import brainflops
from brainflops.core.errors import InvalidValueError, OutputExistsError
from brainflops.hardware.plan import plan
from brainflops.outputs import plots
from brainflops.outputs.plots import style
from brainflops.uncertainty.sensitivity import tornado

MODEL = brainflops.load_preset("dettmers2015")
# Internal ids that must never reach a reader (parameter names, series names, populations).
_ID = re.compile(r"\b[a-z]+(_[a-z]+)+\b|\b[a-z]+\.[a-z_]+\b|top500-rank1")


@pytest.fixture(scope="module")
def figures():
    return {
        "distribution": plots.distribution(MODEL.sample(3000, seed=1), model_title=MODEL.title),
        "breakdown": plots.breakdown(MODEL),
        "tornado": plots.tornado(tornado(MODEL), model=MODEL),
        "comparison": plots.comparison(
            presets=["dettmers2015", "merkle1989", "landauer"], highlight="dettmers2015"
        ),
        "roofline": plots.roofline(plan(MODEL, "H100 SXM5", "bf16")),
        "trend": plots.trend("top500-rank1", until=2020),
    }


def _texts(fig):
    return [t.get_text() for t in style._drawn_texts(fig) if t.get_text().strip()]


def test_importing_the_api_does_not_import_matplotlib():
    code = "import sys, brainflops.outputs.plots; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "name", ["distribution", "breakdown", "tornado", "comparison", "roofline", "trend"]
)
def test_every_chart_has_title_subtitle_source_and_no_overlapping_text(figures, name):
    fig = figures[name]
    title, subtitle = fig.texts[0].get_text(), fig.texts[1].get_text()
    assert title
    assert subtitle
    assert any(t.get_text().startswith("Source: ") for t in fig.texts)
    assert style.text_overlaps(fig) == []
    for text in _texts(fig):
        assert "e+" not in text, text
        assert "e-0" not in text, text
        if not text.startswith("Source: ") and text != style.EPOCH_CREDIT:  # names commands
            assert not _ID.search(text), text


def test_epoch_data_carry_the_credit(figures):
    for name in ("roofline", "comparison"):
        assert style.EPOCH_CREDIT in [t.get_text() for t in figures[name].texts]


def test_year_ticks_are_whole_years_and_recent_data_are_kept(figures):
    ax = figures["trend"].axes[0]
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert all(float(t).is_integer() for t in ticks)
    assert ax.get_xlim()[1] >= 2026  # `until` before the data's end never hides the data


def test_log_axis_labels_are_powers_of_ten_or_si_prefixes(figures):
    fig = figures["roofline"]
    fig.draw_without_rendering()
    ax = fig.axes[0]
    y_labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert "1 PFLOP/s" in y_labels
    x_labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert all(re.fullmatch(r"\$10\^\{-?\d+\}\$", label) for label in x_labels)


def test_labels_are_human_titles(figures):
    texts = " ".join(_texts(figures["tornado"]))
    assert "Firing rate" in texts
    assert "firing_rate" not in texts


def test_overlap_check_detects_overlaps():
    fig, (ax,) = style.new_figure("A title", "a subtitle")
    ax.text(0.5, 0.5, "overlapping text")
    ax.text(0.5, 0.5, "overlapping again")
    assert style.text_overlaps(fig)


def test_direct_labels_separate_close_labels():
    fig, (ax,) = style.new_figure("Close lines", "three series ending at nearly the same value")
    labels = [style.DirectLabel(1.0, 1.0 + 0.001 * i, f"series {i}") for i in range(3)]
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 2)
    texts = style.direct_labels(ax, labels)
    assert style.text_overlaps(fig, texts) == []


def test_save_writes_svg_and_high_dpi_png_atomically(tmp_path, figures):
    fig = figures["breakdown"]
    svg = plots.save(fig, tmp_path / "b.svg")
    png = plots.save(fig, tmp_path / "b.png")
    assert svg.read_text().lstrip().startswith("<?xml")
    width_px = int.from_bytes(png.read_bytes()[16:20], "big")
    assert width_px == round(fig.get_figwidth() * style.PNG_DPI)
    with pytest.raises(OutputExistsError):
        plots.save(fig, svg)
    with pytest.raises(InvalidValueError, match=r"\.txt"):
        plots.save(fig, tmp_path / "b.txt")


def test_comparison_highlights_a_preset_named_without_its_default_variant():
    from brainflops.outputs import plots

    fig = plots.comparison(highlight="dettmers2015")  # listed as dettmers2015:cerebellar
    (ax,) = fig.axes
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert len(bold) == 1
    assert bold[0].startswith("Dettmers (2015), reconstruction (a)")


@pytest.mark.parametrize("span", [(20.27, 21.74), (20.31, 20.39), (20.30, 20.33), (13.0, 17.0)])
def test_log_axis_ticks_are_distinct_powers_of_ten_or_multiples(span):
    from matplotlib.figure import Figure

    from brainflops.outputs.plots.charts import _log10_axis

    ax = Figure().subplots()
    ax.set_xlim(*span)
    _log10_axis(ax)
    ax.figure.draw_without_rendering()
    labels = [
        t.get_text() for t in ax.get_xticklabels() if span[0] <= t.get_position()[0] <= span[1]
    ]
    assert len(labels) >= 2
    assert len(set(labels)) == len(labels)  # never two ticks both written 10^21


def test_distributions_one_ridge_per_label_with_its_median():
    import brainflops
    from brainflops.core.errors import DataError
    from brainflops.outputs import plots
    from brainflops.outputs.plots.style import text_overlaps

    draws = {
        "narrow": brainflops.load_preset("mechanistic-modern").sample(400, seed=1),
        "Dettmers": brainflops.load_preset("dettmers2015").sample(400, seed=1),
    }
    fig = plots.distributions(draws)
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["narrow", "Dettmers"]
    medians = [line.get_xdata()[0] for line in ax.get_lines() if line.get_marker() == "o"]
    expected = [float(s.percentile_log10(50)) for s in draws.values()]
    assert medians == pytest.approx(expected)
    assert text_overlaps(fig) == []
    with pytest.raises(DataError):
        plots.distributions({})


def test_hardware_generations_and_plans_charts():
    import brainflops
    from brainflops.hardware import plan as hardware
    from brainflops.outputs import plots
    from brainflops.outputs.plots.style import text_overlaps

    model = brainflops.load_preset("dettmers2015")
    devices = ["NVIDIA H100 SXM5 80GB", "NVIDIA A100 SXM4 80 GB", "NVIDIA Tesla V100 SXM2 32 GB"]
    plans = [hardware.plan(model, device, "fp32") for device in devices]
    fig = plots.generations(plans)
    (ax,) = fig.axes
    fewest = min(p.devices_needed for p in plans)
    named = [t.get_text() for t in ax.texts]
    assert any(text.endswith(f": {fewest:,}") for text in named)  # the current record is named
    assert all(float(t).is_integer() for t in ax.get_xticks())
    assert text_overlaps(fig) == []
    by_title = {p.title: p for p in plans[:1]}
    by_title["Modern"] = hardware.plan(
        brainflops.load_preset("mechanistic-modern"), devices[0], "bf16"
    )
    fig = plots.plans(by_title)
    first, second = (t.get_text() for t in fig.axes[0].get_yticklabels())
    assert plans[0].title.startswith(first.rstrip("…"))  # long titles are shortened
    assert second == "Modern"
    assert text_overlaps(fig) == []


def test_convergence_draws_each_percentile_against_the_run_size():
    import brainflops
    from brainflops.core.errors import DataError
    from brainflops.outputs import plots
    from brainflops.outputs.plots.style import text_overlaps

    model = brainflops.load_preset("mechanistic-modern")
    runs = {n: model.sample(n, seed=3) for n in (100, 400, 1600)}
    fig = plots.convergence(runs, model_title=model.title)
    (ax,) = fig.axes
    lines = [line for line in ax.get_lines() if len(line.get_xdata()) == 3]
    medians = [float(runs[n].percentile_log10(50)) for n in (100, 400, 1600)]
    assert any(list(line.get_ydata()) == pytest.approx(medians) for line in lines)
    assert text_overlaps(fig) == []
    with pytest.raises(DataError):
        plots.convergence({100: runs[100]})


def test_distributions_of_plain_draws_leave_out_non_positive_values():
    import numpy as np

    from brainflops.outputs import plots

    fig = plots.distributions({"a": np.array([-1.0, 0.0, 10.0, 100.0, 1000.0])}, unit="value")
    (ax,) = fig.axes
    (median,) = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert median.get_xdata()[0] == pytest.approx(2.0)  # log10 100: the three positive draws
    assert ax.get_xlabel() == "value (log scale)"


def test_tai_curve_labels_stay_inside_the_figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    import brainflops
    from brainflops.forecast.anchors.inputs import load_variant
    from brainflops.forecast.anchors.montecarlo import forecast
    from brainflops.outputs import plots

    inputs = load_variant("cotra2020")
    names = ("mechanistic-modern", "carlsmith2020", "dettmers2015")  # long titles
    runs = [forecast(inputs, brainflops.load_preset(n), n=300, seed=1) for n in names]
    fig = plots.tai(runs)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    ends = [t.get_window_extent(canvas.get_renderer()).x1 for t in fig.axes[0].texts]
    assert len(ends) == len(names)
    assert max(ends) <= fig.bbox.width


@pytest.mark.parametrize(
    ("low", "high"), [(20.25, 21.59), (13.7, 15.2), (12.8, 17.2), (3.0, 3.4), (20.30, 20.33)]
)
def test_log10_axis_labels_are_distinct_and_read_their_own_value(low, high):
    # A tornado of dettmers2015 spans 1.3 decades: its ticks once all read "10^20" or "10^21".
    fig = style.new_figure("t")[0]
    ax = fig.axes[0]
    ax.set_xlim(low, high)
    plots.charts._log10_axis(ax)
    fig.canvas.draw()
    ticks = [t for t in ax.get_xticks() if low <= t <= high]
    labels = [t.get_text() for t in ax.get_xticklabels() if low <= t.get_position()[0] <= high]
    assert len(ticks) >= 2
    assert len(set(labels)) == len(labels)
    for tick, label in zip(ticks, labels, strict=True):
        match = re.fullmatch(r"\$(?:([\d.]+) \\times )?10\^\{(-?\d+)\}\$", label)
        mantissa, exponent = match.groups()
        # At least two significant figures: a label reads its tick's value within 5%.
        assert 10.0**tick == pytest.approx(float(mantissa or 1) * 10.0 ** int(exponent), rel=0.05)


def test_a_structural_tornado_row_is_hatched_and_its_alternatives_named():
    from brainflops.models.alternatives import choice_for

    result = tornado(MODEL, structural=choice_for(MODEL))
    fig = plots.tornado(result, model=MODEL)
    (ax,) = fig.axes
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"{result.alternative_low} (lowest)" in legend
    assert f"{result.alternative_high} (highest)" in legend
    hatched = [bar for bar in ax.patches if bar.get_hatch() == "//"]
    assert len(hatched) == 2  # the structural row's two ends, and nothing else


def test_plans_of_devices_without_price_or_power_say_so_instead_of_failing():
    # Many devices in the table have no launch price: min() of nothing once raised.
    unpriced = plan(brainflops.load_preset("mechanistic-modern"), "NVIDIA Quadro K1200", "fp32")
    assert unpriced.cost_usd is None
    fig = plots.plans({"mechanistic-modern": unpriced})
    assert "not known" in _texts(fig)


def test_tai_curves_of_two_input_sets_are_told_apart():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    import brainflops
    from brainflops.forecast.anchors.inputs import load_variant
    from brainflops.forecast.anchors.montecarlo import forecast
    from brainflops.outputs import plots

    brain = brainflops.load_preset("cotra2020")
    runs = [forecast(load_variant(v), brain, n=300, seed=1) for v in ("cotra2020", "cotra2022")]
    fig = plots.tai(runs)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert len(set(labels)) == 2  # once both read "brain: Cotra (2020) / median ..."
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    ends = [t.get_window_extent(canvas.get_renderer()).x1 for t in fig.axes[0].texts]
    assert max(ends) <= fig.bbox.width


@pytest.mark.parametrize("dpi", [80, 300])
def test_titles_and_subtitles_stay_inside_the_figure_at_any_dpi(figures, dpi):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from brainflops.ops.networks import get_network

    shares = plots.operation_shares([get_network(n) for n in ("resnet50", "gpt3-175b")])
    for name, fig in {**figures, "operation_shares": shares}.items():
        original = fig.get_dpi()
        fig.set_dpi(dpi)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        ends = [t.get_window_extent(canvas.get_renderer()).x1 for t in fig.texts]
        width = fig.bbox.width
        fig.set_dpi(original)  # the figures are shared with the other tests
        # title, subtitle, source and credit lines
        assert max(ends) <= width + 1, (name, dpi)


def test_comparison_highlight_of_a_name_that_is_no_preset_highlights_nothing():
    # A scenario's name, or a row of the caller's own table: no error, nothing bold.
    fig = plots.comparison(presets=["merkle1989", "landauer"], highlight="my-scenario")
    (ax,) = fig.axes
    assert not [t for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
