"""Reads of the review and agreement: proposal, decisions, digests, threads and transfers.

The review digest binds an approval: the SHA-256 (allocation.digest) of the canonical JSON
``{"run": <digest of the computation>, "transfers": [<accepted transfers>]}``. The
computation's own digest covers its inputs, settings and results; the accepted transfers
come on top, so accepting a transfer changes what the sub-regions approve.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import translation

from accounts.models import Role
from allocation import selectors
from allocation.digest import canonical_json, run_digest, sha256_hex
from allocation.models import Round, RoundStatus, RunStatus, ScenarioRun
from municipalities.models import Municipality, SubRegion
from target_groups.models import TargetGroup

from .models import (
    AgreementPartner,
    Approval,
    ApprovalState,
    Comment,
    Decision,
    Proposal,
    ProposalStatus,
    RoundCorrection,
    RoundTransition,
    StandingText,
    StandingTextKind,
    Transfer,
    TransferStatus,
)

FROZEN_STATUSES = (RoundStatus.AGREED, RoundStatus.SUPERSEDED)


def round_is_frozen(round_: Round) -> bool:
    return round_.status in FROZEN_STATUSES


def current_proposal(round_: Round) -> Proposal | None:
    return (
        Proposal.objects.filter(round=round_, status__in=(ProposalStatus.CURRENT,))
        .select_related("run__scenario", "proposed_by")
        .first()
    )


def latest_proposal(round_: Round) -> Proposal | None:
    """The current or adopted proposal, else the latest voided one."""
    proposals = list(
        Proposal.objects.filter(round=round_)
        .select_related("run__scenario", "proposed_by")
        .order_by("-proposed_at", "-pk")
    )
    for p in proposals:
        if p.status in (ProposalStatus.CURRENT, ProposalStatus.ADOPTED):
            return p
    return proposals[0] if proposals else None


def transfer_key(transfers: Iterable[Transfer]) -> list[dict[str, Any]]:
    """Accepted transfers in canonical form (sorted), as the review digest covers them."""
    rows = [
        {
            "group": t.group.code,
            "from": t.giver.cbs_code,
            "to": t.taker.cbs_code,
            "amount": t.amount,
            "id": t.pk,
        }
        for t in transfers
        if t.status == TransferStatus.ACCEPTED
    ]
    return sorted(rows, key=lambda r: (r["group"], r["from"], r["to"], r["id"]))


def review_digest_of(*, run_digest_hex: str, transfers: list[dict[str, Any]]) -> str:
    return sha256_hex(canonical_json({"run": run_digest_hex, "transfers": transfers}))


def _transfers_qs() -> QuerySet[Transfer]:
    return Transfer.objects.select_related(
        "group", "giver", "taker", "initiator", "proposed_by", "decided_by"
    )


def review_digest(proposal: Proposal) -> str:
    """The digest an approval of this proposal binds to (1 query)."""
    accepted = _transfers_qs().filter(proposal=proposal, status=TransferStatus.ACCEPTED)
    return review_digest_of(run_digest_hex=proposal.run_digest, transfers=transfer_key(accepted))


def run_inputs_current(run: ScenarioRun) -> bool:
    """Whether the database still gives exactly this run's inputs and settings.

    Recomputes the engine inputs of the run's scenario from the current figures and
    settings (allocation.selectors.run_inputs_build) and compares them, as canonical JSON,
    with what the run stored. Inputs that can no longer be built count as changed.
    """
    if run.status != RunStatus.SUCCEEDED or run.inputs is None:
        return False
    with translation.override("nl"):
        scenario = selectors.scenario_get(pk=run.scenario_id)
        try:
            prepared = selectors.run_inputs_build(scenario=scenario)
        except selectors.RunInputError:
            return False
    return canonical_json(prepared.inputs_dict()) == canonical_json(run.inputs) and canonical_json(
        prepared.settings
    ) == canonical_json(run.scenario_settings)


def run_digest_matches(run: ScenarioRun) -> bool:
    """Whether the run's stored digest is the digest of its stored parts."""
    return run.digest == run_digest(
        inputs=run.inputs, settings=run.scenario_settings, results=run.results
    )


