"""Deeply read-only copies of parsed documents, for objects that are cached and shared.

A built-in preset is built once and handed to every caller, so nothing reachable from it
may be changed in place: :func:`freeze` turns dictionaries into read-only mappings and
lists into tuples, all the way down; :func:`thaw` gives back an ordinary, editable copy.

Examples
--------
>>> doc = freeze({"preset": {"name": "x"}, "populations": [{"count": 1}]})
>>> doc["preset"]["name"] = "y"
Traceback (most recent call last):
...
TypeError: 'mappingproxy' object does not support item assignment
>>> doc["populations"][0]
mappingproxy({'count': 1})
>>> thaw(doc)
{'preset': {'name': 'x'}, 'populations': [{'count': 1}]}
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = ["freeze", "thaw"]


def freeze(value: Any) -> Any:
    """A read-only deep copy: mappings become ``MappingProxyType``, lists and tuples tuples,
    sets frozensets; other values (numbers, text, dates, frozen objects) are kept."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    if isinstance(value, set | frozenset):
        return frozenset(freeze(item) for item in value)
    return value


def thaw(value: Any) -> Any:
    """An editable deep copy of a frozen value: mappings become dicts, tuples lists."""
    if isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [thaw(item) for item in value]
    if isinstance(value, frozenset):
        return {thaw(item) for item in value}
    return value
