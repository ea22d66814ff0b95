"""JSON from outside with a bound on its nesting depth.

`json.loads` raises `RecursionError` (not `ValueError`) on input nested about a thousand
levels deep, which ends as a 500 or a traceback; and anything nested deeper than a real
document's few levels is not worth walking. `loads` turns both into `JSONTooDeep`, a
`ValueError`, and `check_depth` walks a parsed value without recursion.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 50
"""Deepest nesting accepted: no request body or scenario of this app comes near."""


class JSONTooDeep(ValueError):
    def __init__(self, max_depth: int) -> None:
        super().__init__(f"nested deeper than {max_depth} levels")
        self.max_depth = max_depth


def check_depth(data: Any, max_depth: int = MAX_DEPTH) -> None:
    """Raise `JSONTooDeep` when lists and objects in `data` nest deeper than `max_depth`.

    A scalar has depth 0, `[]` and `{}` depth 1, `[[1]]` depth 2.
    """
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        depth += 1
        if depth > max_depth:
            raise JSONTooDeep(max_depth)
        stack.extend((child, depth) for child in children if isinstance(child, dict | list))


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH, **kwargs: Any) -> Any:
    """`json.loads` that raises `JSONTooDeep` (a `ValueError`) for too deep nesting.

    Other bad input raises `json.JSONDecodeError`, or `ValueError` for an integer of more
    than 4,300 digits; both are `ValueError` too.
    """
    try:
        data = json.loads(text, **kwargs)
    except RecursionError:
        raise JSONTooDeep(max_depth) from None
    check_depth(data, max_depth)
    return data