def proposable_runs(round_: Round) -> list[ScenarioRun]:
    """The latest succeeded computation of each of the round's scenarios."""
    latest: dict[int, ScenarioRun] = {}
    for run in (
        ScenarioRun.objects.filter(scenario__round=round_, status=RunStatus.SUCCEEDED)
        .select_related("scenario")
        .only("id", "scenario__name", "scenario__round_id", "finished_at", "queued_at", "digest")
        .order_by("queued_at", "pk")
    ):
        latest[run.scenario_id] = run
    return sorted(latest.values(), key=lambda r: r.scenario.name)


@dataclass
class SubregionState:
    subregion: SubRegion
    approval: Approval | None
    state: str  # "approved", "objected", "outdated", "none"


@dataclass
class ReviewOverview:
    round: Round
    proposal: Proposal | None
    digest: str | None
    subregions: list[SubregionState]
    all_approved: bool
    voided_approvals: list[Approval]
    voided_proposals: list[Proposal]
    transitions: list[RoundTransition]
    transfers: list[Transfer]
    net_tables: list[dict[str, Any]]
    correction_of: RoundCorrection | None
    corrected_by: RoundCorrection | None
    comment_counts: dict[int, int] = field(default_factory=dict)


def subregion_states(proposal: Proposal | None, digest: str | None) -> list[SubregionState]:
    subregions = list(SubRegion.objects.order_by("name"))
    active: dict[int, Approval] = {}
    if proposal is not None:
        for a in Approval.objects.filter(
            proposal=proposal, state=ApprovalState.ACTIVE
        ).select_related("user"):
            active[a.subregion_id] = a
    rows = []
    for s in subregions:
        found = active.get(s.pk)
        if found is None:
            state = "none"
        elif found.digest != digest:
            state = "outdated"
        elif found.decision == Decision.APPROVE:
            state = "approved"
        else:
            state = "objected"
        rows.append(SubregionState(subregion=s, approval=found, state=state))
    return rows


def computed_number(allocation: Mapping[str, Any]) -> int:
    """What a computation gave one municipality: n_i plus a carried backlog, if any."""
    return int(allocation.get("total_with_backlog", allocation["allocation"]))


def transfer_deltas(accepted: Iterable[Transfer]) -> dict[tuple[str, str], int]:
    """Per (group code, CBS code): received minus given in the accepted transfers."""
    delta: dict[tuple[str, str], int] = {}
    for t in accepted:
        giver, taker = (t.group.code, t.giver.cbs_code), (t.group.code, t.taker.cbs_code)
        delta[giver] = delta.get(giver, 0) - t.amount
        delta[taker] = delta.get(taker, 0) + t.amount
    return delta


def net_after_transfers(proposal: Proposal, transfers: list[Transfer]) -> list[dict[str, Any]]:
    """Per group with accepted transfers: each municipality's number, the transfers and
    the net number after transfers. The group's sum stays the same."""
    accepted = [t for t in transfers if t.status == TransferStatus.ACCEPTED]
    if not accepted:
        return []
    results = (
        ScenarioRun.objects.filter(pk=proposal.run_id).values_list("results", flat=True).get() or {}
    )
    tables = []
    by_group: dict[str, list[Transfer]] = {}
    for t in accepted:
        by_group.setdefault(t.group.code, []).append(t)
    for code, group_transfers in by_group.items():
        group = group_transfers[0].group
        data = results.get("groups", {}).get(code)
        if data is None:
            continue
        delta = transfer_deltas(group_transfers)
        rows = []
        for a in data["result"]["allocations"]:
            n = computed_number(a)
            d = delta.get((code, a["code"]), 0)
            rows.append(
                {
                    "code": a["code"],
                    "name": a["name"],
                    "subregion": a["subregion"],
                    "allocation": n,
                    "transfer": d,
                    "net": n + d,
                }
            )
        tables.append(
            {
                "group": group,
                "rows": rows,
                "total": sum(r["allocation"] for r in rows),
                "net_total": sum(r["net"] for r in rows),
            }
        )
    return tables


