"""Sign-in is required everywhere except where a view says otherwise.

Django's LoginRequiredMiddleware redirects anonymous users to the login page. The API
(`/api/`) is left to DRF, which answers 401/403 in JSON and lets the public endpoints through.
A session ends after `SESSION_IDLE_TIMEOUT` seconds without a request.
"""

import logging
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class LoginRequiredExceptApiMiddleware(LoginRequiredMiddleware):
    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> Any:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ApiInEnglishMiddleware:
    """The API speaks English (DOMAIN: clear messages in Dutch, or English in the API)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        if request.path_info.startswith("/api/"):
            request.LANGUAGE_CODE = "en"
            with translation.override("en"):
                return self.get_response(request)
        return self.get_response(request)


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the user chose otherwise with the language switch.

    Django's LocaleMiddleware also follows the browser's Accept-Language; civil servants
    often have English browsers but expect the Dutch interface, so only the explicit choice
    (the language cookie set by the switch) counts.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class IdleTimeoutMiddleware:
    """Sign the user out after `SESSION_IDLE_TIMEOUT` seconds without a request.

    The time of the last request is kept in the session, written at most once a minute so
    that not every request writes the session. `SESSION_COOKIE_AGE` stays the absolute
    limit. Place after MessageMiddleware (the page after the sign-out says why).
    """

    SESSION_KEY = "_mra_last_activity"
    WRITE_EVERY = 60

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        timeout = settings.SESSION_IDLE_TIMEOUT
        user = getattr(request, "user", None)
        if timeout and user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.SESSION_KEY)
            if isinstance(last, int) and now - last > timeout:
                username = user.get_username()
                logout(request)
                logger.info("session of %s ended after %d s without activity", username, timeout)
                if not request.path_info.startswith("/api/"):
                    messages.info(
                        request,
                        _("You were signed out after %(minutes)d minutes without activity.")
                        % {"minutes": timeout // 60},
                        fail_silently=True,
                    )
            elif not isinstance(last, int) or now - last >= self.WRITE_EVERY:
                request.session[self.SESSION_KEY] = now
        return self.get_response(request)


def idle_clock_start(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """On login, start the idle clock (so that the first page need not write the session)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[IdleTimeoutMiddleware.SESSION_KEY] = int(time.time())
