"""Text from files and command lines, made safe to echo on a terminal.

Examples
--------
>>> printable("key\\x1b[31m red")
'key\\\\x1b[31m red'
>>> printable("two\\nlines")
'two\\\\nlines'
>>> printable("σ = 2 µm")
'σ = 2 µm'
"""

from __future__ import annotations

__all__ = ["printable"]

# Escapes Python would write in a string literal, shorter to read than \x0a and friends.
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` with non-printable characters escaped (``\\x1b``, ``\\n``, ``\\u202e``).

    Echoed error text must not move the cursor, change colours, start a new line (which
    could forge a ``brainflops: error:`` line) or reorder the text (bidirectional
    overrides). Everything else, accents and symbols included, is kept.
    """
    if text.isprintable():
        return text
    # Python's "printable" excludes exactly what must not reach a terminal raw: controls
    # (C0, C1, DEL), format characters such as U+202E (right-to-left override), line and
    # paragraph separators, other spaces than " ", and unassigned or private code points.
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
