"""Reads for the steering-group dashboards: region overview, map, comparison, municipality.

Everything shown comes from the stored results of a scenario's latest succeeded computation
(`ScenarioRun.results`, see docs/scenarios.md) and is shaped here without further queries,
so that every page needs a fixed number of queries whatever the number of municipalities.
Numbers stay `Decimal`; charts get floats (see `map_rows`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from agreements.selectors import AgreedResult, NotAdopted, agreed_result
from allocation.models import Round, RoundStatus, RunStatus, Scenario, ScenarioRun
from allocation.selectors import run_group_view
from target_groups.models import TargetGroup

from .cache import cached
from .models import MunicipalityBoundary

ZERO = Decimal(0)
THOUSAND = Decimal(1000)
HUNDRED = Decimal(100)
URGENT = "urgent"

# Map measures: over all groups, share of mutations, or one group (prefix + group code).
MEASURE_ALL = "alle"
MEASURE_MUTATIONS = "mutaties"
MEASURE_GROUP_PREFIX = "groep-"


def _dec(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


# --- loading (each function: a fixed number of queries) -----------------------------------


def _latest_succeeded(field: str) -> Subquery:
    return Subquery(
        ScenarioRun.objects.filter(scenario=OuterRef("pk"), status=RunStatus.SUCCEEDED)
        .order_by("-finished_at", "-pk")
        .values(field)[:1]
    )


def scenarios_of_round(*, round_: Round) -> QuerySet[Scenario]:
    """The round's scenarios with the id and end time of their latest succeeded run (1 query)."""
    return (
        Scenario.objects.filter(round=round_)
        .only("pk", "name", "description", "round_id")
        .annotate(
            latest_run_id=_latest_succeeded("pk"),
            latest_run_finished=_latest_succeeded("finished_at"),
        )
        .order_by("name", "pk")
    )


def scenario_of_round(*, round_: Round, pk: int) -> Scenario:
    """One scenario of the round (1 query); raises Scenario.DoesNotExist."""
    return Scenario.objects.get(round=round_, pk=pk)


# The stored results and inputs are large (about 400 KB of JSON at 30 municipalities); the
# dashboards read them once per run into a compact, cached shape (`region_overview`), so
# the run itself is loaded without them unless a page needs the full record.
_LARGE_FIELDS = ("results", "inputs", "input_provenance")


def latest_run(*, scenario: Scenario, full: bool = False) -> ScenarioRun | None:
    """The scenario's latest succeeded computation (1 query). Without `full`, its results
    and inputs are left in the database: reading them later costs one query each."""
    runs = ScenarioRun.objects.filter(scenario=scenario, status=RunStatus.SUCCEEDED)
    if not full:
        runs = runs.defer(*_LARGE_FIELDS)
    return runs.order_by("-finished_at", "-pk").first()


def runs_by_id(ids: Iterable[int]) -> dict[int, ScenarioRun]:
    """Succeeded runs by id, without their results and inputs (1 query)."""
    return {
        run.pk: run
        for run in ScenarioRun.objects.filter(pk__in=list(ids), status=RunStatus.SUCCEEDED).defer(
            *_LARGE_FIELDS
        )
    }


def groups_by_code() -> dict[str, TargetGroup]:
    """All target groups in their display order (1 query)."""
    return {g.code: g for g in TargetGroup.objects.order_by("position", "code")}


def boundaries_by_code() -> dict[str, Any]:
    """Imported municipal outlines (GeoJSON geometries) by CBS code (1 query)."""
    return dict(
        MunicipalityBoundary.objects.values_list("municipality__cbs_code", "geometry").order_by(
            "municipality__cbs_code"
        )
    )


# --- shaping (no queries) -----------------------------------------------------------------


def _stored_group_meta(run: ScenarioRun, code: str) -> dict[str, Any]:
    """What the run recorded about a group (its name and unit are replaced by the target
    group's current ones when it still exists, see `_with_group_meta`)."""
    stored = (run.scenario_settings or {}).get("groups", {}).get(code, {})
    return {
        "code": code,
        "group": None,
        "name": stored.get("name", code),
        "unit": stored.get("unit", ""),
        "household_size": _dec(stored.get("household_size")),
    }


