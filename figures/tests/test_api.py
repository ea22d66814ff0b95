"""The figures API: the same rules as the form, English messages, access per role."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import FigureStatus
from municipalities.models import MunicipalFigure
from target_groups.models import GroupFigure

from .conftest import group_value, municipal_value

pytestmark = pytest.mark.django_db

URL = "/api/v1/figures/GM0392/2024/"
URL_2025 = "/api/v1/figures/GM0392/2025/"


@pytest.fixture
def api_for(user_named):
    def make(username: str | None) -> APIClient:
        client = APIClient()
        if username is not None:
            token, _ = Token.objects.get_or_create(user=user_named(username))
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


def _version(indicator: str) -> int:
    return MunicipalFigure.objects.get(
        municipality__cbs_code="GM0392", year=2024, indicator__code=indicator
    ).version


def _snapshot() -> tuple:
    return (
        list(MunicipalFigure.objects.order_by("pk").values()),
        list(GroupFigure.objects.order_by("pk").values()),
        MunicipalFigure.history.count(),
    )


def test_anonymous_gets_401(api_for) -> None:
    response = api_for(None).get(URL)
    assert response.status_code == 401
    assert response.json()["detail"]


def test_officer_reads_own_figures_with_versions(api_for) -> None:
    data = api_for("beleid.haarlem").get(URL).json()
    assert data["municipality"] == "GM0392"
    assert data["drafts_included"] is True
    population = next(i for i in data["indicators"] if i["code"] == "population")
    assert population["value"] == "167636.00"
    assert population["status"] == "confirmed"
    assert population["version"] == 1
    homeless = next(g for g in data["groups"] if g["code"] == "homeless")
    assert homeless["demand"] == 242
    assert homeless["unit"] == "persons"


def test_officer_saves_a_change_with_the_version_read(api_for, user_named) -> None:
    client = api_for("beleid.haarlem")
    response = client.patch(
        URL,
        {
            "indicators": {
                "mutations": {
                    "value": "1600",
                    "source": "Corporaties",
                    "reference_date": "2024-01-01",
                    "version": _version("mutations"),
                }
            },
            "groups": {
                "homeless": {
                    "realised": 30,
                    "source": "GGD",
                    "reference_date": "2024-01-01",
                    "version": GroupFigure.objects.get(
                        municipality__cbs_code="GM0392", year=2024, group__code="homeless"
                    ).version,
                }
            },
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["saved"] == 2
    assert municipal_value("GM0392", 2024, "mutations") == 1600
    assert group_value("GM0392", 2024, "homeless", "realised") == 30
    figure = MunicipalFigure.objects.get(
        municipality__cbs_code="GM0392", year=2024, indicator__code="mutations"
    )
    assert figure.history.first().history_change_reason == "api"
    assert figure.history.first().history_user == user_named("beleid.haarlem")


def test_changing_without_the_version_read_is_a_conflict(api_for) -> None:
    before = _snapshot()
    response = api_for("beleid.haarlem").patch(
        URL,
        {
            "indicators": {
                "mutations": {"value": "1600", "source": "x", "reference_date": "2024-01-01"}
            }
        },
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert "Someone else changed" in body["detail"]
    assert body["conflicts"][0]["code"] == "mutations"
    assert body["errors"][0]["code"] == "V013"
    assert _snapshot() == before


def test_errors_come_with_code_and_english_message(api_for) -> None:
    before = _snapshot()
    response = api_for("beleid.haarlem").patch(
        URL,
        {
            "indicators": {
                "social_rental": {
                    "value": "90000",
                    "source": "x",
                    "reference_date": "2024-01-01",
                    "version": _version("social_rental"),
                },
                "population": {"value": "many", "version": 1},
            }
        },
        format="json",
    )
    assert response.status_code == 400
    errors = {e["code"]: e for e in response.json()["errors"]}
    assert errors["V001"]["message"] == "“many” is not a number."
    assert (
        errors["V009"]["message"]
        == "The social rental stock cannot be larger than the dwelling stock."
    )
    assert errors["V009"]["action"].startswith("Check both figures")
    assert _snapshot() == before


def test_a_warning_needs_an_acknowledgement_in_the_api_too(api_for) -> None:
    client = api_for("beleid.haarlem")
    body = {
        "indicators": {
            "population": {"value": "250000", "source": "BRP", "reference_date": "2025-01-01"}
        }
    }
    response = client.patch(URL_2025, body, format="json")
    assert response.status_code == 400
    warning = response.json()["warnings"][0]
    assert warning["code"] == "V101"
    assert warning["severity"] == "warning"
    assert "changed by 49.1% against 2024" in warning["message"]
    assert municipal_value("GM0392", 2025, "population") is None
    body["acknowledgements"] = [{"code": "V101", "field": "population", "comment": "Merger"}]
    assert client.patch(URL_2025, body, format="json").status_code == 200
    assert municipal_value("GM0392", 2025, "population") == 250000


def test_validate_checks_without_saving(api_for) -> None:
    before = _snapshot()
    response = api_for("beleid.haarlem").post(
        f"{URL_2025}validate/",
        {
            "indicators": {
                "population": {"value": "-1", "source": "x", "reference_date": "2025-01-01"}
            }
        },
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["ok"] is False
    assert response.json()["errors"][0]["code"] == "V002"
    assert _snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"indicators": []},
        {"indicators": {"population": 5}},
        {"unknown": 1},
        {"indicators": {"population": {"value": "1", "version": "one"}}},
        {"acknowledgements": [{"code": "V101"}]},
    ],
)
def test_malformed_bodies_get_a_clear_400(api_for, body) -> None:
    response = api_for("beleid.haarlem").patch(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Invalid input")


def test_unknown_codes_are_errors(api_for) -> None:
    response = api_for("beleid.haarlem").patch(
        URL_2025,
        {"indicators": {"nonsense": {"value": "1", "source": "x", "reference_date": "2025-01-01"}}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "V211"


@pytest.mark.parametrize(
    ("username", "drafts"),
    [
        ("beleid.haarlem", True),
        ("beleid2.haarlem", True),
        ("coordinator.zuid-kennemerland", True),
        ("stuurgroep.zuid-kennemerland", True),
        ("programma", True),
        ("voorzitter", True),
        ("beheer", True),
        ("beleid.amsterdam", False),
        ("stuurgroep.amsterdam", False),
    ],
)
def test_drafts_only_for_who_may_read_them(api_for, username, drafts) -> None:
    api_for("beleid.haarlem").patch(
        URL_2025,
        {
            "indicators": {
                "population": {"value": "168000", "source": "BRP", "reference_date": "2025-01-01"}
            }
        },
        format="json",
    )
    data = api_for(username).get(URL_2025).json()
    population = next(i for i in data["indicators"] if i["code"] == "population")
    assert data["drafts_included"] is drafts
    assert (population["value"] == "168000.00") is drafts
    if not drafts:
        assert population["status"] == "missing"
        assert "source" not in population


@pytest.mark.parametrize(
    "username",
    [
        "beleid.amsterdam",
        "coordinator.zuid-kennemerland",
        "stuurgroep.zuid-kennemerland",
        "voorzitter",
        "programma",
        "beheer",
    ],
)
def test_only_own_officers_write_through_the_api(api_for, username) -> None:
    before = _snapshot()
    client = api_for(username)
    body = {
        "indicators": {
            "mutations": {
                "value": "1",
                "source": "x",
                "reference_date": "2024-01-01",
                "version": _version("mutations"),
            }
        }
    }
    assert client.patch(URL, body, format="json").status_code == 403
    assert client.post(f"{URL}validate/", body, format="json").status_code == 403
    assert client.post(f"{URL}submit/").status_code == 403
    assert _snapshot() == before


def test_amsterdam_cannot_submit_or_confirm_haarlem(api_for) -> None:
    client = api_for("beleid.haarlem")
    client.patch(
        URL,
        {
            "indicators": {
                "mutations": {
                    "value": "1600",
                    "source": "x",
                    "reference_date": "2024-01-01",
                    "version": _version("mutations"),
                }
            }
        },
        format="json",
    )
    amsterdam = api_for("beleid.amsterdam")
    assert amsterdam.post(f"{URL}submit/").status_code == 403
    assert client.post(f"{URL}submit/").status_code == 200
    assert amsterdam.post(f"{URL}confirm/").status_code == 403
    assert (
        MunicipalFigure.objects.get(
            municipality__cbs_code="GM0392", year=2024, indicator__code="mutations"
        ).status
        == FigureStatus.SUBMITTED
    )


def test_four_eyes_through_the_api(api_for) -> None:
    first, second = api_for("beleid.haarlem"), api_for("beleid2.haarlem")
    first.patch(
        URL,
        {
            "indicators": {
                "mutations": {
                    "value": "1600",
                    "source": "x",
                    "reference_date": "2024-01-01",
                    "version": _version("mutations"),
                }
            }
        },
        format="json",
    )
    assert first.post(f"{URL}submit/").json() == {"count": 1, "status": "submitted"}
    refused = first.post(f"{URL}confirm/")
    assert refused.status_code == 403
    assert "Four eyes" in refused.json()["detail"]
    assert second.post(f"{URL}confirm/").json() == {"count": 1, "status": "confirmed"}


def test_submitting_incomplete_figures_lists_what_is_missing(api_for) -> None:
    client = api_for("beleid.haarlem")
    client.patch(
        URL_2025,
        {
            "indicators": {
                "population": {"value": "168000", "source": "BRP", "reference_date": "2025-01-01"}
            }
        },
        format="json",
    )
    response = client.post(f"{URL_2025}submit/")
    assert response.status_code == 400
    assert {e["code"] for e in response.json()["errors"]} == {"V005"}


def test_unknown_municipality_is_404(api_for) -> None:
    assert api_for("programma").get("/api/v1/figures/GM9999/2024/").status_code == 404


def test_figures_api_is_in_the_schema(client) -> None:
    assert "/api/v1/figures/{code}/{year}/" in client.get("/api/schema/").content.decode()
