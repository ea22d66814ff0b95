"""Issue 12: with the cache (Redis) unreachable the dashboards compute instead of failing."""

from __future__ import annotations

import logging
import socket

import pytest
from django.test import override_settings
from django.urls import reverse

from dashboards import cache

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A loopback port that nothing listens on (bound once, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unreachable_redis() -> dict[str, dict[str, str]]:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }


def test_every_dashboard_answers_when_redis_is_down(client_for, mra, caplog) -> None:
    r, (a, b) = mra.round, mra.scenarios
    c = client_for("stuurgroep.amsterdam")
    urls = [
        reverse("dashboards:overview", args=[r.pk, a.pk]),
        reverse("dashboards:overview_map", args=[r.pk, a.pk]),
        reverse("dashboards:overview_map", args=[r.pk, a.pk]) + "?kaart=mutaties",
        reverse("dashboards:overview_mutations", args=[r.pk, a.pk]),
        reverse("dashboards:overview_group", args=[r.pk, a.pk, "urgent"]),
        reverse("dashboards:compare", args=[r.pk]) + f"?scenario={a.pk}&scenario={b.pk}",
        reverse("dashboards:municipality", args=[r.pk, a.pk, "GM0392"]),
    ]
    with override_settings(CACHES=unreachable_redis()), caplog.at_level(logging.WARNING):
        for url in urls:
            response = c.get(url)
            assert response.status_code == 200, url
            cache.memo.clear()  # as in a fresh process: nothing kept in memory
        assert "<svg" in c.get(urls[1]).content.decode()  # the chart is still drawn
    warnings = [rec for rec in caplog.records if rec.name == "dashboards.cache"]
    assert warnings, "a failing cache is logged"
    assert "ConnectionError" in warnings[0].getMessage()


def test_after_a_failure_the_cache_is_left_alone_for_a_while(caplog) -> None:
    with override_settings(CACHES=unreachable_redis()), caplog.at_level(logging.WARNING):
        assert cache.safe_get("a") is None
        cache.safe_set("a", 1, 10)  # paused: not even tried
        assert cache.safe_get("a") is None
    assert len([rec for rec in caplog.records if rec.name == "dashboards.cache"]) == 1
    cache.resume()
    assert cache.safe_get("nothing-here") is None


def test_a_working_cache_is_used() -> None:
    from django.core.cache import cache as django_cache

    django_cache.delete("dashboards:test:one")
    calls = []

    def build() -> int:
        calls.append(1)
        return 42

    assert cache.cached("dashboards:test:one", build, 60) == 42
    cache.memo.clear()
    assert cache.cached("dashboards:test:one", build, 60) == 42  # from Django's cache
    assert cache.cached("dashboards:test:one", build, 60) == 42  # from the process
    assert len(calls) == 1
