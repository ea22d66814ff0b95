"""Sign-in security (issue 12): lock-out after wrong passwords, the password policy, the second
step (TOTP) for the chair, the programme team and admins, and the demo exception."""

from __future__ import annotations

import logging
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import DEMO_PASSWORD, second_step_device

pytestmark = pytest.mark.django_db

SECOND_STEP = "/inloggen/tweede-stap/"
SET_UP = "/inloggen/tweede-stap/instellen/"
TWO_FACTOR_ACCOUNTS = ["voorzitter", "programma", "beheer"]
PASSWORD_ONLY_ACCOUNTS = ["beleid.haarlem", "coordinator.zuid-kennemerland", "stuurgroep.ijmond"]


def password_login(username: str, password: str = DEMO_PASSWORD) -> Client:
    client = Client()
    response = client.post("/inloggen/", {"username": username, "password": password})
    assert response.status_code == 302, response.status_code
    return client


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


# --- Lock-out (django-axes) -----------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_out_even_for_the_right_one(settings, caplog) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _ in range(4):
            response = client.post("/inloggen/", {"username": "beheer", "password": "fout"})
            assert response.status_code == 200  # the form again, with its error
        response = client.post("/inloggen/", {"username": "beheer", "password": "fout"})
    assert response.status_code == 429
    assert "Inloggen tijdelijk geblokkeerd" in response.content.decode()

    # The right password no longer helps: no session.
    response = client.post("/inloggen/", {"username": "beheer", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session

    # Every failure is logged and stored.
    attempt = AccessAttempt.objects.get(username="beheer")
    assert attempt.failures_since_start >= 5
    assert attempt.ip_address == "127.0.0.1"
    assert "fout" not in attempt.post_data  # the password itself is masked
    assert AccessFailureLog.objects.filter(username="beheer").count() >= 5
    messages = [r.getMessage() for r in caplog.records]
    assert any("login failure" in m for m in messages)
    assert any("Locking out" in m for m in messages)


def test_the_lock_out_is_per_account_and_a_success_resets_the_count() -> None:
    client = Client()
    for _ in range(4):
        client.post("/inloggen/", {"username": "beleid.haarlem", "password": "fout"})
    # Another account from the same address is not locked.
    password_login("beleid.amsterdam")
    # The fifth try is the right one: in, and the count starts again.
    response = client.post("/inloggen/", {"username": "beleid.haarlem", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="beleid.haarlem").exists()


def test_wrong_password_shows_the_form_error_not_the_lock_out() -> None:
    response = Client().post("/inloggen/", {"username": "beleid.haarlem", "password": "fout"})
    assert response.status_code == 200
    assert "komen niet overeen" in response.content.decode()


# --- Password policy ------------------------------------------------------------------------------


def test_the_demo_password_does_not_pass_the_password_policy(user_named) -> None:
    with pytest.raises(ValidationError) as error:
        validate_password(DEMO_PASSWORD, user=user_named("beleid.haarlem"))
    assert any(e.code == "password_too_short" for e in error.value.error_list)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("elf-tekens!", "password_too_short"),
        ("123456789012345", "password_entirely_numeric"),
        ("password1234", "password_too_common"),
        ("beleid.haarlem1", "password_too_similar"),
    ],
)
def test_weak_passwords_are_refused(user_named, password, code) -> None:
    with pytest.raises(ValidationError) as error:
        validate_password(password, user=user_named("beleid.haarlem"))
    assert code in {e.code for e in error.value.error_list}


def test_a_long_unusual_password_passes(user_named) -> None:
    validate_password("Vijf koeien op de dijk bij Edam", user=user_named("beleid.haarlem"))


# --- Second step (TOTP) ---------------------------------------------------------------------------


@pytest.mark.parametrize("username", TWO_FACTOR_ACCOUNTS)
def test_a_password_alone_does_not_open_any_page_for_the_three_roles(user_named, username) -> None:
    second_step_device(user_named(username))
    client = password_login(username)
    for url in ["/", "/gemeenten/", "/rondes/", "/beheer/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{SECOND_STEP}?next="), url


@pytest.mark.parametrize("username", TWO_FACTOR_ACCOUNTS)
def test_the_right_code_opens_the_pages_and_a_wrong_one_does_not(
    user_named, username, caplog
) -> None:
    device = second_step_device(user_named(username))
    client = password_login(username)
    page = client.get(f"{SECOND_STEP}?next=/gemeenten/")
    assert page.status_code == 200
    assert "Tweede stap" in page.content.decode()

    with caplog.at_level(logging.WARNING, logger="accounts.security"):
        wrong = client.post(SECOND_STEP, {"token": "000000", "next": "/gemeenten/"})
    assert wrong.status_code == 200
    assert "Deze code klopt niet" in wrong.content.decode()
    assert any("wrong code" in r.getMessage() for r in caplog.records)
    assert client.get("/").status_code == 302

    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code made the next try wait a second
    device.save()
    right = client.post(SECOND_STEP, {"token": code_for(device), "next": "/gemeenten/"})
    assert right.status_code == 302
    assert right["Location"] == "/gemeenten/"
    assert client.get("/gemeenten/").status_code == 200
    assert client.get("/").status_code == 200


def test_a_code_is_accepted_only_once(user_named) -> None:
    device = second_step_device(user_named("voorzitter"))
    code = code_for(device)
    first = password_login("voorzitter")
    assert first.post(SECOND_STEP, {"token": code}).status_code == 302
    second = password_login("voorzitter")
    assert second.post(SECOND_STEP, {"token": code}).status_code == 200
    assert second.get("/").status_code == 302


def test_repeated_wrong_codes_are_throttled(user_named) -> None:
    device = second_step_device(user_named("programma"))
    client = password_login("programma")
    client.post(SECOND_STEP, {"token": "000000"})
    # Within the wait after a failure even the right code is refused, with a clear message.
    response = client.post(SECOND_STEP, {"token": code_for(device)})
    assert response.status_code == 200
    assert "Te veel verkeerde codes" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_chair_without_an_app_sets_one_up_and_is_then_in(user_named) -> None:
    user = user_named("voorzitter")
    assert not TOTPDevice.objects.filter(user=user).exists()
    client = password_login("voorzitter")
    response = client.get("/rondes/")
    assert response["Location"].startswith(f"{SET_UP}?next=")
    # The second-step page sends there too while no app is set up.
    assert client.get(SECOND_STEP)["Location"].startswith(SET_UP)

    page = client.get(f"{SET_UP}?next=/rondes/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body  # the QR code
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.get(SET_UP).content.decode().count("<svg") == 1  # same device on reload
    assert TOTPDevice.objects.filter(user=user).count() == 1

    assert client.post(SET_UP, {"token": "000000", "next": "/rondes/"}).status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    device.throttling_failure_count = 0
    device.save()
    response = client.post(SET_UP, {"token": code_for(device), "next": "/rondes/"})
    assert response.status_code == 302
    assert response["Location"] == "/rondes/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/rondes/").status_code == 200


def test_an_app_cannot_be_added_with_only_a_password_once_one_is_set_up(user_named) -> None:
    second_step_device(user_named("beheer"))
    client = password_login("beheer")
    response = client.get(SET_UP)
    assert response.status_code == 302
    assert response["Location"].startswith(SECOND_STEP)
    assert TOTPDevice.objects.filter(user__username="beheer").count() == 1


@pytest.mark.parametrize("username", PASSWORD_ONLY_ACCOUNTS)
def test_officers_coordinators_and_steering_members_need_no_second_step(username) -> None:
    client = password_login(username)
    assert client.get("/").status_code == 200
    assert client.get("/gemeenten/").status_code == 200


def test_a_superuser_without_a_role_needs_the_second_step(django_user_model) -> None:
    django_user_model.objects.create_superuser("root", "root@mra.example", "Lang genoeg wachtwoord")
    client = password_login("root", "Lang genoeg wachtwoord")
    assert client.get("/beheer/")["Location"].startswith(SET_UP)


def test_next_must_stay_on_this_site(user_named) -> None:
    device = second_step_device(user_named("voorzitter"))
    client = password_login("voorzitter")
    response = client.post(
        SECOND_STEP, {"token": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_logout_works_before_the_second_step(user_named) -> None:
    second_step_device(user_named("voorzitter"))
    client = password_login("voorzitter")
    assert client.post("/uitloggen/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_api_treats_an_unverified_session_as_anonymous(user_named) -> None:
    device = second_step_device(user_named("programma"))
    client = password_login("programma")
    assert client.get("/api/v1/me/").status_code in {401, 403}
    assert client.get("/api/v1/municipalities/").status_code == 200  # public open data
    client.post(SECOND_STEP, {"token": code_for(device)})
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["role"] == "programme"


def test_the_requirement_can_be_switched_off(settings) -> None:
    settings.MRA_REQUIRE_2FA = False
    assert password_login("voorzitter").get("/").status_code == 200


# --- The demo of `make run` (DEBUG on) -------------------------------------------------------------


def test_in_the_demo_the_demo_accounts_sign_in_with_a_password_only(settings) -> None:
    settings.DEBUG = True
    for username in TWO_FACTOR_ACCOUNTS:
        assert password_login(username).get("/").status_code == 200, username


def test_in_the_demo_other_accounts_still_need_the_second_step(settings, django_user_model) -> None:
    settings.DEBUG = True
    django_user_model.objects.create_superuser("echt", "echt@mra.example", "Lang genoeg wachtwoord")
    client = password_login("echt", "Lang genoeg wachtwoord")
    assert client.get("/").status_code == 302


def test_the_login_page_says_so_in_the_demo_only(settings) -> None:
    note = "de demo-accounts loggen in met alleen hun wachtwoord"
    assert note not in Client().get("/inloggen/").content.decode().lower()
    settings.DEBUG = True
    assert note in Client().get("/inloggen/").content.decode().lower()


def test_an_emergency_code_from_the_server_also_passes_the_second_step(user_named) -> None:
    user = user_named("beheer")
    second_step_device(user)
    out = StringIO()
    call_command("addstatictoken", "beheer", stdout=out)
    code = out.getvalue().strip()
    client = password_login("beheer")
    assert client.post(SECOND_STEP, {"token": code}).status_code == 302
    assert client.get("/beheer/").status_code == 200
    # Once only.
    again = password_login("beheer")
    assert again.post(SECOND_STEP, {"token": code}).status_code == 200
