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
