"""What is waiting for each role (issue 13): the to-do list of the home page.

Reads only, from the selectors of the apps below. Each task says what to do, by when (from
the round's dates, when it has them) and links to the one page where it is done; the first
task is the next one. The programme team also sees each open round's steps as a progress
line with what every step needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import access
from accounts.models import PARTNER_ROLES, Membership, Role
from agreements import selectors as agreement_selectors
from agreements.models import ProposalStatus, Transfer, TransferStatus
from agreements.summary import DecisionSummary, amount_text, decision_summary
from allocation import selectors as allocation_selectors
from allocation.models import Round, RoundStatus
from core.models import FigureStatus
from figures import selectors as figure_selectors
from figures import services as figure_services
from monitoring import selectors as monitoring_selectors
from monitoring.models import Realisation
from municipalities.models import Municipality, SubRegion
from partners import care_selectors, care_services
from partners import selectors as partner_selectors

OPEN_STATUSES = (
    RoundStatus.DRAFT,
    RoundStatus.COLLECTING,
    RoundStatus.COMPUTING,
    RoundStatus.IN_REVIEW,
)
STEPS = (*OPEN_STATUSES, RoundStatus.AGREED)


@dataclass
class Task:
    title: str
    url: str
    link_text: str
    detail: str = ""
    due: date | None = None
    due_label: str = ""  # what the date is: the deadline for figures, the start of the period
    links: list[tuple[str, str]] = field(default_factory=list)  # more (label, url)
    summary: DecisionSummary | None = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


@dataclass
class Step:
    status: str
    label: str
    needs: str
    state: str  # done, current, todo


@dataclass
class RoundProgress:
    round: Round
    steps: list[Step]


@dataclass
class Todo:
    tasks: list[Task] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # what others must do first
    to_read: list[Task] = field(default_factory=list)  # links worth a look, not a task
    progress: list[RoundProgress] = field(default_factory=list)


def _review_url(round_: Round, anchor: str = "") -> str:
    url = reverse("agreements:round_review", kwargs={"pk": round_.pk})
    return f"{url}#{anchor}" if anchor else url


def _summary_url(round_: Round, subregion: SubRegion) -> str:
    return reverse("agreements:summary", kwargs={"pk": round_.pk, "slug": subregion.slug})


def _open_rounds() -> list[Round]:
    return list(Round.objects.filter(status__in=OPEN_STATUSES).order_by("period_start", "name"))


def _collecting_deadline(round_: Round | None) -> date | None:
    if round_ is None or round_.status != RoundStatus.COLLECTING:
        return None
    return round_.deadline


def _figures_round() -> Round | None:
    """The round that collects figures now, else the newest open round (or None)."""
    rounds = _open_rounds()
    collecting = [r for r in rounds if r.status == RoundStatus.COLLECTING]
    if collecting:
        return collecting[-1]
    return rounds[-1] if rounds else None


def _decision_due(round_: Round) -> tuple[date | None, str]:
    """A decision or adoption is due before the round's period starts."""
    if round_.period_start >= timezone.localdate():
        return round_.period_start, _("before the period starts")
    return None, ""


def _latest_adopted() -> Round | None:
    return monitoring_selectors.adopted_rounds().filter(status=RoundStatus.AGREED).first()


# --- officer ---------------------------------------------------------------------------------


