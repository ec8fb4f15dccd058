"""Roofline, scale-out and the ``hardware`` command, checked against hand arithmetic.

The dettmers2015 numbers used below come from the preset (stated in the post): Purkinje
1e8 cells, granule 5e10, other 3.59e10, all at 200 Hz, 5 time steps, Purkinje fan-in 1e5,
granule 15, other 1e4, kernel 10 x 1000 x 5. The H100 row is the accelerator table's
"NVIDIA H100 SXM5 80GB": 66.91 TFLOP/s fp32, 989.4 TFLOP/s dense bf16, 3,350 GB/s,
80 GB, 700 W, 33,600 USD.
"""

import json
import math
from dataclasses import replace
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brainflops.cli import main
from brainflops.core.errors import InvalidValueError, UnknownNameError
from brainflops.hardware.plan import (
    Device,
    attainable_flops,
    facility_assumptions,
    get_device,
    interconnects,
    list_devices,
    match_device,
    plan,
    roofline_bound,
    sources,
)
from brainflops.models.presets import list_presets, load_preset

H100 = "NVIDIA H100 SXM5 80GB"
PEAK32, PEAK16, BW = 66.91e12, 989.4e12, 3.35e12


@pytest.fixture(scope="module")
def fp32():
    return plan(load_preset("dettmers2015"), H100, "fp32")


def stage(result, population_word, name):
    (row,) = [s for s in result.stages if population_word in s.population and s.stage == name]
    return row


# ------------------------------------------------------------------ roofline


def test_attainable_hand_cases():
    # ridge point 100e12 / 2e12 = 50 FLOP/B
    assert attainable_flops(10.0, 100e12, 2e12) == pytest.approx(20e12)
    assert attainable_flops(80.0, 100e12, 2e12) == pytest.approx(100e12)
    assert attainable_flops(50.0, 100e12, 2e12) == pytest.approx(100e12)
    assert roofline_bound(10.0, 100e12, 2e12) == "memory"
    assert roofline_bound(50.0, 100e12, 2e12) == "compute"
    assert roofline_bound(80.0, 100e12, 2e12) == "compute"


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_attainable_rejects_bad_numbers(bad):
    with pytest.raises(InvalidValueError, match="intensity"):
        attainable_flops(bad, 1e12, 1e9)


@given(
    st.floats(-4, 6).map(lambda e: 10.0**e),
    st.floats(10, 16).map(lambda e: 10.0**e),
    st.floats(9, 13).map(lambda e: 10.0**e),
)
def test_attainable_is_the_lower_roof(intensity, peak, bandwidth):
    value = attainable_flops(intensity, peak, bandwidth)
    assert value <= peak * (1 + 1e-12)
    assert value <= intensity * bandwidth * (1 + 1e-12)
    assert math.isclose(value, peak) or math.isclose(value, intensity * bandwidth)
    assert (roofline_bound(intensity, peak, bandwidth) == "memory") == (value < peak)


# ------------------------------------------------------------------- devices


def test_h100_row_is_the_one_the_hand_check_uses():
    device = get_device(H100)
    assert device.peak("fp32") == pytest.approx(PEAK32)
    assert device.peak("bf16") == pytest.approx(PEAK16)
    assert device.memory_bandwidth == pytest.approx(BW)
    assert (device.memory_bytes, device.tdp_watts, device.price_usd) == (80e9, 700.0, 33600.0)
    assert device.ridge_point("fp32") == pytest.approx(PEAK32 / BW)


def test_device_lookup_exact_partial_ambiguous_unknown():
    assert get_device("nvidia h100 sxm5 80gb").name == H100
    assert get_device("NVIDIA H100 SXM5").name == H100
    with pytest.raises(InvalidValueError, match="several devices"):
        get_device("H100")
    with pytest.raises(UnknownNameError, match="did you mean") as info:
        get_device("NVIDIA H100 SXM6 80GB")
    assert H100 in str(info.value)


def test_missing_and_unknown_precision_are_named():
    # Epoch's table gives the H200 no FP8 peak (the H100's was filled from the datasheet).
    with pytest.raises(InvalidValueError, match="no fp8 peak") as info:
        get_device("NVIDIA H200 SXM").peak("fp8")
    assert get_device(H100).peak("fp8") == pytest.approx(1979e12)
    assert info.value.name == "precision"
    with pytest.raises(InvalidValueError, match="unknown precision 'fp12'"):
        plan(load_preset("dettmers2015"), H100, "fp12")


@pytest.mark.parametrize(
    ("cuda_name", "row"),
    [
        ("NVIDIA H100 80GB HBM3", "NVIDIA H100 SXM5 80GB"),
        ("NVIDIA H100 PCIe", "NVIDIA H100 PCIe"),
        ("NVIDIA A100-SXM4-80GB", "NVIDIA A100 SXM4 80 GB"),
    ],
)
def test_match_device_by_cuda_name(cuda_name, row):
    assert match_device(cuda_name).name == row


