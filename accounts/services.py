"""Writes to accounts and roles."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership, Role

if TYPE_CHECKING:
    from municipalities.models import Municipality, SubRegion


security_log = logging.getLogger("accounts.security")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    municipality_code: str | None = None
    subregion_slug: str | None = None
    organisation_slug: str | None = None


@dataclass(frozen=True)
class DemoOrganisation:
    """A partner organisation of the demo (issue 15), clearly marked as demo."""

    slug: str
    name: str
    kind: str  # partners.OrganisationKind value
    municipality_codes: tuple[str, ...] = ()
    subregion_slug: str | None = None
    province: str = ""


DEMO_ORGANISATIONS: list[DemoOrganisation] = [
    DemoOrganisation(
        "woonstichting-kennemerland",
        "Woonstichting Kennemerland (demo)",
        "corporatie",
        municipality_codes=("GM0392", "GM0473"),  # Haarlem and Zandvoort
    ),
    DemoOrganisation(
        "zorg-zuid-kennemerland",
        "Zorggroep Zuid-Kennemerland (demo)",
        "zorgaanbieder",
        subregion_slug="zuid-kennemerland",
    ),
    DemoOrganisation(
        "provincie-noord-holland", "Provincie Noord-Holland", "provincie", province="NH"
    ),
    DemoOrganisation("provincie-flevoland", "Provincie Flevoland", "provincie", province="FL"),
]


SUBREGION_SLUGS = [
    "amsterdam",
    "amstelland-meerlanden",
    "almere-lelystad",
    "gooi-en-vechtstreek",
    "ijmond",
    "zaanstreek-waterland",
    "zuid-kennemerland",
]

DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount("beleid.haarlem", "Fatima el Amrani", Role.OFFICER, municipality_code="GM0392"),
    DemoAccount("beleid2.haarlem", "Joost de Vries", Role.OFFICER, municipality_code="GM0392"),
    DemoAccount("beleid.amsterdam", "Sanne Bakker", Role.OFFICER, municipality_code="GM0363"),
    DemoAccount(
        "coordinator.zuid-kennemerland",
        "Pieter Jansen",
        Role.COORDINATOR,
        subregion_slug="zuid-kennemerland",
    ),
    *[
        DemoAccount(f"stuurgroep.{slug}", f"Wethouder {slug}", Role.STEERING, subregion_slug=slug)
        for slug in SUBREGION_SLUGS
    ],
    DemoAccount("voorzitter", "Voorzitter stuurgroep (Almere)", Role.CHAIR),
    DemoAccount("programma", "Programmateam MRA", Role.PROGRAMME),
    DemoAccount("beheer", "Functioneel beheer", Role.ADMIN),
    # Partners (issue 15).
    DemoAccount(
        "corporatie.kennemerland",
        "Ingrid Visser (Woonstichting Kennemerland)",
        Role.CORPORATION,
        organisation_slug="woonstichting-kennemerland",
    ),
    DemoAccount(
        "zorg.zuid-kennemerland",
        "Ahmed Yilmaz (Zorggroep Zuid-Kennemerland)",
        Role.CARE_PROVIDER,
        organisation_slug="zorg-zuid-kennemerland",
    ),
    DemoAccount(
        "provincie.noord-holland",
        "Provincie Noord-Holland (toezicht)",
        Role.PROVINCE,
        organisation_slug="provincie-noord-holland",
    ),
    DemoAccount(
        "provincie.flevoland",
        "Provincie Flevoland (toezicht)",
        Role.PROVINCE,
        organisation_slug="provincie-flevoland",
    ),
]

# The programme team maintains reference data (target groups, indicators) in the admin.
PROGRAMME_ADMIN_PERMISSIONS = [
    ("target_groups", "change_targetgroup"),
    ("target_groups", "add_targetgroup"),
    ("target_groups", "view_targetgroup"),
    ("municipalities", "view_municipality"),
    ("municipalities", "view_subregion"),
    ("municipalities", "add_indicator"),
    ("municipalities", "change_indicator"),
    ("municipalities", "view_indicator"),
]


def membership_assign(
    *,
    user: User,
    role: str,
    municipality: Municipality | None = None,
    subregion: SubRegion | None = None,
    organisation: Any = None,
) -> Membership:
    """Give a user their (single) role; replaces an earlier one. People of a partner
    organisation (issue 15) get the role that fits its kind."""
    if organisation is not None and PARTNER_ROLE_OF_KIND.get(organisation.kind) != role:
        raise ValidationError({"role": gettext("The role does not fit the kind of organisation.")})
    with transaction.atomic():
        membership, _created = Membership.objects.get_or_create(
            user=user,
            defaults={
                "role": role,
                "municipality": municipality,
                "subregion": subregion,
                "organisation": organisation,
            },
        )
        membership.role = role
        membership.municipality = municipality
        membership.subregion = subregion
        membership.organisation = organisation
        membership.full_clean()
        membership.save()
    return membership


def demo_accounts_ensure(*, password: str) -> list[User]:
    """Create or refresh the demo accounts, all with the given password."""
    user_model = get_user_model()
    # Through the relations, so that accounts needs no import of the apps above it.
    municipalities: Any = Membership._meta.get_field("municipality").related_model._default_manager
    subregions: Any = Membership._meta.get_field("subregion").related_model._default_manager
    users = []
    # One hash for all demo accounts: PBKDF2 costs about a quarter of a second per call, and
    # `make run` refreshes the accounts every time it starts. They share a known password
    # anyway, so a shared salt gives nothing away.
    encoded = make_password(password)
    with transaction.atomic():
        organisations = demo_organisations_ensure()
        for account in DEMO_ACCOUNTS:
            user, _ = user_model.objects.get_or_create(username=account.username)
            first, _, last = account.full_name.partition(" ")
            user.first_name, user.last_name = first, last
            user.email = f"{account.username}@mra.example"
            user.is_active = True
            user.is_staff = account.role in (Role.ADMIN, Role.PROGRAMME)
            user.is_superuser = account.role == Role.ADMIN
            user.password = encoded
            user.save()
            if account.role == Role.PROGRAMME:
                user.user_permissions.set(
                    Permission.objects.filter(
                        content_type__app_label__in={a for a, _ in PROGRAMME_ADMIN_PERMISSIONS},
                        codename__in={c for _, c in PROGRAMME_ADMIN_PERMISSIONS},
                    )
                )
            membership_assign(
                user=user,
                role=account.role,
                municipality=(
                    municipalities.get(cbs_code=account.municipality_code)
                    if account.municipality_code
                    else None
                ),
                subregion=(
                    subregions.get(slug=account.subregion_slug) if account.subregion_slug else None
                ),
                organisation=(
                    organisations[account.organisation_slug] if account.organisation_slug else None
                ),
            )
            users.append(user)
    return users


PARTNER_ROLE_OF_KIND = {
    "corporatie": Role.CORPORATION,
    "zorgaanbieder": Role.CARE_PROVIDER,
    "provincie": Role.PROVINCE,
}


def demo_organisations_ensure() -> dict[str, Any]:
    """The demo's partner organisations with their working areas, per slug (made once).
    Through the membership relation, so accounts needs no import of partners above it."""
    organisation_model: Any = Membership._meta.get_field("organisation").related_model
    municipality_model: Any = Membership._meta.get_field("municipality").related_model
    subregion_model: Any = Membership._meta.get_field("subregion").related_model
    out: dict[str, Any] = {}
    with transaction.atomic():
        for demo in DEMO_ORGANISATIONS:
            organisation = organisation_model._default_manager.filter(slug=demo.slug).first()
            if organisation is None:
                organisation = organisation_model(
                    slug=demo.slug,
                    name=demo.name,
                    kind=demo.kind,
                    province=demo.province,
                    subregion=(
                        subregion_model._default_manager.get(slug=demo.subregion_slug)
                        if demo.subregion_slug
                        else None
                    ),
                )
                organisation.full_clean()
                organisation.save()
                organisation.municipalities.set(
                    municipality_model._default_manager.filter(cbs_code__in=demo.municipality_codes)
                )
            out[demo.slug] = organisation
    return out


# --- Two-step sign-in (issue 12) ----------------------------------------------------------------

TOTP_DEVICE_NAME = "authenticator app"


def totp_device_prepare(*, user: User) -> TOTPDevice:
    """The user's not yet confirmed authenticator-app device, made on the first call.

    The same device (and so the same QR code) comes back until it is confirmed, so that a
    reload of the set-up page does not invalidate the code the user just scanned.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
            device.full_clean()
            device.save()
    return device


def totp_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm the device with a first code from the app; False (and logged) if it is wrong."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if locked.confirmed or not locked.verify_token(token):
            security_log.warning(
                "two-step set-up: wrong code for user %s", locked.user.get_username()
            )
            return False
        locked.confirmed = True
        locked.full_clean()
        locked.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user_id=locked.user_id, confirmed=False).delete()
    security_log.info("two-step set-up: user %s confirmed an authenticator app", locked.user)
    device.refresh_from_db()
    return True


def second_step_verify(*, user: User, token: str) -> Any:
    """The confirmed device (authenticator app or emergency codes) that accepts the code.

    None for a wrong code; every wrong code is logged and counts towards django-otp's
    throttling of the device (each failure doubles the wait before the next try).
    """
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                security_log.info("two-step sign-in: user %s verified", user.get_username())
                return device
    security_log.warning("two-step sign-in: wrong code for user %s", user.get_username())
    return None


def second_step_throttled(*, user: User) -> bool:
    """Too many wrong codes lately: every device of the user asks to wait."""
    devices = list(devices_for_user(user, confirmed=True))
    return bool(devices) and all(not device.verify_is_allowed()[0] for device in devices)
