"""Human number formatting: round trips, rounding direction and blank cells."""

from __future__ import annotations

import math
import re

from hypothesis import given
from hypothesis import strategies as st

from brainflops.core import fmt

_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_PREFIX = dict(zip("qryzafpnµm kMGTPEZYRQ", range(-30, 33, 3), strict=True)) | {"": 0}

magnitudes = st.floats(min_value=1e-250, max_value=1e250, allow_nan=False)


def _parse_sci(text: str) -> float:
    """An independent reader of what a person sees: '1.08 × 10²¹' or '1,870'."""
    text = text.translate(_SUPER).replace(",", "")
    match = re.fullmatch(r"(-?[\d.]+)(?: × 10(-?\d+))?", text)
    assert match, text
    return float(match[1]) * 10.0 ** int(match[2] or 0)


@given(magnitudes, st.integers(2, 5))
def test_sci_round_trips_to_its_significant_figures(value, digits):
    text = fmt.sci(value, digits=digits)
    assert "e" not in text
    assert math.isclose(_parse_sci(text), value, rel_tol=0.51 * 10 ** (1 - digits))


@given(st.floats(min_value=-400, max_value=400))
def test_from_log10_matches_the_power_of_ten_beyond_float_range(log10):
    text = fmt.from_log10(log10, style="ascii")
    mantissa, _, exponent = text.partition(" x 10^")
    value_log10 = math.log10(float(mantissa.replace(",", ""))) + int(exponent or 0)
    assert abs(value_log10 - log10) < 0.003


@given(st.floats(min_value=0, max_value=1e14))
def test_count_rounds_up_and_groups_thousands(value):
    text = fmt.count(value)
    number = int(text.replace(",", ""))
    assert number - 1 < value <= number
    assert re.fullmatch(r"\d{1,3}(,\d{3})*", text)


@given(st.floats(min_value=1e-20, max_value=1e29))
def test_si_prefix_reproduces_the_value(value):
    number, unit = fmt.si(value, "W").split(" ")
    if "×" in number:
        return
    prefix = unit[:-1]
    assert math.isclose(
        float(number.replace(",", "")) * 10.0 ** _PREFIX[prefix], value, rel_tol=0.006
    )


@given(st.floats(min_value=0, max_value=1))
def test_share_is_a_readable_percentage(fraction):
    text = fmt.share(fraction)
    assert text.endswith("%")
    assert "e" not in text
    if fraction >= 1e-5:
        assert math.isclose(
            float(text[:-1].replace(",", "")), 100 * fraction, rel_tol=0.06, abs_tol=0.5
        )


def test_missing_values_are_blank():
    nan = float("nan")
    for function in (fmt.sci, fmt.count, fmt.share, fmt.money, fmt.sig):
        assert function(nan) == ""
        assert function(None) == ""
    assert fmt.si(nan, "W") == fmt.quantity(None, "W") == fmt.interval(nan, 1.0) == ""


def test_rounding_carries_into_the_exponent():
    assert fmt.sci(9.9996e21, "FLOP/s") == "1.00 × 10²² FLOP/s"
    assert fmt.si(999.96e6, "W") == "1.00 GW"
