"""Write the notebooks in ``notebooks/`` (without outputs) from the cell lists below.

Usage::

    python docs/make_notebooks.py

The committed ``.ipynb`` files are the product; this script only keeps them easy to
review and regenerate. Every notebook reads its Monte Carlo sample size from the
environment variable ``BRAINFLOPS_SAMPLES`` (the tests set a small one) and uses only the
public API of brainflops.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

SETUP = """\
import os

import numpy as np
import pandas as pd

import brainflops
from brainflops.outputs.export import assumptions_frame

# Monte Carlo draws: the test suite sets a small number; explore with more.
N_SAMPLES = int(os.environ.get("BRAINFLOPS_SAMPLES", "{default}"))
SEED = 2015
pd.set_option("display.max_colwidth", 80)
%matplotlib inline"""


def md(text: str) -> tuple[str, str]:
    """A Markdown cell."""
    return ("md", text.strip("\n"))


def code(text: str) -> tuple[str, str]:
    """A code cell."""
    return ("code", text.strip("\n"))


# --------------------------------------------------------------------------- 01
DETTMERS = [
    md("""
# Dettmers (2015), stage by stage

Tim Dettmers' essay *The Brain vs Deep Learning Part I* (2015) follows one neuron's
signal through synapses, dendrites, dendritic spikes, soma, axon hillock and axon, maps
each stage to a convolutional-net operation, and arrives at about 1.075e21 FLOP/s for the
brain. The essay's own arithmetic survives only as an image, so the `dettmers2015` preset
is a documented *reconstruction* from the numbers the post states. This notebook walks
that reconstruction: the pipeline, the conv-net mapping, the headline figure against the
reported one, and his timeline.
"""),
    code(SETUP.format(default=100_000)),
    code("""
model = brainflops.load_preset("dettmers2015")
print(model.title)
print(model.metadata["method"])
print(" ".join(model.metadata["reconstruction"].split()))
"""),
    md("""
## 1. The assumptions

Every number is a parameter with unit, range, distribution, source and provenance
(`stated` by the post, `derived` from stated numbers, or `assumed`).
"""),
    code("""
assumptions_frame(model)[["name", "symbol", "value", "unit", "low", "high", "provenance", "note"]]
"""),
    md("""
## 2. The pipeline, stage by stage

Each stage of the neuron is a conv-net operation with symbolic shapes; its FLOPs come
from those shapes. Here are the stages in the order a signal passes through them.
"""),
    code("""
from brainflops.ops.stages import PIPELINE

pd.DataFrame(
    [{"stage": s.name, "title": s.title, "biology": s.biology, "conv-net analogue": s.analogue}
     for s in PIPELINE]
)
"""),
    md("""
The model's terms are (population, stage) pairs. The `operation` column shows the
conv-net operation with the preset's numbers filled in; `share` is each term's part of
the total.
"""),
    code("""
from brainflops.outputs import plots

model  # the estimate and its breakdown, as a table
"""),
    code("""
display(plots.breakdown(model))
"""),
    md("""
## 3. The formulas

Each term is a sympy expression; `explain` on the command line prints the same. The
dendritic convolution of the cerebellar cells dominates.
"""),
    code("""
import sympy as sp
from IPython.display import Math, display

symbols = {model.symbols[n]: sp.Symbol(p.symbol) for n, p in model.parameters.items()}
for term in model.terms:
    if term.stage == "dendrites":
        print(term.population)
        display(Math(sp.latex(term.expr.subs(symbols))))
"""),
    md("""
## 4. Reconstructed vs reported

The post's arithmetic survives only as an image, so every decomposition is a
reconstruction. Three ship with equal standing: (a) `cerebellar` (the default) gives
granule cells the Purkinje filter, which the post contradicts; (b) `all-neurons` is a
product of stated averages that hits 1.075e21 exactly; `granule-own-filter` is (a) with
the post's own 3x4x5 granule filter. The Purkinje term dominates, so the choice moves
the total little.
"""),
    code("""
rows = []
for name in ["dettmers2015:cerebellar", "dettmers2015:all-neurons", "dettmers2015:granule-own-filter"]:
    m = brainflops.load_preset(name)
    central = m.central().m_as("FLOP/s")
    rows.append({"preset": name, "central FLOP/s": central, "reported FLOP/s": m.reported,
                 "central / reported": central / m.reported})
pd.DataFrame(rows)
"""),
    md("""
## 5. How uncertain is the headline?

The post gives a point figure. The preset carries ranges for the firing rate, time
steps and synapse counts; sampling them gives a distribution.
"""),
    code("""
samples = model.sample(N_SAMPLES, seed=SEED)
display(plots.distribution(samples, model_title=model.title))
samples  # median and 90% interval
# The source reports 1.075e21 FLOP/s as a lower bound (see the estimate above).
"""),
    md("""
## 6. Explore the key assumptions

Move the sliders to change the firing rate, the number of time steps and the Purkinje
synapse count; the estimate and the stage chart are recomputed with
`Model.with_values`. (Without a live kernel the cell still builds the controls and draws
the chart once.)
"""),
    code("""
