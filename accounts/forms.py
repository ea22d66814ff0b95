"""Forms of the sign-in pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SecondStepForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        help_text=_("The 6-digit code your authenticator app shows now."),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split())
