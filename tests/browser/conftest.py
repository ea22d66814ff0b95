"""Browser tests: Playwright driving the system Chromium against Django's live server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

DEMO_PASSWORD = "mra-demo"


@pytest.fixture
def app_url(live_server: Any, loaded_transactional_db: None) -> str:
    return live_server.url


@pytest.fixture
def login(page: Any, app_url: str) -> Callable[[str], Any]:
    """Log in through the real login form as a demo account."""

    def do(username: str) -> Any:
        page.goto(f"{app_url}/inloggen/")
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
        return page

    return do


def axe_violations(page: Any) -> list[str]:
    """Serious and critical WCAG violations that axe finds on the current page."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
