"""Reads of the public page: the adopted agreement of a round, as anyone may see it.

Every number comes from ``agreements.selectors.agreed_result`` (the computation the
sub-regions approved plus the accepted transfers, and the digest their approvals were bound
to). The inputs are the run's stored engine scenario per group
(``allocation.selectors.run_group_input``): exactly the ``scenario.json`` the engine was
given. Nothing here recomputes a number; this module only arranges and explains them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from agreements import selectors as agreements_selectors
from agreements.selectors import AgreedGroup, AgreedResult, NotAdopted
from allocation import selectors as allocation_selectors
from allocation.models import Round, RoundStatus
from reports.selectors import round_decision_date
from reports.wording import nl_number

DIVISOR_METHODS = {
    "sainte-lague": "Sainte-Laguë",
    "dhondt": "D'Hondt",
    "huntington-hill": "Huntington-Hill",
}

# The pseudo-code under which a run's provenance marks illustrative target-group figures.
TARGET_GROUP_FIGURES = "target_group_figures"


class NotPublic(Exception):
    """There is no adopted agreement to publish for this round (it answers 404)."""


# --- Dutch numbers (nl_number and nl_signed are those of the PDF: reports.wording) ----------


def nl_decimal(value: Any) -> str:
    """An exact number the Dutch way, without trailing zeros: "931298" -> "931.298",
    "0.5" -> "0,5", "-5" -> "-5". None or "" -> "–"; anything else as it is."""
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    exponent = number.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return nl_number(number, places)


def nl_percent(fraction: Any) -> str:
    """A fraction (0.5, "0.25") as a Dutch percentage: "50%", "25%", "33,3%"."""
    pct = Decimal(str(fraction)) * 100
    return nl_number(pct, 0 if pct == pct.to_integral_value() else 1) + "%"


# --- rounds -------------------------------------------------------------------------------


def adopted_round_list() -> list[Round]:
    """The rounds with an adopted agreement (agreed, or superseded by a correction), newest
    first (1 query)."""
    return list(
        allocation_selectors.round_list().filter(
            status__in=agreements_selectors.FROZEN_STATUSES, agreed_run__isnull=False
        )
    )


def adopted_round_get(*, pk: int) -> Round:
    """A round that may be published; NotPublic for an unknown or not-frozen round."""
    try:
        round_ = allocation_selectors.round_get(pk=pk)
    except ObjectDoesNotExist:
        raise NotPublic(pk) from None
    if not agreements_selectors.round_is_frozen(round_):
        raise NotPublic(pk)
    return round_


# --- the page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicLine:
    """One municipality's agreement for one group (whole numbers in the group's unit)."""

    code: str
    name: str
    computed: int  # what the computation gave (with a carried backlog)
    transfer: int  # accepted transfers: received minus given
    agreed: int  # computed plus transfer: the agreed number for the whole period
    per_year: tuple[int, ...]


@dataclass(frozen=True)
class PublicGroupBlock:
    """One group within one sub-region."""

    code: str
    name: str
    unit: str
    lines: tuple[PublicLine, ...]
    has_transfers: bool

    @property
    def computed_total(self) -> int:
        return sum(line.computed for line in self.lines)

    @property
    def transfer_total(self) -> int:
        return sum(line.transfer for line in self.lines)

    @property
    def total(self) -> int:
        return sum(line.agreed for line in self.lines)

    @property
    def total_per_year(self) -> tuple[int, ...]:
        return tuple(map(sum, zip(*(line.per_year for line in self.lines), strict=True)))


@dataclass(frozen=True)
class PublicSubregion:
    name: str
    groups: tuple[PublicGroupBlock, ...]


@dataclass(frozen=True)
class IndicatorColumn:
    code: str
    name: str
    illustrative: bool


@dataclass(frozen=True)
class InputRow:
    code: str
    name: str
    subregion: str
    values: tuple[str, ...]  # formatted, one per column


@dataclass(frozen=True)
class GroupMethod:
    """What one group's computation did, in plain language, and its own inputs."""

    code: str
    name: str
    unit: str
    regional_total: int
    sentences: tuple[str, ...]
    input_columns: tuple[str, ...]  # headers of the group's own per-municipality inputs
    input_rows: tuple[InputRow, ...]
    illustrative: bool


