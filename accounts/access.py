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


def can_comment_on_round(user: Any, round_: Any = None) -> bool:
    """Write in a round's general thread: every role except municipal officers; of the
    partners a corporation and a care provider, in a round they may read (issue 15; a
    province reads, it does not write). Whether the round is frozen is the caller's check."""
    m = membership_of(user)
    if m is None or m.role == Role.OFFICER:
        return False
    if m.role in PARTNER_ROLES:
        return m.role in PARTNER_WRITERS and round_ is not None and can_view_round(user, round_)
    return True


def can_comment_on_municipality(user: Any, municipality: Municipality, round_: Any = None) -> bool:
    """Write in a municipality's thread of a round: officers only on their own; a
    corporation or care provider on the municipalities of its working area, in a round it
    may read."""
    m = membership_of(user)
    if m is None:
        return False
    if m.role in PARTNER_ROLES:
        return (
            m.role in PARTNER_WRITERS
            and round_ is not None
            and can_view_municipality_thread(user, round_, municipality)
        )
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
    """The monitoring pages: every role, each seeing only its own part (below). Monitoring
    covers adopted rounds only, so the partners (issue 15) see it too, for their working
    area."""
    m = membership_of(user)
    if m is None:
        return False
    return m.role not in PARTNER_ROLES or bool(partner_municipality_ids(user))


def can_view_monitoring_of(user: Any, municipality: Municipality) -> bool:
    """Realised numbers of a municipality: its officers, its sub-region's coordinators and
    steering members, the region-wide roles (programme team, chair, admin), and the partners
    whose working area has it (confirmed numbers only: `monitoring_confirmed_only`)."""
    return can_view_municipality_drafts(user, municipality) or is_in_partner_area(
        user, municipality
    )


def monitoring_confirmed_only(user: Any) -> bool:
    """Partners read realised numbers once confirmed, never drafts or submitted ones."""
    return has_role(user, *PARTNER_ROLES)


def can_view_monitoring_subregion_total(user: Any, subregion: SubRegion) -> bool:
    """A sub-region's total: who sees its details, and a care provider of that sub-region
    (its working area is the whole sub-region)."""
    if has_role(user, Role.CARE_PROVIDER):
        return subregion.pk in partner_subregion_ids(user)
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


# --- Partners reading results, agreements and threads (issue 15) --------------------------------
# What a partner expects to follow, and no more: a corporation and a care provider follow a
# round from the review on (the proposal the sub-regions decide on, then the agreement); a
# province sees adopted material only. No partner sees a round in draft, collecting or
# computing, nor the alternative scenarios of a round: only the proposed or the agreed
# computation, and per municipality only those of its working area. Everything is read-only
# except the threads, where a corporation and a care provider write.

PARTNER_WRITERS = frozenset({Role.CORPORATION, Role.CARE_PROVIDER})
"""Partners who write in the threads (a province reads, it does not write)."""

_FOLLOWED = frozenset({"in_review", "agreed", "superseded"})  # allocation.RoundStatus values
_ADOPTED = frozenset({"agreed", "superseded"})
PARTNER_ROUND_STATUSES: dict[str, frozenset[str]] = {
    Role.CORPORATION: _FOLLOWED,
    Role.CARE_PROVIDER: _FOLLOWED,
    Role.PROVINCE: _ADOPTED,
}


def partner_round_statuses(user: Any) -> frozenset[str] | None:
    """The round statuses a partner may read (empty without a working area); None for every
    other role, who read every round (`can_view_rounds`)."""
    m = membership_of(user)
    if m is None or m.role not in PARTNER_ROLES:
        return None
    if not partner_municipality_ids(user):
        return frozenset()
    return PARTNER_ROUND_STATUSES[m.role]


def can_view_some_rounds(user: Any) -> bool:
    """Whether any round page may open at all: every role of the municipalities and the
    region, and a partner with a working area (each round is then checked with
    `can_view_round` and its siblings)."""
    statuses = partner_round_statuses(user)
    return can_view_rounds(user) if statuses is None else bool(statuses)


def can_view_round(user: Any, round_: Any) -> bool:
    """The read-only pages of one round that a partner may see too: its review page with the
    round's thread (partners: see `partner_round_statuses`)."""
    statuses = partner_round_statuses(user)
    if statuses is None:
        return can_view_rounds(user)
    return str(round_.status) in statuses


def can_view_results_of(
    user: Any, round_: Any, municipality: Municipality, *, published: bool
) -> bool:
    """The fair share of one municipality in a computation (its dashboard page). Partners:
    a municipality of the working area, in a round they may read, and only the published
    computation (`published`: the current proposal of a round in review, the agreed one of
    an adopted round), never an alternative scenario."""
    if partner_round_statuses(user) is None:
        return can_view_rounds(user)
    return published and can_view_round(user, round_) and is_in_partner_area(user, municipality)


def can_view_municipality_thread(user: Any, round_: Any, municipality: Municipality) -> bool:
    """A municipality's thread of a round: every role of the municipalities and the region;
    a partner for the municipalities of its working area in a round it may read."""
    if partner_round_statuses(user) is None:
        return can_view_rounds(user)
    return can_view_round(user, round_) and is_in_partner_area(user, municipality)


def can_view_subregion_summary(user: Any, round_: Any, subregion: SubRegion) -> bool:
    """The decision summary of a sub-region in a round: every role of the municipalities and
    the region; a partner for a sub-region of its working area (the agreement it co-signs
    or reads is per sub-region) in a round it may read."""
    if partner_round_statuses(user) is None:
        return can_view_rounds(user)
    return can_view_round(user, round_) and subregion.pk in partner_subregion_ids(user)
