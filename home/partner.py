"""The home page of a partner (issue 15): the rounds it follows and, per round, the pages of
its working area it may read.

Reads only. Which rounds and pages a partner may see is decided in `accounts.access`
(`partner_round_statuses`, `can_view_results_of`, `can_view_subregion_summary`,
`can_download_agreement`); this module only lists them, in a fixed number of queries per
round (a partner follows few rounds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from accounts import access
from agreements import selectors as agreement_selectors
from allocation.models import Round, RoundStatus, ScenarioRun
from municipalities.models import Municipality, SubRegion
from reports import selectors as report_selectors
from reports.models import DocumentStatus

ADOPTED = (RoundStatus.AGREED, RoundStatus.SUPERSEDED)


@dataclass
class Link:
    label: str
    url: str


@dataclass
class FollowedRound:
    round: Round
    review_url: str
    summaries: list[Link] = field(default_factory=list)  # per sub-region of the area
    results: list[Link] = field(default_factory=list)  # per municipality of the area
    documents: list[Link] = field(default_factory=list)  # ready PDF agreements
    monitoring_url: str = ""

    @property
    def adopted(self) -> bool:
        return self.round.status in ADOPTED


@dataclass
class PartnerOverview:
    municipalities: list[Municipality]
    subregions: list[SubRegion]
    rounds: list[FollowedRound]


def published_scenario_id(round_: Round) -> int | None:
    """The scenario of the computation partners see: the agreed one of an adopted round, the
    current proposal's in review (as dashboards' municipality page checks)."""
    if round_.agreed_run_id is not None:
        return (
            ScenarioRun.objects.filter(pk=round_.agreed_run_id)
            .values_list("scenario_id", flat=True)
            .first()
        )
    proposal = agreement_selectors.current_proposal(round_)
    return proposal.run.scenario_id if proposal is not None else None


def partner_overview(user: Any) -> PartnerOverview:
    """What the partner follows: the rounds it may read, newest first, and per round the
    pages of its working area."""
    area = access.partner_municipality_ids(user)
    statuses = access.partner_round_statuses(user) or frozenset()
    municipalities = list(Municipality.objects.filter(pk__in=area).order_by("name"))
    subregions = list(
        SubRegion.objects.filter(pk__in=access.partner_subregion_ids(user)).order_by("name")
    )
    rounds = list(
        Round.objects.filter(status__in=statuses).order_by("-period_start", "-version", "-pk")
    )
    followed = []
    for round_ in rounds:
        item = FollowedRound(
            round=round_,
            review_url=reverse("agreements:round_review", kwargs={"pk": round_.pk}),
        )
        item.summaries = [
            Link(s.name, reverse("agreements:summary", kwargs={"pk": round_.pk, "slug": s.slug}))
            for s in subregions
        ]
        scenario_id = published_scenario_id(round_)
        if scenario_id is not None:
            item.results = [
                Link(
                    m.name,
                    reverse(
                        "dashboards:municipality",
                        kwargs={
                            "round_pk": round_.pk,
                            "scenario_pk": scenario_id,
                            "code": m.cbs_code,
                        },
                    ),
                )
                for m in municipalities
            ]
        if item.adopted and round_.agreed_run_id is not None:
            item.monitoring_url = reverse("monitoring:dashboard", kwargs={"pk": round_.pk})
            item.documents = [
                Link(
                    d.subregion.name,
                    reverse(
                        "reports:agreement_download",
                        kwargs={"pk": round_.pk, "scope": d.scope_slug},
                    ),
                )
                for d in report_selectors.agreement_documents_latest(round_=round_)
                if d.subregion is not None
                and d.status == DocumentStatus.READY
                and access.can_download_agreement(user, d.subregion)
            ]
        followed.append(item)
    return PartnerOverview(municipalities=municipalities, subregions=subregions, rounds=followed)
