"""Reads for agreements and exports: the content of a PDF agreement of an adopted round.

Every number comes from `agreements.selectors.agreed_result` (the approved run plus the
accepted transfers, phased per year): the one source of truth of an adopted round. The
appendix explains each number from the run's stored steps (never recomputed). Texts come
from the round's standing texts (frozen at adoption), the target groups and the partners.
The document is Dutch whatever the interface language (see reports/wording.py).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone, translation

from agreements import selectors as agreement_selectors
from agreements.models import PartnerKind, PartnerRole
from agreements.selectors import AgreedGroup, AgreedLine, AgreedResult
from allocation.models import Round, RoundStatus, ScenarioRun
from municipalities.models import Indicator, MunicipalFigure, Municipality, SubRegion
from target_groups.models import GroupFigure

from . import acknowledgements
from . import wording as w
from .documents import (
    AgreementDocument,
    CalculationTable,
    FallbackRow,
    FallbackSection,
    FiguresTable,
    GroupSection,
    MethodBlock,
    MunicipalitySummary,
    NumberRow,
    OverviewRow,
    Party,
    SourceLine,
    SubregionTotal,
    SummaryItem,
    TransferLine,
)
from .models import AgreementDocument as AgreementDocumentModel
from .models import DocumentStatus

MRA_NAME = "Metropoolregio Amsterdam"
MRA_SLUG = "mra"
PROGRAMME_NAME = "Een thuis voor iedereen"

# Kept for the callers that format numbers and dates (exports, tests).
nl_number = w.nl_number
nl_date = w.nl_date
nl_pct = w.nl_pct

# The one NotAdopted: a round without an adopted agreement has no PDF, export or targets.
NotAdopted = agreement_selectors.NotAdopted


# --- rounds and their agreed numbers --------------------------------------------------------


def round_is_adopted(round_: Round) -> bool:
    return (
        round_.status in (RoundStatus.AGREED, RoundStatus.SUPERSEDED)
        and round_.agreed_run_id is not None
    )


def agreed_result(round_: Round) -> AgreedResult:
    """The agreed numbers of an adopted round (agreements.selectors.agreed_result)."""
    return agreement_selectors.agreed_result(round_)


def agreed_run_of(round_: Round) -> ScenarioRun:
    """The adopted computation of a round, with its stored data (for its explanation).
    Raises NotAdopted."""
    if not round_is_adopted(round_):
        raise NotAdopted(round_.pk)
    run_id: int = round_.agreed_run_id  # type: ignore[assignment]  # set when adopted
    run = (
        ScenarioRun.objects.select_related("scenario__round")
        .filter(pk=run_id, status="succeeded")
        .first()
    )
    if run is None or not run.results:
        raise NotAdopted(round_.pk)
    return run


def agreed_numbers(*, round_: Round, subregion: SubRegion | None) -> dict[str, list[AgreedLine]]:
    """Per group code, the agreed lines of the scope's municipalities (agreed_result)."""
    agreed = agreed_result(round_)
    return {
        code: [
            line for line in group.lines if subregion is None or line.subregion == subregion.name
        ]
        for code, group in agreed.groups.items()
    }


def scope_numbers(agreed: AgreedResult, scope: str | None) -> list[dict[str, Any]]:
    """The agreed numbers of one scope (a sub-region's name, None for the MRA) in canonical
    form: what a document of that scope must print, and what verification compares."""
    rows = []
    for code, group in agreed.groups.items():
        for line in group.lines:
            if scope is None or line.subregion == scope:
                rows.append(
                    {
                        "group": code,
                        "code": line.code,
                        "name": line.name,
                        "agreed": line.agreed,
                        "per_year": list(line.per_year),
                    }
                )
    return sorted(rows, key=lambda r: (r["group"], r["code"]))


