"""Packaged HPC and accelerator data: loaders, units, conventions and anchors."""

from __future__ import annotations

import math
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from brainflops.core.errors import BrainflopsError, InvalidValueError, UnknownNameError
from brainflops.data import datasets

REQUIRED = {
    "top500-rank1",
    "top500-rank500",
    "top500-sum",
    "hpcg-rank1",
    "green500-rank1",
    "gpu-fp32",
    "gpu-tensor-fp16",
    "gpu-flops-per-dollar",
    "gpu-flops-per-watt",
}


def test_required_series_are_listed_and_sourced():
    names = datasets.list_series()
    assert set(names) >= REQUIRED
    assert names == sorted(names)
    sources = datasets.series_sources()
    assert set(sources) == set(names)
    assert all(text.strip() for text in sources.values())
    assert "CC BY 4.0" in sources["gpu-fp32"]


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_series_shape_units_and_order(name):
    frame = datasets.load_series(name)
    unit = datasets.series_unit(name)
    assert list(frame.columns) == ["year", "date", f"value [{unit}]", "label"]
    assert datasets.value_column(frame) == f"value [{unit}]"
    assert datasets.value_unit(frame) == unit
    values = frame[f"value [{unit}]"].to_numpy(dtype=float)
    assert np.all(np.isfinite(values))
    assert np.all(values > 0)
    assert np.all(np.diff(frame["year"].to_numpy()) >= 0)
    assert frame.attrs["series"] == name
    assert len(frame) >= 9


def test_units_of_the_series():
    assert datasets.series_unit("green500-rank1") == "FLOP/s/W"
    assert datasets.series_unit("gpu-flops-per-watt") == "FLOP/s/W"
    assert datasets.series_unit("gpu-flops-per-dollar") == "FLOP/s/USD"
    assert datasets.series_unit("top500-sum") == "FLOP/s"


def test_decimal_year_convention():
    assert datasets.decimal_year("1993-06") == pytest.approx(1993 + 5.5 / 12)
    assert datasets.decimal_year("2013-11") == pytest.approx(2013.875)
    # mid-day of the day of year; 2024 is a leap year
    assert datasets.decimal_year("2024-12-31") == pytest.approx(2024 + 365.5 / 366)
    assert datasets.decimal_year("2015-01-01") == pytest.approx(2015 + 0.5 / 365)
    for bad in ("2013", "2013-13", "2013-02-30", "June 2013"):
        with pytest.raises(InvalidValueError):
            datasets.decimal_year(bad)


def test_top500_anchors_in_base_units():
    """Anchors checked against the list files (data/hpc/SOURCES.md)."""
    frame = datasets.load_series("top500-rank1").set_index("date")
    col = "value [FLOP/s]"
    assert frame.loc["1993-06", col] == pytest.approx(59.7e9)
    assert frame.loc["2008-06", col] == pytest.approx(1026e12)
    assert frame.loc["2008-06", "label"] == "Roadrunner"
    assert frame.loc["2022-06", col] == pytest.approx(1.102e18)
    assert frame.loc["2026-06", col] == pytest.approx(2.1984e18)
    assert frame.loc["2013-06", "year"] == pytest.approx(2013 + 5.5 / 12)
    total = datasets.load_series("top500-sum").set_index("date")
    assert total.loc["2024-11", col] == pytest.approx(11.72e18, rel=1e-3)
    assert len(frame) == 67


def test_hpcg_and_green500_anchors():
    hpcg = datasets.load_series("hpcg-rank1").set_index("date")
    assert hpcg.loc["2014-06", "value [FLOP/s]"] == pytest.approx(0.58e15)
    # 2026-06 exists only in the TOP500.org workbook column
    assert hpcg.loc["2026-06", "value [FLOP/s]"] == pytest.approx(22004.9e12)
    green = datasets.load_series("green500-rank1").set_index("date")
    assert green.loc["2007-11", "value [FLOP/s/W]"] == pytest.approx(357.23e6)
    assert green.loc["2025-11", "value [FLOP/s/W]"] == pytest.approx(73.28153e9)
    assert "2009-06" not in green.index  # no official value captured
    assert len(green) == 32


