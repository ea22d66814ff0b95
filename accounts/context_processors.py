"""Template context every page needs: the user's role for the navigation."""

from typing import Any

from django.http import HttpRequest

from accounts import access
from accounts.models import PARTNER_ROLES, Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    membership = access.membership_of(getattr(request, "user", None))
    return {
        "membership": membership,
        "can_manage_rounds": access.can_manage_rounds(request.user) if membership else False,
        "can_view_fallback": access.can_view_fallback(request.user) if membership else False,
        # Partners (issue 15) see only what their working area allows: no menu items that
        # would answer 403, and the province its supervision page.
        "is_partner": bool(membership and membership.role in PARTNER_ROLES),
        "can_view_public": access.can_view_public(request.user) if membership else False,
        "can_manage_partners": access.can_manage_partners(request.user) if membership else False,
        "is_corporation": bool(membership and membership.role == Role.CORPORATION),
        "is_care_provider": bool(membership and membership.role == Role.CARE_PROVIDER),
        # Monitoring of adopted rounds: every role; a partner for its working area.
        "can_view_monitoring": access.can_view_monitoring(request.user) if membership else False,
        "can_cosign": bool(
            membership and membership.role in (Role.CORPORATION, Role.CARE_PROVIDER)
        ),
        "can_view_province_page": (
            access.can_view_province_page(request.user) if membership else False
        ),
    }
