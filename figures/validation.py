"""The validation rules for municipal and target-group figures.

One module for the three ways figures come in: the form, the Excel/CSV import and the API.
Every rule has a code, a plain message and what to do:

- V0xx errors block saving (a wrong number, social stock above dwelling stock, ...);
- V1xx warnings must be acknowledged with a comment (a big change, an outlier, ...);
- V2xx errors are about an uploaded file (wrong columns, damaged file, ...).

Messages are English msgids with Dutch translations in the catalogue: pages and imports
speak Dutch, the API English (it activates English for its requests).

The module is pure: no database access. `figures.selectors` builds the `Context` (last
year's values, regional medians) and `figures.services` decides what to save.

Field keys name one figure value: an indicator code (``population``) or a target group and
one of its numbers (``homeless.demand``). A row key is the indicator or group code; the
source and reference date belong to the row.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.numbers import NumberFormatError, parse_dutch_number


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    title: Promise
    message: Promise
    action: Promise


E, W = Severity.ERROR, Severity.WARNING

_RULE_LIST = [
    # Errors on values: the same in form, import and API.
    Rule(
        "V001",
        E,
        _("Not a number"),
        _("“%(raw)s” is not a number."),
        _("Enter a number, for example 12500."),
    ),
    Rule(
        "V002",
        E,
        _("Below zero"),
        _("The number cannot be below zero."),
        _("Enter 0 or a positive number."),
    ),
    Rule(
        "V003",
        E,
        _("Not a whole number"),
        _("This figure counts people, households or places: it must be a whole number."),
        _("Round the figure to a whole number."),
    ),
    Rule(
        "V004",
        E,
        _("Number too large"),
        _("The number is too large or has more than two decimals."),
        _("Check the figure; enter at most two decimals."),
    ),
    Rule(
        "V005",
        E,
        _("Required figure missing"),
        _("%(label)s is required before you submit the figures."),
        _("Enter the figure. Enter 0 if it really is zero."),
    ),
    Rule(
        "V006",
        E,
        _("Figure emptied"),
        _("%(label)s was filled in and cannot be emptied."),
        _("Enter the right figure, or 0 if it really is zero."),
    ),
    Rule(
        "V007",
        E,
        _("Source missing"),
        _("Say where this figure comes from."),
        _("Enter the source, for example “BRP 1 January 2025” or “annual report corporation”."),
    ),
    Rule(
        "V008",
        E,
        _("Reference date missing or wrong"),
        _("Enter the reference date of this figure."),
        _("Enter a date, for example 1-1-2025."),
    ),
    Rule(
        "V009",
        E,
        _("Social rental stock above dwelling stock"),
        _("The social rental stock cannot be larger than the dwelling stock."),
        _("Check both figures: social rental dwellings are part of the dwelling stock."),
    ),
    Rule(
        "V010",
        E,
        _("Demand above population"),
        _("The demand of %(label)s (%(value)s) is larger than the population (%(population)s)."),
        _("Check the unit: enter a number of persons or households, not a rate."),
    ),
    Rule(
        "V011",
        E,
        _("More households than inhabitants"),
        _("There are more households (%(value)s) than inhabitants (%(population)s)."),
        _("Check both figures: every household has at least one inhabitant."),
    ),
    Rule(
        "V012",
        E,
        _("Figure locked"),
        _(
            "%(label)s is confirmed and locked: a round with reference year %(year)s is "
            "computing or in review."
        ),
        _("Ask the programme team to unlock the figures, with a reason."),
    ),
    Rule(
        "V013",
        E,
        _("Changed by someone else"),
        _("%(label)s was changed by %(who)s on %(when)s (now %(value)s) after you opened it."),
        _("Look at the other change, then enter yours again."),
    ),
    Rule(
        "V014",
        E,
        _("Text too long"),
        _("The source can be at most 300 characters."),
        _("Shorten the source; put details in the comment."),
    ),
    Rule(
        "V015",
        E,
        _("Source starts like a formula"),
        _("The source cannot start with “=”, “+” or “@”: a spreadsheet would run it as a formula."),
        _("Start the source with a word, for example “BRP 1 January 2025”."),
    ),
    # Warnings: save only with a comment that explains the figure.
    Rule(
        "V101",
        W,
        _("Big change against last year"),
        _("%(label)s changed by %(pct)s%% against %(previous_year)s (%(old)s → %(new)s)."),
        _("Check the figure. If it is right, explain the change in the comment."),
    ),
    Rule(
        "V102",
        W,
        _("Far above the regional median"),
        _(
            "%(label)s is %(rate)s per 1,000 inhabitants: more than three times the regional "
            "median of %(median)s."
        ),
        _("Check the figure and its unit. If it is right, explain why your municipality differs."),
    ),
    Rule(
        "V103",
        W,
        _("Mutations above social rental stock"),
        _(
            "More social rental dwellings become vacant per year (%(value)s) than there are "
            "(%(stock)s)."
        ),
        _("Check both figures: mutations are the part of the stock that becomes vacant."),
    ),
    Rule(
        "V104",
        W,
        _("Realised above demand"),
        _("For %(label)s more was realised (%(realised)s) than the demand (%(demand)s)."),
        _("Check both figures. If it is right, explain it in the comment."),
    ),
    Rule(
        "V105",
        W,
        _("Unusual mutation rate"),
        _(
            "The yearly mutations are %(pct)s%% of the social rental stock; 4 to 8%% is "
            "usual, more than 15%% is rare."
        ),
        _("Check that you count only social rental dwellings that became vacant."),
    ),
    Rule(
        "V106",
        W,
        _("Unusual social rental share"),
        _("Social rental is %(pct)s%% of the dwelling stock; below 5%% or above 70%% is rare."),
        _("Check both figures and that they count the same area and date."),
    ),
    Rule(
        "V107",
        W,
        _("Unusual number of inhabitants per dwelling"),
        _("There are %(ratio)s inhabitants per dwelling; 1.5 to 3 is usual."),
        _("Check that population and dwelling stock count the same area and date."),
    ),
    Rule(
        "V108",
        W,
        _("Reference date far from the year"),
        _("The reference date %(date)s is far from the year %(year)s."),
        _("Check the date, or whether you enter the figure in the right year."),
    ),
    Rule(
        "V109",
        W,
        _("Large planned social new build"),
        _("Planned social new build (%(value)s) is more than 10%% of the dwelling stock."),
        _("Check that you enter dwellings planned in the agreement period only."),
    ),
    Rule(
        "V110",
        W,
        _("Many jobs per inhabitant"),
        _("There are %(value)s jobs: more than three times the population (%(population)s)."),
        _("Check that you count jobs, not thousands of jobs. If it is right, explain it."),
    ),
    Rule(
        "V111",
        W,
        _("Many existing places"),
        _("%(label)s (%(value)s) is more than a quarter of the dwelling stock (%(dwellings)s)."),
        _("Check that you count places or units, not persons on a waiting list."),
    ),
    # Errors about an uploaded file.
    Rule(
        "V201",
        E,
        _("Wrong kind of file"),
        _("“%(name)s” is not a CSV or Excel (.xlsx) file."),
        _("Download the template and save it as .xlsx or as CSV (semicolon separated)."),
    ),
    Rule(
        "V202",
        E,
        _("File too large"),
        _("The file is %(size)s MB; at most %(limit)s MB is allowed."),
        _("Upload only the figures sheet, without pictures or other sheets."),
    ),
    Rule(
        "V203",
        E,
        _("Empty file"),
        _("The file holds no figures."),
        _("Download the template, fill in your figures and upload it again."),
    ),
    Rule(
        "V204",
        E,
        _("Damaged file"),
        _("The Excel file cannot be read; it may be damaged or protected with a password."),
        _("Open the file in Excel, save it again as .xlsx without a password, and upload it."),
    ),
    Rule(
        "V205",
        E,
        _("Unknown text encoding"),
        _("The text in the file cannot be read (unknown encoding)."),
        _("Save the file as “CSV UTF-8 (comma delimited)” or as .xlsx."),
    ),
    Rule(
        "V206",
        E,
        _("Column missing"),
        _("The column “%(column)s” is missing."),
        _("Use the columns of the template; do not rename or remove them."),
    ),
    Rule(
        "V207",
        E,
        _("Unknown column"),
        _("The column “%(column)s” is unknown."),
        _("Remove the column or use the template's column names."),
    ),
    Rule(
        "V208",
        E,
        _("Column twice"),
        _("The column “%(column)s” appears more than once."),
        _("Keep one column with this name."),
    ),
    Rule(
        "V209",
        E,
        _("Unknown CBS code"),
        _("“%(raw)s” is not the CBS code of an MRA municipality."),
        _("Use the CBS code, GM followed by four digits, for example GM0392 for Haarlem."),
    ),
    Rule(
        "V210",
        E,
        _("Municipality not yours"),
        _("You may not enter figures of %(name)s."),
        _("Remove the rows of other municipalities."),
    ),
    Rule(
        "V211",
        E,
        _("Unknown figure"),
        _("“%(raw)s” is not a known figure code."),
        _("Use the codes of the template, for example population or homeless.demand."),
    ),
    Rule(
        "V212",
        E,
        _("Figure twice"),
        _("This figure appears more than once (also in row %(other_row)s)."),
        _("Keep one row per municipality, year and figure."),
    ),
    Rule(
        "V213",
        E,
        _("Formula in a cell"),
        _("This cell holds a formula (%(raw)s), not a value."),
        _("Copy the cells and paste them as values only."),
    ),
    Rule(
        "V214",
        E,
        _("Merged cells"),
        _("The cells %(range)s are merged."),
        _("Unmerge the cells and fill in every row."),
    ),
    Rule(
        "V215",
        E,
        _("Wrong year"),
        _("“%(raw)s” is not a year between 2000 and 2100."),
        _("Enter the year as four digits, for example 2025."),
    ),
    Rule(
        "V216",
        E,
        _("Too many rows"),
        _("The file has more than %(limit)s rows."),
        _("Split the file, or remove empty and unneeded rows."),
    ),
    Rule(
        "V217",
        E,
        _("Different sources within one group"),
        _("The numbers of %(label)s have different sources or reference dates."),
        _("Give demand, existing effort and realised of one group the same source and date."),
    ),
    Rule(
        "V218",
        E,
        _("Wrong version"),
        _("“%(raw)s” is not a version number."),
        _("Leave the Version column as it was in the downloaded template."),
    ),
    Rule(
        "V219",
        E,
        _("Text that starts like a formula"),
        _("This cell starts with %(sign)s (%(raw)s): a spreadsheet would run it as a formula."),
        _("Remove the sign at the start, or start the text with a word."),
    ),
]

RULES: dict[str, Rule] = {r.code: r for r in _RULE_LIST}

# Thresholds, in one place so that docs/figures.md and the tests can quote them.
CHANGE_THRESHOLD = Decimal("0.25")  # V101
MEDIAN_FACTOR = Decimal(3)  # V102
MEDIAN_MIN_MUNICIPALITIES = 5  # V102 needs at least this many other municipalities
MUTATION_RATE_MAX = Decimal("0.15")  # V105
SOCIAL_SHARE_RANGE = (Decimal("0.05"), Decimal("0.70"))  # V106
INHABITANTS_PER_DWELLING = (Decimal("1.2"), Decimal("3.5"))  # V107
NEW_BUILD_SHARE_MAX = Decimal("0.10")  # V109
JOBS_PER_INHABITANT_MAX = Decimal(3)  # V110
PLACES_SHARE_MAX = Decimal("0.25")  # V111
# Indicators that count jobs, places or units: whole numbers (V003), like group figures.
WHOLE_INDICATORS = frozenset(
    {
        "jobs",
        "shelter_places",
        "caravan_pitches",
        "student_units",
        "study_places",
        # A care provider's figures (issue 15): beds, places and persons.
        "shelter_beds",
        "sheltered_housing_places",
        "clients_ready_shelter",
        "clients_ready_sheltered_housing",
    }
)
# Existing places of the maatwerk keys and a care provider's places, compared with the
# dwelling stock (V111).
PLACE_INDICATORS = (
    "shelter_places",
    "caravan_pitches",
    "student_units",
    "shelter_beds",
    "sheltered_housing_places",
)
MAX_INDICATOR = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)
MAX_GROUP = Decimal(2147483647)  # PositiveIntegerField
SOURCE_MAX_LENGTH = 300
GROUP_FIELDS = ("demand", "existing_effort", "realised")

# Figures that are not counted per 1,000 inhabitants for V102.
_NOT_PER_INHABITANT = {"population"}


@dataclass(frozen=True)
class Location:
    """Where in an uploaded file: sheet, row (1 = header) and column (letter and name)."""

    sheet: str
    row: int | None = None
    column: str = ""
    column_name: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "column_name": self.column_name,
        }


@dataclass(frozen=True)
class Issue:
    """One finding of a rule. `field` is a field key or row key; `part` says which input."""

    code: str
    field: str = ""
    part: str = "value"  # value, source, reference_date, version, file
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    fields: tuple[str, ...] = ()  # every field the rule looked at
    fingerprint: str = ""
    location: Location | None = None

    @property
    def rule(self) -> Rule:
        return RULES[self.code]

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity == Severity.WARNING

    @property
    def key(self) -> tuple[str, str]:
        """What an acknowledgement refers to."""
        return (self.code, self.field)

    @property
    def message(self) -> str:
        params = {k: _display(v) for k, v in self.params.items()}
        return str(self.rule.message) % params if params else str(self.rule.message)

    @property
    def action(self) -> str:
        return str(self.rule.action)

    def located(self, location: Location | None) -> Issue:
        return Issue(
            self.code,
            self.field,
            self.part,
            self.params,
            self.fields,
            self.fingerprint,
            location,
        )

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "severity": str(self.severity),
            "field": self.field,
            "part": self.part,
            "message": self.message,
            "action": self.action,
        }
        if self.location is not None:
            data["location"] = self.location.as_dict()
        return data

    def to_json(self) -> dict[str, Any]:
        """A form that survives JSON (for a pending upload); see `Issue.from_json`."""
        return {
            "code": self.code,
            "field": self.field,
            "part": self.part,
            "params": {k: _jsonable(v) for k, v in self.params.items()},
            "location": self.location.as_dict() if self.location else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Issue:
        loc = data.get("location")
        return cls(
            data["code"],
            data.get("field", ""),
            data.get("part", "value"),
            dict(data.get("params") or {}),
            location=Location(**loc) if loc else None,
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | date):
        return str(value)
    return value if isinstance(value, int | float | str | type(None)) else str(value)


def _display(value: Any) -> Any:
    """Format numbers and dates the way the active language writes them."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return formats.number_format(value.normalize(), use_l10n=True, force_grouping=True)
    if isinstance(value, int):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, datetime):
        # Stored in UTC: shown in Europe/Amsterdam.
        shown = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(shown, "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return value


def rules_table() -> list[Rule]:
    return list(_RULE_LIST)


# --- Reading single values ----------------------------------------------------------------


def is_group_field(key: str) -> bool:
    return "." in key


def row_of(key: str) -> str:
    return key.split(".", 1)[0]


_EN_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(raw: Any, *, key: str, notation: str = "nl") -> tuple[Decimal | None, list[Issue]]:
    """Read one figure value. Empty gives None.

    Text is read in the notation given: "nl" (12.500 or 12,5: pages in Dutch, uploads),
    "en" (12,500 or 12.5: pages in English) or "plain" (12500.5: the API).
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, []
    value: Decimal | None = None
    if isinstance(raw, bool):
        value = None
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw)) if raw == raw and abs(raw) != float("inf") else None
    elif isinstance(raw, Decimal):
        value = raw if raw.is_finite() else None
    elif isinstance(raw, str):
        text = raw.strip().replace("\u00a0", "").replace(" ", "")
        if notation == "en" and _EN_THOUSANDS.match(text):
            text = text.replace(",", "")
        if notation == "nl":
            try:
                value = parse_dutch_number(text)
            except NumberFormatError:
                value = None
        elif re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            try:
                value = Decimal(text)
            except InvalidOperation:  # pragma: no cover - the pattern excludes this
                value = None
    if value is None:
        shown = str(raw)
        if len(shown) > 40:
            shown = shown[:40] + "…"
        return None, [Issue("V001", key, params={"raw": shown}, fields=(key,))]
    issues = check_value(key, value)
    return (None if issues else value), issues


def check_value(key: str, value: Decimal) -> list[Issue]:
    """Sign, whole numbers for group figures, and what the database column can hold."""
    if value < 0:
        return [Issue("V002", key, fields=(key,))]
    if key in WHOLE_INDICATORS and value != value.to_integral_value():
        return [Issue("V003", key, fields=(key,))]
    if is_group_field(key):
        if value != value.to_integral_value():
            return [Issue("V003", key, fields=(key,))]
        if value > MAX_GROUP:
            return [Issue("V004", key, fields=(key,))]
    elif value > MAX_INDICATOR or value != value.quantize(Decimal("0.01")):
        return [Issue("V004", key, fields=(key,))]
    return []


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")


def parse_date(raw: Any, *, row: str) -> tuple[date | None, list[Issue]]:
    """Read a reference date: a date, or text as 2025-01-01, 1-1-2025 or 1/1/2025."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, []
    if isinstance(raw, datetime):
        return raw.date(), []
    if isinstance(raw, date):
        return raw, []
    if isinstance(raw, str):
        text = raw.strip()
        for fmt in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 - a date, no time
            except ValueError:
                continue
            if 2000 <= parsed.year <= 2100:
                return parsed.date(), []
    return None, [Issue("V008", row, part="reference_date", fields=(row,))]


# A source that starts with one of these is refused (V015): a spreadsheet takes it as a
# formula. A leading "-" stays allowed ("- zie bijlage"), and so does every sign in other
# free text: exports neutralise them all (core.spreadsheet), which is the real guarantee.
SOURCE_REFUSED_PREFIXES = ("=", "+", "@")


def check_source(source: str, *, row: str) -> list[Issue]:
    if not source.strip():
        return [Issue("V007", row, part="source", fields=(row,))]
    if len(source) > SOURCE_MAX_LENGTH:
        return [Issue("V014", row, part="source", fields=(row,))]
    if source.lstrip().startswith(SOURCE_REFUSED_PREFIXES):
        return [Issue("V015", row, part="source", fields=(row,))]
    return []


# --- Rules over the figures of one municipality and year ---------------------------------


@dataclass(frozen=True)
class RowMeta:
    """The source and reference date of one row as they will be saved."""

    source: str
    reference_date: date | None


@dataclass(frozen=True)
class Context:
    """What the rules need besides the figures themselves (built by figures.selectors)."""

    year: int
    labels: Mapping[str, str]  # field and row key -> label in the active language
    required: tuple[str, ...] = ()  # field keys required before submitting
    previous: Mapping[str, Decimal] = dataclasses.field(default_factory=dict)  # last year's values
    medians: Mapping[str, Decimal] = dataclasses.field(
        default_factory=dict
    )  # per 1,000 inhabitants
    population_fallback: Decimal | None = None  # latest known population, when not in the set

    def label(self, key: str) -> str:
        return self.labels.get(key, key)


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * 100).quantize(Decimal("0.1"))


