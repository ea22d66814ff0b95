"""API authentication: tokens that expire, failed tokens logged and throttled, and sessions
that count only after the second sign-in step where it is required."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import (
    SessionAuthentication,
    TokenAuthentication,
    get_authorization_header,
)
from rest_framework.request import Request

from core.http import client_ip

from . import twofactor

security_log = logging.getLogger("accounts.security")

FAILURE_WINDOW = 15 * 60
"""Seconds over which wrong tokens from one address are counted."""


def _failure_key(request: Request) -> str:
    return f"mra:api-token-failures:{client_ip(request._request) or 'unknown'}"


def _failures(request: Request) -> int:
    try:
        return int(cache.get(_failure_key(request), 0))
    except Exception:  # the cache (Redis) may be away; the token check itself still works
        security_log.exception("API token throttle: the cache did not answer")
        return 0


def _count_failure(request: Request) -> None:
    key = _failure_key(request)
    try:
        if not cache.add(key, 1, FAILURE_WINDOW):
            cache.incr(key)
    except Exception:  # as above: never turn a wrong token into a 500
        security_log.exception("API token throttle: the cache did not answer")


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; a token older than `API_TOKEN_TTL_DAYS` is refused (401).

    Renew a token by deleting it in the admin and creating a new one. Every wrong or
    expired token is logged with the client's address; after `API_TOKEN_FAILURE_LIMIT`
    wrong tokens from one address within 15 minutes, that address gets 429 for a while.
    """

    def authenticate(self, request: Request) -> Any:
        header = get_authorization_header(request).split()
        is_token = bool(header) and header[0].lower() == self.keyword.lower().encode()
        limit = settings.API_TOKEN_FAILURE_LIMIT
        if is_token and limit and _failures(request) >= limit:
            security_log.warning(
                "API token refused unchecked: too many wrong tokens from %s",
                client_ip(request._request),
            )
            raise exceptions.Throttled(wait=FAILURE_WINDOW)
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            _count_failure(request)
            security_log.warning(
                "API token refused (%s) from %s", exc.detail, client_ip(request._request)
            )
            raise

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        max_age = timedelta(days=settings.API_TOKEN_TTL_DAYS)
        if token.created < timezone.now() - max_age:
            raise exceptions.AuthenticationFailed("Token has expired.")
        return user, token


class VerifiedSessionAuthentication(SessionAuthentication):
    """A session counts in the API only once it passed the second sign-in step where that is
    required; before that the request is anonymous (public endpoints still answer)."""

    def authenticate(self, request: Request) -> Any:
        result = super().authenticate(request)
        if result is not None and twofactor.pending(request._request.user):
            return None
        return result


class VerifiedSessionScheme(SessionScheme):
    """The OpenAPI schema describes VerifiedSessionAuthentication as the session cookie."""

    target_class = "accounts.authentication.VerifiedSessionAuthentication"