def _with_group_meta(
    shaped: Mapping[str, Any], groups: Mapping[str, TargetGroup]
) -> dict[str, Any]:
    """A copy of a cached group dict with the target group's current name and unit."""
    group = groups.get(shaped["code"])
    if group is None:
        return {**shaped, "household_size": shaped["household_size"] or Decimal(1)}
    return {
        **shaped,
        "group": group,
        "name": group.name,
        "unit": group.get_unit_display(),
        "household_size": shaped["household_size"] or group.household_size,
    }


def _population(allocation: Mapping[str, Any]) -> Decimal | None:
    value = (allocation["steps"]["indicators"].get("population") or {}).get("value")
    return _dec(value)


def _scenario_options(run: ScenarioRun) -> dict[str, Decimal | None]:
    scenario = (run.scenario_settings or {}).get("scenario", {})
    return {
        "mutation_threshold_pct": _dec(scenario.get("mutation_threshold_pct")),
        "urgent_fallback_pct": _dec(scenario.get("urgent_fallback_pct")),
    }


def run_options(run: ScenarioRun) -> dict[str, Decimal | None]:
    """The scenario's warning threshold and fall-back percentage as the run recorded them."""
    return _scenario_options(run)


def _position(difference: Decimal) -> str:
    if difference > 0:
        return "above"
    if difference < 0:
        return "below"
    return "equal"


def _group_overview(run: ScenarioRun, code: str) -> dict[str, Any]:
    data = run.results["groups"][code]  # type: ignore[index]
    result = data["result"]
    fair = {row["code"]: row for row in data["fairness"]["municipalities"]}
    sens = {row["code"]: row for row in (data.get("sensitivity") or {}).get("municipalities", [])}
    allocations = result["allocations"]
    population_total = _dec(result["indicator_totals"].get("population")) or ZERO
    allocated = Decimal(result["allocated_total"] or 0)
    effort_total = sum(
        (Decimal(a["steps"]["credit"]["existing_effort"]) for a in allocations), ZERO
    )
    rows = []
    for a in allocations:
        steps = a["steps"]
        f = fair.get(a["code"], {})
        effort = Decimal(steps["credit"]["existing_effort"])
        effort_fair = Decimal(steps.get("key") or 0) * effort_total
        effort_difference = effort - effort_fair
        band = sens.get(a["code"])
        rows.append(
            {
                "code": a["code"],
                "name": a["name"],
                "subregion": a["subregion"],
                "population": _population(a),
                "quota": _dec(a["quota"]),
                "allocation": a["allocation"],
                "backlog": a["backlog"],
                "total_with_backlog": a["total_with_backlog"],
                "per_1000": _dec(steps["per_1000_inhabitants"]),
                "existing_effort": effort,
                "effort_fair": effort_fair,
                "effort_difference": effort_difference,
                "effort_position": _position(effort_difference.quantize(Decimal("0.1"))),
                "dwellings": _dec(f.get("dwellings")),
                "share_of_mutations": _dec(f.get("share_of_mutations")),
                "over_threshold": bool(f.get("over_threshold")),
                "urgent_fallback": _dec(f.get("urgent_fallback")),
                "urgent_difference": _dec(f.get("urgent_difference")),
                "p5": band["p5"] if band else None,
                "p50": band["p50"] if band else None,
                "p95": band["p95"] if band else None,
            }
        )
    rows.sort(key=lambda r: (r["name"], r["code"]))
    populations: dict[str, Decimal] = {r["code"]: r["population"] or ZERO for r in rows}
    subregions = []
    for sub in result["subregions"]:
        population = sum((populations.get(c, ZERO) for c in sub["municipalities"]), ZERO)
        subregions.append(
            {
                "name": sub["name"],
                "allocation": sub["allocation"],
                "count": len(sub["municipalities"]),
                "population": population,
                "per_1000": THOUSAND * sub["allocation"] / population if population else None,
                "share_pct": HUNDRED * sub["allocation"] / allocated if allocated else None,
            }
        )
    subregions.sort(key=lambda s: s["name"])
    fairness = data["fairness"]
    is_urgent = any(r["urgent_fallback"] is not None for r in rows)
    return {
        **_stored_group_meta(run, code),
        "total": result["total"],
        "allocated_total": result["allocated_total"],
        "method": result["method"],
        "population_total": population_total,
        "mra_per_1000": THOUSAND * allocated / population_total if population_total else None,
        "effort_total": effort_total,
        "rows": rows,
        "subregions": subregions,
        "fairness": fairness,
        "over_threshold_count": sum(1 for r in rows if r["over_threshold"]),
        "above_count": sum(1 for r in rows if r["effort_position"] == "above"),
        "below_count": sum(1 for r in rows if r["effort_position"] == "below"),
        "is_urgent": is_urgent,
        "fallback_total": sum((r["urgent_fallback"] or ZERO for r in rows), ZERO)
        if is_urgent
        else None,
        "has_sensitivity": bool(sens),
    }