def test_match_device_none_for_a_cpu():
    assert match_device("Intel(R) Xeon(R) Processor") is None


def test_every_device_listed_once():
    names = [d.name for d in list_devices()]
    assert len(names) == len(set(names)) > 100


# -------------------------------------------------------------- data files


def test_links_have_sources_and_positive_bandwidth():
    known = sources()
    links = interconnects()
    assert {"pcie3_x16", "pcie4_x16", "pcie5_x16", "infiniband_ndr", "nvlink4"} <= set(links)
    for name, link in links.items():
        assert link.source in known, name
        assert link.quantity.m_as("GB/s") > 0
        assert link.provenance in ("stated", "derived", "assumed")


def test_derived_link_bandwidths_follow_their_arithmetic():
    links = interconnects()
    # lanes x GT/s x 128/130 / 8 bit
    assert links["pcie4_x16"].quantity.m_as("GB/s") == pytest.approx(
        16 * 16 * 128 / 130 / 8, rel=1e-3
    )
    assert links["pcie5_x16"].quantity.m_as("GB/s") == pytest.approx(
        16 * 32 * 128 / 130 / 8, rel=1e-3
    )
    assert links["pcie3_x16"].quantity.m_as("GB/s") == pytest.approx(
        16 * 8 * 128 / 130 / 8, rel=1e-3
    )
    assert links["infiniband_ndr"].quantity.m_as("GB/s") == pytest.approx(400 / 8)
    assert links["nvlink4"].quantity.m_as("GB/s") == pytest.approx(900 / 2)


def test_facility_assumptions_have_sources():
    known = sources()
    for parameter in facility_assumptions().values():
        assert parameter.source in known
    assert facility_assumptions()["pue"].value >= 1


# ----------------------------------------------------- dettmers2015 on H100


def test_stage_bytes_and_bounds_by_hand(fp32):
    dendrites = stage(fp32, "Purkinje", "dendrites")
    # 2e10 evaluations/s x 4 B x (5e4 kernel + 5e5 input + 5e5 output)
    assert dendrites.bytes_per_second == pytest.approx(2e10 * 4 * (5e4 + 5e5 + 5e5))
    assert dendrites.intensity == pytest.approx(5e10 / 4.2e6)
    assert dendrites.bound == "compute"
    assert dendrites.devices == pytest.approx(1e21 / PEAK32)
    synapses = stage(fp32, "Purkinje", "synapses")
    # dense 1e5 -> 1 over 5 steps: 1e6 FLOP, 4 x (1e5 + 5e5 + 5) B per evaluation
    assert synapses.intensity == pytest.approx(1e6 / (4 * (1e5 + 5e5 + 5)))
    assert synapses.bound == "memory"
    assert synapses.devices == pytest.approx(2e10 * 4 * (1e5 + 5e5 + 5) / BW)
    other = stage(fp32, "other", "synapses")
    assert other.devices == pytest.approx(3.59e10 * 200 * 4 * (1e4 + 5e4 + 5) / BW)
    assert other.devices == pytest.approx(514431, rel=1e-6)


def test_memory_bound_stages_recognised(fp32):
    memory = {(s.population.split()[1], s.stage) for s in fp32.memory_bound_stages}
    assert ("Purkinje", "synapses") in memory
    assert ("Purkinje", "dendrites") not in memory
    assert ("granule", "dendrites") not in memory  # intensity 37.4 > ridge 19.97
    for s in fp32.stages:
        assert (s.bound == "memory") == (s.intensity < fp32.ridge_point)


def test_lower_precision_moves_the_ridge(fp32):
    bf16 = plan(load_preset("dettmers2015"), H100, "bf16")
    # granule dendrites: 2 x 75 x 5e4 FLOP over 2 B x (5e4 + 75 + 75): 74.8 FLOP/B, below
    # the bf16 ridge 989.4 / 3.35 = 295 but above the fp32 ridge 20
    granule = stage(bf16, "granule", "dendrites")
    assert granule.intensity == pytest.approx(7.5e6 / (2 * (5e4 + 150)))
    assert granule.bound == "memory"
    assert stage(fp32, "granule", "dendrites").bound == "compute"
    assert bf16.bytes_per_second == pytest.approx(fp32.bytes_per_second / 2)
    assert bf16.memory_bytes == pytest.approx(fp32.memory_bytes / 2)


