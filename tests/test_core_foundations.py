"""Shared core helpers: named normal quantiles, log-space sums, validators."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import logsumexp, ndtri

from brainflops.core.constants import LN10, Z90, Z95
from brainflops.core.errors import InvalidValueError
from brainflops.core.logspace import check_float_log10, flops_from_log10, log_sum_rows
from brainflops.core.validate import finite_float, in_range, positive_float, positive_int


def test_quantiles_are_the_named_ones():
    assert pytest.approx(float(ndtri(0.95)), rel=1e-15) == Z90
    assert pytest.approx(float(ndtri(0.975)), rel=1e-15) == Z95
    assert pytest.approx(math.log(10), rel=1e-15) == LN10


@settings(max_examples=200, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 6), st.integers(1, 8)),
        elements=st.floats(-800, 800, allow_nan=False),
    )
)
# Found by hypothesis: every exponential fits in a float but their sum does not (3 x e^709).
@example(np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [1.0, -709.0]]))
def test_log_sum_rows_matches_scipy(rows):
    np.testing.assert_allclose(log_sum_rows(rows), logsumexp(rows, axis=0), rtol=1e-12, atol=1e-9)


def test_log_sum_rows_overflow_path_matches_scipy():
    # Column 0 picks row 0 as the shift, but row 1 dwarfs it by 800 e-folds in the other
    # columns: exp(800) overflows, so those columns must be redone with their own maximum.
    rows = np.array(
        [[10.0, 0.0, 5.0, -3.0], [0.0, 800.0, 900.0, 1000.0], [1.0, 799.0, 1.0, 999.0]]
    )
    with np.errstate(over="raise"):
        np.testing.assert_raises(FloatingPointError, np.exp, rows - rows[0])
    expected = logsumexp(rows, axis=0)
    got = log_sum_rows(rows)
    np.testing.assert_allclose(got, expected, rtol=1e-14)
    # Returning only the peak would be off by ln(1 + e^-1) in the columns with a runner-up.
    assert got[1] - 800.0 == pytest.approx(math.log1p(math.exp(-1.0)), rel=1e-12)
    assert got[3] - 1000.0 == pytest.approx(math.log1p(math.exp(-1.0)), rel=1e-12)


def test_flops_from_log10_range():
    assert flops_from_log10(15.0).m_as("FLOP/s") == pytest.approx(1e15)
    assert check_float_log10(-300.0) == pytest.approx(1e-300)
    with pytest.raises(InvalidValueError, match="beyond the range"):
        check_float_log10(309.0)


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (lambda v: positive_int("n", v), 0),
        (lambda v: positive_int("n", v), True),
        (lambda v: positive_int("n", v), 2.5),
        (lambda v: positive_int("n", v, maximum=10), 11),
        (lambda v: finite_float("x", v), float("nan")),
        (lambda v: finite_float("x", v), "inf"),
        (lambda v: finite_float("x", v), "five"),
        (lambda v: finite_float("x", v), None),
        (lambda v: positive_float("x", v), 0.0),
        (lambda v: in_range("p", v, 0.0, 1.0), 1.5),
    ],
)
def test_validators_refuse_naming_the_parameter(check, value):
    with pytest.raises(InvalidValueError) as info:
        check(value)
    assert info.value.name in {"n", "x", "p"}


def test_validators_accept_and_convert():
    assert positive_int("n", np.int64(3)) == 3
    assert finite_float("x", "1e3") == 1000.0
    assert positive_float("x", 2) == 2.0
    assert in_range("p", 1, 0.0, 1.0) == 1.0
