"""Forms of monitoring: parse input only; the rules are in monitoring.services."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from figures import validation as v
from target_groups.models import TargetGroup

from .services import RealisationInput


def field_name(group_code: str, prefix: str = "realised") -> str:
    return f"{prefix}_{group_code}"


class QuarterForm(forms.Form):
    """The realised numbers of one quarter: one number per group, one source and date.

    A corporation's lettings (partners.lettings) are the same form with other words: a
    subclass sets the field prefix and help texts and says how an existing entry is read
    and what an entered number becomes."""

    number_prefix = "realised"
    source_help = _("For example: own registration of the municipality, housing association.")
    number_help = _("Number realised in this quarter, in %(unit)s.")

    source = forms.CharField(label=_("Source"), max_length=v.SOURCE_MAX_LENGTH)
    reference_date = forms.DateField(
        label=_("Reference date"),
        help_text=_("The date the numbers refer to, for example the last day of the quarter."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
    )

    def __init__(
        self,
        *args: Any,
        groups: list[TargetGroup],
        existing: Mapping[str, Any],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        first = next(iter(existing.values()), None)
        initial = kwargs.setdefault("initial", {})
        if first is not None:
            _number, source, reference_date = self.entry(first)
            initial.setdefault("source", source)
            initial.setdefault("reference_date", reference_date)
        super().__init__(*args, **kwargs)
        self.fields["source"].help_text = self.source_help
        self.groups = groups
        for group in groups:
            current = existing.get(group.code)
            self.fields[self.field_name(group.code)] = forms.CharField(
                label=group.name,
                required=False,
                help_text=self.number_help % {"unit": group.get_unit_display()},
                initial=(
                    number_format(self.entry(current)[0], force_grouping=True) if current else ""
                ),
                widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--number"}),
            )

    def field_name(self, group_code: str) -> str:
        return field_name(group_code, self.number_prefix)

    def entry(self, current: Any) -> tuple[int, str, date | None]:
        """Number, source and reference date of what is stored for a group (here a
        Realisation)."""
        return current.realised, current.source, current.reference_date

    def make_input(self, raw: str, source: str, reference_date: date) -> Any:
        """What one entered number becomes for the service."""
        return RealisationInput(realised=raw, source=source, reference_date=reference_date)

    def group_fields(self) -> list[Any]:
        return [self[self.field_name(g.code)] for g in self.groups]

    def values(self) -> dict[str, Any]:
        """Per group code the entered number (groups left empty are left out)."""
        out = {}
        for group in self.groups:
            raw = self.cleaned_data.get(self.field_name(group.code), "")
            if raw and raw.strip():
                out[group.code] = self.make_input(
                    raw, self.cleaned_data["source"], self.cleaned_data["reference_date"]
                )
        return out

    def add_issues(self, issues: list[v.Issue]) -> None:
        for issue in issues:
            text = f"{issue.message} {issue.action}"
            if issue.part == "source":
                self.add_error("source", text)
            elif issue.part == "reference_date":
                self.add_error("reference_date", text)
            elif issue.field.endswith(".realised"):
                self.add_error(self.field_name(v.row_of(issue.field)), text)
            else:
                self.add_error(None, text)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or Excel)"),
        help_text=_(
            "Columns: CBS-code, Jaar, Kwartaal, Doelgroep, Gerealiseerd, Bron, Peildatum. "
            "At most 2 MB."
        ),
    )