def _officer_figures(todo: Todo, user: Any, municipality: Municipality) -> None:
    round_ = _figures_round()
    year = round_.reference_year if round_ is not None else figure_selectors.entry_year()
    due = _collecting_deadline(round_)
    due_label = _("deadline for figures") if due else ""
    figures = figure_selectors.year_figures(municipality=municipality, year=year)
    code = municipality.cbs_code
    year_url = reverse("figures:year", kwargs={"code": code, "year": year})
    if figures.locked:
        return
    missing = figures.missing
    if missing:
        todo.tasks.append(
            Task(
                title=ngettext(
                    "Enter %(n)s missing figure of %(year)s",
                    "Enter %(n)s missing figures of %(year)s",
                    len(missing),
                )
                % {"n": len(missing), "year": year},
                detail=", ".join(missing),
                url=reverse("figures:edit", kwargs={"code": code, "year": year}),
                link_text=_("Enter figures"),
                due=due,
                due_label=due_label,
            )
        )
    if figures.draft_count:
        todo.tasks.append(
            Task(
                title=ngettext(
                    "Submit %(n)s draft figure of %(year)s",
                    "Submit %(n)s draft figures of %(year)s",
                    figures.draft_count,
                )
                % {"n": figures.draft_count, "year": year},
                detail=_("A colleague confirms them after you submit them."),
                url=year_url,
                link_text=_("Check and submit"),
                due=due,
                due_label=due_label,
            )
        )
    submitted = figures.submitted()
    if submitted:
        can_confirm = all(
            access.can_confirm_figures(
                user,
                municipality,
                submitted_by_id=f.submitted_by_id,
                updated_by_id=f.updated_by_id,
            )
            for f in submitted
        )
        if can_confirm:
            todo.tasks.append(
                Task(
                    title=ngettext(
                        "Confirm %(n)s figure of %(year)s that a colleague entered",
                        "Confirm %(n)s figures of %(year)s that a colleague entered",
                        len(submitted),
                    )
                    % {"n": len(submitted), "year": year},
                    detail=_("Four eyes: check the figures and confirm them, or send them back."),
                    url=year_url,
                    link_text=_("Check and confirm"),
                    due=due,
                    due_label=due_label,
                )
            )
        else:
            todo.waiting.append(
                ngettext(
                    "%(n)s figure of %(year)s waits for a colleague to confirm it.",
                    "%(n)s figures of %(year)s wait for a colleague to confirm them.",
                    len(submitted),
                )
                % {"n": len(submitted), "year": year}
            )


def _officer_transfers(todo: Todo, municipality: Municipality) -> None:
    for t in (
        Transfer.objects.filter(
            status=TransferStatus.PROPOSED,
            proposal__status=ProposalStatus.CURRENT,
            round__status=RoundStatus.IN_REVIEW,
        )
        .select_related("round", "group", "giver", "taker", "initiator")
        .order_by("proposed_at", "pk")
    ):
        other = t.taker if t.initiator_id == t.giver_id else t.giver
        if other.pk != municipality.pk:
            continue
        amount = amount_text(t.group.unit, t.amount)
        if t.initiator_id == t.giver_id:
            title = _("%(initiator)s asks %(name)s to take over %(amount)s of %(group)s") % {
                "initiator": t.initiator.name,
                "name": municipality.name,
                "amount": amount,
                "group": t.group.name,
            }
        else:
            title = _("%(initiator)s offers to take over %(amount)s of %(group)s") % {
                "initiator": t.initiator.name,
                "amount": amount,
                "group": t.group.name,
            }
        due, due_label = _decision_due(t.round)
        todo.tasks.append(
            Task(
                title=title,
                detail=t.reason,
                url=_review_url(t.round, "h-transfers"),
                link_text=_("Answer the transfer"),
                due=due,
                due_label=due_label,
            )
        )


def _quarter_end(year: int, quarter: int) -> date:
    return date(year, quarter * 3, 31 if quarter in (1, 4) else 30)