import ipywidgets as widgets

controls = {
    "firing_rate": widgets.FloatLogSlider(value=200, base=10, min=-1, max=3, description="rate [Hz]"),
    "time_steps": widgets.FloatSlider(value=5, min=1, max=10, step=0.5, description="time steps"),
    "purkinje.synapses": widgets.FloatLogSlider(value=1e5, base=10, min=4, max=5.5,
                                                description="Purkinje syn."),
}
output = widgets.Output()


def update(change=None):
    changed = model.with_values(**{name: w.value for name, w in controls.items()})
    with output:
        output.clear_output(wait=True)
        display(plots.breakdown(changed))
    return changed


for w in controls.values():
    w.observe(update, names="value")
display(widgets.VBox([*controls.values(), output]))
# The same chart outside the widget, so a static copy of the notebook shows it too.
display(plots.breakdown(update()))
"""),
    md("""
## 7. His timeline

Dettmers compares 1.075e21 FLOP/s with the fastest computer of the time on the HPCG
benchmark (Tianhe-2, 0.58 PFLOP/s) and counts whole doublings: 21 of them. At 1.8 years
per doubling that lands in 2053; at 3 years, 2078. `brainflops.forecast.timeline` reproduces the
arithmetic.
"""),
    code("""
from brainflops.forecast import timeline
from brainflops.forecast import trends

rows = []
for years in timeline.DETTMERS_DOUBLING_YEARS:
    t = timeline.dettmers_timeline(doubling_years=years)
    rows.append(t.to_dict())
print("doubling time implied by his Moore's-law year:",
      round(timeline.dettmers_implied_doubling_years(), 3), "years")
pd.DataFrame(rows)
"""),
    code("""
doublings = {
    f"doubling every {years} years": trends.doubling(
        timeline.DETTMERS_BASELINE_FLOPS, timeline.DETTMERS_BASELINE_YEAR, years,
        rounding="whole-doublings")
    for years in timeline.DETTMERS_DOUBLING_YEARS
}
target = timeline.DETTMERS_TARGET_FLOPS
display(plots.trend("hpcg-rank1", doublings, brain_bands=[("Dettmers (2015)", target, target)],
                    until=2085))
"""),
]

# --------------------------------------------------------------------------- 02
UNCERTAINTY = [
    md("""
# Uncertainty and sensitivity

A point estimate hides how much the answer depends on contested numbers. Every
brainflops parameter carries a distribution specified by its 90% interval; sampling them
gives the distribution of the total, and sensitivity analysis says which assumptions
matter: exact elasticities, a one-at-a-time tornado, and Sobol' variance shares.
"""),
    code(SETUP.format(default=100_000)),
    code("""
import math
from dataclasses import replace

from IPython.display import display

from brainflops.core import fmt
from brainflops.outputs import plots
from brainflops.params import distributions
from brainflops.uncertainty import sensitivity

model = brainflops.load_preset("dettmers2015")
rng = np.random.default_rng(SEED)
"""),
    md("""
## 1. Distributions from 90% intervals

`lognormal90` and `normal90` are fixed by their 5th and 95th percentiles; `uniform` and
`loguniform` by the ends of their support. Log-normal and log-uniform are the natural
choices for positive quantities that are uncertain by factors; a mixture puts weight on
competing views. The table shows each one's 5th, 50th and 95th percentiles.
"""),
    code("""
kinds = {
    "lognormal90(1e14, 1e15)": distributions.lognormal90(1e14, 1e15),
    "loguniform(1e14, 1e15)": distributions.loguniform(1e14, 1e15),
    "normal90(1e14, 1e15)": distributions.normal90(1e14, 1e15),
    "mixture of two views": distributions.mixture(
        [(1, distributions.lognormal90(5e13, 2e14)), (1, distributions.lognormal90(5e14, 2e15))]),
}
display(plots.distributions(
    {label: dist.sample(N_SAMPLES, rng) for label, dist in kinds.items()},
    title="Four distributions specified by 1e14 and 1e15",
    subtitle=f"{N_SAMPLES:,} draws each (the normal's non-positive draws are left out)",
    unit="value", source="brainflops.params.distributions",
))
pd.DataFrame({label: dict(zip(["5%", "median", "95%"],
                              [*dist.ppf([0.05, 0.5, 0.95])])) for label, dist in kinds.items()}).T
"""),
    md("""
## 2. The uncertain inputs of the Dettmers model
"""),
    code("""
uncertain = {n: p for n, p in model.parameters.items() if p.is_uncertain}
display(plots.distributions(
    {f"{fmt.label(name, model.metadata.get('titles'))} [{p.unit}]":
         p.distribution.sample(N_SAMPLES, rng) for name, p in uncertain.items()},
    title="The uncertain inputs of the Dettmers model",
    subtitle=f"{N_SAMPLES:,} draws of each input's distribution, in its own unit",
    unit="value in each input's unit", source=model.title,
))
assumptions_frame(model).query("distribution != 'point'")[
    ["name", "value", "unit", "low", "high", "distribution", "source"]]
