import pint
import pytest

from brainflops.core.errors import (
    BrainflopsError,
    InvalidValueError,
    UnitMismatchError,
    UnknownNameError,
)
from brainflops.core.units import FLOPS, Q_, as_quantity, magnitude_in, parse_unit, ureg


@pytest.mark.parametrize(
    ("text", "flops"),
    [("1 FLOP/s", 1.0), ("3 PFLOP/s", 3e15), ("2 EFLOP/s", 2e18), ("5 FLOPS", 5.0)],
)
def test_flops_units_parse(text, flops):
    assert Q_(text).m_as(FLOPS) == pytest.approx(flops)


def test_domain_units_have_their_own_dimensions():
    for unit in ("synapse", "neuron", "spike", "step", "FLOP"):
        assert not ureg.Quantity(1, unit).dimensionless
    assert not Q_(1, "synapse").is_compatible_with("neuron")
    # Literature units are not silently FLOP: converting needs an explicit parameter.
    for unit in ("MIPS", "TEPS", "cps", "synop/s"):
        assert not Q_(1, unit).is_compatible_with(FLOPS)


def test_wrong_unit_names_the_parameter_and_both_units():
    with pytest.raises(UnitMismatchError) as info:
        as_quantity("5 Hz", "synapse/neuron", "purkinje.synapses")
    error = info.value
    assert isinstance(error, TypeError)
    assert isinstance(error, BrainflopsError)
    assert error.name == "purkinje.synapses"
    assert "synapse" in error.expected
    assert "Hz" in error.actual


def test_plain_number_string_where_unit_needed_is_rejected():
    with pytest.raises(UnitMismatchError, match="no unit"):
        as_quantity("75000", "synapse/neuron", "x")


def test_conversion_and_bare_numbers():
    assert magnitude_in("2 kHz", "Hz", "rate") == 2000.0
    assert magnitude_in(7, "Hz", "rate") == 7.0
    assert magnitude_in(Q_(1, "EFLOP/s"), "PFLOP/s", "x") == pytest.approx(1000.0)


def test_other_registry_quantities_are_rejected():
    other = pint.UnitRegistry()
    with pytest.raises(UnitMismatchError, match="another registry"):
        as_quantity(other.Quantity(1, "Hz"), "Hz", "rate")


@pytest.mark.parametrize("bad", ["not a unit", "flurbs/s"])
def test_unparseable_unit(bad):
    with pytest.raises(UnitMismatchError):
        parse_unit(bad, "x")


def test_bad_values():
    with pytest.raises(InvalidValueError):
        as_quantity("abc def", "Hz", "rate")
    with pytest.raises(InvalidValueError):
        as_quantity([1, 2], "Hz", "rate")


def test_unknown_name_suggests_close_matches():
    error = UnknownNameError("preset", "detmers2015", ["dettmers2015", "merkle1989"])
    assert isinstance(error, KeyError)
    assert "did you mean 'dettmers2015'" in str(error)


@pytest.mark.parametrize(
    ("text", "expected", "unit"),
    [
        # Each literature unit against its textbook definition, not against the registry.
        ("1 MIPS", 1e6, "instruction / second"),  # million instructions per second
        ("3 MIPS", 3e6, "instruction / second"),
        ("1 GTEPS", 1e9, "traversed_edge / second"),  # Graph500: traversed edges per second
        ("1 TEPS", 1.0, "TE / second"),
        ("1 cps", 1.0, "calculation / second"),  # Moravec, Kurzweil: calculations per second
        ("1e3 calc", 1e3, "calculation"),
        ("1 FLOPS", 1.0, "FLOP / second"),
        ("1 PFLOPS", 1e15, "FLOP / second"),
        ("2 flop", 2.0, "FLOP"),
        ("1 synop", 1.0, "synaptic_operation"),
        ("1 ksynaptic_operation", 1e3, "synaptic_operation"),
        ("4 time_step", 4.0, "step"),
    ],
)
def test_literature_units_match_their_definitions(text, expected, unit):
    from brainflops.core.units import ureg

    assert ureg.Quantity(text).m_as(unit) == pytest.approx(expected, rel=1e-15)


def test_literature_units_are_not_flops():
    from pint.errors import DimensionalityError

    from brainflops.core.units import ureg

    for text in ("1 MIPS", "1 TEPS", "1 cps", "1 synop", "1 bit_erasure"):
        with pytest.raises(DimensionalityError):
            ureg.Quantity(text).to("FLOP/s")