def _officer_monitoring(todo: Todo, user: Any, municipality: Municipality) -> None:
    today = timezone.localdate()
    for round_ in monitoring_selectors.adopted_rounds().filter(status=RoundStatus.AGREED):
        quarters = [
            (y, q)
            for y, q in monitoring_selectors.round_quarters(round_)
            if _quarter_end(y, q) < today
        ]
        if not quarters:
            continue
        states = monitoring_selectors.quarter_overview(
            round_=round_, municipality_ids=[municipality.pk]
        )
        submitted_by = {
            (y, q): by
            for y, q, by in Realisation.objects.filter(
                round=round_, municipality=municipality, status=FigureStatus.SUBMITTED
            ).values_list("year", "quarter", "submitted_by_id")
        }
        to_report = [(y, q) for y, q in quarters if (municipality.pk, y, q) not in states]
        drafts = [(y, q) for y, q in quarters if states.get((municipality.pk, y, q)) == "draft"]
        to_confirm = [
            (y, q)
            for y, q in quarters
            if states.get((municipality.pk, y, q)) == FigureStatus.SUBMITTED
            and submitted_by.get((y, q)) != user.pk
        ]

        def url(year: int, quarter: int, round_: Round = round_) -> str:
            return reverse(
                "monitoring:quarter",
                kwargs={
                    "pk": round_.pk,
                    "code": municipality.cbs_code,
                    "year": year,
                    "quarter": quarter,
                },
            )

        for found, title, link in (
            (to_confirm, _("Confirm the realised numbers of quarter %(q)s %(y)s"), _("Confirm")),
            (drafts, _("Submit the realised numbers of quarter %(q)s %(y)s"), _("Submit")),
            (to_report, _("Report what was realised in quarter %(q)s %(y)s"), _("Report")),
        ):
            if not found:
                continue
            y, q = found[0]
            todo.tasks.append(
                Task(
                    title=title % {"q": q, "y": y},
                    detail=ngettext(
                        "%(round)s: %(n)s quarter is open.",
                        "%(round)s: %(n)s quarters are open.",
                        len(found),
                    )
                    % {"round": round_.name, "n": len(found)},
                    url=url(y, q),
                    link_text=link,
                )
            )


def _officer(todo: Todo, user: Any, municipality: Municipality) -> None:
    _officer_transfers(todo, municipality)
    _officer_figures(todo, user, municipality)
    _officer_monitoring(todo, user, municipality)


# --- sub-region roles ------------------------------------------------------------------------


def _coordinator(todo: Todo, subregion: SubRegion) -> None:
    round_ = _figures_round()
    year = round_.reference_year if round_ is not None else figure_selectors.entry_year()
    overview = figure_selectors.completeness(year=year, subregion_id=subregion.pk)
    incomplete = overview.incomplete
    due = _collecting_deadline(round_)
    url = reverse("figures:completeness")
    if incomplete:
        todo.tasks.append(
            Task(
                title=ngettext(
                    "%(n)s of %(total)s municipalities has not confirmed all figures of %(year)s",
                    "%(n)s of %(total)s municipalities have not confirmed all figures of %(year)s",
                    len(incomplete),
                )
                % {"n": len(incomplete), "total": len(overview.rows), "year": year},
                detail=", ".join(r.municipality.name for r in incomplete),
                url=url,
                link_text=_("See the completeness"),
                due=due,
                due_label=_("deadline for figures") if due else "",
            )
        )
    else:
        todo.to_read.append(
            Task(
                title=_("All municipalities of %(name)s confirmed their figures of %(year)s.")
                % {"name": subregion.name, "year": year},
                url=url,
                link_text=_("See the completeness"),
            )
        )
    _summaries_to_read(todo, subregion)


def _summaries_to_read(todo: Todo, subregion: SubRegion) -> None:
    for round_ in [r for r in _open_rounds() if r.status == RoundStatus.IN_REVIEW] + [
        r for r in [_latest_adopted()] if r is not None
    ]:
        todo.to_read.append(
            Task(
                title=_("What the municipalities of %(name)s take on in %(round)s")
                % {"name": subregion.name, "round": round_.name},
                url=_summary_url(round_, subregion),
                link_text=_("See the summary"),
            )
        )