def test_device_count_power_and_cost_by_hand(fp32):
    throughput = sum(s.devices for s in fp32.stages)
    assert fp32.devices_for_throughput == pytest.approx(throughput)
    # Granule dendritic spikes pool 15 synapses x 5 steps into the cell's 4 dendrites:
    # 5e10 cells x 200 Hz x 4 B x (75 in + 20 out) = 3.8e15 B/s over 3.35e12 B/s.
    spikes = stage(fp32, "granule", "dendritic_spikes")
    assert spikes.bytes_per_second == pytest.approx(5e10 * 200 * 4 * (75 + 20))
    assert spikes.devices == pytest.approx(3.8e15 / 3.35e12)
    assert fp32.devices_for_throughput == pytest.approx(17_131_962.57, rel=1e-8)
    assert fp32.devices_compute_only == pytest.approx(1.0764794820e21 / PEAK32)
    assert fp32.devices_needed == 17_131_963 == math.ceil(throughput)
    assert fp32.limited_by == "throughput"
    assert fp32.bound == "compute"
    assert fp32.power_watts == pytest.approx(17_131_963 * 700 * 1.58)
    assert fp32.cost_usd == pytest.approx(17_131_963 * 33_600)
    assert fp32.energy_cost_per_hour_usd == pytest.approx(17_131_963 * 700 * 1.58 / 1000 * 0.0806)
    assert fp32.power_vs_brain == pytest.approx(fp32.power_watts / 20)


def test_memory_to_hold_the_weights_by_hand(fp32):
    weights = (1e5 + 5e4 + 5 + 1e3) * 1e8 + (15 + 5e4 + 5 + 100) * 5e10 + (1e4 + 5 + 1e4) * 3.59e10
    assert fp32.memory_bytes == pytest.approx(4 * weights)
    assert fp32.devices_for_memory == math.ceil(4 * weights / 80e9) == 161_964


def test_interconnect_traffic_by_hand(fp32):
    outputs = 2e10 * 5 * 1e3 + 1e13 * 5 * 100 + 7.18e12 * 5 * 1e4  # axon outputs per second
    n = fp32.devices_needed
    per_device = outputs * 4 * (1 - 1 / n) / n
    assert fp32.model_parallel_bytes_per_second == pytest.approx(per_device)
    links = {link.name: link for link in fp32.links}
    assert links["infiniband_ndr"].model_parallel == pytest.approx(per_device / 50e9)
    assert links["infiniband_ndr"].model_parallel > 1 > links["nvlink4"].model_parallel
    assert fp32.data_parallel_feasible is False
    assert fp32.data_parallel_bytes_per_second == pytest.approx(
        2 * (n - 1) / n * fp32.memory_bytes
    )


def test_overrides_scale_power_and_energy(fp32):
    cheap = plan(
        load_preset("dettmers2015"), H100, "fp32", pue=1.1, electricity_price="0.05 1/kWh"
    )
    assert cheap.power_watts == pytest.approx(fp32.power_watts * 1.1 / 1.58)
    assert cheap.energy_cost_per_hour_usd == pytest.approx(cheap.power_watts / 1000 * 0.05)
    with pytest.raises(InvalidValueError, match="at least 1"):
        plan(load_preset("dettmers2015"), H100, pue=0.9)
    with pytest.raises(UnknownNameError, match="link"):
        plan(load_preset("dettmers2015"), H100, links=["pcie9"])


def test_synthetic_device_hand_case():
    """A made-up device where every number is round: peak 1e14, 1e12 B/s, 0.1 GB, 100 W."""
    device = Device(
        "Test part",
        "Test",
        "GPU",
        2030.0,
        MappingProxyType({"fp32": 1e14}),
        MappingProxyType({"fp32": "fp32 [FLOP/s]"}),
        1e8,
        1e12,
        100.0,
        1000.0,
    )
    result = plan(load_preset("dettmers2015"), device, "fp32", pue=1.0)
    dendrites = stage(result, "Purkinje", "dendrites")
    assert dendrites.devices == pytest.approx(1e21 / 1e14)
    synapses = stage(result, "Purkinje", "synapses")
    assert synapses.devices == pytest.approx(2e10 * 2.400020e6 / 1e12)
    # 1.296e16 B of weights on 0.1 GB devices (1.3e8 of them) outnumber the ~1.4e7 that
    # throughput needs: memory capacity sets the count
    assert result.devices_for_memory == math.ceil(result.memory_bytes / 1e8)
    assert result.devices_for_memory > result.devices_for_throughput
    assert result.limited_by == "memory capacity"
    assert result.devices_needed == result.devices_for_memory
    assert result.power_watts == pytest.approx(result.devices_needed * 100.0)
    assert result.cost_usd == pytest.approx(result.devices_needed * 1000.0)


