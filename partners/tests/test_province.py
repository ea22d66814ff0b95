"""The province page (issue 15, acceptance 4): the status-holder task against realised per
municipality and half-year, worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from allocation.models import RoundStatus
from allocation.tests.factories import RoundFactory
from monitoring import services as monitoring_services
from monitoring.tests.factories import adopted_round
from monitoring.tests.helpers import confirmed, officer_of
from monitoring.validation import quarter_end
from municipalities.models import Municipality
from partners import selectors

pytestmark = pytest.mark.django_db

# adopted_round: population as the only indicator, a regional task of 1,000 persons for
# 2026-2027. Agreed for the period: Haarlem 167,636 / 2,607,523 x 1,000 = 64.29 -> 64;
# Zandvoort 17,469 / 2,607,523 x 1,000 = 6.70 -> 7 (see monitoring/tests/factories.py).
# Phased over the two years (earliest year gets the remainder): Haarlem 32 + 32, Zandvoort
# 4 + 3. Each year split over its half-years (first gets the lower half):
#   Haarlem   2026: 16 + 16, 2027: 16 + 16
#   Zandvoort 2026:  2 +  2, 2027:  1 +  2


@pytest.fixture
def round_(db: Any) -> Any:
    round_ = adopted_round(groups=("status_holders",))
    # Zandvoort: Q1 2026 1 and Q2 2026 2 confirmed -> first half 2026 realised 3.
    confirmed(round_, "GM0473", 2026, 1, {"status_holders": 1})
    confirmed(round_, "GM0473", 2026, 2, {"status_holders": 2})
    # Haarlem: Q1 2026 10 confirmed -> first half 2026 realised 10.
    confirmed(round_, "GM0392", 2026, 1, {"status_holders": 10})
    # A draft does not count: Zandvoort Q3 2026 5, never submitted nor confirmed.
    monitoring_services.realisations_save_draft(
        round_=round_,
        municipality=Municipality.objects.get(cbs_code="GM0473"),
        year=2026,
        quarter=3,
        values={
            "status_holders": monitoring_services.RealisationInput(
                realised="5", source="Registratie", reference_date=quarter_end(2026, 3)
            )
        },
        user=officer_of("GM0473"),
    )
    return round_


def _cells(overview: selectors.ProvinceOverview, code: str) -> list[tuple]:
    row = next(r for r in overview.rows if r.code == code)
    return [(c.task, c.realised, c.backlog, c.trend) for c in row.cells]


def test_status_holder_task_realised_and_backlog_worked_out_by_hand(round_) -> None:
    overview = selectors.province_overview(province="NH", round_=round_)
    assert [(h.year, h.half) for h in overview.half_years] == [
        (2026, 1),
        (2026, 2),
        (2027, 1),
        (2027, 2),
    ]
    # Zandvoort (task, realised, backlog, change of backlog):
    #   H1 2026: task 2, realised 1 + 2 = 3, backlog 2 - 3 = -1 (ahead), change -1
    #   H2 2026: task 2, nothing confirmed (the draft 5 does not count), backlog -1 + 2 = 1,
    #            change +2
    #   H1 2027: task 1, backlog 1 + 1 = 2, change +1
    #   H2 2027: task 2, backlog 2 + 2 = 4, change +2
    assert _cells(overview, "GM0473") == [
        (2, 3, -1, -1),
        (2, None, 1, 2),
        (1, None, 2, 1),
        (2, None, 4, 2),
    ]
    # Haarlem: H1 2026 task 16, realised 10, backlog 6; then 16 more each half-year.
    assert _cells(overview, "GM0392") == [
        (16, 10, 6, 6),
        (16, None, 22, 16),
        (16, None, 38, 16),
        (16, None, 54, 16),
    ]
    zandvoort = next(r for r in overview.rows if r.code == "GM0473")
    assert (zandvoort.task, zandvoort.realised, zandvoort.backlog) == (7, 3, 4)
    # Only Noord-Holland: Almere and Lelystad lie in Flevoland.
    codes = {r.code for r in overview.rows}
    assert "GM0034" not in codes
    assert "GM0995" not in codes
    assert len(codes) == Municipality.objects.filter(province="NH").count() == 28


def test_flevoland_sees_almere_and_lelystad_only(round_) -> None:
    overview = selectors.province_overview(province="FL", round_=round_)
    assert [r.name for r in overview.rows] == ["Almere", "Lelystad"]


def test_half_year_split_adds_up_to_the_year() -> None:
    for year_total in range(12):
        assert (
            selectors.half_year_task(year_total, 1) + selectors.half_year_task(year_total, 2)
            == year_total
        )
    assert (selectors.half_year_task(5, 1), selectors.half_year_task(5, 2)) == (2, 3)


def test_province_page_shows_its_municipalities_with_units(round_, client_for) -> None:
    response = client_for("provincie.noord-holland").get(reverse("partners:province"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Zandvoort" in html
    assert "Haarlem" in html
    assert "Almere" not in html
    # Units on every number: the column headers name them (in the active language).
    assert escape(gettext("Task (persons)")) in html
    assert escape(gettext("Realised, confirmed (persons)")) in html


def test_province_cannot_pick_another_province(round_, client_for) -> None:
    response = client_for("provincie.flevoland").get(
        reverse("partners:province"), {"provincie": "NH"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Almere" in html
    assert "Zandvoort" not in html


def test_province_sees_no_round_that_is_not_adopted(round_, client_for) -> None:
    draft = RoundFactory(name="Concept 2028", status=RoundStatus.IN_REVIEW)
    c = client_for("provincie.noord-holland")
    assert c.get(reverse("partners:province"), {"ronde": draft.pk}).status_code == 404
    response = c.get(reverse("partners:province"))
    assert response.status_code == 200
    assert "Concept 2028" not in response.content.decode()


def test_export_is_a_safe_csv_of_the_same_numbers(round_, client_for) -> None:
    response = client_for("provincie.noord-holland").get(
        reverse("partners:province-export"), {"ronde": round_.pk}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0].split(";")[3] == gettext("task (persons)")
    rows = [line.split(";") for line in lines[1:] if line]
    zandvoort = [r for r in rows if r[0] == "GM0473"]
    # Zandvoort, first half of 2026: task 2, realised 3, backlog -1 (a plain number, not
    # quoted as a formula), change -1; second half: task 2, nothing confirmed, backlog 1.
    assert zandvoort[0][2] == gettext("first half of %(year)s") % {"year": 2026}
    assert zandvoort[0][3:] == ["2", "3", "-1", "-1"]
    assert zandvoort[1][3:] == ["2", "", "1", "2"]
    assert len(rows) == 28 * 4  # 28 municipalities of Noord-Holland, four half-years
    assert not any("Almere" in line for line in lines)


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("provincie.noord-holland", 200),
        ("provincie.flevoland", 200),
        ("programma", 200),
        ("voorzitter", 200),
        ("beleid.haarlem", 403),
        ("coordinator.zuid-kennemerland", 403),
        ("stuurgroep.ijmond", 403),
        ("corporatie.kennemerland", 403),
        ("zorg.zuid-kennemerland", 403),
        ("beheer", 403),
    ],
)
def test_who_may_open_the_province_page(round_, client_for, username, status) -> None:
    c = client_for(username)
    assert c.get(reverse("partners:province")).status_code == status
    assert c.get(reverse("partners:province-export")).status_code == status


def test_anonymous_is_sent_to_login(client) -> None:
    response = client.get(reverse("partners:province"))
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="provincie.flevoland").exists()
