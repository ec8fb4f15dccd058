"""The report's section on deep learning: workloads in brain units and training runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from brainflops.core import fmt
from brainflops.forecast.versus import versus
from brainflops.ops.networks import get_network, list_networks
from brainflops.outputs import plots
from brainflops.outputs.plots_dl import lifetimes, training_runs_figure
from brainflops.outputs.report.document import Section, table
from brainflops.outputs.report.figures import as_report_figure

if TYPE_CHECKING:
    from brainflops.models.model import Model

__all__ = ["versus_section"]


def versus_section(model: Model, samples: int, seed: int) -> Section:
    """The brain against deep learning: workloads in brain units and training runs."""
    networks = [get_network(n) for n in list_networks()]
    # The report passes its sample count and seed: the same draws as every other section.
    payload = versus(model, networks, None, samples, seed).to_dict()
    brain, life = payload["brain_flops"], payload["lifetime_flop"]
    first = payload["first_training_run_above_lifetime"]
    passed = (
        "No training run in Epoch AI's data has yet used that much compute."
        if first is None
        else f"The first training run above it was {first['name']} ({first['organization']}, "
        f"{first['date']}, {fmt.sci(first['training_flop'], 'FLOP')})."
    )
    rows = []
    for w in payload["workloads"]:
        eq = w["brain_equivalent"]
        seconds = eq.get("brain_seconds_per_training_run", {}).get("central")
        rate = eq[f"{w['input_unit']}s_per_second"]["central"]
        rows.append(
            [
                w["title"],
                fmt.sci(w["forward_flop"]),
                f"{fmt.sci(rate)} {w['input_unit']}s",
                fmt.sci(w["training_flop"]),
                fmt.sci(w["reported_training_flop"]),
                fmt.sci(seconds),
            ]
        )
    all_lifetimes = lifetimes(age_seconds=payload["lifetime_seconds"])
    label = model.title.split(":")[0]
    all_lifetimes.setdefault(label, life["central"])
    figure = training_runs_figure(all_lifetimes, highlight=label)
    return Section(
        key="versus",
        title="The brain against deep learning",
        paragraphs=(
            (
                f"At {fmt.sci(brain['central'], 'FLOP/s')} (90%: "
                f"{fmt.interval(brain['p5'], brain['p95'])}), "
                f"{fmt.sci(payload['lifetime_seconds'])} seconds of life add up to "
                f"{fmt.sci(life['central'], 'FLOP')} (90%: {fmt.interval(life['p5'], life['p95'])}). "
                f"{passed}"
            ),
            (
                "That is the dense BF16 peak of "
                f"{fmt.sci(payload['brain_in_h100s']['central'])} H100 SXM5 accelerators. Training "
                f"compute: 3 × forward FLOP × training inputs; training runs: {plots.EPOCH_CREDIT}."
            ),
        ),
        tables=(
            table(
                "workloads",
                "Reference networks priced by the same operation costs as the "
                "neuron, and what the brain's FLOP/s would pay for.",
                (
                    "workload",
                    "forward FLOP per input",
                    "inputs per second at brain FLOP/s",
                    "training FLOP (computed)",
                    "training FLOP (published)",
                    "brain-seconds per training run",
                ),
                rows,
            ),
        ),
        figures=(
            as_report_figure(
                "training-runs",
                "Training compute of notable ML models and each estimate's lifetime compute.",
                figure,
            ),
        ),
    )
