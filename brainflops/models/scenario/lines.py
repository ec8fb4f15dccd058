"""Line numbers of the keys in a TOML text, so that messages can say ``FILE:LINE: key``.

:mod:`tomllib` returns values without positions; this scanner recovers them.
"""

from __future__ import annotations

import re
import tomllib

__all__ = ["KeyLines"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class KeyLines:
    """Line numbers of the keys and table headers in a TOML text.

    A small scanner, not a parser: it follows table headers, arrays of tables, dotted and
    quoted keys, and skips values (strings of every kind, nested arrays and inline
    tables). Keys are recorded as dotted paths with ``[i]`` for the i-th entry of an
    array of tables (``populations[1].stages``). It never raises; text it does not
    understand is skipped to the end of the line.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: dict[str, int] = {}
        self.duplicates: list[tuple[str, int]] = []
        self._values: set[str] = set()
        self._headers: set[str] = set()
        self._arrays: dict[str, int] = {}
        self._pos = 0
        self._line = 1
        self._scan()

    def find(self, key: str) -> int | None:
        """The line of ``key``, else of its first child, else of its closest parent."""
        if key not in self.lines:
            children = [n for k, n in self.lines.items() if k.startswith((f"{key}.", f"{key}["))]
            if children:
                return min(children)
        while key:
            if key in self.lines:
                return self.lines[key]
            cut = max(key.rfind("."), key.rfind("["))
            if cut <= 0:
                return None
            key = key[:cut]
        return None

    # ---------------------------------------------------------------- scanning
    def _peek(self, offset: int = 0) -> str:
        index = self._pos + offset
        return self.text[index] if index < len(self.text) else ""

    def _scan(self) -> None:
        table = ""
        while self._pos < len(self.text):
            self._skip_blank(newlines=True)
            if self._pos >= len(self.text):
                break
            start_line = self._line
            if self._peek() == "[":
                table = self._header(start_line, table)
            else:
                parts = self._key()
                self._skip_blank(newlines=False)
                if parts and self._peek() == "=":
                    self._pos += 1
                    self._record(_join(table, parts), start_line, value=True)
                    self._skip_value()
            self._skip_line()

    def _header(self, line: int, table: str) -> str:
        array = self._peek(1) == "["
        self._pos += 2 if array else 1
        parts = self._key()
        self._skip_blank(newlines=False)
        closing = "]]" if array else "]"
        if not parts or not self.text.startswith(closing, self._pos):
            return table
        self._pos += len(closing)
        path = ""
        for part in parts[:-1]:
            path = _join(path, [part])
            if path in self._arrays:
                path += f"[{self._arrays[path] - 1}]"
        path = _join(path, parts[-1:])
        if array:
            self._arrays[path] = self._arrays.get(path, 0) + 1
            path += f"[{self._arrays[path] - 1}]"
            self.lines.setdefault(path, line)
        else:
            self._record(path, line, value=False)
        return path

    def _record(self, path: str, line: int, *, value: bool) -> None:
        if path in self._values or path in self._headers:
            self.duplicates.append((path, line))
        (self._values if value else self._headers).add(path)
        self.lines.setdefault(path, line)

    def _key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self._skip_blank(newlines=False)
            char = self._peek()
            if char in ("'", '"'):
                part = self._quoted_key(char)
            else:
                match = _BARE_KEY.match(self.text, self._pos)
                part = match.group(0) if match else None
                if match:
                    self._pos = match.end()
            if part is None:
                return []
            parts.append(part)
            self._skip_blank(newlines=False)
            if self._peek() != ".":
                return parts
            self._pos += 1

    def _quoted_key(self, quote: str) -> str | None:
        end = self._string_end(self._pos, quote)
        if end is None:
            return None
        raw = self.text[self._pos : end]
        self._pos = end
        try:
            return str(tomllib.loads(f"k = {raw}")["k"])
        except tomllib.TOMLDecodeError:
            return None

    def _string_end(self, start: int, quote: str) -> int | None:
        """Index just past the string starting at ``start`` (single- or multi-line)."""
        triple = self.text.startswith(quote * 3, start)
        delimiter = quote * 3 if triple else quote
        index = start + len(delimiter)
        while index < len(self.text):
            char = self.text[index]
            if char == "\\" and quote == '"':
                index += 2
                continue
            if char == "\n" and not triple:
                return None
            if self.text.startswith(delimiter, index):
                end = index + len(delimiter)
                while triple and self.text.startswith(quote, end) and end - index < 5:
                    end += 1  # up to two quotes may end a multi-line string's content
                return end
            index += 1
        return None

    def _skip_value(self) -> None:
        depth = 0
        while self._pos < len(self.text):
            char = self._peek()
            if char in ("'", '"'):
                end = self._string_end(self._pos, char)
                if end is None:
                    return
                self._line += self.text.count("\n", self._pos, end)
                self._pos = end
                continue
            if char == "#":
                while self._pos < len(self.text) and self._peek() != "\n":
                    self._pos += 1
                continue
            if char == "\n":
                if depth <= 0:
                    return
                self._line += 1
            elif char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
            self._pos += 1

    def _skip_blank(self, *, newlines: bool) -> None:
        while self._pos < len(self.text):
            char = self._peek()
            if char in " \t\r":
                self._pos += 1
            elif char == "\n" and newlines:
                self._line += 1
                self._pos += 1
            elif char == "#" and newlines:
                while self._pos < len(self.text) and self._peek() != "\n":
                    self._pos += 1
            else:
                return

    def _skip_line(self) -> None:
        while self._pos < len(self.text) and self._peek() != "\n":
            self._pos += 1


def _join(prefix: str, parts: list[str]) -> str:
    return ".".join([prefix, *parts]) if prefix else ".".join(parts)