def _overall(run: ScenarioRun) -> dict[str, Any] | None:
    results = run.results or {}
    overall = results.get("overall")
    if not overall:
        return None
    names: dict[str, tuple[str, str]] = {}
    for data in results.get("groups", {}).values():
        for a in data["result"]["allocations"]:
            names.setdefault(a["code"], (a["name"], a["subregion"]))
    rows = []
    for row in overall["municipalities"]:
        name, subregion = names.get(row["code"], (row["code"], ""))
        rows.append(
            {
                "code": row["code"],
                "name": name,
                "subregion": subregion,
                "dwellings": _dec(row["dwellings"]),
                "per_1000": _dec(row["per_1000"]),
                "share_of_mutations": _dec(row["share_of_mutations"]),
                "share_pct": HUNDRED * Decimal(row["share_of_mutations"])
                if row["share_of_mutations"] is not None
                else None,
                "over_threshold": bool(row["over_threshold"]),
            }
        )
    rows.sort(key=lambda r: (r["name"], r["code"]))
    return {
        "rows": rows,
        "fairness": overall,
        "threshold_pct": HUNDRED * Decimal(overall["mutation_threshold"]),
        "over_threshold_count": sum(1 for r in rows if r["over_threshold"]),
        "warnings": overall.get("warnings", []),
    }


RUN_CACHE_SECONDS = 30 * 24 * 3600
SHAPE_VERSION = 2  # raise when the cached shapes below change


def _run_key(kind: str, run: ScenarioRun) -> str:
    # A succeeded run never changes; its digest is part of the key all the same.
    return f"dashboards:{kind}:v{SHAPE_VERSION}:{run.pk}:{run.digest}"


def _build_overview(run: ScenarioRun) -> dict[str, Any]:
    codes = list((run.results or {}).get("groups", {}))
    return {
        "groups": [_group_overview(run, code) for code in codes],
        "overall": _overall(run),
        "options": _scenario_options(run),
    }


def _shaped_overview(run: ScenarioRun) -> dict[str, Any]:
    """The run's results shaped once (no steps, no explanations) and cached per run:
    in this process and in Django's cache. Reads `run.results` only when not cached."""
    return cached(_run_key("overview", run), lambda: _build_overview(run), RUN_CACHE_SECONDS)


def region_overview(run: ScenarioRun, groups: Mapping[str, TargetGroup]) -> dict[str, Any]:
    """Per group the task and its split, and the read-outs over all groups (no queries when
    cached; else one to read the run's results). A fresh dict: callers may change it."""
    shaped = _shaped_overview(run)
    order = {code: i for i, code in enumerate(groups)}
    ordered = sorted(shaped["groups"], key=lambda g: (order.get(g["code"], len(order)), g["code"]))
    return {
        "groups": [_with_group_meta(g, groups) for g in ordered],
        "overall": shaped["overall"],
        "options": shaped["options"],
    }


# --- the first screen: a compact matrix municipality x group --------------------------------


