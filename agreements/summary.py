"""The decision summary of one sub-region (issue 13): what its municipalities take on.

For the steering group member (wethouder) who decides for a sub-region: per municipality and
group the number for the period and per year, against the previous adopted round and against
a pure population share, in plain words. The numbers come from the one source of truth:
`selectors.agreed_result` for an adopted round; for a round in review, the current
proposal's computation plus its accepted transfers, phased over the years the same way
(`selectors.proposed_result`), so what a wethouder approves is what the chair adopts.

The population share of a municipality is exact: the group's regional total (the sum of the
numbers of all municipalities) times its inhabitants divided by the inhabitants of all
municipalities, as the computation's inputs hold them; it is rounded half up to a whole
number, as the pages round numbers for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import access
from allocation import selectors as allocation_selectors
from allocation.models import Round, RoundStatus, ScenarioRun
from municipalities.models import SubRegion
from target_groups.models import TargetGroup, Unit

from . import selectors as rs
from .models import Proposal

# Groups of places rather than people: a municipality "provides" them instead of "takes in".
PLACE_UNITS = (Unit.UNITS, Unit.PITCHES)


def nl_int(value: int) -> str:
    """A whole number with the thousands separator of the active language (1.137, 1,137)."""
    return formats.number_format(value, decimal_pos=0, force_grouping=True)


def signed(value: int | None) -> str:
    """+8, −5 (a real minus sign), 0, or – when there is nothing to compare with."""
    if value is None:
        return "–"
    if value > 0:
        return f"+{nl_int(value)}"
    if value < 0:
        return f"−{nl_int(-value)}"
    return "0"


def round_half_up(value: Fraction) -> int:
    """Round an exact fraction to a whole number, halves away from zero (as floatformat)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def amount_text(unit: str, n: int) -> str:
    """ "120 personen", "1 standplaats": the number with its unit, singular or plural."""
    number = nl_int(n)
    if unit == Unit.HOUSEHOLDS:
        return ngettext("%(n)s household", "%(n)s households", n) % {"n": number}
    if unit == Unit.BEDS:
        return ngettext("%(n)s person (bed)", "%(n)s persons (beds)", n) % {"n": number}
    if unit == Unit.UNITS:
        return ngettext("%(n)s unit", "%(n)s units", n) % {"n": number}
    if unit == Unit.PITCHES:
        return ngettext("%(n)s pitch", "%(n)s pitches", n) % {"n": number}
    return ngettext("%(n)s person", "%(n)s persons", n) % {"n": number}


def _difference_text(difference: int, *, what: str) -> str:
    if what == "previous":
        if difference > 0:
            return _("%(n)s more than in the previous round") % {"n": nl_int(difference)}
        if difference < 0:
            return _("%(n)s fewer than in the previous round") % {"n": nl_int(-difference)}
        return _("as many as in the previous round")
    if difference > 0:
        return _("%(n)s more than its share by population") % {"n": nl_int(difference)}
    if difference < 0:
        return _("%(n)s fewer than its share by population") % {"n": nl_int(-difference)}
    return _("exactly its share by population")


def _per_year_text(per_year: tuple[int, ...], years: tuple[int, ...]) -> str:
    if len(set(per_year)) == 1:
        return _("%(n)s per year") % {"n": nl_int(per_year[0])}
    parts = [
        _("%(n)s in %(year)s") % {"n": nl_int(n), "year": y}
        for n, y in zip(per_year, years, strict=True)
    ]
    return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


@dataclass(frozen=True)
class SummaryLine:
    """One municipality (or the sub-region's total) in one group."""

    code: str
    name: str
    number: int  # for the whole period
    per_year: tuple[int, ...]
    previous: int | None  # the previous round's number, scaled to this period's length
    share: int | None  # the pure population share, rounded half up
    explanation_url: str = ""

    @property
    def vs_previous(self) -> int | None:
        return None if self.previous is None else self.number - self.previous

    @property
    def vs_share(self) -> int | None:
        return None if self.share is None else self.number - self.share

    @property
    def number_text(self) -> str:
        return nl_int(self.number)

    @property
    def vs_previous_text(self) -> str:
        return signed(self.vs_previous)

    @property
    def vs_share_text(self) -> str:
        return signed(self.vs_share)

    @property
    def per_year_text(self) -> str:
        """ "60 per jaar", or "60–61 per jaar" when the years differ."""
        low, high = min(self.per_year), max(self.per_year)
        n = nl_int(low) if low == high else f"{nl_int(low)}–{nl_int(high)}"
        return _("%(n)s per year") % {"n": n}