@dataclass(frozen=True)
class PublicTransfer:
    group: str
    unit: str
    giver: str
    taker: str
    amount: int


@dataclass(frozen=True)
class PublicAgreement:
    """Everything the public page and the recompute kit show of an adopted round."""

    round: Round
    agreed: AgreedResult
    decision_date: date | None
    superseded: bool
    years: tuple[int, ...]
    subregions: tuple[PublicSubregion, ...]
    methods: tuple[GroupMethod, ...]
    indicator_columns: tuple[IndicatorColumn, ...]
    indicator_rows: tuple[InputRow, ...]
    transfers: tuple[PublicTransfer, ...]
    illustrative: bool
    illustrative_names: tuple[str, ...]
    scenarios: dict[str, dict[str, Any]]  # per group: the exact scenario.json
    computation: dict[str, Any]  # the run's stored inputs, settings and results
    reference_year: int
    scenario_name: str

    @property
    def digest(self) -> str:
        return self.agreed.digest


def _unit(group: AgreedGroup) -> str:
    return str(group.group.get_unit_display())


def _subregions(agreed: AgreedResult) -> tuple[PublicSubregion, ...]:
    names = sorted({line.subregion for group in agreed.groups.values() for line in group.lines})
    subregions = []
    for name in names:
        blocks = []
        for code, group in agreed.groups.items():
            lines = sorted(group.for_subregion(name), key=lambda line: (line.name, line.code))
            if not lines:
                continue
            blocks.append(
                PublicGroupBlock(
                    code=code,
                    name=group.group.name,
                    unit=_unit(group),
                    lines=tuple(
                        PublicLine(
                            code=line.code,
                            name=line.name,
                            computed=line.computed,
                            transfer=line.transfer,
                            agreed=line.agreed,
                            per_year=line.per_year,
                        )
                        for line in lines
                    ),
                    has_transfers=any(line.transfer for line in group.lines),
                )
            )
        subregions.append(PublicSubregion(name=name, groups=tuple(blocks)))
    return tuple(subregions)


def _weights_text(weights: Mapping[str, Any], indicator_names: Mapping[str, str]) -> str:
    parts = [
        f"{nl_percent(weight)} {indicator_names.get(code, code).lower()}"
        for code, weight in weights.items()
        if Decimal(str(weight)) != 0
    ]
    return ", ".join(parts)


