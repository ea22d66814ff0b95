"""The second sign-in step in the browser: a chair sets up an app, both pages pass axe."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import DEMO_PASSWORD, axe_violations

pytestmark = pytest.mark.browser


def test_a_chair_sets_up_the_app_and_then_enters_codes(page, app_url) -> None:
    page.goto(f"{app_url}/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("voorzitter")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/inloggen/tweede-stap/instellen/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Tweede stap instellen"
    assert page.locator("svg").first.is_visible()  # the QR code
    assert axe_violations(page) == []

    device = TOTPDevice.objects.get(user__username="voorzitter", confirmed=False)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Code", exact=True).fill(f"{code:06d}")
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url(f"{app_url}/")
    assert page.get_by_role("status").first.inner_text() == "Inloggen in twee stappen is ingesteld."

    # Next time: the code page, which passes axe too.
    page.get_by_role("button", name="Uitloggen").click()
    page.goto(f"{app_url}/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("voorzitter")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/inloggen/tweede-stap/\?next="))
    assert axe_violations(page) == []
    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Bevestigen").click()
    assert page.get_by_text("Deze code klopt niet").is_visible()
    assert "/inloggen/tweede-stap/" in page.url