@dataclass(frozen=True)
class SummaryGroup:
    group: TargetGroup
    lines: tuple[SummaryLine, ...]
    total: SummaryLine


@dataclass(frozen=True)
class MunicipalityText:
    code: str
    name: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class DecisionSummary:
    round: Round
    subregion: SubRegion
    source: str  # "adopted", "proposal" or "" (nothing to summarise yet)
    proposal: Proposal | None
    previous_round: Round | None
    previous_scaled: bool  # the previous round had another number of years
    years: tuple[int, ...]
    groups: tuple[SummaryGroup, ...]
    texts: tuple[MunicipalityText, ...]
    run_id: int | None


@dataclass(frozen=True)
class _Numbers:
    run_id: int
    years: tuple[int, ...]
    # group code -> [(CBS code, name, sub-region, period number, per-year numbers)]
    groups: dict[str, list[tuple[str, str, str, int, tuple[int, ...]]]]


def _numbers(result: rs.AgreedResult) -> _Numbers:
    return _Numbers(
        run_id=result.run_id,
        years=result.years,
        groups={
            code: [(ln.code, ln.name, ln.subregion, ln.agreed, ln.per_year) for ln in g.lines]
            for code, g in result.groups.items()
        },
    )


def _populations(run_id: int) -> dict[str, dict[str, Fraction]]:
    """Per group code and CBS code, the inhabitants the computation used (1 query)."""
    inputs: dict[str, Any] = (
        ScenarioRun.objects.filter(pk=run_id).values_list("inputs", flat=True).get() or {}
    )
    out: dict[str, dict[str, Fraction]] = {}
    for code, data in inputs.items():
        found: dict[str, Fraction] = {}
        for m in data.get("scenario", {}).get("municipalities", []):
            value = m.get("indicators", {}).get("population")
            if value is not None:
                found[m["code"]] = Fraction(str(value))
        out[code] = found
    return out


def _shares(
    rows: list[tuple[str, str, str, int, tuple[int, ...]]], population: dict[str, Fraction]
):
    """The exact pure population share of each municipality of the group's regional total."""
    if len(population) != len(rows) or not any(population.values()):
        return {}
    total = sum(r[3] for r in rows)
    inhabitants = sum(population.values(), Fraction(0))
    return {r[0]: Fraction(total) * population[r[0]] / inhabitants for r in rows}


def _numbers_of(round_: Round) -> tuple[str, Proposal | None, _Numbers | None]:
    if rs.round_is_frozen(round_):
        try:
            return "adopted", rs.adopted_proposal(round_), _numbers(rs.agreed_result(round_))
        except rs.NotAdopted:
            return "", None, None
    proposal = rs.current_proposal(round_)
    if proposal is None or round_.status != RoundStatus.IN_REVIEW:
        return "", proposal, None
    return "proposal", proposal, _numbers(rs.proposed_result(proposal))


def _sentence(group: TargetGroup, line: SummaryLine, years: tuple[int, ...]) -> str:
    amount = amount_text(group.unit, line.number)
    if group.unit in PLACE_UNITS:
        text = _("%(name)s provides %(amount)s") % {"name": line.name, "amount": amount}
    else:
        text = _("%(name)s takes in %(amount)s") % {"name": line.name, "amount": amount}
    if len(years) > 1:
        text += ", " + _per_year_text(line.per_year, years)
    comparisons = []
    if line.vs_previous is not None:
        comparisons.append(_difference_text(line.vs_previous, what="previous"))
    if line.vs_share is not None:
        comparisons.append(_difference_text(line.vs_share, what="share"))
    if comparisons:
        text += "; " + _("that is %(comparisons)s") % {"comparisons": _(" and ").join(comparisons)}
    return text + "."