def method_sentences(
    *,
    scenario: Mapping[str, Any],
    settings: Mapping[str, Any],
    total: int,
    unit: str,
    indicator_names: Mapping[str, str],
) -> list[str]:
    """What the computation of one group did, in plain language (B1), from its stored
    scenario.json and settings. Pure."""
    method = scenario.get("method") or settings.get("method") or "hamilton"
    source = settings.get("task_source")
    number = {"total": nl_decimal(total), "unit": unit}
    sentences = []
    if method == "local":
        sentences.append(
            _(
                "Each municipality takes care of its own need: it gets exactly the number it "
                "reported. Together that is %(total)s %(unit)s."
            )
            % number
        )
    elif method == "statutory":
        sentences.append(
            _(
                "The law sets the task of each municipality: its share of the national number, "
                "by its number of inhabitants, rounded up (Huisvestingswet 2014, article 29). "
                "Together that is %(total)s %(unit)s."
            )
            % number
        )
    else:
        if source == "entered":
            sentences.append(
                _(
                    "The region as a whole needs %(total)s %(unit)s. The steering group set "
                    "this number."
                )
                % number
            )
        elif source == "statutory":
            sentences.append(
                _(
                    "The region as a whole needs %(total)s %(unit)s: the sum of the tasks the "
                    "law sets for each municipality."
                )
                % number
            )
        else:
            sentences.append(
                _(
                    "The region as a whole needs %(total)s %(unit)s: the sum of what the "
                    "municipalities reported as their need."
                )
                % number
            )
        weights = _weights_text(scenario.get("weights") or {}, indicator_names)
        if weights:
            sentences.append(
                _(
                    "Each municipality gets a part of this number that fits its size. Its "
                    "size is measured by: %(weights)s."
                )
                % {"weights": weights}
            )
        factor = Decimal(str(scenario.get("credit_factor") or 0))
        if factor:
            sentences.append(
                _(
                    "What a municipality already does for this group counts: %(pct)s of it "
                    "is taken off its part. A municipality that already does more than its "
                    "part gets 0; the others share the rest."
                )
                % {"pct": nl_percent(factor)}
            )
        else:
            sentences.append(
                _("What municipalities already do for this group does not change the numbers.")
            )
        if scenario.get("max_credit_fraction") is not None:
            sentences.append(
                _("This never takes more than %(pct)s off a municipality's part.")
                % {"pct": nl_percent(scenario["max_credit_fraction"])}
            )
        if settings.get("upper_bound_mutations_pct") is not None:
            sentences.append(
                _(
                    "No municipality gets more than %(pct)s of the social rental homes it lets "
                    "in a year."
                )
                % {"pct": nl_decimal(settings["upper_bound_mutations_pct"]) + "%"}
            )
        if scenario.get("two_tier"):
            sentences.append(
                _(
                    "First the number is divided over the sub-regions, then within each "
                    "sub-region over its municipalities."
                )
            )
        if method == "hamilton":
            sentences.append(
                _(
                    "The parts are rounded to whole numbers, so that together they are exactly "
                    "the regional number. First every municipality gets the whole number of "
                    "its part. The places that are left go to the municipalities with the "
                    "largest rest behind the comma."
                )
            )
        else:
            sentences.append(
                _(
                    "The parts are rounded to whole numbers with the method of %(method)s, so "
                    "that together they are exactly the regional number."
                )
                % {"method": DIVISOR_METHODS.get(method, method)}
            )
    if settings.get("carry_over"):
        sentences.append(
            _(
                "What a municipality did not do yet in the previous period is added to its "
                "number; what it did more is taken off."
            )
        )
    return sentences


def _filled(value: Any, empty: Decimal | None) -> bool:
    """Whether a per-municipality input holds something other than its default."""
    if value is None:
        return False
    return empty is None or Decimal(str(value)) != empty


def _group_inputs(scenario: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[InputRow, ...]]:
    """The group's own per-municipality inputs, leaving out those that are all default."""
    municipalities = scenario.get("municipalities") or []
    candidates = [
        ("demand", _("Own need"), None),
        ("existing_effort", _("Already done"), Decimal(0)),
        ("lower", _("At least"), None),
        ("upper", _("At most"), None),
        ("backlog", _("From the previous period"), Decimal(0)),
    ]
    used = [
        (key, label)
        for key, label, empty in candidates
        if any(_filled(m.get(key), empty) for m in municipalities)
    ]
    if not used:
        return (), ()
    rows = tuple(
        InputRow(
            code=m["code"],
            name=m.get("name") or m["code"],
            subregion=m.get("subregion") or "",
            values=tuple(nl_decimal(m.get(key)) for key, _label in used),
        )
        for m in sorted(municipalities, key=lambda m: (m.get("name") or m["code"], m["code"]))
    )
    return tuple(label for _key, label in used), rows


