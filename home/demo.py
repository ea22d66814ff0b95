"""The demo's completed earlier round (issue 11): every stage of a round at once.

*Afspraken 2024–2025* goes the whole way through the services, as people would: computed
(scenario *Standaard*, each group its own mode), in review, an objection of
Zuid-Kennemerland, an accepted transfer Haarlem → Amsterdam (art. 29(2)), all sub-regions
approve, the chair adopts, the PDF agreements are made (in this process when there is no
Redis), and Haarlem and Amsterdam report and confirm one quarter of monitoring. Illustrative
partners (corporations, care providers) join every sub-region's agreement.

Idempotent: a second run finds every step done and changes nothing. All figures are the
illustrative demo figures: never a real agreement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from agreements import selectors as agreement_selectors
from agreements import services as agreement_services
from agreements.models import PartnerKind, PartnerRole, ProposalStatus, TransferStatus
from allocation import services as allocation_services
from allocation.models import Round, RoundStatus, RunStatus, Scenario, ScenarioRun
from monitoring import services as monitoring_services
from monitoring.models import Realisation
from municipalities.models import Municipality, SubRegion
from partners import services as partner_services
from reports import services as report_services
from reports.models import AgreementDocument, DocumentStatus
from target_groups.models import TargetGroup

EARLIER_ROUND_NAME = "Afspraken 2024–2025"
EARLIER_SCENARIO = "Standaard"
TRANSFER_GROUP = "homeless"
TRANSFER_AMOUNT = 5
# Illustrative national half-year totals of status holders (estimates, marked as such).
EARLIER_NATIONAL_TOTALS = {"2024-H1": 13500, "2024-H2": 14000, "2025-H1": 13000, "2025-H2": 13000}
OBJECTION = (
    "Zuid-Kennemerland wil eerst de overdracht tussen Haarlem en Amsterdam geregeld hebben "
    "voordat wij instemmen."
)
MONITORED = (("GM0392", "beleid.haarlem", "beleid2.haarlem"), ("GM0363", "beleid.amsterdam", None))


@dataclass(frozen=True)
class EarlierRound:
    round: Round
    transfers: int
    documents_ready: int
    documents: int
    realisations: int


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def partners_ensure() -> int:
    """Illustrative partners per sub-region: corporations and care providers co-sign."""
    made = 0
    for subregion in SubRegion.objects.order_by("name"):
        for name, kind, representative in (
            (
                f"Woningcorporaties in {subregion.name} (illustratief)",
                PartnerKind.CORPORATION,
                "de voorzitter van het corporatieoverleg",
            ),
            (
                f"Zorgaanbieders in {subregion.name} (illustratief)",
                PartnerKind.CARE_PROVIDER,
                "de voorzitter van het regionale zorgoverleg",
            ),
        ):
            _partner, created = agreement_services.agreement_partner_ensure(
                subregion=subregion,
                name=name,
                kind=kind,
                role=PartnerRole.CO_SIGNER,
                representative=representative,
            )
            made += int(created)
    # The partner organisations with people in the app (issue 15) are parties too: the
    # agreement lists the same records (partners.PartnerOrganisation.agreement_parties).
    partner_services.organisations_link_all()
    return made


def _create_round(programme: Any) -> Round:
    round_ = allocation_services.round_create(
        name=EARLIER_ROUND_NAME,
        period_start=date(2024, 1, 1),
        period_end=date(2025, 12, 31),
        reference_year=2024,
        user=programme,
    )
    rows = allocation_services.round_half_years_ensure(round_=round_, user=programme)
    allocation_services.round_settings_update(
        round_=round_,
        fallback_pct=round_.fallback_pct,
        statutory_urgent_groups=list(round_.statutory_urgent_groups.values_list("code", flat=True)),
        half_years=[
            allocation_services.HalfYearInput(
                label=h.label,
                national_total=EARLIER_NATIONAL_TOTALS.get(h.label, 13000),
                national_population=h.national_population,
                estimate=True,
            )
            for h in rows
        ],
        user=programme,
    )
    allocation_services.scenario_create(
        round_=round_,
        name=EARLIER_SCENARIO,
        description=(
            "Iedere groep op haar eigen manier (maatwerk): statushouders volgens de wettelijke "
            "taakstelling, studenten en woonwagenbewoners waar de vraag ontstaat, de andere "
            "groepen met hun eigen sleutel."
        ),
        options=allocation_services.ScenarioOptions(sensitivity_draws=200),
        user=programme,
    )
    return round_


def _compute(round_: Round, programme: Any) -> ScenarioRun:
    scenario = Scenario.objects.get(round=round_, name=EARLIER_SCENARIO)
    done = (
        ScenarioRun.objects.filter(scenario=scenario, status=RunStatus.SUCCEEDED)
        .order_by("-pk")
        .first()
    )
    if done is not None:
        return done
    run = allocation_services.run_enqueue(scenario=scenario, user=programme)
    # Computed here, whether a worker also receives it or not (a second delivery does nothing).
    allocation_services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    if run.status != RunStatus.SUCCEEDED:
        raise ValidationError(f"the demo computation failed: {run.error_message}")
    return run


def _to(round_: Round, status: str, programme: Any) -> Round:
    return agreement_services.round_transition(round_=round_, to_status=status, user=programme)


def _review_and_adopt(round_: Round, run: ScenarioRun, programme: Any) -> None:
    proposal = agreement_selectors.current_proposal(round_)
    if proposal is None:
        proposal = agreement_services.proposal_create(round_=round_, run=run, user=programme)
    zuid_kennemerland = SubRegion.objects.get(slug="zuid-kennemerland")
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    amsterdam = Municipality.objects.get(cbs_code="GM0363")
    group = TargetGroup.objects.get(code=TRANSFER_GROUP)
    transfers = round_.transfers.filter(proposal=proposal)
    if not transfers.exists():
        agreement_services.approval_decide(
            proposal=proposal,
            subregion=zuid_kennemerland,
            user=_user("stuurgroep.zuid-kennemerland"),
            decision="object",
            reason=OBJECTION,
        )
        transfer = agreement_services.transfer_propose(
            round_=round_,
            group=group,
            giver=haarlem,
            taker=amsterdam,
            amount=TRANSFER_AMOUNT,
            initiator=haarlem,
            user=_user("beleid.haarlem"),
            reason="Amsterdam heeft plekken in de maatschappelijke opvang over.",
        )
        agreement_services.transfer_answer(
            transfer=transfer,
            user=_user("beleid.amsterdam"),
            accept=True,
            answer="Akkoord, wij nemen deze plekken over.",
        )
    digest = agreement_selectors.review_digest(proposal)
    for state in agreement_selectors.subregion_states(proposal, digest):
        if state.state == "approved":
            continue
        steering = _user(f"stuurgroep.{state.subregion.slug}")
        agreement_services.approval_decide(
            proposal=proposal, subregion=state.subregion, user=steering, decision="approve"
        )
    agreement_services.round_adopt(round_=round_, user=_user("voorzitter"))


def _documents(round_: Round) -> None:
    report_services.agreements_schedule(round_id=round_.pk)
    if not settings.REDIS_URL:  # no worker: make them in this process
        report_services.agreements_generate(round_id=round_.pk)


def _monitoring(round_: Round) -> int:
    """One confirmed quarter (2024 Q1) for the municipalities with demo officers."""
    agreed = agreement_selectors.agreed_result(round_)
    made = 0
    for code, officer, colleague in MONITORED:
        municipality = Municipality.objects.get(cbs_code=code)
        if Realisation.objects.filter(round=round_, municipality=municipality).exists():
            continue
        values = {}
        for group_code, group in agreed.groups.items():
            line = next(line for line in group.lines if line.code == code)
            # About an eighth of the period's number in its first quarter: a little behind.
            values[group_code] = monitoring_services.RealisationInput(
                realised=str(max(0, line.agreed // 10)),
                source="Demoregistratie (illustratief, vervang door eigen cijfers)",
                reference_date=date(2024, 3, 31),
            )
        first = _user(officer)
        second = _user(colleague) if colleague else _user("programma")
        where: dict[str, Any] = {"municipality": municipality, "year": 2024, "quarter": 1}
        monitoring_services.realisations_save_draft(
            round_=round_, values=values, user=first, **where
        )
        monitoring_services.realisations_submit(round_=round_, user=first, **where)
        monitoring_services.realisations_confirm(round_=round_, user=second, **where)
        made += len(values)
    return made


# The demo corporation's lettings (issue 15): submitted, not confirmed, so they do not count
# in monitoring; Haarlem's officer can confirm them. A quarter without demo monitoring.
DEMO_LETTINGS = {
    "GM0392": {"urgent": 6, "status_holders": 5, "homeless": 3, "institution_leavers": 2},
    "GM0473": {"urgent": 1, "status_holders": 2},
}


def corporation_lettings_ensure(round_: Round) -> int:
    """Submitted lettings of Woonstichting Kennemerland for 2024 Q2 in Haarlem and Zandvoort,
    made once. Returns the number of groups submitted now."""
    from partners.models import LettingReport
    from partners.selectors import letting_groups

    user = get_user_model().objects.filter(username="corporatie.kennemerland").first()
    if user is None or LettingReport.objects.filter(round=round_, submitted_by=user).exists():
        return 0
    groups = {g.code for g in letting_groups(round_)}
    made = 0
    for code, numbers in DEMO_LETTINGS.items():
        made += partner_services.lettings_submit(
            round_=round_,
            municipality=Municipality.objects.get(cbs_code=code),
            year=2024,
            quarter=2,
            values={
                group: partner_services.LettingInput(
                    lettings=str(number),
                    source="Verhuursysteem Woonstichting Kennemerland (illustratief)",
                    reference_date=date(2024, 6, 30),
                )
                for group, number in numbers.items()
                if group in groups
            },
            user=user,
        )
    return made


def earlier_round_ensure() -> EarlierRound:
    """The completed earlier round, made once; every later call only checks it."""
    programme = _user("programma")
    partners_ensure()
    round_ = Round.objects.filter(name=EARLIER_ROUND_NAME).first()
    if round_ is None:
        round_ = _create_round(programme)
    if round_.status == RoundStatus.DRAFT:
        round_ = _to(round_, RoundStatus.COLLECTING, programme)
    if round_.status == RoundStatus.COLLECTING:
        round_ = _to(round_, RoundStatus.COMPUTING, programme)
    if round_.status == RoundStatus.COMPUTING:
        run = _compute(round_, programme)
        round_ = _to(round_, RoundStatus.IN_REVIEW, programme)
    if round_.status == RoundStatus.IN_REVIEW:
        run = _compute(round_, programme)
        _review_and_adopt(round_, run, programme)
        round_.refresh_from_db()
    _documents(round_)
    realisations = _monitoring(round_)
    corporation_lettings_ensure(round_)
    documents = AgreementDocument.objects.filter(round=round_)
    return EarlierRound(
        round=round_,
        transfers=round_.transfers.filter(
            status=TransferStatus.ACCEPTED, proposal__status=ProposalStatus.ADOPTED
        ).count(),
        documents_ready=documents.filter(status=DocumentStatus.READY).count(),
        documents=documents.count(),
        realisations=realisations,
    )


# --- The demo care provider's figures (issue 15) -------------------------------------------------

DEMO_CARE_PROVIDER = "zorg.zuid-kennemerland"
# Per municipality of Zuid-Kennemerland (CBS code): beds in shelter (MO) and places in
# sheltered housing (BW) at locations there, and clients ready to move on from shelter and
# from sheltered housing who come from it (persons).
DEMO_CARE_FIGURES = {
    "GM0392": (120, 85, 24, 14),  # Haarlem
    "GM0397": (0, 14, 2, 4),  # Heemstede
    "GM0377": (0, 18, 1, 3),  # Bloemendaal
    "GM0473": (12, 0, 2, 1),  # Zandvoort
}


def care_figures_ensure() -> int:
    """Illustrative figures of the demo care provider for the entry year, submitted and not
    confirmed: they wait for the municipality's officer, so they count nowhere yet and no
    demo number changes (confirming them makes the clients the groups' demand). Idempotent: a municipality with care figures of that year is left
    as it is. Returns the number of municipalities entered."""
    from figures import selectors as figure_selectors
    from municipalities.models import MunicipalFigure
    from partners import care_services

    user = get_user_model().objects.filter(username=DEMO_CARE_PROVIDER).first()
    if user is None:
        return 0
    year = figure_selectors.entry_year()
    made = 0
    for code, (beds, places, from_shelter, from_housing) in DEMO_CARE_FIGURES.items():
        municipality = Municipality.objects.get(cbs_code=code)
        if MunicipalFigure.objects.filter(
            municipality=municipality, year=year, indicator__code__in=care_services.CARE_INDICATORS
        ).exists():
            continue
        care_services.care_figures_submit(
            municipality=municipality,
            year=year,
            figures=care_services.CareFigures(
                shelter_beds=Decimal(beds),
                sheltered_housing_places=Decimal(places),
                clients_ready_shelter=Decimal(from_shelter),
                clients_ready_sheltered_housing=Decimal(from_housing),
                source="Demoregistratie zorgaanbieder (illustratief, vervang door eigen cijfers)",
                reference_date=date(year, 1, 1),
                explanation="Illustratieve demogegevens.",
            ),
            user=user,
        )
        made += 1
    return made