def _steering(todo: Todo, subregion: SubRegion) -> None:
    for round_ in _open_rounds():
        if round_.status != RoundStatus.IN_REVIEW:
            continue
        proposal = agreement_selectors.current_proposal(round_)
        if proposal is None:
            todo.waiting.append(
                _(
                    "%(round)s is in review, but the programme team has not proposed a computation yet."
                )
                % {"round": round_.name}
            )
            continue
        digest = agreement_selectors.review_digest(proposal)
        state = next(
            s
            for s in agreement_selectors.subregion_states(proposal, digest)
            if s.subregion.pk == subregion.pk
        )
        if state.state == "approved":
            todo.waiting.append(
                _("%(name)s approved %(round)s. The chair adopts it when every sub-region agrees.")
                % {"name": subregion.name, "round": round_.name}
            )
            continue
        detail = {
            "none": _("%(name)s has not decided yet."),
            "objected": _("%(name)s objected. You can change your decision."),
            "outdated": _("The proposal changed after your decision: please decide again."),
        }[state.state] % {"name": subregion.name}
        due, due_label = _decision_due(round_)
        todo.tasks.append(
            Task(
                title=_("Decide for %(name)s on %(round)s")
                % {"name": subregion.name, "round": round_.name},
                detail=detail,
                url=_review_url(round_, "h-my-decision"),
                link_text=_("To your decision"),
                due=due,
                due_label=due_label,
                links=[(_("Summary of the numbers"), _summary_url(round_, subregion))],
                summary=decision_summary(round_, subregion),
            )
        )
    _summaries_to_read(todo, subregion)


# --- region-wide roles -----------------------------------------------------------------------


def _chair(todo: Todo) -> None:
    for round_ in _open_rounds():
        if round_.status != RoundStatus.IN_REVIEW:
            continue
        proposal = agreement_selectors.current_proposal(round_)
        if proposal is None:
            todo.waiting.append(
                _(
                    "%(round)s is in review, but the programme team has not proposed a computation yet."
                )
                % {"round": round_.name}
            )
            continue
        digest = agreement_selectors.review_digest(proposal)
        states = agreement_selectors.subregion_states(proposal, digest)
        undecided = [s.subregion.name for s in states if s.state != "approved"]
        due, due_label = _decision_due(round_)
        if not undecided:
            todo.tasks.append(
                Task(
                    title=_("Adopt %(round)s") % {"round": round_.name},
                    detail=_("Every sub-region approved the proposal."),
                    url=_review_url(round_, "h-decisions"),
                    link_text=_("To the adoption"),
                    due=due,
                    due_label=due_label,
                )
            )
        else:
            todo.tasks.append(
                Task(
                    title=ngettext(
                        "%(round)s: %(n)s sub-region has not approved yet",
                        "%(round)s: %(n)s sub-regions have not approved yet",
                        len(undecided),
                    )
                    % {"round": round_.name, "n": len(undecided)},
                    detail=_("Not approved yet: %(names)s.") % {"names": ", ".join(undecided)},
                    url=_review_url(round_, "h-decisions"),
                    link_text=_("See the decisions"),
                    due=due,
                    due_label=due_label,
                )
            )
    adopted = _latest_adopted()
    if adopted is not None:
        todo.to_read.append(
            Task(
                title=_("The adopted agreements of %(round)s") % {"round": adopted.name},
                url=_review_url(adopted),
                link_text=_("See the agreements"),
            )
        )


def _step_needs(status: str) -> str:
    needs: dict[str, str] = {
        RoundStatus.DRAFT: _("Settings, half-years and scenarios of the round."),
        RoundStatus.COLLECTING: _(
            "Every municipality enters its figures and a colleague confirms them."
        ),
        RoundStatus.COMPUTING: _("At least one scenario is computed."),
        RoundStatus.IN_REVIEW: _(
            "The programme team proposes one computation; every sub-region approves it."
        ),
        RoundStatus.AGREED: _("The chair adopts the round; the agreements are made."),
    }
    return needs[status]


