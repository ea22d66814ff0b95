"""Template context every page needs: the user's role for the navigation."""

from typing import Any

from django.http import HttpRequest

from accounts import access


def navigation(request: HttpRequest) -> dict[str, Any]:
    membership = access.membership_of(getattr(request, "user", None))
    return {
        "membership": membership,
        "can_manage_rounds": access.can_manage_rounds(request.user) if membership else False,
        "can_view_fallback": access.can_view_fallback(request.user) if membership else False,
    }
