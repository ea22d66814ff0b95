"""Writes for the partners (issue 15)."""

from __future__ import annotations

import logging
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
from municipalities.models import SubRegion

from .models import ROLE_OF_KIND, Acknowledgement, OrganisationKind, PartnerOrganisation

log = logging.getLogger(__name__)

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
    working area: an acknowledgement bound to the approved digest, with who and when.
    Idempotent for the same digest."""
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
