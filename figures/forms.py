"""Forms of the figures workflow. They read input; the rules live in figures.validation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import validation as v
from .entries import UNSET, ChangeRequest, GroupInput, IndicatorInput, Version
from .selectors import YearFigures, group_field_label


def _notation() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def input_number(value: Decimal | int | None) -> str:
    """A number as the input shows it: no thousands separator, the language's decimal mark."""
    if value is None:
        return ""
    number = Decimal(value).normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return formats.number_format(number, use_l10n=True, force_grouping=False)


def html_name(issue: v.Issue) -> str | None:
    """The form field an issue belongs to."""
    if not issue.field:
        return None
    if issue.part in ("source", "reference_date"):
        return f"{v.row_of(issue.field)}-{issue.part}"
    if issue.part == "value":
        return issue.field.replace(".", "-") + ("" if v.is_group_field(issue.field) else "-value")
    return None


class FiguresForm(forms.Form):
    """All figures of one municipality and year: general indicators and target groups.

    A field that is not in the submitted data is left unchanged (the API works the same);
    an empty field means "no figure" and cannot empty a figure that exists (V006).
    """

    default_source = forms.CharField(
        label=_("Source for every figure without its own source"),
        required=False,
    )
    default_reference_date = forms.CharField(
        label=_("Reference date for every figure without its own date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, year_figures: YearFigures, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year_figures = year_figures
        self.rows: list[dict[str, Any]] = []
        self.group_rows: list[dict[str, Any]] = []
        self.issues: list[v.Issue] = []

        def locked(figure: Any) -> bool:
            return bool(year_figures.locked and figure is not None and figure.status == "confirmed")

        for row in year_figures.indicators:
            f, code = row.figure, row.indicator.code
            self._add(f"{code}-value", row.indicator.name, input_number(f.value) if f else "")
            self._add_row_fields(code, row.indicator.name, f)
            self.rows.append(
                {
                    "key": code,
                    "indicator": row.indicator,
                    "figure": f,
                    "locked": locked(f),
                    "previous": row.previous,
                    "value": self[f"{code}-value"],
                    "source": self[f"{code}-source"],
                    "reference_date": self[f"{code}-reference_date"],
                    "version": self[f"{code}-version"],
                }
            )
        for grow in year_figures.groups:
            g, code = grow.figure, grow.group.code
            numbers = []
            for name in v.GROUP_FIELDS:
                self._add(
                    f"{code}-{name}",
                    group_field_label(grow.group, name),
                    input_number(getattr(g, name)) if g else "",
                )
                bound = self[f"{code}-{name}"]
                has_previous = name in grow.previous
                numbers.append(
                    {
                        "name": name,
                        "field": bound,
                        "has_previous": has_previous,
                        "previous": grow.previous.get(name),
                        "describedby": (f"{bound.auto_id}-help " if has_previous else "")
                        + f"unit-{code}",
                    }
                )
            self._add_row_fields(code, grow.group.name, g)
            self.group_rows.append(
                {
                    "key": code,
                    "group": grow.group,
                    "figure": g,
                    "locked": locked(g),
                    "previous": grow.previous,
                    "numbers": numbers,
                    "source": self[f"{code}-source"],
                    "reference_date": self[f"{code}-reference_date"],
                    "version": self[f"{code}-version"],
                }
            )

    def _add(self, name: str, label: str, initial: str) -> None:
        self.fields[name] = forms.CharField(label=label, required=False, initial=initial)

    def _add_row_fields(self, key: str, label: str, figure: Any) -> None:
        self.fields[f"{key}-source"] = forms.CharField(
            label=_("Source of %(indicator)s") % {"indicator": label},
            required=False,
            initial=figure.source if figure else "",
        )
        self.fields[f"{key}-reference_date"] = forms.CharField(
            label=_("Reference date of %(indicator)s") % {"indicator": label},
            required=False,
            initial=figure.reference_date.isoformat() if figure else "",
            widget=forms.DateInput(attrs={"type": "date"}),
        )
        self.fields[f"{key}-version"] = forms.CharField(
            required=False,
            widget=forms.HiddenInput,
            initial=str(figure.version) if figure else "",
        )

    # Reading ------------------------------------------------------------------------------

    def _given(self, name: str) -> bool:
        return name in self.data

    def _version(self, key: str) -> Version:
        name = f"{key}-version"
        if not self._given(name):
            return UNSET
        raw = (self.cleaned_data.get(name) or "").strip()
        return int(raw) if raw.isdigit() else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        notation = _notation()
        request = ChangeRequest()
        default_source = (cleaned.get("default_source") or "").strip()
        default_date, date_issues = v.parse_date(
            cleaned.get("default_reference_date"), row="default"
        )
        if date_issues:
            self.add_error("default_reference_date", self._text(date_issues[0]))

        def meta(key: str, has_value: bool) -> tuple[str, Any]:
            source = (cleaned.get(f"{key}-source") or "").strip()
            reference_date, issues = v.parse_date(cleaned.get(f"{key}-reference_date"), row=key)
            request.issues.extend(issues)
            if has_value:
                source = source or default_source
                if reference_date is None and not issues:
                    reference_date = default_date
            return source, reference_date

        for row in self.rows:
            key = row["key"]
            if not self._given(f"{key}-value"):
                continue
            value, issues = v.parse_number(cleaned.get(f"{key}-value"), key=key, notation=notation)
            request.issues.extend(issues)
            if issues:
                continue
            source, reference_date = meta(key, value is not None)
            request.indicators.append(
                IndicatorInput(
                    code=key,
                    value=value,
                    source=source,
                    reference_date=reference_date,
                    expected_version=self._version(key),
                )
            )
        for grow in self.group_rows:
            key = grow["key"]
            given = [n for n in v.GROUP_FIELDS if self._given(f"{key}-{n}")]
            if not given:
                continue
            values: dict[str, Decimal | None] = {}
            failed = False
            for name in given:
                value, issues = v.parse_number(
                    cleaned.get(f"{key}-{name}"), key=f"{key}.{name}", notation=notation
                )
                request.issues.extend(issues)
                failed = failed or bool(issues)
                values[name] = value
            if failed:
                continue
            source, reference_date = meta(key, any(x is not None for x in values.values()))
            request.groups.append(
                GroupInput(
                    code=key,
                    values=values,
                    source=source,
                    reference_date=reference_date,
                    expected_version=self._version(key),
                )
            )
        request.acknowledgements = self._acknowledgements()
        self.request = request
        self.add_issues([i for i in request.issues if i.is_error])
        return cleaned

    def _acknowledgements(self) -> dict[tuple[str, str], str]:
        result = {}
        for name in self.data:
            if not name.startswith("ack-") or name.endswith("-comment"):
                continue
            _prefix, code, field_key = name.split("-", 2)
            comment = (self.data.get(f"{name}-comment") or "").strip()
            if code in v.RULES and comment:
                result[(code, field_key)] = comment
        return result

    def change_request(self) -> ChangeRequest:
        return self.request

    # Showing issues -----------------------------------------------------------------------

    @staticmethod
    def _text(issue: v.Issue) -> str:
        return f"{issue.code} · {issue.message} {issue.action}"

    def add_issues(self, issues: list[v.Issue]) -> None:
        """Show errors at their fields (with code, message and what to do)."""
        for issue in issues:
            if not issue.is_error:
                continue
            self.issues.append(issue)
            name = html_name(issue)
            if name in self.fields:
                existing = [str(e) for e in self.errors.get(name) or []]
                if self._text(issue) not in existing:
                    self.add_error(name, self._text(issue))
            else:
                self.add_error(None, self._text(issue))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Give a reason; it is kept in the audit trail.")},
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File with figures (.xlsx or .csv)"),
        allow_empty_file=True,  # an empty file gets the numbered message V203
        help_text=_(
            "At most 2 MB. Use the template; CSV with semicolons, in UTF-8 or Windows-1252."
        ),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty."),
            "invalid": _("Choose a file to upload."),
        },
    )