"""),
    md("""
## 3. Monte Carlo

The total is evaluated in log space for every draw. How stable are the percentiles as
the number of draws grows?
"""),
    code("""
samples = model.sample(N_SAMPLES, seed=SEED)
print({k: f"{v.m_as('FLOP/s'):.3g}" for k, v in samples.percentiles().items()},
      f"spread {samples.spread_decades:.2f} decades")
sizes = np.unique(np.geomspace(100, N_SAMPLES, 8).astype(int))
display(plots.convergence({int(n): model.sample(int(n), seed=SEED + 1) for n in sizes},
                          model_title=model.title))
"""),
    md("""
### Correlated inputs

Rank correlations between inputs widen or narrow the total. Here the firing rate and the
number of time steps are made to rise together.
"""),
    code("""
independent = model.sample(N_SAMPLES, seed=SEED, correlations={})
correlated = model.sample(N_SAMPLES, seed=SEED,
                          correlations={("firing_rate", "time_steps"): 0.8})
display(plots.distributions(
    {"independent inputs": independent,
     "firing rate and time steps, rank correlation 0.8": correlated},
    title="Correlated inputs widen the distribution",
    subtitle=f"{model.title}: {N_SAMPLES:,} draws each, same seed",
))
print(f"spread: {independent.spread_decades:.2f} vs {correlated.spread_decades:.2f} decades")
"""),
    md("""
## 4. Elasticities and the tornado

The elasticity `d ln F / d ln x` is exact (sympy); the tornado moves each input from its
5th to its 95th percentile with the others at their medians.
"""),
    code("""
display(sensitivity.elasticities(model).to_frame())
swings = sensitivity.tornado(model)
display(plots.tornado(swings, model=model))
swings.to_frame()
"""),
    md("""
## 5. Sobol' indices

First-order indices give the share of the variance of log10 FLOP/s that each input
explains alone; total indices include its interactions. (The estimate uses SALib.)
"""),
    code("""
