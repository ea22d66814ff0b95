"""schemathesis on the OpenAPI schema (issue 12): the schema says what the API does.

Requests generated from the served schema (`/api/schema/`) go to the WSGI application with
the token of a municipal policy officer and of the programme team; every answer must be
documented (status code, content type, body schema, headers) and none may be a 5xx. Three
times in four the path parameters are replaced by real ones (a real CBS code, a year with
figures, the adopted round) so that the generated bodies reach the validation and the
workflow, not only the 404. Derandomized: the same requests on every run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import CHECKS
from schemathesis.core.failures import FailureGroup
from schemathesis.openapi.checks import UndefinedStatusCode

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 80
MIN_REQUESTS_PER_ROLE = 500
CHECK_NAMES = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)


def load_schema() -> Any:
    from mra_housing.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/", application)


def checks() -> list[Any]:
    found = {c.__name__: c for c in CHECKS.get_all()}
    return [found[name] for name in CHECK_NAMES]


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Requests go straight to the WSGI application: keep Django from closing the database
    connection at the end of each one (which would end the test's transaction on
    PostgreSQL), as Django's own test client does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def adopted_round_pk(db: Any) -> int:
    from reports.tests.factories import adopted_round

    return int(adopted_round(name="Afspraken schematest").pk)


def real_values(adopted_pk: int) -> dict[str, st.SearchStrategy[Any]]:
    return {
        "code": st.sampled_from(["GM0392", "GM0363", "GM0358"]),
        "year": st.sampled_from([2024, 2025]),
        "id": st.just(adopted_pk),
    }


def run_operations(
    schema: Any, token: str, adopted_pk: int, count: Counter[str], *, label: str
) -> None:
    selected = checks()
    headers = {"Authorization": f"Token {token}"}
    real = real_values(adopted_pk)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10, [o.label for o in operations]
    for operation in operations:

        @given(case=operation.as_strategy(), data=st.data())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def one(case: Any, data: st.DataObject) -> None:
            # Three times in four, real path parameters (all of them at once).
            if case.path_parameters and data.draw(st.integers(0, 3), label="real") < 3:
                for name in case.path_parameters:
                    if name in real:
                        case.path_parameters[name] = data.draw(real[name], label=name)
            response = case.call(headers=headers)
            count[label] += 1
            count[f"{label} {response.status_code}"] += 1
            case.validate_response(response, checks=selected, headers=headers)

        one()


@pytest.mark.parametrize("username", ["beleid.haarlem", "programma"])
def test_every_answer_matches_the_schema_and_none_is_a_server_error(
    username: str, user_named: Callable[[str], Any], adopted_round_pk: int, keep_connection: None
) -> None:
    token = Token.objects.create(user=user_named(username)).key
    count: Counter[str] = Counter()
    run_operations(load_schema(), token, adopted_round_pk, count, label=username)
    print(sorted(count.items()))  # noqa: T201 - which statuses were reached, in the -s output
    assert count[username] >= MIN_REQUESTS_PER_ROLE
    # The generated requests reach more than the refusals: successes and validation errors.
    assert count[f"{username} 200"] > 50
    assert count[f"{username} 400"] > 20


# --- what the schema promises, checked directly -----------------------------------------------


@pytest.fixture
def served_schema(client: Any) -> dict[str, Any]:
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return dict(response.json())


def operations_of(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def test_request_bodies_are_json_only(served_schema: dict[str, Any]) -> None:
    bodies = [
        (method, path, sorted(op["requestBody"]["content"]))
        for method, path, op in operations_of(served_schema)
        if "requestBody" in op
    ]
    assert bodies, "the figures API takes bodies"
    assert all(types == ["application/json"] for _, _, types in bodies), bodies


def test_every_operation_documents_its_json_errors(served_schema: dict[str, Any]) -> None:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for method, path, op in operations_of(served_schema):
        codes = set(op["responses"])
        assert {"401", "429"} <= codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        if {} not in op.get("security", []):
            assert "403" in codes, (method, path)
        for code, response in op["responses"].items():
            if code.startswith("4") and code not in ("400", "409"):
                assert response["content"] == error, (method, path, code)


@pytest.fixture
def officer_token(user_named: Callable[[str], Any]) -> str:
    return str(Token.objects.create(user=user_named("beleid.haarlem")).key)


def test_a_form_body_is_refused_with_json_415(client: Any, officer_token: str) -> None:
    response = client.patch(
        "/api/v1/figures/GM0392/2025/",
        {"figures": "x"},
        HTTP_AUTHORIZATION=f"Token {officer_token}",
    )
    assert response.status_code == 415
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/figures/GM9999/2024/",
        "/api/v1/figures/GM0392/1999/",
        "/api/v1/rounds/999999/agreement/",
    ],
)
def test_a_404_inside_the_api_is_json(client: Any, officer_token: str, url: str) -> None:
    response = client.get(url, HTTP_AUTHORIZATION=f"Token {officer_token}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_a_wrong_method_is_a_json_405(client: Any, officer_token: str) -> None:
    response = client.delete(
        "/api/v1/figures/GM0392/2024/", HTTP_AUTHORIZATION=f"Token {officer_token}"
    )
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_the_checks_catch_an_answer_the_schema_does_not_describe(
    served_schema: dict[str, Any], officer_token: str, keep_connection: None
) -> None:
    """The same checks against the schema without the hook's 404: the 404 is a violation."""
    from mra_housing.wsgi import application

    del served_schema["paths"]["/api/v1/figures/{code}/{year}/"]["get"]["responses"]["404"]
    schema = schemathesis.openapi.from_dict(served_schema)
    schema.app = application
    operation = schema["/api/v1/figures/{code}/{year}/"]["GET"]
    case = operation.Case(path_parameters={"code": "GM9999", "year": 2024})
    headers = {"Authorization": f"Token {officer_token}"}
    response = case.call(headers=headers)
    assert response.status_code == 404
    with pytest.raises(FailureGroup) as caught:
        case.validate_response(response, checks=checks(), headers=headers)
    assert [type(e) for e in caught.value.exceptions] == [UndefinedStatusCode]
