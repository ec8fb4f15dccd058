"""A restricted formula language for presets and scenario files.

Formulas such as ``"neurons * synapses * rate * flop_per_event"`` are read with
:func:`ast.parse` (which only parses, never executes) and translated node by node into a
sympy expression. Only numbers, known parameter names (dotted names such as ``purkinje.count``
included), ``+ - * / **``, unary minus and a
short whitelist of functions are accepted; anything else (attribute access, subscripts,
lambdas, comprehensions, keyword arguments, dunder names, strings) is rejected with an
:class:`~brainflops.core.errors.ExpressionError` before anything is built. Neither ``eval``
nor ``sympify`` ever sees user text.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from typing import Any

import sympy as sp

from brainflops.core.errors import ExpressionError, UnknownNameError

__all__ = ["ALLOWED_FUNCTIONS", "parse_formula"]

ALLOWED_FUNCTIONS: Mapping[str, Callable[..., sp.Expr]] = {
    "log": sp.log,
    "log10": lambda x: sp.log(x, 10),
    "exp": sp.exp,
    "sqrt": sp.sqrt,
    "min": sp.Min,
    "max": sp.Max,
}
_ARITY: dict[str, int | tuple[int, int]] = {
    "log": 1,
    "log10": 1,
    "exp": 1,
    "sqrt": 1,
    "min": (2, 8),
    "max": (2, 8),
}

_MAX_LENGTH = 2000
_MAX_DEPTH = 60
# A constant power beyond this many decades cannot be a float64 and would make sympy
# grind through enormous integers; refuse it instead of hanging.
_MAX_DECADES = 308.0

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


def _number(value: object, text: str, name: str) -> sp.Expr:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ExpressionError(text, f"constant {value!r} is not a number", name)
    try:
        finite = math.isfinite(float(value))
    except OverflowError:
        finite = False
    if not finite:
        raise ExpressionError(text, "constants must be finite", name)
    if isinstance(value, int) and abs(value) < 10**15:
        return sp.Integer(value)
    return sp.Float(value)


def _check_power(base: sp.Expr, exponent: sp.Expr, text: str, name: str) -> None:
    if base.is_number and exponent.is_number and base != 0:
        decades = abs(float(exponent)) * abs(math.log10(abs(complex(base))))
        if decades > _MAX_DECADES:
            raise ExpressionError(text, "constant power is beyond float range", name)


def _dotted_name(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of plain names (parameter names are dotted), else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def parse_formula(text: str, symbols: Mapping[str, sp.Symbol], name: str = "") -> sp.Expr:
    """Translate a formula over named parameters into a sympy expression.

    Parameters
    ----------
    text:
        The formula, e.g. ``"neurons * rate * 2"``.
    symbols:
        The parameter names the formula may use, mapped to their sympy symbols.
    name:
        The stage or key the formula belongs to, used in error messages.

    Examples
    --------
    >>> import sympy as sp
    >>> n, r = sp.symbols("n r", positive=True)
    >>> parse_formula("2 * n * r", {"n": n, "r": r})
    2*n*r
    >>> parse_formula("__import__('os')", {})
    Traceback (most recent call last):
    ...
    brainflops.core.errors.ExpressionError: invalid expression "__import__('os')": ...
    """
    _check_text(text, name)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(text, f"syntax error: {exc.msg}", name) from None
    expression = _Builder(text, symbols, name).build(tree.body, 0)
    _check_result(expression, text, name)
    return expression


def _check_text(text: Any, name: str) -> None:
    """Refuse what is not a formula before parsing it: not text, empty, too long, dunder."""
    if not isinstance(text, str):
        raise ExpressionError(repr(text), "a formula must be a string", name)
    if not text.strip():
        raise ExpressionError(text, "the formula is empty", name)
    if len(text) > _MAX_LENGTH:
        raise ExpressionError(text[:40] + "...", f"longer than {_MAX_LENGTH} characters", name)
    if "__" in text:
        raise ExpressionError(text, "double-underscore names are not allowed", name)


def _check_result(expression: sp.Expr, text: str, name: str) -> None:
    """Refuse a formula whose value is undefined, identically zero or complex."""
    if expression.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ExpressionError(text, "the formula divides by zero or is undefined", name)
    if expression.is_zero:
        raise ExpressionError(text, "the formula is zero for every value (its terms cancel)", name)
    if expression.has(sp.I):
        raise ExpressionError(
            text, "the formula is complex (a negative number to a fractional power)", name
        )


class _Builder:
    """Turns the syntax tree of one formula into sympy, allowing only the safe node kinds."""

    def __init__(self, text: str, symbols: Mapping[str, sp.Symbol], name: str) -> None:
        self.text, self.symbols, self.name = text, symbols, name

    def error(self, reason: str) -> ExpressionError:
        return ExpressionError(self.text, reason, self.name)

    def build(self, node: ast.AST, depth: int) -> sp.Expr:
        if depth > _MAX_DEPTH:
            raise self.error("nested too deeply")
        if isinstance(node, ast.Constant):
            return _number(node.value, self.text, self.name)
        if isinstance(node, ast.Name | ast.Attribute):
            return self.symbol(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.build(node.operand, depth + 1)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = self.build(node.left, depth + 1), self.build(node.right, depth + 1)
            if isinstance(node.op, ast.Pow):
                _check_power(left, right, self.text, self.name)
            return _BINARY[type(node.op)](left, right)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        raise self.error(f"{type(node).__name__} is not allowed in a formula")

    def symbol(self, node: ast.Name | ast.Attribute) -> sp.Expr:
        """A parameter, by plain (``rate``) or dotted (``cortex.rate``) name."""
        dotted = node.id if isinstance(node, ast.Name) else _dotted_name(node)
        if dotted is None:
            raise self.error("attribute access is not allowed")
        if dotted not in self.symbols:
            raise self.error(str(UnknownNameError("parameter", dotted, self.symbols)))
        return self.symbols[dotted]

    def call(self, node: ast.Call, depth: int) -> sp.Expr:
        if not isinstance(node.func, ast.Name) or node.func.id not in ALLOWED_FUNCTIONS:
            allowed = ", ".join(ALLOWED_FUNCTIONS)
            raise self.error(f"only these functions may be called: {allowed}")
        if node.keywords:
            raise self.error("keyword arguments are not allowed")
        arity = _ARITY[node.func.id]
        low, high = (arity, arity) if isinstance(arity, int) else arity
        if not low <= len(node.args) <= high:
            raise self.error(f"{node.func.id}() takes {arity} argument(s)")
        args = [self.build(arg, depth + 1) for arg in node.args]
        return ALLOWED_FUNCTIONS[node.func.id](*args)
