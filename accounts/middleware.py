"""The second sign-in step is required before any page for the roles that need it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.urls import reverse

from . import twofactor


class TwoFactorRequiredMiddleware:
    """Send a chair, programme-team member or administrator who signed in with a password
    only to the second step (or to its set-up when no app is set up yet).

    Place after django-otp's OTPMiddleware and LoginRequiredMiddleware. Let through: pages
    marked `two_factor_exempt` (the second step itself, logout) and pages that need no
    sign-in (login, health, public pages), except the admin, which marks its views that way
    because it has its own login. The API is left to `accounts.authentication`: an
    unverified session counts as no session there.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> Any:
        if request.path_info.startswith("/api/") or getattr(view_func, "two_factor_exempt", False):
            return None
        match = request.resolver_match
        is_admin = match is not None and match.namespace.split(":")[0] == "admin"
        if not getattr(view_func, "login_required", True) and not is_admin:
            return None
        user = getattr(request, "user", None)
        if user is None or not twofactor.pending(user):
            return None
        step = "accounts:two_factor" if twofactor.has_device(user) else "accounts:two_factor_setup"
        return redirect_to_login(request.get_full_path(), reverse(step))
