"""The open-data API and the login line around the rest of the API."""

import pytest
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_municipalities_lists_all_thirty_with_exact_cbs_populations(client) -> None:
    response = client.get("/api/v1/municipalities/")
    assert response.status_code == 200
    items = response.json()
    assert len(items) == 30
    assert sum(i["population"] for i in items) == 2_607_523
    assert sum(i["dwellings"] for i in items) == 1_222_775
    haarlem = next(i for i in items if i["code"] == "GM0392")
    assert haarlem == {
        "code": "GM0392",
        "name": "Haarlem",
        "subregion": "Zuid-Kennemerland",
        "province": "Noord-Holland",
        "year": 2024,
        "population": 167636,
        "dwellings": 79434,
    }


def test_municipalities_use_the_latest_confirmed_year_only(client, client_for) -> None:
    client_for("beleid.haarlem").post(
        "/gemeenten/GM0392/cijfers/2025/bewerken/",
        {
            "population-value": "999999",
            "population-source": "concept",
            "population-reference_date": "2025-01-01",
        },
    )
    haarlem = next(i for i in client.get("/api/v1/municipalities/").json() if i["code"] == "GM0392")
    assert haarlem["population"] == 167636  # a draft is not open data


def test_subregions_and_target_groups_are_public(client) -> None:
    regions = client.get("/api/v1/subregions/").json()
    assert len(regions) == 7
    assert sum(len(r["municipalities"]) for r in regions) == 30
    assert sum(r["population"] for r in regions) == 2_607_523
    groups = client.get("/api/v1/target-groups/").json()
    assert [g["code"] for g in groups][:2] == ["homeless", "status_holders"]
    assert len(groups) == 7


def test_public_api_is_read_only(client) -> None:
    assert client.post("/api/v1/municipalities/", {}).status_code == 405


def test_everything_else_needs_login_or_token(client, user_named) -> None:
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert "detail" in response.json()
    token = Token.objects.create(user=user_named("beleid.haarlem"))
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").json()
    assert me == {
        "username": "beleid.haarlem",
        "role": "officer",
        "municipality": "GM0392",
        "subregion": None,
    }


def test_bad_token_is_refused_in_english(client) -> None:
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token nonsense")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_openapi_schema_and_offline_swagger_ui(client) -> None:
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    body = schema.content.decode()
    assert "/api/v1/municipalities/" in body
    docs = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar" in docs  # served by the app, not a CDN
    assert "cdn." not in docs
    assert "unpkg" not in docs
    assert "jsdelivr" not in docs