def test_device_without_price_or_tdp_reports_none():
    device = replace(get_device(H100), tdp_watts=None, price_usd=None)
    result = plan(load_preset("dettmers2015"), device)
    assert result.power_watts is None
    assert result.cost_usd is None
    assert result.energy_cost_per_hour_usd is None


def _formula_preset():
    for name in list_presets():
        if all(not term.operations for term in load_preset(name).terms):
            return name
    return None


def test_formula_preset_has_unknown_bytes_and_compute_bound():
    name = _formula_preset()
    if name is None:
        pytest.skip("no formula-only preset is installed")
    result = plan(load_preset(name), H100)
    assert result.bytes_known is False
    assert result.bytes_per_second is None
    assert result.intensity is None
    assert result.memory_bytes is None
    assert result.devices_for_memory is None
    assert result.bound == "compute"
    assert result.devices_for_throughput == pytest.approx(result.flops / PEAK32)
    assert result.to_dict()["bytes_known"] is False


# ----------------------------------------------------------------------- CLI


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_json_contract(capsys, fp32):
    code, out, _ = run(
        capsys, "hardware", "--preset", "dettmers2015", "--device", "NVIDIA H100 SXM5", "--json"
    )
    assert code == 0
    data = json.loads(out)
    for key in ("devices_needed", "power_watts", "cost_usd", "memory_bytes", "bound"):
        assert key in data
    assert data["devices_needed"] == fp32.devices_needed
    assert data["power_watts"] == pytest.approx(fp32.power_watts)
    assert data["bound"] in ("compute", "memory")
    assert data["device"] == H100
    assert len(data["stages"]) == len(load_preset("dettmers2015").terms)
    again = run(capsys, "hardware", "--device", "NVIDIA H100 SXM5", "--json")[1]
    assert again == out  # deterministic, and dettmers2015 is the default preset


def test_cli_text_and_list(capsys):
    code, out, _ = run(capsys, "hardware", "--device", H100, "--precision", "bf16")
    assert code == 0
    assert "devices needed" in out
    assert "memory" in out
    code, out, _ = run(capsys, "hardware", "--list")
    assert code == 0
    assert H100 in out
    code, out, _ = run(capsys, "hardware", "--list", "--json")
    assert H100 in [row["name"] for row in json.loads(out)]


def test_cli_errors_exit_2(capsys):
    code, _, err = run(capsys, "hardware", "--device", "NVIDIA H100 SXM6 80GB")
    assert code == 2
    assert "did you mean" in err
    code, _, err = run(capsys, "hardware")
    assert code == 2
    assert "--device" in err


@pytest.mark.parametrize("price", ["0.1", "0.1 USD/kWh", "0.1USD/kWh"])
def test_cli_electricity_price_as_number_or_quantity(capsys, price):
    code, out, err = run(
        capsys,
        "hardware",
        "--device",
        H100,
        "--electricity-price",
        price,
        "--pue",
        "1.2",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["electricity_price_usd_per_kwh"] == pytest.approx(0.1)
    assert data["pue"] == pytest.approx(1.2)


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--electricity-price", "0.1 EUR/kWh", "plain number in USD/kWh"),
        ("--electricity-price", "-0.1", "positive and finite"),
        ("--pue", "nan", "positive and finite"),
    ],
)
def test_cli_bad_facility_overrides_are_one_line(capsys, flag, value, message):
    code, _, err = run(capsys, "hardware", "--device", H100, flag, value)
    assert code == 2
    assert f"{flag}: " in err
    assert message in err


def test_facility_value_is_the_one_source_of_brain_power():
    from brainflops.params.assumption_files import facility_value

    assert facility_value("brain_power", "W") == 20.0
    assert facility_value("brain_power", "kW") == pytest.approx(0.02)
    assert facility_value("body_temperature", "K") == 310.0
    assert plan(load_preset("dettmers2015"), H100).brain_power == facility_value(
        "brain_power", "W"
    )
    with pytest.raises(UnknownNameError):
        facility_value("brain_powr", "W")


def test_plan_options_and_keywords_agree(fp32):
    from brainflops.hardware.plan import PlanOptions

    model = load_preset("dettmers2015")
    grouped = plan(model, H100, "fp32", PlanOptions(pue=1.1, links=["nvlink4"]))
    keywords = plan(model, H100, "fp32", pue=1.1, links=["nvlink4"])
    assert grouped == keywords
    assert grouped.power_watts == pytest.approx(fp32.power_watts * 1.1 / 1.58)
    assert [link.name for link in grouped.links] == ["nvlink4"]
    # A keyword overrides the same field of the options object.
    assert plan(model, H100, "fp32", PlanOptions(pue=3.0, links=["nvlink4"]), pue=1.1) == grouped
    with pytest.raises(TypeError, match="pues"):
        plan(model, H100, "fp32", pues=1.1)
