"""Municipality and sub-region pages: who sees what, editing, bad input, query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import FigureStatus
from municipalities.models import MunicipalFigure, Municipality

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/gemeenten/",
    "/gemeenten/GM0392/",
    "/gemeenten/GM0392/cijfers/2025/bewerken/",
    "/deelregios/",
    "/deelregios/zuid-kennemerland/",
    "/doelgroepen/",
]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_users_are_sent_to_login(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/?next=")


@pytest.mark.parametrize("url", ["/healthz", "/api/v1/municipalities/", "/inloggen/", "/api/docs/"])
def test_public_pages_need_no_login(client, url) -> None:
    assert client.get(url).status_code == 200


def test_login_page_signs_in_a_demo_account(client) -> None:
    response = client.post("/inloggen/", {"username": "beleid.haarlem", "password": "mra-demo"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_gets_a_plain_message(client) -> None:
    response = client.post("/inloggen/", {"username": "beleid.haarlem", "password": "fout"})
    assert response.status_code == 200
    assert "komen niet overeen" in response.content.decode()


@pytest.mark.parametrize(
    "username",
    [
        "beleid.haarlem",
        "beleid.amsterdam",
        "coordinator.zuid-kennemerland",
        "stuurgroep.ijmond",
        "voorzitter",
        "programma",
        "beheer",
    ],
)
def test_every_role_has_a_home_page(client_for, username) -> None:
    response = client_for(username).get("/")
    assert response.status_code == 200


def test_officer_home_shows_own_municipality(client_for) -> None:
    body = client_for("beleid.haarlem").get("/").content.decode()
    assert "Haarlem" in body


def test_haarlem_officer_sees_haarlem_figures_with_sources(client_for) -> None:
    body = client_for("beleid.haarlem").get("/gemeenten/GM0392/").content.decode()
    assert "167.636" in body  # CBS population 1-1-2024, Dutch thousands separator
    assert "85984NED" in body
    assert "illustratief" in body


def test_haarlem_officer_gets_403_on_amsterdam_edit_page(client_for) -> None:
    c = client_for("beleid.haarlem")
    assert c.get("/gemeenten/GM0363/cijfers/2025/bewerken/").status_code == 403
    response = c.post(
        "/gemeenten/GM0363/cijfers/2025/bewerken/",
        {
            "population-value": "1",
            "population-source": "x",
            "population-reference_date": "2025-01-01",
        },
    )
    assert response.status_code == 403
    assert not MunicipalFigure.objects.filter(municipality__cbs_code="GM0363", year=2025).exists()


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("beleid.haarlem", 200),
        ("beleid2.haarlem", 200),
        ("beleid.amsterdam", 403),
        ("coordinator.zuid-kennemerland", 403),
        ("stuurgroep.zuid-kennemerland", 403),
        ("voorzitter", 403),
        ("programma", 403),
    ],
)
def test_only_own_officers_open_the_edit_page(client_for, username, status) -> None:
    assert (
        client_for(username).get("/gemeenten/GM0392/cijfers/2025/bewerken/").status_code == status
    )


def _form(**values: str) -> dict[str, str]:
    data = {}
    for code, value in values.items():
        data[f"{code}-value"] = value
        data[f"{code}-source"] = "Eigen registratie"
        data[f"{code}-reference_date"] = "2025-01-01"
    return data


def test_officer_saves_figures_as_draft(client_for, user_named) -> None:
    c = client_for("beleid.haarlem")
    response = c.post("/gemeenten/GM0392/cijfers/2025/bewerken/", _form(population="168.100"))
    assert response.status_code == 302
    figure = MunicipalFigure.objects.get(
        municipality__cbs_code="GM0392", indicator__code="population", year=2025
    )
    assert figure.value == Decimal("168100")  # Dutch input: dot is the thousands separator
    assert figure.status == FigureStatus.DRAFT
    assert figure.updated_by == user_named("beleid.haarlem")
    assert figure.history.count() == 1
    assert figure.history.first().history_user == user_named("beleid.haarlem")


def test_drafts_are_hidden_from_other_municipalities(client_for) -> None:
    client_for("beleid.haarlem").post(
        "/gemeenten/GM0392/cijfers/2025/bewerken/", _form(population="171717")
    )
    assert "171.717" in client_for("beleid2.haarlem").get("/gemeenten/GM0392/").content.decode()
    assert (
        "171.717" not in client_for("beleid.amsterdam").get("/gemeenten/GM0392/").content.decode()
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_form(population="-5"), "niet onder nul"),
        (_form(population="veel"), "Vul een getal in"),
        ({"population-value": "100"}, "Zeg waar dit cijfer vandaan komt"),
        (_form(dwellings="1000", social_rental="2000"), "niet groter zijn dan de woningvoorraad"),
    ],
)
def test_bad_input_gets_a_dutch_message_and_saves_nothing(client_for, data, message) -> None:
    before = MunicipalFigure.objects.count()
    response = client_for("beleid.haarlem").post("/gemeenten/GM0392/cijfers/2025/bewerken/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert MunicipalFigure.objects.count() == before


def _current_form(code: str, year: int) -> dict[str, str]:
    """What the edit form posts when nothing is changed: every figure with its version."""
    data = {}
    for f in MunicipalFigure.objects.filter(municipality__cbs_code=code, year=year).select_related(
        "indicator"
    ):
        prefix = f.indicator.code
        data[f"{prefix}-value"] = str(f.value)
        data[f"{prefix}-source"] = f.source
        data[f"{prefix}-reference_date"] = f.reference_date.isoformat()
        data[f"{prefix}-version"] = str(f.version)
    return data


def test_second_save_of_a_stale_form_gets_a_conflict_and_loses_nothing(client_for) -> None:
    url = "/gemeenten/GM0392/cijfers/2024/bewerken/"
    first, second = client_for("beleid.haarlem"), client_for("beleid2.haarlem")
    opened = _current_form("GM0392", 2024)  # both open the form now
    assert first.post(url, {**opened, "mutations-value": "2100"}).status_code == 302
    response = second.post(url, {**opened, "mutations-value": "2000"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "iemand anders" in body.lower()
    assert "nu 2.100" in body
    assert (
        MunicipalFigure.objects.get(
            municipality__cbs_code="GM0392", indicator__code="mutations", year=2024
        ).value
        == 2100
    )


def test_a_stale_form_that_does_not_touch_the_changed_figure_saves(client_for) -> None:
    url = "/gemeenten/GM0392/cijfers/2024/bewerken/"
    opened = _current_form("GM0392", 2024)
    assert (
        client_for("beleid.haarlem").post(url, {**opened, "mutations-value": "2100"}).status_code
        == 302
    )
    stale = {**opened, "mutations-value": "2100", "planned_social_new_build-value": "55"}
    assert client_for("beleid2.haarlem").post(url, stale).status_code == 302
    values = dict(
        MunicipalFigure.objects.filter(municipality__cbs_code="GM0392", year=2024).values_list(
            "indicator__code", "value"
        )
    )
    assert values["mutations"] == 2100
    assert values["planned_social_new_build"] == 55


def test_unknown_municipality_is_a_404(client_for) -> None:
    assert client_for("beleid.haarlem").get("/gemeenten/GM9999/").status_code == 404


def test_municipality_list_shows_all_thirty_with_total(client_for) -> None:
    body = client_for("programma").get(reverse("municipalities:list")).content.decode()
    assert body.count('href="/gemeenten/GM') == 30
    assert "2.607.523" in body


@pytest.mark.parametrize("url", ["/gemeenten/", "/deelregios/", "/deelregios/ijmond/", "/"])
def test_overview_pages_use_few_queries(client_for, django_assert_max_num_queries, url) -> None:
    c = client_for("programma")
    with django_assert_max_num_queries(8):
        assert c.get(url).status_code == 200


def test_detail_page_query_count_does_not_grow_with_figures(
    client_for, django_assert_max_num_queries
) -> None:
    c = client_for("beleid.haarlem")
    with django_assert_max_num_queries(8):
        c.get("/gemeenten/GM0392/")
    assert Municipality.objects.count() == 30
