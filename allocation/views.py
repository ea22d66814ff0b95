"""Pages for rounds, scenarios and results."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts import access

from .models import Round


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.can_view_public(request.user))
    round_ = get_object_or_404(Round, pk=pk)
    return render(request, "allocation/round_detail.html", {"round": round_})