def _build_matrix(run: ScenarioRun) -> dict[str, Any]:
    """Whole numbers only: per municipality and group the task including a carried backlog
    (`total_with_backlog`), and the dwellings all groups together need."""
    shaped = _shaped_overview(run)
    codes = [g["code"] for g in shaped["groups"]]
    municipalities: dict[str, dict[str, Any]] = {}
    for g in shaped["groups"]:
        for r in g["rows"]:
            row = municipalities.setdefault(
                r["code"],
                {"code": r["code"], "name": r["name"], "subregion": r["subregion"], "values": {}},
            )
            row["values"][g["code"]] = int(r["total_with_backlog"])
    dwellings = {r["code"]: r["dwellings"] for r in (shaped["overall"] or {}).get("rows", [])}
    for code, row in municipalities.items():
        value = dwellings.get(code)
        row["dwellings"] = None if value is None else int(value.to_integral_value())
    return {
        "codes": codes,
        "household_sizes": {g["code"]: g["household_size"] for g in shaped["groups"]},
        "rows": sorted(municipalities.values(), key=lambda r: (r["subregion"], r["name"])),
    }


def region_matrix(
    run: ScenarioRun, groups: Mapping[str, TargetGroup], agreed: AgreedResult | None = None
) -> dict[str, Any]:
    """The first screen of the overview: per municipality (grouped by sub-region) and group
    the number it takes on for the whole period, with the totals per group and per
    sub-region. With `agreed` (the run is the adopted computation): the agreed numbers after
    the accepted transfers. No queries when cached."""
    compact = cached(_run_key("matrix", run), lambda: _build_matrix(run), RUN_CACHE_SECONDS)
    order = {code: i for i, code in enumerate(groups)}
    codes = sorted(compact["codes"], key=lambda c: (order.get(c, len(order)), c))
    if agreed is not None and agreed.run_id != run.pk:
        agreed = None
    agreed_lines = (
        {
            code: {line.code: line.agreed for line in group.lines}
            for code, group in agreed.groups.items()
        }
        if agreed
        else {}
    )
    columns = []
    for code in codes:
        meta = _with_group_meta(
            {"code": code, "name": code, "unit": "", "household_size": None}, groups
        )
        columns.append({"code": code, "name": meta["name"], "unit": meta["unit"]})
    subregions: list[dict[str, Any]] = []
    totals = [0] * len(codes)
    dwellings_total = 0
    for row in compact["rows"]:
        values = [
            agreed_lines[c].get(row["code"]) if c in agreed_lines else row["values"].get(c)
            for c in codes
        ]
        if not subregions or subregions[-1]["name"] != row["subregion"]:
            subregions.append(
                {"name": row["subregion"], "rows": [], "totals": [0] * len(codes), "dwellings": 0}
            )
        sub = subregions[-1]
        sub["rows"].append(
            {
                "code": row["code"],
                "name": row["name"],
                "values": values,
                "dwellings": row["dwellings"],
                "cells": [*values, row["dwellings"]],
            }
        )
        for i, value in enumerate(values):
            sub["totals"][i] += value or 0
            totals[i] += value or 0
        sub["dwellings"] += row["dwellings"] or 0
        dwellings_total += row["dwellings"] or 0
    return {
        "columns": columns,
        "subregions": subregions,
        "totals": totals,
        "dwellings_total": dwellings_total,
        "total_cells": [*totals, dwellings_total],
        "count": len(compact["rows"]),
        "agreed": agreed,
    }


# --- map ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    value: str
    label: str
    unit: str
    value_format: str


def map_measures(overview: Mapping[str, Any], labels: Mapping[str, str]) -> list[Measure]:
    """The measures the map can show for this overview; `labels` holds translated texts."""
    measures = []
    if overview["overall"]:
        measures.append(Measure(MEASURE_ALL, labels["all"], labels["dwellings_per_1000"], ",.2f"))
        measures.append(Measure(MEASURE_MUTATIONS, labels["mutations"], labels["percent"], ",.1f"))
    for g in overview["groups"]:
        measures.append(
            Measure(
                MEASURE_GROUP_PREFIX + g["code"],
                labels["group"] % {"name": g["name"]},
                labels["per_1000"] % {"unit": g["unit"]},
                ",.2f",
            )
        )
    return measures