def allocation_of(proposal: Proposal, *, group_code: str, cbs_code: str) -> int | None:
    """A municipality's number for a group in the proposed computation, with a carried
    backlog (what agreed_result calls ``computed``)."""
    results = (
        ScenarioRun.objects.filter(pk=proposal.run_id).values_list("results", flat=True).get() or {}
    )
    data = results.get("groups", {}).get(group_code)
    if data is None:
        return None
    for a in data["result"]["allocations"]:
        if a["code"] == cbs_code:
            return computed_number(a)
    return None


def review_overview(round_: Round) -> ReviewOverview:
    """Everything the review page shows (about 12 queries, whatever the numbers)."""
    proposal = latest_proposal(round_)
    digest = review_digest(proposal) if proposal is not None else None
    live = proposal if proposal is not None and proposal.status != ProposalStatus.VOIDED else None
    states = subregion_states(live, digest)
    transfers = list(_transfers_qs().filter(round=round_).order_by("proposed_at", "pk"))
    voided = list(
        Approval.objects.filter(proposal__round=round_, state=ApprovalState.VOIDED)
        .select_related("subregion", "user", "proposal")
        .order_by("-ended_at", "subregion__name")
    )
    voided_proposals = list(
        Proposal.objects.filter(round=round_, status=ProposalStatus.VOIDED)
        .select_related("run__scenario", "proposed_by")
        .order_by("-voided_at")
    )
    transitions = list(
        RoundTransition.objects.filter(round=round_).select_related("user").order_by("at", "pk")
    )
    counts: dict[int, int] = {}
    for muni_id in Comment.objects.filter(round=round_, municipality__isnull=False).values_list(
        "municipality_id", flat=True
    ):
        counts[muni_id] = counts.get(muni_id, 0) + 1
    return ReviewOverview(
        round=round_,
        proposal=proposal,
        digest=digest,
        subregions=states,
        all_approved=live is not None and all(s.state == "approved" for s in states),
        voided_approvals=voided,
        voided_proposals=voided_proposals,
        transitions=transitions,
        transfers=transfers,
        net_tables=net_after_transfers(live, transfers) if live is not None else [],
        correction_of=RoundCorrection.objects.filter(new_round=round_)
        .select_related("old_round")
        .first(),
        corrected_by=RoundCorrection.objects.filter(old_round=round_)
        .select_related("new_round")
        .first(),
        comment_counts=counts,
    )


def comments_of(round_: Round, municipality: Municipality | None) -> list[Comment]:
    qs = Comment.objects.filter(round=round_).select_related("author")
    qs = qs.filter(municipality=municipality) if municipality else qs.filter(municipality=None)
    comments = list(qs.order_by("created_at", "pk"))
    for c in comments:
        c.role_label = Role(c.author_role).label if c.author_role in Role.values else ""  # type: ignore[attr-defined]
    return comments


def municipality_list() -> list[Municipality]:
    return list(Municipality.objects.select_related("subregion").order_by("name"))


# --- the agreed numbers: the one source of truth of an adopted round ----------------------


class NotAdopted(Exception):
    """The round has no adopted agreement (yet)."""


@dataclass(frozen=True)
class AgreedLine:
    """What one municipality agreed for one group: the computation plus accepted transfers.

    All numbers are whole numbers in the group's unit, for the whole period unless named
    ``per_year``. ``computed`` already holds a backlog carried over from the previous round.
    """

    code: str
    name: str
    subregion: str
    allocation: int  # n_i of the computation, without a carried backlog
    backlog: int  # carried over from the previous round (may be negative: a surplus)
    computed: int  # what the computation gave: allocation plus backlog, never below 0
    transfer: int  # accepted art. 29(2) transfers: received minus given
    agreed: int  # computed plus transfer: what the sub-regions approved
    per_year: tuple[int, ...]  # agreed phased over the round's years (sum exact)