def round_progress(round_: Round) -> RoundProgress:
    """The steps of a round as a progress line: done, current, to do."""
    current = STEPS.index(round_.status) if round_.status in STEPS else len(STEPS)
    steps = [
        Step(
            status=status,
            label=str(RoundStatus(status).label),
            needs=_step_needs(status),
            state="done" if i < current else "current" if i == current else "todo",
        )
        for i, status in enumerate(STEPS)
    ]
    return RoundProgress(round=round_, steps=steps)


def _programme_next(round_: Round) -> Task:
    """The round's next step for the programme team, and what it needs."""
    status_url = _review_url(round_, "h-status")
    if round_.status == RoundStatus.DRAFT:
        return Task(
            title=_("%(round)s: check the settings and scenarios, then start collecting figures")
            % {"round": round_.name},
            detail=_(
                "A computation can be proposed only after the steps “collecting figures” and "
                "“computing”."
            ),
            url=status_url,
            link_text=_("Change the status"),
            links=[(_("Settings and scenarios"), round_.get_absolute_url())],
        )
    if round_.status == RoundStatus.COLLECTING:
        overview = figure_selectors.completeness(year=round_.reference_year)
        incomplete = overview.incomplete
        if incomplete:
            return Task(
                title=ngettext(
                    "%(round)s: %(n)s municipality has not confirmed all figures",
                    "%(round)s: %(n)s municipalities have not confirmed all figures",
                    len(incomplete),
                )
                % {"round": round_.name, "n": len(incomplete)},
                detail=_("When the figures are complete, move the round to “computing”."),
                url=reverse("figures:completeness"),
                link_text=_("See the completeness"),
                due=round_.deadline,
                due_label=_("deadline for figures") if round_.deadline else "",
                links=[(_("Change the status"), status_url)],
            )
        return Task(
            title=_("%(round)s: all figures are confirmed; move the round to “computing”")
            % {"round": round_.name},
            url=status_url,
            link_text=_("Change the status"),
        )
    if round_.status == RoundStatus.COMPUTING:
        scenarios = allocation_selectors.scenarios_of_round(round_=round_)
        computed = [s for s in scenarios if s["run"] is not None and s["run"].status == "succeeded"]
        if not computed:
            return Task(
                title=_("%(round)s: compute the scenarios") % {"round": round_.name},
                detail=_("Then move the round to “in review” and propose one computation."),
                url=round_.get_absolute_url(),
                link_text=_("To the scenarios"),
            )
        return Task(
            title=_("%(round)s: move the round to “in review”") % {"round": round_.name},
            detail=ngettext(
                "%(n)s of %(total)s scenario is computed.",
                "%(n)s of %(total)s scenarios are computed.",
                len(scenarios),
            )
            % {"n": len(computed), "total": len(scenarios)},
            url=status_url,
            link_text=_("Change the status"),
        )
    proposal = agreement_selectors.current_proposal(round_)
    due, due_label = _decision_due(round_)
    if proposal is None:
        return Task(
            title=_("%(round)s: propose a computation for review") % {"round": round_.name},
            url=_review_url(round_, "h-proposal"),
            link_text=_("Propose a computation"),
            due=due,
            due_label=due_label,
        )
    states = agreement_selectors.subregion_states(
        proposal, agreement_selectors.review_digest(proposal)
    )
    approved = sum(1 for s in states if s.state == "approved")
    return Task(
        title=_("%(round)s: %(n)s of %(total)s sub-regions approved")
        % {"round": round_.name, "n": approved, "total": len(states)},
        detail=_("The chair adopts the round when every sub-region approved."),
        url=_review_url(round_, "h-decisions"),
        link_text=_("See the decisions"),
        due=due,
        due_label=due_label,
    )


def _programme(todo: Todo) -> None:
    for round_ in _open_rounds():
        todo.progress.append(round_progress(round_))
        todo.tasks.append(_programme_next(round_))


# --- partners (issue 15) ---------------------------------------------------------------------


