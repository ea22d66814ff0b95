"""The fall-back page's reads: per municipality and date, are regional agreements in force,
and how does what it agreed compare with the fall-back rule (DOMAIN.md 3, seed 002)?

"Lukt het als gemeente niet om vanaf 1 januari 2026 afspraken te hebben gemaakt met andere
gemeenten binnen de MRA, dan wordt nu gedacht aan de verplichting om 15% van de mutaties toe
te wijzen aan wettelijke urgenten." Agreements are in force on a date when an adopted round
covers it. The adopted numbers come only from `agreements.selectors.agreed_result` (the run
plus accepted transfers); the comparison itself is `allocation.selectors.fallback_comparison`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from agreements import selectors as agreement_selectors
from allocation import selectors as allocation_selectors
from allocation.engine import DEFAULT_FALLBACK_PCT
from allocation.models import Round, RoundStatus
from municipalities import selectors as municipality_selectors
from target_groups.models import TargetGroup

SEED_DATE = date(2026, 1, 1)
"""The date the seed names: from 1 January 2026 the fall-back rule is being considered."""


@dataclass(frozen=True)
class FallbackRow:
    """One municipality on the date; every number per year, in dwellings."""

    code: str
    name: str
    subregion: str
    in_force: bool
    mutations: Fraction | None
    mutations_year: int | None
    fallback: Fraction | None
    """pct x yearly mutations."""
    agreed: Fraction | None
    """Agreed in the date's year for the groups that count as statutory urgents (None when
    no agreements are in force)."""
    difference: Fraction | None
    """agreed - fallback."""

    @property
    def meets(self) -> bool | None:
        return None if self.difference is None else self.difference >= 0


@dataclass(frozen=True)
class FallbackPage:
    on: date
    round: Round | None
    """The adopted round in force on the date, if any."""
    year: int | None
    """The year of the period whose agreed numbers are compared."""
    pct: Fraction
    groups: tuple[str, ...]
    """Names of the groups that count as statutory urgents."""
    rows: tuple[FallbackRow, ...]

    @property
    def in_force_count(self) -> int:
        return sum(1 for row in self.rows if row.in_force)

    @property
    def without_count(self) -> int:
        return sum(1 for row in self.rows if not row.in_force)

    @property
    def below_count(self) -> int:
        return sum(1 for row in self.rows if row.meets is False)


def round_in_force(on: date) -> Round | None:
    """The adopted (agreed) round whose period covers the date; the newest when several."""
    return (
        Round.objects.filter(status=RoundStatus.AGREED, period_start__lte=on, period_end__gte=on)
        .order_by("-period_start", "-version", "-pk")
        .first()
    )


def _settings_round(on: date) -> Round | None:
    """Without agreements: the newest round covering the date sets the percentage and the
    groups (its draft settings), else the newest round that started before it."""
    covering = (
        Round.objects.filter(period_start__lte=on, period_end__gte=on)
        .exclude(status=RoundStatus.SUPERSEDED)
        .order_by("-period_start", "-version", "-pk")
        .first()
    )
    if covering is not None:
        return covering
    return (
        Round.objects.filter(period_start__lte=on)
        .exclude(status=RoundStatus.SUPERSEDED)
        .order_by("-period_start", "-pk")
        .first()
    )


def _year_index(years: tuple[int, ...], on: date) -> int:
    if on.year in years:
        return years.index(on.year)
    return 0 if on.year < years[0] else len(years) - 1


def _with_agreements(on: date, round_: Round) -> FallbackPage | None:
    try:
        agreed = agreement_selectors.agreed_result(round_)
    except agreement_selectors.NotAdopted:
        return None
    run = allocation_selectors.run_get(pk=agreed.run_id)
    comparison = allocation_selectors.fallback_comparison(
        run,
        agreed={
            code: {line.code: line.per_year for line in group.lines}
            for code, group in agreed.groups.items()
        },
    )
    if comparison is None:
        return None
    index = _year_index(comparison.years, on)
    in_agreement = {line.code for group in agreed.groups.values() for line in group.lines}
    year_of = run.scenario_settings["round"]["reference_year"] if run.scenario_settings else None
    rows = []
    for line in comparison.lines:
        agreed_year, difference = line.year(index)
        in_force = line.code in in_agreement
        rows.append(
            FallbackRow(
                code=line.code,
                name=line.name,
                subregion=line.subregion,
                in_force=in_force,
                mutations=line.mutations,
                mutations_year=year_of,
                fallback=line.fallback,
                agreed=agreed_year if in_force else None,
                difference=difference if in_force else None,
            )
        )
    return FallbackPage(
        on=on,
        round=round_,
        year=comparison.years[index],
        pct=comparison.pct,
        groups=tuple(comparison.group_names),
        rows=tuple(rows),
    )


def _without_agreements(on: date) -> FallbackPage:
    settings_round = _settings_round(on)
    if settings_round is not None:
        pct = Fraction(str(settings_round.fallback_pct)) / 100
        groups = tuple(g.name for g in allocation_selectors.round_fallback_groups(settings_round))
    else:
        pct = DEFAULT_FALLBACK_PCT
        groups = tuple(
            g.name
            for g in TargetGroup.objects.filter(counts_as_statutory_urgent=True).order_by(
                "position", "code"
            )
        )
    municipalities = list(municipality_selectors.municipality_list())
    latest = municipality_selectors.latest_confirmed_figures(
        codes=(allocation_selectors.MUTATIONS,), up_to_year=on.year
    )
    rows = []
    for m in municipalities:
        figures = latest.get(m.pk)
        value = figures.get(allocation_selectors.MUTATIONS) if figures else None
        mutations = None if value is None else Fraction(str(value))
        rows.append(
            FallbackRow(
                code=m.cbs_code,
                name=m.name,
                subregion=m.subregion.name,
                in_force=False,
                mutations=mutations,
                mutations_year=figures.years.get(allocation_selectors.MUTATIONS)
                if figures
                else None,
                fallback=None if mutations is None else pct * mutations,
                agreed=None,
                difference=None,
            )
        )
    return FallbackPage(on=on, round=None, year=None, pct=pct, groups=groups, rows=tuple(rows))


def fallback_on(on: date) -> FallbackPage:
    """Every municipality on the date: agreements in force or not, the fall-back figure per
    year (pct x yearly mutations), what it agreed that year for the statutory-urgent groups
    (in dwellings) and the difference. About 8 queries."""
    round_ = round_in_force(on)
    if round_ is not None:
        page = _with_agreements(on, round_)
        if page is not None:
            return page
    return _without_agreements(on)
