"""The strict Content-Security-Policy holds in a real browser on pages no other browser test
opens: the API documentation (Swagger UI from static files) and the Django admin.

The `page` fixture (conftest.py) fails a test on any CSP violation the browser reports.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_api_documentation_renders_under_the_policy(page: Any, app_url: str) -> None:
    response = page.goto(f"{app_url}/api/docs/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI builds the page from the schema with its own static script.
    expect(page.locator(".swagger-ui .info .title")).to_be_visible(timeout=15000)


def test_the_admin_renders_under_the_policy(page: Any, app_url: str, login: Any) -> None:
    login("beheer")
    page.goto(f"{app_url}/beheer/")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto(f"{app_url}/beheer/municipalities/municipality/")
    expect(page.locator("#result_list")).to_be_visible()
