"""Small GET forms of the dashboards: the map's measure and the scenarios to compare."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _


class MapForm(forms.Form):
    kaart = forms.ChoiceField(label=_("Colour the map by"), required=False)

    def __init__(self, *args: Any, choices: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["kaart"])
        field.choices = list(choices)
        field.error_messages["invalid_choice"] = _("Choose one of the measures in the list.")


class CompareForm(forms.Form):
    scenario = forms.TypedMultipleChoiceField(
        label=_("Scenarios to compare"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose two to four scenarios that have been computed."),
        error_messages={"invalid_choice": _("Choose only computed scenarios of this round.")},
    )

    def __init__(self, *args: Any, choices: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["scenario"])
        field.choices = list(choices)

    def clean_scenario(self) -> list[int]:
        chosen: list[int] = self.cleaned_data["scenario"]
        if not 2 <= len(chosen) <= 4:
            raise forms.ValidationError(_("Choose two to four scenarios."))
        return chosen