def _indicator_table(
    scenarios: Mapping[str, Mapping[str, Any]],
    indicator_order: Sequence[str],
    indicator_names: Mapping[str, str],
    illustrative: set[str],
) -> tuple[tuple[IndicatorColumn, ...], tuple[InputRow, ...]]:
    """One table of the indicator values the groups' scenarios hold (they come from the
    same confirmed figures of the reference year)."""
    values: dict[str, dict[str, Any]] = {}
    names: dict[str, tuple[str, str]] = {}
    for scenario in scenarios.values():
        for m in scenario.get("municipalities") or []:
            names.setdefault(m["code"], (m.get("name") or m["code"], m.get("subregion") or ""))
            for code, value in (m.get("indicators") or {}).items():
                values.setdefault(m["code"], {}).setdefault(code, value)
    present = {code for row in values.values() for code in row}
    order = [c for c in indicator_order if c in present] + sorted(present - set(indicator_order))
    columns = tuple(
        IndicatorColumn(code=c, name=indicator_names.get(c, c), illustrative=c in illustrative)
        for c in order
    )
    rows = tuple(
        InputRow(
            code=code,
            name=names[code][0],
            subregion=names[code][1],
            values=tuple(nl_decimal(values.get(code, {}).get(c)) for c in order),
        )
        for code in sorted(names, key=lambda c: (names[c][0], c))
    )
    return columns, rows


def public_agreement(round_: Round) -> PublicAgreement:
    """The adopted agreement of a round for the public page and the kit (about 8 queries).
    Raises NotPublic when the round has no adopted agreement."""
    try:
        agreed = agreements_selectors.agreed_result(round_)
    except NotAdopted:
        raise NotPublic(round_.pk) from None
    run = allocation_selectors.run_get(pk=agreed.run_id)
    indicators = allocation_selectors.indicator_list()
    indicator_names = {i.code: i.name for i in indicators}
    group_settings = (run.scenario_settings or {}).get("groups", {})
    stored_inputs = run.inputs or {}

    scenarios: dict[str, dict[str, Any]] = {}
    illustrative_codes: set[str] = set()
    unknown = False
    methods = []
    for code, group in agreed.groups.items():
        scenario = allocation_selectors.run_group_input(run, code)
        if scenario is None:
            continue
        scenarios[code] = scenario
        provenance = stored_inputs.get(code, {}).get("provenance", {})
        marked = provenance.get("illustrative")
        if marked is None:
            # A run that did not record it: we cannot vouch for its figures.
            unknown = True
            marked = []
        illustrative_codes.update(marked)
        unit = _unit(group)
        columns, rows = _group_inputs(scenario)
        methods.append(
            GroupMethod(
                code=code,
                name=group.group.name,
                unit=unit,
                regional_total=sum(line.allocation for line in group.lines),
                sentences=tuple(
                    method_sentences(
                        scenario=scenario,
                        settings=group_settings.get(code, {}),
                        total=sum(line.allocation for line in group.lines),
                        unit=unit,
                        indicator_names=indicator_names,
                    )
                ),
                input_columns=columns,
                input_rows=rows,
                illustrative=bool(marked) or unknown,
            )
        )

    indicator_columns, indicator_rows = _indicator_table(
        scenarios, [i.code for i in indicators], indicator_names, illustrative_codes
    )
    names = {line.code: line.name for group in agreed.groups.values() for line in group.lines}
    transfers = tuple(
        PublicTransfer(
            group=agreed.groups[t["group"]].group.name
            if t["group"] in agreed.groups
            else t["group"],
            unit=_unit(agreed.groups[t["group"]]) if t["group"] in agreed.groups else "",
            giver=names.get(t["from"], t["from"]),
            taker=names.get(t["to"], t["to"]),
            amount=int(t["amount"]),
        )
        for t in agreed.transfers
    )
    illustrative_names = sorted(
        _("target-group figures")
        if code == TARGET_GROUP_FIGURES
        else indicator_names.get(code, code).lower()
        for code in illustrative_codes
    )
    return PublicAgreement(
        round=round_,
        agreed=agreed,
        decision_date=round_decision_date(round_),
        superseded=round_.status == RoundStatus.SUPERSEDED,
        years=agreed.years,
        subregions=_subregions(agreed),
        methods=tuple(methods),
        indicator_columns=indicator_columns,
        indicator_rows=indicator_rows,
        transfers=transfers,
        illustrative=bool(illustrative_codes) or unknown,
        illustrative_names=tuple(illustrative_names),
        scenarios=scenarios,
        computation={
            "inputs": run.inputs,
            "settings": run.scenario_settings,
            "results": run.results,
        },
        reference_year=round_.reference_year,
        scenario_name=run.scenario.name,
    )
