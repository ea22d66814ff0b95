"""Two-step sign-in (TOTP, django-otp) for the chair, the programme team and administrators.

Who must use it is `access.must_use_two_factor`; this module says whether the rule is in
force (`MRA_REQUIRE_2FA`, default on) and whether the signed-in session has passed the
second step. With DEBUG on (the `make run` demo) the demo accounts keep password-only
sign-in so that a newcomer can try every role; every other account still needs the code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django_otp import devices_for_user

from . import access
from .services import DEMO_ACCOUNTS

DEMO_USERNAMES = frozenset(account.username for account in DEMO_ACCOUNTS)

V = TypeVar("V", bound=Callable[..., Any])


def two_factor_exempt(view: V) -> V:
    """Mark a view that an account may open before its second step (the step's own pages)."""
    view.two_factor_exempt = True  # type: ignore[attr-defined]
    return view


def demo_password_only() -> bool:
    """The demo of `make run`: DEBUG on, so the demo accounts sign in with a password only."""
    return bool(settings.DEBUG)


def required_for(user: Any) -> bool:
    """Must this signed-in user pass the second step before using the app?"""
    if not settings.MRA_REQUIRE_2FA or not access.must_use_two_factor(user):
        return False
    return not (demo_password_only() and user.get_username() in DEMO_USERNAMES)


def is_verified(user: Any) -> bool:
    """Has this session passed the second step? (django-otp's OTPMiddleware sets it.)"""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def has_device(user: Any) -> bool:
    """Has the user set up an authenticator app (or been given emergency codes)?"""
    return any(True for _ in devices_for_user(user, confirmed=True))


def pending(user: Any) -> bool:
    """Signed in with a password, but the second step is still to do."""
    return required_for(user) and not is_verified(user)
