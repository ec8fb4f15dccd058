"""Numerical constants shared across the package, each named after the quantile it is.

Standard normal quantiles are written out as literals so that importing them costs
nothing (no scipy); ``tests/test_constants.py`` checks each against
:func:`scipy.special.ndtri`.

Examples
--------
>>> round(Z90, 3), round(Z95, 3)
(1.645, 1.96)
"""

from __future__ import annotations

__all__ = ["LN10", "Z90", "Z95"]

#: ``ndtri(0.95)``: a central 90 % interval of a normal is ``mu ± Z90 * sigma``.
Z90 = 1.6448536269514722

#: ``ndtri(0.975)``: a central 95 % interval of a normal is ``mu ± Z95 * sigma``.
Z95 = 1.959963984540054

#: ``ln(10)``: converts natural logs to decades (log10).
LN10 = 2.302585092994046
