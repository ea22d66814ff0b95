"""Sign-in is required everywhere except where a view says otherwise.

Django's LoginRequiredMiddleware redirects anonymous users to the login page. The API
(`/api/`) is left to DRF, which answers 401/403 in JSON and lets the public endpoints through.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