def _corporation_figures(todo: Todo, area: frozenset[int]) -> None:
    """Social rental stock and mutations the corporation still has to enter or submit."""
    year = figure_selectors.entry_year()
    rows = partner_selectors.corporation_figures(
        municipality_ids=area, year=year, codes=figure_services.PARTNER_INDICATORS
    )
    to_submit = [
        m.name
        for m, figures in rows
        if any(
            figures.get(code) is None or figures[code].status == FigureStatus.DRAFT
            for code in figure_services.PARTNER_INDICATORS
        )
    ]
    waiting = [
        m.name
        for m, figures in rows
        if m.name not in to_submit
        and any(f.status == FigureStatus.SUBMITTED for f in figures.values())
    ]
    round_ = _figures_round()
    due = _collecting_deadline(round_)
    if to_submit:
        todo.tasks.append(
            Task(
                title=ngettext(
                    "Submit the social rental stock and mutations of %(year)s for %(n)s "
                    "municipality",
                    "Submit the social rental stock and mutations of %(year)s for %(n)s "
                    "municipalities",
                    len(to_submit),
                )
                % {"year": year, "n": len(to_submit)},
                detail=", ".join(to_submit),
                url=reverse("partners:corporation_home"),
                link_text=_("To the figures of the corporation"),
                due=due,
                due_label=_("deadline for figures") if due else "",
            )
        )
    if waiting:
        todo.waiting.append(
            _("Your figures of %(year)s wait for an officer of %(names)s to confirm them.")
            % {"year": year, "names": ", ".join(waiting)}
        )


