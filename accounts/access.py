"""Who may see or change what. The one place for object-level access decisions.

Every view and API endpoint asks these functions; they never query more than the user's
membership (cached on the user object by `membership_of`). Staff superusers count as
system administrators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

from .models import PARTNER_ROLES, Membership, Role

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
    """Reference data and confirmed figures: every signed-in user with a role, except a
    province, which sees only adopted material of its municipalities (issue 15)."""
    m = membership_of(user)
    return m is not None and m.role != Role.PROVINCE


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


def can_view_rounds(user: Any) -> bool:
    """Rounds, scenarios and computation results: every signed-in user with a role of the
    municipalities and the region; not the partners (issue 15: default deny)."""
    m = membership_of(user)
    return m is not None and m.role not in PARTNER_ROLES


# --- Figures entry (issue 4) ------------------------------------------------------------------


def can_confirm_figures(
    user: Any, municipality: Municipality, *, submitted_by_id: int | None, updated_by_id: int | None
) -> bool:
    """Four eyes for one figure: who may confirm it (see can_confirm_municipality_figures)
    and did not enter its value either."""
    return (
        can_confirm_municipality_figures(user, municipality, submitted_by_id)
        and updated_by_id != user.pk
    )


def can_import_figures(user: Any, municipality: Municipality) -> bool:
    """Upload figures: a municipality's own officers, and the programme team for all
    municipalities (loading figures at the start of a round). Uploads land as draft."""
    return can_edit_municipality_figures(user, municipality) or has_role(user, Role.PROGRAMME)


def can_import_any_figures(user: Any) -> bool:
    """Open the upload page: officers (for their municipality) and the programme team."""
    return has_role(user, Role.OFFICER, Role.PROGRAMME)


def can_download_all_figures(user: Any) -> bool:
    """The template with the figures of all municipalities (drafts included)."""
    return has_role(user, *REGION_WIDE_READERS)


def can_unlock_figures(user: Any) -> bool:
    """Open locked, confirmed figures during a computing or in-review round: programme team."""
    return has_role(user, Role.PROGRAMME)


def can_view_completeness(user: Any) -> bool:
    """The completeness overview: region-wide roles see all, sub-region roles their own."""
    return has_role(user, *REGION_WIDE_READERS, Role.COORDINATOR, Role.STEERING)


def can_send_reminders(user: Any) -> bool:
    return has_role(user, Role.PROGRAMME)


# --- Review and agreement (issue 5) -----------------------------------------------------------


def can_move_round(user: Any) -> bool:
    """Move a round between draft, collecting, computing and in review; propose a
    computation for review; start a correction: the programme team."""
    return has_role(user, Role.PROGRAMME)


def can_adopt_round(user: Any) -> bool:
    """Adopt (vaststellen) a round once every sub-region approved: the chair."""
    return has_role(user, Role.CHAIR)


def can_decide_for_subregion(user: Any, subregion: SubRegion) -> bool:
    """Approve or object on behalf of a sub-region: its steering group member."""
    m = membership_of(user)
    return m is not None and m.role == Role.STEERING and m.subregion_id == subregion.pk


def decision_subregion_id(user: Any) -> int | None:
    """The sub-region a user decides for in the review, or None."""
    m = membership_of(user)
    if m is None or m.role != Role.STEERING:
        return None
    return m.subregion_id


def can_comment_on_round(user: Any) -> bool:
    """Write in a round's general thread: every role except municipal officers and the
    partners (who do not see the rounds)."""
    m = membership_of(user)
    return m is not None and m.role != Role.OFFICER and m.role not in PARTNER_ROLES


def can_comment_on_municipality(user: Any, municipality: Municipality) -> bool:
    """Write in a municipality's thread of a round: officers only on their own."""
    m = membership_of(user)
    if m is None or m.role in PARTNER_ROLES:
        return False
    if m.role == Role.OFFICER:
        return m.municipality_id == municipality.pk
    return True


def can_enter_transfer(user: Any, municipality: Municipality) -> bool:
    """Propose or answer a transfer for a municipality: its officers, or the programme team."""
    return can_edit_municipality_figures(user, municipality) or has_role(user, Role.PROGRAMME)


def transfer_municipality_id(user: Any) -> int | None:
    """The municipality an officer enters transfers for, or None."""
    m = membership_of(user)
    if m is None or m.role != Role.OFFICER:
        return None
    return m.municipality_id


# --- Monitoring of realisation (issue 6) ------------------------------------------------------


def can_view_monitoring(user: Any) -> bool:
    """The monitoring pages: every role of the municipalities and the region, each seeing
    only its own part (below); a province has its own page (partners)."""
    m = membership_of(user)
    return m is not None and m.role not in PARTNER_ROLES


def can_view_monitoring_of(user: Any, municipality: Municipality) -> bool:
    """Realised numbers of a municipality: its officers, its sub-region's coordinators and
    steering members, and the region-wide roles (programme team, chair, admin)."""
    return can_view_municipality_drafts(user, municipality)


def can_view_monitoring_subregion_total(user: Any, subregion: SubRegion) -> bool:
    return can_view_subregion_details(user, subregion)


def can_view_monitoring_region_total(user: Any) -> bool:
    return has_role(user, *REGION_WIDE_READERS)


def can_enter_realisations(user: Any, municipality: Municipality) -> bool:
    """Enter, import and submit realised numbers: the municipality's own officers."""
    return can_edit_municipality_figures(user, municipality)