def _issue(
    code: str, key: str, fields: Iterable[str], values: Mapping[str, Decimal], **params: Any
) -> Issue:
    fields = tuple(fields)
    fingerprint = ";".join(f"{f}={values.get(f)}" for f in fields)
    return Issue(code, key, params=params, fields=fields, fingerprint=fingerprint)


def check_rows(rows: Mapping[str, RowMeta], *, ctx: Context) -> list[Issue]:
    """Source and reference date of the rows that change."""
    issues: list[Issue] = []
    for key, meta in rows.items():
        issues += check_source(meta.source, row=key)
        if meta.reference_date is None:
            issues.append(Issue("V008", key, part="reference_date", fields=(key,)))
        elif not date(ctx.year - 1, 1, 1) <= meta.reference_date <= date(ctx.year + 1, 12, 31):
            issues.append(
                Issue(
                    "V108",
                    key,
                    part="reference_date",
                    params={"date": meta.reference_date, "year": str(ctx.year)},
                    fields=(key,),
                    fingerprint=f"{key}={meta.reference_date.isoformat()}",
                )
            )
    return issues


def check_set(values: Mapping[str, Decimal], *, ctx: Context, for_submission: bool) -> list[Issue]:
    """Every rule that looks at the figures together. `values` holds the figures as they
    would be after saving (field key -> value; missing figures are absent)."""
    issues: list[Issue] = []
    get = values.get
    population = get("population")
    population_any = population if population is not None else ctx.population_fallback

    if for_submission:
        for key in ctx.required:
            if get(key) is None:
                issues.append(_issue("V005", key, (key,), values, label=ctx.label(key)))

    dwellings, social = get("dwellings"), get("social_rental")
    if social is not None and dwellings is not None:
        if social > dwellings:
            issues.append(_issue("V009", "social_rental", ("social_rental", "dwellings"), values))
        elif dwellings > 0:
            share = social / dwellings
            low, high = SOCIAL_SHARE_RANGE
            if share < low or share > high:
                issues.append(
                    _issue(
                        "V106",
                        "social_rental",
                        ("social_rental", "dwellings"),
                        values,
                        pct=_pct(social, dwellings),
                    )
                )
    households = get("households")
    if households is not None and population is not None and households > population:
        issues.append(
            _issue(
                "V011",
                "households",
                ("households", "population"),
                values,
                value=households,
                population=population,
            )
        )
    if population is not None and dwellings is not None and dwellings > 0:
        ratio = population / dwellings
        low, high = INHABITANTS_PER_DWELLING
        if ratio < low or ratio > high:
            issues.append(
                _issue(
                    "V107",
                    "dwellings",
                    ("dwellings", "population"),
                    values,
                    ratio=ratio.quantize(Decimal("0.01")),
                )
            )
    mutations = get("mutations")
    if mutations is not None and social is not None:
        if mutations > social:
            issues.append(
                _issue(
                    "V103",
                    "mutations",
                    ("mutations", "social_rental"),
                    values,
                    value=mutations,
                    stock=social,
                )
            )
        elif social > 0 and mutations / social > MUTATION_RATE_MAX:
            issues.append(
                _issue(
                    "V105",
                    "mutations",
                    ("mutations", "social_rental"),
                    values,
                    pct=_pct(mutations, social),
                )
            )
    new_build = get("planned_social_new_build")
    if new_build is not None and dwellings and new_build > dwellings * NEW_BUILD_SHARE_MAX:
        issues.append(
            _issue(
                "V109",
                "planned_social_new_build",
                ("planned_social_new_build", "dwellings"),
                values,
                value=new_build,
            )
        )

    jobs = get("jobs")
    if jobs is not None and population and jobs > population * JOBS_PER_INHABITANT_MAX:
        issues.append(
            _issue(
                "V110", "jobs", ("jobs", "population"), values, value=jobs, population=population
            )
        )
    for place in PLACE_INDICATORS:
        count = get(place)
        if count is not None and dwellings and count > dwellings * PLACES_SHARE_MAX:
            issues.append(
                _issue(
                    "V111",
                    place,
                    (place, "dwellings"),
                    values,
                    label=ctx.label(place),
                    value=count,
                    dwellings=dwellings,
                )
            )

    group_keys = sorted({row_of(k) for k in values if is_group_field(k)})
    for group in group_keys:
        demand, realised = get(f"{group}.demand"), get(f"{group}.realised")
        if demand is not None and population_any is not None and demand > population_any:
            issues.append(
                _issue(
                    "V010",
                    f"{group}.demand",
                    (f"{group}.demand", "population"),
                    values,
                    label=ctx.label(group),
                    value=demand,
                    population=population_any,
                )
            )
        if demand is not None and realised is not None and realised > demand:
            issues.append(
                _issue(
                    "V104",
                    f"{group}.realised",
                    (f"{group}.realised", f"{group}.demand"),
                    values,
                    label=ctx.label(group),
                    realised=realised,
                    demand=demand,
                )
            )

    for key, value in values.items():
        old = ctx.previous.get(key)
        if old is not None and old > 0 and abs(value - old) / old > CHANGE_THRESHOLD:
            issues.append(
                _issue(
                    "V101",
                    key,
                    (key,),
                    values,
                    label=ctx.label(key),
                    pct=_pct(value - old, old),
                    previous_year=str(ctx.year - 1),
                    old=old,
                    new=value,
                )
            )
        median = ctx.medians.get(key)
        if (
            key not in _NOT_PER_INHABITANT
            and median
            and population_any
            and value > 0
            and value * 1000 / population_any > MEDIAN_FACTOR * median
        ):
            issues.append(
                _issue(
                    "V102",
                    key,
                    (key,),
                    values,
                    label=ctx.label(key),
                    rate=(value * 1000 / population_any).quantize(Decimal("0.01")),
                    median=median.quantize(Decimal("0.01")),
                )
            )
    return issues


