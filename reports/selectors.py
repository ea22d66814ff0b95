"""Reads for agreements and exports: the content of a PDF agreement, built from the frozen
snapshot of a round's agreed run (its stored settings, inputs and results; never recomputed).

Only texts (group definitions, the names and sources of the figures) come from the current
database; every number in an agreement comes from the agreed run.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from allocation.models import Round, RoundStatus, RunStatus, ScenarioRun
from municipalities.models import Indicator, MunicipalFigure, SubRegion
from target_groups.models import GroupFigure, TargetGroup

from .documents import (
    AgreementDocument,
    AgreementRow,
    CalculationLine,
    GroupSection,
    SourceLine,
    SubregionTotal,
)
from .models import AgreementDocument as AgreementDocumentModel
from .models import DocumentStatus

MRA_NAME = "Metropoolregio Amsterdam"
MRA_SLUG = "mra"

MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


# --- Dutch number formats ---------------------------------------------------------------


def nl_number(value: Decimal | int | str | None, places: int = 0) -> str:
    """12345.678 -> "12.345,68" (places=2). None -> "–"."""
    if value is None:
        return "–"
    number = Decimal(str(value))
    quant = Decimal(1).scaleb(-places)
    text = f"{number.quantize(quant, rounding=ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def nl_date(value: date | None) -> str:
    if value is None:
        return "–"
    return f"{value.day} {MONTHS_NL[value.month - 1]} {value.year}"


def nl_pct(part: int | Decimal, whole: int | Decimal, places: int = 1) -> str:
    if not whole:
        return "–"
    return nl_number(Decimal(100) * Decimal(part) / Decimal(whole), places) + "%"


# --- rounds and their agreed run --------------------------------------------------------


class NotAdopted(Exception):
    """The round has no adopted (agreed) computation: there is nothing to put in a PDF."""


def round_is_adopted(round_: Round) -> bool:
    return (
        round_.status in (RoundStatus.AGREED, RoundStatus.SUPERSEDED)
        and round_.agreed_run_id is not None
    )


def agreed_run_of(round_: Round) -> ScenarioRun:
    """The adopted computation of a round, with its stored data. Raises NotAdopted."""
    if not round_is_adopted(round_):
        raise NotAdopted(round_.pk)
    run_id: int = round_.agreed_run_id  # type: ignore[assignment]  # set when adopted
    run = (
        ScenarioRun.objects.select_related("scenario__round")
        .filter(pk=run_id, status=RunStatus.SUCCEEDED)
        .first()
    )
    if run is None or not run.results:
        raise NotAdopted(round_.pk)
    return run


def round_decision_date(round_: Round) -> date | None:
    """When the round was adopted: the first history entry with status agreed."""
    explicit = getattr(round_, "agreed_at", None)
    if explicit is not None:
        return explicit.date() if hasattr(explicit, "date") else explicit
    entry = (
        round_.history.filter(status=RoundStatus.AGREED)  # type: ignore[attr-defined]
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    if entry is None:
        return None
    from django.utils import timezone

    return timezone.localtime(entry).date()


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


def agreement_document_by_digest(*, digest: str) -> list[AgreementDocumentModel]:
    """Ready documents generated from a run with this digest (for verification)."""
    return list(
        AgreementDocumentModel.objects.filter(run_digest=digest, status=DocumentStatus.READY)
        .select_related("round", "round__agreed_run", "subregion")
        .defer("pdf")
    )


def subregion_from_scope(scope: str) -> SubRegion | None:
    """The sub-region of a scope slug; None for "mra". Raises SubRegion.DoesNotExist."""
    if scope == MRA_SLUG:
        return None
    return SubRegion.objects.get(slug=scope)


# --- the document -----------------------------------------------------------------------


def _method_lines(settings: Mapping[str, Any], indicator_names: Mapping[str, str]) -> list[str]:
    lines = []
    weights = settings.get("weights") or {}
    if weights:
        parts = [
            _("%(pct)s %(indicator)s")
            % {
                "pct": nl_number(Decimal(w) * 100, 1).removesuffix(",0") + "%",
                "indicator": indicator_names.get(code, code).lower(),
            }
            for code, w in weights.items()
        ]
        lines.append(_("Distribution key: %(parts)s.") % {"parts": ", ".join(parts)})
    source = settings.get("task_source")
    if source == "entered":
        lines.append(
            _("Regional task: the entered total of %(total)s.")
            % {"total": nl_number(settings.get("entered_total"))}
        )
    elif source == "statutory":
        lines.append(_("Regional task: the sum of the statutory tasks."))
    else:
        lines.append(_("Regional task: the sum of the demand the municipalities reported."))
    factor = Decimal(settings.get("credit_factor") or 0)
    if factor:
        lines.append(
            _("Credit for existing effort: factor %(factor)s of what a municipality already does.")
            % {"factor": nl_number(factor, 2)}
        )
    else:
        lines.append(_("No credit for existing effort."))
    if settings.get("max_credit_fraction") is not None:
        lines.append(
            _("Credit cuts a share by at most %(pct)s.")
            % {"pct": nl_number(Decimal(settings["max_credit_fraction"]) * 100, 0) + "%"}
        )
    if settings.get("upper_bound_mutations_pct") is not None:
        lines.append(
            _("Upper bound: at most %(pct)s of a municipality's yearly mutations.")
            % {"pct": nl_number(Decimal(settings["upper_bound_mutations_pct"]), 1) + "%"}
        )
    method_names = {
        "hamilton": _("largest remainder (Hamilton)"),
        "sainte-lague": "Sainte-Laguë",
        "dhondt": "D'Hondt",
        "huntington-hill": "Huntington-Hill",
        "statutory": _("statutory task (Huisvestingswet 2014, art. 29)"),
    }
    method = settings.get("method", "hamilton")
    lines.append(
        _("Rounding to whole numbers: %(method)s.") % {"method": method_names.get(method, method)}
    )
    if settings.get("two_tier"):
        lines.append(_("Two tiers: first per sub-region, then within each sub-region."))
    if settings.get("carry_over"):
        lines.append(_("The backlog of the previous period is added to the new task."))
    return lines


def _calculation(
    a: Mapping[str, Any], indicator_names: Mapping[str, str], total: int
) -> CalculationLine:
    steps = a["steps"]
    lines: list[str] = []
    parts = []
    for code, ind in steps["indicators"].items():
        if ind.get("weight") is None or ind.get("share") is None:
            continue
        parts.append(
            _("%(indicator)s %(value)s of %(total)s = %(share)s × weight %(weight)s")
            % {
                "indicator": indicator_names.get(code, code),
                "value": nl_number(ind["value"], 0 if Decimal(ind["value"]) % 1 == 0 else 2),
                "total": nl_number(ind["regional_total"], 0),
                "share": nl_number(ind["share"], 6),
                "weight": nl_number(ind["weight"], 4),
            }
        )
    if parts:
        lines.append(
            _("Key w = %(parts)s; w = %(key)s.")
            % {"parts": "; ".join(parts), "key": nl_number(steps["key"], 6)}
        )
    lines.append(
        _("Uncorrected share w × T = %(key)s × %(total)s = %(share)s.")
        % {
            "key": nl_number(steps["key"], 6),
            "total": nl_number(total),
            "share": nl_number(steps["uncorrected_share"], 4),
        }
    )
    credit = steps["credit"]
    if Decimal(credit["factor"]):
        lines.append(
            _(
                "Credit: existing effort %(effort)s × factor %(factor)s = %(credit)s; "
                "corrected quota q = %(corrected)s."
            )
            % {
                "effort": nl_number(credit["existing_effort"], 0),
                "factor": nl_number(credit["factor"], 2),
                "credit": nl_number(credit["credit"], 4),
                "corrected": nl_number(credit["corrected_quota"], 4),
            }
        )
        if credit.get("already_does_more_than_its_share"):
            lines.append(_("Already does more than its share: gets 0."))
    bounds = steps["bounds"]
    if bounds.get("lower") is not None or bounds.get("upper") is not None:
        lines.append(
            _("Bounds: lower %(lower)s, upper %(upper)s; bound reached: %(hit)s.")
            % {
                "lower": nl_number(bounds.get("lower"), 4),
                "upper": nl_number(bounds.get("upper"), 4),
                "hit": bounds.get("bound_hit") or _("none"),
            }
        )
    if "subregion" in steps:
        sub = steps["subregion"]
        lines.append(
            _("Sub-region %(name)s: quota %(quota)s, whole number %(allocation)s.")
            % {
                "name": sub["name"],
                "quota": nl_number(sub["quota"], 4),
                "allocation": sub["allocation"],
            }
        )
    if "statutory" in steps:
        st = steps["statutory"]
        lines.append(
            _("Statutory task: %(vg)s × %(p)s / %(pnl)s, rounded up.")
            % {
                "vg": nl_number(st["national_total"]),
                "p": nl_number(st["population"], 0),
                "pnl": nl_number(st["national_population"]),
            }
        )
    lines.append(_("Quota a = %(quota)s.") % {"quota": nl_number(steps["quota"], 6)})
    rounding = steps["rounding"]
    lines.append(
        _("Rounding: whole part %(floor)s, remainder %(rest)s, rank %(rank)s: %(decision)s.")
        % {
            "floor": rounding["floor"],
            "rest": nl_number(rounding["remainder"], 6),
            "rank": rounding["rank"] if rounding.get("rank") is not None else "–",
            "decision": rounding.get("decision") or "–",
        }
    )
    lines.append(
        _("Agreed number n = %(n)s; backlog %(b)s; total %(t)s.")
        % {"n": a["allocation"], "b": a["backlog"], "t": a["total_with_backlog"]}
    )
    lines.append(
        _("Per 1,000 inhabitants: %(per)s; pure population share %(pop)s (difference %(diff)s).")
        % {
            "per": nl_number(steps.get("per_1000_inhabitants"), 2),
            "pop": nl_number(steps.get("population_share"), 2),
            "diff": nl_number(steps.get("difference_from_population_share"), 2),
        }
    )
    return CalculationLine(municipality=a["name"], lines=tuple(lines))


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _chart(rows: list[dict[str, Any]], *, title: str, category_title: str) -> tuple[str, str]:
    from .charts import bar_chart

    description = _("Bar chart of the agreed numbers in %(title)s; the table shows the same.") % {
        "title": title
    }
    chart = bar_chart(
        rows,
        category="name",
        value="value",
        title=title,
        value_title=_("Agreed"),
        category_title=category_title,
        description=description,
        value_format=",d",
    )
    return _svg_uri(chart.svg()), description


def _share_chart(
    rows: list[dict[str, Any]], *, scope: str, population_pct: float
) -> tuple[str, str]:
    """One chart for a sub-region: its share of the MRA per group, against its population."""
    from .charts import bar_chart

    description = _(
        "Bar chart of the share of %(scope)s in the MRA per target group; the dashed line is "
        "its share of the inhabitants (%(pct)s). The table above shows the same."
    ) % {"scope": scope, "pct": nl_number(Decimal(str(population_pct)), 1) + "%"}
    chart = bar_chart(
        rows,
        category="name",
        value="value",
        title=_("Share of %(scope)s in the MRA per target group") % {"scope": scope},
        value_title=_("Share of the MRA (%)"),
        category_title=_("Target group"),
        description=description,
        reference=population_pct,
        reference_title=_("Share of the inhabitants"),
        value_format=",.1f",
    )
    return _svg_uri(chart.svg()), description


def _population_pct(allocations: list[Mapping[str, Any]], scope: str) -> Decimal | None:
    """The sub-region's share of the MRA's inhabitants, in percent, from the stored steps."""
    mine = everyone = Decimal(0)
    for a in allocations:
        population = (a["steps"]["indicators"].get("population") or {}).get("value")
        if population is None:
            return None
        everyone += Decimal(population)
        if a["subregion"] == scope:
            mine += Decimal(population)
    return Decimal(100) * mine / everyone if everyone else None


@dataclass(frozen=True)
class _Texts:
    groups: dict[str, TargetGroup]
    indicator_names: dict[str, str]


def _texts() -> _Texts:
    return _Texts(
        groups={g.code: g for g in TargetGroup.objects.all()},
        indicator_names={i.code: i.name_nl for i in Indicator.objects.all()},
    )


def figure_sources(reference_year: int, indicator_codes: set[str]) -> list[SourceLine]:
    seen: dict[tuple[str, str, date], None] = {}
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
        seen.setdefault((_("Target-group figures"), source, ref), None)
    return [SourceLine(name, source, ref) for (name, source, ref) in seen]


def agreement_document_build(
    *, round_: Round, subregion: SubRegion | None, charts: bool = True
) -> AgreementDocument:
    """The content of one agreement from the round's agreed run. Raises NotAdopted."""
    run = agreed_run_of(round_)
    results = run.results or {}
    settings = run.scenario_settings or {}
    inputs = run.inputs or {}
    texts = _texts()
    scope = subregion.name if subregion is not None else MRA_NAME
    is_mra = subregion is None

    groups: list[GroupSection] = []
    parties: list[str] = []
    illustrative: set[str] = set()
    used_indicators: set[str] = {"population"}
    population_pct: Decimal | None = None
    for code, data in results.get("groups", {}).items():
        result = data["result"]
        group_settings = settings.get("groups", {}).get(code, {})
        provenance = inputs.get(code, {}).get("provenance", {})
        illustrative.update(provenance.get("illustrative", []))
        used_indicators.update(group_settings.get("weights", {}).keys())
        group = texts.groups.get(code)
        allocations = [a for a in result["allocations"] if is_mra or a["subregion"] == scope]
        allocations.sort(key=lambda a: (a["subregion"], a["name"]) if is_mra else a["name"])
        if not parties:
            parties = [a["name"] for a in allocations]
        rows = [
            AgreementRow(
                code=a["code"],
                name=a["name"],
                agreed=a["allocation"],
                backlog=a["backlog"],
                total=a["total_with_backlog"],
                per_1000=nl_number(a["steps"].get("per_1000_inhabitants"), 2),
                transfer=a.get("transfer"),
                subregion=a["subregion"],
            )
            for a in allocations
        ]
        mra_total = sum(a["total_with_backlog"] for a in result["allocations"])
        scope_total = sum(r.total for r in rows)
        subregion_totals = []
        if is_mra:
            per_sub: dict[str, int] = {}
            for a in result["allocations"]:
                per_sub[a["subregion"]] = per_sub.get(a["subregion"], 0) + a["total_with_backlog"]
            subregion_totals = [
                SubregionTotal(name, total, nl_pct(total, mra_total))
                for name, total in sorted(per_sub.items())
            ]
        name = group.name_nl if group else group_settings.get("name", code)
        chart_svg = chart_alt = ""
        if charts and rows and is_mra:
            chart_svg, chart_alt = _chart(
                [{"name": s.name, "value": s.total} for s in subregion_totals],
                title=f"{name}: {scope}",
                category_title=_("Sub-region"),
            )
        if not population_pct and not is_mra:
            population_pct = _population_pct(result["allocations"], scope)
        total = result["total"] or 0
        groups.append(
            GroupSection(
                code=code,
                name=name,
                unit=group.get_unit_display() if group else group_settings.get("unit", ""),
                definition=group.definition_nl if group else "",
                household_size=nl_number(group_settings.get("household_size"), 2),
                method=_method_lines(group_settings, texts.indicator_names),
                rows=rows,
                subregion_total=scope_total,
                mra_total=mra_total,
                share_of_mra=nl_pct(scope_total, mra_total),
                calculations=[_calculation(a, texts.indicator_names, total) for a in allocations],
                subregion_totals=subregion_totals,
                chart_svg=chart_svg,
                chart_alt=chart_alt,
                has_transfers=any(r.transfer is not None for r in rows),
            )
        )

    summary_svg = summary_alt = ""
    if charts and not is_mra and groups:
        summary_svg, summary_alt = _share_chart(
            [
                {
                    "name": g.name,
                    "value": float(Decimal(100) * g.subregion_total / g.mra_total)
                    if g.mra_total
                    else 0.0,
                }
                for g in groups
            ],
            scope=scope,
            population_pct=float(population_pct or 0),
        )

    round_settings = settings.get("round", {})
    version = int(round_settings.get("version") or round_.version)
    illustrative_names = sorted(
        texts.indicator_names.get(
            c, _("target-group figures") if c == "target_group_figures" else c
        )
        for c in illustrative
    )
    clauses = [
        _(
            "Each municipality reports every quarter to the programme team how many households "
            "of each target group it has housed."
        ),
        _(
            "The programme team reports twice a year to the steering group on what was "
            "realised against what was agreed, per municipality and sub-region."
        ),
        _(
            "What a municipality has not realised at the end of the period is carried over to "
            "the next period as a backlog; a surplus counts in its favour."
        ),
        _(
            "Municipalities may agree to transfer numbers between themselves, as long as the "
            "total stays the same (Huisvestingswet 2014, art. 29(2)); they report it to the "
            "programme team."
        ),
        _(
            "The steering group reviews this agreement before the end of the period, or earlier "
            "when figures or the law change substantially. A change is a new version with a "
            "reason."
        ),
    ]
    return AgreementDocument(
        title=_("Agreement on the fair share %(round)s: %(scope)s")
        % {"round": round_.name, "scope": scope},
        scope=scope,
        period=f"{nl_date(round_.period_start)} – {nl_date(round_.period_end)}",
        parties=parties,
        decision_date=round_decision_date(round_),
        version=version,
        digest=run.digest,
        groups=groups,
        sources=figure_sources(round_.reference_year, used_indicators),
        clauses=clauses,
        illustrative=bool(illustrative),
        illustrative_note=", ".join(illustrative_names),
        is_mra=is_mra,
        summary_chart_svg=summary_svg,
        summary_chart_alt=summary_alt,
        population_share=nl_number(population_pct, 1) + "%" if population_pct else "",
        round_name=round_.name,
        scenario_name=run.scenario.name,
        reference_year=round_.reference_year,
    )


def agreed_numbers(
    *, round_: Round, subregion: SubRegion | None
) -> dict[str, dict[str, tuple[int, int, int]]]:
    """Per group and municipality (name): (agreed, backlog, total) of the agreed run."""
    run = agreed_run_of(round_)
    out: dict[str, dict[str, tuple[int, int, int]]] = {}
    for code, data in (run.results or {}).get("groups", {}).items():
        out[code] = {
            a["name"]: (a["allocation"], a["backlog"], a["total_with_backlog"])
            for a in data["result"]["allocations"]
            if subregion is None or a["subregion"] == subregion.name
        }
    return out