@dataclass(frozen=True)
class AgreedGroup:
    group: TargetGroup  # name, unit (persons, beds, units, pitches) and definition
    lines: tuple[AgreedLine, ...]

    @property
    def code(self) -> str:
        return self.group.code

    @property
    def total(self) -> int:
        return sum(line.agreed for line in self.lines)

    @property
    def total_per_year(self) -> tuple[int, ...]:
        return tuple(map(sum, zip(*(line.per_year for line in self.lines), strict=True)))

    def for_subregion(self, name: str) -> tuple[AgreedLine, ...]:
        return tuple(line for line in self.lines if line.subregion == name)


@dataclass(frozen=True)
class AgreedResult:
    """The adopted agreement of a round: the run the sub-regions approved, the accepted
    transfers on top, and the review digest their approvals were bound to."""

    round_id: int
    run_id: int
    digest: str  # the review (approved) digest: run digest plus accepted transfers
    run_digest: str
    years: tuple[int, ...]
    groups: dict[str, AgreedGroup]
    transfers: tuple[dict[str, Any], ...]

    def number(self, group_code: str, cbs_code: str) -> int | None:
        group = self.groups.get(group_code)
        if group is None:
            return None
        return next((line.agreed for line in group.lines if line.code == cbs_code), None)

    def by_code(self) -> dict[str, dict[str, int]]:
        """Per group code and CBS code, the agreed number for the period."""
        return {
            code: {line.code: line.agreed for line in group.lines}
            for code, group in self.groups.items()
        }


def adopted_proposal(round_: Round) -> Proposal | None:
    """The proposal the chair adopted (1 query). NotAdopted for a round that is not adopted;
    None for a round adopted without a review proposal (made before reviews existed): its
    agreed run stands as it is, without transfers."""
    if round_.status not in FROZEN_STATUSES or round_.agreed_run_id is None:
        raise NotAdopted(round_.pk)
    return (
        Proposal.objects.filter(
            round=round_, run_id=round_.agreed_run_id, status=ProposalStatus.ADOPTED
        )
        .order_by("-proposed_at", "-pk")
        .first()
    )


def period_years(round_: Round) -> tuple[int, ...]:
    """The calendar years the round's period covers entirely (at least the first year)."""
    from allocation.engine.timebase import years_in_period

    years = years_in_period(round_.period_start, round_.period_end)
    return tuple(years) or (round_.period_start.year,)


def agreed_result(round_: Round) -> AgreedResult:
    """The agreed numbers of an adopted (or superseded) round, per group, municipality and
    year: the adopted computation plus the accepted transfers (DOMAIN.md 6). Every page,
    export, PDF, API and monitoring reads adopted numbers here; nothing else recomputes them.
    About 3 queries. Raises NotAdopted for a round that was not adopted."""
    proposal = adopted_proposal(round_)
    run_id: int = round_.agreed_run_id  # type: ignore[assignment]  # set once adopted
    row = ScenarioRun.objects.filter(pk=run_id).values_list("results", "digest").first()
    if row is None or not row[0]:
        raise NotAdopted(round_.pk)
    return _result_of(
        round_=round_,
        run_id=run_id,
        results=row[0],
        run_digest_hex=proposal.run_digest if proposal is not None else row[1],
        proposal=proposal,
    )


def proposed_result(proposal: Proposal) -> AgreedResult:
    """What the sub-regions are asked to approve: the proposal's computation plus the
    transfers accepted on it, in the same shape (and by the same code) as `agreed_result`,
    so that what a wethouder approves is what the chair adopts. About 3 queries."""
    results = (
        ScenarioRun.objects.filter(pk=proposal.run_id).values_list("results", flat=True).get() or {}
    )
    return _result_of(
        round_=proposal.round,
        run_id=proposal.run_id,
        results=results,
        run_digest_hex=proposal.run_digest,
        proposal=proposal,
    )