def median_per_thousand(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """The median of value per 1,000 inhabitants over (value, population) pairs, or None
    when fewer than MEDIAN_MIN_MUNICIPALITIES municipalities have both."""
    rates = [value * 1000 / population for value, population in pairs if population > 0]
    if len(rates) < MEDIAN_MIN_MUNICIPALITIES:
        return None
    return Decimal(statistics.median(rates))


def relevant(issues: Iterable[Issue], changed: set[str]) -> list[Issue]:
    """The issues that a change is responsible for.

    `changed` holds the field keys whose value changes and the row keys of every row that
    changes (value, source or date). An issue counts when a figure it looked at changes:
    old findings in untouched figures do not block a new, unrelated change.
    """
    return [i for i in issues if i.field in changed or set(i.fields) & changed]


# --- Extension point: rules of other apps ---------------------------------------------------


def register_rules(rules: Iterable[Rule]) -> None:
    """Let another app (monitoring) add its own rules to the registry, so that its issues
    read like these. Its codes must not collide with the V codes; `rules_table` (the figures
    documentation) keeps listing the V rules only."""
    for rule in rules:
        existing = RULES.get(rule.code)
        if existing is not None and existing != rule:
            raise ValueError(f"rule {rule.code} is already registered")
        RULES[rule.code] = rule