def test_accelerators_in_base_units():
    acc = datasets.load_accelerators()
    for column in (
        "fp32 [FLOP/s]",
        "tensor_fp16_bf16 [FLOP/s]",
        "fp8 [FLOP/s]",
        "int8 [OP/s]",
        "memory [B]",
        "memory_bandwidth [B/s]",
        "tdp [W]",
        "price [USD]",
        "release_year",
    ):
        assert column in acc.columns
    assert len(acc) == 169
    h100 = acc.set_index("name").loc["NVIDIA H100 SXM5 80GB"]
    assert h100["fp32 [FLOP/s]"] == pytest.approx(66.91e12)
    assert h100["tensor_fp16_bf16 [FLOP/s]"] == pytest.approx(989.4e12)
    assert h100["memory [B]"] == pytest.approx(80e9)
    assert h100["price [USD]"] == 33600
    assert h100["release_year"] == 2022
    assert h100["year"] == pytest.approx(datasets.decimal_year("2022-09-20"))
    undated = acc[acc["release_date"].isna()]
    assert len(undated) > 0
    assert undated["year"].isna().all()


@pytest.mark.parametrize(
    ("name", "column", "denominator"),
    [
        ("gpu-fp32", "fp32 [FLOP/s]", None),
        ("gpu-tensor-fp16", "tensor_fp16_bf16 [FLOP/s]", None),
        ("gpu-flops-per-dollar", "fp32 [FLOP/s]", "price [USD]"),
        ("gpu-flops-per-watt", "fp32 [FLOP/s]", "tdp [W]"),
    ],
)
def test_accelerator_series_are_the_yearly_best(name, column, denominator):
    acc = datasets.load_accelerators()
    value = acc[column] if denominator is None else acc[column] / acc[denominator]
    best = (
        pd.DataFrame({"year": acc["release_year"], "value": value})
        .dropna()
        .groupby("year")["value"]
        .max()
    )
    series = datasets.load_series(name)
    got = series[f"value [{datasets.series_unit(name)}]"].to_numpy()
    assert len(series) == len(best)
    np.testing.assert_allclose(got, best.to_numpy())
    calendar = [math.floor(y) for y in series["year"]]
    assert calendar == sorted(set(calendar))


def test_loaded_frames_are_copies():
    first = datasets.load_series("top500-rank1")
    first.loc[0, "value [FLOP/s]"] = -1.0
    again = datasets.load_series("top500-rank1")
    assert again.loc[0, "value [FLOP/s]"] == pytest.approx(59.7e9)


def test_unknown_series_names_the_argument_and_suggests():
    with pytest.raises(UnknownNameError) as info:
        datasets.load_series("top500-rank")
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, BrainflopsError)
    assert info.value.kind == "series"
    assert "top500-rank1" in str(info.value)


def test_value_column_requires_exactly_one():
    with pytest.raises(InvalidValueError):
        datasets.value_column(pd.DataFrame({"year": [1.0], "value": [1.0]}))


def test_hpcg_hpl_ratio_from_the_data():
    ratio = datasets.hpcg_hpl_ratio()
    assert ratio.minimum <= ratio.median <= ratio.maximum
    # literature.md 5.6: about 1.7 % (Tianhe-2) and about 1 % (El Capitan)
    assert 0.009 < ratio.median < 0.03
    # LineShine, 2026-06: 22,004.9 TFLOP/s HPCG / 2,198,400 TFLOP/s HPL, not the rounded 1.00 %
    assert ratio.latest == pytest.approx(22004.9 / 2198400, rel=1e-12)
    assert ratio.latest_date == "2026-06"
    assert ratio.n_results < 25  # repeated lists are counted once
    assert "hpcg_history.csv" in ratio.source


def test_hpcg_hpl_ratio_uses_exact_values_not_the_percent_column():
    ratio = datasets.hpcg_hpl_ratio()
    raw = pd.read_csv(resources.files("brainflops") / "data" / "hpc" / "hpcg_history.csv")
    exact = raw["rank1_hpcg_tflops"] / raw["rank1_hpl_rmax_tflops"]
    # Tianhe-2 (580 / 33,860 = 1.7129 %), not the file's 2-decimal 1.71 %
    assert exact.iloc[0] == pytest.approx(0.017129, rel=1e-4)
    assert ratio.minimum == pytest.approx(exact.min(), rel=1e-12)
    assert ratio.maximum == pytest.approx(exact.max(), rel=1e-12)
    # the source names where each part of the data comes from
    assert "official HPCG lists 2014-06..2025-11" in ratio.source
    assert "2026-06 from the TOP500.org HPCG workbook" in ratio.source


def test_every_series_cites_a_bibliography_key():
    from brainflops.data.citations import bibliography

    keys = datasets.series_citations()
    assert set(keys) == set(datasets.list_series())
    assert set(keys.values()) <= set(bibliography())
    assert keys["top500-rank1"] == "top500"
    assert keys["gpu-fp32"] == "epoch-ml-hardware"