def decision_summary(round_: Round, subregion: SubRegion) -> DecisionSummary:
    """The summary of one sub-region's numbers in a round (about 8 queries)."""
    source, proposal, numbers = _numbers_of(round_)
    previous_round = allocation_selectors.previous_agreed_round(round_)
    empty = DecisionSummary(
        round=round_,
        subregion=subregion,
        source="",
        proposal=proposal,
        previous_round=previous_round,
        previous_scaled=False,
        years=rs.period_years(round_),
        groups=(),
        texts=(),
        run_id=None,
    )
    if numbers is None:
        return empty
    previous: dict[str, dict[str, int]] = {}
    scale = Fraction(1)
    if previous_round is not None:
        try:
            earlier = rs.agreed_result(previous_round)
        except rs.NotAdopted:
            previous_round = None
        else:
            previous = earlier.by_code()
            scale = Fraction(len(numbers.years), len(earlier.years))
    populations = _populations(numbers.run_id)
    target_groups = {g.code: g for g in TargetGroup.objects.filter(code__in=list(numbers.groups))}
    groups: list[SummaryGroup] = []
    texts: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for code in sorted(numbers.groups, key=lambda c: (target_groups[c].position, c)):
        group = target_groups[code]
        rows = numbers.groups[code]
        shares = _shares(rows, populations.get(code, {}))
        before = previous.get(code)
        lines = []
        for cbs, name, sub, number, per_year in rows:
            if sub != subregion.name:
                continue
            earlier_number = None if before is None else before.get(cbs)
            line = SummaryLine(
                code=cbs,
                name=name,
                number=number,
                per_year=per_year,
                previous=None
                if earlier_number is None
                else round_half_up(Fraction(earlier_number) * scale),
                share=round_half_up(shares[cbs]) if cbs in shares else None,
                explanation_url=reverse(
                    "allocation:run_group", kwargs={"pk": numbers.run_id, "group": code}
                )
                + f"#uitleg-{cbs}",
            )
            lines.append(line)
            names[cbs] = name
            texts.setdefault(cbs, []).append(_sentence(group, line, numbers.years))
        if not lines:
            continue
        with_previous = [ln.previous for ln in lines if ln.previous is not None]
        sub_shares = [shares[ln.code] for ln in lines if ln.code in shares]
        total = SummaryLine(
            code="",
            name=subregion.name,
            number=sum(ln.number for ln in lines),
            per_year=tuple(map(sum, zip(*(ln.per_year for ln in lines), strict=True))),
            previous=sum(with_previous) if len(with_previous) == len(lines) else None,
            share=round_half_up(sum(sub_shares, Fraction(0)))
            if len(sub_shares) == len(lines)
            else None,
        )
        groups.append(SummaryGroup(group=group, lines=tuple(lines), total=total))
    return DecisionSummary(
        round=round_,
        subregion=subregion,
        source=source,
        proposal=proposal,
        previous_round=previous_round,
        previous_scaled=previous_round is not None and scale != 1,
        years=numbers.years,
        groups=tuple(groups),
        texts=tuple(
            MunicipalityText(code=c, name=names[c], sentences=tuple(s)) for c, s in texts.items()
        ),
        run_id=numbers.run_id,
    )


# --- the page ---------------------------------------------------------------------------------


def _subregion_or_404(slug: str) -> SubRegion:
    subregion = SubRegion.objects.filter(slug=slug).first()
    if subregion is None:
        raise Http404(_("No sub-region with this name."))
    return subregion


def summary_default(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary of the user's own sub-region, or the list of sub-regions to choose from."""
    access.require(access.can_view_some_rounds(request.user))
    try:
        round_ = allocation_selectors.round_get(pk=pk)
    except Round.DoesNotExist:
        raise Http404(_("No round with this number.")) from None
    access.require(access.can_view_round(request.user, round_))
    membership = access.membership_of(request.user)
    own = None
    if membership is not None:
        own = membership.subregion or (
            membership.municipality.subregion if membership.municipality else None
        )
    if own is not None:
        return redirect("agreements:summary", pk=round_.pk, slug=own.slug)
    subregions = _visible_subregions(request, round_)
    if len(subregions) == 1:  # a partner in one sub-region
        return redirect("agreements:summary", pk=round_.pk, slug=subregions[0].slug)
    return render(
        request,
        "agreements/summary_choose.html",
        {"round": round_, "subregions": subregions},
    )


def _visible_subregions(request: HttpRequest, round_: Round) -> list[SubRegion]:
    """Every sub-region; for a partner those of its working area (issue 15)."""
    return [
        s
        for s in SubRegion.objects.order_by("name")
        if access.can_view_subregion_summary(request.user, round_, s)
    ]


def summary(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """One screen per sub-region: its numbers in a round, compared and in plain words."""
    if not access.can_view_some_rounds(request.user):
        raise PermissionDenied
    try:
        round_ = allocation_selectors.round_get(pk=pk)
    except Round.DoesNotExist:
        raise Http404(_("No round with this number.")) from None
    subregion = _subregion_or_404(slug)
    access.require(access.can_view_subregion_summary(request.user, round_, subregion))
    data = decision_summary(round_, subregion)
    my_subregion_id = access.decision_subregion_id(request.user)
    return render(
        request,
        "agreements/summary.html",
        {
            "round": round_,
            "s": data,
            "can_decide": my_subregion_id == subregion.pk
            and data.source == "proposal"
            and round_.status == RoundStatus.IN_REVIEW,
            "status_label": RoundStatus(round_.status).label,
            "subregions": _visible_subregions(request, round_),
        },
    )
