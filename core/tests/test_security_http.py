"""HTTP hardening (issue 12): idle sessions end, downloads are not cached, the API answers bad
JSON and unknown URLs in JSON, expired and wrong API tokens are refused."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core import jsonsafe
from core.http import NoStoreDownloadsMiddleware, client_ip
from core.middleware import IdleTimeoutMiddleware

pytestmark = pytest.mark.django_db

IDLE_KEY = IdleTimeoutMiddleware.SESSION_KEY


def _set_last_activity(client: Client, seconds_ago: int) -> None:
    session = client.session
    session[IDLE_KEY] = int(time.time()) - seconds_ago
    session.save()


# --- Idle timeout ---------------------------------------------------------------------------------


def test_a_session_idle_for_more_than_30_minutes_ends(client_for, settings) -> None:
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    client = client_for("beleid.haarlem")
    _set_last_activity(client, 31 * 60)
    response = client.get("/gemeenten/")
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/?next=")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "30 minuten" in page.content.decode()  # the login page says why


def test_activity_keeps_the_session_alive(client_for) -> None:
    client = client_for("voorzitter")
    _set_last_activity(client, 29 * 60)
    assert client.get("/gemeenten/").status_code == 200
    assert int(time.time()) - client.session[IDLE_KEY] < 5  # the clock started again
    assert client.get("/gemeenten/").status_code == 200


def test_an_idle_api_session_is_anonymous(client_for) -> None:
    client = client_for("beleid.haarlem")
    _set_last_activity(client, 3 * 60 * 60)
    assert client.get("/api/v1/me/").status_code in {401, 403}


def test_sessions_end_after_twelve_hours_whatever_happens(settings) -> None:
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60


# --- Cache-Control on downloads --------------------------------------------------------------------


def test_downloads_are_private_and_not_stored(client_for) -> None:
    response = client_for("programma").get("/cijfers/sjabloon/2025.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"


def test_pages_keep_their_own_caching() -> None:
    middleware = NoStoreDownloadsMiddleware(lambda request: HttpResponse("<p>page</p>"))
    response = middleware(RequestFactory().get("/"))
    assert "Cache-Control" not in response


@pytest.mark.parametrize(
    ("content_type", "disposition"),
    [
        ("application/pdf", 'attachment; filename="afspraken-1-mra.pdf"'),
        ("application/pdf", 'inline; filename="afspraken.pdf"'),
        ("text/csv; charset=utf-8", ""),
        ("application/json", 'attachment; filename="run-1-scenario.json"'),
    ],
)
def test_every_pdf_export_or_attachment_gets_no_store(content_type, disposition) -> None:
    def view(request):
        response = HttpResponse(b"x", content_type=content_type)
        if disposition:
            response["Content-Disposition"] = disposition
        return response

    response = NoStoreDownloadsMiddleware(view)(RequestFactory().get("/"))
    assert response["Cache-Control"] == "private, no-store"


# --- Client address behind a proxy -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy: the header is the client's word, ignored
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # forged left part ignored
        (2, "203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer entries than proxies: fall back
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, count, forwarded, expected) -> None:
    settings.PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


# --- API: JSON errors and bounded JSON ------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/nope/", "/api/v1/figures/GM0392/x/", "/api/nothing"])
def test_unknown_api_urls_answer_json_404(url) -> None:
    response = Client().get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_unknown_pages_stay_html_404(client_for) -> None:
    response = client_for("beleid.haarlem").get("/bestaat-niet/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_wrong_method_on_the_api_is_json_405(client_for) -> None:
    response = client_for("beleid.haarlem").delete("/api/v1/municipalities/")
    assert response.status_code == 405
    assert "detail" in response.json()


@pytest.mark.parametrize("depth", [51, 1_000, 50_000])
def test_deeply_nested_json_is_a_400_not_a_500(client_for, depth) -> None:
    body = "[" * depth + "]" * depth
    response = client_for("beleid.haarlem").post(
        "/api/v1/figures/GM0392/2025/validate/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested deeper than 50 levels" in response.json()["detail"]


def test_json_of_normal_depth_still_reaches_the_view(client_for) -> None:
    body = json.dumps({"figures": [{"a": [[[1]]]}]})
    response = client_for("beleid.haarlem").post(
        "/api/v1/figures/GM0392/2025/validate/", body, content_type="application/json"
    )
    assert response.status_code != 500
    assert "nested deeper" not in response.content.decode()


def test_check_depth_counts_levels_without_recursion() -> None:
    jsonsafe.check_depth([[1]], max_depth=2)
    with pytest.raises(jsonsafe.JSONTooDeep):
        jsonsafe.check_depth([[[1]]], max_depth=2)
    deep: list = []
    for _ in range(100_000):  # deeper than Python's recursion limit
        deep = [deep]
    with pytest.raises(jsonsafe.JSONTooDeep):
        jsonsafe.check_depth(deep)
    with pytest.raises(jsonsafe.JSONTooDeep):
        jsonsafe.loads("[" * 50_000 + "]" * 50_000)
    assert jsonsafe.loads('{"a": {"b": [1, 2]}}') == {"a": {"b": [1, 2]}}


# --- API tokens ---------------------------------------------------------------------------------


@pytest.fixture
def token(user_named) -> Token:
    cache.clear()
    return Token.objects.create(user=user_named("beleid.haarlem"))


def _me(key: str) -> HttpResponse:
    return Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")


def test_a_fresh_token_works(token) -> None:
    response = _me(token.key)
    assert response.status_code == 200
    assert response.json()["username"] == "beleid.haarlem"


def test_a_token_older_than_30_days_is_refused_with_401(token, settings) -> None:
    assert settings.API_TOKEN_TTL_DAYS == 30
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=30, hours=1))
    response = _me(token.key)
    assert response.status_code == 401
    assert response.json() == {"detail": "Token has expired."}
    assert response["WWW-Authenticate"] == "Token"
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=29))
    assert _me(token.key).status_code == 200


def test_wrong_tokens_are_logged_and_then_throttled(token, settings, caplog) -> None:
    settings.API_TOKEN_FAILURE_LIMIT = 3
    with caplog.at_level("WARNING", logger="accounts.security"):
        for _ in range(3):
            assert _me("0" * 40).status_code == 401
        throttled = _me("0" * 40)
    assert throttled.status_code == 429
    assert "Retry-After" in throttled
    assert sum("API token refused" in r.getMessage() for r in caplog.records) >= 4
    assert "127.0.0.1" in caplog.records[0].getMessage()
    # The public open data still answers that address without a token.
    assert Client().get("/api/v1/municipalities/").status_code == 200


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("url", ["/inloggen/", "/openbaar/", "/"])
def test_every_page_carries_a_strict_content_security_policy(client_for, url) -> None:
    response = client_for("programma").get(url)
    policy = _csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    joined = response["Content-Security-Policy"]
    assert "unsafe-inline" not in joined
    assert "unsafe-eval" not in joined


def test_no_template_needs_inline_script_or_style() -> None:
    """What the CSP would block: inline <script>, <style>, style="" and on...="" handlers.

    JSON data islands (`<script type="application/json">`, as json_script writes them) are
    data, not script, and allowed. PDF templates are rendered by WeasyPrint, not a browser.
    """
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
    offenders = []
    for path in root.glob("**/templates/**/*.html"):
        if ".venv" in path.parts or "reports" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (
            inline_script,
            re.compile(r"<style\b", re.I),
            re.compile(r"\sstyle=", re.I),
            re.compile(r"\son[a-z]+=", re.I),
        ):
            for match in pattern.finditer(text):
                offenders.append(f"{path.relative_to(root)}: {match.group(0)[:60]}")
    assert offenders == []