def can_confirm_realisations(
    user: Any, municipality: Municipality, *, submitted_by_id: int | None, updated_by_id: int | None
) -> bool:
    """Four eyes, as for figures: not who submitted or last changed the numbers."""
    return can_confirm_figures(
        user, municipality, submitted_by_id=submitted_by_id, updated_by_id=updated_by_id
    )


def can_import_realisations(user: Any) -> bool:
    return has_role(user, Role.OFFICER)


def can_start_next_round(user: Any) -> bool:
    """Create the next round from the monitoring page: the programme team."""
    return can_manage_rounds(user)


# --- PDF agreements and exports (issue 6) -----------------------------------------------------


def can_download_agreement(user: Any, subregion: SubRegion | None) -> bool:
    """A PDF agreement of an adopted round. A sub-region's: its coordinator and steering
    member, officers of its municipalities, and the region-wide roles (chair, programme team,
    administrator). The MRA-wide one: the region-wide roles and every steering member."""
    m = membership_of(user)
    if m is None:
        return False
    if m.role in REGION_WIDE_READERS:
        return True
    if m.role in PARTNER_ROLES:
        # The agreement of a sub-region with a municipality in the partner's working area.
        return subregion is not None and subregion.pk in partner_subregion_ids(user)
    if subregion is None:
        return m.role == Role.STEERING
    if m.role in (Role.COORDINATOR, Role.STEERING):
        return m.subregion_id == subregion.pk
    if m.role == Role.OFFICER and m.municipality is not None:
        return bool(m.municipality.subregion_id == subregion.pk)
    return False


def can_retry_agreements(user: Any) -> bool:
    """Make a round's PDF agreements again when they failed or got stuck ("Opnieuw
    proberen"): the programme team and the chair, who adopted the round."""
    return has_role(user, Role.PROGRAMME, Role.CHAIR)


def can_export_results(user: Any) -> bool:
    """Excel and CSV exports of a computation or an adopted round: whoever may see results
    (every signed-in user with a role, as on the results pages)."""
    return can_view_rounds(user)


# --- The fall-back rule (issue 10) --------------------------------------------------------------


def can_view_fallback(user: Any) -> bool:
    """The fall-back page (which municipalities would fall under the 15% rule on a date):
    the programme team and the steering group (chair and members), and administrators.
    Not municipal officers nor sub-region coordinators."""
    return has_role(user, Role.PROGRAMME, Role.CHAIR, Role.STEERING, Role.ADMIN)


# --- Sign-in (issue 12) -------------------------------------------------------------------------

TWO_FACTOR_ROLES = frozenset({Role.CHAIR, Role.PROGRAMME, Role.ADMIN})
"""Roles that adopt agreements, run the model or manage accounts sign in with a second step."""


def must_use_two_factor(user: Any) -> bool:
    """The chair, the programme team, administrators, and anyone with access to the admin.

    Whether the rule is in force (it is, except for the demo accounts of `make run`) is
    decided in `accounts.twofactor`.
    """
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or role_of(user) in TWO_FACTOR_ROLES)


# --- Partners (issue 15) ------------------------------------------------------------------------
# A corporation, care provider or province sees and enters only its organisation's working
# area. The organisation is reached through the membership relation (partners sits above
# accounts), and its area is read once per request and cached on the membership.


def partner_municipality_ids(user: Any) -> frozenset[int]:
    """The municipalities of the working area of the user's partner organisation; empty for
    every other role."""
    m = membership_of(user)
    if m is None or m.role not in PARTNER_ROLES or m.organisation_id is None:
        return frozenset()
    cached: frozenset[int] | None = getattr(m, "_mra_area", None)
    if cached is None:
        organisation: Any = m.organisation
        cached = frozenset() if not organisation.active else organisation.area_municipality_ids()
        m._mra_area = cached  # type: ignore[attr-defined]
    return cached


def partner_subregion_ids(user: Any) -> frozenset[int]:
    """The sub-regions with at least one municipality of the partner's working area."""
    ids = partner_municipality_ids(user)
    if not ids:
        return frozenset()
    municipalities: Any = Membership._meta.get_field("municipality").related_model._default_manager
    return frozenset(municipalities.filter(pk__in=ids).values_list("subregion_id", flat=True))


def is_in_partner_area(user: Any, municipality: Municipality) -> bool:
    return municipality.pk in partner_municipality_ids(user)


def can_view_province_page(user: Any) -> bool:
    """The supervision page of the status-holder task: a province (its municipalities,
    adopted rounds only), and the programme team and chair (every province)."""
    return has_role(user, Role.PROVINCE, Role.PROGRAMME, Role.CHAIR)


def province_of(user: Any) -> str | None:
    """The province code (NH, FL) a province user supervises, or None."""
    m = membership_of(user)
    if m is None or m.role != Role.PROVINCE or m.organisation_id is None:
        return None
    organisation: Any = m.organisation
    return str(organisation.province) if organisation.active else None


def can_enter_partner_figures(user: Any, municipality: Municipality) -> bool:
    """Enter and submit a corporation's figures (social rental stock, yearly mutations)
    for a municipality of its working area."""
    return has_role(user, Role.CORPORATION) and is_in_partner_area(user, municipality)


def can_manage_partners(user: Any) -> bool:
    """Partner organisations, their working areas and people: the programme team."""
    return has_role(user, Role.PROGRAMME)


def can_cosign_agreement(user: Any, subregion: SubRegion) -> bool:
    """Co-sign the adopted agreement of a sub-region of the working area: a corporation or a
    care provider (a province observes, it does not sign)."""
    return has_role(user, Role.CORPORATION, Role.CARE_PROVIDER) and (
        subregion.pk in partner_subregion_ids(user)
    )
