"""Forms of monitoring: parse input only; the rules are in monitoring.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from figures import validation as v
from target_groups.models import TargetGroup

from .models import Realisation


def field_name(group_code: str) -> str:
    return f"realised_{group_code}"


class QuarterForm(forms.Form):
    """The realised numbers of one quarter: one number per group, one source and date."""

    source = forms.CharField(
        label=_("Source"),
        max_length=v.SOURCE_MAX_LENGTH,
        help_text=_("For example: own registration of the municipality, housing association."),
    )
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
        existing: dict[str, Realisation],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        first = next(iter(existing.values()), None)
        initial = kwargs.setdefault("initial", {})
        if first is not None:
            initial.setdefault("source", first.source)
            initial.setdefault("reference_date", first.reference_date)
        super().__init__(*args, **kwargs)
        self.groups = groups
        for group in groups:
            current = existing.get(group.code)
            self.fields[field_name(group.code)] = forms.CharField(
                label=group.name,
                required=False,
                help_text=_("Number realised in this quarter, in %(unit)s.")
                % {"unit": group.get_unit_display()},
                initial=number_format(current.realised, force_grouping=True) if current else "",
                widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--number"}),
            )

    def group_fields(self) -> list[Any]:
        return [self[field_name(g.code)] for g in self.groups]

    def values(self) -> dict[str, dict[str, Any]]:
        """Per group code the entered number (groups left empty are left out)."""
        out = {}
        for group in self.groups:
            raw = self.cleaned_data.get(field_name(group.code), "")
            if raw and raw.strip():
                out[group.code] = {
                    "realised": raw,
                    "source": self.cleaned_data["source"],
                    "reference_date": self.cleaned_data["reference_date"],
                }
        return out

    def add_issues(self, issues: list[v.Issue]) -> None:
        for issue in issues:
            text = f"{issue.message} {issue.action}"
            if issue.part == "source":
                self.add_error("source", text)
            elif issue.part == "reference_date":
                self.add_error("reference_date", text)
            elif issue.field.endswith(".realised"):
                self.add_error(field_name(v.row_of(issue.field)), text)
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
