"""Forms of the review page. They parse input only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allocation.models import ScenarioRun
from municipalities.models import Municipality
from target_groups.models import TargetGroup

from .models import COMMENT_MAX_LENGTH, Decision

TEXTAREA = forms.Textarea(attrs={"rows": 3, "cols": 60})


def apply_errors(form: forms.Form, errors: dict[str, list[str]]) -> None:
    """Put a service's ValidationError messages on the form's fields (or the form)."""
    for key, messages in errors.items():
        target = key if key in form.fields else None
        for message in messages:
            form.add_error(target, message)


class TransitionForm(forms.Form):
    to_status = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, widget=TEXTAREA)


class ProposeForm(forms.Form):
    run = forms.TypedChoiceField(label=_("Computation to propose"), coerce=int)

    def __init__(self, *args: Any, runs: list[ScenarioRun], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["run"].choices = [  # type: ignore[attr-defined]
            (
                r.pk,
                # Stored in UTC: shown in Europe/Amsterdam, as every other time on the page.
                f"{r.scenario.name} · {timezone.localtime(r.finished_at):%d-%m-%Y %H:%M}"
                if r.finished_at
                else r.scenario.name,
            )
            for r in runs
        ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision of your sub-region"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=TEXTAREA,
        help_text=_("Required when you object."),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        widget=TEXTAREA,
        max_length=COMMENT_MAX_LENGTH,
        help_text=_("At most 5,000 characters."),
        error_messages={
            "max_length": _(
                "Your message is too long: at most 5,000 characters. Shorten it or split it "
                "over two messages."
            )
        },
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("Why is the agreement corrected?"), widget=TEXTAREA)


DIRECTIONS = [
    ("give", _("hands over to the other municipality")),
    ("take", _("takes over from the other municipality")),
]


class TransferForm(forms.Form):
    municipality = forms.TypedChoiceField(label=_("Municipality that proposes"), coerce=int)
    direction = forms.ChoiceField(
        label=_("The proposing municipality"), choices=DIRECTIONS, widget=forms.RadioSelect
    )
    other = forms.TypedChoiceField(label=_("Other municipality"), coerce=int)
    group = forms.TypedChoiceField(label=_("Target group"), coerce=int)
    amount = forms.IntegerField(label=_("Number"), min_value=1)
    reason = forms.CharField(label=_("Explanation"), required=False, widget=TEXTAREA)

    def __init__(
        self,
        *args: Any,
        municipalities: list[Municipality],
        own: list[Municipality],
        groups: list[TargetGroup],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [(m.pk, m.name) for m in own]  # type: ignore[attr-defined]
        if len(own) == 1:
            self.fields["municipality"].initial = own[0].pk
        self.fields["other"].choices = [("", "–")] + [  # type: ignore[attr-defined]
            (m.pk, m.name) for m in municipalities
        ]
        self.fields["group"].choices = [(g.pk, g.name_nl) for g in groups]  # type: ignore[attr-defined]


class TransferAnswerForm(forms.Form):
    transfer = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer (optional)"), required=False, max_length=2000)
    accept = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")], widget=forms.HiddenInput)


class StandingTextsForm(forms.Form):
    """The standing texts of a round's agreements, in Dutch: one field per text."""

    considerations = forms.CharField(
        label=_("Considerations"),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90, "lang": "nl"}),
        help_text=_("In Dutch. An empty line starts a new item (a, b, c …) in the agreement."),
    )
    definitions = forms.CharField(
        label=_("Definitions (article 1)"),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90, "lang": "nl"}),
        help_text=_(
            "In Dutch. An empty line starts a new paragraph. Say per target group what "
            "counts as realised (gerealiseerd)."
        ),
    )
    conditions = forms.CharField(
        label=_("Conditions (article 4)"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 90, "lang": "nl"}),
        help_text=_("In Dutch. An empty line starts a new paragraph."),
    )
    reason = forms.CharField(
        label=_("Why changed"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=_("Optional; it is kept with the new version."),
    )
