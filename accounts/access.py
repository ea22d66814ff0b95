"""Who may see or change what. The one place for object-level access decisions.

Every view and API endpoint asks these functions; they never query more than the user's
membership (cached on the user object by `membership_of`). Staff superusers count as
system administrators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

from .models import Membership, Role

if TYPE_CHECKING:
    from municipalities.models import Municipality, SubRegion

REGION_WIDE_READERS = {Role.CHAIR, Role.PROGRAMME, Role.ADMIN}


def membership_of(user: Any) -> Membership | None:
    """The user's membership, or None for anonymous users and users without a role."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if hasattr(user, "_mra_membership"):
        cached: Membership | None = user._mra_membership
        return cached
    membership = Membership.objects.filter(user=user).first()
    if membership is None and user.is_superuser:
        membership = Membership(user=user, role=Role.ADMIN)
    user._mra_membership = membership
    return membership


def role_of(user: Any) -> str | None:
    membership = membership_of(user)
    return membership.role if membership else None


def has_role(user: Any, *roles: str) -> bool:
    return role_of(user) in roles


def can_view_public(user: Any) -> bool:
    """Reference data and confirmed figures: every signed-in user with a role."""
    return membership_of(user) is not None


def can_view_municipality_drafts(user: Any, municipality: Municipality) -> bool:
    """Draft and submitted (not yet confirmed) figures of a municipality."""
    m = membership_of(user)
    if m is None:
        return False
    if m.role in REGION_WIDE_READERS:
        return True
    if m.role == Role.OFFICER:
        return m.municipality_id == municipality.pk
    if m.role in (Role.COORDINATOR, Role.STEERING):
        return m.subregion_id == municipality.subregion_id
    return False


def can_edit_municipality_figures(user: Any, municipality: Municipality) -> bool:
    """Enter or change a municipality's figures: its own policy officers only."""
    m = membership_of(user)
    return m is not None and m.role == Role.OFFICER and m.municipality_id == municipality.pk


def can_confirm_municipality_figures(
    user: Any, municipality: Municipality, submitted_by_id: int | None
) -> bool:
    """Four eyes: another officer of the same municipality, or the programme team."""
    m = membership_of(user)
    if m is None:
        return False
    if m.role == Role.PROGRAMME:
        return True
    return (
        m.role == Role.OFFICER
        and m.municipality_id == municipality.pk
        and submitted_by_id is not None
        and submitted_by_id != user.pk
    )


def can_view_subregion_details(user: Any, subregion: SubRegion) -> bool:
    """Unconfirmed figures and working documents of a whole sub-region."""
    m = membership_of(user)
    if m is None:
        return False
    if m.role in REGION_WIDE_READERS:
        return True
    if m.role in (Role.COORDINATOR, Role.STEERING):
        return m.subregion_id == subregion.pk
    return False


def can_manage_rounds(user: Any) -> bool:
    """Create and edit rounds and scenarios, start computations: the programme team."""
    return has_role(user, Role.PROGRAMME)


def can_view_all_municipalities_drafts(user: Any) -> bool:
    return has_role(user, *REGION_WIDE_READERS)


def require(allowed: bool) -> None:
    """Raise PermissionDenied (403) unless allowed; views call this after loading an object."""
    if not allowed:
        raise PermissionDenied
