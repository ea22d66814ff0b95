"""The completeness overview per municipality and group, and the reminders by e-mail."""

from __future__ import annotations

import pytest

from figures import selectors
from figures.models import ReminderLog

from .conftest import acknowledge_all

pytestmark = pytest.mark.django_db

URL = "/cijfers/compleetheid/"


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("programma", 200),
        ("voorzitter", 200),
        ("beheer", 200),
        ("coordinator.zuid-kennemerland", 200),
        ("stuurgroep.ijmond", 200),
        ("beleid.haarlem", 403),
        ("beleid.amsterdam", 403),
    ],
)
def test_who_sees_the_completeness_overview(client_for, username, status) -> None:
    assert client_for(username).get(URL).status_code == status


def test_sub_region_roles_see_their_own_municipalities_only(client_for) -> None:
    body = client_for("coordinator.zuid-kennemerland").get(f"{URL}?jaar=2024").content.decode()
    assert "Haarlem" in body
    assert "Zandvoort" in body
    assert "Amsterdam</a>" not in body


def test_demo_figures_of_2024_are_complete_and_2025_is_missing(client_for) -> None:
    c = client_for("programma")
    full = c.get(f"{URL}?jaar=2024")
    assert full.context["totals"]["confirmed"] == 30
    empty = c.get(f"{URL}?jaar=2025")
    assert empty.context["totals"]["missing"] == 30
    assert "ontbreekt" in empty.content.decode()


def test_status_per_municipality_and_group(client_for, complete_2025) -> None:
    officer = client_for("beleid.haarlem")
    response = officer.post("/gemeenten/GM0392/cijfers/2025/bewerken/", complete_2025)
    officer.post(
        "/gemeenten/GM0392/cijfers/2025/bewerken/",
        acknowledge_all(response.content.decode(), complete_2025),
    )
    overview = selectors.completeness(year=2025)
    haarlem = next(r for r in overview.rows if r.municipality.cbs_code == "GM0392")
    assert haarlem.general == "draft"
    assert set(haarlem.groups) == {"draft"}
    assert haarlem.overall == "draft"
    officer.post("/gemeenten/GM0392/cijfers/2025/indienen/")
    haarlem = next(
        r for r in selectors.completeness(year=2025).rows if r.municipality.cbs_code == "GM0392"
    )
    assert haarlem.overall == "submitted"
    client_for("beleid2.haarlem").post("/gemeenten/GM0392/cijfers/2025/bevestigen/")
    haarlem = next(
        r for r in selectors.completeness(year=2025).rows if r.municipality.cbs_code == "GM0392"
    )
    assert haarlem.complete


def test_the_round_deadline_is_shown(client_for, locking_round) -> None:
    from allocation.models import RoundStatus

    locking_round(2025, RoundStatus.COLLECTING)
    body = client_for("programma").get(URL).content.decode()
    assert "Uiterste datum: 1 juni 2026" in body
    assert "Compleetheid van de cijfers 2025" in body


def test_programme_team_reminds_every_incomplete_municipality_in_one_action(
    client_for, mailoutbox, locking_round
) -> None:
    from allocation.models import RoundStatus

    locking_round(2025, RoundStatus.COLLECTING)
    response = client_for("programma").post(f"{URL}herinneren/", {"jaar": "2025"}, follow=True)
    assert response.status_code == 200
    assert "Herinnering verstuurd aan 3 beleidsmedewerker(s) van 2 gemeente(n)" in (
        response.content.decode()
    )
    # Only Haarlem and Amsterdam have demo officers (with an e-mail address).
    assert len(mailoutbox) == 2
    haarlem = next(m for m in mailoutbox if "Haarlem" in m.subject)
    assert haarlem.subject == "Herinnering: cijfers 2025 van Haarlem zijn niet compleet"
    assert sorted(haarlem.to) == ["beleid.haarlem@mra.example", "beleid2.haarlem@mra.example"]
    assert "uiterlijk 1 juni 2026" in haarlem.body
    assert "Dak- en thuislozen: ontbreekt" in haarlem.body
    assert "http://testserver/gemeenten/GM0392/cijfers/2025/" in haarlem.body
    log = ReminderLog.objects.get()
    assert sorted(log.municipality_codes) == ["GM0363", "GM0392"]
    assert "Laatste herinnering" in client_for("programma").get(f"{URL}?jaar=2025").content.decode()


def test_complete_municipalities_get_no_reminder(client_for, mailoutbox) -> None:
    client_for("programma").post(f"{URL}herinneren/", {"jaar": "2024"})
    assert mailoutbox == []


@pytest.mark.parametrize(
    "username",
    [
        "beleid.haarlem",
        "coordinator.zuid-kennemerland",
        "stuurgroep.ijmond",
        "voorzitter",
        "beheer",
    ],
)
def test_only_the_programme_team_sends_reminders(client_for, username, mailoutbox) -> None:
    assert client_for(username).post(f"{URL}herinneren/", {"jaar": "2025"}).status_code == 403
    assert mailoutbox == []
    assert not ReminderLog.objects.exists()


def test_a_failing_mail_server_gives_a_message_not_a_traceback(client_for, settings) -> None:
    settings.EMAIL_BACKEND = "figures.tests.test_completeness.FailingBackend"
    response = client_for("programma").post(f"{URL}herinneren/", {"jaar": "2025"}, follow=True)
    assert "konden niet worden verstuurd" in response.content.decode()
    assert not ReminderLog.objects.exists()


class FailingBackend:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")