def test_package_data_files_and_licence_note():
    folder = resources.files("brainflops") / "data" / "hpc"
    names = {entry.name for entry in folder.iterdir()}
    assert {
        "top500_history.csv",
        "hpcg_history.csv",
        "green500_history.csv",
        "epoch_ml_hardware_2025-11.csv",
        "SOURCES.md",
    } <= names
    text = (folder / "SOURCES.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in text
    assert "Epoch AI" in text


# ------------------------------------------------- corrections to Epoch's accelerator table
def _accelerator(name):
    acc = datasets.load_accelerators().set_index("name")
    return acc.loc[name]


def test_h100_sxm5_fp8_is_the_datasheets_dense_rate():
    # NVIDIA datasheet: 3,958 TFLOPS FP8 with sparsity; dense is half (Epoch left it blank).
    h100 = _accelerator("NVIDIA H100 SXM5 80GB")
    assert h100["fp8 [FLOP/s]"] == pytest.approx(3958e12 / 2, rel=1e-3)
    assert h100["fp8 [FLOP/s]"] == pytest.approx(2 * h100["tensor_fp16_bf16 [FLOP/s]"], rel=1e-3)


def test_h200_memory_is_141_gb():
    assert _accelerator("NVIDIA H200 SXM")["memory [B]"] == pytest.approx(141e9)


def test_mi355x_fp8_is_its_own_not_the_mi350x_figure():
    mi355x, mi350x = _accelerator("AMD Instinct MI355X"), _accelerator("AMD Instinct MI350X")
    # 256 CUs x 8,192 FP8 FLOP per clock x 2.4 GHz (MI355X peak clock)
    assert mi355x["fp8 [FLOP/s]"] == pytest.approx(256 * 8192 * 2.4e9, rel=1e-4)
    assert mi355x["fp8 [FLOP/s]"] > mi350x["fp8 [FLOP/s]"]
    assert mi355x["fp8 [FLOP/s]"] == pytest.approx(2 * mi355x["tensor_fp16_bf16 [FLOP/s]"])


@pytest.mark.parametrize(
    ("name", "fp64", "fp32"),
    [("NVIDIA B200", 37e12, 75e12), ("NVIDIA GB200", 40e12, 80e12)],
)
def test_blackwell_fp64_and_fp32_follow_nvidias_per_gpu_table(name, fp64, fp32):
    part = _accelerator(name)
    assert part["fp64 [FLOP/s]"] == pytest.approx(fp64)
    assert part["fp32 [FLOP/s]"] == pytest.approx(fp32)


def test_h100_pcie_fp16_non_tensor_is_twice_fp32():
    # Hopper's non-tensor FP16 rate is twice FP32, as in the SXM5 row (133.8 = 2 x 66.91).
    pcie, sxm = _accelerator("NVIDIA H100 PCIe"), _accelerator("NVIDIA H100 SXM5 80GB")
    assert sxm["fp16 [FLOP/s]"] == pytest.approx(2 * sxm["fp32 [FLOP/s]"], rel=1e-3)
    assert pcie["fp16 [FLOP/s]"] == pytest.approx(102.4e12)
    assert pcie["fp16 [FLOP/s]"] == pytest.approx(2 * pcie["fp32 [FLOP/s]"], rel=1e-3)


def test_every_correction_is_documented_with_the_epoch_credit_kept():
    text = (resources.files("brainflops") / "data" / "hpc" / "SOURCES.md").read_text("utf-8")
    section = text.split("### Corrections to Epoch's export", 1)[1].split("\n## ", 1)[0]
    for row, column, old, new in [
        ("NVIDIA H100 SXM5 80GB", "fp8_tflops", "(blank)", "1979"),
        ("NVIDIA H200 SXM", "memory_gb", "(blank)", "141"),
        ("AMD Instinct MI355X", "fp8_tflops", "4600", "5033.2"),
        ("NVIDIA B200", "fp64_tflops", "31.04", "37"),
        ("NVIDIA B200", "fp32_tflops", "62.08", "75"),
        ("NVIDIA GB200", "fp64_tflops", "45", "40"),
        ("NVIDIA GB200", "fp32_tflops", "90", "80"),
        ("NVIDIA H100 PCIe", "fp16_nontensor_tflops", "204.9", "102.4"),
    ]:
        assert f"| {row} | `{column}` | {old} | {new} |" in section
    assert "CC BY 4.0" in section