def _result_of(
    *,
    round_: Round,
    run_id: int,
    results: Mapping[str, Any],
    run_digest_hex: str,
    proposal: Proposal | None,
) -> AgreedResult:
    """A computation plus the transfers accepted on `proposal`, phased over the round's
    years: the one place where agreed (and proposed) numbers are made."""
    from allocation.engine.timebase import phase_over_years

    accepted = (
        list(_transfers_qs().filter(proposal=proposal, status=TransferStatus.ACCEPTED))
        if proposal is not None
        else []
    )
    delta = transfer_deltas(accepted)
    years = period_years(round_)
    stored = results.get("groups", {})
    target_groups = {g.code: g for g in TargetGroup.objects.filter(code__in=list(stored))}
    groups: dict[str, AgreedGroup] = {}
    for code in sorted(stored, key=lambda c: (target_groups[c].position, c)):
        data = stored[code]
        lines = []
        for a in data["result"]["allocations"]:
            allocation = int(a["allocation"])
            computed = computed_number(a)
            transfer = delta.get((code, a["code"]), 0)
            agreed = computed + transfer
            lines.append(
                AgreedLine(
                    code=a["code"],
                    name=a["name"],
                    subregion=a["subregion"],
                    allocation=allocation,
                    backlog=int(a.get("backlog", 0) or 0),
                    computed=computed,
                    transfer=transfer,
                    agreed=agreed,
                    per_year=tuple(phase_over_years(agreed, len(years))),
                )
            )
        groups[code] = AgreedGroup(group=target_groups[code], lines=tuple(lines))
    transfers = tuple(transfer_key(accepted))
    return AgreedResult(
        round_id=round_.pk,
        run_id=run_id,
        digest=review_digest_of(run_digest_hex=run_digest_hex, transfers=list(transfers)),
        run_digest=run_digest_hex,
        years=years,
        groups=groups,
        transfers=transfers,
    )


# --- standing texts, partners and the decision history --------------------------------------


@dataclass(frozen=True)
class CurrentText:
    """The text of one kind that counts for a round: its latest version, or the default."""

    kind: str
    label: str
    body: str
    version: int  # 0: the default, never saved for this round
    entry: StandingText | None

    @property
    def paragraphs(self) -> list[str]:
        from .standing_texts import paragraphs

        return paragraphs(self.body)


def standing_texts(round_: Round) -> dict[str, CurrentText]:
    """Per kind (considerations, definitions, conditions) the text that counts (1 query)."""
    from .standing_texts import DEFAULTS

    latest: dict[str, StandingText] = {}
    for entry in (
        StandingText.objects.filter(round=round_)
        .select_related("created_by")
        .order_by("kind", "-version")
    ):
        latest.setdefault(entry.kind, entry)
    out = {}
    for kind in StandingTextKind:
        saved = latest.get(kind.value)
        out[kind.value] = CurrentText(
            kind=kind.value,
            label=str(kind.label),
            body=saved.body if saved else DEFAULTS[kind.value],
            version=saved.version if saved else 0,
            entry=saved,
        )
    return out


def standing_text_history(round_: Round) -> list[StandingText]:
    """Every saved version of the round's standing texts, newest first (1 query)."""
    return list(
        StandingText.objects.filter(round=round_)
        .select_related("created_by")
        .order_by("-created_at", "kind", "-version")
    )


def partners_of(subregion: SubRegion | None) -> list[AgreementPartner]:
    """The active partners of a sub-region's agreement (all sub-regions for the MRA)."""
    qs = AgreementPartner.objects.filter(active=True).select_related("subregion")
    if subregion is not None:
        qs = qs.filter(subregion=subregion)
    return list(qs.order_by("subregion__name", "position", "name"))


