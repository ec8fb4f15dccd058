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

import unicodedata

__all__ = ["printable"]

# Escapes Python would write in a string literal, shorter to read than \x0a and friends.
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` with control and format characters escaped (``\\x1b``, ``\\n``, ``\\u202e``).

    Echoed error text must not move the cursor, change colours, start a new line (which
    could forge a ``brainflops: error:`` line) or reorder the text (bidirectional
    overrides). Everything else, accents and symbols included, is kept.
    """
    if text.isprintable():
        return text
    return "".join(_escape(ch) if _is_control(ch) else ch for ch in text)


def _is_control(ch: str) -> bool:
    # Cc: C0/C1 controls and DEL; Cf: format characters such as U+202E (right-to-left
    # override); Zl/Zp: line and paragraph separators, which some terminals honour.
    return unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"}


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
