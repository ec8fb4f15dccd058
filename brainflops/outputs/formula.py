"""Formulas as inline SVG, rendered offline by matplotlib's mathtext (no TeX, no network).

Used by the report (each stage's formula next to its conv-net operation) and by the docs'
math renderer, so a page read without a network shows rendered formulas, never raw TeX.
mathtext covers the TeX the package writes (fractions, sub- and superscripts, ``\\cdot``,
``\\mathrm``, ``\\prod``, Greek letters); anything it cannot parse raises
:class:`~brainflops.core.errors.InvalidValueError` naming the formula.
"""

from __future__ import annotations

import html
import io
import re
import zlib
from functools import lru_cache

from brainflops.core.errors import InvalidValueError

__all__ = ["svg"]

_XML_HEADER = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_GLYPH_IDS = re.compile(r'id="([^"]+)"')
# TeX that mathtext spells differently (\text is \mathrm; \operatorname has no spacing rules).
_REWRITES = ((r"\text{", r"\mathrm{"), (r"\operatorname{", r"\mathrm{"), (r"\,", r"\ "))


@lru_cache(maxsize=512)
def svg(tex: str, *, fontsize: float = 11.0, prefix: str = "f") -> str:
    """``tex`` (without dollar signs) as an inline ``<svg>`` element with a text alternative.

    Glyph ids carry ``prefix`` plus a hash of the formula, so many formulas can share one
    HTML page without their ``<defs>`` colliding.

    >>> out = svg(r"2 \\cdot N_{P} \\cdot S_{P}")
    >>> out.startswith("<svg") and 'aria-label="2 \\\\cdot N_{P} \\\\cdot S_{P}"' in out
    True
    """
    from matplotlib.figure import Figure  # noqa: PLC0415 - only when a formula is drawn

    source = tex.strip()
    for old, new in _REWRITES:
        source = source.replace(old, new)
    fig = Figure(figsize=(0.01, 0.01))
    fig.text(0, 0, f"${source}$", fontsize=fontsize)
    buffer = io.StringIO()
    try:
        fig.savefig(
            buffer,
            format="svg",
            bbox_inches="tight",
            pad_inches=0.02,
            transparent=True,
            metadata={"Date": None},
        )
    except ValueError as exc:
        raise InvalidValueError("formula", f"mathtext cannot render {tex!r}: {exc}") from None
    text = _XML_HEADER.sub("", buffer.getvalue(), count=1)
    tag = f"{prefix}{zlib.crc32(tex.encode()):08x}"  # stable across runs, unlike hash()
    text = _GLYPH_IDS.sub(lambda m: f'id="{tag}-{m[1]}"', text)
    text = text.replace('xlink:href="#', f'xlink:href="#{tag}-').replace("url(#", f"url(#{tag}-")
    label = html.escape(tex, quote=True)
    attributes = f'role="img" aria-label="{label}" class="formula" style="vertical-align: middle"'
    return text.replace("<svg ", f"<svg {attributes} ", 1)