def decision_history(round_: Round) -> list[Approval]:
    """Every decision of a sub-region in the round, whether it still counts or not, with
    its reason: an objection stays on the record after a later approval (1 query)."""
    return list(
        Approval.objects.filter(proposal__round=round_)
        .select_related("subregion", "user", "proposal")
        .order_by("decided_at", "pk")
    )


def adoption_transition(round_: Round) -> RoundTransition | None:
    """The status change by which the chair adopted the round (1 query)."""
    return (
        RoundTransition.objects.filter(round=round_, to_status=RoundStatus.AGREED)
        .select_related("user")
        .order_by("-at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class HistoryEvent:
    at: Any  # an aware datetime
    what: str
    who: str
    detail: str
    reason: str = ""
    kind: str = ""  # transition, proposal, decision, transfer, text


def _who(user: Any) -> str:
    if user is None:
        return "–"
    return str(user.get_full_name() or user.get_username())


def round_history(round_: Round) -> list[HistoryEvent]:
    """Everything that happened to a round's agreement, oldest first (5 queries): status
    changes, proposals, every decision of a sub-region (an objection and its reason stay
    after a later approval), transfers and new versions of the standing texts."""
    from django.utils.translation import gettext as _

    events: list[HistoryEvent] = []
    for t in RoundTransition.objects.filter(round=round_).select_related("user"):
        events.append(
            HistoryEvent(
                at=t.at,
                what=_("Status changed"),
                who=_who(t.user),
                detail=f"{RoundStatus(t.from_status).label} → {RoundStatus(t.to_status).label}",
                reason=t.reason,
                kind="transition",
            )
        )
    for p in Proposal.objects.filter(round=round_).select_related("run__scenario", "proposed_by"):
        events.append(
            HistoryEvent(
                at=p.proposed_at,
                what=_("Computation proposed"),
                who=_who(p.proposed_by),
                detail=_("Scenario %(name)s") % {"name": p.run.scenario.name},
                kind="proposal",
            )
        )
        if p.voided_at is not None:
            events.append(
                HistoryEvent(
                    at=p.voided_at,
                    what=_("Proposal voided"),
                    who="–",
                    detail=_("Scenario %(name)s") % {"name": p.run.scenario.name},
                    reason=p.void_reason,
                    kind="proposal",
                )
            )
    for a in decision_history(round_):
        events.append(
            HistoryEvent(
                at=a.decided_at,
                what=_("%(subregion)s approves") % {"subregion": a.subregion.name}
                if a.decision == Decision.APPROVE
                else _("%(subregion)s objects") % {"subregion": a.subregion.name},
                who=_who(a.user),
                detail=str(ApprovalState(a.state).label),
                reason=a.reason,
                kind="decision",
            )
        )
    for tr in _transfers_qs().filter(round=round_):
        detail = _("%(taker)s takes over %(amount)s of %(giver)s for %(group)s") % {
            "taker": tr.taker.name,
            "amount": tr.amount,
            "giver": tr.giver.name,
            "group": tr.group.name,
        }
        events.append(
            HistoryEvent(
                at=tr.proposed_at,
                what=_("Transfer proposed"),
                who=_who(tr.proposed_by),
                detail=detail,
                reason=tr.reason,
                kind="transfer",
            )
        )
        if tr.decided_at is not None:
            events.append(
                HistoryEvent(
                    at=tr.decided_at,
                    what=_("Transfer accepted")
                    if tr.status == TransferStatus.ACCEPTED
                    else _("Transfer rejected"),
                    who=_who(tr.decided_by),
                    detail=detail,
                    reason=tr.answer,
                    kind="transfer",
                )
            )
    for entry in standing_text_history(round_):
        events.append(
            HistoryEvent(
                at=entry.created_at,
                what=_("Text changed"),
                who=_who(entry.created_by),
                detail=_("%(text)s, version %(version)s")
                % {"text": StandingTextKind(entry.kind).label, "version": entry.version},
                reason=entry.reason,
                kind="text",
            )
        )
    return sorted(events, key=lambda e: e.at)