base_n = 2 ** int(np.log2(max(N_SAMPLES // 20, 64)))
indices = sensitivity.sobol(model, base_n, seed=SEED)
display(plots.sobol(indices, model=model))
indices.to_frame()
"""),
    md("""
## 6. The reconstruction as one more input

Dettmers' arithmetic survives only as an image, so the preset ships three reconstructions
of equal standing and declares them as a structural choice. Tornado and Sobol' take it as
one more, discrete, input: a row from the lowest to the highest reconstruction, and
indices for the choice drawn by its weights in the same design.
"""),
    code("""
from brainflops.models.alternatives import structural_choice

choice = structural_choice("dettmers2015")
display(sensitivity.tornado(model, structural=choice).to_frame())
sensitivity.sobol(choice, base_n, seed=SEED).to_frame()
"""),
    md("""
## 7. Explore: how wide is the firing-rate range?

The firing rate dominates. Narrow or widen its 90% interval and see the distribution of
the total and its spread change. (Headless, the cell builds the controls and draws once.)
"""),
    code("""
import ipywidgets as widgets

rate = model.parameter("firing_rate")
# Up to the refractory ceiling (rate.maximum, 1,000 Hz): the preset truncates there anyway.
low = widgets.FloatLogSlider(value=rate.low, base=10, min=-1, max=2.2, description="rate 5% [Hz]")
high = widgets.FloatLogSlider(value=rate.high, base=10, min=2.31, max=math.log10(rate.maximum),
                              description="rate 95% [Hz]")
output = widgets.Output()


def draws_for(low_hz, high_hz):
    # The parameter keeps its declared ceiling: the new shape is truncated at it too.
    changed = replace(rate, low=low_hz, high=high_hz,
                      distribution=distributions.lognormal90(low_hz, high_hz))
    return model.with_parameters([changed]).sample(N_SAMPLES, seed=SEED)


def update(change=None):
    with output:
        output.clear_output(wait=True)
        display(plots.distribution(draws_for(low.value, high.value),
                                   model_title="your firing-rate range"))


for w in (low, high):
    w.observe(update, names="value")
display(widgets.VBox([low, high, output]))
# The starting chart outside the widget, so a static copy of the notebook shows it once.
display(plots.distribution(draws_for(low.value, high.value), model_title="your firing-rate range"))
"""),
]

# --------------------------------------------------------------------------- 03
LITERATURE = [
    md("""
# Published estimates on one chart

Estimates of the brain's computation span more than ten orders of magnitude, partly
because they count different things: operations of a detailed neuron model, the
equivalent of a functional artificial system, traversed edges per second, or a physical
upper bound. brainflops reproduces each published headline from its source's own inputs
as a preset, so they can be put side by side and recomputed under other assumptions.
"""),
    code(SETUP.format(default=20_000)),
    code("""
from IPython.display import display

from brainflops.models import literature

table = literature.comparison_table()
table[["preset", "kind", "year", "group", "central", "low", "high", "reported", "headline", "source"]]
"""),
    md("""
## All estimates on one chart

A dot is an estimate's central value, a bar its 90% range (from the inputs' ranges);
triangles mark bounds (pointing left for an upper bound such as a physical limit, right
for a lower bound). Rows whose FLOP/s figure is our conversion of the source's unit say
so in their label. Vertical lines
are reference machines from the packaged data.
"""),
    code("""
from brainflops.outputs import plots

display(plots.comparison(table))
"""),
    md("""
## Reported vs reconstructed

Each preset should reproduce its source's headline. `reported` is what the source
printed, in its own unit; where that unit is not FLOP/s the comparison is with our
conversion (`headline` says "our conversion"), and a range or a bound is checked by
whether the central value lies inside it.
"""),
    code("""
import brainflops

rows = []
for name, central in zip(table["preset"], table["central"]):
    h = brainflops.load_preset(name).metadata["headline"]
    if h is None:
        continue
    figure = h.source_flops if h.source_flops is not None else h.converted
    rows.append({"preset": name, "reported (as printed)": h.text(),
                 "FLOP/s by": "source" if h.is_flops else "our conversion",
                 "central": central,
                 "ratio": None if figure is None else central / figure,
                 "agrees": h.contains(central) if h.is_flops else abs(central / figure - 1) <= 0.01})
pd.DataFrame(rows)
"""),
    md("""
## Distributions where the inputs carry uncertainty

Sampling the presets that have uncertain inputs gives full distributions rather than a
range; the same seed is used for all of them.
"""),
    code("""
models = [brainflops.load_preset(name) for name in table.preset]
uncertain = [m for m in models if any(p.is_uncertain for p in m.parameters.values())]
display(plots.distributions(
    {m.title: m.sample(N_SAMPLES, seed=SEED) for m in uncertain},
    title="Monte Carlo distributions of the estimates with uncertain inputs",
    subtitle=f"{N_SAMPLES:,} draws each, seed {SEED}; dot: median; line: 90% interval",
))
"""),
    md("""
## Spread by method

How far apart are the central values within each group of methods?
"""),
    code("""
spread = (table.assign(log10=np.log10(table.central))
          .groupby("group")["log10"].agg(["count", "min", "max"])
          .assign(decades=lambda t: t["max"] - t["min"]))
spread
"""),
    md("""
## Cotra's lifetime anchor

The biological-anchors framework multiplies a brain estimate by the seconds of a human
lifetime to get the training computation of a "lifetime" anchor.
"""),
    code("""
for name in ["cotra2020", "mechanistic-modern", "dettmers2015"]:
    print(f"{name:>20}: {literature.lifetime_anchor(name):.3g~P}")
"""),
]

# --------------------------------------------------------------------------- 04
TIMELINES = [
    md("""
# When will computers match the brain?

A timeline needs three things: a brain estimate (with its uncertainty), a hardware
series with a trend fitted to it (with its uncertainty), and a criterion saying what
"match" means (peak HPL FLOP/s, the HPCG benchmark, a fixed budget, the brain's power).
This notebook fits trends, checks them against history with backtests, computes
parity-year distributions and sets them against physical limits.
"""),
    code(SETUP.format(default=20_000)),
    code("""
from brainflops.data import datasets
from brainflops.forecast import timeline
from brainflops.forecast import trends
from brainflops.outputs import plots
from IPython.display import display

pd.DataFrame({"series": datasets.list_series(),
              "unit": [datasets.series_unit(s) for s in datasets.list_series()],
              "description": [datasets.series_description(s) for s in datasets.list_series()]})
"""),
    md("""
## 1. Trends

Exponential, piecewise (a break in the growth rate, estimated from the data) and
logistic (growth that saturates below a ceiling, here a 20 MW machine at the CMOS
energy-efficiency limit) fits to the TOP500 #1 system.
"""),
    code("""
series = "top500-rank1"
ceiling = trends.ceiling_from_limit("20 MW")
fits = {
    "exponential": trends.fit_model("exponential", series, None, None),
    "piecewise": trends.fit_model("piecewise", series, None, None),
    "logistic": trends.fit_model("logistic", series, None, None, ceiling=ceiling),
}
pd.DataFrame({name: {"doubling time [years]": t.doubling_time_years,
                     "95% interval": t.doubling_time_interval} for name, t in fits.items()}).T
"""),
    code("""
dettmers = brainflops.load_preset("dettmers2015").sample(N_SAMPLES, seed=SEED)
modern = brainflops.load_preset("mechanistic-modern").sample(N_SAMPLES, seed=SEED)
titles = {name: brainflops.load_preset(name).title.split(":")[0]
          for name in ("dettmers2015", "mechanistic-modern")}
bands = [(titles["dettmers2015"], *(10 ** dettmers.percentile_log10([5, 95]))),
         (titles["mechanistic-modern"], *(10 ** modern.percentile_log10([5, 95])))]
display(plots.trend(series, fits, brain_bands=bands, until=2060))
"""),
    md("""
## 2. Backtests: would the method have worked before?

Fit on data up to a year, predict when the series reaches a target, and compare with
what happened. `covered` says whether the actual year fell inside the stated interval
(95% for a single fit). A target the training data had already reached is left out: there
is nothing to predict. A single exponential's interval covers far less often than it
claims: the TOP500 #1 is a staircase and its growth slowed after 2013.
"""),
    code("""
backtests = trends.backtest_table(series, [2000, 2005, 2010, 2015], [1e15, 1e16, 1e17, 1e18],
                                  "exponential")
backtests[["train_end", "target", "predicted_year", "predicted_lo", "predicted_hi",
           "actual_date", "error_years", "covered"]]
"""),
    md("""
### The calibrated ensemble

The default model combines exponential (all data and the last 10 years), piecewise,
logistic and growth-from-the-last-record members, weighted by stacking of their
out-of-sample predictive densities (Yao et al. 2018), with intervals made of their past
out-of-sample errors by horizon (Williams & Goodman 1971), widened on the TOP500 series by
adaptive conformal inference after misses (Gibbs & Candès 2021); a forecast counts as a
miss as soon as the pace the series has kept since it was made puts its target outside its
interval, so a slowdown widens the intervals while it happens. `trends.calibrate` replays
rolling-origin backtests (an origin at every list, targets 10x and 100x the record) and
scores each forecast against what happened, using at each origin only the errors known
then. Forecasts made a list apart are judged on nearly the same later lists, so `windows`
counts how many of them are independent and `coverage_interval` is the 90% Jeffreys
interval of the achieved coverage with that many trials. The figure compares stated and
achieved coverage, with those intervals as whiskers.
"""),
    code("""
reports = [trends.calibrate(series), trends.calibrate(series, "exponential")]
pd.DataFrame([dict(model=r.model, **s.to_dict()) for r in reports for s in r.scores])[
    ["model", "horizon", "n", "windows", "confidence", "coverage", "coverage_interval",
     "median_error_years", "median_width_years"]]
"""),
    code("""
display(plots.calibration(reports))
"""),
    md("""
## 3. Parity-year distributions

Each brain draw is paired with a draw of the calibrated ensemble (the library's
`timeline.forecast_parity`, which `brainflops timeline` uses). The data come first: a
target the TOP500 #1 already reached is reported with its list and system, not fitted.
"""),
    code("""
results = {}
for name, samples in [("dettmers2015", dettmers), ("mechanistic-modern", modern)]:
    results[titles[name]] = timeline.forecast_parity(samples.log10, "hpl", seed=SEED)
display(plots.parity_cdf(results, title="P(TOP500 #1 has reached the estimate by year)"))
pd.DataFrame({k: r.to_dict() for k, r in results.items()}).T[
    ["median_year", "p5_year", "p95_year", "reached_fraction", "observed", "never_fraction"]]
"""),
    md("""
### What "match" means matters

The same brain samples under every criterion, each with the calibrated ensemble on its
own series (`training-run`: the largest ML training run against the brain's compute over
1e9 s of life; Data: Epoch AI (epoch.ai), CC BY 4.0).
"""),
    code("""
rows = {}
for name in timeline.criteria():
    result = timeline.forecast_parity(dettmers.log10, name, seed=SEED)
    rows[name] = {"series": result.criterion.series, "median year": result.median_year,
                  "5%": result.p5_year, "95%": result.p95_year,
                  "already reached": result.reached_fraction, "never": result.never_fraction}
pd.DataFrame(rows).T
"""),
    md("""
The `budget` and `energy` criteria take the arithmetic precision, as the hardware plans do:
the accelerators' peak at that precision per launch-price dollar (or per W of board TDP).
"""),
    code("""
bf16 = timeline.get_criterion("budget", precision="bf16")
result = timeline.forecast_parity(dettmers.log10, bf16, seed=SEED)
bf16.series, result.median_year, result.p5_year, result.p95_year
"""),
    md("""
### Dettmers' own arithmetic as named scenarios

`dettmers-moore`, `dettmers-1.8y` and `dettmers-3y` reproduce his 2037, 2053 and 2078 for
1.075e21 FLOP/s on HPCG (whole doublings from 0.58 PFLOP/s in 2015).
"""),
    code("""
target = np.full(10, np.log10(timeline.DETTMERS_TARGET_FLOPS))
{name: timeline.forecast_parity(target, "hpcg", name).median_by_year
 for name in timeline.DETTMERS_SCENARIOS}
"""),
    md("""
## 4. Physical limits

Landauer's principle bounds irreversible bit erasures per joule; the CMOS limit bounds
what conventional chips can reach. Compare with the brain estimates: a bound on
erasures at the brain's 20 W, and the ceiling a 20 MW machine would hit.
"""),
    code("""
display(plots.limits({titles["dettmers2015"]: dettmers, titles["mechanistic-modern"]: modern}))
pd.Series({
    "Landauer, 20 W at 310 K [bit erasures/s]": trends.landauer_bit_erasures_per_second(),
    "CMOS limit, 20 W [FLOP/s]": trends.ceiling_from_limit("20 W"),
    "CMOS limit, 20 MW [FLOP/s]": trends.ceiling_from_limit("20 MW"),
    "dettmers2015 median [FLOP/s]": dettmers.median.m_as("FLOP/s"),
    "mechanistic-modern median [FLOP/s]": modern.median.m_as("FLOP/s"),
}).map("{:.3g}".format)
"""),
    md("""
## 5. Explore: doubling time and brain estimate

Dettmers-style arithmetic with your own numbers: a baseline machine, a doubling time and
a target. (Headless, the cell builds the controls and prints the result once.)
"""),
    code("""
import ipywidgets as widgets

target = widgets.FloatSlider(value=21.0, min=13, max=26, step=0.1, description="log10 FLOP/s")
period = widgets.FloatSlider(value=1.8, min=0.5, max=5, step=0.1, description="doubling [y]")
output = widgets.Output()


def update(change=None):
    result = timeline.dettmers_timeline(target=10 ** target.value, doubling_years=period.value)
    with output:
        output.clear_output(wait=True)
        print(f"{result.doublings:.0f} doublings -> parity by {result.by_year:.0f}")
    return result


for w in (target, period):
    w.observe(update, names="value")
display(widgets.VBox([target, period, output]))
print(update().to_dict())
"""),
]

# --------------------------------------------------------------------------- 05
HARDWARE = [
    md("""
# What hardware would it take?

A FLOP/s figure hides the memory traffic. `brainflops.hardware.plan` gives every conv-net
operation a byte count, places each stage on an accelerator's roofline, and scales out to
a machine: devices needed, memory, power, purchase and energy cost, and the traffic
between devices.
"""),
    code(SETUP.format(default=20_000)),
    code("""
from IPython.display import display

from brainflops.hardware import plan as hardware
from brainflops.outputs import plots

devices = hardware.devices_frame()
devices.tail(10)
"""),
    md("""
## 1. One plan: the Dettmers model on an H100 at fp32
"""),
    code("""
model = brainflops.load_preset("dettmers2015")
plan = hardware.plan(model, "NVIDIA H100 SXM5 80GB", "fp32")
plan  # the scale-out summary
"""),
    md("""
## 2. The roofline

Stages left of the ridge point are limited by memory bandwidth, right of it by the
device's peak.
"""),
    code("""
display(plots.roofline(plan))
pd.DataFrame([s.to_dict() for s in plan.stages])
"""),
    md("""
## 3. Device counts across generations

The same model on every accelerator in the table that lists an fp32 peak and a memory
bandwidth.
"""),
    code("""
plans = []
for device in hardware.list_devices():
    try:
        plans.append(hardware.plan(model, device, "fp32"))
    except brainflops.BrainflopsError:
        continue  # no fp32 peak or no bandwidth in the table
display(plots.generations(plans))
generations = pd.DataFrame([{"device": p.device.name, "year": p.device.year,
                             "devices": p.devices_needed, "power [W]": p.power_watts,
                             "cost [USD]": p.cost_usd} for p in plans]).sort_values("year")
generations.sort_values("devices").head(10)
"""),
    md("""
## 4. Power and cost by preset

Every preset on one device. Formula presets have no operations, so their bytes are
unknown and they are treated as compute-bound (a lower bound on devices).
"""),
    code("""
by_preset = {name: hardware.plan(brainflops.load_preset(name), "NVIDIA H100 SXM5 80GB", "bf16")
             for name in brainflops.list_presets(variants=True)}
display(plots.plans({p.title: p for p in by_preset.values()}))
pd.DataFrame([{"preset": name, "devices": p.devices_needed, "bound": p.bound,
               "bytes known": p.bytes_known, "power [W]": p.power_watts,
               "power / brain": p.power_vs_brain, "cost [USD]": p.cost_usd}
              for name, p in by_preset.items()]).set_index("preset")
"""),
    md("""
## 5. Explore: device, precision and facility

Pick a device and precision and move the facility assumptions; the plan is recomputed.
(Headless, the cell builds the controls and computes one plan.)
"""),
    code("""
import ipywidgets as widgets

choices = generations.sort_values("year").device.tolist()
device = widgets.Dropdown(options=choices, value="NVIDIA H100 SXM5 80GB", description="device")
precision = widgets.Dropdown(options=["fp32", "bf16", "fp8"], value="fp32",
                             description="precision")
pue = widgets.FloatSlider(value=1.2, min=1.0, max=2.0, step=0.05, description="PUE")
output = widgets.Output()


def update(change=None):
    try:
        p = hardware.plan(model, device.value, precision.value, pue=pue.value)
    except brainflops.BrainflopsError as exc:
        text = str(exc)
        p = None
    else:
        text = (f"{p.devices_needed:,} devices, {p.power_watts:.3g} W "
                f"({p.power_vs_brain:.3g} brains), {p.cost_usd:.3g} USD")
    with output:
        output.clear_output(wait=True)
        print(text)
    return p


for w in (device, precision, pue):
    w.observe(update, names="value")
display(widgets.VBox([device, precision, pue, output]))
print(update().devices_needed)
"""),
]


# --------------------------------------------------------------------------- 06
DEEP_LEARNING = [
    md("""
# The brain and deep learning on one scale

Dettmers (2015) prices each neuron as a small convolutional net. The same operation
records and the same cost function (`op_flops`, one multiply-add = 2 FLOP) also price real
networks, so the brain and deep learning can be compared on one scale: the neuron's
convolution next to ResNet-50 and a transformer block, the brain's FLOP/s in forward passes
per second, and the brain's *lifetime* compute (FLOP/s x about 1e9 s to adulthood) against
the largest training runs. Training-run data: Epoch AI's notable models.
**Data: Epoch AI (epoch.ai), CC BY 4.0.**
"""),
    code(
        SETUP.format(default="20000")
        + """

from brainflops.data.datasets import load_series
from brainflops.data.ml_models import first_model_above
from brainflops.forecast.versus import default_lifetime_seconds, lifetime_flop, versus
from brainflops.ops.networks import get_network, list_networks
from brainflops.outputs import plots
from IPython.display import display"""
    ),
    md("""
## 1. The neuron as a conv net, next to real networks

The `dettmers2015` breakdown lists each stage's operation and FLOP/s. Below it, the
reference networks priced by the same cost function: forward FLOP per image or token,
training FLOP (3 x forward x the training run's inputs) and parameter counts computed from
the layer shapes, next to the figures their sources published.
"""),
    code("""
model = brainflops.load_preset("dettmers2015")
model.breakdown().head(8)
"""),
    code("""
rows = []
for name in list_networks():
    net = get_network(name)
    published = {f.quantity: f.value for f in reversed(net.published)}
    rows.append({"network": net.title, "input": net.input_unit,
                 "forward FLOP": net.forward_flop(),
                 "published forward": published.get("forward_flop"),
                 "training FLOP": net.training_flop() if net.training_inputs else None,
                 "published training": published.get("training_flop"),
                 "parameters": net.parameter_count(),
                 "published parameters": published.get("parameters")})
networks = pd.DataFrame(rows).set_index("network")
networks
"""),
    md("""
Where the FLOPs go: ResNet-50 is almost all convolution; a GPT-3 block is dense
projections plus the attention products, whose share grows with the context.
"""),
    code("""
examples = [get_network(name) for name in ["resnet50", "bert-large", "gpt3-175b"]]
display(plots.operation_shares(examples))
kinds = pd.DataFrame({net.title: net.flops_by_kind() for net in examples}).fillna(0.0)
(kinds / kinds.sum()).round(4)
"""),
    md("""
## 2. Training runs against every preset's lifetime compute

The largest training run to date (the running record of Epoch AI's notable models) and the
frontier models, with one line per preset at its central lifetime compute.
"""),
    code("""
age = default_lifetime_seconds()
life = plots.lifetimes(age_seconds=age)
display(plots.training_runs(life, highlight="Dettmers (2015)"))
crossings = []
for label, value in life.items():
    first = first_model_above(value)
    crossings.append({"estimate": label, "lifetime FLOP": value,
                      "first run above": None if first is None else first.name,
                      "date": None if first is None else first.date})
pd.DataFrame(crossings).sort_values("lifetime FLOP")
"""),
    md("""
Frontier training compute grows about 4-5x per year (Epoch AI). A log-linear fit to the
frontier models since 2010:
"""),
    code("""
frontier = load_series("ml-training-frontier")
recent = frontier[frontier.year >= 2010]
slope = np.polyfit(recent.year, np.log10(recent["value [FLOP]"]), 1)[0]
print(f"{10**slope:.2f}x per year, doubling every {np.log10(2) / slope * 12:.1f} months")
"""),
    md("""
## 3. The brain in deep-learning units, with uncertainty

`versus` samples the preset's parameters: forward passes per second the brain's FLOP/s
would pay for, brain-seconds per training run, and accelerators at peak.
"""),
    code("""
result = versus(brainflops.load_preset("mechanistic-modern"),
                [get_network(n) for n in list_networks()], samples=N_SAMPLES, seed=SEED)
payload = result.to_dict()
print("lifetime FLOP:", {k: f"{v:.3g}" for k, v in payload["lifetime_flop"].items()})
print("in H100s:", {k: f"{v:.3g}" for k, v in payload["brain_in_h100s"].items()})
units = pd.DataFrame([
    {"workload": w["title"],
     "inputs per second": w["brain_equivalent"][f"{w['input_unit']}s_per_second"]["central"],
     "brain-seconds per training run":
         w["brain_equivalent"]["brain_seconds_per_training_run"]["central"]}
    for w in payload["workloads"]]).set_index("workload")
units
"""),
    md("""
Energy per FLOP: the brain at 20 W against accelerators' dense 16-bit peak over board power.
"""),
    code("""
display(plots.energy(result))
pd.DataFrame(payload["energy"]["devices"]).set_index("name")[["power_w", "flop_per_joule"]]
"""),
    md("""
## 4. Your own network

A member of the dense-transformer family, by its sizes; `brainflops versus --workload
FILE.toml` accepts the same as a TOML file (see `docs/deep-learning.md`).
"""),
    code("""
from brainflops.ops.networks import TransformerShape, dense_transformer

mine = dense_transformer(TransformerShape(layers=24, width=2048, heads=16, context=2048,
                                          vocabulary=50257), name="my-1.3b")
tokens = 20 * mine.parameter_count()  # a compute-optimal token count, ~20 per parameter
print(f"{mine.parameter_count():.3g} parameters, {mine.forward_flop():.3g} FLOP per token")
print(f"training on {tokens:.3g} tokens: {mine.training_flop(tokens):.3g} FLOP = "
      f"{mine.training_flop(tokens) / lifetime_flop(model):.2g} Dettmers lifetimes")
"""),
]


# --------------------------------------------------------------------------- 07
ANCHORS = [
    md("""
# Biological anchors: from brain FLOP/s to P(transformative AI by year)

Ajeya Cotra's biological-anchors model (Open Philanthropy, 2020; updated 2022) turns a
brain-compute estimate into training-compute requirements (the anchors) and weighs them
against what the largest training run can afford each year. `brainflops.forecast.anchors`
rebuilds it from sourced parameters and lets the brain FLOP/s come from any preset, so
the whole forecast can be seen to move with the brain estimate. Method, sources and
critiques: `docs/anchors.md`.
"""),
    code(SETUP.format(default=10_000)),
    code("""
from IPython.display import display

from brainflops.forecast.anchors.inputs import load_variant
from brainflops.forecast.anchors.montecarlo import assumption_models, forecast, tornado
from brainflops.outputs import plots

inputs = load_variant("cotra2020")
base = forecast(inputs, brainflops.load_preset("cotra2020"), n=N_SAMPLES, seed=SEED)
pd.DataFrame(base.anchor_rows()).set_index("name")
"""),
    md("""
## 1. The anchors against the training-run trend

Bands are each anchor's 10th-90th percentile of training FLOP with 2020 algorithms; dots
are Epoch AI's frontier training runs. The dashed line is what the largest run can buy
(FLOP per dollar times spend), before algorithmic progress.
"""),
    code("""
display(plots.anchors(base))
"""),
    md("""
## 2. The cumulative probability of TAI for several brain presets

Everything but the brain stays at Cotra's 2020 inputs, with the same seed (common random
numbers), so the curves differ only through the brain.
"""),
    code("""
runs = [
    forecast(inputs, brainflops.load_preset(name), n=N_SAMPLES, seed=SEED)
    for name in ("mechanistic-modern", "carlsmith2020", "cotra2020", "dettmers2015")
]
display(plots.tai(runs))
pd.DataFrame([run.to_dict() for run in runs])[
    ["brain", "brain_median_log10_flops", "median_year", "probability_by", "never_fraction"]
]
"""),
    md("""
## 3. The 2022 update

The `cotra2022` variant keeps the 2020 inputs and changes the weights and the algorithmic
halving time (reconstructed, tagged `assumed`).
"""),
    code("""
update = forecast(
    load_variant("cotra2022"), brainflops.load_preset("cotra2020"), n=N_SAMPLES,
    seed=SEED,
)
display(plots.tai([base, update]))
{run.inputs.name: run.to_dict()["probability_by"] for run in (base, update)}
"""),
    md("""
## 4. Which inputs matter

Each input fixed at its 5th and its 95th percentile, the others sampled; each anchor
weight halved and raised by half.
"""),
    code("""
rows = tornado(base)
display(plots.anchors_tornado(rows, base))
"""),
    md("""
## 5. The assumption table

Every input with its unit, range, source, locator and provenance.
"""),
    code("""
models = assumption_models(inputs, brainflops.load_preset("cotra2020"))
table = pd.concat([assumptions_frame(m) for m in models.values()]).drop_duplicates("name")
table[["name", "unit", "value", "low", "high", "source", "provenance", "verified"]]
"""),
]

NOTEBOOK_CELLS: dict[str, list[tuple[str, str]]] = {
    "01-dettmers-2015.ipynb": DETTMERS,
    "02-uncertainty-and-sensitivity.ipynb": UNCERTAINTY,
    "03-literature-comparison.ipynb": LITERATURE,
    "04-timelines.ipynb": TIMELINES,
    "05-hardware.ipynb": HARDWARE,
    "06-brain-vs-deep-learning.ipynb": DEEP_LEARNING,
    "07-biological-anchors.ipynb": ANCHORS,
}


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """A notebook (no outputs) from ``(kind, source)`` pairs."""
    notebook = new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.cells = [
        new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells
    ]
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index:02d}"
    return notebook


def main() -> int:
    """Write every notebook."""
    NOTEBOOKS.mkdir(exist_ok=True)
    for name, cells in NOTEBOOK_CELLS.items():
        notebook = build(cells)
        nbformat.validate(notebook)
        nbformat.write(notebook, NOTEBOOKS / name)
        print(f"wrote notebooks/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
