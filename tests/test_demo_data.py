"""`manage.py demo_data`: refuses without DEBUG unless forced, and is idempotent."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Membership
from accounts.services import DEMO_ACCOUNTS
from municipalities.models import MunicipalFigure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_demo_pdfs(monkeypatch) -> None:
    """The demo's PDF agreements are made and checked in home/tests/test_demo.py; here they
    would only cost a minute and a half per run."""
    monkeypatch.setattr("home.demo._documents", lambda round_: None)


def test_refuses_when_debug_is_off(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_data")


def test_runs_twice_without_duplicating_anything(settings) -> None:
    settings.DEBUG = True
    call_command("demo_data")
    figures = MunicipalFigure.objects.count()
    call_command("demo_data")
    assert MunicipalFigure.objects.count() == figures
    assert Membership.objects.count() == len(DEMO_ACCOUNTS) == 18


def test_forced_run_creates_every_demo_account_with_the_demo_password(settings) -> None:
    settings.DEBUG = False
    settings.DEMO_PASSWORD = "another-secret"
    call_command("demo_data", "--force")
    user_model = get_user_model()
    for account in DEMO_ACCOUNTS:
        user = user_model.objects.get(username=account.username)
        assert user.check_password("another-secret")
        assert user.membership.role == account.role


def test_demo_data_never_overwrites_an_entered_figure(settings) -> None:
    settings.DEBUG = True
    figure = MunicipalFigure.objects.get(
        municipality__cbs_code="GM0392", indicator__code="mutations", year=2024
    )
    figure.value = 1234
    figure.illustrative = False
    figure.save()
    call_command("demo_data")
    figure.refresh_from_db()
    assert figure.value == 1234
    assert not figure.illustrative
