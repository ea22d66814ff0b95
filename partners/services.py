"""Writes for the partners (issue 15)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts import access
from accounts.services import membership_assign
from agreements import services as agreement_services
from agreements.selectors import NotAdopted, agreed_result
from allocation.models import Round, RoundStatus
from core.models import FigureStatus
from figures import validation as v
from monitoring import services as monitoring_services
from monitoring.models import Realisation
from monitoring.services import RealisationInput
from municipalities.models import Municipality, SubRegion
from reports import services as document_services

from . import selectors
from .models import (
    ROLE_OF_KIND,
    Acknowledgement,
    LettingReport,
    OrganisationKind,
    PartnerOrganisation,
)

log = logging.getLogger(__name__)

_REALISATION_RELATIONS = [
    "round",
    "municipality",
    "group",
    "updated_by",
    "submitted_by",
    "confirmed_by",
]

# A province observes the agreements; corporations and care providers co-sign them.
PARTY_ROLE_OF_KIND = {
    OrganisationKind.CORPORATION: "co-signer",
    OrganisationKind.CARE_PROVIDER: "co-signer",
    OrganisationKind.PROVINCE: "observer",
}


def organisation_link_parties(*, organisation: PartnerOrganisation) -> list[int]:
    """Make the organisation a party in the agreement of every sub-region of its working
    area (agreements.AgreementPartner, one per sub-region) and link those records to it, so
    the agreement lists the same organisation the partner's people belong to. Idempotent.
    Returns the ids of the sub-regions."""
    with transaction.atomic():
        subregion_ids = sorted(
            set(organisation.area_municipalities().values_list("subregion_id", flat=True))
        )
        parties = []
        for subregion in SubRegion.objects.filter(pk__in=subregion_ids).order_by("name"):
            party, _created = agreement_services.agreement_partner_ensure(
                subregion=subregion,
                name=organisation.name,
                kind=organisation.kind,
                role=PARTY_ROLE_OF_KIND[OrganisationKind(organisation.kind)],
            )
            parties.append(party)
        organisation.agreement_parties.add(*parties)
    return subregion_ids


def organisations_link_all() -> int:
    """Every active organisation a party in the agreements of its working area (demo data
    and after a change of working areas). Returns the number of organisations."""
    organisations = list(PartnerOrganisation.objects.filter(active=True).order_by("name"))
    for organisation in organisations:
        organisation_link_parties(organisation=organisation)
    return len(organisations)


class CosignRefused(Exception):
    """The acknowledgement cannot be given (not adopted, not a party, nothing to sign)."""


def agreement_cosign(*, round_: Round, subregion: SubRegion, user: Any) -> Acknowledgement:
    """A corporation or care provider co-signs the adopted agreement of a sub-region of its
    working area: an acknowledgement bound to the approved digest, with who and when, and a
    new edition of the agreement's PDF that lists it (reports.services.
    agreement_edition_schedule). Idempotent for the same digest."""
    if not access.can_cosign_agreement(user, subregion):
        raise PermissionDenied
    membership = access.membership_of(user)
    assert membership is not None  # noqa: S101 - can_cosign_agreement checked it
    assert membership.organisation is not None  # noqa: S101 - the database ties them
    organisation: PartnerOrganisation = membership.organisation
    if round_.status != RoundStatus.AGREED:
        raise CosignRefused(_("Only an adopted agreement that still applies can be co-signed."))
    try:
        digest = agreed_result(round_).digest
    except NotAdopted:
        raise CosignRefused(_("This round has not been adopted.")) from None
    with transaction.atomic():
        existing = Acknowledgement.objects.filter(
            round=round_, subregion=subregion, organisation=organisation, digest=digest
        ).first()
        if existing is not None:
            return existing
        acknowledgement = Acknowledgement(
            round=round_,
            subregion=subregion,
            organisation=organisation,
            digest=digest,
            acknowledged_by=user,
            acknowledged_at=timezone.now(),
        )
        acknowledgement.full_clean()
        acknowledgement.save()
        # A new edition of the PDF (sub-region and MRA) lists the acknowledgement; the
        # earlier edition stays as made. Sent to the queue once this commits.
        document_services.agreement_edition_schedule(round_id=round_.pk, subregion_id=subregion.pk)
    log.info(
        "co-signed: %s for %s, round %s, digest %s",
        user.get_username(),
        organisation.slug,
        round_.pk,
        digest[:12],
    )
    return acknowledgement


# --- Partner management by the programme team (issue 15) -----------------------------------------


def organisation_save(
    *, organisation: PartnerOrganisation, municipality_ids: list[int], user: Any
) -> PartnerOrganisation:
    """Create or change an organisation and its working area (programme team), and make it
    a party in the agreements of the sub-regions of that area."""
    if not access.can_manage_partners(user):
        raise PermissionDenied
    with transaction.atomic():
        organisation.full_clean()
        organisation.save()
        if organisation.kind == OrganisationKind.CORPORATION:
            organisation.municipalities.set(municipality_ids)
        else:
            organisation.municipalities.clear()
        organisation_link_parties(organisation=organisation)
    log.info("partner organisation %s saved by %s", organisation.slug, user.get_username())
    return organisation


def person_invite(
    *, organisation: PartnerOrganisation, full_name: str, email: str, user: Any, accept_url: Any
) -> Any:
    """Add a person to an organisation and invite them by e-mail (programme team). The new
    account has no password until the person sets one with the link in the e-mail; its role
    follows from the kind of organisation. `accept_url(uidb64, token)` builds the link."""
    if not access.can_manage_partners(user):
        raise PermissionDenied
    email = email.strip().lower()
    user_model = get_user_model()
    with transaction.atomic():
        if user_model.objects.filter(username=email).exists():
            raise ValidationError({"email": _("There is already an account for this address.")})
        person = user_model(username=email, email=email, is_active=True)
        first, _sep, last = full_name.strip().partition(" ")
        person.first_name, person.last_name = first, last
        person.set_unusable_password()
        person.full_clean()
        person.save()
        membership_assign(
            user=person,
            role=ROLE_OF_KIND[OrganisationKind(organisation.kind)],
            organisation=organisation,
        )
        link = accept_url(
            urlsafe_base64_encode(force_bytes(person.pk)),
            default_token_generator.make_token(person),
        )
        subject = _("Invitation to MRA Fair Share")
        body = _(
            "You have been added to %(organisation)s in MRA Fair Share. Choose your password "
            "with this link (it works once): %(link)s"
        ) % {"organisation": organisation.name, "link": link}
        transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    log.info("invited %s to %s (by %s)", email, organisation.slug, user.get_username())
    return person


# --- A corporation's lettings per quarter (issue 15) ------------------------------------------


class LettingsRejected(Exception):
    """Nothing was saved: the issues say what to correct (figures.validation.Issue)."""

    def __init__(self, issues: list[v.Issue]) -> None:
        super().__init__("; ".join(i.message for i in issues))
        self.issues = issues


@dataclass(frozen=True)
class LettingInput:
    """The lettings to one group as entered: raw text or a number, with source and date."""

    lettings: Any
    source: str
    reference_date: Any


def _lettings_text(reports: list[LettingReport]) -> str:
    """The part of a realised number's source that names the corporations and theirs."""
    return "; ".join(
        f"{r.organisation.name}: {r.source}"
        for r in sorted(reports, key=lambda r: r.organisation.name)
    )


