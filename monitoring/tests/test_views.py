"""Pages and who may use them: every role on both sides of the line."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from monitoring.models import Realisation

from .helpers import confirmed

HAARLEM, AMSTERDAM = "GM0392", "GM0363"


def dashboard_url(round_):
    return f"/monitoring/{round_.pk}/?groep=urgent"


def quarter_url(round_, code=HAARLEM, year=2026, quarter=1):
    return f"/monitoring/{round_.pk}/{code}/{year}/kwartaal-{quarter}/"


def rows_of(response):
    return {line.label for line in response.context["board"].lines}


def test_anonymous_is_sent_to_login_and_a_user_without_role_gets_403(adopted, client_for):
    assert client_for(None).get("/monitoring/").status_code == 302
    assert client_for(None).get(dashboard_url(adopted)).status_code == 302
    get_user_model().objects.create_user("zonder.rol", password="x")  # noqa: S106
    assert client_for("zonder.rol").get("/monitoring/").status_code == 403
    assert client_for("zonder.rol").get(dashboard_url(adopted)).status_code == 403


@pytest.mark.parametrize(
    "username",
    [
        "beleid.haarlem",
        "coordinator.zuid-kennemerland",
        "stuurgroep.amsterdam",
        "voorzitter",
        "programma",
        "beheer",
    ],
)
def test_every_role_sees_the_list_of_adopted_rounds(adopted, client_for, username):
    response = client_for(username).get("/monitoring/")
    assert response.status_code == 200
    assert adopted.name in response.content.decode()


def test_a_round_that_is_not_adopted_is_not_monitored(adopted, client_for):
    from allocation.tests.factories import RoundFactory

    draft = RoundFactory(name="Concept")
    assert client_for("programma").get(f"/monitoring/{draft.pk}/").status_code == 404


def test_officer_sees_only_own_municipality(adopted, client_for):
    response = client_for("beleid.haarlem").get(dashboard_url(adopted))
    assert response.status_code == 200
    assert rows_of(response) == {"Haarlem"}
    board = response.context["board"]
    assert board.region is None
    assert all(s.total is None for s in board.sections)
    assert [r["municipality"].cbs_code for r in response.context["carry_over"]] == [HAARLEM]


def test_coordinator_and_steering_read_their_sub_region_only(adopted, client_for):
    response = client_for("coordinator.zuid-kennemerland").get(dashboard_url(adopted))
    assert rows_of(response) == {"Bloemendaal", "Haarlem", "Heemstede", "Zandvoort"}
    assert response.context["board"].region is None
    (section,) = response.context["board"].sections
    assert section.total is not None
    assert section.total.progress.agreed == 91
    response = client_for("stuurgroep.amsterdam").get(dashboard_url(adopted))
    assert rows_of(response) == {"Amsterdam"}
    assert "Haarlem" not in rows_of(response)


@pytest.mark.parametrize("username", ["voorzitter", "programma", "beheer"])
def test_chair_programme_and_admin_read_all_with_totals(adopted, client_for, username):
    response = client_for(username).get(dashboard_url(adopted))
    assert len(rows_of(response)) == 30
    board = response.context["board"]
    assert board.region is not None
    assert board.region.progress.agreed == 1000
    assert len([s for s in board.sections if s.total]) == 7
    page = response.content.decode()
    assert "<svg" in page
    assert "Totaal MRA" in page


def test_dashboard_shows_fulfilment_table_chart_and_map(adopted, client_for, user_named):
    confirmed(
        adopted,
        HAARLEM,
        2026,
        1,
        {"urgent": 16},
        (user_named("beleid.haarlem"), user_named("beleid2.haarlem")),
    )
    response = client_for("programma").get(dashboard_url(adopted))
    page = response.content.decode()
    assert "25,0%" in page  # Haarlem: 16 of 64
    chart = response.context["chart"]
    assert {"code": HAARLEM, "name": "Haarlem", "fulfilment": 25.0} in chart.rows
    assert response.context["map"].rows
    assert "op schema" in page  # the status in words, not by colour alone
    assert page.count("<caption") >= 4


def test_dashboard_queries_do_not_grow_with_the_number_of_rows(
    adopted, client_for, django_assert_max_num_queries
):
    client = client_for("programma")
    # 21 = 20 + django-otp loading the device that verified the second sign-in step.
    with django_assert_max_num_queries(21):
        client.get(dashboard_url(adopted))


def test_officer_enters_own_quarter_but_not_another_municipality(adopted, client_for):
    client = client_for("beleid.haarlem")
    assert client.get(quarter_url(adopted)).status_code == 200
    response = client.post(
        quarter_url(adopted),
        {
            "action": "save",
            "realised_urgent": "16",
            "source": "Registratie",
            "reference_date": "2026-03-31",
        },
    )
    assert response.status_code == 302
    assert Realisation.objects.get().realised == 16
    assert client.get(quarter_url(adopted, code=AMSTERDAM)).status_code == 403
    response = client.post(
        quarter_url(adopted, code=AMSTERDAM),
        {"action": "save", "realised_urgent": "1", "source": "x", "reference_date": "2026-03-31"},
    )
    assert response.status_code == 403


def test_bad_input_gets_a_clear_message_and_nothing_is_saved(adopted, client_for):
    response = client_for("beleid.haarlem").post(
        quarter_url(adopted),
        {
            "action": "save",
            "realised_urgent": "-3",
            "realised_homeless": "4",
            "source": "Registratie",
            "reference_date": "2026-03-31",
        },
    )
    assert response.status_code == 200
    assert "realised_urgent" in response.context["form"].errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Realisation.objects.exists()


@pytest.mark.parametrize(
    "username", ["coordinator.zuid-kennemerland", "programma", "voorzitter", "beleid2.haarlem"]
)
def test_readers_may_view_a_quarter_but_only_officers_save(adopted, client_for, username):
    client = client_for(username)
    assert client.get(quarter_url(adopted)).status_code == 200
    response = client.post(
        quarter_url(adopted),
        {"action": "save", "realised_urgent": "1", "source": "x", "reference_date": "2026-03-31"},
    )
    expected = 302 if username == "beleid2.haarlem" else 403
    assert response.status_code == expected


@pytest.mark.parametrize("username", ["stuurgroep.amsterdam", "beleid.amsterdam"])
def test_other_sub_regions_cannot_view_a_haarlem_quarter(adopted, client_for, username):
    assert client_for(username).get(quarter_url(adopted)).status_code == 403


def test_quarter_outside_the_period_is_not_found(adopted, client_for):
    assert client_for("beleid.haarlem").get(quarter_url(adopted, year=2028)).status_code == 404


def test_confirm_by_the_same_officer_is_refused_with_a_message(adopted, client_for):
    client = client_for("beleid.haarlem")
    client.post(
        quarter_url(adopted),
        {"action": "save", "realised_urgent": "5", "source": "x", "reference_date": "2026-03-31"},
    )
    client.post(quarter_url(adopted), {"action": "submit"})
    response = client.post(quarter_url(adopted), {"action": "confirm"}, follow=True)
    assert Realisation.objects.get().status == "submitted"
    assert "Vier ogen" in response.content.decode()
    client_for("beleid2.haarlem").post(quarter_url(adopted), {"action": "confirm"})
    assert Realisation.objects.get().status == "confirmed"


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("beleid.haarlem", 200),
        ("beleid.amsterdam", 200),
        ("programma", 403),
        ("coordinator.zuid-kennemerland", 403),
        ("voorzitter", 403),
    ],
)
def test_only_officers_open_the_import_page(adopted, client_for, username, status):
    assert client_for(username).get(f"/monitoring/{adopted.pk}/importeren/").status_code == status


def test_only_the_programme_team_gets_the_next_round_button(adopted, client_for):
    assert "/rondes/nieuw/" in client_for("programma").get(dashboard_url(adopted)).content.decode()
    for username in ("voorzitter", "beleid.haarlem"):
        page = client_for(username).get(dashboard_url(adopted)).content.decode()
        assert "/rondes/nieuw/" not in page
