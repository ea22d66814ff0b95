"""Canonical JSON and the digest of a computation: the one place that defines them.

An approval (the review issue) binds to a run's digest; any change to its inputs, settings or
results gives another digest. The definition, also in docs/scenarios.md:

- canonical JSON: UTF-8, object keys sorted, no whitespace (``","`` and ``":"``), non-ASCII
  characters as themselves (not ``\\u`` escapes). Allowed values: objects with string keys,
  lists, strings, integers, booleans and null. Floats are refused: every non-whole number is
  a decimal string, so that no database or JSON library can change its digits.
- digest: the lower-case hex SHA-256 of the canonical JSON of
  ``{"inputs": inputs, "settings": settings, "results": results}``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


class NotCanonical(TypeError):
    """The value holds something canonical JSON does not allow (a float, a tuple key, ...)."""


def _check(value: Any, path: str) -> None:
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        raise NotCanonical(f"{path}: floats are not allowed, use a decimal string ({value!r})")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotCanonical(f"{path}: object keys must be strings ({key!r})")
            _check(item, f"{path}.{key}")
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")
        return
    raise NotCanonical(f"{path}: {type(value).__name__} is not a JSON value")


def canonical_json(value: Any) -> bytes:
    """The canonical JSON encoding of ``value`` (see the module docstring)."""
    _check(value, "$")
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def run_digest(*, inputs: Any, settings: Any, results: Any) -> str:
    """The digest of a computation: SHA-256 of the canonical JSON of the three parts."""
    return sha256_hex(canonical_json({"inputs": inputs, "settings": settings, "results": results}))