def _short(text: str) -> str:
    limit = v.SOURCE_MAX_LENGTH
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lettings_submit(
    *,
    round_: Round,
    municipality: Municipality,
    year: int,
    quarter: int,
    values: Mapping[str, LettingInput],
    user: Any,
) -> int:
    """A corporation submits its lettings of one quarter in a municipality of its working
    area; returns how many groups changed.

    Each organisation keeps its own number per group (LettingReport), so two corporations
    in one municipality add up. The municipality's realised number of the group
    (monitoring.Realisation) becomes its own part (what its officer entered beyond the
    lettings) plus the sum of every corporation's lettings, submitted by this user: an
    officer of the municipality confirms it in monitoring (four eyes across the two
    organisations). Until then it does not count. Groups left out stay as they are."""
    if not access.can_enter_partner_figures(user, municipality):
        raise PermissionDenied
    membership = access.membership_of(user)
    assert membership is not None  # noqa: S101 - can_enter_partner_figures checked it
    assert membership.organisation is not None  # noqa: S101 - the database ties them
    organisation: PartnerOrganisation = membership.organisation
    # The same checks as a municipality's realised numbers, on the groups corporations let to.
    checked_values, issues = monitoring_services.quarter_values_check(
        round_=round_,
        year=year,
        quarter=quarter,
        values={
            code: RealisationInput(
                realised=e.lettings, source=e.source, reference_date=e.reference_date
            )
            for code, e in values.items()
        },
        groups=selectors.letting_groups(round_),
    )
    checked = [(c.group, c.realised, c.source, c.reference_date) for c in checked_values]
    if issues:
        raise LettingsRejected(issues)
    now = timezone.now()
    changed = 0
    where: dict[str, Any] = {
        "round": round_,
        "municipality": municipality,
        "year": year,
        "quarter": quarter,
    }
    with transaction.atomic():
        realisations = {
            r.group_id: r for r in Realisation.objects.select_for_update().filter(**where)
        }
        reports: dict[int, list[LettingReport]] = {}
        for r in (
            LettingReport.objects.select_for_update()
            .filter(**where)
            .select_related("organisation")
            .order_by("pk")
        ):
            reports.setdefault(r.group_id, []).append(r)
        for group, number, source, reference_date in checked:
            before = reports.get(group.pk, [])
            own = next((r for r in before if r.organisation_id == organisation.pk), None)
            if own is not None and (own.lettings, own.source, own.reference_date) == (
                number,
                source,
                reference_date,
            ):
                continue
            if own is None:
                own = LettingReport(organisation=organisation, group=group, **where)
            old_sum = sum(r.lettings for r in before)
            old_text = _lettings_text(before)
            own.lettings = number
            own.source = source
            own.reference_date = reference_date
            own.submitted_by = user
            own.submitted_at = now
            own.full_clean(exclude=["organisation", "round", "municipality", "group"])
            own._history_user = user  # type: ignore[attr-defined]
            own._change_reason = "lettings"  # type: ignore[attr-defined]
            own.save()
            after = [r for r in before if r.pk != own.pk] + [own]
            realisation = realisations.get(group.pk)
            if realisation is None:
                realisation = Realisation(group=group, version=0, realised=0, **where)
                own_part, own_source = 0, ""
            else:
                own_part = max(0, realisation.realised - old_sum)
                own_source = realisation.source.removesuffix(old_text).removesuffix("; ")
            text = _lettings_text(after)
            realisation.realised = own_part + sum(r.lettings for r in after)
            realisation.source = _short(f"{own_source}; {text}" if own_part else text)
            dates = [r.reference_date for r in after]
            if own_part and realisation.reference_date:
                dates.append(realisation.reference_date)
            realisation.reference_date = max(dates)
            realisation.status = FigureStatus.SUBMITTED
            realisation.illustrative = False
            realisation.updated_by = user
            realisation.submitted_by = user
            realisation.confirmed_by = None
            realisation.confirmed_at = None
            realisation.version += 1
            realisation.full_clean(exclude=_REALISATION_RELATIONS)
            realisation._history_user = user  # type: ignore[attr-defined]
            realisation._change_reason = (  # type: ignore[attr-defined]
                f"lettings of {organisation.slug}"
            )
            realisation.save()
            changed += 1
    log.info(
        "lettings: %s of %s submitted %s groups for %s %s-Q%s",
        user.get_username(),
        organisation.slug,
        changed,
        municipality.cbs_code,
        year,
        quarter,
    )
    return changed
