"""Reading TOML input files safely: regular files only, a byte limit, UTF-8, clear errors.

Used for scenario files and network files (:mod:`brainflops.models.network_file`).
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from brainflops.core.errors import ScenarioError
from brainflops.core.io import UnsafePathError, read_limited
from brainflops.models.scenario.lines import KeyLines

__all__ = ["MAX_FILE_BYTES", "parse_toml", "read_text"]

#: Largest scenario file read, in bytes.
MAX_FILE_BYTES = 1_000_000


def read_text(origin: str) -> str:
    """The file's text: a regular file of at most MAX_FILE_BYTES, UTF-8 (a BOM is skipped)."""
    try:
        data = read_limited(origin, MAX_FILE_BYTES)
    except UnsafePathError as exc:
        raise ScenarioError([f"{origin}: {exc.reason}"]) from None
    except OSError as exc:
        raise ScenarioError([f"{origin}: cannot read: {exc.strerror or exc}"]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError([f"{origin}: not UTF-8 text (byte {exc.start})"]) from None


def parse_toml(text: str, origin: str) -> dict[str, Any]:
    """The TOML document in ``text``; one-line ScenarioErrors for empty, huge or invalid text."""
    if not text.strip():
        raise ScenarioError([f"{origin}: the file is empty"])
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise ScenarioError(
            [f"{origin}: the text is too large for a scenario (at most {MAX_FILE_BYTES} bytes)"]
        )
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([_toml_error(str(exc), text, origin)]) from None
    except RecursionError:
        raise ScenarioError(
            [f"{origin}: invalid TOML: arrays or inline tables nested too deeply"]
        ) from None
    if not document:
        raise ScenarioError([f"{origin}: the file has no tables or keys (only comments)"])
    return document


def _toml_error(message: str, text: str, origin: str) -> str:
    found = re.search(r"\(at line (\d+), column (\d+)\)", message)
    reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
    if "overwrite" in reason or "declare" in reason or "Cannot" in reason:
        duplicate = KeyLines(text).duplicates
        if duplicate:
            key, line = duplicate[0]
            return f"{origin}:{line}: {key}: invalid TOML: defined twice"
    if found:
        return f"{origin}:{found.group(1)}: invalid TOML: {reason} (column {found.group(2)})"
    return f"{origin}: invalid TOML: {reason}"
