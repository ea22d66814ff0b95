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
def login(page: Any, app_url: str, django_user_model: Any) -> Callable[[str], Any]:
    """Log in through the real login form as a demo account.

    The chair, the programme team and admins then enter the code of their authenticator
    app on the second-step page, as in production (the app is set up beforehand).
    """
    from django_otp.oath import totp

    from accounts.access import must_use_two_factor
    from conftest import second_step_device

    def do(username: str) -> Any:
        user = django_user_model.objects.get(username=username)
        device = second_step_device(user) if must_use_two_factor(user) else None
        page.goto(f"{app_url}/inloggen/")
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
        if device is not None:
            assert "/inloggen/tweede-stap/" in page.url, page.url
            # A code is accepted once; let a second login in the same 30 s use it again.
            device.last_t = -1
            device.throttling_failure_count = 0
            device.save()
            token = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
            page.get_by_label("Code", exact=True).fill(f"{token:06d}")
            page.get_by_role("button", name="Bevestigen").click()
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
