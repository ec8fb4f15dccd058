import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from brainflops.core.errors import ExpressionError
from brainflops.models.expressions import parse_formula

A, B = sp.symbols("a b", positive=True)
SYMBOLS = {"a": A, "b": B, "pop.count": A}


def test_arithmetic_and_functions():
    assert parse_formula("2 * a * b ** 2 / 4 - 1", SYMBOLS) == A * B**2 / 2 - 1
    assert parse_formula("max(a, b) + log(a) + sqrt(b)", SYMBOLS) == sp.Max(A, B) + sp.log(
        A
    ) + sp.sqrt(B)
    assert parse_formula("-a + +b", SYMBOLS) == B - A
    assert parse_formula("3 * pop.count", SYMBOLS) == 3 * A


HOSTILE = [
    "__import__('os').system('echo pwned')",
    "a.__class__",
    "a.real",
    "(lambda: 1)()",
    "[x for x in (1, 2)]",
    "open('/etc/passwd')",
    "eval('1')",
    "exec('1')",
    "a if b else 1",
    "a[0]",
    "'text'",
    "{1: 2}",
    "a == b",
    "a and b",
    "globals()",
    "max(a, b, key=a)",
    "9 ** 9 ** 9 ** 9",
    "a; b",
    "import os",
    "a := 3",
    "1 / 0",
    "",
    "   ",
    "unknown_name * 2",
    "log(a, b, a)",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_or_invalid_input_is_rejected(text, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("user text reached eval/sympify")

    monkeypatch.setattr("builtins.eval", forbidden)
    monkeypatch.setattr(sp, "sympify", forbidden)
    with pytest.raises(ExpressionError):
        parse_formula(text, SYMBOLS, name="formulas.evil")


def test_error_names_the_key():
    with pytest.raises(ExpressionError, match=r"formulas\.x"):
        parse_formula("os.system", SYMBOLS, name="formulas.x")


def test_non_string_rejected():
    with pytest.raises(ExpressionError):
        parse_formula(3, SYMBOLS)  # type: ignore[arg-type]


@given(st.text(max_size=60))
def test_fuzz_never_raises_anything_but_expression_error(text):
    try:
        result = parse_formula(text, SYMBOLS)
    except ExpressionError:
        return
    assert isinstance(result, sp.Expr)
