"""Cache access for the dashboards that never breaks a page.

The dashboards keep rendered chart SVG and the shaped results of a computation in Django's
cache (Redis in production). The cache only saves time: when it cannot be reached, a page
logs one warning and computes what it needs instead of answering 500 (issue 12). After a
failure the cache is left alone for ``PAUSE_SECONDS``, so that a page does not wait for an
unreachable server on every lookup.

Results of a finished computation never change (a run is immutable once it succeeded), so
they are also kept in a small in-process LRU (`RunMemo`): a request that finds them there
decodes nothing at all.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

logger = logging.getLogger(__name__)

PAUSE_SECONDS = 30.0
_MISSING = object()
T = TypeVar("T")

_lock = threading.Lock()
_paused_until = 0.0


def _available() -> bool:
    return time.monotonic() >= _paused_until


def _failed(action: str, key: str, exc: Exception) -> None:
    global _paused_until
    with _lock:
        _paused_until = time.monotonic() + PAUSE_SECONDS
    logger.warning(
        "dashboards: cache %s of %s failed (%s: %s); computing instead, cache skipped for %ss",
        action,
        key,
        type(exc).__name__,
        exc,
        int(PAUSE_SECONDS),
    )


def resume() -> None:
    """Use the cache again at once (after a pause that a failure started); for tests."""
    global _paused_until
    with _lock:
        _paused_until = 0.0


def safe_get(key: str) -> Any:
    """The cached value, or None when it is not there or the cache cannot be reached."""
    if not _available():
        return None
    try:
        return cache.get(key)
    # Any error of the cache backend (connection refused, timeout, a broken pickle) only
    # means "not cached": the caller computes the value.
    except Exception as exc:
        _failed("read", key, exc)
        return None


def safe_set(key: str, value: Any, timeout: int | None) -> None:
    """Store the value; a cache that cannot be reached is logged and otherwise ignored."""
    if not _available():
        return
    try:
        cache.set(key, value, timeout)
    except Exception as exc:  # see safe_get: storing is only an optimisation
        _failed("write", key, exc)


class RunMemo:
    """A small thread-safe LRU of values that never go stale (keyed by run id and digest)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            value = self._items.get(key, _MISSING)
            if value is not _MISSING:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


memo = RunMemo(size=64)


def cached(key: str, build: Callable[[], T], timeout: int | None) -> T:
    """The value under `key`: from this process's LRU, else from Django's cache, else built
    (and stored in both). Only for values that never change under the same key."""
    found = memo.get(key)
    if found is not _MISSING:
        return found  # type: ignore[no-any-return]
    value = safe_get(key)
    if value is None:
        value = build()
        safe_set(key, value, timeout)
    memo.put(key, value)
    return value  # type: ignore[no-any-return]