def map_rows(overview: Mapping[str, Any], measure: str) -> list[dict[str, Any]]:
    """One row per municipality: code, name, sub-region and the measure's value (a float)."""
    if measure in (MEASURE_ALL, MEASURE_MUTATIONS) and overview["overall"]:
        key = "per_1000" if measure == MEASURE_ALL else "share_pct"
        source = overview["overall"]["rows"]
    else:
        code = measure.removeprefix(MEASURE_GROUP_PREFIX)
        found = [g for g in overview["groups"] if g["code"] == code]
        if not found:
            return []
        key, source = "per_1000", found[0]["rows"]
    return [
        {
            "code": r["code"],
            "name": r["name"],
            "subregion": r["subregion"],
            "value": None if r[key] is None else round(float(r[key]), 4),
        }
        for r in source
    ]


# --- comparison -----------------------------------------------------------------------


def _sign(value: int) -> str:
    return "more" if value > 0 else "less" if value < 0 else "same"


def scenario_comparison(
    pairs: Sequence[tuple[Scenario, ScenarioRun]], groups: Mapping[str, TargetGroup]
) -> dict[str, Any]:
    """Two to four scenarios side by side; differences against the first one (no queries)."""
    overviews = [(scenario, region_overview(run, groups)) for scenario, run in pairs]
    order = {code: i for i, code in enumerate(groups)}
    codes = sorted(
        {g["code"] for _, ov in overviews for g in ov["groups"]},
        key=lambda c: (order.get(c, len(order)), c),
    )
    group_tables = []
    for code in codes:
        per_scenario = [
            next((g for g in ov["groups"] if g["code"] == code), None) for _, ov in overviews
        ]
        first = next(g for g in per_scenario if g is not None)
        names: dict[str, tuple[str, str]] = {}
        for g in per_scenario:
            for r in g["rows"] if g else []:
                names.setdefault(r["code"], (r["name"], r["subregion"]))
        by_code = [{r["code"]: r for r in g["rows"]} if g else {} for g in per_scenario]
        rows = []
        for muni, (name, subregion) in sorted(names.items(), key=lambda kv: (kv[1][0], kv[0])):
            base = by_code[0].get(muni)
            cells = []
            for i, lookup in enumerate(by_code):
                r = lookup.get(muni)
                difference = None
                if i > 0 and r is not None and base is not None:
                    difference = r["allocation"] - base["allocation"]
                cells.append(
                    {
                        "allocation": r["allocation"] if r else None,
                        "per_1000": r["per_1000"] if r else None,
                        "p5": r["p5"] if r else None,
                        "p95": r["p95"] if r else None,
                        "difference": difference,
                        "sign": _sign(difference) if difference is not None else None,
                        "abs_difference": abs(difference) if difference is not None else None,
                    }
                )
            rows.append(
                {
                    "code": muni,
                    "name": name,
                    "subregion": subregion,
                    "cells": cells,
                    "changed": any(c["difference"] for c in cells),
                }
            )
        readouts = [
            None
            if g is None
            else {
                "total": g["total"],
                "fairness": g["fairness"],
                "over_threshold_count": g["over_threshold_count"],
                "has_sensitivity": g["has_sensitivity"],
            }
            for g in per_scenario
        ]
        group_tables.append(
            {
                "code": code,
                "name": first["name"],
                "unit": first["unit"],
                "rows": rows,
                "readouts": readouts,
                "changed_count": sum(1 for r in rows if r["changed"]),
            }
        )
    return {
        "scenarios": [scenario for scenario, _ in overviews],
        "overall": [ov["overall"] for _, ov in overviews],
        "options": [ov["options"] for _, ov in overviews],
        "groups": group_tables,
    }


# --- one municipality -----------------------------------------------------------------