def _quarter_ended(year: int, quarter: int, today: date) -> bool:
    return (year, quarter) < (today.year, (today.month - 1) // 3 + 1)


def _corporation_lettings(todo: Todo, membership: Membership, area: frozenset[int]) -> None:
    """The last quarter that has ended, per adopted round, without the corporation's lettings
    for some municipality of its area."""
    today = timezone.localdate()
    for round_ in partner_selectors.letting_rounds():
        rows = partner_selectors.lettings_overview(
            organisation_id=membership.organisation_id or 0,
            round_=round_,
            municipality_ids=area,
        )
        ended = [
            c for c in (rows[0][1] if rows else []) if _quarter_ended(c.year, c.quarter, today)
        ]
        if not ended:
            continue
        last = ended[-1]
        missing = [
            m.name
            for m, cells in rows
            if any(
                c.status is None for c in cells if (c.year, c.quarter) == (last.year, last.quarter)
            )
        ]
        if not missing:
            continue
        todo.tasks.append(
            Task(
                title=ngettext(
                    "Enter your lettings of quarter %(quarter)s of %(year)s for %(n)s municipality",
                    "Enter your lettings of quarter %(quarter)s of %(year)s for %(n)s "
                    "municipalities",
                    len(missing),
                )
                % {"quarter": last.quarter, "year": last.year, "n": len(missing)},
                detail=_(
                    "%(round)s: how many people of each target group got a home through your "
                    "lettings in %(municipalities)s. The municipality confirms them."
                )
                % {"round": round_.name, "municipalities": ", ".join(missing)},
                url=f"{reverse('partners:lettings_home')}?ronde={round_.pk}",
                link_text=_("Enter the lettings"),
            )
        )


def _care_figures(todo: Todo, area: frozenset[int]) -> None:
    """Municipalities of the care provider's sub-region without all of this year's places
    and clients ready to move on (a draft counts as missing), and those still waiting for
    the municipality."""
    year = figure_selectors.entry_year()
    overview = care_selectors.care_overview(municipality_ids=area, year=year)
    to_enter = [
        r.municipality.name
        for r in overview.rows
        if any(
            (cell := r.cell(code)) is None or cell.status == FigureStatus.DRAFT
            for code in care_services.CARE_INDICATORS
        )
    ]
    if to_enter:
        todo.tasks.append(
            Task(
                title=ngettext(
                    "Enter the places and clients ready to move on of %(year)s for %(n)s "
                    "municipality",
                    "Enter the places and clients ready to move on of %(year)s for %(n)s "
                    "municipalities",
                    len(to_enter),
                )
                % {"year": year, "n": len(to_enter)},
                detail=", ".join(to_enter),
                url=reverse("partners:care_home"),
                link_text=_("Enter the figures"),
            )
        )
    waiting = [m.name for m in overview.awaiting_municipalities]
    if waiting:
        todo.waiting.append(
            _("The municipality still has to confirm your figures of %(year)s: %(names)s.")
            % {"year": year, "names": ", ".join(waiting)}
        )


def _partner_cosign(todo: Todo, user: Any, membership: Membership) -> None:
    """Adopted agreements of the working area that the organisation has not co-signed (or
    must co-sign again: a new version asks again)."""
    for item in partner_selectors.cosign_overview(
        organisation_id=membership.organisation_id or 0,
        subregion_ids=access.partner_subregion_ids(user),
    ):
        if item.acknowledgement is not None:
            continue
        todo.tasks.append(
            Task(
                title=_("Co-sign the agreement of %(subregion)s in %(round)s")
                % {"subregion": item.subregion.name, "round": item.round.name},
                detail=_(
                    "Your organisation confirms that it knows the adopted agreement and "
                    "works on it."
                ),
                url=reverse("partners:agreements"),
                link_text=_("To the agreements"),
            )
        )


def _partner_reading(todo: Todo, user: Any, membership: Membership) -> None:
    """Rounds in review to follow and the province's supervision page."""
    if membership.role == Role.PROVINCE:
        todo.to_read.append(
            Task(
                title=_("The status-holder task of your municipalities against what was realised"),
                url=reverse("partners:province"),
                link_text=_("See the status holders"),
            )
        )
    adopted = _latest_adopted()
    if adopted is not None and access.can_view_round(user, adopted):
        todo.to_read.append(
            Task(
                title=_("The adopted agreements of %(round)s") % {"round": adopted.name},
                url=_review_url(adopted),
                link_text=_("See the agreements"),
            )
        )
    for round_ in _open_rounds():
        if round_.status != RoundStatus.IN_REVIEW or not access.can_view_round(user, round_):
            continue
        todo.to_read.append(
            Task(
                title=_("%(round)s is in review: the proposal and the conversation")
                % {"round": round_.name},
                url=_review_url(round_, "h-comments"),
                link_text=_("Read and respond"),
            )
        )


def _partner(todo: Todo, user: Any, membership: Membership) -> None:
    area = access.partner_municipality_ids(user)
    if not area:
        todo.waiting.append(
            _("Your organisation has no working area yet. The programme team sets it.")
        )
        return
    if membership.role == Role.CORPORATION:
        _corporation_figures(todo, area)
        _corporation_lettings(todo, membership, area)
    if membership.role == Role.CARE_PROVIDER:
        _care_figures(todo, area)
    if membership.role in access.PARTNER_WRITERS:
        _partner_cosign(todo, user, membership)
    _partner_reading(todo, user, membership)


def todo_for(user: Any, membership: Membership) -> Todo:
    """Everything waiting for this user, the next task first."""
    todo = Todo()
    if membership.role == Role.OFFICER and membership.municipality is not None:
        _officer(todo, user, membership.municipality)
    elif membership.role == Role.COORDINATOR and membership.subregion is not None:
        _coordinator(todo, membership.subregion)
    elif membership.role == Role.STEERING and membership.subregion is not None:
        _steering(todo, membership.subregion)
    elif membership.role == Role.CHAIR:
        _chair(todo)
    elif membership.role == Role.PROGRAMME:
        _programme(todo)
    elif membership.role in PARTNER_ROLES:
        _partner(todo, user, membership)
    elif membership.role == Role.ADMIN:
        todo.tasks.append(
            Task(
                title=_("Manage accounts, roles and reference data"),
                url=reverse("admin:index"),
                link_text=_("Open management"),
            )
        )
    return todo
