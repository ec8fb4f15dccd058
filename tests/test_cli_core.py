import json

import pytest

from brainflops.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_estimate_json_contract(capsys):
    code, out, _ = run(capsys, "estimate", "--preset", "dettmers2015", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["preset"] == "dettmers2015"
    assert data["unit"] == "FLOP/s"
    assert data["central"] == pytest.approx(1.075e21, rel=0.01)
    assert data["reported"] == 1.075e21
    assert sum(row["flops"] for row in data["breakdown"]) == pytest.approx(
        data["central"], rel=1e-12
    )
    assert {"population", "stage", "operation", "flops"} <= set(data["breakdown"][0])
    rows = {(r["population"], r["stage"]): r["flops"] for r in data["breakdown"]}
    # Closed forms from the preset's numbers: cells x rate x 2 FLOP x input x kernel.
    purkinje = rows["cerebellar Purkinje cells", "dendrites"]
    assert purkinje == pytest.approx(1e8 * 200 * 2 * (1e5 * 5) * (10 * 1000 * 5), rel=1e-12)
    granule = rows["cerebellar granule cells", "dendrites"]
    assert granule == pytest.approx(5e10 * 200 * 2 * (15 * 5) * (10 * 1000 * 5), rel=1e-12)


def test_estimate_with_samples_has_percentiles(capsys):
    code, out, _ = run(capsys, "estimate", "--samples", "2000", "--seed", "3", "--json")
    data = json.loads(out)
    assert code == 0
    p = data["percentiles"]
    assert set(p) == {"5", "50", "95"}
    assert p["5"] <= p["50"] <= p["95"]


def test_same_seed_gives_byte_identical_json(capsys):
    first = run(capsys, "estimate", "--samples", "500", "--seed", "9", "--json")[1]
    second = run(capsys, "estimate", "--samples", "500", "--seed", "9", "--json")[1]
    assert first == second


def test_estimate_human_readable(capsys):
    code, out, _ = run(capsys, "estimate")
    assert code == 0
    assert "central estimate: 1.076 × 10²¹ FLOP/s" in out
    assert "conv 100,000×5 *" in out
    assert "K[10,000×5]" in out
    assert "kind: lower bound" in out
    assert "reported by source: 1.075e+21 FLOP/s (reconstruction / reported = 1.0014)" in out
    assert "Dendritic spikes" in out  # words, not the id dendritic_spikes


def test_explain_shows_formulas_and_latex(capsys):
    code, out, _ = run(capsys, "explain", "--preset", "dettmers2015", "--json")
    assert code == 0
    terms = json.loads(out)["terms"]
    dendrites = next(
        t for t in terms if t["stage"] == "dendrites" and "Purkinje" in t["population"]
    )
    assert dendrites["formula"] == "2*B_P*D_P*N_P*S_P*T**2*r"
    assert "N_{P}" in dendrites["latex"]
    assert dendrites["symbols"]["S_P"] == "synapse/neuron"


def test_table_formats_and_out_file(capsys, tmp_path):
    target = tmp_path / "table.md"
    code, _, err = run(
        capsys, "table", "--preset", "dettmers2015", "--format", "markdown", "--out", str(target)
    )
    assert code == 0
    assert "wrote" in err
    assert target.read_text().startswith("| name")
    code, _, err = run(capsys, "table", "--format", "csv", "--out", str(target))
    assert code == 2
    assert "--force" in err
    assert target.read_text().startswith("| name")  # untouched
    code, _, _ = run(capsys, "table", "--format", "csv", "--out", str(target), "--force")
    assert code == 0
    assert target.read_text().startswith("name,symbol")


def test_presets_lists_variants(capsys):
    code, out, _ = run(capsys, "presets", "--json")
    names = [row["preset"] for row in json.loads(out)]
    assert code == 0
    assert "dettmers2015" in names
    assert "dettmers2015:granule-own-filter" in names
    assert "mechanistic-modern" in names


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["estimate", "--preset", "dettmers2016"], "did you mean 'dettmers2015'"),
        (["estimate", "--preset", "dettmers2015:nope"], "unknown variant"),
        (["table", "--scenario", "/nonexistent/file.toml"], "file.toml"),
    ],
)
def test_user_errors_are_one_line_without_traceback(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_python_dash_m_entry_point():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "brainflops", "estimate", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout)["preset"] == "dettmers2015"


def test_presets_and_estimate_tables_line_up(capsys):
    code, out, _ = run(capsys, "presets")
    assert code == 0
    lines = [line for line in out.splitlines() if not line.startswith(("-", " "))]
    assert lines[0].split()[:2] == ["preset", "FLOP/s"]
    end = lines[0].index("FLOP/s") + len("FLOP/s")
    for line in lines[1:]:  # the FLOP/s column is right-aligned under its header
        assert line[end - 1] != " ", line
        assert line[end] == " ", line
    row = next(line for line in lines if line.startswith("kurzweil1999 "))
    assert "2.00 × 10¹⁶" in row
    code, out, _ = run(capsys, "estimate", "--preset", "kurzweil1999")
    assert code == 0
    table = out.splitlines()[-3:]
    assert table[0].split() == ["population", "stage", "operation", "FLOP/s", "share"]
    assert table[2].split()[-4:] == ["2.00", "×", "10¹⁶", "100%"]


def test_explain_shows_kind_headline_and_reconstruction_choice(capsys):
    code, out, _ = run(capsys, "explain", "--preset", "dettmers2015")
    assert code == 0
    assert "kind: lower bound" in out
    assert "the source's headline, as printed: 1.075e+21 FLOP/s" in out
    assert "How this reconstruction was chosen:" in out
    assert "Why (a) is the default" in " ".join(out.split())
    code, out, _ = run(capsys, "explain", "--preset", "moravec1998", "--json")
    data = json.loads(out)
    assert (data["kind"], data["reported"], data["reconstruction"]) == (
        "estimate",
        "1e+08 MIPS",
        None,
    )
    assert data["converted"] == pytest.approx(3.03e13)
    code, out, _ = run(capsys, "explain", "--preset", "carlsmith2020:limit")
    assert "kind: upper bound" in out
    assert "as printed: < 1e+21 FLOP/s" in out