def scope_numbers_digest(agreed: AgreedResult, scope: str | None) -> str:
    """SHA-256 of the scope's agreed numbers and the approved digest (in the PDF's metadata)."""
    payload = {"digest": agreed.digest, "numbers": scope_numbers(agreed, scope)}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def round_decision_date(round_: Round) -> date | None:
    """When the chair adopted the round (its status change to agreed)."""
    transition = agreement_selectors.adoption_transition(round_)
    if transition is not None:
        return timezone.localtime(transition.at).date()
    entry = (
        round_.history.filter(status=RoundStatus.AGREED)  # type: ignore[attr-defined]
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    return timezone.localtime(entry).date() if entry is not None else None


# --- stored documents -----------------------------------------------------------------------


def agreement_documents_of(*, round_: Round) -> QuerySet[AgreementDocumentModel]:
    """The stored documents of a round without their bytes, MRA first, then by name."""
    return (
        AgreementDocumentModel.objects.filter(round=round_)
        .select_related("subregion")
        .defer("pdf")
        .order_by(F("subregion__name").asc(nulls_first=True))
    )


def agreement_document_get(
    *, round_: Round, scope: str, with_pdf: bool = False
) -> AgreementDocumentModel | None:
    """The document of one scope (a sub-region's slug, or "mra"), or None."""
    qs = AgreementDocumentModel.objects.filter(round=round_).select_related("subregion")
    if not with_pdf:
        qs = qs.defer("pdf")
    if scope == MRA_SLUG:
        return qs.filter(subregion__isnull=True).first()
    return qs.filter(subregion__slug=scope).first()


def agreement_documents_by_digest(*, digest: str) -> list[AgreementDocumentModel]:
    """Ready documents that carry this approved digest (for verification)."""
    return list(
        AgreementDocumentModel.objects.filter(digest=digest, status=DocumentStatus.READY)
        .select_related("round", "subregion")
        .defer("pdf")
    )


def subregion_from_scope(scope: str) -> SubRegion | None:
    """The sub-region of a scope slug; None for "mra". Raises SubRegion.DoesNotExist."""
    if scope == MRA_SLUG:
        return None
    return SubRegion.objects.get(slug=scope)


# --- the document -----------------------------------------------------------------------


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _share_chart(
    rows: list[dict[str, Any]], *, scope: str, population_pct: float
) -> tuple[str, str]:
    """One chart for a sub-region: its share of the MRA per group, against its population."""
    from .charts import print_bars_svg

    population = w.nl_number(Decimal(str(population_pct)), 1)
    description = (
        f"Staafdiagram van het aandeel van {scope} in de MRA per doelgroep, voor de hele "
        f"periode; de stippellijn is het aandeel in de inwoners ({population}%). Dezelfde "
        "aantallen en aandelen staan in artikel 2, in de rijen Totaal."
    )
    svg = print_bars_svg(
        [
            (
                str(r["name"]),
                float(r["value"]),
                str(r["printed"]),
            )
            for r in rows
        ],
        reference=population_pct,
        reference_label=f"aandeel in de inwoners {population}%",
        value_title="Aandeel in de MRA (%)",
    )
    return _svg_uri(svg), description


def _population(a: Mapping[str, Any]) -> Decimal | None:
    value = (a["steps"]["indicators"].get("population") or {}).get("value")
    return None if value is None else Decimal(str(value))


def figure_sources(reference_year: int, indicator_codes: set[str]) -> list[SourceLine]:
    seen: dict[tuple[str, str, date | None], None] = {}
    for name, source, ref in (
        MunicipalFigure.objects.filter(year=reference_year, indicator__code__in=indicator_codes)
        .values_list("indicator__name_nl", "source", "reference_date")
        .distinct()
        .order_by("indicator__position", "source", "reference_date")
    ):
        seen.setdefault((name, source, ref), None)
    for source, ref in (
        GroupFigure.objects.filter(year=reference_year)
        .values_list("source", "reference_date")
        .distinct()
        .order_by("source", "reference_date")
    ):
        seen.setdefault(("Cijfers van de doelgroepen", source, ref), None)
    return [SourceLine(name, source, w.nl_date(ref)) for (name, source, ref) in seen]


def _group_mode(settings: Mapping[str, Any], method: str) -> str:
    from allocation.selectors import setting_mode

    mode = setting_mode(settings) if settings else ""
    if mode in w.MODE_SENTENCES_NL:
        return mode
    if method in ("statutory", "local"):
        return method
    return "spread"


def _maatwerk_warnings(run: ScenarioRun) -> dict[str, list[str]]:
    """Per group code, the Dutch maatwerk warnings (a group spread although spreading does
    not suit it, or a statutory task computed otherwise): allocation.selectors."""
    from allocation.selectors import maatwerk_warnings

    out: dict[str, list[str]] = {}
    with translation.override("nl"):
        for warning in maatwerk_warnings(run):
            out.setdefault(warning.group, []).append(str(warning.message))
    return out


@dataclass(frozen=True)
class _Context:
    round: Round
    agreed: AgreedResult
    run: ScenarioRun
    scope: str
    is_mra: bool
    municipalities: list[Municipality]
    indicator_names: dict[str, str]
    previous: AgreedResult | None
    previous_name: str
    warnings: dict[str, list[str]]
    common_weights: dict[str, Decimal]  # the weights the figures table shows the key of


def _previous(round_: Round) -> tuple[AgreedResult | None, str]:
    from allocation.selectors import previous_agreed_round

    previous = previous_agreed_round(round_)
    if previous is None:
        return None, ""
    try:
        return agreement_selectors.agreed_result(previous), previous.name
    except NotAdopted:
        return None, ""


def _weights(result: Mapping[str, Any]) -> dict[str, Decimal]:
    """A spread group's weights (the non-zero ones); empty for other groups."""
    if result.get("method") in ("statutory", "local"):
        return {}
    weights = {k: Decimal(str(v)) for k, v in (result.get("weights") or {}).items()}
    return {k: v for k, v in weights.items() if v}


def _group_section(
    ctx: _Context, code: str, group: AgreedGroup, general: dict[str, list[str]]
) -> GroupSection:
    results = (ctx.run.results or {})["groups"][code]
    result = results["result"]
    settings = (ctx.run.scenario_settings or {}).get("groups", {}).get(code, {})
    method = str(result.get("method") or settings.get("method") or "hamilton")
    stored = {a["code"]: a for a in result["allocations"]}
    unit = group.group.unit
    lines = [line for line in group.lines if ctx.is_mra or line.subregion == ctx.scope]
    lines.sort(key=lambda x: (x.subregion, x.name) if ctx.is_mra else (x.name,))
    rows = []
    for line in lines:
        population = _population(stored[line.code])
        per_1000 = w.nl_number(Decimal(line.agreed) * 1000 / population, 2) if population else "–"
        rows.append(
            NumberRow(
                code=line.code,
                name=line.name,
                subregion=line.subregion,
                allocation=line.allocation,
                computed=line.computed,
                backlog=line.backlog,
                transfer=line.transfer,
                agreed=line.agreed,
                per_year=line.per_year,
                per_1000=per_1000,
            )
        )
    scope_total = sum(r.agreed for r in rows)
    per_year = (
        tuple(map(sum, zip(*(r.per_year for r in rows), strict=True)))
        if rows
        else tuple(0 for _ in ctx.agreed.years)
    )
    subregion_totals: list[SubregionTotal] = []
    if ctx.is_mra:
        per_sub: dict[str, list[AgreedLine]] = {}
        for line in group.lines:
            per_sub.setdefault(line.subregion, []).append(line)
        subregion_totals = []
        for name, members in sorted(per_sub.items()):
            total = sum(line.agreed for line in members)
            subregion_totals.append(
                SubregionTotal(
                    name,
                    total,
                    w.nl_pct(total, group.total),
                    tuple(map(sum, zip(*(line.per_year for line in members), strict=True))),
                )
            )
    parts = w.calculation_table(
        result,
        [
            w.CalculationInput(
                name=line.name,
                allocation=stored[line.code],
                transfer=line.transfer,
                agreed=line.agreed,
            )
            for line in lines
        ],
        method=method,
        unit=unit,
        indicator_names=ctx.indicator_names,
        key_column=_weights(result) != ctx.common_weights,
    )
    calculation = CalculationTable(
        intro=tuple(parts.specific),
        columns=tuple(parts.columns),
        rows=tuple((name, tuple(row)) for name, row in parts.rows),
        notes=tuple(parts.notes),
    )
    general[code] = parts.general
    return GroupSection(
        code=code,
        name=group.group.name_nl,
        unit=w.unit_label(unit),
        definition=group.group.definition_nl,
        mode=w.MODE_SENTENCES_NL[_group_mode(settings, method)],
        household_size=w.nl_decimal(
            settings.get("household_size") or group.group.household_size, 2
        ),
        method=w.method_lines(settings, ctx.indicator_names, _group_mode(settings, method)),
        rows=rows,
        total=scope_total,
        total_per_year=per_year,
        mra_total=group.total,
        share_of_mra=w.nl_pct(scope_total, group.total),
        calculation=calculation,
        subregion_totals=subregion_totals,
        warnings=ctx.warnings.get(code, []),
        has_transfers=any(r.transfer for r in rows),
    )


def _change_sentence(
    ctx: _Context, code: str, line: AgreedLine, unit: str
) -> tuple[str, int | None]:
    if ctx.previous is None:
        return "", None
    before = ctx.previous.number(code, line.code)
    if before is None:
        return f"Nieuw ten opzichte van {ctx.previous_name}.", None
    old_years = len(ctx.previous.years) or 1
    new_years = len(ctx.agreed.years) or 1
    old_avg = Decimal(before) / old_years
    new_avg = Decimal(line.agreed) / new_years
    diff = new_avg - old_avg
    if diff == 0:
        trend = "evenveel als"
    elif diff > 0:
        trend = f"{w.nl_decimal(diff, 1)} per jaar meer dan"
    else:
        trend = f"{w.nl_decimal(-diff, 1)} per jaar minder dan"
    return (
        f"In {ctx.previous_name} was dit {w.nl_number(before)} {w.unit_words(unit, before)} "
        f"voor de hele periode, gemiddeld {w.nl_decimal(old_avg, 1)} per jaar; nu gemiddeld "
        f"{w.nl_decimal(new_avg, 1)} per jaar: {trend} in de vorige ronde.",
        before,
    )


def _summaries(ctx: _Context, transfers: list[TransferLine]) -> list[MunicipalitySummary]:
    summaries = []
    lines_by_muni: dict[str, list[tuple[str, AgreedGroup, AgreedLine]]] = {}
    for code, group in ctx.agreed.groups.items():
        for line in group.lines:
            lines_by_muni.setdefault(line.code, []).append((code, group, line))
    years = ctx.agreed.years
    for m in ctx.municipalities:
        items = []
        notes = []
        for code, group, line in lines_by_muni.get(m.cbs_code, []):
            unit = group.group.unit
            name = group.group.name_nl
            sentence = (
                f"{w.nl_number(line.agreed)} {w.unit_words(unit, line.agreed)} uit de groep "
                f"{name.lower()}: {w.per_year_text(line.per_year, years)}."
            )
            change, before = _change_sentence(ctx, code, line, unit)
            items.append(
                SummaryItem(
                    group=name,
                    unit=w.unit_label(unit),
                    agreed=line.agreed,
                    per_year=line.per_year,
                    sentence=sentence,
                    change=change,
                    previous=before,
                )
            )
            if line.backlog > 0:
                notes.append(
                    f"Bij {name.lower()} is een achterstand van {w.nl_number(line.backlog)} "
                    f"{w.unit_words(unit, line.backlog)} uit de vorige periode meegeteld."
                )
            elif line.backlog < 0:
                notes.append(
                    f"Bij {name.lower()} is een voorsprong van {w.nl_number(-line.backlog)} "
                    f"{w.unit_words(unit, -line.backlog)} uit de vorige periode verrekend."
                )
        notes.extend(t.sentence for t in transfers if m.name in (t.giver, t.taker))
        summaries.append(
            MunicipalitySummary(
                code=m.cbs_code, name=m.name, subregion=m.subregion.name, items=items, notes=notes
            )
        )
    return summaries


def _transfers(ctx: _Context) -> list[TransferLine]:
    names = {m.cbs_code: m.name for m in Municipality.objects.only("cbs_code", "name")}
    in_scope = {m.cbs_code for m in ctx.municipalities}
    out = []
    for t in ctx.agreed.transfers:
        if not ctx.is_mra and t["from"] not in in_scope and t["to"] not in in_scope:
            continue
        group = ctx.agreed.groups.get(t["group"])
        if group is None:
            continue
        unit = group.group.unit
        amount = int(t["amount"])
        giver, taker = names.get(t["from"], t["from"]), names.get(t["to"], t["to"])
        out.append(
            TransferLine(
                group=group.group.name_nl,
                unit=w.unit_label(unit),
                giver=giver,
                taker=taker,
                amount=amount,
                sentence=(
                    f"{taker} neemt van {giver} {w.nl_number(amount)} "
                    f"{w.unit_words(unit, amount)} over uit de groep {group.group.name_nl.lower()}."
                ),
            )
        )
    return out


def _dec(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _fallback(ctx: _Context) -> FallbackSection | None:
    """The fall-back rule per municipality and year (allocation.selectors.
    fallback_comparison on the agreed numbers per year, so accepted transfers count): the
    round's percentage of the yearly mutations against what each municipality agreed per
    year for the groups that count as statutory urgents, in dwellings."""
    from allocation.selectors import fallback_comparison

    agreed_per_year = {
        code: {line.code: line.per_year for line in group.lines}
        for code, group in ctx.agreed.groups.items()
    }
    comparison = fallback_comparison(ctx.run, agreed=agreed_per_year)
    if comparison is None or not comparison.groups:
        return None
    in_scope = {m.cbs_code for m in ctx.municipalities}
    rows = []
    for line in comparison.lines:
        if line.code not in in_scope or line.fallback is None or line.mutations is None:
            continue
        for index, year in enumerate(comparison.years):
            agreed, difference = line.year(index)
            rows.append(
                FallbackRow(
                    municipality=line.name,
                    year=year,
                    mutations=w.nl_number(_dec(line.mutations)),
                    fallback=w.nl_number(_dec(line.fallback), 1),
                    agreed=w.nl_number(_dec(agreed), 1),
                    difference=w.nl_number(_dec(difference), 1) if difference is not None else "–",
                    meets=difference is not None and difference >= 0,
                )
            )
    if not rows:
        return None
    names = {code: group.group.name_nl.lower() for code, group in ctx.agreed.groups.items()}
    return FallbackSection(
        pct=w.nl_decimal(_dec(comparison.pct) * 100, 2) + "%",
        groups=[names.get(code, name) for code, name in comparison.groups],
        rows=rows,
    )


def _figures(ctx: _Context) -> FiguresTable | None:
    """The figures of the scope's municipalities that the keys of the spread groups use, with
    the key w of the groups that share the common weights."""
    codes: list[str] = []
    source: Mapping[str, Any] | None = None
    for data in (ctx.run.results or {}).get("groups", {}).values():
        result = data["result"]
        weights = _weights(result)
        for code in weights:
            if code not in codes:
                codes.append(code)
        if weights and weights == ctx.common_weights and source is None:
            source = result
    if source is None or not codes:
        return None
    order = list(ctx.indicator_names)
    codes.sort(key=lambda c: order.index(c) if c in order else len(order))
    allocations = [a for a in source["allocations"] if ctx.is_mra or a["subregion"] == ctx.scope]
    allocations.sort(key=lambda a: (a["subregion"], a["name"]) if ctx.is_mra else (a["name"],))
    columns, rows, totals = w.figures_table(
        allocations, codes, ctx.indicator_names, key=True, everyone=source["allocations"]
    )
    return FiguresTable(
        columns=tuple(columns),
        rows=tuple((name, tuple(cells)) for name, cells in rows),
        totals=tuple(totals),
    )


def _calculation_method(
    ctx: _Context, groups: list[GroupSection], general: dict[str, list[str]]
) -> list[str]:
    """How to read the calculation tables, each sentence once: a sentence that holds for
    some groups only names them."""
    names = {g.code: g.name.lower() for g in groups}
    sentences: dict[str, list[str]] = {}
    for code, lines in general.items():
        for line in lines:
            sentences.setdefault(line, []).append(code)
    out = []
    if ctx.common_weights:
        out.append(
            w.key_sentence(ctx.common_weights, ctx.indicator_names).replace(
                "(de aandelen staan in de tabel met de cijfers van de gemeenten)",
                "(de kolom sleutel w in de tabel met de cijfers van de gemeenten)",
            )
        )
    for line, codes in sentences.items():
        if len(codes) == len(general):
            out.append(line)
        else:
            out.append(f"Bij {w.nl_list([names[c] for c in codes])}: {line[0].lower()}{line[1:]}")
    return out


def _method_blocks(groups: list[GroupSection]) -> list[MethodBlock]:
    """The groups' methods, groups with the same method together (said once)."""
    blocks: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for g in groups:
        label = f"{g.name} ({g.unit}; gemiddelde huishoudgrootte {g.household_size})"
        blocks.setdefault((g.mode, tuple(g.method)), []).append(label)
    return [
        MethodBlock(groups=tuple(names), mode=mode, lines=lines)
        for (mode, lines), names in blocks.items()
    ]


def _overview(ctx: _Context) -> list[OverviewRow]:
    """The MRA-wide document's first pages: per municipality its number for every group, and
    against the previous round the change of the average per year."""
    by_code = {
        code: {line.code: line for line in group.lines} for code, group in ctx.agreed.groups.items()
    }
    new_years = len(ctx.agreed.years) or 1
    old_years = len(ctx.previous.years) or 1 if ctx.previous is not None else 1
    rows = []
    for m in ctx.municipalities:
        agreed: list[str] = []
        change: list[str] = []
        for code in ctx.agreed.groups:
            line = by_code[code].get(m.cbs_code)
            agreed.append(w.nl_number(line.agreed) if line is not None else "–")
            if ctx.previous is None or line is None:
                continue
            before = ctx.previous.number(code, line.code)
            if before is None:
                change.append("nieuw")
                continue
            diff = Decimal(line.agreed) / new_years - Decimal(before) / old_years
            sign = "+" if diff > 0 else "−" if diff < 0 else ""
            change.append(sign + w.nl_decimal(abs(diff), 1))
        rows.append(
            OverviewRow(
                name=m.name, subregion=m.subregion.name, agreed=tuple(agreed), change=tuple(change)
            )
        )
    return rows


def _parties(
    ctx: _Context, subregion: SubRegion | None
) -> tuple[list[Party], list[Party], list[Party], Party]:
    municipalities = [
        Party(
            name=(f"Het college van burgemeester en wethouders van de gemeente {m.name}"),
            short=f"Gemeente {m.name}",
            represented_by="de wethouder die wonen en zorg in portefeuille heeft",
            kind="gemeente",
            role="partij",
        )
        for m in ctx.municipalities
    ]
    partners: list[Party] = []
    observers: list[Party] = []
    kind_nl: dict[str, str] = {
        PartnerKind.CORPORATION: "woningcorporatie",
        PartnerKind.CARE_PROVIDER: "zorgaanbieder",
        PartnerKind.PROVINCE: "provincie",
        PartnerKind.OTHER: "partner",
    }
    seen: set[str] = set()
    acknowledged = acknowledgements.for_round(ctx.round, subregion.pk if subregion else None)
    for p in agreement_selectors.partners_of(subregion):
        if p.name in seen:
            continue
        seen.add(p.name)
        party = Party(
            name=p.name,
            short=p.name,
            represented_by=p.representative or "de directeur of bestuurder",
            kind=kind_nl.get(p.kind, "partner"),
            role="medeondertekenaar" if p.role == PartnerRole.CO_SIGNER else "waarnemer",
            signs=p.role == PartnerRole.CO_SIGNER,
            acknowledged=acknowledged.get(p.name, ""),
        )
        (partners if party.signs else observers).append(party)
    provinces = sorted({m.get_province_display() for m in ctx.municipalities})
    for province in provinces:
        name = f"Provincie {province}"
        if name in seen:
            continue
        seen.add(name)
        observers.append(
            Party(
                name=f"Gedeputeerde Staten van de provincie {province}",
                short=name,
                represented_by="de gedeputeerde voor wonen",
                kind="provincie",
                role="waarnemer",
                signs=False,
            )
        )
    transition = agreement_selectors.adoption_transition(ctx.round)
    chair_name = ""
    if transition is not None and transition.user is not None:
        chair_name = transition.user.get_full_name()
    chair = Party(
        name=f"De stuurgroep {PROGRAMME_NAME} van de {MRA_NAME}",
        short="Stuurgroep",
        represented_by=f"de voorzitter{', ' + chair_name if chair_name else ''}",
        kind="stuurgroep",
        role="partij",
    )
    return municipalities, partners, observers, chair


def agreement_document_build(
    *, round_: Round, subregion: SubRegion | None, charts: bool = True
) -> AgreementDocument:
    """The content of one agreement from the round's agreed numbers. Raises NotAdopted."""
    agreed = agreed_result(round_)
    run = ScenarioRun.objects.select_related("scenario").get(pk=agreed.run_id)
    results = run.results or {}
    settings = run.scenario_settings or {}
    inputs = run.inputs or {}
    is_mra = subregion is None
    scope = subregion.name if subregion is not None else MRA_NAME
    municipalities = list(
        Municipality.objects.select_related("subregion")
        .filter(**({} if is_mra else {"subregion": subregion}))
        .order_by(*(("subregion__name", "name") if is_mra else ("name",)))
    )
    previous, previous_name = _previous(round_)
    ctx = _Context(
        round=round_,
        agreed=agreed,
        run=run,
        scope=scope,
        is_mra=is_mra,
        municipalities=municipalities,
        indicator_names={i.code: i.name_nl for i in Indicator.objects.all()},
        previous=previous,
        previous_name=previous_name,
        warnings=_maatwerk_warnings(run),
        common_weights=next(
            (
                weights
                for code in agreed.groups
                if (weights := _weights(results.get("groups", {}).get(code, {}).get("result", {})))
            ),
            {},
        ),
    )
    general: dict[str, list[str]] = {}
    groups = [_group_section(ctx, code, group, general) for code, group in agreed.groups.items()]
    transfers = _transfers(ctx)
    texts = agreement_selectors.standing_texts(round_)
    municipality_parties, partners, observers, chair = _parties(ctx, subregion)

    illustrative: set[str] = set()
    used_indicators: set[str] = {"population"}
    for code in agreed.groups:
        illustrative.update(inputs.get(code, {}).get("provenance", {}).get("illustrative", []))
        used_indicators.update(settings.get("groups", {}).get(code, {}).get("weights", {}))
    illustrative_names = sorted(
        ctx.indicator_names.get(c, "cijfers van de doelgroepen").lower() for c in illustrative
    )

    population_pct: Decimal | None = None
    summary_svg = summary_alt = ""
    if not is_mra and groups:
        first = next(iter(results.get("groups", {}).values()), None)
        if first is not None:
            mine = everyone = Decimal(0)
            for a in first["result"]["allocations"]:
                population = _population(a) or Decimal(0)
                everyone += population
                if a["subregion"] == scope:
                    mine += population
            population_pct = Decimal(100) * mine / everyone if everyone else None
        if charts:
            summary_svg, summary_alt = _share_chart(
                [
                    {
                        "name": g.name,
                        "value": float(Decimal(100) * g.total / g.mra_total)
                        if g.mra_total
                        else 0.0,
                        "printed": g.share_of_mra,
                    }
                    for g in groups
                ],
                scope=scope,
                population_pct=float(population_pct or 0),
            )

    period = w.period_label(round_.period_start, round_.period_end)
    versions = [
        f"{w.TEXT_NAMES_NL[kind]} versie {t.version}"
        if t.version
        else f"{w.TEXT_NAMES_NL[kind]} standaardtekst"
        for kind, t in texts.items()
    ]
    return AgreementDocument(
        title=f"Regionale afspraken {PROGRAMME_NAME}, {scope}, {period}",
        scope=scope,
        period_label=period,
        period=f"{w.nl_date(round_.period_start)} tot en met {w.nl_date(round_.period_end)}",
        start=w.nl_date(round_.period_start),
        end=w.nl_date(round_.period_end),
        years=agreed.years,
        version=round_.version,
        decision_date=w.nl_date(round_decision_date(round_)),
        digest=agreed.digest,
        run_digest=agreed.run_digest,
        round_name=round_.name,
        scenario_name=run.scenario.name,
        reference_year=round_.reference_year,
        is_mra=is_mra,
        municipalities=municipality_parties,
        partners=partners,
        observers=observers,
        chair=chair,
        considerations=texts["considerations"].paragraphs,
        definitions=texts["definitions"].paragraphs,
        conditions=texts["conditions"].paragraphs,
        summaries=[] if is_mra else _summaries(ctx, transfers),
        groups=groups,
        transfers=transfers,
        sources=figure_sources(round_.reference_year, used_indicators),
        previous_round=previous_name,
        fallback=_fallback(ctx),
        illustrative=bool(illustrative),
        illustrative_note=w.nl_list(illustrative_names),
        text_versions=", ".join(versions),
        summary_chart_svg=summary_svg,
        summary_chart_alt=summary_alt,
        population_share=w.nl_number(population_pct, 1) + "%" if population_pct else "",
        figures=_figures(ctx),
        calculation_method=_calculation_method(ctx, groups, general),
        methods=_method_blocks(groups),
        overview=_overview(ctx) if is_mra else [],
    )


# --- editions of the stored documents (issue 15) --------------------------------------------


@dataclass(frozen=True)
class DocumentEditions:
    """The editions of one scope's document in a round: the newest (whatever its status),
    the newest ready one (what a download gives) and the ready editions before that."""

    latest: AgreementDocumentModel
    ready: AgreementDocumentModel | None
    earlier: list[AgreementDocumentModel]

    @property
    def subregion(self) -> SubRegion | None:
        return self.latest.subregion

    @property
    def scope_slug(self) -> str:
        return self.latest.scope_slug


def agreement_document_editions(*, round_: Round) -> list[DocumentEditions]:
    """Per scope of the round (MRA first, then by name) its editions, without their bytes
    (1 query). Earlier ready editions are listed newest first."""
    by_scope: dict[int | None, list[AgreementDocumentModel]] = {}
    for document in (
        AgreementDocumentModel.objects.filter(round=round_)
        .select_related("subregion")
        .defer("pdf")
        .order_by(F("subregion__name").asc(nulls_first=True), "-edition")
    ):
        by_scope.setdefault(document.subregion_id, []).append(document)
    out = []
    for documents in by_scope.values():
        ready = [d for d in documents if d.status == DocumentStatus.READY]
        newest_ready = ready[0] if ready else None
        out.append(
            DocumentEditions(
                latest=documents[0],
                ready=newest_ready,
                earlier=[d for d in ready if d is not newest_ready],
            )
        )
    return out


def agreement_documents_latest(*, round_: Round) -> list[AgreementDocumentModel]:
    """The newest edition of every scope's document, without bytes, MRA first (1 query)."""
    return [e.latest for e in agreement_document_editions(round_=round_)]


def agreement_document_edition(
    *,
    round_: Round,
    scope: str,
    edition: int | None = None,
    ready: bool = False,
    with_pdf: bool = False,
) -> AgreementDocumentModel | None:
    """One edition of a scope's document (a sub-region's slug, or "mra"): the given edition,
    or the newest one (with ``ready``: the newest ready one); None when there is none."""
    qs = AgreementDocumentModel.objects.filter(round=round_).select_related("subregion")
    if not with_pdf:
        qs = qs.defer("pdf")
    if scope == MRA_SLUG:
        qs = qs.filter(subregion__isnull=True)
    else:
        qs = qs.filter(subregion__slug=scope)
    if ready:
        qs = qs.filter(status=DocumentStatus.READY)
    if edition is not None:
        qs = qs.filter(edition=edition)
    return qs.order_by("-edition").first()
