"""The fall-back page: which municipalities would fall under the fall-back rule on a date.

For the programme team and the steering group (accounts.access.can_view_fallback). Thin:
a GET form for the date, the selector `dashboards.fallback.fallback_on`, render.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access

from .fallback import SEED_DATE, fallback_on


class FallbackDateForm(forms.Form):
    datum = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        help_text=_("For example 2026-01-01. Empty: today."),
        error_messages={"invalid": _("Enter a date, for example 2026-01-01.")},
    )


def fallback(request: HttpRequest) -> HttpResponse:
    access.require(access.can_view_fallback(request.user))
    today = timezone.localdate()
    form = FallbackDateForm(request.GET or None, initial={"datum": today})
    on: date = today
    if form.is_valid() and form.cleaned_data.get("datum"):
        on = form.cleaned_data["datum"]
    page = fallback_on(on)
    seed = page if on == SEED_DATE else fallback_on(SEED_DATE)
    return render(
        request,
        "dashboards/fallback.html",
        {"form": form, "page": page, "seed": seed, "seed_date": SEED_DATE, "today": today},
    )
