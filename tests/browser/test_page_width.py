"""No page is wider than the window (issue 13, acceptance 3), for every page of the crawl.

The language crawl (tests/crawl.py) finds, per role, every page that role can open in the
demo data; here each page found is opened once in Chromium at 1280 x 900, as the first role
that found it, and the document may not scroll sideways. A wide table scrolls inside its own
region (``.table-scroll``), which does not widen the page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tests.crawl import crawl, named_urls

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1280, 900
ROLES = {
    "programme": "programma",
    "officer": "beleid.haarlem",
    "steering": "stuurgroep.zuid-kennemerland",
    "chair": "voorzitter",
    "coordinator": "coordinator.zuid-kennemerland",
    "admin": "beheer",
    "corporation": "corporatie.kennemerland",
    "care provider": "zorg.zuid-kennemerland",
    "province": "provincie.noord-holland",
}


def _pages_per_role() -> dict[str, list[str]]:
    """Each crawled page once, under the first role (in ROLES order) that reached it."""
    from django.contrib.auth import get_user_model

    from accounts.access import must_use_two_factor
    from conftest import second_step_pass

    seen: set[str] = set()
    assigned: dict[str, list[str]] = {}
    for username in ROLES.values():
        user = get_user_model().objects.get(username=username)
        client = Client()
        client.force_login(user)
        if must_use_two_factor(user):
            second_step_pass(client, user)
        result = crawl(client.get, named_urls(), per_view=2)
        fresh = [path for path in result.pages if path not in seen]
        seen.update(fresh)
        assigned[username] = fresh
    return assigned


def test_no_page_of_the_crawl_is_wider_than_the_window(
    page: Any, app_url: str, login: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("home.demo._documents", lambda round_: None)
    settings.DEBUG = True
    settings.REDIS_URL = ""
    call_command("demo_data", verbosity=0)
    settings.DEBUG = False
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    wide: list[str] = []
    opened = 0
    for username, paths in _pages_per_role().items():
        page.context.clear_cookies()
        login(username)
        for path in paths:
            page.goto(f"{app_url}{path}")
            opened += 1
            found = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            if found[0] > found[1]:
                wide.append(f"{username} {path}: {found[0]} px in a {found[1]} px window")
    assert opened > 60, f"only {opened} pages opened"
    assert wide == [], "\n".join(wide)
