"""The access functions of the figures workflow, for every demo role on both sides."""

from __future__ import annotations

import pytest

from accounts import access
from municipalities.models import Municipality

pytestmark = pytest.mark.django_db

ACCOUNTS = [
    "beleid.haarlem",
    "beleid2.haarlem",
    "beleid.amsterdam",
    "coordinator.zuid-kennemerland",
    "stuurgroep.zuid-kennemerland",
    "voorzitter",
    "programma",
    "beheer",
]


@pytest.fixture
def haarlem() -> Municipality:
    return Municipality.objects.get(cbs_code="GM0392")


@pytest.mark.parametrize("username", ACCOUNTS)
def test_who_imports_haarlem_figures(user_named, haarlem, username) -> None:
    expected = username in {"beleid.haarlem", "beleid2.haarlem", "programma"}
    assert access.can_import_figures(user_named(username), haarlem) is expected


@pytest.mark.parametrize("username", ACCOUNTS)
def test_who_opens_the_upload_page(user_named, username) -> None:
    expected = username.startswith("beleid") or username == "programma"
    assert access.can_import_any_figures(user_named(username)) is expected


@pytest.mark.parametrize("username", ACCOUNTS)
def test_who_downloads_all_municipalities(user_named, username) -> None:
    expected = username in {"voorzitter", "programma", "beheer"}
    assert access.can_download_all_figures(user_named(username)) is expected


@pytest.mark.parametrize("username", ACCOUNTS)
def test_only_the_programme_team_unlocks_and_reminds(user_named, username) -> None:
    assert access.can_unlock_figures(user_named(username)) is (username == "programma")
    assert access.can_send_reminders(user_named(username)) is (username == "programma")


@pytest.mark.parametrize("username", ACCOUNTS)
def test_who_sees_completeness(user_named, username) -> None:
    expected = not username.startswith("beleid")
    assert access.can_view_completeness(user_named(username)) is expected


def test_four_eyes_per_figure(user_named, haarlem) -> None:
    first, second = user_named("beleid.haarlem"), user_named("beleid2.haarlem")
    programme = user_named("programma")

    def can(user, submitted_by, updated_by) -> bool:
        return access.can_confirm_figures(
            user, haarlem, submitted_by_id=submitted_by.pk, updated_by_id=updated_by.pk
        )

    assert can(second, first, first)
    assert not can(first, first, first)
    # Entered by one, submitted by the other: neither confirms; the programme team does.
    assert not can(first, second, first)
    assert not can(second, second, first)
    assert can(programme, second, first)
    # The programme team does not confirm what it entered itself (an upload).
    assert not can(programme, first, programme)
    assert not can(user_named("beleid.amsterdam"), first, first)
    assert not can(user_named("coordinator.zuid-kennemerland"), first, first)
