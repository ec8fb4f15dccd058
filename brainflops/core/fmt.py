"""Numbers for humans: one place that decides how a value is written in text, tables and charts.

Machine outputs (``--json``, CSV) keep full precision; everything a person reads goes
through these functions, so the same quantity always looks the same:

* :func:`sci` writes ``1.08 × 10²¹ FLOP/s`` (or ``1.08 x 10^21`` / LaTeX), plain digits
  between 0.01 and a million;
* :func:`from_log10` does the same from a base-10 logarithm, so values beyond the float
  range (``10^309.2``) are written as ``1.58 × 10³⁰⁹``;
* :func:`si` uses SI prefixes (``2.07 GW``, ``6.50 PB``, ``1.08 ZFLOP/s``);
* :func:`money` writes ``$63.0 bn``; :func:`count` rounds device counts *up* and groups
  thousands; :func:`share` keeps tiny fractions readable;
* :func:`quantity` picks the right one for a unit.

Every function returns ``""`` for ``None`` or NaN, so a missing value shows as a blank cell.
Significant figures default to :data:`DIGITS` everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

__all__ = [
    "DIGITS",
    "Style",
    "count",
    "from_log10",
    "html_table",
    "interval",
    "label",
    "money",
    "quantity",
    "sci",
    "share",
    "si",
    "sig",
]

#: Significant figures of every human-facing number unless a caller asks otherwise.
DIGITS = 3

#: ``"unicode"``: 1.08 × 10²¹; ``"ascii"``: 1.08 x 10^21; ``"latex"``: 1.08 \times 10^{21}.
Style = Literal["unicode", "ascii", "latex"]

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_PLAIN_LOW, _PLAIN_HIGH = 1e-2, 1e6  # written without a power of ten inside this range
_PREFIXES = {
    -30: "q",
    -27: "r",
    -24: "y",
    -21: "z",
    -18: "a",
    -15: "f",
    -12: "p",
    -9: "n",
    -6: "µ",
    -3: "m",
    0: "",
    3: "k",
    6: "M",
    9: "G",
    12: "T",
    15: "P",
    18: "E",
    21: "Z",
    24: "Y",
    27: "R",
    30: "Q",
}
# Units written in full with a power of ten rather than with a prefix (the literature's habit).
_SCIENTIFIC_UNITS = frozenset({"FLOP/s", "FLOP", "OPS", "TEPS", "synapse", "neuron"})
_MONEY_UNITS = frozenset({"$", "USD", "usd"})
_MONEY_SCALES = ((1e12, "tn"), (1e9, "bn"), (1e6, "m"))


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _with_unit(text: str, unit: str) -> str:
    return f"{text} {unit}" if unit else text


def sig(value: float, digits: int = DIGITS) -> str:
    """``value`` with ``digits`` significant figures in plain digits, thousands grouped.

    >>> sig(1872651.2), sig(0.0123456), sig(20), sig(-3.14159)
    ('1,870,000', '0.0123', '20.0', '-3.14')
    >>> sig(float("nan"))
    ''
    """
    if _missing(value):
        return ""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(digits - 1 - magnitude, 0)
    rounded = round(value, digits - 1 - magnitude)
    return f"{rounded:,.{decimals}f}"


def _mantissa_exponent(log10_abs: float, digits: int) -> tuple[float, int]:
    exponent = math.floor(log10_abs)
    mantissa = round(10 ** (log10_abs - exponent), digits - 1)
    if mantissa >= 10:  # 9.996 rounds up to 10.0: carry into the exponent
        mantissa, exponent = mantissa / 10, exponent + 1
    return mantissa, exponent


def _power(mantissa_text: str, exponent: int, style: Style) -> str:
    if style == "latex":
        return rf"{mantissa_text} \times 10^{{{exponent}}}"
    if style == "ascii":
        return f"{mantissa_text} x 10^{exponent}"
    return f"{mantissa_text} × 10{str(exponent).translate(_SUPERSCRIPT)}"


def from_log10(
    log10: float, unit: str = "", digits: int = DIGITS, style: Style = "unicode", sign: int = 1
) -> str:
    """The value ``sign × 10**log10`` written like :func:`sci`, valid far beyond float range.

    >>> from_log10(21.0334, "FLOP/s")
    '1.08 × 10²¹ FLOP/s'
    >>> from_log10(309.2, style="ascii")
    '1.58 x 10^309'
    >>> from_log10(1.30103, "W")
    '20.0 W'
    >>> from_log10(float("-inf"))
    '0'
    """
    if _missing(log10):
        return ""
    if log10 == -math.inf:
        return _with_unit("0", unit)
    if log10 == math.inf:
        return _with_unit("-∞" if sign < 0 else "∞", unit)
    prefix = "-" if sign < 0 else ""
    if math.log10(_PLAIN_LOW) <= log10 < math.log10(_PLAIN_HIGH):
        return _with_unit(prefix + sig(10**log10, digits), unit)
    mantissa, exponent = _mantissa_exponent(log10, digits)
    text = _power(f"{prefix}{mantissa:.{digits - 1}f}", exponent, style)
    return _with_unit(text, unit)


def sci(
    value: float | None, unit: str = "", digits: int = DIGITS, style: Style = "unicode"
) -> str:
    """``value`` in scientific notation with a real power of ten (never ``e+21``).

    Values between 0.01 and a million are written in plain digits.

    >>> sci(1.0765e21, "FLOP/s")
    '1.08 × 10²¹ FLOP/s'
    >>> sci(1.0765e21, "FLOP/s", style="latex")
    '1.08 \\\\times 10^{21} FLOP/s'
    >>> sci(4.5e-7), sci(250.0, "W"), sci(0.0), sci(None)
    ('4.50 × 10⁻⁷', '250 W', '0', '')
    """
    if _missing(value):
        return ""
    assert value is not None
    if value == 0:
        return _with_unit("0", unit)
    return from_log10(math.log10(abs(value)), unit, digits, style, sign=-1 if value < 0 else 1)


def si(value: float | None, unit: str, digits: int = DIGITS) -> str:
    """``value`` with an SI prefix on ``unit`` (engineering notation).

    >>> si(2.07e9, "W"), si(6.5e15, "B"), si(1.0765e21, "FLOP/s"), si(0.02, "s")
    ('2.07 GW', '6.50 PB', '1.08 ZFLOP/s', '20.0 ms')
    >>> si(3e40, "B")
    '3.00 × 10⁴⁰ B'
    """
    if _missing(value):
        return ""
    assert value is not None
    if value == 0 or not math.isfinite(value):
        return _with_unit(f"{value:g}", unit)
    mantissa, exponent = _mantissa_exponent(math.log10(abs(value)), digits)
    engineering = 3 * math.floor(exponent / 3)
    if engineering not in _PREFIXES:
        return sci(value, unit, digits)
    scaled = math.copysign(mantissa * 10 ** (exponent - engineering), value)
    return f"{sig(scaled, digits)} {_PREFIXES[engineering]}{unit}"


def money(value: float | None, symbol: str = "$", digits: int = DIGITS) -> str:
    """An amount of money in words people use: ``$63.0 bn``, ``$270 m``, ``$4,500``.

    >>> money(6.3e10), money(2.7e8), money(4500), money(1.2e16)
    ('$63.0 bn', '$270 m', '$4,500', '$12,000 tn')
    """
    if _missing(value):
        return ""
    assert value is not None
    for scale, word in _MONEY_SCALES:
        if abs(value) >= scale:
            return f"{symbol}{sig(value / scale, digits)} {word}"
    return f"{symbol}{sig(value, digits)}"


def count(value: float | None) -> str:
    """A number of whole things (devices, racks), rounded *up* and grouped by thousands.

    A plan that needs 0.3 of a device needs one device.

    >>> count(1872650.2), count(0.298507), count(0), count(float("nan"))
    ('1,872,651', '1', '0', '')
    >>> count(3e30)
    '3.00 × 10³⁰'
    """
    if _missing(value):
        return ""
    assert value is not None
    if not math.isfinite(value) or abs(value) >= 1e15:
        return sci(value)
    return f"{math.ceil(value):,}"


def share(fraction: float | None, digits: int = 2) -> str:
    """A fraction as a percentage people can read; tiny shares become ``< 0.001%``.

    >>> share(0.4512), share(0.000123), share(1.02e-9), share(0.0), share(1.0)
    ('45%', '0.012%', '< 0.001%', '0%', '100%')
    """
    if _missing(fraction):
        return ""
    assert fraction is not None
    if fraction == 0:
        return "0%"
    if abs(fraction) < 1e-5:
        return "< 0.001%" if fraction > 0 else "> -0.001%"
    percent = 100 * fraction
    if abs(percent) >= 10:  # 45%, 100%: whole percents are enough
        return f"{percent:,.0f}%"
    return f"{sig(percent, digits)}%"


def interval(low: float | None, high: float | None, unit: str = "", digits: int = DIGITS) -> str:
    """A range written once, without repeating equal ends (a degenerate range is one value).

    >>> interval(2.3e20, 5.1e21, "FLOP/s")
    '2.30 × 10²⁰ to 5.10 × 10²¹ FLOP/s'
    >>> interval(1e16, 1e16, "FLOP/s")
    '1.00 × 10¹⁶ FLOP/s (no spread)'
    """
    if _missing(low) or _missing(high):
        return ""
    if sci(low, digits=digits) == sci(high, digits=digits):
        return f"{sci(low, unit, digits)} (no spread)"
    return f"{sci(low, digits=digits)} to {sci(high, unit, digits)}"


def quantity(value: float | None, unit: str, digits: int = DIGITS) -> str:
    """``value`` in ``unit`` the way that unit is usually written.

    Money in words, FLOP/s and counts of things with a power of ten, everything else
    (W, B, J, s, Hz, ...) with an SI prefix.

    >>> quantity(2.07e9, "W"), quantity(6.3e10, "USD"), quantity(1.08e21, "FLOP/s")
    ('2.07 GW', '$63.0 bn', '1.08 × 10²¹ FLOP/s')
    """
    if unit in _MONEY_UNITS:
        return money(value, digits=digits)
    if unit in _SCIENTIFIC_UNITS or (unit.endswith("/s") and "B" not in unit):
        return sci(value, unit, digits)
    return si(value, unit, digits)


def label(name: str, titles: Mapping[str, str] | None = None) -> str:
    """A human label for an internal id: its title when one is known, else the id in words.

    >>> label("purkinje.synapses"), label("firing_rate"), label("top500-rank1", {"top500-rank1": "TOP500 #1"})
    ('Purkinje synapses', 'Firing rate', 'TOP500 #1')
    """
    if titles and name in titles:
        return titles[name]
    words = name.replace(".", " ").replace("_", " ").replace("-", " ").split()
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def html_table(
    title: str, rows: list[tuple[str, str]] | list[list[str]], header: tuple[str, ...] = ()
) -> str:
    """A small HTML table for notebooks' rich display (``_repr_html_``), text escaped.

    >>> html_table("Plan", [("devices", "1,872,651")])
    '<div><strong>Plan</strong><table><tr><td>devices</td><td>1,872,651</td></tr></table></div>'
    """
    from html import escape  # noqa: PLC0415 - only for notebooks

    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return (
        f"<div><strong>{escape(title)}</strong><table>"
        + (f"<tr>{head}</tr>" if head else "")
        + f"{body}</table></div>"
    )