def municipality_dashboard(
    run: ScenarioRun,
    code: str,
    groups: Mapping[str, TargetGroup],
    agreed: AgreedResult | None = None,
) -> dict[str, Any] | None:
    """Everything about one municipality in a run; None when the run does not hold it.
    With `agreed` (the run is the adopted computation), the agreed numbers too."""
    overview = region_overview(run, groups)
    if agreed is not None and agreed.run_id == run.pk:
        overview = with_agreed(overview, agreed)
    else:
        agreed = None
    sections = []
    name = subregion = None
    for g in overview["groups"]:
        view = run_group_view(run, g["code"])
        row = next((r for r in view["rows"] if r["code"] == code), None) if view else None
        summary = next((r for r in g["rows"] if r["code"] == code), None)
        if row is None or summary is None:
            continue
        name, subregion = row["name"], row["subregion"]
        sub_total = next((s for s in g["subregions"] if s["name"] == subregion), None)
        # The explanation partial takes its element id from the row's code: one per group.
        row = {**row, "code": f"{code}-{g['code']}"}
        sections.append(
            {"group": g, "view": view, "row": row, "summary": summary, "subregion": sub_total}
        )
    if not sections:
        return None
    overall = overview["overall"]
    own_overall = None
    neighbours: list[dict[str, Any]] = []
    if overall:
        own_overall = next((r for r in overall["rows"] if r["code"] == code), None)
        neighbours = [r for r in overall["rows"] if r["subregion"] == subregion]
    return {
        "code": code,
        "name": name,
        "subregion": subregion,
        "sections": sections,
        "overall": overall,
        "own_overall": own_overall,
        "neighbours": neighbours,
        "options": overview["options"],
        "agreed": agreed,
    }


# --- the agreed numbers of an adopted round -------------------------------------------------


_ADOPTED = (RoundStatus.AGREED, RoundStatus.SUPERSEDED)


def agreed_of_round(round_: Round, run: ScenarioRun | None = None) -> AgreedResult | None:
    """The agreed numbers of an adopted round (agreements.selectors.agreed_result: the
    approved computation plus the accepted transfers), or None when it is not adopted.

    No query for a round that is not adopted, nor when `run` is given and is not the
    adopted computation. An adopted round is frozen (its run and transfers cannot change),
    so with `run` its agreed numbers are cached like a run's shaped results."""
    if round_.status not in _ADOPTED or round_.agreed_run_id is None:
        return None
    if run is not None and run.pk != round_.agreed_run_id:
        return None

    def load() -> AgreedResult | None:
        try:
            return agreed_result(round_)
        except NotAdopted:
            return None

    if run is None:
        return load()
    created = round_.created_at.isoformat() if round_.created_at else ""
    key = (
        f"dashboards:agreed:v{SHAPE_VERSION}:{round_.pk}:{created}:{round_.version}:"
        f"{round_.status}:{run.pk}:{run.digest}"
    )
    return cached(key, load, RUN_CACHE_SECONDS)


def agreed_tables(agreed: AgreedResult) -> list[dict[str, Any]]:
    """Per group: the agreed numbers per municipality and per sub-region (no queries)."""
    tables = []
    for code, group in agreed.groups.items():
        subregions: dict[str, dict[str, Any]] = {}
        for line in group.lines:
            sub = subregions.setdefault(
                line.subregion, {"name": line.subregion, "computed": 0, "agreed": 0}
            )
            sub["computed"] += line.computed
            sub["agreed"] += line.agreed
        tables.append(
            {
                "code": code,
                "name": group.group.name,
                "unit": group.group.get_unit_display(),
                "total": group.total,
                "total_per_year": group.total_per_year,
                "lines": sorted(group.lines, key=lambda x: (x.name, x.code)),
                "subregions": sorted(subregions.values(), key=lambda s: s["name"]),
                "has_transfers": any(line.transfer for line in group.lines),
            }
        )
    return tables


def with_agreed(overview: dict[str, Any], agreed: AgreedResult) -> dict[str, Any]:
    """The overview with the agreed numbers (after transfers) of the adopted computation:
    `agreed` and `transfer` on every municipality row, `agreed` on every sub-region. Rows
    are copied, never changed in place (the overview's rows are shared through the cache)."""
    groups = []
    for g in overview["groups"]:
        group = agreed.groups.get(g["code"])
        if group is None:
            groups.append(g)
            continue
        lines = {line.code: line for line in group.lines}
        rows = []
        for row in g["rows"]:
            line = lines.get(row["code"])
            rows.append(
                {
                    **row,
                    "agreed": line.agreed if line else None,
                    "transfer": line.transfer if line else None,
                }
            )
        subregions = [
            {**sub, "agreed": sum(x.agreed for x in group.lines if x.subregion == sub["name"])}
            for sub in g["subregions"]
        ]
        groups.append(
            {
                **g,
                "rows": rows,
                "subregions": subregions,
                "agreed_total": group.total,
                "is_agreed": True,
            }
        )
    return {**overview, "groups": groups, "agreed": agreed}
